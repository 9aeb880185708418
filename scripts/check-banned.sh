#!/bin/sh
# Fails when a banned C function appears in the sources (STYLE.md §7).
set -eu
cd "$(dirname "$0")/.."
pat='\b(strcpy|sprintf|vsprintf|strcat|gets|atoi|atol|strtok|strncpy|tmpnam)[[:space:]]*\('
if grep -rnE "$pat" src tests/unit bench --include='*.c' --include='*.h'; then
	echo "banned function used (see STYLE.md §7): use snprintf, memcpy with a length, strtol" >&2
	exit 1
fi
