#!/bin/sh
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# bench/agent: the cost of a poll, esold next to its peers, in one run
# (issue 14).  Figures only: nothing here passes or fails.
#
#   esold      against esol-server (the bench PKI, client certificates),
#              reading a sysfs-shaped tree; a poll is `esolctl poll-now`
#   suricatta  SWUpdate's hawkBit client (swupdate -u), against the hawkBit
#              DDI base poll of bench/agent_peer.py (sleep 5 s; 32 s between
#              resumed polls, the idle esold has before its own)
#   mender     the Mender client daemon against the Mender device API of
#              bench/agent_peer.py (UpdatePollIntervalSeconds 5)
#   collectd   a plain `load` + `write_http` (JSON, HTTPS, client
#              certificate) posting every 10 s to bench/agent_peer.py; a
#              "poll" is one post
#
# Each agent runs with its server in a network namespace of its own
# (unshare -n), all four at once, so the loopback counters of a namespace
# are that agent's traffic, and in a cpuacct cgroup of its own (every
# process and thread it starts, exited ones too).  Per poll, for each kind
# of connection:
#   live     the connection of the previous poll is still open
#   resumed  it is gone, the TLS session is resumed.  esold: the poll comes
#            after esol-server's 30 s idle timeout closed it (the daily
#            poll's case; whatever esold does meanwhile is in the window);
#            peers: their server closes every connection after its reply.
#            suricatta's server says sleep 32 s in this mode, so its resumed
#            polls come after the same idle as esold's (a poll after a long
#            sleep starts with cold caches); Mender's and collectd's
#            intervals are their own configuration (5 s and 10 s)
#   full     no session to resume.  esold: esol-server restarted (a new
#            ticket key; esold still offers its old ticket); peers: their
#            server closes after every reply and makes each connection's
#            ticket under a key of its own, so they too offer a ticket that
#            cannot resume and get a new one (both servers send one ticket
#            per connection, resumed or not)
# we count
#   CPU      cpuacct.usage (ns of the scheduler's accounting, not ticks)
#            over a window of one poll, without strace
#   IP bytes the namespace's loopback tx bytes over the same window (every
#            connection, every retry, both directions, IP headers included)
#   syscalls strace -c -f over another window of one poll (strace slows
#            the process, so never in the CPU windows)
# A window runs from the end of the previous poll to the end of this one,
# so what an agent does between polls (keep-alive, idle close, timers)
# is counted.  esold's windows include its side of the control socket
# (the poll-now, one request a window), where the peers' polls come from
# their own timers: the "control socket aside" rows take away the median
# of windows of one `esolctl spool list` alone (CPU and system calls), two
# after each live window (the same state of the caches).  That is the
# lightest request there is, the control socket's own cost: the poll-now
# also logs who asked, and that line stays counted against esold (status,
# used before, builds a reply of some 25 fields: about 37 us more, which
# took away more than a poll-now's control part costs).
# At rest: RssAnon, VmRSS, PSS and threads summed over the agent's
# processes, system calls in a quiet minute (no poll in it; collectd
# posts every 10 s, so its minute holds 6 posts), and binary + library
# sizes.
#
# Prints one table (medians; min/median/max below it) and writes
# build/bench/agent.json, and beside it agent-traces/AGENT/KIND.N: the
# `strace -c` table of each traced window.
# Usage: bench/agent.sh.  Environment: BENCH_AGENTS (default "esold
# suricatta mender collectd"), BENCH_REPS (CPU/bytes windows per kind,
# default 5), BENCH_TRACE_REPS (strace windows per kind, default 2),
# BENCH_IDLE_S (60), BENCH_OUT (build/bench/agent.json).  Needs root.
set -eu
cd "$(dirname "$0")/.."
TOP=$PWD
REPS=${BENCH_REPS:-5}
TREPS=${BENCH_TRACE_REPS:-2}
IDLE_S=${BENCH_IDLE_S:-60}
SERVER_IDLE_S=30	# esol-server's idle timeout (server/tlsfront.c), and the peers'
ESOLD=${ESOLD:-$TOP/build/bin/esold}
ESOLCTL=${ESOLCTL:-$TOP/build/bin/esolctl}
ESOL_SERVER=${ESOL_SERVER:-$TOP/build/bin/esol-server}
CGROOT=/sys/fs/cgroup/cpuacct

