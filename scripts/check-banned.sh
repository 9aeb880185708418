#!/bin/sh
# Fails when a banned C function appears in the sources (STYLE.md §7).
set -eu
cd "$(dirname "$0")/.."
pat='\b(strcpy|sprintf|vsprintf|strcat|gets|atoi|atol|strtok|strncpy|tmpnam)[[:space:]]*\('
dirs=""
for d in src tests/unit bench fuzz; do
	[ -d "$d" ] && dirs="$dirs $d"
done
# shellcheck disable=SC2086
if grep -rnE "$pat" $dirs --include='*.c' --include='*.h'; then
	echo "banned function used (see STYLE.md §7): use snprintf, memcpy with a length, strtol" >&2
	exit 1
fi
