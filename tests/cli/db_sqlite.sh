#!/usr/bin/env bash
# std.stream.src.db_rows_doc_v1 over SQLite (docs/databases.md), against an independent oracle
# (tests/cli/db/oracle.py: Python's sqlite3 reads, the oracle encodes DataModel by hand):
#  - every SQLite type, NULL, unicode, blobs, REAL laid out as ryu: run and a built executable give
#    identical docs, and the framed rows are the oracle's bytes;
#  - x07-modules §3.3's example row is exactly its 18 bytes;
#  - the connection is a run-time argument: `sluice build` opens no database (the file may not
#    even exist yet), the executable opens it on each run;
#  - errors: bad SQL, a missing table, a missing file, a write on the read-only facade, a locked
#    database, max_rows (at the limit and one past it): ERR 7 with the DataModel code; a non-OS world is a diagnostic; the
#    sandboxed world denies (53249) unless --allow-db allows;
#  - 1,000,000 rows stream in flat memory (peak RSS within a bound of a 10,000-row run).
set -euo pipefail
sluice=${1:?sluice binary}; src=${2:?source dir}
tmp=$(mktemp -d)
holder=
cleanup() { [ -n "$holder" ] && kill "$holder" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
here=$src/tests/cli/db
oracle() { python3 "$here/oracle.py" "$@"; }
cd "$tmp"

# A pipe: rows of SQL over DB → frame_u32le → collect. $3: extra cfg/qcaps (default caps).
pipe() {  # name db sql [qcaps-expr] [open-expr]
  local qcaps=${4:-'["std.db.sqlite.caps_default_v1"]'}
  local open=${5:-"[\"std.db.open_v1\", [\"bytes.lit\", \"$2\"], [\"std.db.sqlite.caps_default_v1\"]]"}
  cat > "$1.json" <<PIPE
["std.stream.pipe_v1",
  ["std.stream.cfg_v1", ["chunk_max_bytes", 65536], ["bufread_cap_bytes", 65536], ["max_in_bytes", 2000000000],
   ["max_out_bytes", 2000000000], ["max_items", 2000000000]],
  ["std.stream.src.db_rows_doc_v1",
    ["std.stream.expr_v1", ["std.db.open_handle_v1", $open]],
    ["std.stream.expr_v1", ["bytes.lit", "$3"]],
    ["std.stream.expr_v1", ["std.db.params.empty_v1"]],
    ["std.stream.expr_v1", $qcaps]],
  ["std.stream.chain_v1", ["std.stream.xf.frame_u32le_v1"]],
  ["std.stream.sink.collect_bytes_v1"]]
PIPE
}
# The ERR doc of ERR 7 with DataModel code $1: 00, u32 7, msg "stream:db_query_failed", payload u32 code.
err7_code() { python3 -c 'import sys,struct; d=open(sys.argv[1],"rb").read(); assert d[0]==0, "not an ERR doc"; c=struct.unpack_from("<I",d,1)[0]; assert c==7, "ERR %d, not 7" % c; print(struct.unpack("<I", d[-4:])[0])' "$1"; }

# ---- types: run and build against the oracle ----
oracle make-types types.db
sql='select id, i, r, s, b from t order by id'
pipe types types.db "$sql"
"$sluice" run types.json --world run-os --emit payload > types.run
oracle frames types.db "$sql" types.expected
cmp types.run types.expected || { echo "types: run payload differs from the oracle"; xxd types.run | head -20; xxd types.expected | head -20; exit 1; }
"$sluice" run types.json --world run-os --emit doc > types.run.doc
"$sluice" plan types.json --world run-os | grep -q 'conn=(at run time)' || { echo "plan does not show the run-time argument"; "$sluice" plan types.json --world run-os; exit 1; }
# build opens no database: build against a path that does not exist yet, then create it.
pipe late late.db "$sql"
# One executable (built for the sandbox, to keep the test short) serves the --allow-db checks below.
"$sluice" build late.json --world run-os-sandboxed -o late.exe --cache-dir "$tmp/cache" > /dev/null
[ ! -e late.db ] || { echo "sluice build created the database"; exit 1; }
cp types.db late.db
./late.exe --allow-db sqlite:late.db --emit doc > late.exe.doc
cmp types.run.doc late.exe.doc || { echo "types: run and built executable docs differ"; exit 1; }
# Each run of the executable opens its own connection: the database changed, so does the doc.
python3 -c 'import sqlite3; d=sqlite3.connect("late.db"); d.execute("insert into t values (12, 1, 1.0, \"new\", null)"); d.commit()'
./late.exe --allow-db sqlite:late.db --emit payload > late2.run
oracle frames late.db "$sql" late2.expected
cmp late2.run late2.expected || { echo "the executable did not see the changed database"; exit 1; }
echo "types: 11 rows of every SQLite type: run = build = oracle; build opened no database"

# ---- x07-modules §3.3's example: the item is exactly 04 03000000 02 01000000 31 03 01000000 61 00 ----
oracle make-spec spec.db
pipe spec spec.db 'select id, name, note from s'
"$sluice" run spec.json --world run-os --emit payload | xxd -p | tr -d '\n' > spec.hex
[ "$(cat spec.hex)" = "12000000""040300000002010000003103010000006100" ] || { echo "spec row: $(cat spec.hex)"; exit 1; }

# ---- ext.data_model builders make the params_doc (number 1, string "a"); readers in a stage function; run = build ----
cp spec.db dm.db
python3 -c 'import sqlite3; d=sqlite3.connect("dm.db"); d.execute("insert into s values (2, \"b\", null)"); d.execute("insert into s values (1, \"z\", null)"); d.commit()'
cat > dm.json <<'PIPE'
["std.stream.pipe_v1",
  ["std.stream.cfg_v1", ["chunk_max_bytes", 65536], ["bufread_cap_bytes", 65536], ["max_in_bytes", 1000000],
   ["max_out_bytes", 1000000], ["max_items", 1000]],
  ["std.stream.src.db_rows_doc_v1",
    ["std.stream.expr_v1", ["std.db.open_handle_v1", ["std.db.open_v1", ["bytes.lit", "dm.db"], ["std.db.sqlite.caps_default_v1"]]]],
    ["std.stream.expr_v1", ["bytes.lit", "select id, name, note from s where id = ? and name = ? order by id, name"]],
    ["std.stream.expr_v1",
      ["begin",
        ["let", "n", ["ext.data_model.value_number", ["bytes.lit", "1"]]],
        ["let", "s", ["ext.data_model.value_string", ["bytes.lit", "a"]]],
        ["let", "elems", ["bytes.concat", ["codec.write_u32_le", 2],
          ["bytes.concat", ["bytes.concat", ["codec.write_u32_le", ["view.len", "n"]], "n"],
                           ["bytes.concat", ["codec.write_u32_le", ["view.len", "s"]], "s"]]]],
        ["ext.data_model.doc_ok", ["ext.data_model.value_seq_from_elems", "elems"]]]],
    ["std.stream.expr_v1", ["std.db.sqlite.caps_default_v1"]]],
  ["std.stream.chain_v1", ["std.stream.xf.frame_u32le_v1"]],
  ["std.stream.sink.collect_bytes_v1"]]
PIPE
"$sluice" run dm.json --world run-os --emit payload | xxd -p | tr -d '\n' > dm.hex
[ "$(cat dm.hex)" = "12000000""040300000002010000003103010000006100" ] || { echo "data_model params: run gave $(cat dm.hex)"; exit 1; }
# The readers and builders inside a stage function, interpreted and compiled: each row item is
# read with seq_get/number_get/string_get/kind_at/skip_value and rebuilt through a map.
sed -e 's/where id = ? and name = ?/where id = ? or name <> ?/' -e 's/"std.stream.xf.frame_u32le_v1"/"std.stream.xf.map_bytes_v1", ["std.stream.fn_v1", "dm.row_text"]], ["std.stream.xf.frame_u32le_v1"/' dm.json > dmfn.json
# (One built executable for both: the params_doc, a pure expression, is a constant in either.)
"$sluice" run dmfn.json --module "$here/dm.x07.json" --world run-os --emit payload > dmfn.run
python3 -c 'import struct,sys; d=open(sys.argv[1],"rb").read(); out=[]
while d: n=struct.unpack_from("<I",d)[0]; out.append(d[4:4+n].decode()); d=d[4+n:]
assert out==["1:a;ok","1:z;ok","2:b;ok"], out' dmfn.run || { echo "data_model readers in a stage function: wrong rows"; exit 1; }
"$sluice" build dmfn.json --module "$here/dm.x07.json" --world run-os -o dmfn.exe --cache-dir "$tmp/cache" > /dev/null
./dmfn.exe --emit payload > dmfn.exe.out
cmp dmfn.run dmfn.exe.out || { echo "data_model readers: run and built executable differ"; exit 1; }
"$sluice" run dmfn.json --module "$here/dm.x07.json" --world run-os --emit doc > dmfn.run.doc
./dmfn.exe --emit doc > dmfn.exe.doc
cmp dmfn.run.doc dmfn.exe.doc || { echo "data_model: run and built executable docs differ"; exit 1; }
echo "data_model: a params_doc built with ext.data_model selects the matching rows; readers and builders in a stage function; run = build"

# ---- errors: ERR 7 with the DataModel code, same in run and build ----
check_err() {  # name db sql code [world]
  pipe "$1" "$2" "$3"
  local world=${5:-run-os} s=0
  "$sluice" run "$1.json" --world "$world" --emit doc > "$1.doc" || s=$?
  [ "$s" = 3 ] || { echo "$1: exit $s, not 3"; exit 1; }
  [ "$(err7_code "$1.doc")" = "$4" ] || { echo "$1: code $(err7_code "$1.doc"), not $4"; exit 1; }
}
check_err badsql types.db 'selec nothing' 53505
check_err notable types.db 'select * from nope' 53505
check_err nofile missing.db 'select 1' 53504
check_err readonly types.db 'insert into t (id) values (99)' 53506
# max_rows 3: the first 3 rows stream, the 4th fails the query (53760 TOO_LARGE).
pipe maxrows types.db "$sql" '["std.db.spec.caps_pack_v1", 0, 0, 3, 0]'
s=0; "$sluice" run maxrows.json --world run-os --emit doc > maxrows.doc || s=$?
[ "$s" = 3 ] && [ "$(err7_code maxrows.doc)" = 53760 ] || { echo "max_rows: exit $s"; exit 1; }
# ... and 4 rows is not too many.
pipe maxrows4 types.db 'select id from t order by id limit 4' '["std.db.spec.caps_pack_v1", 0, 0, 4, 0]'
"$sluice" run maxrows4.json --world run-os --emit payload > /dev/null
# A database locked by another process: the statement fails at once (query timeout 0) with
# SQLITE_BUSY, never hangs.
python3 - types.db > holder.out <<'PY' &
import sqlite3, sys, time
d = sqlite3.connect(sys.argv[1], isolation_level=None)
d.execute("begin exclusive")
print("locked", flush=True)
time.sleep(30)
PY
holder=$!
for _ in $(seq 100); do grep -q locked holder.out 2>/dev/null && break; sleep 0.1; done
s=0; timeout 20 "$sluice" run types.json --world run-os --emit doc > locked.doc || s=$?
kill "$holder"; wait "$holder" 2>/dev/null || true; holder=
[ "$s" = 3 ] || { echo "locked: exit $s"; exit 1; }
code=$(err7_code locked.doc); case $code in 53505|53506) ;; *) echo "locked: code $code"; exit 1;; esac
# Worlds: db needs an OS world; run-os-sandboxed denies unless --allow-db names the database.
s=0; "$sluice" check types.json --world solve-fs > world.out 2>&1 || s=$?
[ "$s" = 1 ] && grep -q 'requires an OS world' world.out || { echo "solve-fs: exit $s"; cat world.out; exit 1; }
check_err denied types.db 'select 1' 53249 run-os-sandboxed
"$sluice" run types.json --world run-os-sandboxed --allow-db sqlite:types.db --emit payload > allowed.run
cmp allowed.run types.expected || { echo "--allow-db: payload differs"; exit 1; }
s=0; ./late.exe --emit doc > sandboxed.doc || s=$?
[ "$s" = 3 ] && [ "$(err7_code sandboxed.doc)" = 53249 ] || { echo "built sandboxed: exit $s"; exit 1; }
s=0; ./late.exe --allow-db sqlite:types.db --emit doc > sandboxed.doc || s=$?  # allows another file only
[ "$s" = 3 ] && [ "$(err7_code sandboxed.doc)" = 53249 ] || { echo "built, other --allow-db: exit $s"; exit 1; }
echo "errors: bad SQL, missing table 53505; missing file 53504; read-only write 53506; locked $code; max_rows 53760 after 3 rows; sandbox 53249 unless --allow-db"

