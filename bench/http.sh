#!/bin/sh
# bench/http.sh: the HTTP benchmark (issue 2). `make bench` runs it.
#
# Builds build/xinyuan, seeds (or reuses) a database of 1,000,000 generated needs, serves a
# scratch copy of it on loopback and runs wrk against it: GET a need by id, GET a filtered list
# page, POST a need; then nginx serving a static file of the size of one GET-by-id body, as the
# ceiling. Prints a summary, checks the targets (PASS/MISS) and exits 1 when one is missed.
# Stops only what it started and removes its scratch files. See bench/README.md.
#
# Settings (environment): BENCH_THREADS (server --threads), BENCH_DURATION (seconds per run),
# BENCH_CONNS (wrk connections), BENCH_NEEDS (seeded needs), BUILD (build directory, as make),
# BENCH_SERVER (another xinyuan binary to serve with, e.g. a candidate fix; default the build's),
# BENCH_BACKEND: sqlite (default); pg = the same data copied into a throw-away PostgreSQL
# cluster with `xinyuan migrate-store`; pg2 = that, served by two instances behind an nginx
# reverse proxy (wrk talks to the proxy).
set -eu
cd "$(dirname "$0")/.."

BUILD=${BUILD:-build}
THREADS=${BENCH_THREADS:-8}
DURATION=${BENCH_DURATION:-15}
CONNS=${BENCH_CONNS:-64}
NEEDS=${BENCH_NEEDS:-1000000}
WARMUP=3
SEED_VERSION=1 # bump when the generated data should change
ADMIN_PASSWORD=bench-admin-pass
OUT=bench/out
export BENCH_DIR=bench

say() { printf '%s\n' "== $*" >&2; }
fail() {
	printf 'bench: %s\n' "$*" >&2
	exit 2
}

for tool in wrk nginx curl cc pkg-config; do
	command -v "$tool" >/dev/null 2>&1 || fail "$tool is not installed (make deps)"
done

# ---- build -----------------------------------------------------------------------------------
say "building $BUILD/xinyuan"
if [ "$BUILD" = build ]; then
	make --no-print-directory >&2
else
	make --no-print-directory BUILD="$BUILD" >&2
fi
pkgs=$(sed -n 's/^PKGS[[:space:]]*:=[[:space:]]*//p' Makefile)
[ -n "$pkgs" ] || pkgs="libmicrohttpd jansson sqlite3 libsodium"
# shellcheck disable=SC2046,SC2086 # word splitting of the flags is wanted
cc -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L -O2 -Wall -Wextra -Isrc \
	-I"$BUILD/gen" bench/seed.c "$BUILD/libxinyuan.a" $(pkg-config --cflags --libs $pkgs) \
	-lpthread -lm -o "$BUILD/bench-seed"

