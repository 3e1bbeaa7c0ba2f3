#!/usr/bin/env bash
# std.stream.src.db_rows_doc_v1 over PostgreSQL (docs/databases.md), against a throwaway cluster
# this script starts (initdb in a temp dir, as the `postgres` user when run as root, on a free
# loopback port, password auth) and stops at the end even on failure:
#  - the same rows in SQLite and PostgreSQL give the same items (x07-modules §3.3's example row);
#    PostgreSQL's own types (bool, int8, float8, numeric, bytea, unicode text, NULL) give the
#    documented bytes; `run` and a built executable give identical docs; `--allow-db` in the sandbox;
#  - connection refused and a wrong password: 53520; statement timeout: 53522; the server killed
#    in the middle of a query: 53523; nothing hangs (each run is bounded by `timeout`).
set -euo pipefail
sluice=${1:?sluice binary}; src=${2:?source dir}
pgbin=/usr/lib/postgresql/15/bin
[ -x "$pgbin/initdb" ] || { echo "db_postgres: $pgbin/initdb missing; run scripts/install-deps"; exit 1; }
tmp=$(mktemp -d)
chmod 755 "$tmp"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
started=
cleanup() {
  [ -n "$started" ] && as_pg "$pgbin/pg_ctl" -D "$tmp/pg" -m immediate stop > /dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
cd "$tmp"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
closed=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir pg sock && echo secret > pw
[ "$(id -u)" = 0 ] && chown postgres pg sock pw
as_pg "$pgbin/initdb" -D "$tmp/pg" -U sluice --auth=scram-sha-256 --pwfile="$tmp/pw" > initdb.log 2>&1 || { cat initdb.log; exit 1; }
as_pg "$pgbin/pg_ctl" -D "$tmp/pg" -l "$tmp/sock/pg.log" -w -t 20 \
  -o "-p $port -k $tmp/sock -c listen_addresses=127.0.0.1" start > /dev/null
started=1
uri="postgres://sluice:secret@127.0.0.1:$port/postgres"
psql() { PGCONNECT_TIMEOUT=5 "$pgbin/psql" -X -q -v ON_ERROR_STOP=1 "$uri" "$@"; }
psql -c "create table s (id integer, name text, note text); insert into s values (1, 'a', NULL);"
psql -c "create table p (b boolean, i bigint, f double precision, n numeric, y bytea, t text);
         insert into p values (true, -9223372036854775808, 1.5, 12.50, '\\x00ff41', 'héllo 日本');
         insert into p values (false, 42, 1e20, 0, '', '');
         insert into p values (NULL, NULL, NULL, NULL, NULL, NULL);"

pipe() {  # name uri sql [qcaps]
  local qcaps=${4:-'["std.db.sqlite.caps_default_v1"]'}
  cat > "$1.json" <<PIPE
["std.stream.pipe_v1",
  ["std.stream.cfg_v1", ["chunk_max_bytes", 65536], ["bufread_cap_bytes", 65536], ["max_in_bytes", 100000000],
   ["max_out_bytes", 100000000], ["max_items", 1000000]],
  ["std.stream.src.db_rows_doc_v1",
    ["std.stream.expr_v1", ["std.db.open_handle_v1", ["std.db.open_v1", ["bytes.lit", "$2"], $qcaps]]],
    ["std.stream.expr_v1", ["bytes.lit", "$3"]],
    ["std.stream.expr_v1", ["bytes.lit", ""]],
    ["std.stream.expr_v1", $qcaps]],
  ["std.stream.chain_v1", ["std.stream.xf.frame_u32le_v1"]],
  ["std.stream.sink.collect_bytes_v1"]]
PIPE
}
err7_code() { python3 -c 'import sys,struct; d=open(sys.argv[1],"rb").read(); assert d[0]==0 and struct.unpack_from("<I",d,1)[0]==7, d.hex(); print(struct.unpack("<I", d[-4:])[0])' "$1"; }

# ---- the same rows in SQLite and PostgreSQL ----
python3 "$src/tests/cli/db/oracle.py" make-spec spec.db
pipe lite spec.db 'select id, name, note from s'
pipe pg "$uri" 'select id, name, note from s'
timeout 30 "$sluice" run lite.json --world run-os --emit doc > lite.doc
timeout 30 "$sluice" run pg.json --world run-os --emit doc > pg.doc
cmp lite.doc pg.doc || { echo "SQLite and PostgreSQL docs differ"; xxd lite.doc; xxd pg.doc; exit 1; }
# PostgreSQL's types, as docs/databases.md says: bool "1"/"0", numbers as PostgreSQL prints them,
# bytea as its raw bytes, NULL as null.
pipe types "$uri" 'select b, i, f, n, y, t from p order by i nulls last'
timeout 30 "$sluice" run types.json --world run-os --emit payload > types.run
python3 - types.run <<'PY'
import struct, sys
def s(b): return struct.pack("<I", len(b)) + b
num = lambda t: b"\x02" + s(t)
txt = lambda t: b"\x03" + s(t)
rows = [
    [num(b"1"), num(b"-9223372036854775808"), num(b"1.5"), num(b"12.50"), txt(b"\x00\xffA"), txt("héllo 日本".encode())],
    [num(b"0"), num(b"42"), num(b"1e+20"), num(b"0"), txt(b""), txt(b"")],
    [b"\x00"] * 6,
]
want = b"".join(s(b"\x04" + struct.pack("<I", 6) + b"".join(r)) for r in rows)
got = open(sys.argv[1], "rb").read()
assert got == want, (got.hex(), want.hex())
PY
"$sluice" run types.json --world run-os --emit doc > types.run.doc
"$sluice" build types.json --world run-os -o types.exe --cache-dir "$tmp/cache" > /dev/null
timeout 30 ./types.exe --emit doc > types.exe.doc
cmp types.run.doc types.exe.doc || { echo "PostgreSQL: run and build docs differ"; exit 1; }
# The sandbox: denied (53249) unless --allow-db names the server.
s=0; timeout 30 "$sluice" run pg.json --world run-os-sandboxed --emit doc > denied.doc || s=$?
[ "$s" = 3 ] && [ "$(err7_code denied.doc)" = 53249 ] || { echo "sandbox: exit $s"; exit 1; }
timeout 30 "$sluice" run pg.json --world run-os-sandboxed --allow-db "postgres://127.0.0.1:$port" --emit doc > allowed.doc
cmp allowed.doc pg.doc
echo "PostgreSQL: same items as SQLite; bool/int8/float8/numeric/bytea/text/NULL as documented; run = build; --allow-db"

# ---- sluice.stream.sink.db_exec_v1 into PostgreSQL: copy a SQLite table; a failing batch rolls back ----
python3 -c 'import sqlite3; d=sqlite3.connect("src.db"); d.execute("create table t (id integer, name text, v real)")
d.executemany("insert into t values (?,?,?)", [(1,"a",1.5),(2,"b",None),(3,"c\u00e9",-2.0),(4,"d",1e20),(5,None,0.0),(6,"f",3.25),(7,"g",7.0)]); d.commit()'
psql -c "create table c (id integer primary key, name text not null, v double precision);
         create table c2 (id integer primary key, name text not null, v double precision);"
exec_pipe() {  # name src-sql table batch
  cat > "$1.json" <<PIPE
["std.stream.pipe_v1", ["std.stream.cfg_v1", ["chunk_max_bytes", 65536], ["bufread_cap_bytes", 65536], ["max_in_bytes", 100000000], ["max_out_bytes", 100000000], ["max_items", 100000000]],
  ["std.stream.src.db_rows_doc_v1",
    ["std.stream.expr_v1", ["std.db.open_handle_v1", ["std.db.open_v1", ["bytes.lit", "src.db"], ["std.db.sqlite.caps_default_v1"]]]],
    ["std.stream.expr_v1", ["bytes.lit", "$2"]], ["std.stream.expr_v1", ["bytes.lit", ""]],
    ["std.stream.expr_v1", ["std.db.sqlite.caps_default_v1"]]],
  ["std.stream.chain_v1"],
  ["sluice.stream.sink.db_exec_v1",
    ["std.stream.expr_v1", ["std.db.open_handle_v1", ["std.db.open_v1", ["bytes.lit", "$uri"], ["std.db.sqlite.caps_default_v1"]]]],
    ["std.stream.expr_v1", ["bytes.lit", "insert into $3 (id, name, v) values (\$1, \$2, \$3)"]],
    ["batch_rows", $4]]]
PIPE
}
exec_pipe copy 'select id, name, v from t where name is not null order by id' c2 4
timeout 30 "$sluice" run copy.json --world run-os --emit payload > copy.payload
python3 - copy.payload <<'PY'
import sys
d = open(sys.argv[1], "rb").read()
# {last_insert_id: 0, rows_affected: 6}: PostgreSQL has no last insert id.
want = bytes([1, 5]) + (2).to_bytes(4, "little") + (14).to_bytes(4, "little") + b"last_insert_id" + b"\x02" + (1).to_bytes(4, "little") + b"0" \
     + (13).to_bytes(4, "little") + b"rows_affected" + b"\x02" + (1).to_bytes(4, "little") + b"6"
assert d == want, d.hex()
PY
got=$(psql -At -F'|' -c "select id, name, v from c2 order by id")
want=$(python3 -c 'import sqlite3; d=sqlite3.connect("src.db")
for i,n,v in d.execute("select id, name, v from t where name is not null order by id"): print("%d|%s|%s" % (i, n, "" if v is None else ("%g" % v if abs(v) >= 1e15 else repr(v).rstrip("0").rstrip("."))))')
[ "$got" = "$want" ] || { echo "copy into PostgreSQL differs:"; echo "$got"; echo "--- want"; echo "$want"; exit 1; }
# Row 5 (name NULL) violates NOT NULL in the 3rd batch of 2: batches 1-2 stay, the 3rd rolls back.
exec_pipe fail 'select id, name, v from t order by id' c 2
s=0; timeout 30 "$sluice" run fail.json --world run-os --emit doc > fail.doc || s=$?
[ "$s" = 3 ] || { echo "failing batch: exit $s, not 3"; exit 1; }
python3 -c 'import sys,struct; d=open(sys.argv[1],"rb").read(); code,item,committed=struct.unpack("<III", d[-12:])
assert (code,item,committed)==(53521,4,4), (code,item,committed)' fail.doc
[ "$(psql -At -c 'select string_agg(id::text, $$,$$ order by id) from c')" = "1,2,3,4" ] || { echo "rollback: c holds $(psql -At -c 'select count(*) from c') rows"; exit 1; }
echo "db_exec_v1 into PostgreSQL: 6 rows copied from SQLite (prepared, \$1..), exec doc; a NOT NULL failure rolls back its batch (53521, item 4, 4 committed)"

# ---- failures: each its code, none hangs ----
check_err() {  # name uri sql code [qcaps]
  pipe "$1" "$2" "$3" "${5:-}"
  local s=0
  timeout 30 "$sluice" run "$1.json" --world run-os --emit doc > "$1.doc" || s=$?
  [ "$s" = 3 ] || { echo "$1: exit $s, not 3"; exit 1; }
  [ "$(err7_code "$1.doc")" = "$4" ] || { echo "$1: code $(err7_code "$1.doc"), not $4"; exit 1; }
}
check_err refused "postgres://sluice:secret@127.0.0.1:$closed/postgres" 'select 1' 53520
check_err badpass "postgres://sluice:wrong@127.0.0.1:$port/postgres" 'select 1' 53520
check_err badsql "$uri" 'select * from nope' 53521
check_err timeout "$uri" 'select pg_sleep(10)' 53522 '["std.db.spec.caps_pack_v1", 0, 300, 0, 0]'
# Killed mid-query: the server stops (immediate) while a query runs.
pipe killed "$uri" 'select pg_sleep(20)'
s=0
( timeout 30 "$sluice" run killed.json --world run-os --emit doc > killed.doc ) & runner=$!
for _ in $(seq 100); do
  [ "$(psql -At -c "select count(*) from pg_stat_activity where query like 'select pg_sleep(20)%'")" = 1 ] && break
  sleep 0.1
done
as_pg "$pgbin/pg_ctl" -D "$tmp/pg" -m immediate stop > /dev/null
started=
wait "$runner" || s=$?
[ "$s" = 3 ] || { echo "killed: exit $s, not 3"; exit 1; }
[ "$(err7_code killed.doc)" = 53523 ] || { echo "killed: code $(err7_code killed.doc)"; exit 1; }
echo "PostgreSQL failures: refused 53520, wrong password 53520, bad SQL 53521, statement timeout 53522, server killed 53523"
