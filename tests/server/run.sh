#!/bin/sh
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# tests/server/run.sh (make check-server): esol-server at a vendor's
# scale, for real: a PostgreSQL of its own (initdb into a temporary
# directory as an unprivileged user, on a unix socket), nginx as the TLS
# front, several esol-server instances, and small fleets of simulated
# printers (bench/fleet) with faults:
#   ledger_pg            the ledger and policy suites on PostgreSQL
#   front_identity       the identity is the certificate the front verified;
#                        headers a client forges are not believed
#   fleet_pg_2           1,000 devices, PostgreSQL, 2 instances; an instance
#                        killed mid-day, the database restarted
#   fleet_sqlite_front   1,000 devices, SQLite, 1 instance behind nginx that
#                        loses 50 replies to reads after storing them, killed
#                        mid-day and restarted
#   fleet_embedded       300 devices against `esol-server serve` alone (its own
#                        TLS and SQLite), killed mid-day and restarted
#   export_csv           the billing export's header and rows
# A fleet passes when every device finished, none was refused, the
# ledger's export has every acknowledged read once (0 lost, 0 duplicated),
# and the faults did strike (requests failed and were retried).
# Writes build/results/server ("PASSED FAILED"), logs in
# build/results/server-logs/, and ends with the summary line.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
B=${B:-build}
SERVER=$B/bin/esol-server
FLEET=$B/bin/esol-fleet
DEVICES=${SERVER_TEST_DEVICES:-1000}
logs=build/results/server-logs
mkdir -p build/results "$logs"
rm -f build/results/server

T=$(mktemp -d /tmp/esol-check-server-XXXXXX)
chmod 0755 "$T"
passed=0
failed=0