# ---- seed (cached) ---------------------------------------------------------------------------
# The cache key: the version above, the size, and the generator and schema it was made with.
sum=$(cat bench/seed.c src/store/migrations/sqlite/*.sql | cksum | cut -d' ' -f1)
seed_dir="$OUT/seed-v$SEED_VERSION-n$NEEDS-$sum"
mkdir -p "$OUT"
if [ ! -f "$seed_dir/ok" ]; then
	for old in "$OUT"/seed-*; do # an outdated cache is gigabytes: replace it
		[ -d "$old" ] && [ "$old" != "$seed_dir" ] && rm -rf "$old"
	done
	rm -rf "$seed_dir"
	mkdir -p "$seed_dir"
	say "seeding $NEEDS needs into $seed_dir (once; later runs reuse it)"
	t0=$(date +%s)
	# bench-seed does what `xinyuan init` does, loads the needs against schema version 1 and
	# then runs the newer migrations over them (see bench/seed.c); init must then find nothing
	# left to do, and the audit chain must verify.
	XINYUAN_ADMIN_PASSWORD=$ADMIN_PASSWORD "$BUILD/bench-seed" "$seed_dir/xinyuan.db" "$NEEDS" "$seed_dir"
	XINYUAN_ADMIN_PASSWORD=$ADMIN_PASSWORD "$BUILD/xinyuan" init --db "$seed_dir/xinyuan.db" >&2
	"$BUILD/xinyuan" audit verify --db "$seed_dir/xinyuan.db" >&2 ||
		fail "the seeded audit chain does not verify"
	echo "$(($(date +%s) - t0))" >"$seed_dir/ok"
	say "seeded in $(cat "$seed_dir/ok") s"
else
	say "reusing $seed_dir (seeded in $(cat "$seed_dir/ok") s)"
fi
# shellcheck disable=SC1091
. "$seed_dir/meta.sh"

# ---- scratch copy, our processes, cleanup ------------------------------------------------------
run_dir=$(mktemp -d "$OUT/run.XXXXXX")
ng_dir=""
srv_pid=""
ng_pid=""
BACKEND=${BENCH_BACKEND:-sqlite}
case "$BACKEND" in sqlite | pg | pg2) ;; *) fail "BENCH_BACKEND must be sqlite, pg or pg2" ;; esac
pg_dir=""
srv2_pid=""
lb_pid=""
lb_dir=""
stop() { # stop one of our processes by its pid, gently, then wait for it
	[ -n "$1" ] || return 0
	kill -TERM "$1" 2>/dev/null || return 0
	i=0
	while kill -0 "$1" 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -KILL "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}
cleanup() {
	stop "$srv_pid"
	stop "$srv2_pid"
	stop "$lb_pid"
	stop "$ng_pid"
	srv_pid=""
	srv2_pid=""
	lb_pid=""
	ng_pid=""
	if [ -n "$pg_dir" ]; then
		sh scripts/pg-cluster.sh stop "$pg_dir/data" >/dev/null 2>&1
		rm -rf "$pg_dir"
	fi
	rm -rf "$run_dir"
	[ -n "$ng_dir" ] && rm -rf "$ng_dir"
	[ -n "$lb_dir" ] && rm -rf "$lb_dir"
	return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cp "$seed_dir/xinyuan.db" "$run_dir/xinyuan.db"
db="$run_dir/xinyuan.db"
# write the copy out now, or the kernel's writeback of 2 GB lands in the middle of the POST
# run and shows up as fsync stalls
sync "$db"

# A loopback port nothing listens on.
free_port() {
	p=$((20000 + ($$ * 7 + $1) % 20000))
	while curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$p/"; [ $? -ne 7 ]; do
		p=$((p + 1))
	done
	echo "$p"
}
wait_up() { # url pid: up to 60 s (a newer server may first migrate the copy)
	i=0
	until curl -s -o /dev/null --max-time 1 "$1"; do
		kill -0 "$2" 2>/dev/null || return 1
		i=$((i + 1))
		[ $i -lt 600 ] || return 1
		sleep 0.1
	done
}

# ---- PostgreSQL (BENCH_BACKEND=pg|pg2) -----------------------------------------------------------
if [ "$BACKEND" != sqlite ]; then
	pg_dir=$(mktemp -d /tmp/xinyuan-bench-pg.XXXXXX)
	chmod 755 "$pg_dir"
	[ "$(id -u)" = 0 ] && chown postgres "$pg_dir" # the cluster runs as postgres
	pg_base=$(sh scripts/pg-cluster.sh start "$pg_dir/data" "$(free_port 5)") ||
		fail "cannot start PostgreSQL"
	psql -XAtq "${pg_base}postgres" -c "CREATE DATABASE xy_bench" >/dev/null ||
		fail "cannot create the benchmark database"
	say "copying the seed into PostgreSQL with xinyuan migrate-store"
	t0=$(date +%s)
	"$BUILD/xinyuan" migrate-store --from "$db" --to "${pg_base}xy_bench" >"$run_dir/migrate.log" 2>&1 ||
		fail "migrate-store failed: $(tail -3 "$run_dir/migrate.log")"
	say "copied in $(($(date +%s) - t0)) s: $(tail -1 "$run_dir/migrate.log")"
	psql -XAtq "${pg_base}xy_bench" -c "VACUUM ANALYZE" >/dev/null
	rm -f "$db" "$db-wal" "$db-shm"
	db="${pg_base}xy_bench"
fi

# ---- the server ---------------------------------------------------------------------------------
port=$(free_port 0)
say "starting ${BENCH_SERVER:-$BUILD/xinyuan} serve --threads $THREADS on 127.0.0.1:$port ($BACKEND)"
"${BENCH_SERVER:-$BUILD/xinyuan}" serve --db "$db" --listen "127.0.0.1:$port" --threads "$THREADS" \
	--trust-proxy 2>"$run_dir/access.log" &
srv_pid=$!
wait_up "http://127.0.0.1:$port/api/v1/health" "$srv_pid" ||
	fail "the server did not start: $(tail -3 "$run_dir/access.log")"
srv_pids="$srv_pid"
base="http://127.0.0.1:$port"
if [ "$BACKEND" = pg2 ]; then
	port2=$(free_port 2)
	"${BENCH_SERVER:-$BUILD/xinyuan}" serve --db "$db" --listen "127.0.0.1:$port2" \
		--threads "$THREADS" --trust-proxy 2>"$run_dir/access2.log" &
	srv2_pid=$!
	wait_up "http://127.0.0.1:$port2/api/v1/health" "$srv2_pid" ||
		fail "the second server did not start: $(tail -3 "$run_dir/access2.log")"
	lb_dir=$(mktemp -d /tmp/xinyuan-bench-lb.XXXXXX)
	chmod 755 "$lb_dir"
	lb_port=$(free_port 3)
	cat >"$lb_dir/nginx.conf" <<EOF
daemon off;
worker_processes 1;
pid $lb_dir/nginx.pid;
error_log $lb_dir/error.log warn;
events { worker_connections 1024; }
http {
	access_log off;
	client_body_temp_path $lb_dir/body;
	proxy_temp_path $lb_dir/proxy;
	fastcgi_temp_path $lb_dir/fastcgi;
	uwsgi_temp_path $lb_dir/uwsgi;
	scgi_temp_path $lb_dir/scgi;
	upstream xinyuan {
		server 127.0.0.1:$port;
		server 127.0.0.1:$port2;
		keepalive 64;
	}
	server {
		listen 127.0.0.1:$lb_port;
		location / {
			proxy_pass http://xinyuan;
			proxy_http_version 1.1;
			proxy_set_header Connection "";
			proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
		}
	}
}
EOF
	nginx -p "$lb_dir" -c "$lb_dir/nginx.conf" -e "$lb_dir/error.log" 2>"$lb_dir/stderr" &
	lb_pid=$!
	base="http://127.0.0.1:$lb_port"
	wait_up "$base/api/v1/health" "$lb_pid" || fail "the proxy did not start: $(tail -3 "$lb_dir/error.log")"
	srv_pids="$srv_pid $srv2_pid $lb_pid $(pgrep -P "$lb_pid" | tr '\n' ' ')"
	say "two instances (127.0.0.1:$port, :$port2) behind nginx on 127.0.0.1:$lb_port"
fi

login=$(curl -s -X POST -H 'Content-Type: application/json' \
	-d "{\"username\":\"$SEED_WORKER\",\"password\":\"$SEED_WORKER_PASSWORD\"}" \
	"$base/api/v1/session")
BENCH_TOKEN=$(printf '%s' "$login" | sed -n 's/.*"token":"\([0-9a-f]*\)".*/\1/p')
[ -n "$BENCH_TOKEN" ] || fail "cannot log in as $SEED_WORKER: $login"
export BENCH_TOKEN
export BENCH_IDS="$seed_dir/ids.txt"
export BENCH_COMMUNITY="$SEED_COMMUNITY_ID"
export BENCH_AREAS="$SEED_COMMUNITY_ID $SEED_COMPOUND_IDS"
auth="Authorization: Bearer $BENCH_TOKEN"

# The size of a typical GET-by-id body: the median of 101 ids spread over the community.
step=$((SEED_COMMUNITY_NEEDS / 101 + 1))
awk -v s="$step" 'NR % s == 1' "$BENCH_IDS" | head -101 >"$run_dir/sample"
while read -r id; do
	curl -s -H "$auth" -o /dev/null -w '%{http_code} %{size_download} '"$id"'\n' \
		"$base/api/v1/needs/$id"
done <"$run_dir/sample" >"$run_dir/sizes"
grep -qv '^200 ' "$run_dir/sizes" && fail "GET by id is refused: $(grep -v '^200 ' "$run_dir/sizes" | head -1)"
n=$(wc -l <"$run_dir/sizes")
median=$(sort -n -k2 "$run_dir/sizes" | sed -n "$(((n + 1) / 2))p")
body_size=$(echo "$median" | cut -d' ' -f2)
body_id=$(echo "$median" | cut -d' ' -f3)
curl -s -H "$auth" -o "$run_dir/need.json" "$base/api/v1/needs/$body_id"
[ "$(wc -c <"$run_dir/need.json")" -eq "$body_size" ] || fail "need $body_id changed size"

list_total() {
	curl -s -H "$auth" "$base/api/v1/needs?area_id=$SEED_COMMUNITY_ID&per_page=1" |
		sed -n 's/.*"total":\([0-9]*\).*/\1/p'
}

# CPU accounting: the machine is shared (other people build and test on it), so every run
# also records the CPU the server used per request and the CPU other processes took meanwhile.
hz=$(getconf CLK_TCK 2>/dev/null || echo 100)
ticks() { # pids: utime + stime of these processes, in clock ticks
	t=0
	for p in "$@"; do
		t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)))
	done
	echo "$t"
}
machine() { awk '/^cpu / {print $2+$3+$4+$7+$8+$9, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat; }
children() { # file: user + system seconds of this shell's finished children (wrk among them)
	sed -n 2p "$1" | tr 'ms' '  ' | awk '{print $1 * 60 + $2 + $3 * 60 + $4}'
}
quiet() { # waits up to 30 s for a second in which other processes use under 10% of the machine
	i=0
	while [ $i -lt 30 ]; do
		a=$(machine)
		sleep 1
		if echo "$a $(machine)" | awk '{exit !(($3 - $1) / ($4 - $2) < 0.10)}'; then
			return 0
		fi
		i=$((i + 1))
	done
	say "other processes kept the machine busy for 30 s; measuring anyway"
}

# wrk with the settings of every run; keeps the output and a BENCH line with the CPU figures.
run_once() { # name script url seconds pids-to-account...
	name=$1 script=$2 url=$3 secs=$4
	shift 4
	quiet
	times >"$run_dir/times0" # in this shell: $(...) would count a subshell's children
	c0=$(ticks "$@") m0=$(machine)
	wrk -t2 -c"$CONNS" -d"${secs}s" --latency --timeout 30s -s "bench/$script" "$url" >"$run_dir/$name.txt" 2>&1 ||
		fail "wrk $name failed: $(tail -3 "$run_dir/$name.txt")"
	c1=$(ticks "$@") m1=$(machine)
	times >"$run_dir/times1"
	line=$(grep '^BENCH ' "$run_dir/$name.txt" | tail -1)
	[ -n "$line" ] || fail "wrk $name printed no result: $(tail -3 "$run_dir/$name.txt")"
	w=$(echo "$(children "$run_dir/times0") $(children "$run_dir/times1")" | awk '{print $2 - $1}')
	echo "$m0 $m1" | awk -v line="$line" -v c=$((c1 - c0)) -v hz="$hz" -v w="$w" \
		-v ncpu="$(nproc)" '{
		secs = ($4 - $2) / hz / ncpu   # wall time of the run
		busy = ($3 - $1) / hz          # CPU seconds used on the whole machine
		srv = c / hz                   # CPU seconds of the accounted processes
		other = busy - srv - w
		if (other < 0) other = 0
		n = split(line, f, " ")
		for (i = 1; i <= n; i++) { split(f[i], kv, "="); v[kv[1]] = kv[2] }
		us = 0
		if (v["requests"] > 0) us = srv * 1e6 / v["requests"]
		printf "%s srv_cpu_us=%.0f srv_cores=%.2f wrk_cores=%.2f other_cores=%.2f\n", \
			line, us, srv / secs, w / secs, other / secs
	}' >"$run_dir/$name.bench"
	grep -v '^BENCH ' "$run_dir/$name.txt" >&2
	printf '%s\n' "$(cat "$run_dir/$name.bench")" >&2
}
# A run during which other processes took more than a fifth of a core is run once more, and
# the less disturbed of the two is kept.
run_wrk() { # name script url seconds pids-to-account...
	run_once "$@"
	cp "$run_dir/$1.bench" "$run_dir/$1.try1"
	if awk -v o="$(field "$1" other_cores)" 'BEGIN { exit !(o > 0.2) }'; then
		say "other processes used $(field "$1" other_cores) cores during $1: once more"
		run_once "$@"
		cp "$run_dir/$1.bench" "$run_dir/$1.try2"
		if awk -v a="$(sed -n 's/.* other_cores=\([^ ]*\).*/\1/p' "$run_dir/$1.try1")" \
			-v b="$(field "$1" other_cores)" 'BEGIN { exit !(a < b) }'; then
			cp "$run_dir/$1.try1" "$run_dir/$1.bench"
		fi
	fi
}
field() { # name key
	sed -n "s/.* $2=\([^ ]*\).*/\1/p" "$run_dir/$1.bench"
}