# ---- 1,000,000 rows in flat memory ----
oracle make-big big.db 1000000
peak() {  # rows → peak RSS (KiB) of a run hashing that many rows
  cat > "big$1.json" <<PIPE
["std.stream.pipe_v1",
  ["std.stream.cfg_v1", ["chunk_max_bytes", 65536], ["bufread_cap_bytes", 65536], ["max_in_bytes", 2000000000],
   ["max_out_bytes", 2000000000], ["max_items", 2000000000]],
  ["std.stream.src.db_rows_doc_v1",
    ["std.stream.expr_v1", ["std.db.open_handle_v1", ["std.db.open_v1", ["bytes.lit", "big.db"], ["std.db.sqlite.caps_default_v1"]]]],
    ["std.stream.expr_v1", ["bytes.lit", "select id, name from big where id < $1"]],
    ["std.stream.expr_v1", ["bytes.lit", ""]],
    ["std.stream.expr_v1", ["std.db.sqlite.caps_default_v1"]]],
  ["std.stream.chain_v1"],
  ["std.stream.sink.hash_fnv1a32_v1"]]
PIPE
  python3 - "$sluice" "big$1.json" <<'PY'
import resource, subprocess, sys
out = subprocess.run([sys.argv[1], "run", sys.argv[2], "--world", "run-os", "--emit", "json"], capture_output=True, check=True).stdout
assert b'"ok":true' in out, out
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, out.decode().split('"items_in":')[1].split(",")[0])
PY
}
read -r small small_items < <(peak 10000)
read -r large large_items < <(peak 1000000)
[ "$small_items" = 10000 ] && [ "$large_items" = 1000000 ] || { echo "items: $small_items $large_items"; exit 1; }
# A query doc of 1,000,000 rows would be ~30 MB; streaming keeps the difference to noise.
[ $((large - small)) -lt 8192 ] || { echo "peak RSS grew from $small KiB (10k rows) to $large KiB (1M rows)"; exit 1; }
echo "1,000,000 rows: peak RSS $large KiB vs $small KiB for 10,000 rows"