say() { echo "bench-agent${AGENT:+ ($AGENT)}: $*" >&2; }
wait_for() {	# wait_for SECONDS CMD...
	w=$(( $1 * 10 )); shift
	while ! "$@" >/dev/null 2>&1; do
		w=$((w - 1)); [ "$w" -gt 0 ] || return 1; sleep 0.1
	done
}
# strace -c summary file -> total calls (0 when the table is empty): the
# fourth column of the total line, which has an "errors" column only when
# some call failed (counting from the end read usecs/call then)
calls() { awk '$NF == "total" { print $4; f = 1 } END { if (!f) print 0 }' "$1"; }
# The loopback's transmitted bytes in this namespace (= IP bytes: each
# packet crosses lo once; lo counts from the IP header on).
lo_bytes() { awk -F: '$1 ~ /^ *lo$/ { split($2, a, " "); print a[9] }' /proc/net/dev; }

# ==== one agent, in its own network namespace ==============================
if [ "${1:-}" = "--one" ]; then
	AGENT=$2
	T=$3/$AGENT
	PKI=$3/pki
	mkdir -p "$T"
	ip link set lo up
	CG=$CGROOT/esol-bench-$$-$AGENT
	mkdir "$CG"
	PIDS=""
	SRV=""
	cleanup() {
		for p in $PIDS $SRV; do kill -TERM "$p" 2>/dev/null || true; done
		for p in $PIDS $SRV; do wait "$p" 2>/dev/null || true; done
		for p in $(cat "$CG/cgroup.procs" 2>/dev/null); do kill -KILL "$p" 2>/dev/null || true; done
		sleep 0.2
		rmdir "$CG" 2>/dev/null || true
	}
	trap cleanup EXIT
	trap 'exit 130' INT TERM
	# Run "$@" inside the agent's cgroup (it and everything it starts),
	# in place of the calling (background) subshell.
	in_cg() { exec sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$CG" "$@"; }
	cpu_ns() { cat "$CG/cpuacct.usage"; }
	procs() { cat "$CG/cgroup.procs"; }
	RES=$T/res
	: >"$RES"

	# A window: measure around "$@" (which performs one poll).
	window() {	# window KIND trace|cpu CMD...
		kind=$1 how=$2; shift 2
		if [ "$how" = trace ]; then
			pargs=""
			for p in $(procs); do pargs="$pargs -p $p"; done
			# shellcheck disable=SC2086
			strace -c -f $pargs -o "$T/strace.$kind" 2>/dev/null &
			spid=$!
			sleep 0.5	# attached
			"$@"
			kill -INT "$spid"; wait "$spid" 2>/dev/null || true
			echo "syscalls $kind $(calls "$T/strace.$kind")" >>"$RES"
			cp "$T/strace.$kind" "$T/strace.$kind.last"
			# every window's table kept, to explain an outlier afterwards
			mkdir -p "$T/traces"
			tn=$(find "$T/traces" -name "$kind.*" | wc -l)
			cp "$T/strace.$kind" "$T/traces/$kind.$((tn + 1))"
		else
			c0=$(cpu_ns); b0=$(lo_bytes)
			"$@"
			c1=$(cpu_ns); b1=$(lo_bytes)
			echo "cpu $kind $(( (c1 - c0) / 1000 ))" >>"$RES"
			echo "ip $kind $((b1 - b0))" >>"$RES"
		fi
	}
	kinds() {	# kinds KIND POLLFN [AFTER]: REPS cpu windows (AFTER run after each), TREPS strace windows
		i=0; while [ "$i" -lt "$REPS" ]; do window "$1" cpu "$2" "$1"; ${3:+"$3"}; i=$((i + 1)); done
		i=0; while [ "$i" -lt "$TREPS" ]; do window "$1" trace "$2" "$1"; i=$((i + 1)); done
	}
	status_sum() {	# the sum of a /proc/PID/status field over the processes
		s=0
		for p in $(procs); do
			v=$(awk -v k="$1:" '$1 == k { print $2 }' "/proc/$p/status" 2>/dev/null || true)
			s=$((s + ${v:-0}))
		done
		echo "$s"
	}
	pss_sum() {
		s=0
		for p in $(procs); do
			v=$(awk '$1 == "Pss:" { print $2 }' "/proc/$p/smaps_rollup" 2>/dev/null || true)
			s=$((s + ${v:-0}))
		done
		echo "$s"
	}
	at_rest() {
		echo "rss_anon_kb $(status_sum RssAnon)" >>"$RES"
		echo "vm_rss_kb $(status_sum VmRSS)" >>"$RES"
		echo "pss_kb $(pss_sum)" >>"$RES"
		echo "threads $(status_sum Threads)" >>"$RES"
		echo "procs $(procs | wc -l)" >>"$RES"
	}
	quiet_minute() {
		pargs=""
		for p in $(procs); do pargs="$pargs -p $p"; done
		# shellcheck disable=SC2086
		timeout -s INT "$IDLE_S" strace -c -f $pargs -o "$T/strace.idle" 2>/dev/null || true
		echo "syscalls_idle $(calls "$T/strace.idle")" >>"$RES"
	}
	sizes() {	# sizes BINARY [more files]: the files, the libraries ldd names
		{ for f in "$@"; do echo "$f"; ldd "$f" 2>/dev/null | awk '$3 ~ /^\// { print $3 }'; done; } |
			sort -u | xargs -r stat -L -c %s | awk '{ s += $1 } END { print int(s / 1024) }' |
			sed 's/^/lib_kb /' >>"$RES"
		stat -L -c %s "$1" | awk '{ print "bin_kb", int($1 / 1024) }' >>"$RES"
	}

	# ---- the peers' endpoint ----
	peer_start() {	# peer_start EXTRA-ARGS...
		echo live >"$T/mode"
		python3 "$TOP/bench/agent_peer.py" --port-file "$T/port" --cert "$PKI/server.crt" \
			--key "$PKI/server.key" --client-ca "$PKI/ca.crt" --mode-file "$T/mode" \
			--log "$T/peer.log" --idle "$SERVER_IDLE_S" "$@" >"$T/peer.err" 2>&1 &
		PIDS="$PIDS $!"
		wait_for 10 test -s "$T/port" || { say "the endpoint did not start"; cat "$T/peer.err" >&2; exit 1; }
		PORT=$(cat "$T/port")
	}
	npolls() { c=$(grep -c -- "$POLL_RE" "$T/peer.log" 2>/dev/null) || true; echo "${c:-0}"; }
	# One timer-driven poll: wait until the endpoint logged one more.
	next_poll() {
		n=$(npolls)
		wait_for "$POLL_WAIT" sh -c "[ \$(grep -c -- '$POLL_RE' '$T/peer.log') -gt $n ]" 2>/dev/null ||
			{ say "no poll within $POLL_WAIT s"; exit 1; }
		sleep 0.5	# the agent reads the reply and goes back to sleep
	}
	peer_kinds() {
		next_poll
		kinds live next_poll
		echo resumed >"$T/mode"; next_poll	# this reply closes
		kinds resumed next_poll
		echo full >"$T/mode"; next_poll
		kinds full next_poll
		echo live >"$T/mode"; next_poll
		# every kind's last poll should have been what it claims
		for m in live resumed full; do
			awk -v m="$m" -v re="$POLL_RE" '$0 ~ re && $7 == m { n++; r += $6 }
				END { printf "reused_%s %d/%d\n", m, r, n }' "$T/peer.log" >>"$RES"
		done
	}

	case $AGENT in
	esold)
		srv_start() {	# srv_start ADDR:PORT
			rm -f "$T/port"
			"$ESOL_SERVER" serve --listen "$1" --port-file "$T/port" \
				--cert "$PKI/server.crt" --key "$PKI/server.key" --client-ca "$PKI/ca.crt" \
				--db "$T/ledger.db" --supplies off --foreground --log-level info \
				>>"$T/server.log" 2>&1 &
			SRV=$!
			wait_for 10 test -s "$T/port" || { say "esol-server did not start"; exit 1; }
			PORT=$(cat "$T/port")
		}
		srv_start 127.0.0.1:0
		d="$T/root/sys/class/printeng/printeng0"
		mkdir -p "$d" "$T/state" "$T/spool"
		echo SIM0001 >"$d/serial"; echo "Esol Demo 9000" >"$d/model"
		echo E1.02.3 >"$d/engine_fw"; echo C4.5.6 >"$d/controller_fw"
		echo 1 >"$d/generation"; echo 0 >"$d/refused_updates"
		for m in impressions_total:12345 impressions_mono:10000 impressions_color:2345 \
			 impressions_duplex:4000 impressions_large:100 sheets_total:10345 sheets_duplex:2000; do
			echo "${m#*:}" >"$d/${m%%:*}"
		done
		k=0
		for c in black cyan magenta yellow; do
			s="$d/supply$k"; mkdir -p "$s"
			echo toner >"$s/type"; echo percent >"$s/unit"; echo "$c" >"$s/colorant"
			echo "$c toner" >"$s/description"; echo 80 >"$s/level"; echo 100 >"$s/max_capacity"
			echo ok >"$s/state"; echo 0 >"$s/replaced"
			k=$((k + 1))
		done
		cat >"$T/esold.conf" <<-EOF
		[agent]
		enabled = true
		log_level = info
		state_dir = $T/state
		[server]
		url = https://localhost:$PORT
		ca_file = $PKI/ca.crt
		client_cert = $PKI/device.crt
		client_key = $PKI/device.key
		[schedule]
		poll_time = 03:00
		time_zone = UTC
		spread_minutes = 60
		[spool]
		dir = $T/spool
		[txlog]
		path = $T/state/txlog
		[control]
		socket = $T/ctl.sock
		group =
		EOF
		# Polled a moment ago: the daily schedule stays out of the measurement.
		printf '{"version":1,"supplies_enabled":false,"supplies_interval_s":0,"supplies_last_sent":0,"last_poll":%s,"last_poll_ok":0}\n' \
			"$(date +%s)" >"$T/state/state.json"
		# As its unit and init script start it (GnuTLS, loaded by libcurl's
		# dependencies and unused, left uninitialised).
		GNUTLS_NO_IMPLICIT_INIT=1 in_cg "$ESOLD" --foreground --config "$T/esold.conf" \
			--root "$T/root" >"$T/esold.log" 2>&1 &
		EPID=$!
		PIDS="$PIDS $EPID"
		wait_for 20 test -S "$T/ctl.sock" || { say "esold did not start"; cat "$T/esold.log" >&2; exit 1; }
		ctl() { "$ESOLCTL" -s "$T/ctl.sock" "$@" >/dev/null; }
		txn() { wc -l <"$T/state/txlog" 2>/dev/null || echo 0; }
		asleep() { read -r nr _ <"/proc/$EPID/syscall" && { [ "$nr" = 232 ] || [ "$nr" = 281 ]; }; }
		# Settled: the exchange that the last transmission-log record ended
		# is over -- a poll whose reply asked for no read (or the read it
		# asked for), and esold asleep.  Seen from outside (the log, /proc),
		# so that a window holds one control request: the poll-now.
		settle() {
			wait_for 10 sh -c "tail -n 1 '$T/state/txlog' | jq -e '.endpoint != \"/v1/poll\" or
				((.received // \"{}\") | fromjson | [.actions[]? | select(.type == \"read_meters\")] | length == 0)'" ||
				say "the exchange did not settle"
			wait_for 10 asleep
			sleep 0.2
			wait_for 10 asleep
		}
		# The start-up exchange: a poll (the server asks for this cycle's read), the read.
		ctl poll-now
		wait_for 30 sh -c "[ \$(wc -l < '$T/state/txlog' 2>/dev/null || echo 0) -ge 2 ]" ||
			{ say "the start-up exchange did not complete"; tail "$T/esold.log" >&2; exit 1; }
		settle
		poll_esold() {	# poll_esold KIND
			case $1 in
			resumed) sleep $((SERVER_IDLE_S + 2)) ;;
			esac
			n=$(txn)
			ctl poll-now
			wait_for 30 sh -c "[ \$(wc -l < '$T/state/txlog') -gt $n ]" ||
				{ say "the poll did not complete"; exit 1; }
			settle
		}
		full_esold() {	# a fresh esol-server (a new ticket key), then the poll
			kill -TERM "$SRV"; wait "$SRV" 2>/dev/null || true
			srv_start "127.0.0.1:$PORT"
		}
		ctl_only() { "$ESOLCTL" -s "$T/ctl.sock" spool list >/dev/null; sleep 0.2; }
		idle_closed() {	# esold closed the connection it kept alive after the poll
			wait_for 40 sh -c "! ss -Htnp state established '( dport = :$PORT )' | grep -q 'pid=$EPID,'" ||
				say "esold still holds a connection 40 s after the poll"
		}
		poll_esold live
		# A quiet minute is one with nothing to do: it starts once esold
		# has closed the connection it kept alive after the poll.
		idle_closed
		say "idle $IDLE_S s"
		quiet_minute
		say "live"
		poll_esold live	# the idle minute let the connection go: open it
		# each live window followed by two of the control request alone
		ctl_two() { window ctl cpu ctl_only; window ctl cpu ctl_only; }
		kinds live poll_esold ctl_two
		say "resumed (each after the server's ${SERVER_IDLE_S} s idle timeout)"
		kinds resumed poll_esold
		say "full"
		i=0; while [ "$i" -lt "$REPS" ]; do full_esold; window full cpu poll_esold full; i=$((i + 1)); done
		i=0; while [ "$i" -lt "$TREPS" ]; do full_esold; window full trace poll_esold full; i=$((i + 1)); done
		i=0; while [ "$i" -lt "$TREPS" ]; do window ctl trace ctl_only; i=$((i + 1)); done
		# At rest as the peers are measured: after every kind of poll (the
		# libraries' one-time allocations of a resumed and of a full
		# handshake made), once the connection kept alive is closed.
		idle_closed
		wait_for 10 asleep
		at_rest
		sizes "$ESOLD"
		echo "tls_seen $(grep -o 'tls=[^ ]*' "$T/server.log" | sort | uniq -c |
			awk '{ printf "%s %s; ", $2, $1 }')" >>"$RES"
		;;
	suricatta)
		command -v swupdate >/dev/null || { say "swupdate missing"; exit 3; }
		# Resumed polls after the idle esold's have (SERVER_IDLE_S + 2 s), so
		# both start as cold; the other kinds every 5 s.
		peer_start --ddi-sleep 5 --ddi-sleep-resumed $((SERVER_IDLE_S + 2))
		POLL_RE=" GET /default/controller/v1/SIM0001 "; POLL_WAIT=$((SERVER_IDLE_S + 20))
		cat >"$T/swupdate.cfg" <<-EOF
		globals: { loglevel = 2; };
		suricatta: {
		  tenant = "default";
		  id = "SIM0001";
		  url = "https://localhost:$PORT";
		  polldelay = 5;
		  cafile = "$PKI/ca.crt";
		  sslkey = "$PKI/device.key";
		  sslcert = "$PKI/device.crt";
		};
		EOF
		# It verifies update images with a public key: the CA's (never used).
		(cd "$T" && TMPDIR=$T in_cg swupdate -k "$PKI/ca.crt" -f "$T/swupdate.cfg" -u "" \
			>"$T/swupdate.log" 2>&1) &
		PIDS="$PIDS $!"
		next_poll
		peer_kinds
		at_rest
		# A quiet minute: the server now says "sleep an hour".
		echo "quiet" >"$T/mode"
		next_poll; sleep 1
		say "idle $IDLE_S s"
		quiet_minute
		sizes /usr/bin/swupdate
		;;
	mender)
		command -v mender >/dev/null || { say "mender missing"; exit 3; }
		# The client reads /etc/mender/artifact_info and runs
		# /usr/share/mender/identity/*: given from $T through bind mounts
		# in this private mount namespace (the system's files untouched).
		mkdir -p "$T/etc" "$T/share/identity" "$T/share/inventory" "$T/data"
		echo "artifact_name=bench" >"$T/etc/artifact_info"
		printf '#!/bin/sh\necho device_id=SIM0001\n' >"$T/share/identity/mender-device-identity"
		chmod +x "$T/share/identity/mender-device-identity"
		echo "device_type=esol-bench" >"$T/data/device_type"
		mount --make-rprivate /
		mount --bind "$T/etc" /etc/mender
		mount --bind "$T/share" /usr/share/mender
		# The device's token: an opaque JWT-shaped string.
		peer_start --mender-token "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJTSU0wMDAxIn0.c2lnbmF0dXJl"
		POLL_RE="/deployments/device/deployments/next "; POLL_WAIT=20
		mender_conf() {	# mender_conf UPDATE_INTERVAL
			cat >"$T/mender.conf" <<-EOF
			{"ServerURL": "https://localhost:$PORT", "ServerCertificate": "$PKI/ca.crt",
			 "HttpsClient": {"Certificate": "$PKI/device.crt", "Key": "$PKI/device.key"},
			 "UpdatePollIntervalSeconds": $1, "InventoryPollIntervalSeconds": 86400,
			 "RetryPollIntervalSeconds": $1, "DeviceTypeFile": "$T/data/device_type",
			 "DBus": {"Enabled": false}}
			EOF
		}
		mender_start() {
			in_cg mender --config "$T/mender.conf" --fallback-config "$T/none.conf" \
				--data "$T/data" --no-syslog daemon >>"$T/mender.log" 2>&1 &
			MPID=$!
			PIDS="$PIDS $MPID"
		}
		mender_conf 5
		mender_start
		next_poll
		peer_kinds
		at_rest
		# A quiet minute: the same client polling once an hour.
		kill -TERM "$MPID"; wait "$MPID" 2>/dev/null || true
		mender_conf 3600
		mender_start
		next_poll; sleep 2
		say "idle $IDLE_S s"
		quiet_minute
		sizes /usr/bin/mender
		;;
	collectd)
		command -v collectd >/dev/null || { say "collectd missing"; exit 3; }
		peer_start
		POLL_RE="POST /collectd "; POLL_WAIT=30
		mkdir -p "$T/collectd"
		cat >"$T/collectd.conf" <<-EOF
		Hostname "bench"
		FQDNLookup false
		BaseDir "$T/collectd"
		PIDFile "$T/collectd/collectd.pid"
		PluginDir "/usr/lib/collectd"
		TypesDB "/usr/share/collectd/types.db"
		Interval 10
		LoadPlugin load
		<LoadPlugin write_http>
		  FlushInterval 10
		</LoadPlugin>
		<Plugin write_http>
		  <Node "esol">
		    URL "https://localhost:$PORT/collectd"
		    Format "JSON"
		    VerifyPeer true
		    VerifyHost true
		    CACert "$PKI/ca.crt"
		    ClientKey "$PKI/device.key"
		    ClientCert "$PKI/device.crt"
		  </Node>
		</Plugin>
		EOF
		in_cg collectd -f -C "$T/collectd.conf" >"$T/collectd.out" 2>&1 &
		PIDS="$PIDS $!"
		next_poll
		peer_kinds
		at_rest
		say "idle $IDLE_S s (it posts every 10 s)"
		quiet_minute
		sizes /usr/sbin/collectd /usr/lib/collectd/load.so /usr/lib/collectd/write_http.so
		;;
	*)
		say "unknown agent"; exit 2 ;;
	esac
	say "done"
	exit 0
