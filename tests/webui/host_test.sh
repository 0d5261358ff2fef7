#!/bin/sh
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# webui host test: esol-webui (the ASan+UBSan build) over HTTPS with its
# self-signed certificate, against a real esold and esol-server on this
# host (tests/e2e/lib.sh starts them), driven with curl.  Checks the
# first-use password, login, security headers and cookie attributes,
# every settings form as seen by `esolctl status`, the connection test,
# the transmission log, and what must be refused: a wrong password (and
# the rate limit), a POST without or with a wrong CSRF token, a foreign
# Origin, a script tag in a field, a session cookie from before a logout.
# Prints one line per check and ends with "webui-host: N passed, N failed".
ESOLD=${ESOLD:-$(cd "$(dirname "$0")/../.." && pwd)/build/bin/esold}
. "$(dirname "$0")/../e2e/lib.sh"
WEBUI=${WEBUI:-$TOP/build/san/bin/esol-webui}
e2e_init webui
[ -x "$WEBUI" ] || fail "$WEBUI not built (make SAN=1 $WEBUI)"

passed=0
failed=0
check() { # NAME CMD...: one check
	c_name=$1
	shift
	if "$@" >/dev/null 2>&1; then
		echo "ok - $c_name"
		passed=$((passed + 1))
	else
		echo "not ok - $c_name"
		failed=$((failed + 1))
	fi
}
finish() {
	echo "webui-host: $passed passed, $failed failed"
	[ -z "${WEBUI_RESULT:-}" ] || echo "$passed $failed" >"$WEBUI_RESULT"
	[ "$failed" -eq 0 ]
}

make_sysfs "$T/root" SIM0001
start_server --supplies off
write_conf
start_esold

WPORT=$(free_port)
mkdir -p "$T/webui"
cat >"$T/webui.conf" <<CONF
[webui]
listen = 127.0.0.1:$WPORT
state_dir = $T/webui
password_file = $T/webui/admin.pw
esold_socket = $T/ctl.sock
sysfs_root = $T/root
tz_dir = $TOP/tests/unit/fixtures/webui
log_level = debug
CONF
"$WEBUI" --config "$T/webui.conf" >>"$T/webui.log" 2>&1 &
WEBUI_PID=$!
track "$WEBUI_PID"
wait_for 20 test -s "$T/webui/tls.crt" || fail "esol-webui made no certificate"
URL=https://127.0.0.1:$WPORT
# The self-signed certificate is the trust anchor: it must name 127.0.0.1.
CURL="curl -sS --max-time 60 --cacert $T/webui/tls.crt"
wait_for 20 $CURL -o /dev/null "$URL/style.css" || fail "esol-webui does not answer"
log "esol-webui on $URL (pid $WEBUI_PID)"