say "warming up ($WARMUP s each)"
run_once warm_get get_need.lua "$base" "$WARMUP" $srv_pids 2>/dev/null
run_once warm_list list_needs.lua "$base" "$WARMUP" $srv_pids 2>/dev/null

say "GET /api/v1/needs/{id}: $CONNS connections, $DURATION s"
run_wrk get get_need.lua "$base" "$DURATION" $srv_pids
say "GET /api/v1/needs?area_id=$SEED_COMMUNITY_ID&status=accepted&page=1..5: $CONNS connections, $DURATION s"
run_wrk list list_needs.lua "$base" "$DURATION" $srv_pids
before=$(list_total)
say "POST /api/v1/needs: $CONNS connections, $DURATION s"
run_wrk post post_need.lua "$base" "$DURATION" $srv_pids
after=$(list_total)
created=$((after - before))

rss_kb=$(awk '/^VmHWM/ {print $2}' "/proc/$srv_pid/status")
rss_now_kb=$(awk '/^VmRSS/ {print $2}' "/proc/$srv_pid/status")
threads_now=$(awk '/^Threads/ {print $2}' "/proc/$srv_pid/status")
stop "$srv_pid"
stop "$srv2_pid"
stop "$lb_pid"
srv_pid=""
srv2_pid=""
lb_pid=""
say "checking the audit chain after the POSTs"
if "$BUILD/xinyuan" audit verify --db "$db" >"$run_dir/verify" 2>&1; then
	audit_ok=ok