fi

# ==== the run: every agent at once, then the table ==========================
AGENTS=${BENCH_AGENTS:-esold suricatta mender collectd}
OUT=${BENCH_OUT:-$TOP/build/bench/agent.json}
for b in "$ESOLD" "$ESOLCTL" "$ESOL_SERVER"; do
	[ -x "$b" ] || { say "$b not built (make userspace)"; exit 1; }
done
for c in strace unshare python3 jq; do
	command -v "$c" >/dev/null || { say "$c missing (scripts/install-deps.sh)"; exit 1; }
done
[ -w "$CGROOT" ] || { say "needs root and a cpuacct cgroup at $CGROOT"; exit 1; }
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY

R=$(mktemp -d /tmp/esol-bench-agent.XXXXXX)
KIDS=""
finish() {
	for p in $KIDS; do kill -TERM "$p" 2>/dev/null || true; done
	for p in $KIDS; do wait "$p" 2>/dev/null || true; done
	[ -n "${BENCH_KEEP:-}" ] || rm -rf "$R"
}
trap finish EXIT
trap 'exit 130' INT TERM
"$TOP/scripts/mkpki.sh" "$R/pki" SIM0001 >/dev/null
say "agents: $AGENTS; $REPS windows per kind (+ $TREPS under strace); results in $R"
for a in $AGENTS; do
	unshare -n -m "$TOP/bench/agent.sh" --one "$a" "$R" >"$R/$a.out" 2>"$R/$a.err" &
	KIDS="$KIDS $!"
	eval "KID_$a=$!"
