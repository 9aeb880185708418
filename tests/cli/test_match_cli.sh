#!/bin/sh
# `xinyuan match --instance` end to end: the JSON answer on a small file and on stdin, the
# human form, and the refusals (exit 2, a message naming the problem on stderr).
#   sh tests/cli/test_match_cli.sh BUILD     (uses BUILD/xinyuan; prints TAP, exits 1 on failure)
set -u
bin=${1:-build/san}/xinyuan
tmp=$(mktemp -d /tmp/xy-match-cli-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
n=0
bad=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); bad=$((bad + 1)); echo "not ok $n - $1"; }

# expect NAME WANT_STATUS WANT_STDOUT STDERR_PATTERN -- ARGS...: runs xinyuan ARGS
expect() {
	name=$1 want_rc=$2 want_out=$3 err_pat=$4
	shift 5
	"$bin" "$@" >"$tmp/out" 2>"$tmp/err" <"$tmp/stdin"
	rc=$?
	out=$(cat "$tmp/out")
	if [ "$rc" -ne "$want_rc" ]; then
		not_ok "$name: exit $rc, wanted $want_rc ($(cat "$tmp/err"))"
	elif [ -n "$want_out" ] && [ "$out" != "$want_out" ]; then
		not_ok "$name: printed '$out', wanted '$want_out'"
	elif [ -n "$err_pat" ] && ! grep -q -- "$err_pat" "$tmp/err"; then
		not_ok "$name: stderr '$(cat "$tmp/err")' lacks '$err_pat'"
	else
		ok "$name"
	fi
}

# Need 1 is worth 42 at provider 7 and need 2 40 there; 7 has room for one. The optimum puts
# 2 at 8 (1) and 1 at 7: 43. Need 3 has only a zero edge and stays unmatched.
cat >"$tmp/small.json" <<'EOF'
{"needs": [{"id": 3}, {"id": 2}, {"id": 1}],
 "providers": [{"id": 8, "capacity": 2}, {"id": 7, "capacity": 1}],
 "edges": [{"need": 2, "provider": 7, "score": 40},
           {"need": 1, "provider": 7, "score": 42},
           {"need": 2, "provider": 8, "score": 1},
           {"need": 3, "provider": 8, "score": 0}]}
EOF
answer='{"objective":43,"assignment":[{"need":1,"provider":7},{"need":2,"provider":8}]}'
: >"$tmp/stdin"

expect "instance file, JSON answer" 0 "$answer" "" -- match --instance "$tmp/small.json" --json
cp "$tmp/small.json" "$tmp/stdin"
expect "instance on stdin" 0 "$answer" "" -- match --instance - --json
: >"$tmp/stdin"
expect "human form" 0 "" "" -- match --instance "$tmp/small.json"
if grep -q '^objective 43: 2 of 3 needs matched$' "$tmp/out" &&
	grep -q '^need 1 -> provider 7 (score 42)$' "$tmp/out"; then
	ok "human form lists the matches"
else
	not_ok "human form lists the matches: $(cat "$tmp/out")"
fi
expect "help" 0 "" "" -- match --help
if grep -q -- '--area' "$tmp/out" && grep -q -- '--instance' "$tmp/out"; then
	ok "help names both modes"
else
	not_ok "help names both modes"
fi

refuse() {
	printf '%s' "$2" >"$tmp/stdin"
	expect "refuses $1" 2 "" "$3" -- match --instance - --json
	[ -s "$tmp/out" ] && not_ok "refusing $1 printed to stdout"
}
refuse "an unknown key" '{"needs":[{"id":1,"x":2}],"providers":[],"edges":[]}' "unknown field 'needs\[0\].x'"
refuse "a wrong type" '{"needs":[{"id":"1"}],"providers":[],"edges":[]}' 'needs\[0\].id must be an integer'
refuse "a missing key" '{"needs":[],"providers":[]}' 'edges is required'
refuse "a negative capacity" '{"needs":[],"providers":[{"id":2,"capacity":-1}],"edges":[]}' 'negative_capacity'
refuse "an unknown id" '{"needs":[{"id":1}],"providers":[],"edges":[{"need":1,"provider":3,"score":4}]}' 'unknown_provider'
refuse "a duplicate id" '{"needs":[{"id":1},{"id":1}],"providers":[],"edges":[]}' 'duplicate_need'
refuse "bad JSON" '{"needs":' 'malformed'
: >"$tmp/stdin"
expect "a missing file" 2 "" "cannot read" -- match --instance "$tmp/none.json"
expect "no mode" 2 "" "usage" -- match --json

echo "1..$n"
[ "$bad" -eq 0 ]
