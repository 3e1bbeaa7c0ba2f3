// xf.msgpack_split_v1 (docs/msgpack.md): a byte stream of concatenated msgpack values, cut
// anywhere, becomes one item per complete top-level value. A value that lies inside one input
// chunk goes out as a view of that chunk (emit_view kind 1, no copy); one that spans chunks is
// gathered in a carry buffer and copied out once it is complete.
#pragma once

#include <cstdint>

#include "x07_stream_xf_plugin_abi_v1.h"

namespace sluice::msgpack {

struct SplitConfig {
  std::uint32_t max_value_bytes = 16u << 20;
  std::uint32_t max_depth = 64;
  std::uint32_t max_values = 0;  // 0: no limit
};

// Hard bounds of the cfg words: a copied value must fit one emit_alloc buffer (16 MiB, the
// registry's max_out_buf_bytes), and the nesting stack is allocated up front.
inline constexpr std::uint32_t kMaxValueBytesLimit = 16u << 20;
inline constexpr std::uint32_t kMaxDepthLimit = 4096;

// Empty cfg: the defaults. Otherwise exactly 12 bytes, i32le max_value_bytes (1..16 MiB),
// max_depth (1..4096), max_values (0 = no limit, else ≥ 1). False: not a valid cfg.
bool parse_split_config(x07_bytes_view_v1 cfg, SplitConfig& out);

}  // namespace sluice::msgpack
