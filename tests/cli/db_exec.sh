#!/usr/bin/env bash
# sluice.stream.sink.db_exec_v1 (docs/databases.md) over SQLite:
#  - db_rows_doc_v1 → db_exec_v1 copies a table of every type: reading the copy back gives the same
#    doc as reading the original (run and a built executable), and the OK payload is the exec doc
#    summed over the run;
#  - a row failing a constraint in the 3rd batch rolls that batch back and keeps the two before:
#    ERR 7 with payload (code 53506, item index, rows committed), and the table holds exactly the
#    committed rows.
set -euo pipefail
sluice=${1:?sluice binary}; src=${2:?source dir}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
python3 "$src/tests/cli/db/oracle.py" make-types src.db
mkdst() { rm -f "$1"; python3 -c 'import sqlite3, sys; d = sqlite3.connect(sys.argv[1]); d.execute("create table t (id integer primary key, i integer, r real, s text, b blob)"); d.commit()' "$1"; }
cfg='["std.stream.cfg_v1", ["chunk_max_bytes", 65536], ["bufread_cap_bytes", 65536], ["max_in_bytes", 2000000000], ["max_out_bytes", 2000000000], ["max_items", 2000000000]]'
source_of() {  # db sql
  echo "[\"std.stream.src.db_rows_doc_v1\",
    [\"std.stream.expr_v1\", [\"std.db.open_handle_v1\", [\"std.db.open_v1\", [\"bytes.lit\", \"$1\"], [\"std.db.sqlite.caps_default_v1\"]]]],
    [\"std.stream.expr_v1\", [\"bytes.lit\", \"$2\"]], [\"std.stream.expr_v1\", [\"bytes.lit\", \"\"]],
    [\"std.stream.expr_v1\", [\"std.db.sqlite.caps_default_v1\"]]]"
}
copy_pipe() {  # name src-sql dst batch
  cat > "$1.json" <<PIPE
["std.stream.pipe_v1", $cfg,
  $(source_of src.db "$2"),
  ["std.stream.chain_v1"],
  ["sluice.stream.sink.db_exec_v1",
    ["std.stream.expr_v1", ["std.db.open_handle_v1", ["std.db.sqlite.open_v1", ["bytes.lit", "$3"], 0, ["std.db.sqlite.caps_default_v1"]]]],
    ["std.stream.expr_v1", ["bytes.lit", "insert into t (id, i, r, s, b) values (?, ?, ?, ?, ?)"]],
    ["batch_rows", $4]]]
PIPE
}
read_pipe() {  # name db
  cat > "$1.json" <<PIPE
["std.stream.pipe_v1", $cfg, $(source_of "$2" "select id, i, r, s, b from t order by id"),
  ["std.stream.chain_v1", ["std.stream.xf.frame_u32le_v1"]], ["std.stream.sink.collect_bytes_v1"]]
PIPE
}

# ---- a copy, by run and by a built executable ----
sql='select id, i, r, s, b from t order by id'
copy_pipe copy "$sql" dst.db 4
mkdst dst.db
"$sluice" run copy.json --world run-os --emit payload > copy.payload
# The exec doc: {last_insert_id: "11", rows_affected: "11"} (x07-modules §3.3).
expected=$(python3 -c 'import struct
def s(b): return struct.pack("<I", len(b)) + b
n = lambda t: b"\x02" + s(t)
print((b"\x01\x05" + struct.pack("<I", 2) + s(b"last_insert_id") + n(b"11") + s(b"rows_affected") + n(b"11")).hex())')
[ "$(xxd -p copy.payload | tr -d '\n')" = "$expected" ] || { echo "copy payload: $(xxd -p copy.payload)"; exit 1; }
read_pipe readsrc src.db; read_pipe readdst dst.db
"$sluice" run readsrc.json --world run-os --emit doc > src.doc
"$sluice" run readdst.json --world run-os --emit doc > dst.doc
cmp src.doc dst.doc || { echo "the copy reads back differently"; exit 1; }
"$sluice" build copy.json --world run-os -o copy.exe --cache-dir "$tmp/cache" > /dev/null
mkdst dst.db
./copy.exe --emit payload > copy.exe.payload
cmp copy.payload copy.exe.payload || { echo "copy: run and build payloads differ"; exit 1; }
"$sluice" run readdst.json --world run-os --emit doc > dst2.doc
cmp src.doc dst2.doc || { echo "the built copy reads back differently"; exit 1; }
echo "copy: 11 rows of every type, run = build, reads back identical"

# ---- rollback: id 9 already in the target fails the 3rd batch (items 8..10, batch_rows 4) ----
mkdst dst.db
python3 -c 'import sqlite3; d = sqlite3.connect("dst.db"); d.execute("insert into t (id) values (9)"); d.commit()'
copy_pipe fail "$sql" dst.db 4
s=0; "$sluice" run fail.json --world run-os --emit doc > fail.doc || s=$?
[ "$s" = 3 ] || { echo "rollback: exit $s, not 3"; exit 1; }
python3 - fail.doc <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
assert d[0] == 0 and struct.unpack_from("<I", d, 1)[0] == 7, d.hex()
code, index, committed = struct.unpack("<III", d[-12:])
assert (code, index, committed) == (53506, 8, 8), (code, index, committed)
PY
rows=$(python3 -c 'import sqlite3; print(",".join(str(r[0]) for r in sqlite3.connect("dst.db").execute("select id from t order by id")))')
[ "$rows" = "1,2,3,4,5,6,7,8,9" ] || { echo "after rollback: $rows"; exit 1; }
echo "rollback: ERR 7 (53506, item 8, 8 committed); batches 1-2 kept, batch 3 rolled back"
