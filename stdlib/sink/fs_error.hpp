// The error code fs sinks put in their ERR payloads: the errno of the failed call, with the
// sandbox refusals mapped to errno values of the same meaning (see docs/compat.md).
#pragma once

#include <cerrno>
#include <cstdint>

#include "runtime/fs_sandbox.hpp"

namespace sluice {

inline std::uint32_t fs_error_code(PathError e, int err_no) {
  switch (e) {
    case PathError::kUnsafe: return EINVAL;        // not a safe relative path
    case PathError::kEscapesRoot: return EXDEV;    // resolves outside the fs root
    case PathError::kOs:
    case PathError::kNone: break;
  }
  return err_no == 0 ? static_cast<std::uint32_t>(EIO) : static_cast<std::uint32_t>(err_no);
}

}  // namespace sluice
