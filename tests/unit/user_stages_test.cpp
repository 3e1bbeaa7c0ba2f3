// The four user-function stages (stdlib/xf/map_bytes, filter, map_in_place_buf, require_brand)
// run end to end: with x07 functions of an entry module, with built-in library functions, and
// with native functions a host registers (CompileOptions::register_native_fn). Traps and fuel.
#include <doctest/doctest.h>

#include "compiler/front_end.hpp"
#include "compiler/interpret.hpp"
#include "runtime/codes.hpp"
#include "tests/support/test_support.hpp"

using namespace sluice;

namespace {

const std::string kCfg =
    R"(["std.stream.cfg_v1", ["chunk_max_bytes", 64], ["bufread_cap_bytes", 64], ["max_in_bytes", 64], ["max_out_bytes", 64], ["max_items", 10]])";

// An entry module holding `defns` and a pipe over `input` lines with `chain`.
std::string entry(const std::string& defns, const std::string& chain, const std::string& exports = "") {
  (void)exports;
  return R"({"schema_version": "x07.x07ast@0.8.0", "kind": "entry", "module_id": "main", "imports": [], "decls": [)" + defns +
         R"(], "solve": ["std.stream.pipe_v1", )" + kCfg +
         R"(, ["std.stream.src.bytes_v1", ["std.stream.expr_v1", ["view.to_bytes", "input"]]],
             ["std.stream.chain_v1", ["std.stream.xf.split_lines_v1", ["std.stream.expr_v1", 10], ["std.stream.expr_v1", 64]], )" +
         chain + R"(], ["std.stream.sink.collect_bytes_v1"]]})";
}

std::string defn(const std::string& name, const std::string& params, const std::string& result, const std::string& body) {
  return R"({"kind": "defn", "name": "main.)" + name + R"(", "params": )" + params + R"(, "result": ")" + result +
         R"(", "body": )" + body + "}";
}

const std::string kView = R"([{"name": "x", "ty": "bytes_view"}])";

RunOutcome run(const std::string& text, const std::string& input, CompileOptions opts = {}) {
  opts.world = World::kSolvePure;
  opts.input = input;
  const CompileResult c = compile_pipe_text(text, "<test>", opts);
  for (const Diagnostic& d : c.diagnostics) INFO(format_text(d));
  REQUIRE(c.ok());
  return run_plan(*c.plan, RunOptions{});
}

std::string payload(const RunOutcome& o) {
  REQUIRE(o.status == RunStatus::kOk);  // an OK doc
  // OK doc: tag, four counters, payload length, payload.
  return std::string(o.doc.begin() + 21, o.doc.end());
}

}  // namespace

TEST_CASE("user stages: map_bytes, filter and map_in_place with x07 functions") {
  const std::string rev = defn("rev", kView, "bytes", R"(["begin", ["let", "n", ["view.len", "x"]], ["let", "o", ["vec_u8.with_capacity", "n"]],
      ["for", "i", 0, "n", ["set0", "o", ["vec_u8.push", "o", ["view.get_u8", "x", ["-", ["-", "n", 1], "i"]]]]], ["vec_u8.into_bytes", "o"]])");
  CHECK(payload(run(entry(rev, R"(["std.stream.xf.map_bytes_v1", ["std.stream.fn_v1", "main.rev"]])"), "abc\nxy\n")) == "cbayx");
  const std::string longer = defn("longer", kView, "i32", R"([">u", ["view.len", "x"], 1])");
  CHECK(payload(run(entry(longer, R"(["std.stream.xf.filter_v1", ["std.stream.fn_v1", "main.longer"]])"), "a\nbb\nc\nddd\n")) == "bbddd");
  // map_in_place: the output is the whole scratch; with clear_before_each 0 it accumulates.
  const std::string twice = defn("twice", R"([{"name": "x", "ty": "bytes_view"}, {"name": "s", "ty": "i32"}])", "result_i32",
                                 R"(["begin", ["let", "r", ["scratch_u8_fixed_v1.try_write", "s", "x"]], ["scratch_u8_fixed_v1.try_write", "s", "x"]])");
  CHECK(payload(run(entry(twice, R"(["std.stream.xf.map_in_place_buf_v1", ["fn", ["std.stream.fn_v1", "main.twice"]], ["scratch_cap_bytes", 8]])"),
                    "ab\nc\n")) == "ababcc");
  CHECK(payload(run(entry(twice, R"(["std.stream.xf.map_in_place_buf_v1", ["scratch_cap_bytes", 8], ["clear_before_each", 0], ["std.stream.fn_v1", "main.twice"]])"),
                    "ab\nc\n")) == "ababababcc");
}

