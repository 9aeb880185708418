#!/bin/sh
# Runs every test against the build in $1 (default build/san): the cmocka unit tests, then the
# API tests against the real binary. Ends with one line "N passed, N failed".
set -u
build=${1:-build/san}
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here" || exit 1
pass=0
fail=0
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export CMOCKA_MESSAGE_OUTPUT=TAP

echo "== unit tests ($build/tests)"
for t in $(find "$build/tests" -type f -perm -u+x 2>/dev/null | sort); do
	out=$("$t" 2>&1)
	rc=$?
	ok=$(printf '%s\n' "$out" | grep -c '^ok ')
	bad=$(printf '%s\n' "$out" | grep -c '^not ok ')
	if [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ]; then
		bad=1 # crashed or sanitizer report outside a test
	fi
	pass=$((pass + ok))
	fail=$((fail + bad))
	if [ "$bad" -ne 0 ]; then
		printf '%s\n' "$out" | grep -v '^ok ' | sed "s|^|  $(basename "$t"): |"
	fi
	echo "  $(basename "$t"): $ok passed, $bad failed"
done

echo "== API tests (tests/api, binary $build/xinyuan)"
api=$(python3 tests/api/run.py --bin "$build/xinyuan" 2>&1)
rc=$?
printf '%s\n' "$api"
line=$(printf '%s\n' "$api" | grep -E '^API: [0-9]+ passed, [0-9]+ failed' | tail -n 1)
if [ -n "$line" ]; then
	p=$(echo "$line" | sed -E 's/^API: ([0-9]+) passed.*/\1/')
	f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
	pass=$((pass + p))
	fail=$((fail + f))
	[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && fail=$((fail + 1))
else
	fail=$((fail + 1))
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
