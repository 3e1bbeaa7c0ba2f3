#!/usr/bin/env bash
# Stream plugins from the command line (docs/plugins.md):
#  - the worked example (plugins/examples/upper_ascii): --plugin with a C source, through `run`
#    and through a built executable, byte-identical docs; the registry is found next to the pipe;
#  - without --plugin the stage's symbol is missing: a diagnostic at the stage, exit 1;
#  - plan text and JSON show the plugin id, its registry entry and the cfg bytes;
#  - broken registries (malformed, unsorted, duplicate, missing spec, spec mismatch, embedded
#    conflict): a diagnostic at file:line:column each, never a run;
#  - a plugin that breaks the ABI (negative return, INT32_MIN, bad descriptor, trap): the right
#    ERR doc with P16 or a trap, and a file sink leaves no file behind.
set -euo pipefail
sluice=${1:?sluice binary}; src=${2:?source dir}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ex=$src/plugins/examples/upper_ascii
cache=(--cache-dir "$tmp/cache")

# 1. the worked example through both backends
doc_run=$("$sluice" run "$ex/shout_lines.json" --plugin "$ex/upper_ascii.c" --emit doc | xxd -p | tr -d '\n')
expected_payload=$(printf '\x06\x00\x00\x00HELLO!\x06\x00\x00\x00WORLD!\x08\x00\x00\x00PLUGINS!' | xxd -p | tr -d '\n')
[[ $doc_run == *"$expected_payload" ]] || { echo "unexpected run doc $doc_run"; exit 1; }
"$sluice" build "$ex/shout_lines.json" --plugin "$ex/upper_ascii.c" -o "$tmp/shout" "${cache[@]}"
doc_exe=$("$tmp/shout" --emit doc | xxd -p | tr -d '\n')
[ "$doc_run" = "$doc_exe" ] || { echo "run and build differ: $doc_run vs $doc_exe"; exit 1; }
echo "example plugin: run and build agree"

# 2. no --plugin: the symbol is missing, at the stage
set +e
out=$("$sluice" check "$ex/shout_lines.json" 2>&1); rc=$?
set -e
[ $rc -eq 1 ] || { echo "check without --plugin: exit $rc"; exit 1; }
grep -q 'shout_lines.json:11:5: error\[E_PIPE_PLUGIN_SYMBOL_MISSING\]' <<<"$out" || { echo "$out"; exit 1; }

# 3. plan shows the registry entry and the cfg bytes
out=$("$sluice" plan "$ex/shout_lines.json" --plugin "$ex/upper_ascii.c")
grep -q 'plugin acme.upper_ascii_v1: symbol acme_upper_ascii_v1, registry .*index.x07sp.json' <<<"$out" || { echo "$out"; exit 1; }
grep -q 'cfg bytes (1) hex:21' <<<"$out" || { echo "$out"; exit 1; }
out=$("$sluice" plan "$ex/shout_lines.json" --plugin "$ex/upper_ascii.c" --format json)
grep -q '"plugin_id": "acme.upper_ascii_v1"' <<<"$out"
grep -q '"cfg_hex": "21"' <<<"$out"

# 4. broken registries, each with its code at file:line:column
broken() {  # name, then a python snippet editing `idx` (the index) / `spec` (the spec file)
  local d=$tmp/reg-$1
  mkdir -p "$d"
  cp -r "$ex/arch" "$d/arch"
  cp "$ex/shout_lines.json" "$d/"
  python3 - "$d/arch/stream/plugins" "$2" <<'PY'
import json, sys, os
root, edit = sys.argv[1], sys.argv[2]
ip = os.path.join(root, "index.x07sp.json")
sp = os.path.join(root, "specs", "acme.upper_ascii_v1.x07sp-plugin.json")
idx = json.load(open(ip)); spec = json.load(open(sp))
raw = None
exec(edit)
open(ip, "w").write(raw if raw is not None else json.dumps(idx, indent=2))
open(sp, "w").write(json.dumps(spec, indent=2))
PY
  set +e
  out=$("$sluice" check "$d/shout_lines.json" --plugin "$ex/upper_ascii.c" 2>&1); rc=$?
  set -e
  [ $rc -eq 1 ] || { echo "$1: exit $rc: $out"; exit 1; }
  grep -qE "$3" <<<"$out" || { echo "$1: expected $3 in:"; echo "$out"; exit 1; }
  echo "registry $1: $(grep -oE '[^ /]+:[0-9]+:[0-9]+: error\[[A-Z_]+\]' <<<"$out" | head -1)"
}
broken malformed 'raw = "{\"schema_version\": \"x07.arch.stream.plugins.index@0.1.0\",\n \"plugins\": [,]}"' \
  'index.x07sp.json:2:14: error\[E_PIPE_PLUGIN_REGISTRY\]'
