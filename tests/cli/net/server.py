#!/usr/bin/env python3
"""Loopback TCP servers for tests/cli/net.sh. Binds 127.0.0.1:0 (or --port), writes the port to
PORTFILE, then serves each connection in a thread of its own in MODE until killed (the test's
trap) or until --max-conns connections were accepted. Every wait is bounded, so a test never hangs
on this server.

modes:
  send FILE    send FILE's bytes, then close (the client's data is ignored)
  collect OUT  append everything received to OUT until the client closes
  reset FILE   send the first half of FILE, then reset the connection (RST)
  stall FILE   send FILE's bytes, then keep the connection open without sending (for --hold s)
  slow FILE    accept each connection only --delay s after it is pending in the backlog (the
               kernel completes the client's connect meanwhile, so the client waits in its first
               read), then send FILE's bytes and close
"""
import argparse, os, select, socket, struct, sys, threading, time

p = argparse.ArgumentParser()
p.add_argument("mode")
p.add_argument("arg", nargs="?")
p.add_argument("--portfile", required=True)
p.add_argument("--max-conns", type=int, default=50)
p.add_argument("--hold", type=float, default=5.0)
p.add_argument("--port", type=int, default=0)
p.add_argument("--delay", type=float, default=0.0)
a = p.parse_args()

srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", a.port))
srv.listen(16)
tmp = a.portfile + ".tmp"
with open(tmp, "w") as f:
    f.write(str(srv.getsockname()[1]))
os.rename(tmp, a.portfile)
srv.settimeout(120)  # no client for two minutes: the test is gone

data = open(a.arg, "rb").read() if a.mode in ("send", "reset", "stall", "slow") else b""
lock = threading.Lock()  # collect: one connection's bytes at a time into OUT


def serve(c):
    c.settimeout(30)
    try:
        if a.mode in ("send", "slow"):
            c.sendall(data)
        elif a.mode == "collect":
            got = []
            while True:
                b = c.recv(65536)
                if not b:
                    break
                got.append(b)
            with lock, open(a.arg, "ab") as out:
                out.write(b"".join(got))
        elif a.mode == "reset":
            c.sendall(data[: len(data) // 2])
            time.sleep(0.2)
            c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        elif a.mode == "stall":
            c.sendall(data)
            time.sleep(a.hold)
    except OSError:
        pass
    finally:
        c.close()


for _ in range(a.max_conns):
    if a.mode == "slow":
        if not select.select([srv], [], [], 120)[0]:
            break
        time.sleep(a.delay)
    try:
        c, _ = srv.accept()
    except socket.timeout:
        break
    threading.Thread(target=serve, args=(c,), daemon=True).start()
