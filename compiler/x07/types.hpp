// The value types of the x07 expression subset (spec x07-modules §1.2, §8.2): i32 (u32 is an
// alias), bytes, bytes_view, vec_u8, result_i32, result_bytes, result_bytes_view and the
// options; plus `never`, the type of a `return`, which fits any expected type.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace sluice::x07 {

enum class Ty : std::uint8_t {
  kI32, kBytes, kView, kVec, kResI32, kResBytes, kOptI32, kOptBytes, kResView, kOptView, kNever
};

inline std::string_view ty_name(Ty t) {
  switch (t) {
    case Ty::kI32: return "i32";
    case Ty::kBytes: return "bytes";
    case Ty::kView: return "bytes_view";
    case Ty::kVec: return "vec_u8";
    case Ty::kResI32: return "result_i32";
    case Ty::kResBytes: return "result_bytes";
    case Ty::kOptI32: return "option_i32";
    case Ty::kOptBytes: return "option_bytes";
    case Ty::kResView: return "result_bytes_view";
    case Ty::kOptView: return "option_bytes_view";
    case Ty::kNever: return "never";
  }
  return "?";
}

inline std::optional<Ty> parse_ty(std::string_view s) {
  if (s == "i32" || s == "u32") return Ty::kI32;
  if (s == "bytes") return Ty::kBytes;
  if (s == "bytes_view") return Ty::kView;
  if (s == "vec_u8") return Ty::kVec;
  if (s == "result_i32") return Ty::kResI32;
  if (s == "result_bytes") return Ty::kResBytes;
  if (s == "option_i32") return Ty::kOptI32;
  if (s == "option_bytes") return Ty::kOptBytes;
  if (s == "result_bytes_view") return Ty::kResView;
  if (s == "option_bytes_view") return Ty::kOptView;
  return std::nullopt;
}

// Owned values are moved when read where their own type is expected (spec §2.9).
inline bool is_owned(Ty t) { return t == Ty::kBytes || t == Ty::kVec || t == Ty::kResBytes || t == Ty::kOptBytes; }
// Types a brand may be attached to (spec §1.2).
inline bool is_bytes_like(Ty t) {
  return t == Ty::kBytes || t == Ty::kView || t == Ty::kResBytes || t == Ty::kOptBytes || t == Ty::kResView ||
         t == Ty::kOptView;
}
// Types whose values may hold a view, i.e. borrow an owner: copied when read, and checked by
// the borrow checker like a bytes_view.
inline bool holds_view(Ty t) { return t == Ty::kView || t == Ty::kResView || t == Ty::kOptView; }

}  // namespace sluice::x07
