// The handle through which stage kernels call user functions (map, filter, map_in_place,
// validators) without knowing who implements them: the x07AST interpreter (compiler/x07) or a
// native C++ function a host program registered. A context pointer and a plain function pointer.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/bytes.hpp"

namespace sluice {

// scratch_u8_fixed_v1 (spec x07-modules §2.7): a map_in_place stage's fixed-capacity buffer.
// The stage owns it for the whole run; the function appends to it through try_write.
struct ScratchBuf {
  std::vector<std::uint8_t> data;  // reserved to `cap` once, so appends never reallocate
  std::uint32_t cap = 0;
  // The i32 handle the function sees as its second argument. Any other value traps.
  static constexpr std::int32_t kHandle = 1;
};

// One call's inputs and outputs. The kernel keeps one per stage and reuses it, so a call that
// only reads its view allocates nothing.
struct UserFnIo {
  ByteView item;                           // in: the item (bytes_view)
  ScratchBuf* scratch = nullptr;           // in: map_in_place only
  std::vector<std::uint8_t>* out = nullptr;  // out: a map's result bytes (the callee replaces them)
  std::int32_t value = 0;                  // out: i32 result, or result_i32's ok value / err code
  bool is_err = false;                     // out: result_i32 is err(value)
  std::string trap;                        // out: what went wrong when the status is not kOk
};

enum class UserFnStatus : std::uint8_t {
  kOk,    // the outputs are set
  kTrap,  // the function trapped (out-of-bounds read, ...); io.trap says why
  kFuel,  // the function ran out of fuel (a runaway loop); io.trap says which
};

using UserFnEntry = UserFnStatus (*)(const void* ctx, UserFnIo& io);

// What a stage calls. Copyable; whoever made it keeps `ctx` alive at least as long as the plan
// that holds it (Plan::user_fn_owner).
struct UserFn {
  const void* ctx = nullptr;
  UserFnEntry entry = nullptr;
  [[nodiscard]] explicit operator bool() const { return entry != nullptr; }
  UserFnStatus operator()(UserFnIo& io) const { return entry(ctx, io); }
};

// The stage signatures of spec x07-modules §7.1.
enum class UserFnSig : std::uint8_t {
  kMap,         // (bytes_view) -> bytes
  kFilter,      // (bytes_view) -> i32
  kValidator,   // (bytes_view) -> result_i32
  kMapInPlace,  // (bytes_view, i32 scratch handle) -> result_i32
};

inline std::string_view user_fn_sig_text(UserFnSig s) {
  switch (s) {
    case UserFnSig::kMap: return "(bytes_view) -> bytes";
    case UserFnSig::kFilter: return "(bytes_view) -> i32";
    case UserFnSig::kValidator: return "(bytes_view) -> result_i32";
    case UserFnSig::kMapInPlace: return "(bytes_view, i32) -> result_i32";
  }
  return "?";
}

}  // namespace sluice