else
	audit_ok=BROKEN
fi
cat "$run_dir/verify" >&2
mv "$run_dir/access.log" "$OUT/last-access.log"

# ---- nginx, the ceiling --------------------------------------------------------------------------
ng_dir=$(mktemp -d /tmp/xinyuan-bench-nginx.XXXXXX)
chmod 755 "$ng_dir"
mkdir -p "$ng_dir/www"
cp "$run_dir/need.json" "$ng_dir/www/need.json" # the body of need $body_id, byte for byte
chmod 644 "$ng_dir/www/need.json"
ng_port=$(free_port 1)
cat >"$ng_dir/nginx.conf" <<EOF
daemon off;
worker_processes auto;
pid $ng_dir/nginx.pid;
error_log $ng_dir/error.log warn;
events { worker_connections 1024; }
http {
	access_log $ng_dir/access.log;
	client_body_temp_path $ng_dir/body;
	proxy_temp_path $ng_dir/proxy;
	fastcgi_temp_path $ng_dir/fastcgi;
	uwsgi_temp_path $ng_dir/uwsgi;
	scgi_temp_path $ng_dir/scgi;
	types { application/json json; }
	default_type application/octet-stream;
	sendfile on;
	keepalive_requests 1000000;
	server {
		listen 127.0.0.1:$ng_port;
		root $ng_dir/www;
	}
}
EOF
say "starting nginx on 127.0.0.1:$ng_port serving $body_size bytes"
nginx -p "$ng_dir" -c "$ng_dir/nginx.conf" -e "$ng_dir/error.log" 2>"$ng_dir/stderr" &
ng_pid=$!
wait_up "http://127.0.0.1:$ng_port/need.json" "$ng_pid" ||
	fail "nginx did not start: $(cat "$ng_dir/stderr" "$ng_dir/error.log" 2>/dev/null | tail -3)"
