#!/bin/sh
# A throw-away PostgreSQL cluster for tests and benchmarks, on a loopback port.
#   scripts/pg-cluster.sh start DIR PORT   -> prints the URL postgresql://xinyuan@127.0.0.1:PORT/
#   scripts/pg-cluster.sh stop DIR
# Runs the server as the invoking user, or as `postgres` when invoked as root.
set -eu
cmd=$1
dir=$2
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bindir" ] || { echo "pg-cluster: PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }
as() {
	if [ "$(id -u)" = 0 ]; then
		su postgres -s /bin/sh -c "$*"
	else
		sh -c "$*"
	fi
}
case "$cmd" in
start)
	port=$3
	if [ ! -f "$dir/PG_VERSION" ]; then
		mkdir -p "$dir"
		[ "$(id -u)" = 0 ] && chown postgres "$dir"
		as "'$bindir/initdb' -D '$dir' -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >'$dir.initdb.log' 2>&1" ||
			{ cat "$dir.initdb.log" >&2; exit 1; }
	fi
	as "'$bindir/pg_ctl' -D '$dir' -l '$dir/server.log' -w -t 60 -o \"-p $port -k /tmp -c listen_addresses=127.0.0.1 -c fsync=on -c max_connections=300 -c shared_buffers=128MB\" start >/dev/null"
	"$bindir/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -qAtc \
		"DO \$\$BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname='xinyuan') THEN CREATE ROLE xinyuan LOGIN CREATEDB; END IF; END\$\$;" >/dev/null
	echo "postgresql://xinyuan@127.0.0.1:$port/"
	;;
stop)
	as "'$bindir/pg_ctl' -D '$dir' -m fast -w stop >/dev/null" || true
	;;
*)
	echo "usage: pg-cluster.sh start DIR PORT | stop DIR" >&2
	exit 2
	;;
esac
