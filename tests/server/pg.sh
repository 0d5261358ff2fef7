#!/bin/sh
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# tests/server/pg.sh: a throw-away PostgreSQL for the server's tests and
# the fleet bench: initdb into a temporary directory as an unprivileged
# user, listening only on a unix socket in that directory (no TCP).
#
#   pg.sh start DIR    initdb (if needed) and start; prints the target
#                      esol-server takes as --db ("pg:host=DIR dbname=esol ...")
#   pg.sh newdb DIR NAME  an empty database NAME (dropped first if there);
#                      prints its target
#   pg.sh restart DIR  fast restart (drops every connection)
#   pg.sh stop DIR
#
# Run as root it runs PostgreSQL as $PG_USER (default nobody); otherwise
# as the caller.
set -eu

PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
PG_USER=${PG_USER:-nobody}
cmd=${1:?usage: pg.sh start|restart|stop DIR}
dir=${2:?usage: pg.sh start|restart|stop DIR}

as_pg() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u "$PG_USER" -- "$@"
	else
		"$@"
	fi
}

case $cmd in
start)
	[ -x "$PGBIN/initdb" ] || { echo "pg.sh: no PostgreSQL server (apt-get install postgresql)" >&2; exit 1; }
	mkdir -p "$dir"
	[ "$(id -u)" -eq 0 ] && chown "$PG_USER" "$dir"
	if [ ! -f "$dir/data/PG_VERSION" ]; then
		as_pg "$PGBIN/initdb" -D "$dir/data" -U esol --auth=trust -E UTF8 \
			--no-sync >"$dir/initdb.log" 2>&1 ||
			{ cat "$dir/initdb.log" >&2; exit 1; }
	fi
	# the fleet runs several servers with a pool each; fsync stays on
	as_pg "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
		-o "-c listen_addresses='' -c unix_socket_directories='$dir' -c max_connections=200 -c shared_buffers=64MB" \
		start >/dev/null
	if ! as_pg "$PGBIN/psql" -h "$dir" -U esol -d postgres -tAc \
		"SELECT 1 FROM pg_database WHERE datname = 'esol'" | grep -q 1; then
		as_pg "$PGBIN/createdb" -h "$dir" -U esol esol
	fi
	echo "pg:host=$dir user=esol dbname=esol"
	;;
newdb)
	name=${3:?usage: pg.sh newdb DIR NAME}
	PGOPTIONS='-c client_min_messages=warning' as_pg "$PGBIN/psql" -q -h "$dir" -U esol \
		-d postgres -v ON_ERROR_STOP=1 \
		-c "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)" \
		-c "CREATE DATABASE \"$name\"" >/dev/null
	echo "pg:host=$dir user=esol dbname=$name"
	;;
restart)
	as_pg "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 -m fast \
		-o "-c listen_addresses='' -c unix_socket_directories='$dir' -c max_connections=200 -c shared_buffers=64MB" \
		restart >/dev/null
	;;
stop)
	[ -f "$dir/data/postmaster.pid" ] &&
		as_pg "$PGBIN/pg_ctl" -D "$dir/data" -w -t 60 -m fast stop >/dev/null
	;;
*)
	echo "pg.sh: unknown command $cmd" >&2
	exit 2
	;;
esac