done
for a in $AGENTS; do
	eval "p=\$KID_$a"
	if wait "$p"; then :; else echo "failed" >"$R/$a.failed"; say "$a failed:"; tail -n 5 "$R/$a.err" >&2; fi
done
KIDS=""
# The strace -c table of every window, per agent and kind, next to the JSON.
TRACES=${OUT%.json}-traces
rm -rf "$TRACES"
for a in $AGENTS; do
	[ -d "$R/$a/traces" ] || continue
	mkdir -p "$TRACES"
	cp -r "$R/$a/traces" "$TRACES/$a"
done

# ---- figures --------------------------------------------------------------
# stats FILE NAME KIND -> "min median max" (or "- - -")
stats() {
	awk -v n="$2" -v k="$3" '$1 == n && (k == "" || $2 == k) { v[c++] = $NF }
		END { if (!c) { print "- - -"; exit }
		      for (i = 0; i < c; i++) for (j = i + 1; j < c; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
		      m = c % 2 ? v[(c - 1) / 2] : (v[c / 2 - 1] + v[c / 2]) / 2
		      printf "%s %s %s\n", v[0], m, v[c - 1] }' "$1" 2>/dev/null || echo "- - -"
}
one() { awk -v n="$2" '$1 == n { print $2; exit }' "$1" 2>/dev/null; }
med() { stats "$1" "$2" "$3" | awk '{ print $2 }'; }
jnum() { case $1 in ''|-) echo null ;; *) echo "$1" ;; esac; }

