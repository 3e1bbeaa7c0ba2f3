#!/usr/bin/env python3
"""Writes the cases of tests/cases/arch (README.md there): one arch root per folder, broken in one
way, and its expect.txt (code, file[:line:column], exit status, extra arguments). The line:column
of each expectation is computed here from the text written, never taken from sluice's output.

    python3 tests/cases/arch/make_cases.py tests/cases/arch
"""
import json, os, shutil, sys, copy
out = sys.argv[1]
W7 = ["solve-pure","solve-fs","solve-rr","solve-kv","solve-full","run-os","run-os-sandboxed"]
def entry(pid, sym, spec):
    return {"plugin_id": pid, "plugin_spec_path": spec, "budget_profile_id": "p_small_v1",
            "native_backend_id": "x07.stream.xf", "abi_major": 1, "export_symbol": sym,
            "determinism": "deterministic_v1", "worlds_allowed": list(W7), "in_item_brand": "any",
            "out_item_brand": "none", "state_bytes": 16, "scratch_bytes": 0}
def spec(pid, sym):
    return {"schema_version": "x07.arch.stream.plugin@0.1.0", "plugin_id": pid, "v": 1,
            "abi": {"native_backend_id": "x07.stream.xf", "abi_major": 1, "export_symbol": sym},
            "determinism": "deterministic_v1", "worlds_allowed": list(W7),
            "brands": {"in_item_brand": "any", "out_item_brand": "none"},
            "budgets": {"state_bytes": 16, "scratch_bytes": 0},
            "cfg": {"max_bytes": 0, "canon_mode": "none_v1"},
            "limits": {"max_out_bytes_per_step": 65536, "max_out_items_per_step": 64, "max_out_buf_bytes": 4096}}
def base():
    return {
      "arch/budgets/index.x07budgets.json": {"schema_version": "x07.arch.budgets.index@0.1.0",
          "profiles": [{"id": "p_small_v1", "profile_path": "arch/budgets/profiles/p_small_v1.budget.json", "enforce": "error"}]},
      "arch/budgets/profiles/p_small_v1.budget.json": {"schema_version": "x07.budget.profile@0.1.0", "id": "p_small_v1",
          "mode": "result_err_v1", "cost": {"alloc_bytes": 1048576, "memcpy_bytes": 1048576}},
      "arch/stream/plugins/index.x07sp.json": {"schema_version": "x07.arch.stream.plugins.index@0.1.0",
          "plugins": [entry("acme.a_v1", "acme_a_v1", "specs/acme.a_v1.x07sp-plugin.json"),
                      entry("acme.b_v1", "acme_b_v1", "specs/acme.b_v1.x07sp-plugin.json")]},
      "arch/stream/plugins/specs/acme.a_v1.x07sp-plugin.json": spec("acme.a_v1", "acme_a_v1"),
      "arch/stream/plugins/specs/acme.b_v1.x07sp-plugin.json": spec("acme.b_v1", "acme_b_v1"),
    }
MANIFEST = {"schema_version": "x07.arch.manifest@0.1.0", "contracts_v1": {
    "canonical_json": {"mode": "jcs_rfc8785_v1"},
    "budgets": {"index_path": "arch/budgets/index.x07budgets.json", "gen_dir": "arch/budgets", "require_scopes": False},
    "stream_plugins": {"index_path": "arch/stream/plugins/index.x07sp.json", "gen_dir": "arch/stream/plugins",
                       "require_registry_uptodate": True}}}