got=$(curl -s -o /dev/null -w '%{http_code} %{size_download}' "http://127.0.0.1:$ng_port/need.json")
[ "$got" = "200 $body_size" ] || fail "nginx answers '$got', expected '200 $body_size'"
say "nginx static file: $CONNS connections, $DURATION s"
# shellcheck disable=SC2046 # one pid per word
run_wrk nginx static.lua "http://127.0.0.1:$ng_port" "$DURATION" "$ng_pid" $(pgrep -P "$ng_pid")
stop "$ng_pid"
ng_pid=""

# ---- summary and targets -------------------------------------------------------------------------
summary="$OUT/last-summary.txt"
[ "$BACKEND" = sqlite ] || summary="$OUT/last-summary-$BACKEND.txt"
{
	rev=$(git describe --always --dirty 2>/dev/null || echo "not a git checkout")
	echo "xinyuan HTTP benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), source $rev"
	echo "machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
	echo "database: $SEED_NEEDS needs ($SEED_COMMUNITY_NEEDS in the benchmark community), $SEED_EVENTS audit events"
	echo "backend: $BACKEND$([ "$BACKEND" = pg2 ] && echo ' (two instances behind nginx; CPU per request counts both and the proxy; RSS is the first instance)')"
	echo "server: ${BENCH_SERVER:-$BUILD/xinyuan} --threads $THREADS; wrk -t2 -c$CONNS -d${DURATION}s --latency --timeout 30s"
	echo "server, nginx and wrk share the cores (loopback)"
	echo
	printf '%-34s %9s %8s %8s %8s %7s %10s %7s\n' scenario 'req/s' 'p50 ms' 'p99 ms' \
		'max ms' non-2xx 'CPU us/req' 'other'
	for s in get list post nginx; do
		case $s in
		get) label="GET /api/v1/needs/{id}" ;;
		list) label="GET /api/v1/needs?status=accepted" ;;
		post) label="POST /api/v1/needs" ;;
		nginx) label="nginx static ($body_size B)" ;;
		esac
		printf '%-34s %9s %8s %8s %8s %7s %10s %7s\n' "$label" "$(field $s rps)" \
			"$(field $s p50_ms)" "$(field $s p99_ms)" "$(field $s max_ms)" \
			"$(field $s non2xx)" "$(field $s srv_cpu_us)" "$(field $s other_cores)"
	done
	echo "(CPU us/req: server (or nginx) CPU time per request; other: cores that other processes"
	echo " on the machine used during the run, not counting the server, nginx and wrk)"
	echo
} >"$summary"