json="{}"
for a in $AGENTS; do
	f=$R/$a/res
	[ -f "$f" ] && [ ! -f "$R/$a.failed" ] || continue
	poll="{}"
	for k in live resumed full; do
		read -r cmin cmed cmax <<-EOF
		$(stats "$f" cpu "$k")
		EOF
		read -r imin imed imax <<-EOF
		$(stats "$f" ip "$k")
		EOF
		read -r smin smed smax <<-EOF
		$(stats "$f" syscalls "$k")
		EOF
		poll=$(echo "$poll" | jq --arg k "$k" \
			--argjson c "$(jnum "$cmed")" --argjson i "$(jnum "$imed")" --argjson s "$(jnum "$smed")" \
			--argjson cr "[$(jnum "$cmin"),$(jnum "$cmax")]" --argjson ir "[$(jnum "$imin"),$(jnum "$imax")]" \
			--argjson sr "[$(jnum "$smin"),$(jnum "$smax")]" \
			'.[$k] = {cpu_us: $c, ip_bytes: $i, syscalls: $s, cpu_us_min_max: $cr, ip_bytes_min_max: $ir, syscalls_min_max: $sr}')
	done
	json=$(echo "$json" | jq --arg a "$a" --argjson poll "$poll" \
		--argjson ra "$(jnum "$(one "$f" rss_anon_kb)")" --argjson vr "$(jnum "$(one "$f" vm_rss_kb)")" \
		--argjson pss "$(jnum "$(one "$f" pss_kb)")" --argjson th "$(jnum "$(one "$f" threads)")" \
		--argjson pr "$(jnum "$(one "$f" procs)")" --argjson sy "$(jnum "$(one "$f" syscalls_idle)")" \
		--argjson bk "$(jnum "$(one "$f" bin_kb)")" --argjson lk "$(jnum "$(one "$f" lib_kb)")" \
		--argjson is "$IDLE_S" \
		'.[$a] = {idle: {rss_anon_kb: $ra, vm_rss_kb: $vr, pss_kb: $pss, threads: $th, processes: $pr,
			  syscalls_60s: $sy, seconds: $is}, poll: $poll, size: {binary_kb: $bk, with_libraries_kb: $lk}}')
