#!/bin/sh
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# Provision a device image as a factory would, into a payload directory
# for scripts/mkimage.sh --payload: the server's URL, the CA that signs
# it, the device's own certificate and key (PKI from scripts/mkpki.sh),
# and esold's state saying today's poll is done (so a test drives the
# polls with esolctl poll-now, and the daily one stays out of the way).
#
# Usage: provision.sh PAYLOAD PKI SERVER_URL [INI-LINE...]
# (make demo, check-device, check-systemd, the webui browser test, torture)
#   INI-LINE   more lines appended to esold.conf (e.g. "[control]"
#              "group = esoladm")
# Files are written mode 0640 (key, config) in 0750 directories; the
# caller gives them to esold's user (its uid differs between images).
set -eu
[ $# -ge 3 ] || { echo "usage: provision.sh PAYLOAD PKI SERVER_URL [INI-LINE...]" >&2; exit 2; }
P=$1 pki=$2 url=$3
shift 3
mkdir -p "$P/etc/esol" "$P/var/lib/esol"
cp "$pki/ca.crt" "$pki/device.crt" "$pki/device.key" "$P/etc/esol/"
{
	cat <<CONF
[agent]
enabled = true
log_level = info
[server]
url = $url
ca_file = /etc/esol/ca.crt
client_cert = /etc/esol/device.crt
client_key = /etc/esol/device.key
[schedule]
poll_time = 03:00
time_zone = UTC
spread_minutes = 0
CONF
	for l in "$@"; do echo "$l"; done
} > "$P/etc/esol/esold.conf"
printf '{"version":1,"supplies_enabled":false,"supplies_interval_s":0,"supplies_last_sent":0,"last_poll":%s,"last_poll_ok":0}\n' \
	"$(date +%s)" > "$P/var/lib/esol/state.json"
chmod 0750 "$P/etc/esol" "$P/var/lib/esol"
chmod 0640 "$P/etc/esol/esold.conf" "$P/etc/esol/device.key" "$P/var/lib/esol/state.json"
