#!/usr/bin/env python3
"""bench/net/run.sh's sender: serves FILE to every connection on 127.0.0.1 (ephemeral port, written
to PORTFILE) with sendfile(2), so the sender costs little CPU next to the reader it feeds."""
import os, socket, sys, threading

path, portfile = sys.argv[1], sys.argv[2]
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0))
srv.listen(8)
with open(portfile + ".tmp", "w") as f:
    f.write(str(srv.getsockname()[1]))
os.rename(portfile + ".tmp", portfile)


def serve(c):
    with c, open(path, "rb") as f:
        c.sendfile(f)


while True:
    c, _ = srv.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
