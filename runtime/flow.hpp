// Flow control between stages of the depth-first push loop.
#pragma once

#include <cstdint>

namespace sluice {

enum class Flow : std::uint8_t {
  // The item was handled. The caller goes on with its next output (or the source with its next item).
  kContinue,
  // The run is over: an ERR doc or a trap is recorded in the RunContext. The caller returns kHalt
  // at once, after (for plugin-like stages) scanning the rest of its input for an error of its own,
  // which takes precedence (spec §5).
  kHalt,
};

}  // namespace sluice
