#!/bin/sh
# bench/match/run.sh: the matching benchmark (issue 5). `make bench` runs it.
#
# Generates street- and district-sized instances (bench/match/gen.c, cached in bench/out/match),
# solves each with xinyuan's engine (bench/match/solve.c) and with LEMON's NetworkSimplex and
# CostScaling (bench/match/solve_lemon.cc), checks that the three optimal objectives are
# identical, times each (best of BENCH_MATCH_RUNS calls, wall clock and CPU time) and measures
# each one's peak memory (getrusage maxrss; every solver in a process of its own). Then
# `xinyuan match --instance` on the smallest instance's JSON (same objective), and top-k for
# 1,000 needs of the largest instance (judged on CPU time per call, since on a busy machine the
# wall-clock tail is the scheduler's). Prints a table and the targets (PASS/MISS), also into
# bench/out/match/last-summary.txt: exit 0 when all are met, 1 when one is missed, 2 when it
# could not run. See bench/README.md.
#
# Settings (environment): BUILD (build directory, as make), BENCH_MATCH_SIZES (space-separated
# NEEDSxPROVIDERS, default "2000x200 10000x1000 50000x5000"), BENCH_MATCH_RUNS (3),
# BENCH_MATCH_SEED (1).
set -eu
cd "$(dirname "$0")/../.."

BUILD=${BUILD:-build}
SIZES=${BENCH_MATCH_SIZES:-2000x200 10000x1000 50000x5000}
RUNS=${BENCH_MATCH_RUNS:-3}
SEED=${BENCH_MATCH_SEED:-1}
OUT=bench/out/match

say() { printf '%s\n' "== $*" >&2; }
fail() {
	printf 'bench/match: %s\n' "$*" >&2
	exit 2
}

for tool in cc c++ pkg-config; do
	command -v "$tool" >/dev/null 2>&1 || fail "$tool is not installed (make deps)"
done
[ -f /usr/include/lemon/network_simplex.h ] || fail "LEMON is not installed (apt-get install liblemon-dev)"

# ---- build -----------------------------------------------------------------------------------
say "building $BUILD/xinyuan and the benchmark programs"
make --no-print-directory BUILD="$BUILD" "$BUILD/xinyuan" >&2
pkgs=$(sed -n 's/^PKGS[[:space:]]*:=[[:space:]]*//p' Makefile)
mkdir -p "$OUT"
for prog in gen solve; do
	# shellcheck disable=SC2046,SC2086 # word splitting of the flags is wanted
	cc -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L -O2 -Wall -Wextra -Isrc \
		bench/match/$prog.c "$BUILD/libxinyuan.a" $(pkg-config --libs $pkgs) -lpthread -lm \
		-o "$BUILD/match-$prog"
done
c++ -std=c++17 -O2 -Wall -Wextra bench/match/solve_lemon.cc -o "$BUILD/match-lemon"

# ---- instances (cached) --------------------------------------------------------------------
# The cache key: the generator and the scorer that made the edges.
sum=$(cat bench/match/gen.c src/engine/match_score.c src/engine/match.c | cksum | cut -d' ' -f1)
for old in "$OUT"/inst-*; do # instances of an older generator
	case $old in *"-$sum.txt" | *"-$sum.json" | "$OUT/inst-*") ;; *) rm -f "$old" ;; esac
done
first=
for size in $SIZES; do
	file="$OUT/inst-${size}-s$SEED-$sum.txt"
	[ -n "$first" ] || first=$file
	if [ ! -f "$file" ]; then
		say "generating $size"
		"$BUILD/match-gen" "${size%x*}" "${size#*x}" "$SEED" "$file.tmp" "${file%.txt}.json"
		mv "$file.tmp" "$file"
	fi
done

