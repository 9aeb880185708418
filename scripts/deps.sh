#!/bin/sh
# Installs the Debian packages listed in packages.txt that are missing (a line
# "package:command" only when that command is missing too).
# As root it runs apt-get; otherwise it prints the exact command and fails.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
list=$(grep -v '^[[:space:]]*#' "$here/packages.txt" | grep -v '^[[:space:]]*$' | tr '\n' ' ')
missing=""
for p in $list; do
	case $p in
	*:*) # package:command: only when the command is missing
		command -v "${p#*:}" >/dev/null 2>&1 && continue
		p=${p%%:*} ;;
	esac
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
	echo "deps: installing:$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >&2
else
	echo "deps: missing Debian packages:$missing" >&2
	echo "deps: run: sudo apt-get install -y$missing" >&2
	exit 1
fi
