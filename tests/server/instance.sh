#!/bin/sh
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# tests/server/instance.sh: esol-server instances behind the front, for
# the server's tests and the fleet bench.
#
#   instance.sh start DIR I DB [serve options...]   instance I on DIR/sI.sock
#   instance.sh kill9 DIR I          kill -9 (a crash: nothing is shut down)
#   instance.sh crash DIR I DB [opts...]  kill -9, and start it again 1 s later
#   instance.sh stop DIR I           SIGTERM and wait
#
# Each instance writes DIR/sI.pid and logs to DIR/sI.log.
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
ESOL_SERVER=${ESOL_SERVER:-$top/build/bin/esol-server}
cmd=${1:?usage: instance.sh start|kill9|crash|stop DIR I [DB]}
dir=${2:?}
i=${3:?}

start() {
	db=$1
	shift
	rm -f "$dir/s$i.pid"
	"$ESOL_SERVER" serve --behind-front --listen "unix:$dir/s$i.sock" \
		--pid-file "$dir/s$i.pid" --db "$db" --foreground \
		--log-level "${INSTANCE_LOG_LEVEL:-notice}" "$@" >>"$dir/s$i.log" 2>&1 &
	n=0
	while [ ! -s "$dir/s$i.pid" ]; do
		n=$((n + 1))
		[ $n -lt 100 ] || { echo "instance.sh: instance $i did not start" >&2; tail -n 5 "$dir/s$i.log" >&2; exit 1; }
		sleep 0.1
	done
}

kill9() {
	[ -s "$dir/s$i.pid" ] && kill -9 "$(cat "$dir/s$i.pid")" 2>/dev/null || true
}

case $cmd in
start)
	shift 3
	start "$@"
	;;
kill9)
	kill9
	;;
crash)
	shift 3
	kill9
	sleep 1
	start "$@"
	;;
stop)
	if [ -s "$dir/s$i.pid" ]; then
		pid=$(cat "$dir/s$i.pid")
		kill "$pid" 2>/dev/null || true
		n=0
		while kill -0 "$pid" 2>/dev/null && [ $n -lt 100 ]; do
			sleep 0.1
			n=$((n + 1))
		done
	fi
	;;
*)
	echo "instance.sh: unknown command $cmd" >&2
	exit 2
	;;
esac