done
# The control socket aside: esold's windows less the median window of one
# control request alone; a peer's polls have none (its figures as they are).
if [ -f "$R/esold/res" ] && echo "$json" | jq -e 'has("esold")' >/dev/null; then
	json=$(echo "$json" | jq --argjson cc "$(jnum "$(med "$R/esold/res" cpu ctl)")" \
		--argjson cs "$(jnum "$(med "$R/esold/res" syscalls ctl)")" \
		'.esold.control_request = {cpu_us: $cc, syscalls: $cs}')
fi
json=$(echo "$json" | jq 'with_entries(.value as $v | .value.poll |= with_entries(
	.value += {cpu_us_ctl_aside: (if .value.cpu_us == null then null
					elif $v.control_request.cpu_us == null then .value.cpu_us
					else .value.cpu_us - $v.control_request.cpu_us end),
		   syscalls_ctl_aside: (if .value.syscalls == null then null
					elif $v.control_request.syscalls == null then .value.syscalls
					else .value.syscalls - $v.control_request.syscalls end)}))')
mkdir -p "$(dirname "$OUT")"
echo "$json" | jq . >"$OUT"

# ---- the table ------------------------------------------------------------
echo
echo "bench-agent: kernel $(uname -r), $(nproc) CPUs, $(date -u +%Y-%m-%dT%H:%MZ); medians of $REPS windows of one poll ($TREPS under strace)"
col() { printf '%-34s' "$1"; shift; for v in "$@"; do printf ' %11s' "$v"; done; printf '\n'; }
get() { echo "$json" | jq -r "$1 // \"-\""; }
ratio() {	# esold / peer
	awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.2f\n", a / b }'
}
hdr="figure"
set --
for a in $AGENTS; do set -- "$@" "$a"; done
has() { case " $AGENTS " in *" $1 "*) return 0 ;; esac; return 1; }
ex=""
has esold && has suricatta && ex="$ex e/suricatta"
has esold && has mender && ex="$ex e/mender"
# shellcheck disable=SC2086
col "$hdr" "$@" $ex
row() {	# row LABEL JQ-PATH
	vals=""
	for a in $AGENTS; do vals="$vals $(get ".\"$a\"$2")"; done
	rs=""
	if has esold; then
		e=$(get ".esold$2")
		has suricatta && rs="$rs $(ratio "$e" "$(get ".suricatta$2")")"
		has mender && rs="$rs $(ratio "$e" "$(get ".mender$2")")"
	fi
	# shellcheck disable=SC2086
	col "$1" $vals $rs
}
for k in live resumed full; do
	row "CPU per poll, $k (us)" ".poll.$k.cpu_us"
	row "  control socket aside" ".poll.$k.cpu_us_ctl_aside"
	row "IP bytes per poll, $k" ".poll.$k.ip_bytes"
	row "system calls per poll, $k" ".poll.$k.syscalls"
	row "  control socket aside" ".poll.$k.syscalls_ctl_aside"
