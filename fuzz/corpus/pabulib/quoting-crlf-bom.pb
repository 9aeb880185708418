META
key;value
description;"A ""small"" test; with semicolon"
budget;100,5
vote_type;approval

PROJECTS
project_id;cost;name;category
1;50.25;First;none
10;50;"Second; quoted";green
9;0.0;Free
VOTES
voter_id;vote;age
a;1,10;30
b; 9 ;none
c;;41
