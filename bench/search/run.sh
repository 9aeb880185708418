#!/bin/sh
# bench/search/run.sh: the search and duplicate-detection benchmark (issue 7). `make bench`
# runs it.
#
# Builds $BUILD/libxinyuan.a and bench/search/search_bench.c, generates BENCH_SEARCH_NEEDS
# (default 1,000,000) needs in one community tree into a new SQLite file under
# bench/out/search/, indexes them all (search_backfill, as the first start after migration 0004
# does), times searches of 1, 2 and 4 characters and similar-need checks through the store
# API, then `grep -c -F` over the same folded texts for the same queries as a baseline. Prints a
# table and the targets (PASS/MISS): exit 0 when all are met, 1 when one is missed, 2 when it
# could not run. Everything it writes stays in bench/out/search/ (the database is deleted at
# the end unless BENCH_SEARCH_KEEP=1). See bench/README.md, "Search and duplicates".
#
# Settings (environment): BUILD (build directory, as make), BENCH_SEARCH_NEEDS (1000000),
# BENCH_SEARCH_QUERIES (queries per kind, 300), BENCH_SEARCH_GREP (grep runs per kind, 20).
set -eu
cd "$(dirname "$0")/../.."

BUILD=${BUILD:-build}
NEEDS=${BENCH_SEARCH_NEEDS:-1000000}
QUERIES=${BENCH_SEARCH_QUERIES:-300}
GREPS=${BENCH_SEARCH_GREP:-20}
OUT=bench/out/search

say() { printf '%s\n' "== $*" >&2; }
fail() {
	printf 'bench/search: %s\n' "$*" >&2
	exit 2
}

for tool in cc pkg-config grep awk; do
	command -v "$tool" >/dev/null 2>&1 || fail "$tool is not installed (make deps)"
done

say "building $BUILD/libxinyuan.a and the benchmark program"
make --no-print-directory BUILD="$BUILD" "$BUILD/xinyuan" >&2 || fail "build failed"
pkgs=$(sed -n 's/^PKGS[[:space:]]*:=[[:space:]]*//p' Makefile)
mkdir -p "$OUT"
# shellcheck disable=SC2086
cc -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L -O2 -Wall -Wextra -Isrc -I"$BUILD/gen" \
	bench/search/search_bench.c "$BUILD/libxinyuan.a" $(pkg-config --cflags --libs $pkgs) \
	-lpthread -lm -o "$OUT/search-bench" || fail "cannot build bench/search/search_bench.c"

db="$OUT/search.db"
rm -f "$db" "$db-wal" "$db-shm" "$OUT"/queries-*.txt "$OUT/texts.txt"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
say "loading $NEEDS needs, indexing them, $QUERIES searches of each kind, $QUERIES similar checks"
start=$(date +%s)
"$OUT/search-bench" "$db" "$NEEDS" "$OUT" "$QUERIES" >"$OUT/results.txt" || fail "search-bench failed"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
size=$(du -m "$db" | cut -f1)
[ "${BENCH_SEARCH_KEEP:-0}" = 1 ] || rm -f "$db" "$db-wal" "$db-shm"

# grep -c -F over the same folded texts (one need per line), for the first GREPS queries
say "grep -c -F over $(wc -l <"$OUT/texts.txt") lines, $GREPS queries of each kind"
ms_now() { date +%s%N | awk '{ printf "%.3f\n", $1 / 1e6 }'; }
for chars in 1 2 4; do
	head -n "$GREPS" "$OUT/queries-$chars.txt" | while IFS= read -r q; do
		t0=$(ms_now)
		# (not to /dev/null: GNU grep then stops at the first match)
		LC_ALL=C grep -c -F -- "$q" "$OUT/texts.txt" >"$OUT/grep.count" || true
		t1=$(ms_now)
		echo "$t0 $t1" | awk '{ printf "%.2f\n", $2 - $1 }'
	done | sort -n >"$OUT/grep-$chars.txt"
done
rm -f "$OUT/texts.txt" "$OUT/grep.count"

r() { awk -v k="$1" '$1 == "RESULT" && $2 == k { print $3 }' "$OUT/results.txt"; }
# p50 and p99 of a sorted file of numbers
pctl() { awk -v p="$2" '{ v[NR] = $1 } END { i = int(p * NR + 0.5); if (i < 1) i = 1; if (i > NR) i = NR; print v[i] }' "$1"; }

status=0
check() { # name measured op target
	if awk -v m="$2" -v t="$4" -v op="$3" 'BEGIN { exit !((op == "<" && m < t) || (op == ">=" && m >= t)) }'; then
		printf '| %s | %s | PASS |\n' "$1" "$2"
	else
		printf '| %s | %s | MISS |\n' "$1" "$2"
		status=1
	fi
}

{
	echo "commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo ' (with uncommitted changes)'), $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average $load_before before, $load_after after; $NEEDS needs in one community ($size MB), $(($(date +%s) - start)) s"
	echo
	echo "| what | p50 ms | p99 ms | CPU ms (mean) | grep -c p50 ms | grep -c p99 ms | mean matches |"
	echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
	for chars in 1 2 4; do
		printf '| search, %d character(s) | %s | %s | %s | %s | %s | %s |\n' "$chars" \
			"$(r search_${chars}_p50_ms)" "$(r search_${chars}_p99_ms)" \
			"$(r search_${chars}_cpu_ms)" \
			"$(pctl "$OUT/grep-$chars.txt" 0.5)" "$(pctl "$OUT/grep-$chars.txt" 0.99)" \
			"$(r search_${chars}_mean_total)"
	done
	printf '| similar-need check | %s | %s | %s | | | %s suggestions |\n' "$(r similar_p50_ms)" \
		"$(r similar_p99_ms)" "$(r similar_cpu_ms)" "$(r similar_mean_suggestions)"
	echo
	printf 'indexing: %s needs in %s s = %s needs/s (CPU %s s = %s needs per CPU second)\n' \
		"$(r indexed)" "$(r index_seconds)" "$(r index_per_second)" "$(r index_cpu_seconds)" \
		"$(r index_per_cpu_second)"
	echo
	echo "| target | measured | |"
	echo "| --- | --- | --- |"
	for chars in 1 2 4; do
		check "search p99, $chars character(s) < 20 ms" "$(r search_${chars}_p99_ms)" "<" 20
	done
	check "similar-need check p99 < 5 ms" "$(r similar_p99_ms)" "<" 5
	check "indexing >= 20,000 needs/s" "$(r index_per_second)" ">=" 20000
	echo "status $status"
} | tee "$OUT/last-summary.txt"
exit "$(awk '$1 == "status" { print $2 }' "$OUT/last-summary.txt")"
