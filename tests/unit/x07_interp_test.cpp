// Tests of compiler/x07/interp: the i32 operators at their edges (wraparound, unsigned / and %
// by zero, shift masking, signed vs unsigned compares), the builtins, every trap of spec
// x07-modules §2.10, the fuel limit and the call-depth limit.
#include <doctest/doctest.h>

#include "compiler/json_source.hpp"
#include "compiler/x07/interp.hpp"
#include "compiler/x07/typecheck.hpp"
#include "tests/support/test_support.hpp"

using namespace sluice;
using namespace sluice::x07;

namespace {

struct Eval {
  JsonNode root;  // the tree's nodes point into it
  std::vector<Diagnostic> diags;
  EvalResult result;
};

Eval eval(const std::string& text, std::uint64_t fuel = kDefaultFuel) {
  Eval e;
  JsonParseResult parsed = parse_json(text);
  REQUIRE(parsed.root);
  e.root = std::move(*parsed.root);
  CheckEnv env;
  env.file = "t";
  env.out = &e.diags;
  const auto ir = check_expr_ir(e.root, "", {}, Ty::kNever, env);
  INFO(text);
  REQUIRE(ir.has_value());
  e.result = eval_expr(*ir, {}, EvalSettings{fuel, {}});
  return e;
}

std::int32_t i32(const std::string& text) {
  const Eval e = eval(text);
  REQUIRE(e.result.status == UserFnStatus::kOk);
  return e.result.value.i;
}

std::string bytes(const std::string& text) {
  const Eval e = eval(text);
  REQUIRE(e.result.status == UserFnStatus::kOk);
  return std::string(e.result.value.buf.begin(), e.result.value.buf.end());
}

std::string trap(const std::string& text) {
  const Eval e = eval(text);
  INFO(text);
  CHECK(e.result.status == UserFnStatus::kTrap);
  return e.result.trap;
}

}  // namespace

TEST_CASE("x07 interp: + - * wrap modulo 2^32") {
  CHECK(i32(R"(["+", 2147483647, 1])") == INT32_MIN);
  CHECK(i32(R"(["-", -2147483648, 1])") == INT32_MAX);
  CHECK(i32(R"(["-", 0, 5])") == -5);
  CHECK(i32(R"(["*", 65536, 65536])") == 0);
  CHECK(i32(R"(["*", -1, -1])") == 1);
  CHECK(i32(R"(["*", 2147483647, 2])") == -2);
}

TEST_CASE("x07 interp: / and % are unsigned, x/0 = 0 and x%0 = x, no trap") {
  CHECK(i32(R"(["/", 7, 2])") == 3);
  CHECK(i32(R"(["/", -1, 2])") == 2147483647);  // 0xFFFFFFFF / 2
  CHECK(i32(R"(["%", -1, 10])") == 5);          // 4294967295 % 10
  CHECK(i32(R"(["/", 5, 0])") == 0);
  CHECK(i32(R"(["/", -7, 0])") == 0);
  CHECK(i32(R"(["%", 5, 0])") == 5);
  CHECK(i32(R"(["%", -7, 0])") == -7);
}

TEST_CASE("x07 interp: shifts are logical with the count masked by 31") {
  CHECK(i32(R"(["<<u", 1, 31])") == INT32_MIN);
  CHECK(i32(R"(["<<u", 1, 32])") == 1);
  CHECK(i32(R"(["<<u", 1, 33])") == 2);
  CHECK(i32(R"([">>u", -1, 28])") == 15);  // logical: zeroes come in
  CHECK(i32(R"([">>u", -1, 32])") == -1);
  CHECK(i32(R"([">>u", 256, -1])") == 0);  // count 0xFFFFFFFF & 31 = 31
}

TEST_CASE("x07 interp: signed and unsigned compares, bit ops, short-circuit logic") {
  CHECK(i32(R"(["<", -1, 0])") == 1);
  CHECK(i32(R"(["<u", 0, -1])") == 1);  // (<u x 0) itself is a compile error: x07_typecheck_test
  CHECK(i32(R"([">u", -1, 0])") == 1);
  CHECK(i32(R"(["<=u", 5, 5])") == 1);
  CHECK(i32(R"([">=u", 4, 5])") == 0);
  CHECK(i32(R"([">=", -2, -3])") == 1);
  CHECK(i32(R"(["<=", -3, -3])") == 1);
  CHECK(i32(R"([">", 1, 2])") == 0);
  CHECK(i32(R"(["=", -1, -1])") == 1);
  CHECK(i32(R"(["!=", 1, 1])") == 0);
  CHECK(i32(R"(["&", 12, 10])") == 8);
  CHECK(i32(R"(["|", 12, 10])") == 14);
  CHECK(i32(R"(["^", 12, 10])") == 6);
  CHECK(i32(R"(["&&", 5, 7])") == 1);  // normalized to 0/1
  CHECK(i32(R"(["||", 0, 9])") == 1);
  CHECK(i32(R"(["||", 0, 0])") == 0);
  // Short-circuit: the trapping right side is never evaluated.
  CHECK(i32(R"(["&&", 0, ["view.get_u8", ["bytes.lit", ""], 0]])") == 0);
  CHECK(i32(R"(["||", 1, ["view.get_u8", ["bytes.lit", ""], 0]])") == 1);
}