broken unsorted 'e = dict(idx["plugins"][0]); e["plugin_id"] = "acme.a_v1"; idx["plugins"].append(e)' \
  'index.x07sp.json:[0-9]+:[0-9]+: error\[E_PIPE_PLUGIN_INDEX_NOT_SORTED\]'
broken duplicate 'idx["plugins"].append(dict(idx["plugins"][0]))' \
  'index.x07sp.json:[0-9]+:[0-9]+: error\[E_PIPE_PLUGIN_DUPLICATE\]'
broken missing_spec 'idx["plugins"][0]["plugin_spec_path"] = "specs/nope.json"' \
  'index.x07sp.json:[0-9]+:[0-9]+: error\[E_PIPE_PLUGIN_SPEC_MISSING\]'
broken spec_mismatch 'spec["budgets"]["state_bytes"] = 16' \
  'acme.upper_ascii_v1.x07sp-plugin.json:[0-9]+:[0-9]+: error\[E_PIPE_PLUGIN_SPEC_MISMATCH\]'
broken bad_symbol 'idx["plugins"][0]["export_symbol"] = "x; int main"; spec["abi"]["export_symbol"] = "x; int main"' \
  'index.x07sp.json:[0-9]+:[0-9]+: error\[E_PIPE_PLUGIN_REGISTRY\]'
broken embedded_conflict 'import copy; e = copy.deepcopy(idx["plugins"][0]); e.update(plugin_id="xf.split_lines_v1", plugin_spec_path="specs/s.json", export_symbol="x07_xf_split_lines_v1", state_bytes=8); idx["plugins"].insert(0, e); s2 = copy.deepcopy(spec); s2.update(plugin_id="xf.split_lines_v1"); s2["abi"]["export_symbol"] = "x07_xf_split_lines_v1"; open(os.path.join(root, "specs", "s.json"), "w").write(json.dumps(s2)); idx["plugins"].sort(key=lambda p: p["plugin_id"])' \
  'index.x07sp.json:[0-9]+:[0-9]+: error\[E_PIPE_PLUGIN_EMBEDDED_CONFLICT\]'

# 5. plugins that break the contract: ERR docs with P16, no output file left behind
cat > "$tmp/bad.c" <<'C'
#include "x07_stream_xf_plugin_abi_v1.h"
static int32_t init(void* st, x07_scratch_v1* sc, x07_bytes_view_v1 cfg, x07_xf_emit_v1 e, x07_xf_budget_v1 b) {
  (void)sc; (void)e; (void)b; *(uint8_t*)st = cfg.len ? cfg.ptr[0] : 0; return 0; }
static int32_t step(void* st, x07_scratch_v1* sc, x07_bytes_view_v1 in, x07_xf_emit_v1 e, x07_xf_budget_v1 b) {
  x07_out_buf_v1 o; (void)sc; (void)in; (void)b;
  switch (*(uint8_t*)st) {
    case 'n': return -7;                     /* negative: code 7, xf_plugin_error */
    case 'm': return INT32_MIN;              /* 117 */
    case 'p': e.emit_alloc(e.emit_ctx, 1, &o); return 0;  /* still pending after the call: 112 */
    case 'k': return e.emit_view(e.emit_ctx, in.ptr, in.len, 9);  /* bad kind: 112 */
    case 'o': return e.emit_view(e.emit_ctx, in.ptr + 1, in.len, 1);  /* out of range: 112 */
    case 's': return e.emit_view(e.emit_ctx, in.ptr, 1, 2);  /* view of empty scratch: 118 */
    case 't': ev_trap(42); return 0;
    default: return 0;
  }
}
static int32_t flush(void* st, x07_scratch_v1* sc, x07_xf_emit_v1 e, x07_xf_budget_v1 b) {
  (void)sc; (void)b; if (*(uint8_t*)st == 'f') return e.emit_view(e.emit_ctx, (const uint8_t*)"", 1, 1); /* kind 1 outside step: 118 */
  return 0; }
const x07_stream_xf_plugin_v1 bad_v1 = {X07_XF_ABI_TAG, 1, "test.bad_v1", 1, "any", "none", 8, 8, 0, 0, init, step, flush, 0};
const x07_stream_xf_plugin_v1 bad_tag_v1 = {0x1234u, 1, "test.bad_v1", 1, "any", "none", 8, 8, 0, 0, init, step, flush, 0};
C
mkdir -p "$tmp/bad/arch/stream/plugins/specs"
python3 - "$tmp/bad/arch/stream/plugins" <<'PY'
import json, sys, os
root = sys.argv[1]
W = ["solve-pure","solve-fs","solve-rr","solve-kv","solve-full","run-os","run-os-sandboxed"]
entries = []
for pid, sym in [("test.bad_tag_v1", "bad_tag_v1"), ("test.bad_v1", "bad_v1")]:
    entries.append({"plugin_id": pid, "plugin_spec_path": "specs/%s.json" % pid, "budget_profile_id": "stream_xf_plugin_v1",
                    "native_backend_id": "x07.stream.xf", "abi_major": 1, "export_symbol": sym, "determinism": "deterministic_v1",
                    "worlds_allowed": W, "in_item_brand": "any", "out_item_brand": "none", "state_bytes": 8, "scratch_bytes": 0})
    spec = {"schema_version": "x07.arch.stream.plugin@0.1.0", "plugin_id": pid, "v": 1,
            "abi": {"native_backend_id": "x07.stream.xf", "abi_major": 1, "export_symbol": sym},
            "determinism": "deterministic_v1", "worlds_allowed": W, "brands": {"in_item_brand": "any", "out_item_brand": "none"},
            "budgets": {"state_bytes": 8, "scratch_bytes": 0}, "cfg": {"max_bytes": 8, "canon_mode": "none_v1"},
            "limits": {"max_out_bytes_per_step": 64, "max_out_items_per_step": 8, "max_out_buf_bytes": 16}}
    open(os.path.join(root, "specs", pid + ".json"), "w").write(json.dumps(spec))
