#!/usr/bin/env python3
"""A TLS front for the mock provider, for the static agent's HTTPS tests.

    python3 tests/agent/tls_proxy.py --cert CERT --key KEY --upstream PORT \\
        --port-file FILE [--max-seconds 120]

Listens on 127.0.0.1 (an ephemeral port), terminates TLS with CERT and KEY
(PEM; CERT may hold the chain), and relays each connection's plaintext to
127.0.0.1:PORT, where mock_provider.py listens. Writes its port and a newline
to --port-file atomically once listening; exits 0 on SIGTERM/SIGINT or after
--max-seconds. Python 3 standard library only; nothing beyond loopback.
"""
import argparse
import os
import signal
import socket
import ssl
import sys
import threading


def pump(src, dst):
    """Copy until either side closes, then close both."""
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    finally:
        for s in (src, dst):
            try:
                s.close()
            except OSError:
                pass


def serve(conn, ctx, upstream):
    try:
        tls = ctx.wrap_socket(conn, server_side=True)
    except (ssl.SSLError, OSError) as e:
        # a client that refuses the certificate ends up here: expected in tests
        print(f"tls_proxy: handshake failed: {e}", file=sys.stderr, flush=True)
        conn.close()
        return
    try:
        up = socket.create_connection(("127.0.0.1", upstream))
    except OSError as e:
        print(f"tls_proxy: cannot reach the upstream: {e}", file=sys.stderr, flush=True)
        tls.close()
        return
    threading.Thread(target=pump, args=(up, tls), daemon=True).start()
    pump(tls, up)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--upstream", type=int, required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--max-seconds", type=float, default=120)
    a = ap.parse_args()

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(a.cert, a.key)
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", 0))
    ls.listen(64)

    def stop(*_):
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, a.max_seconds)

    tmp = a.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(f"{ls.getsockname()[1]}\n")
    os.rename(tmp, a.port_file)

    while True:
        conn, _ = ls.accept()
        threading.Thread(target=serve, args=(conn, ctx, a.upstream), daemon=True).start()


if __name__ == "__main__":
    main()