IDX = "arch/stream/plugins/index.x07sp.json"
SA = "arch/stream/plugins/specs/acme.a_v1.x07sp-plugin.json"
SB = "arch/stream/plugins/specs/acme.b_v1.x07sp-plugin.json"
BI = "arch/budgets/index.x07budgets.json"
BP = "arch/budgets/profiles/p_small_v1.budget.json"
def pipe(idexpr):
    return ["std.stream.pipe_v1",
            ["std.stream.cfg_v1", ["chunk_max_bytes", 64], ["bufread_cap_bytes", 64], ["max_in_bytes", 64], ["max_out_bytes", 64], ["max_items", 10]],
            ["std.stream.src.bytes_v1", ["std.stream.expr_v1", ["bytes.lit", "a\n"]]],
            ["std.stream.chain_v1", ["std.stream.xf.plugin_v1", ["id", idexpr]]],
            ["std.stream.sink.collect_bytes_v1"]]

def loc(text, needle, nth=0, skip=0):
    """line:col of the `nth` occurrence of needle, plus `skip` characters."""
    i = -1
    for _ in range(nth + 1):
        i = text.index(needle, i + 1)
    i += skip
    line = text[:i].count("\n") + 1
    col = i - (text.rfind("\n", 0, i) + 1) + 1
    return f"{line}:{col}"

def write_case(name, files, code, where, status, args=None, raw=None):
    d = os.path.join(out, name)
    shutil.rmtree(d, ignore_errors=True)
    texts = {}
    for path, doc in files.items():
        texts[path] = (json.dumps(doc) if not path.startswith(("arch/", "contracts/")) else json.dumps(doc, indent=2)) + "\n"
    for path, t in (raw or {}).items():
        texts[path] = t
    for path, t in texts.items():
        p = os.path.join(d, path); os.makedirs(os.path.dirname(p), exist_ok=True)
        open(p, "w").write(t)
    if callable(where):
        where = where(texts)
    with open(os.path.join(d, "expect.txt"), "w") as f:
        f.write(f"{code}\n{where}\n{status}\n")
        if args: f.write(" ".join(args) + "\n")

def mutate(path, fn, name, code, where, status=1, extra=None, args=None, raw=None, drop=()):
    files = base()
    for p in drop: files.pop(p)
    if path: fn(files[path])
    if extra: files.update(extra)
    write_case(name, files, code, where, status, args, raw)

def val(path, needle, nth=0):  # the value after `"key": `
    return lambda t: f"{path}:{loc(t[path], needle, nth, len(needle))}"
def at(path, needle, nth=0):
    return lambda t: f"{path}:{loc(t[path], needle, nth)}"

# clean: nothing wrong but no lock (warning only) -- the lock cases below build on it
mutate(None, None, "lock_missing", "W_ARCH_CONTRACTS_LOCK_MISSING", "arch/contracts.lock.json", 0)
mutate(None, None, "index_read", "E_ARCH_STREAM_PLUGINS_INDEX_READ", IDX, 1, drop=[IDX])
mutate(None, None, "index_json_parse", "E_ARCH_STREAM_PLUGINS_INDEX_JSON_PARSE", lambda t: f"{IDX}:{loc(t[IDX], ',]')}", 1,
       drop=[IDX], raw={IDX: '{\n  "schema_version": "x07.arch.stream.plugins.index@0.1.0",\n  "plugins": [\n  ,]\n}\n'})
