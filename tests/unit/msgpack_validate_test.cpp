// sluice.msgpack.validate_v1 (stdlib/x07/msgpack_token) and the built-in brand sluice.msgpack_v1:
// generated values of every type validate; a cut, trailing bytes, 0xc1, a str that is not UTF-8
// and nesting past 64 each give their code; the brand needs no registry module, and split's
// claim gets the validator inserted under verify_produced_brands_v1.
#include <doctest/doctest.h>

#include <vector>

#include "compiler/front_end.hpp"
#include "stdlib/x07/library.hpp"
#include "stdlib/x07/msgpack_token.hpp"
#include "tests/support/msgpack_gen.hpp"

using namespace sluice;
using msgpack::Code;
using Bytes = std::vector<std::uint8_t>;

namespace {
Code validate(const Bytes& b) { return msgpack::validate_value(b.data(), static_cast<std::uint32_t>(b.size())); }
}  // namespace

TEST_CASE("msgpack validate: generated values pass, cut or extended ones fail with their codes") {
  test::MsgpackGen gen(5);
  for (int i = 0; i < 500; ++i) {
    Bytes v;
    gen.value(v, 5, false, nullptr);
    CAPTURE(i);
    REQUIRE(validate(v) == Code::kOk);
    Bytes cut(v.begin(), v.end() - 1);
    CHECK(validate(cut) == Code::kTruncated);
    Bytes more = v;
    more.push_back(0xc0);
    CHECK(validate(more) == Code::kNotOneValue);
  }
}

TEST_CASE("msgpack validate: 0xc1, bad UTF-8, surrogates and depth") {
  CHECK(validate(Bytes{0x91, 0xc1}) == Code::kMalformed);
  CHECK(validate(Bytes{0xa2, 0xc3, 0x28}) == Code::kBadUtf8);
  CHECK(validate(Bytes{0xa3, 0xed, 0xa0, 0x80}) == Code::kBadUtf8);  // an encoded surrogate
  CHECK(validate(Bytes{0xc4, 0x02, 0xc3, 0x28}) == Code::kOk);        // bin is not text
  CHECK(validate(Bytes{}) == Code::kTruncated);
  Bytes d64(64, 0x91);
  d64.push_back(0xc0);
  CHECK(validate(d64) == Code::kOk);
  Bytes d65(65, 0x91);
  d65.push_back(0xc0);
  CHECK(validate(d65) == Code::kTooDeep);
  // A map32 that claims 2^32-1 pairs in 5 bytes: cut short, found without allocating.
  CHECK(validate(Bytes{0xdf, 0xff, 0xff, 0xff, 0xff}) == Code::kTruncated);
}

TEST_CASE("msgpack brand: built in, no registry module needed") {
  CHECK(x07::library_brand_validator("", "sluice.msgpack_v1") == std::optional<std::string_view>("sluice.msgpack.validate_v1"));
  CHECK(x07::library_brand_validator("some.module", "sluice.msgpack_v1").has_value());
  const auto* fn = x07::find_library_fn("sluice.msgpack.validate_v1");
  REQUIRE(fn);
  CHECK(fn->sig == UserFnSig::kValidator);
  const std::string pipe = R"(["std.stream.pipe_v1",
  ["std.stream.cfg_v1", ["chunk_max_bytes", 64], ["bufread_cap_bytes", 64], ["max_in_bytes", 64], ["max_out_bytes", 64], ["max_items", 10],
   ["verify_produced_brands_v1", 1]],
  ["std.stream.src.bytes_v1", ["std.stream.expr_v1", ["bytes.lit", "x"]]],
  ["std.stream.chain_v1", ["std.stream.xf.plugin_v1", ["id", ["bytes.lit", "xf.msgpack_split_v1"]], ["cfg", ["std.stream.expr_v1", ["bytes.lit", ""]]]]],
  ["std.stream.sink.collect_bytes_v1"]])";
  const CompileResult r = compile_pipe_text(pipe, "p.json", CompileOptions{.world = World::kSolvePure});
  for (const Diagnostic& d : r.diagnostics) INFO(d.message);
  REQUIRE(r.plan);
  REQUIRE(r.plan->chain.size() == 2);
  CHECK(r.plan->chain[1].spec->id == "std.stream.xf.require_brand_v1");
  CHECK(r.plan->chain[1].out_brand == "sluice.msgpack_v1");
}

namespace {
// A pipe from a raw bytes source into `chain`, with `cfg_extra` in its cfg.
std::string raw_pipe(const std::string& cfg_extra, const std::string& chain) {
  return R"(["std.stream.pipe_v1",
  ["std.stream.cfg_v1", ["chunk_max_bytes", 64], ["bufread_cap_bytes", 64], ["max_in_bytes", 64], ["max_out_bytes", 64], ["max_items", 10])" +
         cfg_extra + R"(],
  ["std.stream.src.bytes_v1", ["std.stream.expr_v1", ["bytes.lit", "x"]]],
  ["std.stream.chain_v1", )" + chain + R"(],
  ["std.stream.sink.collect_bytes_v1"]])";
}
const std::string kToJson =
    R"(["std.stream.xf.plugin_v1", ["id", ["bytes.lit", "xf.msgpack_to_json_v1"]], ["cfg", ["std.stream.expr_v1", ["bytes.lit", ""]]]])";
}  // namespace

TEST_CASE("msgpack brand: to_json requires it, auto_require inserts the built-in validator, require_brand_v1 finds it") {
  const CompileResult bare = compile_pipe_text(raw_pipe("", kToJson), "p.json", CompileOptions{.world = World::kSolvePure});
  REQUIRE(bare.diagnostics.size() == 1);
  CHECK(bare.diagnostics[0].code == "E_PIPE_BRAND_REQUIRED");

  const CompileResult autoreq =
      compile_pipe_text(raw_pipe(R"(, ["auto_require_brand_v1", 1])", kToJson), "p.json", CompileOptions{.world = World::kSolvePure});
  for (const Diagnostic& d : autoreq.diagnostics) INFO(d.message);
  REQUIRE(autoreq.plan);
  REQUIRE(autoreq.plan->chain.size() == 2);
  CHECK(autoreq.plan->chain[0].spec->id == "std.stream.xf.require_brand_v1");
  CHECK(autoreq.plan->chain[0].arg("validator")->bytes == "sluice.msgpack.validate_v1");

  const CompileResult explicit_req = compile_pipe_text(
      raw_pipe("", R"(["std.stream.xf.require_brand_v1", ["brand", "sluice.msgpack_v1"]], )" + kToJson), "p.json",
      CompileOptions{.world = World::kSolvePure});
  for (const Diagnostic& d : explicit_req.diagnostics) INFO(d.message);
  REQUIRE(explicit_req.plan);
  CHECK(explicit_req.plan->chain[0].arg("validator")->bytes == "sluice.msgpack.validate_v1");
}