TEST_CASE("x07 interp: forms, literals and the unsigned for bound") {
  CHECK(i32(R"(["begin", ["let", "x", 5], ["set", "x", ["+", "x", 1]], "x"])") == 6);
  CHECK(i32(R"(["i32.lit", -42])") == -42);
  CHECK(i32(R"(["if", 0, 1, 2])") == 2);
  CHECK(i32(R"(["begin", ["let", "s", 0], ["for", "i", 0, 5, ["set0", "s", ["+", "s", "i"]]], "s"])") == 10);
  // The bound is unsigned: from -2 (0xFFFFFFFE) to 0 runs no iteration...
  CHECK(i32(R"(["begin", ["let", "s", 0], ["for", "i", -2, 0, ["set0", "s", 1]], "s"])") == 0);
  // ...and from 0 to -2 would run 2^32-2 times: the fuel limit stops it.
  CHECK(eval(R"(["begin", ["let", "s", 0], ["for", "i", 0, -2, ["set0", "s", 1]], "s"])", 1000).result.status ==
        UserFnStatus::kFuel);
  CHECK(i32(R"(["begin", ["let", "n", 0], ["while", ["<", "n", 7], ["set0", "n", ["+", "n", 1]]], "n"])") == 7);
  // end is evaluated once; the body may set the loop variable.
  CHECK(i32(R"(["begin", ["let", "c", 0], ["for", "i", 0, 10, ["begin", ["set0", "i", ["+", "i", 1]], ["set0", "c", ["+", "c", 1]]]], "c"])") == 5);
}

TEST_CASE("x07 interp: bytes, view, codec, vec_u8 and result builtins") {
  CHECK(bytes(R"(["bytes.lit", "héllo"])") == "héllo");
  CHECK(i32(R"(["view.len", ["bytes.lit", "abc"]])") == 3);
  CHECK(i32(R"(["view.get_u8", ["bytes.lit", "abc"], 1])") == 'b');
  CHECK(bytes(R"(["bytes.concat", ["bytes.lit", "ab"], ["bytes.lit", "cd"]])") == "abcd");
  CHECK(bytes(R"(["bytes.slice", ["bytes.lit", "abcdef"], 2, 3])") == "cde");
  CHECK(bytes(R"(["view.to_bytes", ["view.slice", ["bytes.lit", "abcdef"], 1, 2]])") == "bc");
  CHECK(bytes(R"(["begin", ["let", "b", ["bytes.alloc", 3]], ["set", "b", ["bytes.set_u8", "b", 1, 321]], "b"])") ==
        std::string("\0A\0", 3));
  CHECK(bytes(R"(["codec.write_u32_le", 258])") == std::string("\x02\x01\0\0", 4));
  CHECK(i32(R"(["codec.read_u32_le", ["codec.write_u32_le", -2], 0])") == -2);
  CHECK(i32(R"(["bytes.eq", ["bytes.lit", "ab"], ["bytes.lit", "ab"]])") == 1);
  CHECK(i32(R"(["view.eq", ["bytes.lit", "ab"], ["bytes.lit", "abc"]])") == 0);
  CHECK(i32(R"(["bytes.cmp_range", ["bytes.lit", "abc"], 0, 2, ["bytes.lit", "abd"], 0, 3])") == -1);
  CHECK(i32(R"(["bytes.cmp_range", ["bytes.lit", "b"], 0, 1, ["bytes.lit", "abd"], 0, 3])") == 1);
  CHECK(bytes(R"(["begin", ["let", "v", ["vec_u8.with_capacity", 2]], ["set", "v", ["vec_u8.push", "v", 65]],
                  ["set", "v", ["vec_u8.extend_bytes", "v", ["bytes.lit", "xyz"]]],
                  ["set", "v", ["vec_u8.extend_bytes_range", "v", ["bytes.lit", "0123"], 1, 2]],
                  ["vec_u8.into_bytes", "v"]])") == "Axyz12");
  CHECK(i32(R"(["begin", ["let", "v", ["vec_u8.with_capacity", 0]], ["set", "v", ["vec_u8.push", "v", 7]], ["vec_u8.get", "v", 0]])") == 7);
  CHECK(i32(R"(["result_i32.unwrap_or", ["result_i32.err", 5], 9])") == 9);
  CHECK(i32(R"(["result_i32.err_code", ["result_i32.ok", 5]])") == 0);
  CHECK(i32(R"(["result_i32.is_ok", ["result_i32.ok", 5]])") == 1);
  CHECK(bytes(R"(["result_bytes.unwrap_or", ["result_bytes.err", 3], ["bytes.lit", "d"]])") == "d");
  CHECK(i32(R"(["begin", ["let", "r", ["result_bytes.ok", ["bytes.lit", "x"]]], ["result_bytes.is_ok", "r"]])") == 1);
  CHECK(i32(R"(["option_i32.unwrap_or", ["option_i32.none"], 4])") == 4);
  CHECK(i32(R"(["option_i32.unwrap_or", ["option_i32.some", 9], 4])") == 9);
  CHECK(i32(R"(["option_i32.is_some", ["option_i32.some", 0]])") == 1);
  CHECK(bytes(R"(["option_bytes.unwrap_or", ["option_bytes.none"], ["bytes.lit", "d"]])") == "d");
  CHECK(bytes(R"(["begin", ["let", "o", ["option_bytes.some", ["bytes.lit", "s"]]], ["let", "k", ["option_bytes.is_some", "o"]],
                  ["option_bytes.unwrap_or", "o", ["bytes.lit", "d"]]])") == "s");
  CHECK(bytes(R"(["fmt.s32_to_dec", -120])") == "-120");
  CHECK(bytes(R"(["fmt.u32_to_dec", -1])") == "4294967295");
  CHECK(i32(R"(["parse.u32_dec", ["bytes.lit", "123x"]])") == 123);
}