# req NAME METHOD PATH [curl args...]: headers in $T/NAME.h, body in $T/NAME.b,
# status code in $T/NAME.code; the cookie jar is $T/jar.
req() {
	r_name=$1 r_method=$2 r_path=$3
	shift 3
	$CURL -X "$r_method" -b "$T/jar" -c "$T/jar" -D "$T/$r_name.h" -o "$T/$r_name.b" \
		-w '%{http_code}' "$@" "$URL$r_path" >"$T/$r_name.code"
}
code_is() { [ "$(cat "$T/$1.code")" = "$2" ]; }
header_has() { grep -qi "$2" "$T/$1.h"; }
body_has() { grep -q -- "$2" "$T/$1.b"; }
body_lacks() { ! grep -qi -- "$2" "$T/$1.b"; }
csrf_of() { sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$T/$1.b" | head -n 1; }
st() { ctl --json status | jq -r ".$1"; }
: >"$T/jar"

# ---- first use
req root GET /
check "no password yet: / sends to /setup" code_is root 303
check "  Location /setup" header_has root '^Location: /setup'
req setup GET /setup
check "setup page" body_has setup 'Choose the administrator password'
req short POST /setup --data 'user=admin&password=short&again=short'
check "a short password is refused" code_is short 400
check "  with the reason" body_has short '10 to 128 characters'
req differ POST /setup --data 'user=admin&password=0123456789ab&again=0123456789ac'
check "two different passwords are refused" body_has differ 'not the same'
[ ! -e "$T/webui/admin.pw" ]
check "  and nothing was saved" test ! -e "$T/webui/admin.pw"
req set POST /setup --data 'user=admin&password=first+use+secret&again=first+use+secret'
check "setup: password saved, logged in" code_is set 303
check "  password file mode 0600" test "$(stat -c %a "$T/webui/admin.pw")" = 600
check "  hash stored, not the password" sh -c "grep -q '^pbkdf2-sha256\\\$200000\\\$' '$T/webui/admin.pw' && ! grep -q secret '$T/webui/admin.pw'"
check "  cookie HttpOnly" header_has set '^Set-Cookie: esol_sid=[0-9a-f]\{64\};.*HttpOnly'
check "  cookie SameSite=Strict" header_has set '^Set-Cookie: esol_sid=.*SameSite=Strict'
check "  cookie Secure (HTTPS)" header_has set '^Set-Cookie: esol_sid=.*; Secure'
req setup2 POST /setup --data 'user=admin&password=second+try+secret&again=second+try+secret'
check "setup cannot replace a set password" sh -c "! grep -q 'second' '$T/webui/admin.pw' && [ \$(cat '$T/setup2.code') != 200 ]"

# ---- pages and headers
req status GET /status
check "status page" code_is status 200
check "  CSP without inline script, no framing" header_has status "^Content-Security-Policy: default-src 'none'; style-src 'self'.*frame-ancestors 'none'"
check "  nosniff" header_has status '^X-Content-Type-Options: nosniff'
check "  no-store" header_has status '^Cache-Control: no-store'
check "  participation shown" body_has status 'Participation'
check "  meters from the engine" body_has status '>12,345<'
check "  supplies as level bars" body_has status '<meter min="0" max="100"'
check "  no script anywhere" body_lacks status '<script'
CSRF=$(csrf_of status)
check "  the page carries a CSRF token" test "${#CSRF}" -eq 64
req css GET /style.css
check "stylesheet served as text/css" header_has css '^Content-Type: text/css'
req settings GET /settings
check "settings page" body_has settings 'Test the connection now'
check "  time zones the device knows" body_has settings '<option>Europe/Paris</option>'
req log0 GET /log
check "log page" body_has log0 'What left the device'

# ---- settings, each checked in esolctl status
req sched POST /settings/schedule --data "csrf=$CSRF&poll_time=04%3A30&time_zone=Europe%2FParis"
check "schedule saved" code_is sched 303
check "  esolctl status poll_time 04:30" test "$(st poll_time)" = 04:30
check "  esolctl status timezone Europe/Paris" test "$(st timezone)" = Europe/Paris
req nocsrf POST /settings/schedule --data "poll_time=05%3A45&time_zone=UTC"
check "POST without CSRF token refused (403)" code_is nocsrf 403
check "  and not applied" test "$(st poll_time)" = 04:30
req badcsrf POST /settings/schedule --data "csrf=$(echo "$CSRF" | tr 0-9a-f a-f0-9)&poll_time=05%3A45&time_zone=UTC"
check "POST with a wrong CSRF token refused" code_is badcsrf 403
check "  and not applied" test "$(st poll_time)" = 04:30
req origin POST /settings/schedule -H 'Origin: https://evil.example' --data "csrf=$CSRF&poll_time=05%3A45&time_zone=UTC"
check "POST from a foreign Origin refused" code_is origin 403
check "  and not applied" test "$(st poll_time)" = 04:30
req badtime POST /settings/schedule --data "csrf=$CSRF&poll_time=25%3A99&time_zone=UTC"
check "a bad time is refused by the agent" code_is badtime 422
check "  its message next to the field" body_has badtime 'id="err-poll_time"'
check "  and not applied" test "$(st poll_time)" = 04:30
req script POST /settings/proxy --data "csrf=$CSRF&proxy_mode=manual&pac_url=&proxy_host=%3Cscript%3Ealert(1)%3C%2Fscript%3E&proxy_port=3128"
check "a script tag in a field is refused" code_is script 422
check "  shown escaped, never as markup" sh -c "grep -q '&lt;script&gt;alert(1)' '$T/script.b' && ! grep -qi '<script' '$T/script.b'"
check "  proxy unchanged" test "$(st proxy.mode)" = none
req manual POST /settings/proxy --data "csrf=$CSRF&proxy_mode=manual&pac_url=&proxy_host=proxy.example&proxy_port=3128"
check "proxy manual saved" code_is manual 303
check "  esolctl status proxy manual" test "$(st proxy.mode)" = manual
check "  host and port in the config" grep -q 'proxy.example' "$T/esold.conf"
req manualpage GET /settings
check "  the page shows the proxy host and port esold has" \
	sh -c "grep -q 'name=\"proxy_host\" value=\"proxy.example\"' '$T/manualpage.b' && grep -q 'name=\"proxy_port\" value=\"3128\"' '$T/manualpage.b'"

# ---- the manual proxy's sign-in: esold's own file; the password never comes back
PW='Pr0xy+pw%2Fwith%3Acolon'	# "Pr0xy pw/with:colon", form-encoded
req creds POST /settings/proxy-credentials --data "csrf=$CSRF&proxy_user=printer-42&proxy_password=$PW"
check "proxy sign-in saved" code_is creds 303
check "  esolctl status: credentials set, user printer-42" \
	sh -c "[ \"\$($ESOLCTL -s '$T/ctl.sock' --json status | jq -r '.proxy.credentials + \" \" + .proxy.user')\" = 'set printer-42' ]"
check "  esold's own file, mode 0600, holds them" \
	sh -c "[ \"\$(stat -c %a '$T/state/proxy-credentials')\" = 600 ] && grep -qx 'printer-42:Pr0xy pw/with:colon' '$T/state/proxy-credentials'"
req credspage GET /settings
check "  the page says a password is set" body_has credspage 'A password is set for the user <strong>printer-42</strong>'
check "  the password field is empty" sh -c "grep -o '<input type=\"password\" id=\"proxy_password\"[^>]*>' '$T/credspage.b' | grep -q . && ! grep -o '<input type=\"password\" id=\"proxy_password\"[^>]*>' '$T/credspage.b' | grep -q value="
check "  autocomplete new-password" body_has credspage 'autocomplete="new-password"'
check "  a clear button" body_has credspage 'Clear the sign-in'
req credsbad POST /settings/proxy-credentials --data "csrf=$CSRF&proxy_user=bad%3Auser&proxy_password=Other+s3cret+pw"
check "a user name with ':' is refused by the agent" code_is credsbad 422
check "  its message next to the user field" body_has credsbad 'id="err-proxy_user">The user name must not contain'
check "  the refused password is not echoed" body_lacks credsbad 'Other s3cret pw'
check "  the agent kept the old user" test "$(st proxy.user)" = printer-42
req credsempty POST /settings/proxy-credentials --data "csrf=$CSRF&proxy_user=printer-42&proxy_password="
check "an empty password is refused, next to the password field" body_has credsempty 'id="err-proxy_password">The password must not be empty'
req credsnocsrf POST /settings/proxy-credentials --data "proxy_user=evil&proxy_password=evil+pw+123"
check "a sign-in without the CSRF token is refused (403)" code_is credsnocsrf 403
check "  and not applied" test "$(st proxy.user)" = printer-42
check "the password is in no page, log or status" sh -c "! grep -rq -e 'Pr0xy pw' -e 'Other s3cret' '$T'/*.b '$T'/*.log '$T/esold.conf' && ! $ESOLCTL -s '$T/ctl.sock' --json status | grep -q 'Pr0xy' && ! $ESOLCTL -s '$T/ctl.sock' --json log 50 | grep -q 'Pr0xy'"
req credsclear POST /settings/proxy-credentials-clear --data "csrf=$CSRF"
check "proxy sign-in cleared" code_is credsclear 303
check "  esolctl status: credentials not set" test "$(st proxy.credentials)" = "not set"
check "  esold's own file removed" test ! -e "$T/state/proxy-credentials"

req none POST /settings/proxy --data "csrf=$CSRF&proxy_mode=none&pac_url=&proxy_host=&proxy_port="
check "proxy back to none" test "$(st proxy.mode)" = none
req off POST /settings/participation --data "csrf=$CSRF&enabled=false"
check "participation off" test "$(st enabled)" = false
req on POST /settings/participation --data "csrf=$CSRF&enabled=true"
check "participation on" test "$(st enabled)" = true
polls0=$(st counters.polls)
req test POST /settings/test --data "csrf=$CSRF"
check "connection test succeeds" body_has test 'id="test-result" role="status">Succeeded'
check "  the agent polled" test "$(st counters.polls)" -gt "$polls0"
req log GET /log
check "transmission log shows the poll" body_has log '/v1/poll'
check "  with the bytes sent" body_has log '&quot;device_id&quot;:&quot;SIM0001&quot;'
req junk POST /settings/schedule --data "csrf=$CSRF&poll_time=04%3A30&time_zone=UTC&extra=1"
check "a form with an unknown field is refused" code_is junk 400
req ctype POST /settings/schedule -H 'Content-Type: text/plain' --data "csrf=$CSRF&poll_time=06%3A00&time_zone=UTC"
check "a POST that is not a form is refused" code_is ctype 415

# ---- logout: the old cookie is dead
cp "$T/jar" "$T/oldjar"
req logout POST /logout --data "csrf=$CSRF"
check "logout" code_is logout 303
check "  clears the cookie" header_has logout '^Set-Cookie: esol_sid=;.*Max-Age=0'
$CURL -b "$T/oldjar" -o /dev/null -w '%{http_code} %{redirect_url}' "$URL/status" >"$T/old.code"
check "a cookie from before the logout is refused" grep -q '^303 .*/login' "$T/old.code"
$CURL -b "$T/oldjar" -o /dev/null -w '%{http_code}' --data "csrf=$CSRF&enabled=false" \
	"$URL/settings/participation" >"$T/oldpost.code"
check "  and cannot change a setting" test "$(st enabled)" = true

# ---- wrong passwords and the rate limit
: >"$T/jar"
req wrong POST /login --data 'user=admin&password=not+the+password'
check "a wrong password is refused" code_is wrong 403
check "  with a message" body_has wrong 'Wrong password'
check "  and no session" sh -c "! grep -q esol_sid '$T/wrong.h'"
for i in 2 3 4 5; do req wrong$i POST /login --data 'user=admin&password=nope+nope+nope'; done
req limited POST /login --data 'user=admin&password=first+use+secret'
check "after 5 wrong passwords even the right one waits (429)" code_is limited 429
check "  saying how long" body_has limited 'Try again in'

# ---- --set-password (provisioning, a forgotten password)
old_hash=$(cat "$T/webui/admin.pw")
echo 'provisioned password' | "$WEBUI" --config "$T/webui.conf" --set-password >"$T/setpw.out" 2>&1
check "--set-password replaces the hash" sh -c "grep -q saved '$T/setpw.out' && [ \"\$(cat '$T/webui/admin.pw')\" != '$old_hash' ]"
echo 'short' | "$WEBUI" --config "$T/webui.conf" --set-password >"$T/setpw2.out" 2>&1 && rc=0 || rc=$?
check "--set-password refuses a short password" test "$rc" -eq 2

# ---- stops cleanly (ASan/UBSan/LSan clean)
kill -TERM "$WEBUI_PID"
rc=0
wait "$WEBUI_PID" || rc=$?
untrack "$WEBUI_PID"
check "esol-webui exits 0 on SIGTERM" test "$rc" -eq 0
check "no sanitizer report" sh -c "! grep -qE '$SAN_REPORT' '$T/webui.log'"
finish
