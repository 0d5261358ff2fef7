#!/bin/sh
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# The device's half of the webui browser test (esol.run=/opt/esol-webui-test/guest.sh
# in the device image).  esold (S80esold) and esol-webui (S81esol-webui)
# were started at boot as installed.  This checks both run, then serves
# `esolctl --json status` (as root, inside the device) on port 8080 for
# the host to see each change the browser makes, and waits for the host
# to say it is done (or 15 minutes); then the GUEST-RESULT line, and
# rc.run powers the device off.  A test fixture: never in a product image.
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok - $*"; }
nok() { failed=$((failed + 1)); echo "not ok - $*"; }
wait_for() { # SECONDS COMMAND...
	n=$(($1 * 4)); shift
	while [ $n -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.25; n=$((n - 1))
	done
	return 1
}
finish() {
	echo "GUEST-RESULT passed=$passed failed=$failed"
	exit 0
}

if wait_for 20 test -c /dev/printeng0; then ok "the print engine is registered (/dev/printeng0)"; else
	nok "no print engine"; lsmod; dmesg | grep -i -e printeng -e module | tail -n 20; fi
if wait_for 30 esolctl status; then ok "esold answers esolctl"; else
	nok "esold is not running"; tail -n 20 /var/log/messages; finish; fi
if wait_for 60 sh -c 'netstat -ltn | grep -q ":8443 "'; then
	ok "esol-webui listens on 8443"
else
	nok "esol-webui is not listening"; tail -n 30 /var/log/messages; finish
fi
user=$(ps -o user,args | awk '/[e]sol-webui/ { print $1; exit }')
if [ "$user" = esolweb ]; then ok "esol-webui runs as esolweb"; else nok "esol-webui runs as '$user'"; fi
if id esolweb | grep -q esoladm; then ok "esolweb is in esoladm"; else nok "esolweb groups: $(id esolweb)"; fi
echo "WEBUI-GUEST-READY"
mkdir -p /tmp/www/cgi-bin
cat > /tmp/www/cgi-bin/status <<'CGI'
#!/bin/sh
printf 'Content-Type: application/json\r\n\r\n'
esolctl --json status
CGI
# leak?SECRET: where the proxy password is, inside the device: esold's own
# credentials file (mode, owner) and nothing else -- no other file under
# /etc, /var, /run or /tmp, no status, no transmission log, no command line.
cat > /tmp/www/cgi-bin/leak <<'CGI'
#!/bin/sh
printf 'Content-Type: application/json\r\n\r\n'
needle=/tmp/leak-needle.$$
printf '%s\n' "$QUERY_STRING" > "$needle"
f=/var/lib/esol/proxy-credentials
ls=$(ls -ln "$f" 2>/dev/null)
hits=$(grep -rlF -f "$needle" /etc /var /run /tmp 2>/dev/null | grep -v -e "^$f\$" -e "^$needle\$" | tr '\n' ' ')
st=no; esolctl --json status | grep -qF -f "$needle" && st=yes
tx=no; esolctl --json log 100 | grep -qF -f "$needle" && tx=yes
cmd=no
for c in /proc/[0-9]*/cmdline; do
	tr '\0' ' ' < "$c" 2>/dev/null | grep -qF -f "$needle" && cmd=yes
done
rm -f "$needle"
printf '{"file":"%s","esol_uid":"%s","hits":"%s","status":"%s","txlog":"%s","cmdline":"%s"}\n' \
	"$ls" "$(id -u esol)" "$hits" "$st" "$tx" "$cmd"
CGI
cat > /tmp/www/cgi-bin/done <<'CGI'
#!/bin/sh
printf 'Content-Type: text/plain\r\n\r\n'
touch /tmp/webui-test-done
echo done
CGI
chmod 755 /tmp/www/cgi-bin/status /tmp/www/cgi-bin/done /tmp/www/cgi-bin/leak
httpd -p 8080 -h /tmp/www
n=0
while [ ! -e /tmp/webui-test-done ] && [ $n -lt 900 ]; do
	sleep 1
	n=$((n + 1))
done
[ -e /tmp/webui-test-done ] && ok "the host finished its browser test" || nok "the host never finished"
echo "esol-webui's log:"
grep esol-webui /var/log/messages | tail -n 40
finish