TEST_CASE("x07 interp: every out-of-bounds trap names the read and where") {
  CHECK(trap(R"(["view.get_u8", ["bytes.lit", "abc"], 3])").find("out-of-bounds read: index 3 on 3 bytes (at 1:1)") != std::string::npos);
  trap(R"(["bytes.get_u8", ["bytes.lit", ""], 0])");
  trap(R"(["view.get_u8", ["bytes.lit", "abc"], -1])");  // -1 is 0xFFFFFFFF unsigned
  trap(R"(["view.slice", ["bytes.lit", "abc"], 4, 0])");
  trap(R"(["view.slice", ["bytes.lit", "abc"], 1, 3])");
  trap(R"(["bytes.slice", ["bytes.lit", "abc"], 2, 2])");
  trap(R"(["codec.read_u32_le", ["bytes.lit", "abc"], 0])");
  trap(R"(["codec.read_u32_le", ["bytes.lit", "abcdefgh"], 5])");
  trap(R"(["begin", ["let", "b", ["bytes.alloc", 2]], ["set", "b", ["bytes.set_u8", "b", 2, 0]], 0])");
  trap(R"(["begin", ["let", "v", ["vec_u8.with_capacity", 4]], ["vec_u8.get", "v", 0]])");
  trap(R"(["begin", ["let", "v", ["vec_u8.with_capacity", 4]], ["set", "v", ["vec_u8.set", "v", 0, 1]], 0])");
  trap(R"(["bytes.cmp_range", ["bytes.lit", "abc"], 2, 2, ["bytes.lit", "abc"], 0, 1])");
  trap(R"(["begin", ["let", "v", ["vec_u8.with_capacity", 0]], ["set", "v", ["vec_u8.extend_bytes_range", "v", ["bytes.lit", "ab"], 1, 2]], 0])");
  CHECK(trap(R"(["bytes.alloc", -1])").find("length overflow") != std::string::npos);
  CHECK(trap(R"(["scratch_u8_fixed_v1.try_write", 1, ["bytes.lit", "a"]])").find("invalid scratch handle 1") != std::string::npos);
}

TEST_CASE("x07 interp: fuel ends a runaway loop with its own status") {
  const Eval e = eval(R"(["while", 1, 0])", 10000);
  CHECK(e.result.status == UserFnStatus::kFuel);
  CHECK(e.result.trap.find("out of fuel after 10000 steps") != std::string::npos);
}