def f(d): d["schema_version"] = "x07.arch.stream.plugins.index@0.2.0"
mutate(IDX, f, "index_schema_version", "E_ARCH_STREAM_PLUGINS_INDEX_SCHEMA_VERSION", val(IDX, '"schema_version": '))
def f(d): d["plugins"][1]["state_bytes"] = "16"
mutate(IDX, f, "index_schema_invalid", "E_ARCH_STREAM_PLUGINS_INDEX_SCHEMA_INVALID", val(IDX, '"state_bytes": ', 1))
def f(d): d["plugins"].reverse()
mutate(IDX, f, "index_not_sorted", "E_ARCH_STREAM_PLUGINS_INDEX_NOT_SORTED", val(IDX, '"plugin_id": ', 1))
def f(d): d["plugins"][1]["plugin_id"] = "acme.a_v1"
mutate(IDX, f, "index_duplicate_id", "E_ARCH_STREAM_PLUGINS_INDEX_DUPLICATE_ID", val(IDX, '"plugin_id": ', 1))
def f(d): d["plugins"][1]["budget_profile_id"] = "p_missing_v1"
mutate(IDX, f, "budget_missing", "E_ARCH_STREAM_PLUGIN_BUDGET_MISSING", val(IDX, '"budget_profile_id": ', 1))
def f(d): d["plugins"][1]["plugin_spec_path"] = "specs/acme.nothing.x07sp-plugin.json"
mutate(IDX, f, "spec_read", "E_ARCH_STREAM_PLUGIN_SPEC_READ", val(IDX, '"plugin_spec_path": ', 1))
mutate(None, None, "spec_json_parse", "E_ARCH_STREAM_PLUGIN_SPEC_JSON_PARSE", lambda t: f"{SB}:{loc(t[SB], 'nul')}", 1,
       drop=[SB], raw={SB: '{\n  "schema_version": "x07.arch.stream.plugin@0.1.0",\n  "plugin_id": nul\n}\n'})
def f(d): d["schema_version"] = "x07.arch.stream.plugin@0.0.9"
mutate(SB, f, "spec_schema_version", "E_ARCH_STREAM_PLUGIN_SPEC_SCHEMA_VERSION", val(SB, '"schema_version": '))
def f(d): d["limits"]["max_out_items_per_step"] = 2000000
mutate(SB, f, "spec_schema_invalid", "E_ARCH_STREAM_PLUGIN_SPEC_SCHEMA_INVALID", val(SB, '"max_out_items_per_step": '))
def f(d): d["plugin_id"] = "acme.bee_v1"
mutate(SB, f, "spec_id_mismatch", "E_ARCH_STREAM_PLUGIN_SPEC_ID_MISMATCH", val(SB, '"plugin_id": '))
def f(d): d["cfg"]["canon_mode"] = "canon_xml_v1"
mutate(SB, f, "spec_cfg_canon_mode", "E_ARCH_STREAM_PLUGIN_SPEC_CFG_CANON_MODE", val(SB, '"canon_mode": '))
def f(d): d["limits"]["max_out_buf_bytes"] = 131072
mutate(SB, f, "spec_limits_invalid", "E_ARCH_STREAM_PLUGIN_SPEC_LIMITS_INVALID", val(SB, '"limits": '))
def f(d): d["limits"]["max_out_bytes_per_step"] = 2097152
mutate(SB, f, "spec_limits_over_profile", "E_ARCH_STREAM_PLUGIN_SPEC_LIMITS_INVALID", val(SB, '"max_out_bytes_per_step": '))
def f(d): d["abi"]["export_symbol"] = "acme_bee_v1"
mutate(SB, f, "spec_abi_mismatch", "E_ARCH_STREAM_PLUGIN_SPEC_ABI_MISMATCH", val(SB, '"abi": '))
def f(d): d["budgets"]["state_bytes"] = 32
mutate(SB, f, "spec_budgets_mismatch", "E_ARCH_STREAM_PLUGIN_SPEC_BUDGETS_MISMATCH", val(SB, '"budgets": '))
def f(d): d["brands"]["out_item_brand"] = "acme.upper_v1"
mutate(SB, f, "spec_brands_mismatch", "E_ARCH_STREAM_PLUGIN_SPEC_BRANDS_MISMATCH", val(SB, '"brands": '))
def f(d): d["determinism"] = "nondet_os_only_v1"
mutate(SB, f, "spec_determinism_mismatch", "E_ARCH_STREAM_PLUGIN_SPEC_DETERMINISM_MISMATCH", val(SB, '"determinism": '))
def f(d): d["worlds_allowed"] = ["solve-pure"]
mutate(SB, f, "spec_worlds_mismatch", "E_ARCH_STREAM_PLUGIN_SPEC_WORLDS_MISMATCH", val(SB, '"worlds_allowed": '))
# usage scan
mutate(None, None, "plugin_not_found", "E_ARCH_STREAM_PLUGIN_NOT_FOUND", at("uses.json", '["bytes.lit", "acme.c_v1"]'), 1,
       extra={"uses.json": pipe(["bytes.lit", "acme.c_v1"])}, args=["uses.json"])
