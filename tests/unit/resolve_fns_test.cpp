// Tests of compiler/resolve_fns: each stage's function signature is checked against what the
// stage needs, validators come from the registry when not written, and handles are set.
#include <doctest/doctest.h>

#include "compiler/front_end.hpp"

using namespace sluice;

namespace {

std::string entry(const std::string& chain) {
  return R"({"schema_version": "x07.x07ast@0.5.0", "kind": "entry", "module_id": "main", "imports": [],
 "meta": {"brands_v1": {"main.b": {"validate": "main.v"}}},
 "decls": [
  {"kind": "defn", "name": "main.v", "params": [{"name": "x", "ty": "bytes_view"}], "result": "result_i32", "body": ["result_i32.ok", 0]},
  {"kind": "defn", "name": "main.m", "params": [{"name": "x", "ty": "bytes_view"}], "result": "bytes", "body": ["view.to_bytes", "x"]},
  {"kind": "defn", "name": "main.two", "params": [{"name": "x", "ty": "bytes_view"}, {"name": "s", "ty": "i32"}], "result": "result_i32",
   "body": ["scratch_u8_fixed_v1.try_write", "s", "x"]}],
 "solve": ["std.stream.pipe_v1",
   ["std.stream.cfg_v1", ["chunk_max_bytes", 64], ["bufread_cap_bytes", 64], ["max_in_bytes", 64], ["max_out_bytes", 64], ["max_items", 10]],
   ["std.stream.src.bytes_v1", ["std.stream.expr_v1", ["bytes.lit", "a"]]],
   ["std.stream.chain_v1", )" + chain + R"(],
   ["std.stream.sink.collect_bytes_v1"]]})";
}

CompileResult compile(const std::string& chain) {
  return compile_pipe_text(entry(chain), "r.json", CompileOptions{.world = World::kSolvePure});
}

std::string sig_error(const std::string& chain) {
  const CompileResult r = compile(chain);
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(r.diagnostics[0].code == "E_PIPE_FN_SIG");
  CHECK(r.diagnostics[0].pointer == "/solve/3/1");
  return r.diagnostics[0].message;
}

}  // namespace

TEST_CASE("resolve_fns: signatures per stage") {
  CHECK(sig_error(R"(["std.stream.xf.map_bytes_v1", ["std.stream.fn_v1", "main.v"]])") ==
        "std.stream.xf.map_bytes_v1 needs a function (bytes_view) -> bytes; main.v is (bytes_view) -> result_i32");
  CHECK(sig_error(R"(["std.stream.xf.filter_v1", ["std.stream.fn_v1", "main.m"]])") ==
        "std.stream.xf.filter_v1 needs a function (bytes_view) -> i32; main.m is (bytes_view) -> bytes");
  CHECK(sig_error(R"(["std.stream.xf.map_in_place_buf_v1", ["std.stream.fn_v1", "main.v"], ["scratch_cap_bytes", 4]])") ==
        "std.stream.xf.map_in_place_buf_v1 needs a function (bytes_view, i32) -> result_i32; main.v is (bytes_view) -> result_i32");
  const CompileResult ok = compile(R"(["std.stream.xf.map_in_place_buf_v1", ["std.stream.fn_v1", "main.two"], ["scratch_cap_bytes", 4]],
                                      ["std.stream.xf.require_brand_v1", ["brand", "main.b"]],
                                      ["std.stream.xf.map_bytes_v1", ["std.stream.fn_v1", "main.m"]])");
  REQUIRE(ok.plan);
  for (const PlanStage& st : ok.plan->chain) CHECK(static_cast<bool>(st.fn));
  CHECK(ok.plan->chain[1].bytes_arg("validator").as_chars() == "main.v");
  CHECK(ok.plan->uses_user_functions);
}

TEST_CASE("resolve_fns: stage field shapes for functions") {
  const CompileResult missing = compile(R"(["std.stream.xf.map_bytes_v1"])");
  REQUIRE(missing.diagnostics.size() == 1);
  CHECK(missing.diagnostics[0].code == "E_PIPE_MISSING_FIELD");
  const CompileResult twice = compile(R"(["std.stream.xf.filter_v1", ["std.stream.fn_v1", "main.m"], ["std.stream.fn_v1", "main.m"]])");
  CHECK(twice.diagnostics.at(0).code == "E_PIPE_DUPLICATE_FIELD");
  const CompileResult bad = compile(R"(["std.stream.xf.filter_v1", ["std.stream.fn_v1", 5]])");
  CHECK(bad.diagnostics.at(0).code == "E_PIPE_ARITY");
  const CompileResult sym = compile(R"(["std.stream.xf.require_brand_v1", ["brand", "a..b"]])");
  CHECK(sym.diagnostics.at(0).code == "E_PIPE_SYMBOL");
}