TEST_CASE("user stages: map_in_place errors: 8 is scratch_overflow, others stage_failed with P16") {
  const std::string copy = defn("copy", R"([{"name": "x", "ty": "bytes_view"}, {"name": "s", "ty": "i32"}])", "result_i32",
                                R"(["scratch_u8_fixed_v1.try_write", "s", "x"])");
  const RunOutcome over = run(entry(copy, R"(["std.stream.xf.map_in_place_buf_v1", ["std.stream.fn_v1", "main.copy"], ["scratch_cap_bytes", 2]])"), "ab\nabc\n");
  CHECK(over.status == RunStatus::kErr);
  CHECK(over.doc.at(1) == 8);
  const std::string fail = defn("fail", R"([{"name": "x", "ty": "bytes_view"}, {"name": "s", "ty": "i32"}])", "result_i32",
                                R"(["result_i32.err", 77])");
  const RunOutcome failed = run(entry(fail, R"(["std.stream.xf.map_in_place_buf_v1", ["std.stream.fn_v1", "main.fail"], ["scratch_cap_bytes", 2]])"), "ab\n");
  CHECK(failed.status == RunStatus::kErr);
  CHECK(test::to_hex(failed.doc) ==
        "00" "09000000" "13000000" + test::to_hex(std::vector<std::uint8_t>{'s','t','r','e','a','m',':','s','t','a','g','e','_','f','a','i','l','e','d'}) +
        "10000000" "01000000" "03000000" "01000000" "4d000000");
}

TEST_CASE("user stages: require_brand: too large is ERR 70, a failed validation ERR 71 with its payload") {
  const std::string v = defn("v", kView, "result_i32", R"(["if", ["=", ["view.get_u8", "x", 0], 98], ["result_i32.err", 5], ["result_i32.ok", 0]])");
  const std::string chain = R"(["std.stream.xf.require_brand_v1", ["brand", "main.b"], ["validator", "main.v"], ["max_item_bytes", 3]])";
  CHECK(payload(run(entry(v, chain), "aa\nax\n")) == "aaax");
  const RunOutcome bad = run(entry(v, chain), "aa\nbx\n");
  REQUIRE(bad.status == RunStatus::kErr);
  CHECK(test::to_hex(std::vector<std::uint8_t>(bad.doc.end() - 8, bad.doc.end())) == "0500000001000000");  // ec 5, item 1
  const RunOutcome big = run(entry(v, chain), "aaaa\n");
  CHECK(big.doc.at(1) == 70);
}

TEST_CASE("user stages: traps in user functions and the fuel limit end the run with trap status") {
  const std::string oob = defn("oob", kView, "i32", R"(["view.get_u8", "x", 5])");
  const RunOutcome t = run(entry(oob, R"(["std.stream.xf.filter_v1", ["std.stream.fn_v1", "main.oob"]])"), "ab\n");
  CHECK(t.status == RunStatus::kTrap);
  CHECK(t.trap.find("trap:user_fn_trap") == 0);
  CHECK(t.trap.find("main.oob: out-of-bounds read: index 5 on 2 bytes") != std::string::npos);
  const std::string spin = defn("spin", kView, "i32", R"(["begin", ["while", 1, 0], 1])");
  CompileOptions small;
  small.fuel = 5000;
  const RunOutcome f = run(entry(spin, R"(["std.stream.xf.filter_v1", ["std.stream.fn_v1", "main.spin"]])"), "ab\n", small);
  CHECK(f.status == RunStatus::kTrap);
  CHECK(f.trap.find("trap:user_fn_fuel_exhausted") == 0);
  CHECK(f.trap.find("out of fuel after 5000 steps") != std::string::npos);
  const std::string deep = defn("deep", kView, "i32", R"(["main.deep", "x"])");
  const RunOutcome d = run(entry(deep, R"(["std.stream.xf.filter_v1", ["std.stream.fn_v1", "main.deep"]])"), "ab\n");
  CHECK(d.trap.find("trap:user_fn_trap") == 0);
  CHECK(d.trap.find("call depth") != std::string::npos);
}

TEST_CASE("user stages: built-in library functions and host-registered native functions") {
  const std::string lib_chain = R"(["std.stream.xf.filter_v1", ["std.stream.fn_v1", "std.text.utf8.is_valid"]], ["std.stream.xf.map_bytes_v1", ["std.stream.fn_v1", "std.codec.hex_encode_v1"]])";
  CHECK(payload(run(entry("", lib_chain), "a\n\xff\nb\n")) == "6162");

  struct Upper {
    int calls = 0;
    static UserFnStatus call(const void* ctx, UserFnIo& io) {
      ++const_cast<Upper*>(static_cast<const Upper*>(ctx))->calls;
      io.out->assign(io.item.begin(), io.item.end());
      for (auto& c : *io.out) c = static_cast<std::uint8_t>(c >= 'a' && c <= 'z' ? c - 32 : c);
      return UserFnStatus::kOk;
    }
  } upper;
  CompileOptions opts;
  opts.register_native_fn("host.upper", UserFnSig::kMap, UserFn{&upper, &Upper::call});
  CHECK(payload(run(entry("", R"(["std.stream.xf.map_bytes_v1", ["std.stream.fn_v1", "host.upper"]])"), "ab\ncd\n", opts)) == "ABCD");
  CHECK(upper.calls == 2);
  // A native function's signature is checked like any other.
  const CompileResult wrong = compile_pipe_text(entry("", R"(["std.stream.xf.filter_v1", ["std.stream.fn_v1", "host.upper"]])"), "<t>", opts);
  REQUIRE(wrong.diagnostics.size() == 1);
  CHECK(wrong.diagnostics[0].code == "E_PIPE_FN_SIG");
  // The plan is marked: the C++ backend refuses plans with user functions.
  const CompileResult ok = compile_pipe_text(entry("", lib_chain), "<t>", opts);
  REQUIRE(ok.plan);
  CHECK(ok.plan->uses_user_functions);
}
