// The handle through which stage kernels call user functions (map, filter, map_in_place,
// validators) without knowing who implements them: the x07AST interpreter (compiler/x07) or a
// native C++ function a host program registered. A context pointer and a plain function pointer.
#pragma once

#include <atomic>
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
  ByteView item;                           // in: the item (bytes_view; par_map: copied into the owned `bytes` param)
  ByteView mapper_ctx;                     // in: par_map only, the stage's ctx (first param, bytes_view)
  // in: par_map only, the item already copied to owned bytes: the callee takes its buffer (swaps
  // or moves it into its `bytes` param) instead of copying the item a second time. May be null.
  std::vector<std::uint8_t>* owned_item = nullptr;
  // in: set by a par_map stage that cancels its in-flight work; the callee polls it at its fuel
  // checks and ends with kCanceled. Null: never canceled.
  const std::atomic<bool>* cancel = nullptr;
  ScratchBuf* scratch = nullptr;           // in: map_in_place only
  std::vector<std::uint8_t>* out = nullptr;  // out: a map's result bytes, result_bytes' ok value (the callee replaces them)
  std::int32_t value = 0;                  // out: i32 result, or result_i32's ok value / err code, result_bytes' err code
  bool is_err = false;                     // out: result_i32 / result_bytes is err(value)
  std::string trap;                        // out: what went wrong when the status is not kOk
};

enum class UserFnStatus : std::uint8_t {
  kOk,    // the outputs are set
  kTrap,  // the function trapped (out-of-bounds read, ...); io.trap says why
  kFuel,  // the function ran out of fuel (a runaway loop); io.trap says which
  kCanceled,  // io.cancel was set while it ran (par_map cancels in-flight work): no result
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
  kParMap,        // par_map mapper: (bytes_view ctx, bytes item) -> bytes
  kParMapResult,  // par_map _result_bytes mapper: (bytes_view ctx, bytes item) -> result_bytes
};

inline std::string_view user_fn_sig_text(UserFnSig s) {
  switch (s) {
    case UserFnSig::kMap: return "(bytes_view) -> bytes";
    case UserFnSig::kFilter: return "(bytes_view) -> i32";
    case UserFnSig::kValidator: return "(bytes_view) -> result_i32";
    case UserFnSig::kMapInPlace: return "(bytes_view, i32) -> result_i32";
    case UserFnSig::kParMap: return "(bytes_view, bytes) -> bytes";
    case UserFnSig::kParMapResult: return "(bytes_view, bytes) -> result_bytes";
  }
  return "?";
}

}  // namespace sluice