open(os.path.join(root, "index.x07sp.json"), "w").write(json.dumps({"schema_version": "x07.arch.stream.plugins.index@0.1.0", "plugins": entries}))
PY
mkdir -p "$tmp/bad/out"
bad_pipe() {  # plugin id, mode byte
  cat > "$tmp/bad/p_$2.json" <<J
["std.stream.pipe_v1",
 ["std.stream.cfg_v1", ["chunk_max_bytes", 64], ["bufread_cap_bytes", 64], ["max_in_bytes", 64], ["max_out_bytes", 64], ["max_items", 10]],
 ["std.stream.src.bytes_v1", ["std.stream.expr_v1", ["bytes.lit", "hi"]]],
 ["std.stream.chain_v1", ["std.stream.xf.plugin_v1", ["id", ["bytes.lit", "$1"]], ["cfg", ["std.stream.expr_v1", ["bytes.lit", "$2"]]]]],
 ["std.stream.sink.world_fs_write_file_v1", ["std.stream.expr_v1", ["bytes.lit", "out/$2.bin"]]]]
J
  echo "$tmp/bad/p_$2.json"
}
p16() { python3 -c "import struct,sys; print(struct.pack('<4I',*map(int,sys.argv[1:])).hex())" "$@"; }
err_doc() {  # code, message, stage, bytes_in, items_in
  python3 -c "
import struct,sys
c,m=int(sys.argv[1]),('stream:'+sys.argv[2]).encode()
p=struct.pack('<4I',0,int(sys.argv[3]),int(sys.argv[4]),c)
print((b'\x00'+struct.pack('<2I',c,len(m))+m+struct.pack('<I',len(p))+p).hex())" "$@"
}
expect_err() {  # id, mode, code, message, bytes_in, items_in
  local pipe; pipe=$(bad_pipe "$1" "$2")
  set +e
  got=$("$sluice" run "$pipe" --plugin "$tmp/bad.c" --root "$tmp/bad" --world run-os-sandboxed --emit doc "${cache[@]:0:0}" | xxd -p | tr -d '\n'); rc=${PIPESTATUS[0]}
  set -e
  want=$(err_doc "$3" "$4" "$5" "$6")
  [ "$got" = "$want" ] || { echo "mode $2: got $got want $want (exit $rc)"; exit 1; }
  [ $rc -eq 3 ] || { echo "mode $2: exit $rc"; exit 1; }
  [ ! -e "$tmp/bad/out/$2.bin" ] || { echo "mode $2 left out/$2.bin behind"; exit 1; }
  echo "bad plugin mode $2: ERR $3 $4"
}
expect_err test.bad_v1 n 7 xf_plugin_error 2 1
expect_err test.bad_v1 m 117 xf_plugin_invalid 2 1
expect_err test.bad_v1 p 112 xf_out_invalid 2 1
expect_err test.bad_v1 k 112 xf_out_invalid 2 1
expect_err test.bad_v1 o 112 xf_out_invalid 2 1
expect_err test.bad_v1 s 118 xf_plugin_error 2 1
expect_err test.bad_v1 f 118 xf_plugin_error 2 1
expect_err test.bad_tag_v1 x 117 xf_plugin_invalid 0 0
# ev_trap: a trap (exit 4), no doc, no file
pipe=$(bad_pipe test.bad_v1 t)
set +e
"$sluice" run "$pipe" --plugin "$tmp/bad.c" --root "$tmp/bad" --world run-os-sandboxed >/dev/null 2>"$tmp/trap.err"; rc=$?
set -e
[ $rc -eq 4 ] || { echo "trap: exit $rc"; cat "$tmp/trap.err"; exit 1; }
grep -q 'xf_plugin_trap' "$tmp/trap.err" || { cat "$tmp/trap.err"; exit 1; }
[ ! -e "$tmp/bad/out/t.bin" ]
echo "bad plugin mode t: trap"
echo "plugins OK"
