#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
"""bench/agent_peer: the small HTTPS endpoints the peers of esold poll in
`make bench-agent` (bench/agent.sh): hawkBit DDI's base poll for SWUpdate's
suricatta, the Mender device API (authentication, next deployment,
inventory) for the Mender client, and a sink for collectd's write_http;
and, for bench/soak.sh, esol's POST /v1/poll answered with no action.

TLS like esol-server's: the server certificate of the bench PKI, client
certificates required and verified (the CA), OpenSSL's defaults (TLS 1.3),
a close_notify before every close, as TLS asks of both ends, and each
reply in one write with TCP_NODELAY, as esol-server and nginx send theirs.
The connection kind is chosen at run time by the first word of MODE_FILE,
read for every connection and every request:
  live     keep-alive, connections closed after IDLE seconds idle (30, as
           esol-server)
  resumed  "Connection: close" after every reply: the next poll opens a new
           connection and resumes the TLS session (one ticket per
           connection, as esol-server sends)
  full     as resumed, and every connection's ticket made under a ticket key
           of its own, which no later connection has: the client offers the
           ticket it holds, the server cannot resume it, a full handshake
           every time and a new (again useless) ticket; what esold meets
           against a restarted esol-server (a new ticket key)
  quiet    as live, and the hawkBit poll says "sleep an hour"
The hawkBit poll says "sleep --ddi-sleep seconds", in resumed mode
--ddi-sleep-resumed when given (agent.sh: the same idle before a resumed
poll as esold has).
Every request is logged to LOG as one line:
  <unix time> <port> <method> <path> <status> <reused 0|1> <mode>
"""
import argparse
import http.server
import json
import socket
import socketserver
import ssl
import sys
import time


def read_mode(path):
    try:
        with open(path, encoding="ascii") as f:
            w = f.read().split()
            return w[0] if w else "live"
    except OSError:
        return "live"


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, addr, args):
        super().__init__(addr, Handler)
        self.args = args
        self.ctx = self.new_ctx()
        self.log = open(args.log, "a", buffering=1, encoding="ascii")

    def new_ctx(self):
        """A server context; each has a ticket key of its own (OpenSSL)."""
        c = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        c.load_cert_chain(self.args.cert, self.args.key)
        c.load_verify_locations(self.args.client_ca)
        c.verify_mode = ssl.CERT_REQUIRED
        c.num_tickets = 1
        return c

    def shutdown_request(self, request):
        """Close as a TLS server should (RFC 8446, 6.1), as esol-server and
        nginx do: our close_notify, then the TCP close.  The client's own
        close_notify is waited for (up to a second), so that it does not
        meet a closed socket; socketserver alone only shuts TCP down."""
        try:
            request.settimeout(1.0)
            request.unwrap()
        except (ssl.SSLError, OSError, ValueError):
            pass
        super().shutdown_request(request)

    def get_request(self):
        sock, addr = self.socket.accept()
        mode = read_mode(self.args.mode_file)
        ctx = self.new_ctx() if mode == "full" else self.ctx
        return ctx.wrap_socket(sock, server_side=True,
                               do_handshake_on_connect=False), addr


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "bench-peer"
    sys_version = ""
    # A buffered writer: each reply, headers and body, leaves in one write
    # (one TLS record), as esol-server's and nginx's do; unbuffered,
    # http.server writes the headers and the body apart, a record and a
    # segment more per reply, the body held back by Nagle until the
    # client's delayed ACK.
    wbufsize = -1

    def setup(self):
        self.timeout = self.server.args.idle
        super().setup()
        # Nothing held back by Nagle, as nginx (tcp_nodelay on) and
        # esol-server (it uncorks the socket at each of its turns).
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            self.connection.do_handshake()
        except (ssl.SSLError, OSError):
            self.close_connection = True
            raise

    def log_message(self, fmt, *a):
        pass

    def reply(self, status, body=b"", ctype="application/json"):
        mode = read_mode(self.server.args.mode_file)
        self.send_response(status)
        if status != 204:
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
        if mode != "live":
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if body:
            self.wfile.write(body)
        self.wfile.flush()
        self.server.log.write("%.3f %d %s %s %d %d %s\n" % (
            time.time(), self.server.server_address[1], self.command,
            self.path.split("?")[0], status,
            1 if self.connection.session_reused else 0, mode))

    def body(self):
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            data = b""
            while True:
                n = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if n == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return data
                data += self.rfile.read(n)
                self.rfile.readline()
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def route(self):
        p = self.path.split("?")[0].rstrip("/")
        parts = p.split("/")
        self.body()
        # hawkBit DDI: GET /{tenant}/controller/v1/{controllerId}
        if (self.command == "GET" and len(parts) == 5 and
                parts[2] == "controller" and parts[3] == "v1"):
            mode = read_mode(self.server.args.mode_file)
            s = self.server.args.ddi_sleep
            if mode == "quiet":
                s = 3600
            elif mode == "resumed" and self.server.args.ddi_sleep_resumed:
                s = self.server.args.ddi_sleep_resumed
            doc = {"config": {"polling": {"sleep": "%02d:%02d:%02d" % (
                s // 3600, s // 60 % 60, s % 60)}}, "_links": {}}
            return self.reply(200, json.dumps(doc).encode())
        # Mender device API
        if p == "/api/devices/v1/authentication/auth_requests":
            return self.reply(200, self.server.args.mender_token.encode(),
                              "application/jwt")
        if p.startswith("/api/devices/v") and "/deployments/device/deployments/next" in p:
            return self.reply(204)
        if p.startswith("/api/devices/v1/inventory/device/attributes"):
            return self.reply(200)
        # esol's poll, for bench/soak.sh (the protocol's smallest reply)
        if p == "/v1/poll" and self.command == "POST":
            now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
            return self.reply(200, ('{"server_time":"%s","actions":[]}' % now).encode())
        # collectd write_http
        if p == "/collectd" and self.command == "POST":
            return self.reply(200)
        return self.reply(404, b'{"error":"not found"}')

    do_GET = do_POST = do_PUT = do_PATCH = route


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--listen", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--client-ca", required=True)
    ap.add_argument("--mode-file", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--idle", type=float, default=30.0)
    ap.add_argument("--ddi-sleep", type=int, default=5)
    # the hawkBit poll's sleep in "resumed" mode (0: --ddi-sleep)
    ap.add_argument("--ddi-sleep-resumed", type=int, default=0)
    ap.add_argument("--mender-token", default="")
    args = ap.parse_args()
    srv = Server((args.listen, args.port), args)
    with open(args.port_file + ".tmp", "w", encoding="ascii") as f:
        f.write("%d\n" % srv.server_address[1])
    import os
    os.rename(args.port_file + ".tmp", args.port_file)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
