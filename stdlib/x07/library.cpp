#include "stdlib/x07/library.hpp"

#include <algorithm>
#include <array>

#include "stdlib/text/utf8.hpp"
#include "stdlib/x07/msgpack_token.hpp"
#include "runtime/hash_fnv1a.hpp"
#include "stdlib/x07/rt.hpp"

namespace sluice::x07 {
namespace {

UserFnStatus utf8_is_valid(const void*, UserFnIo& io) {
  io.value = is_valid_utf8(io.item) ? 1 : 0;
  return UserFnStatus::kOk;
}

// std.str.validate_v1: err 0x554E4838 ("8HNU") when not UTF-8.
UserFnStatus str_validate(const void*, UserFnIo& io) {
  const bool ok = is_valid_utf8(io.item);
  io.is_err = !ok;
  io.value = ok ? 0 : 1431193656;
  return UserFnStatus::kOk;
}

UserFnStatus x7sl_validate(const void*, UserFnIo& io) {
  const auto [err, v] = validate_x7sl(io.item);
  io.is_err = err;
  io.value = v;
  return UserFnStatus::kOk;
}

// sluice.msgpack.validate_v1, the validator of the built-in brand sluice.msgpack_v1: err is the
// msgpack code (docs/msgpack.md): 130 0xc1, 131 cut short, 133 deeper than 64, 135 trailing bytes,
// 136 a str not UTF-8.
UserFnStatus msgpack_validate(const void*, UserFnIo& io) {
  const msgpack::Code c = msgpack::validate_value(io.item.data, io.item.size);
  io.is_err = c != msgpack::Code::kOk;
  io.value = static_cast<std::int32_t>(c);
  return UserFnStatus::kOk;
}

// std.parse.u32_dec: spaces and tabs trimmed; err 1 empty, 2 non-digit, 3 overflow.
UserFnStatus parse_u32_dec(const void*, UserFnIo& io) {
  std::string_view t = io.item.as_chars();
  while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
  while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
  io.is_err = true;
  if (t.empty()) {
    io.value = 1;
    return UserFnStatus::kOk;
  }
  std::uint64_t v = 0;
  for (const char c : t) {
    if (c < '0' || c > '9') {
      io.value = 2;
      return UserFnStatus::kOk;
    }
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
    if (v > 0xFFFFFFFFu) {
      io.value = 3;
      return UserFnStatus::kOk;
    }
  }
  io.is_err = false;
  io.value = static_cast<std::int32_t>(static_cast<std::uint32_t>(v));
  return UserFnStatus::kOk;
}

// std.parse.i32_dec: as u32_dec, with one optional leading '-' or '+'; err 3 outside i32.
UserFnStatus parse_i32_dec(const void*, UserFnIo& io) {
  std::string_view t = io.item.as_chars();
  while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
  while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
  io.is_err = true;
  if (t.empty()) {
    io.value = 1;
    return UserFnStatus::kOk;
  }
  const bool negative = t.front() == '-';
  if (t.front() == '-' || t.front() == '+') t.remove_prefix(1);
  if (t.empty()) {  // a sign alone is not a number
    io.value = 2;
    return UserFnStatus::kOk;
  }
  const std::uint64_t limit = negative ? 2147483648u : 2147483647u;
  std::uint64_t v = 0;
  for (const char c : t) {
    if (c < '0' || c > '9') {
      io.value = 2;
      return UserFnStatus::kOk;
    }
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
    if (v > limit) {
      io.value = 3;
      return UserFnStatus::kOk;
    }
  }
  io.is_err = false;
  io.value = static_cast<std::int32_t>(negative ? -static_cast<std::int64_t>(v) : static_cast<std::int64_t>(v));
  return UserFnStatus::kOk;
}

UserFnStatus bytes_len(const void*, UserFnIo& io) {
  io.value = static_cast<std::int32_t>(io.item.size);
  return UserFnStatus::kOk;
}

UserFnStatus bytes_max_u8(const void*, UserFnIo& io) {
  io.value = x07rt::max_u8(io.item);
  return UserFnStatus::kOk;
}

UserFnStatus bytes_sum_u8(const void*, UserFnIo& io) {
  io.value = x07rt::sum_u8(io.item);
  return UserFnStatus::kOk;
}

UserFnStatus fnv1a32_view(const void*, UserFnIo& io) {
  io.value = static_cast<std::int32_t>(fnv1a32_update(kFnv1a32Basis, io.item));
  return UserFnStatus::kOk;
}

UserFnStatus bytes_copy(const void*, UserFnIo& io) {
  io.out->assign(io.item.begin(), io.item.end());
  return UserFnStatus::kOk;
}

UserFnStatus bytes_reverse(const void*, UserFnIo& io) {
  *io.out = x07rt::reverse(io.item);
  return UserFnStatus::kOk;
}

// The std.codec maps (their semantics are in rt.hpp, shared with the builtins).
template <x07rt::Buf (*F)(ByteView)>
UserFnStatus codec_map(const void*, UserFnIo& io) {
  *io.out = F(io.item);
  return UserFnStatus::kOk;
}

UserFnStatus utf8_validate_or_empty(const void*, UserFnIo& io) {
  if (is_valid_utf8(io.item)) io.out->assign(io.item.begin(), io.item.end());
  else io.out->clear();
  return UserFnStatus::kOk;
}

constexpr std::array<LibraryFn, 18> kLibrary{{
    {"std.text.utf8.is_valid", UserFnSig::kFilter, utf8_is_valid},
    {"std.str.validate_v1", UserFnSig::kValidator, str_validate},
    {"std.text.slices.validate_v1", UserFnSig::kValidator, x7sl_validate},
    {"std.parse.u32_dec", UserFnSig::kValidator, parse_u32_dec},
    {"std.parse.i32_dec", UserFnSig::kValidator, parse_i32_dec},
    {"std.bytes.len", UserFnSig::kFilter, bytes_len},
    {"std.bytes.max_u8", UserFnSig::kFilter, bytes_max_u8},
    {"std.bytes.sum_u8", UserFnSig::kFilter, bytes_sum_u8},
    {"std.hash.fnv1a32_view", UserFnSig::kFilter, fnv1a32_view},
    {"std.bytes.copy", UserFnSig::kMap, bytes_copy},
    {"std.bytes.reverse", UserFnSig::kMap, bytes_reverse},
    {"std.codec.hex_encode_v1", UserFnSig::kMap, codec_map<x07rt::hex_encode>},
    {"std.codec.hex_decode_v1", UserFnSig::kMap, codec_map<x07rt::hex_decode>},
    {"std.codec.base64_encode_v1", UserFnSig::kMap, codec_map<x07rt::base64_encode>},
    {"std.codec.base64_decode_v1", UserFnSig::kMap, codec_map<x07rt::base64_decode>},
    {"std.text.utf8.validate_or_empty", UserFnSig::kMap, utf8_validate_or_empty},
    {"std.view.to_bytes_v1", UserFnSig::kMap, bytes_copy},
    {"sluice.msgpack.validate_v1", UserFnSig::kValidator, msgpack_validate},
}};

}  // namespace

std::span<const LibraryFn> library_fns() { return kLibrary; }

const LibraryFn* find_library_fn(std::string_view name) {
  for (const LibraryFn& f : kLibrary)
    if (f.name == name) return &f;
  return nullptr;
}

std::optional<std::string_view> library_brand_validator(std::string_view module_id, std::string_view brand) {
  if (module_id == "std.text.slices" && brand == "std.text.slices.x7sl_v1") return "std.text.slices.validate_v1";
  if (module_id == "std.str" && brand == "std.str.utf8_v1") return "std.str.validate_v1";
  // Built-in brands: known whatever the registry module (or none), so no import is needed.
  if (brand == "sluice.msgpack_v1") return "sluice.msgpack.validate_v1";
  return std::nullopt;
}

bool is_library_module(std::string_view module_id) {
  return module_id == "std.text.slices" || module_id == "std.str" || module_id == "ext.data_model";
}

std::pair<bool, std::int32_t> validate_x7sl(ByteView v) {
  if (v.size < 12) return {true, 0x7E510001};
  if (v.data[0] != 'X' || v.data[1] != '7' || v.data[2] != 'S' || v.data[3] != 'L') return {true, 0x7E510004};
  if (load_u32le(v.data + 4) != 1) return {true, 0x7E510002};
  const std::uint32_t count = load_u32le(v.data + 8);
  // i32 arithmetic, as in X07: 12 + 8*count wraps.
  if (v.size != 12u + 8u * count) return {true, 0x7E510003};
  return {false, static_cast<std::int32_t>(count)};
}

}  // namespace sluice::x07
