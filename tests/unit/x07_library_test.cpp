// Tests of compiler/x07/library: the X7SL v1 validator of x07-pipes §10 (every error code in its
// order and the spec's examples), std.str.validate_v1, std.parse.u32_dec and the maps/filters.
#include <doctest/doctest.h>

#include "stdlib/x07/library.hpp"
#include "tests/support/test_support.hpp"

using namespace sluice;
using namespace sluice::x07;

namespace {

UserFnIo call(std::string_view name, std::string_view item, std::vector<std::uint8_t>* out = nullptr) {
  const LibraryFn* f = find_library_fn(name);
  REQUIRE(f != nullptr);
  UserFnIo io;
  io.item = ByteView::of(item);
  io.out = out;
  CHECK(f->entry(nullptr, io) == UserFnStatus::kOk);
  return io;
}

std::string bytes_of(const std::string& hex) {
  const auto b = test::from_hex(hex);
  return {b.begin(), b.end()};
}

}  // namespace

TEST_CASE("x07 library: X7SL v1 validation, in the spec's order") {
  const auto x7sl = [](const std::string& hex) { return validate_x7sl(ByteView::of(bytes_of(hex))); };
  CHECK(x7sl("58375300") == std::pair<bool, std::int32_t>{true, 0x7E510001});
  CHECK(x7sl("583753") == std::pair<bool, std::int32_t>{true, 0x7E510001});
  CHECK(x7sl("58375359" "01000000" "00000000") == std::pair<bool, std::int32_t>{true, 0x7E510004});
  CHECK(x7sl("5837534c" "02000000" "00000000") == std::pair<bool, std::int32_t>{true, 0x7E510002});
  CHECK(x7sl("5837534c" "01000000" "01000000") == std::pair<bool, std::int32_t>{true, 0x7E510003});
  // The spec's examples: "a\nb\n" lines, empty input, "\n".
  CHECK(x7sl("5837534c" "01000000" "02000000" "00000000" "01000000" "02000000" "01000000") == std::pair<bool, std::int32_t>{false, 2});
  CHECK(x7sl("5837534c" "01000000" "01000000" "00000000" "00000000") == std::pair<bool, std::int32_t>{false, 1});
  // Through the library entry point.
  const UserFnIo io = call("std.text.slices.validate_v1", bytes_of("5837534c" "01000000" "00000000"));
  CHECK_FALSE(io.is_err);
  CHECK(io.value == 0);
}

TEST_CASE("x07 library: UTF-8, parse and the maps") {
  CHECK(call("std.text.utf8.is_valid", "h\xc3\xa9").value == 1);
  CHECK(call("std.text.utf8.is_valid", "\xc0\x80").value == 0);       // overlong
  CHECK(call("std.text.utf8.is_valid", "\xed\xa0\x80").value == 0);   // surrogate
  const UserFnIo bad = call("std.str.validate_v1", "\xff");
  CHECK(bad.is_err);
  CHECK(bad.value == 1431193656);
  CHECK_FALSE(call("std.str.validate_v1", "ok").is_err);
  CHECK(call("std.parse.u32_dec", " 42\t").value == 42);
  CHECK(call("std.parse.u32_dec", "").value == 1);
  CHECK(call("std.parse.u32_dec", "4x").value == 2);
  CHECK(call("std.parse.u32_dec", "4294967296").value == 3);
  CHECK(call("std.parse.u32_dec", "4294967295").value == -1);
  CHECK(call("std.bytes.len", "abc").value == 3);
  CHECK(call("std.bytes.max_u8", "abz").value == 'z');
  CHECK(call("std.hash.fnv1a32_view", "abc").value == static_cast<std::int32_t>(0x1a47e90bu));
  std::vector<std::uint8_t> out;
  call("std.codec.hex_encode_v1", "\x01\xab", &out);
  CHECK(std::string(out.begin(), out.end()) == "01ab");
  call("std.bytes.reverse", "abc", &out);
  CHECK(std::string(out.begin(), out.end()) == "cba");
  call("std.text.utf8.validate_or_empty", "\xff", &out);
  CHECK(out.empty());
  CHECK(library_brand_validator("std.str", "std.str.utf8_v1") == std::optional<std::string_view>("std.str.validate_v1"));
  CHECK_FALSE(library_brand_validator("std.str", "other").has_value());
}

TEST_CASE("x07 library: std.codec hex and base64, with the doc envelopes of the decoders") {
  std::vector<std::uint8_t> out;
  const auto map = [&](std::string_view name, std::string_view item) {
    call(name, item, &out);
    return test::to_hex(out);
  };
  // Decoders give tag 1 + the bytes, or tag 0 + code u32 LE + an empty message (docs/compat.md).
  CHECK(map("std.codec.hex_decode_v1", "0aFf") == "010aff");
  CHECK(map("std.codec.hex_decode_v1", "") == "01");
  CHECK(map("std.codec.hex_decode_v1", "abc") == "000100000000000000");  // odd length
  CHECK(map("std.codec.hex_decode_v1", "0g") == "000200000000000000");   // not a hex digit
  CHECK(map("std.codec.base64_encode_v1", "") == "");
  call("std.codec.base64_encode_v1", "hi!?", &out);
  CHECK(std::string(out.begin(), out.end()) == "aGkhPw==");
  call("std.codec.base64_encode_v1", "\xfb\xff", &out);
  CHECK(std::string(out.begin(), out.end()) == "+/8=");
  CHECK(map("std.codec.base64_decode_v1", "aGkhPw==") == "016869213f");
  CHECK(map("std.codec.base64_decode_v1", "+/8=") == "01fbff");
  CHECK(map("std.codec.base64_decode_v1", "aGk") == "000100000000000000");       // not a multiple of 4
  CHECK(map("std.codec.base64_decode_v1", "a=A=") == "000200000000000000");      // '=' inside
  CHECK(map("std.codec.base64_decode_v1", "aGk=aGk=") == "000200000000000000");  // '=' before the end
  CHECK(map("std.codec.base64_decode_v1", "a===") == "000200000000000000");      // three '='
  CHECK(call("std.bytes.sum_u8", "\xff\xff").value == 510);
}

TEST_CASE("x07 library: std.parse.i32_dec, signed, with u32_dec's trimming and codes") {
  CHECK(call("std.parse.i32_dec", " -12\t").value == -12);
  CHECK(call("std.parse.i32_dec", "+5").value == 5);
  CHECK(call("std.parse.i32_dec", "-2147483648").value == INT32_MIN);
  CHECK(call("std.parse.i32_dec", "2147483647").value == INT32_MAX);
  const UserFnIo over = call("std.parse.i32_dec", "2147483648");
  CHECK(over.is_err);
  CHECK(over.value == 3);
  CHECK(call("std.parse.i32_dec", "-2147483649").value == 3);
  CHECK(call("std.parse.i32_dec", " ").value == 1);
  CHECK(call("std.parse.i32_dec", "-").value == 2);  // a sign alone
  CHECK(call("std.parse.i32_dec", "4x").value == 2);
  CHECK(call("std.parse.i32_dec", "--4").value == 2);
}
