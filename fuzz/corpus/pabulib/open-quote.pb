META
key;value
description;"open
budget;10
