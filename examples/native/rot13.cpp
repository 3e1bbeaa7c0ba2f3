// A native module: two stage functions in plain C++, used by rot13_pipe.json.
//
//   sluice run examples/native/rot13_pipe.json --native-module examples/native/rot13.cpp --emit payload
//
// See docs/native_modules.md for the ABI and what a native module may use.
#include <cstdint>

#include "stdlib/native_module.hpp"

namespace {

// map (bytes_view) -> bytes: each ASCII letter rotated 13 places, every other byte unchanged.
sluice::UserFnStatus rot13(const void*, sluice::UserFnIo& io) {
  io.out->clear();
  io.out->reserve(io.item.size);
  for (const std::uint8_t c : io.item) {
    if (c >= 'a' && c <= 'z') {
      io.out->push_back(static_cast<std::uint8_t>('a' + (c - 'a' + 13) % 26));
    } else if (c >= 'A' && c <= 'Z') {
      io.out->push_back(static_cast<std::uint8_t>('A' + (c - 'A' + 13) % 26));
    } else {
      io.out->push_back(c);
    }
  }
  return sluice::UserFnStatus::kOk;
}

// filter (bytes_view) -> i32: keeps items holding an ASCII digit (non-zero keeps).
sluice::UserFnStatus has_digit(const void*, sluice::UserFnIo& io) {
  io.value = 0;
  for (const std::uint8_t c : io.item)
    if (c >= '0' && c <= '9') io.value = 1;
  return sluice::UserFnStatus::kOk;
}

}  // namespace

SLUICE_NATIVE_MODULE({"app.text.rot13", sluice::UserFnSig::kMap, rot13},
                     {"app.text.has_digit", sluice::UserFnSig::kFilter, has_digit})