done
row "RssAnon at rest (kB)" ".idle.rss_anon_kb"
row "VmRSS at rest (kB)" ".idle.vm_rss_kb"
row "PSS at rest (kB)" ".idle.pss_kb"
row "threads" ".idle.threads"
row "processes" ".idle.processes"
row "system calls, quiet ${IDLE_S} s" ".idle.syscalls_60s"
row "binary (kB)" ".size.binary_kb"
row "binary + libraries (kB)" ".size.with_libraries_kb"
echo
echo "min / median / max per poll:"
for a in $AGENTS; do
	f=$R/$a/res
	[ -f "$f" ] || continue
	for k in live resumed full; do
		printf '  %-10s %-8s CPU %s us; IP %s B; syscalls %s\n' "$a" "$k" \
			"$(stats "$f" cpu "$k" | tr ' ' /)" "$(stats "$f" ip "$k" | tr ' ' /)" \
			"$(stats "$f" syscalls "$k" | tr ' ' /)"
	done
done
echo
if has esold && [ -f "$R/esold/res" ]; then
	echo "esold: one control request alone (esolctl spool list, two after each live window; the poll-now of each window is one, and its log line of who asked stays counted), min/median/max: CPU $(stats "$R/esold/res" cpu ctl | tr ' ' /) us, system calls $(stats "$R/esold/res" syscalls ctl | tr ' ' /); the \"control socket aside\" rows take its medians away (the peers poll on their own timers)"
	echo "esol-server saw (every request of the run): $(sed -n 's/^tls_seen //p' "$R/esold/res")"
	for k in live resumed full; do
		[ -f "$R/esold/strace.$k.last" ] || continue
		echo "esold, one $k poll: $(awk '/^-/ { n++; next } n == 1 && NF >= 5 { print $NF "=" $4 }' \
			"$R/esold/strace.$k.last" | head -n 10 | tr '\n' ' ')"
	done
fi
for a in suricatta mender collectd; do
	[ -f "$R/$a/res" ] || continue
	echo "$a: TLS session reused (per kind, of the endpoint's requests): $(grep '^reused_' "$R/$a/res" | tr '\n' ' ')"
done
echo "collectd: a plain load + write_http (JSON, client certificate), Interval 10 and FlushInterval 10 (one post per interval; without it write_http posts only when its 4 KiB buffer fills); its quiet ${IDLE_S} s hold its posts (it has no quiet time)"
echo "suricatta is swupdate with its suricatta, progress and downloader processes: figures summed over them"
echo "written: $OUT"