def f(d): d["plugins"][0]["worlds_allowed"] = ["solve-pure"]
def g(files):
    f(files[IDX]); files[SA]["worlds_allowed"] = ["solve-pure"]
files = base(); g(files); files["uses.json"] = pipe(["std.stream.expr_v1", ["bytes.lit", "acme.a_v1"]])
write_case("world_violation", files, "E_ARCH_STREAM_PLUGIN_WORLD_VIOLATION", at("uses.json", '["std.stream.expr_v1", ["bytes.lit", "acme.a_v1"]]'), 1,
           ["--world", "run-os", "uses.json"])
files = base(); files[IDX]["plugins"][0]["determinism"] = "nondet_os_only_v1"; files[SA]["determinism"] = "nondet_os_only_v1"
files["uses.json"] = pipe(["bytes.lit", "acme.a_v1"])
write_case("world_violation_nondet", files, "E_ARCH_STREAM_PLUGIN_WORLD_VIOLATION", at("uses.json", '["bytes.lit", "acme.a_v1"]'), 1,
           ["--world", "solve-pure", "uses.json"])
mutate(None, None, "opaque_usage", "W_ARCH_CONTRACT_OPAQUE_USAGE", at("uses.json", '["bytes.concat"'), 0,
       extra={"uses.json": pipe(["bytes.concat", ["bytes.lit", "acme."], ["bytes.lit", "a_v1"]])}, args=["uses.json"])
mutate(None, None, "module_parse", "E_ARCH_MODULE_PARSE", lambda t: f"uses.json:{loc(t['uses.json'], '}')}", 1,
       raw={"uses.json": '["std.stream.pipe_v1", }\n'}, args=["uses.json"])
files = base()
files[IDX]["plugins"].insert(0, entry("xf.split_lines_v1", "x07_xf_split_lines_v1", "specs/xf.split_lines_v1.x07sp-plugin.json"))
files[IDX]["plugins"] = sorted(files[IDX]["plugins"], key=lambda e: e["plugin_id"])
files["arch/stream/plugins/specs/xf.split_lines_v1.x07sp-plugin.json"] = spec("xf.split_lines_v1", "x07_xf_split_lines_v1")
write_case("embedded_conflict", files, "E_PIPE_PLUGIN_EMBEDDED_CONFLICT", at(IDX, '{\n      "plugin_id": "xf.split_lines_v1"'), 1)
# budgets
mutate(None, None, "budgets_index_json_parse", "E_ARCH_BUDGETS_INDEX_JSON_PARSE", lambda t: f"{BI}:{loc(t[BI], 'profiles', 0, -1)}", 1,
       drop=[BI], raw={BI: '{\n  "schema_version": "x07.arch.budgets.index@0.1.0"\n  "profiles": []\n}\n'})
def f(d): d["schema_version"] = "x07.arch.budgets.index@1.0.0"
mutate(BI, f, "budgets_index_schema_version", "E_ARCH_BUDGETS_INDEX_SCHEMA_VERSION", val(BI, '"schema_version": '))
def f(d): d["profiles"][0]["enforce"] = "sometimes"
mutate(BI, f, "budgets_index_schema_invalid", "E_ARCH_BUDGETS_INDEX_SCHEMA_INVALID", val(BI, '"enforce": '))
def f(d): d["profiles"][0]["profile_path"] = "arch/budgets/profiles/none.budget.json"
mutate(BI, f, "budget_profile_read", "E_ARCH_BUDGET_PROFILE_READ", val(BI, '"profile_path": '))
mutate(None, None, "budget_profile_json_parse", "E_ARCH_BUDGET_PROFILE_JSON_PARSE", lambda t: f"{BP}:{loc(t[BP], '}')}", 1,
       drop=[BP], raw={BP: '{"schema_version": "x07.budget.profile@0.1.0", "id": }\n'})