get_rps=$(field get rps)
ng_rps=$(field nginx rps)
ratio=$(awk -v a="$get_rps" -v b="$ng_rps" 'BEGIN { printf "%.3f", (b > 0) ? a / b : 0 }')
rss_mb=$(awk -v k="$rss_kb" 'BEGIN { printf "%.1f", k / 1024 }')
misses=0
check() { # label ok(1/0) detail
	if [ "$2" = 1 ]; then verdict=PASS; else verdict=MISS; misses=$((misses + 1)); fi
	printf '%-4s %-44s %s\n' "$verdict" "$1" "$3" >>"$summary"
}
lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }' && echo 1 || echo 0; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }' && echo 1 || echo 0; }
errors=0
for s in get list post nginx; do
	e=$(($(field $s non2xx) + $(field $s connect) + $(field $s read) + $(field $s write) + $(field $s timeout)))
	errors=$((errors + e))
done
{
	echo "GET by id / nginx = $get_rps / $ng_rps = $ratio"
	answered=$(cat "$run_dir"/post.try* | sed -n 's/.* requests=\([0-9]*\).*/\1/p' | awk '{ n += $1 } END { print n }')
	echo "durable POSTs: $(field post rps)/s; the POST run(s) got $answered answers and created $created needs"
	echo "server RSS: VmHWM $rss_mb MB, VmRSS $(awk -v k="$rss_now_kb" 'BEGIN { printf "%.1f", k / 1024 }') MB after the runs ($threads_now threads)"
	echo "audit chain after the run: $audit_ok"
	echo
} >>"$summary"
check "GET by id >= 0.4 x nginx" "$(ge "$ratio" 0.4)" "$ratio x"
check "GET by id p99 < 10 ms" "$(lt "$(field get p99_ms)" 10)" "$(field get p99_ms) ms"
check "list page p99 < 20 ms" "$(lt "$(field list p99_ms)" 20)" "$(field list p99_ms) ms"
check "durable POSTs >= 2000/s" "$(ge "$(field post rps)" 2000)" "$(field post rps)/s"
check "server RSS < 100 MB" "$(lt "$rss_mb" 100)" "$rss_mb MB"
check "no errors, audit chain verifies" "$([ "$errors" = 0 ] && [ "$audit_ok" = ok ] && echo 1 || echo 0)" \
	"$errors errors, chain $audit_ok"
echo >&2
cat "$summary"
[ "$misses" = 0 ]