cleanup() {
	for i in 1 2; do tests/server/instance.sh stop "$T" $i >/dev/null 2>&1; done
	[ -s "$T/emb.pid" ] && kill "$(cat "$T/emb.pid")" 2>/dev/null
	tests/server/front.sh stop "$T" >/dev/null 2>&1
	tests/server/pg.sh stop "$T/pg" >/dev/null 2>&1
	cp "$T"/*.log "$logs/" 2>/dev/null
	cp "$T"/pg/postgres.log "$logs/" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT INT TERM

result() {	# NAME RC
	if [ "$2" -eq 0 ]; then
		echo "PASS $1"
		passed=$((passed + 1))
	else
		echo "FAIL $1 (log: $logs/$1.log)"
		failed=$((failed + 1))
	fi
}

free_port() { scripts/free-port.sh; }

cycle=$(date -u +%Y-%m)
# A fleet that cannot finish (a server that does not come back) fails
# the test rather than hanging the suite.
FLEET_LIMIT=${FLEET_LIMIT:-600}
"$FLEET" pki --dir "$T" || exit 1
PG=$(tests/server/pg.sh start "$T/pg") || { echo "FAIL PostgreSQL did not start"; exit 1; }
PORT=$(free_port)
tests/server/front.sh start "$T" "$PORT" "$T/server.crt" "$T/server.key" "$T/ca.crt" \
	"$T/s1.sock" "$T/s2.sock" || { echo "FAIL nginx did not start"; exit 1; }
URL=https://127.0.0.1:$PORT

# ---- ledger_pg
ESOL_TEST_PG=$PG "$B/tests/unit/test_server_ledger" >"$logs/ledger_pg.log" 2>&1
result ledger_pg $?

# ---- front_identity
front_identity() {
	db=$(tests/server/pg.sh newdb "$T/pg" ident) || return 1
	tests/server/instance.sh start "$T" 1 "$db" || return 1
	"$FLEET" cert --dir "$T" --label DEVA0001 || return 1
	body='{"device":{"device_id":"DEVA0001","model":"M","engine_fw":"E","controller_fw":"C","agent_version":"0.1"},"config":{"enabled":true,"poll_time":"03:00","timezone":"UTC","spread_minutes":0,"proxy_mode":"none"},"state":{"supplies_enabled":false,"supplies_interval_s":0,"spool_pending":0}}'
	other=$(echo "$body" | sed 's/DEVA0001/DEVB0002/')
	post() {	# EXPECTED_STATUS BODY [curl options]
		want=$1 b=$2
		shift 2
		got=$(curl -s -o "$T/reply" -w '%{http_code}' --cacert "$T/ca.crt" \
			-H 'Content-Type: application/json' --data-binary "$b" "$@" "$URL/v1/poll")
		echo "want $want got $got: $(cat "$T/reply")"
		[ "$got" = "$want" ]
	}
	# no certificate, forged front headers: not believed
	post 401 "$body" -H 'X-Esol-Client-Verify: SUCCESS' -H 'X-Esol-Client-CN: DEVA0001' || return 1
	# the device's own certificate
	post 200 "$body" --cert "$T/DEVA0001.crt" --key "$T/DEVA0001.key" || return 1
	# its certificate, another device's id (and a forged CN header)
	post 403 "$other" --cert "$T/DEVA0001.crt" --key "$T/DEVA0001.key" \
		-H 'X-Esol-Client-CN: DEVB0002' || return 1
	# a certificate from another CA is refused by the front
	mkdir -p "$T/rogue"
	"$FLEET" pki --dir "$T/rogue" && "$FLEET" cert --dir "$T/rogue" --label DEVA0001 || return 1
	got=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$T/ca.crt" \
		--cert "$T/rogue/DEVA0001.crt" --key "$T/rogue/DEVA0001.key" \
		-H 'Content-Type: application/json' --data-binary "$body" "$URL/v1/poll")
	echo "rogue CA: $got"
	[ "$got" = 400 ] || [ "$got" = 000 ] || return 1
	tests/server/instance.sh stop "$T" 1
}
front_identity >"$logs/front_identity.log" 2>&1
result front_identity $?

# ---- poll_cache: two instances keep poll decisions (the request log says
# "(kept)"); a read stored through one, a policy changed by the CLI, and a
# database restart are heard by both: no poll is answered from a stale one.
poll_cache() {
	db=$(tests/server/pg.sh newdb "$T/pg" pcache) || return 1
	for i in 1 2; do
		INSTANCE_LOG_LEVEL=info tests/server/instance.sh start "$T" $i "$db" || return 1
	done
	body='{"device":{"device_id":"DEVC0001","model":"M","engine_fw":"E","controller_fw":"C","agent_version":"0.1"},"config":{"enabled":true,"poll_time":"03:00","timezone":"UTC","spread_minutes":0,"proxy_mode":"none"},"state":{"supplies_enabled":true,"supplies_interval_s":86400,"spool_pending":0}}'
	ask() {	# INSTANCE PATH BODY: as the front would send it
		curl -s --unix-socket "$T/s$1.sock" -H 'Content-Type: application/json' \
			-H 'X-Esol-Client-Verify: SUCCESS' -H 'X-Esol-Client-CN: DEVC0001' \
			--data-binary "$3" "http://esol$2"
	}
	until_poll() {	# INSTANCE JQ_TEST: poll until the reply passes, for up to 3 s
		n=0
		while :; do
			r=$(ask "$1" /v1/poll "$body")
			echo "s$1: $r"
			echo "$r" | jq -e "$2" >/dev/null && return 0
			n=$((n + 1))
			[ $n -lt 30 ] || { echo "s$1 never answered $2"; return 1; }
			sleep 0.1
		done
	}
	rq=$(ask 1 /v1/poll "$body" | jq -r '.actions[] | select(.type == "read_meters") | .request_id')
	echo "request $rq"
	[ -n "$rq" ] || return 1
	for i in 1 2 1 2; do
		ask $i /v1/poll "$body" | grep -q "\"$rq\"" || return 1
	done
	for i in 1 2; do
		grep -q "read_meters $rq.*(kept)" "$T/s$i.log" ||
			{ echo "s$i kept no decision"; return 1; }
	done
	# the read through instance 1: both stop asking for it
	now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
	read='{"device_id":"DEVC0001","read_id":"pc-1","request_id":"'$rq'","generation":"1","taken_at":"'$now'","meters":{"impressions_total":"5"}}'
	ask 1 /v1/meter-reads "$read" | tee /dev/stderr | grep -q stored || return 1
	for i in 1 2; do
		until_poll $i '[.actions[].type] | index("read_meters") | not' || return 1
	done
	# kept again ("no read due"); then the CLI turns supplies off
	ask 2 /v1/poll "$body" >/dev/null
	ask 2 /v1/poll "$body" >/dev/null
	grep -q "no read due.*(kept)" "$T/s2.log" || { echo "s2 kept no decision"; return 1; }
	"$SERVER" set-device --db "$db" --device DEVC0001 --supplies off || return 1
	for i in 1 2; do
		until_poll $i '.actions[] | select(.type == "supplies") | .enabled == false' ||
			return 1
	done
	# the database restarts: the instances hear again, and hear the next change
	tests/server/pg.sh restart "$T/pg" || return 1
	for i in 1 2; do
		n=0
		until grep -q "hearing the database's changes again" "$T/s$i.log"; do
			n=$((n + 1))
			[ $n -lt 50 ] || { echo "s$i does not hear again"; return 1; }
			sleep 0.1
		done
		until_poll $i '.actions[] | select(.type == "supplies") | .enabled == false' ||
			return 1
	done
	"$SERVER" set-device --db "$db" --device DEVC0001 --supplies on --supplies-interval 3600 ||
		return 1
	for i in 1 2; do
		until_poll $i '.actions[] | select(.type == "supplies") | .interval_s == 3600' ||
			return 1
	done
	# a listening connection gone silent (its backend stopped, as a peer gone
	# without a word): taken for lost within seconds, heard again after
	lost=$(cat "$T"/s[12].log | grep -c "not hearing the database's changes")
	heard=$(cat "$T"/s[12].log | grep -c "hearing the database's changes again")
	pids=$(psql -h "$T/pg" -U esol -d pcache -tAc \
		"SELECT pid FROM pg_stat_activity WHERE query IN ('LISTEN esol_device', 'SELECT 1')")
	echo "listeners: $pids"
	[ "$(echo "$pids" | wc -w)" = 2 ] || return 1
	kill -STOP $pids
	n=0
	while [ "$(cat "$T"/s[12].log | grep -c "not hearing the database's changes")" -lt $((lost + 2)) ]; do
		n=$((n + 1))
		[ $n -lt 150 ] || { kill -CONT $pids; echo "a silent listener was not noticed"; return 1; }
		sleep 0.1
	done
	echo "noticed after $n tenths of a second"
	kill -CONT $pids
	n=0
	while [ "$(cat "$T"/s[12].log | grep -c "hearing the database's changes again")" -lt $((heard + 2)) ]; do
		n=$((n + 1))
		[ $n -lt 50 ] || { echo "not heard again"; return 1; }
		sleep 0.1
	done
	tests/server/instance.sh stop "$T" 1
	tests/server/instance.sh stop "$T" 2
}
poll_cache >"$logs/poll_cache.log" 2>&1
result poll_cache $?

# ---- brief_polls: two instances with kept decisions answer a brief poll
# (device_id and the identity tag) whose tag is the one on file, from
# their cache too; refuse another tag (409 identity_unknown); a new
# identity sent in full through one is written at once, so the other,
# whose cache still holds the old tag, answers the new one from the
# database and refuses the old.
brief_polls() {
	db=$(tests/server/pg.sh newdb "$T/pg" brief) || return 1
	for i in 1 2; do
		INSTANCE_LOG_LEVEL=info tests/server/instance.sh start "$T" $i "$db" || return 1
	done
	full() {	# ENGINE_FW
		echo '{"device":{"device_id":"DEVD0001","model":"M","engine_fw":"'$1'","controller_fw":"C","agent_version":"0.1"},"config":{"poll_time":"03:00","timezone":"UTC","spread_minutes":0,"proxy_mode":"none"},"state":{}}'
	}
	tag() {	# ENGINE_FW: the tag of full's identity (docs/protocol.md)
		printf 'DEVD0001\nM\n%s\nC\n0.1\n03:00\nUTC\n0\nnone\n' "$1" | sha256sum | cut -c1-16
	}
	brief() { echo '{"device":{"device_id":"DEVD0001"},"identity_tag":"'$1'","state":{"spool_pending":1}}'; }
	ask() {	# INSTANCE BODY EXPECTED_STATUS
		code=$(curl -s -o "$T/brief.reply" -w '%{http_code}' --unix-socket "$T/s$1.sock" \
			-H 'Content-Type: application/json' -H 'X-Esol-Client-Verify: SUCCESS' \
			-H 'X-Esol-Client-CN: DEVD0001' --data-binary "$2" http://esol/v1/poll)
		echo "s$1 $code: $(cat "$T/brief.reply")"
		[ "$code" = "$3" ]
	}
	ask 1 "$(brief "$(tag E1)")" 409 || return 1
	jq -e '.error == "identity_unknown"' "$T/brief.reply" >/dev/null || return 1
	ask 1 "$(full E1)" 200 || return 1
	rq=$(jq -r '.actions[] | select(.type == "read_meters") | .request_id' "$T/brief.reply")
	[ -n "$rq" ] || return 1
	for i in 1 2 1 2; do
		ask $i "$(brief "$(tag E1)")" 200 && grep -q "\"$rq\"" "$T/brief.reply" || return 1
	done
	grep -q "read_meters $rq.*(kept)" "$T/s1.log" || { echo "s1 kept no decision"; return 1; }
	ask 2 "$(brief 0123456789abcdef)" 409 || return 1
	# a new firmware through instance 2; instance 1 still keeps the old tag
	ask 2 "$(full E2)" 200 || return 1
	ask 1 "$(brief "$(tag E2)")" 200 || return 1
	ask 1 "$(brief "$(tag E2)")" 200 || return 1
	ask 2 "$(brief "$(tag E1)")" 409 || return 1
	ask 1 "$(brief "$(tag E1)")" 409 || return 1
	sleep 0.5	# the bookkeeping is written behind
	"$SERVER" list-devices --db "$db" --json | tee /dev/stderr |
		jq -e '.[0].engine_fw == "E2" and .[0].model == "M" and .[0].polls == 8 and
			.[0].state.spool_pending == 1' >/dev/null || return 1
	tests/server/instance.sh stop "$T" 1
	tests/server/instance.sh stop "$T" 2
}
brief_polls >"$logs/brief_polls.log" 2>&1
result brief_polls $?

# ---- fleets
# struck JSON [MIN_DUPLICATE_ANSWERS]: the faults made requests fail (and answers repeat)
struck() {
	jq -e ".failed_retried > 0 and .duplicate_answers >= ${2:-0}" "$1" >/dev/null ||
		{ echo "the faults did not strike: $(cat "$1")"; return 1; }
}

fleet() {	# NAME DB INSTANCES FLEET_OPTS...
	name=$1 db=$2 n=$3
	shift 3
	timeout -k 5 "$FLEET_LIMIT" "$FLEET" day --dir "$T" --url "$URL" --devices "$DEVICES" \
		--day-seconds 20 --conns 64 \
		--instances "$n" --export-cmd "$SERVER export --db '$db' --cycle $cycle" \
		--json "$T/$name.json" "$@"
}

fleet_pg_2() {
	db=$(tests/server/pg.sh newdb "$T/pg" fleet2) || return 1
	tests/server/instance.sh start "$T" 1 "$db" && tests/server/instance.sh start "$T" 2 "$db" ||
		return 1
	fleet fleet_pg_2 "$db" 2 --backend postgresql \
		--fault "0.3:tests/server/instance.sh crash $T 1 '$db'" \
		--fault "0.6:tests/server/pg.sh restart $T/pg" && struck "$T/fleet_pg_2.json"
	rc=$?
	tests/server/instance.sh stop "$T" 1
	tests/server/instance.sh stop "$T" 2
	return $rc
}
fleet_pg_2 >"$logs/fleet_pg_2.log" 2>&1
result fleet_pg_2 $?

fleet_sqlite_front() {
	db=$T/front.db
	tests/server/instance.sh start "$T" 1 "$db" --fault 'lost-reply@/v1/meter-reads*50' ||
		return 1
	fleet fleet_sqlite_front "$db" 1 --backend sqlite \
		--fault "0.5:tests/server/instance.sh crash $T 1 '$db'" &&
		struck "$T/fleet_sqlite_front.json" 10
	rc=$?
	tests/server/instance.sh stop "$T" 1
	return $rc
}
fleet_sqlite_front >"$logs/fleet_sqlite_front.log" 2>&1
result fleet_sqlite_front $?

fleet_embedded() {
	db=$T/embedded.db
	p=$(free_port)
	emb() {
		"$SERVER" serve --listen "127.0.0.1:$p" --cert "$T/server.crt" --key "$T/server.key" \
			--client-ca "$T/ca.crt" --db "$db" --pid-file "$T/emb.pid" --foreground \
			--log-level notice >>"$T/embedded.log" 2>&1 &
		n=0
		while [ ! -s "$T/emb.pid" ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
	}
	emb
	# The restart tries again while the port is not free yet (up to 20 s).
	cat >"$T/emb-crash.sh" <<CRASH
kill -9 \$(cat $T/emb.pid); rm -f $T/emb.pid; sleep 1
for i in \$(seq 20); do
	"$SERVER" serve --listen 127.0.0.1:$p --cert $T/server.crt --key $T/server.key \
		--client-ca $T/ca.crt --db $db --pid-file $T/emb.pid --foreground \
		--log-level notice >>$T/embedded.log 2>&1 &
	n=0
	while [ ! -s $T/emb.pid ] && kill -0 \$! 2>/dev/null && [ \$n -lt 50 ]; do
		sleep 0.1; n=\$((n + 1))
	done
	[ -s $T/emb.pid ] && exit 0
	sleep 1
done
echo "emb-crash: esol-server did not start again" >&2
exit 1
CRASH
	timeout -k 5 "$FLEET_LIMIT" "$FLEET" day --dir "$T" --url "https://127.0.0.1:$p" \
		--devices 300 --day-seconds 10 \
		--conns 32 --backend sqlite-embedded --prefix EMB \
		--export-cmd "$SERVER export --db '$db' --cycle $cycle" --json "$T/emb.json" \
		--fault "0.5:sh $T/emb-crash.sh" && struck "$T/emb.json"
	rc=$?
	kill "$(cat "$T/emb.pid")" 2>/dev/null
	return $rc
}
fleet_embedded >"$logs/fleet_embedded.log" 2>&1
result fleet_embedded $?

# ---- export_csv: the header, one row per read, the quoting of RFC 4180
export_csv() {
	"$SERVER" export --db "$T/embedded.db" --cycle "$cycle" --out "$T/export.csv" || return 1
	head -n 1 "$T/export.csv" | tr -d '\r' | tee /dev/stderr |
		grep -qx 'device_id,cycle,read_id,request_id,request_known,generation,taken_at,received_at,impressions_total,impressions_mono,impressions_color,impressions_duplex,impressions_large,sheets_total,sheets_duplex' ||
		return 1
	rows=$(($(wc -l <"$T/export.csv") - 1))
	echo "rows $rows"
	[ "$rows" -eq 300 ] || return 1
	# a bad cycle is refused, and leaves no file
	"$SERVER" export --db "$T/embedded.db" --cycle 2026-13 --out "$T/bad.csv" && return 1
	[ ! -e "$T/bad.csv" ]
}
export_csv >"$logs/export_csv.log" 2>&1
result export_csv $?

echo "$passed $failed" >build/results/server
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