# field KEY LINE: the value of KEY=value in LINE
field() { printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"; }

# ---- solve ----------------------------------------------------------------------------------
table=$OUT/last-summary.txt
{
	echo "matching benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores"
	echo "time: best of $RUNS, wall clock, ms (xinyuan: all of match_solve; LEMON: run() on a built graph)"
	echo "memory: peak RSS of the process that read the instance and solved it, MB"
	echo
	printf '%-11s %9s %11s | %9s %9s %9s %7s | %7s %7s %7s %6s\n' size edges objective \
		xinyuan lemon-ns lemon-cs ratio xy-MB ns-MB cs-MB ratio
} >"$table"
time_ok=1
mem_ok=1
same_ok=1
last_time_ratio=
last_mem_ratio=
cpu_rows=
for size in $SIZES; do
	file="$OUT/inst-${size}-s$SEED-$sum.txt"
	edges=$(head -n 1 "$file" | cut -d' ' -f4)
	say "solving $size ($edges edges): xinyuan"
	xy=$("$BUILD/match-solve" solve "$file" "$RUNS")
	say "solving $size: LEMON NetworkSimplex"
	ns=$("$BUILD/match-lemon" ns "$file" "$RUNS")
	say "solving $size: LEMON CostScaling"
	cs=$("$BUILD/match-lemon" cs "$file" "$RUNS")
	obj=$(field objective "$xy")
	if [ "$obj" != "$(field objective "$ns")" ] || [ "$obj" != "$(field objective "$cs")" ]; then
		same_ok=0
		say "objectives differ on $size: $xy / $ns / $cs"
	fi
	cpu_rows="$cpu_rows$(printf '%-11s %9s %9s %9s' "$size" "$(field cpu_ms "$xy")" \
		"$(field cpu_ms "$ns")" "$(field cpu_ms "$cs")")
"
	t_xy=$(field best_ms "$xy")
	t_ns=$(field best_ms "$ns")
	t_cs=$(field best_ms "$cs")
	m_xy=$(field maxrss_kb "$xy")
	m_ns=$(field maxrss_kb "$ns")
	m_cs=$(field maxrss_kb "$cs")
	row=$(awk -v size="$size" -v e="$edges" -v o="$obj" -v txy="$t_xy" -v tns="$t_ns" \
		-v tcs="$t_cs" -v mxy="$m_xy" -v mns="$m_ns" -v mcs="$m_cs" 'BEGIN {
		tl = tns < tcs ? tns : tcs; ml = mns < mcs ? mns : mcs
		printf "%-11s %9d %11d | %9.1f %9.1f %9.1f %6.2fx | %7.1f %7.1f %7.1f %5.2fx\n",
			size, e, o, txy, tns, tcs, txy / tl, mxy / 1024, mns / 1024, mcs / 1024,
			mxy / ml }')
	echo "$row" >>"$table"
	last_time_ratio=$(awk -v txy="$t_xy" -v tns="$t_ns" -v tcs="$t_cs" \
		'BEGIN { tl = tns < tcs ? tns : tcs; printf "%.2f", txy / tl }')
	last_mem_ratio=$(awk -v mxy="$m_xy" -v mns="$m_ns" -v mcs="$m_cs" \
		'BEGIN { ml = mns < mcs ? mns : mcs; printf "%.2f", mxy / ml }')
done
awk -v r="$last_time_ratio" 'BEGIN { exit !(r <= 1.0) }' || time_ok=0
awk -v r="$last_mem_ratio" 'BEGIN { exit !(r <= 1.5) }' || mem_ok=0
{
	echo "ratio: xinyuan / the faster (smaller) of the two LEMON solvers"
	echo
	echo "the same runs in CPU time (best of $RUNS, ms; less sensitive to a busy machine):"
	printf '%-11s %9s %9s %9s\n' size xinyuan lemon-ns lemon-cs
	printf '%s' "$cpu_rows"
} >>"$table"

# ---- the CLI on the smallest instance, and top-k on the largest ---------------------------------
say "xinyuan match --instance on ${first%.txt}.json"
cli=$("$BUILD/xinyuan" match --instance "${first%.txt}.json" --json | sed -n 's/^{"objective":\([0-9-]*\),.*/\1/p')
want=$(field objective "$("$BUILD/match-solve" solve "$first" 1)")
cli_ok=0
[ -n "$cli" ] && [ "$cli" = "$want" ] && cli_ok=1
say "top-k on the largest instance"
topk=$("$BUILD/match-solve" topk "$file" 10)
topk_ok=0
awk -v c="$(field cpu_max_us "$topk")" -v m="$(field median_us "$topk")" \
	'BEGIN { exit !(c < 1000 && m < 1000) }' && topk_ok=1
{
	echo
	echo "top-k (k = 10, 1,000 needs of the largest instance, against all $(field providers "$topk") providers):"
	echo "  wall clock: median $(field median_us "$topk") us, p99 $(field p99_us "$topk") us, max $(field max_us "$topk") us"
	echo "  CPU time: max $(field cpu_max_us "$topk") us (the wall-clock tail is the scheduler's on a busy machine)"
	echo "CLI (xinyuan match --instance, JSON) on the smallest instance: objective $cli (engine: $want)"
	echo
} >>"$table"

misses=0
verdict() {
	if [ "$2" = 1 ]; then v=PASS; else v=MISS; misses=$((misses + 1)); fi
	printf '%-4s %s\n' "$v" "$1" >>"$table"
}
verdict "the three solvers find the same optimal objective on every instance" "$same_ok"
verdict "xinyuan no slower than LEMON's fastest on the largest instance (${last_time_ratio}x)" "$time_ok"
verdict "xinyuan's peak memory within 1.5x LEMON's on the largest instance (${last_mem_ratio}x)" "$mem_ok"
verdict "top-k for one need under 1 ms on the largest instance (CPU max $(field cpu_max_us "$topk") us, wall median $(field median_us "$topk") us)" "$topk_ok"
verdict "the CLI's JSON answer has the engine's objective" "$cli_ok"
cat "$table"
[ "$misses" -eq 0 ] || exit 1