def f(d): d["schema_version"] = "x07.arch.budgets.profile@0.1.0"
mutate(BP, f, "budget_profile_schema_version", "E_ARCH_BUDGET_PROFILE_SCHEMA_VERSION", val(BP, '"schema_version": '))
# manifest
M = "arch/manifest.x07arch.json"
mutate(None, None, "manifest_clean", "W_ARCH_CONTRACTS_LOCK_MISSING", "arch/contracts.lock.json", 0, extra={M: MANIFEST})
mutate(None, None, "manifest_json_parse", "E_ARCH_MANIFEST_JSON_PARSE", lambda t: f"{M}:{loc(t[M], 'x07')}", 1,
       raw={M: '{"schema_version": x07}\n'})
m = copy.deepcopy(MANIFEST); del m["contracts_v1"]["stream_plugins"]["require_registry_uptodate"]
mutate(None, None, "manifest_schema_invalid", "E_ARCH_MANIFEST_SCHEMA_INVALID", at(M, '{\n      "index_path": "arch/stream'), 1, extra={M: m})
m = copy.deepcopy(MANIFEST); m["contracts_v1"]["canonical_json"]["mode"] = "sorted_keys_v1"
mutate(None, None, "canonical_json_unsupported", "E_ARCH_CONTRACTS_CANONICAL_JSON_UNSUPPORTED", val(M, '"mode": '), 1, extra={M: m})
m = copy.deepcopy(MANIFEST); m["contracts_v1"]["stream_plugins"]["gen_dir"] = "gen/stream_plugins"
mutate(None, None, "gen_dir_missing", "E_ARCH_STREAM_PLUGINS_GEN_DIR_MISSING", val(M, '"gen_dir": ', 1), 1, extra={M: m})
m = copy.deepcopy(MANIFEST); m["contracts_v1"]["stream_plugins"]["index_path"] = "contracts/plugins/index.x07sp.json"
m["contracts_v1"]["stream_plugins"]["gen_dir"] = "contracts/plugins"
files = base()
moved = {}
for k in list(files):
    if k.startswith("arch/stream/plugins/"):
        moved["contracts/plugins/" + k[len("arch/stream/plugins/"):]] = files.pop(k)
files.update(moved); files[M] = m
write_case("dir_missing", files, "E_ARCH_STREAM_PLUGINS_DIR_MISSING", "arch/stream/plugins", 1)
m = copy.deepcopy(MANIFEST); del m["contracts_v1"]["budgets"]
mutate(None, None, "budget_missing_no_budgets_contract", "E_ARCH_STREAM_PLUGIN_BUDGET_MISSING", val(IDX, '"budget_profile_id": '), 1, extra={M: m})
m = copy.deepcopy(MANIFEST); m["contracts_v1"]["budgets"]["index_path"] = "arch/budgets/none.x07budgets.json"
mutate(None, None, "budgets_index_read", "E_ARCH_BUDGETS_INDEX_READ", "arch/budgets/none.x07budgets.json", 1, extra={M: m})

# the usage scan reads x07AST modules too: a pipe inside an entry's solve
module = {"schema_version": "x07.x07ast@0.8.0", "kind": "entry", "module_id": "main", "imports": [], "decls": [],
          "solve": ["begin", ["let", "doc", pipe(["bytes.lit", "acme.z_v1"])], ["view.to_bytes", "input"]]}
mutate(None, None, "module_plugin_not_found", "E_ARCH_STREAM_PLUGIN_NOT_FOUND", at("main.x07.json", '["bytes.lit", "acme.z_v1"]'), 1,
       extra={"main.x07.json": module}, args=["main.x07.json"])
