#!/bin/sh
# Runs every test against the build in $1 (default build/san): the cmocka unit tests, then the
# API tests against the real binary, once on SQLite and once on PostgreSQL, then the browser
# tests of the web UI. Ends with one line "N passed, N failed" summing everything.
#
# PostgreSQL: XINYUAN_TEST_PG=postgresql://user@host:port/ names a cluster where the user may
# CREATE DATABASE; without it a throw-away cluster (scripts/pg-cluster.sh) is started in a
# temporary directory on a free port and stopped at the end. A PostgreSQL that cannot be
# reached is a failure, not a skip.
set -u
build=${1:-build/san}
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here" || exit 1
pass=0
fail=0
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export CMOCKA_MESSAGE_OUTPUT=TAP

pgtmp=
cleanup() {
	if [ -n "$pgtmp" ]; then
		sh scripts/pg-cluster.sh stop "$pgtmp/data" >/dev/null 2>&1
		rm -rf "$pgtmp"
		pgtmp=
	fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# PostgreSQL first: the unit tests use it too.
pg_ok=0
if [ -n "${XINYUAN_TEST_PG:-}" ]; then
	echo "== PostgreSQL: $XINYUAN_TEST_PG (XINYUAN_TEST_PG)"
else
	pgtmp=$(mktemp -d /tmp/xy-test-pg-XXXXXX)
	# the server runs as postgres when we are root; it writes next to its data directory
	chmod 755 "$pgtmp"
	[ "$(id -u)" = 0 ] && chown postgres "$pgtmp" 2>/dev/null
	port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	echo "== PostgreSQL: throw-away cluster in $pgtmp on port $port"
	if url=$(sh scripts/pg-cluster.sh start "$pgtmp/data" "$port" 2>"$pgtmp/start.err"); then
		export XINYUAN_TEST_PG="$url"
	else
		sed 's/^/  /' "$pgtmp/start.err"
		[ -f "$pgtmp/data/server.log" ] && tail -n 20 "$pgtmp/data/server.log" | sed 's/^/  /'
	fi
fi
if [ -n "${XINYUAN_TEST_PG:-}" ]; then
	case $XINYUAN_TEST_PG in */) ;; *) XINYUAN_TEST_PG="$XINYUAN_TEST_PG/" ;; esac
	export XINYUAN_TEST_PG
	if err=$(psql -XAtq -d "${XINYUAN_TEST_PG}postgres" -c 'SELECT 1' 2>&1); then
		pg_ok=1
	else
		printf '%s\n' "$err" | sed 's/^/  /'
		unset XINYUAN_TEST_PG
	fi
fi
if [ "$pg_ok" -ne 1 ]; then
	echo "  PostgreSQL is not available: counted as a failure (apt-get install postgresql)"
	fail=$((fail + 1))
fi

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
# CLI scripts that need no server (tests/cli/*.sh BUILD): one test each
for t in tests/cli/*.sh; do if out=$(sh "$t" "$build" 2>&1); then pass=$((pass + 1)); echo "  cli/$(basename "$t"): ok"; else fail=$((fail + 1)); printf '%s\n' "$out" | grep -v '^ok ' | sed "s|^|  cli/$(basename "$t"): |"; fi; done

# api BACKEND LABEL: the API suite with servers on BACKEND; adds its counts.
api() {
	echo "== API tests on $2 (tests/api, binary $build/xinyuan)"
	out=$(python3 tests/api/run.py --backend "$1" --bin "$build/xinyuan" 2>&1)
	rc=$?
	printf '%s\n' "$out" | sed -E "s/^API: ([0-9]+ passed, [0-9]+ failed)/API ($2): \1/"
	line=$(printf '%s\n' "$out" | grep -E '^API: [0-9]+ passed, [0-9]+ failed' | tail -n 1)
	if [ -n "$line" ]; then
		p=$(echo "$line" | sed -E 's/^API: ([0-9]+) passed.*/\1/')
		f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
		pass=$((pass + p))
		fail=$((fail + f))
		[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && fail=$((fail + 1))
	else
		fail=$((fail + 1))
	fi
}

api sqlite SQLite
if [ "$pg_ok" -eq 1 ]; then
	api pg PostgreSQL
else
	echo "== API tests on PostgreSQL: not run, PostgreSQL is not available (counted as a failure)"
	# the missing-cluster failure above already counts once; one more for the missing suite
	fail=$((fail + 1))
fi

# The browser tests (tests/browser): the built web UI (web/dist) in Debian's Chromium against
# the same binary on a demo database. A missing Chromium, Node.js or web build is a failure.
echo "== browser tests (tests/browser, binary $build/xinyuan, web/dist)"
if command -v node >/dev/null 2>&1; then
	out=$(node tests/browser/run.mjs --bin "$build/xinyuan" --web web/dist 2>&1)
	rc=$?
else
	out="not ok - node is missing (make deps installs Node.js)"
	rc=1
fi
printf '%s\n' "$out"
line=$(printf '%s\n' "$out" | grep -E '^Browser: [0-9]+ passed, [0-9]+ failed' | tail -n 1)
if [ -n "$line" ]; then
	p=$(echo "$line" | sed -E 's/^Browser: ([0-9]+) passed.*/\1/')
	f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
	pass=$((pass + p))
	fail=$((fail + f))
	[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && fail=$((fail + 1))
else
	fail=$((fail + 1))
fi

cleanup
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
