// The built-in stream plugins (spec §9.1, §9.4): xf.split_lines_v1, xf.frame_u32le_v1,
// xf.deframe_u32le_v1, xf.json_canon_stream_v1 (the stdlib kernels behind the ABI) and the
// test plugin xf.test_emit_limits_v1, each exported under X07's symbol name.
#pragma once

#include <string_view>

#include "x07_stream_xf_plugin_abi_v1.h"

extern "C" {
extern const x07_stream_xf_plugin_v1 x07_xf_split_lines_v1;
extern const x07_stream_xf_plugin_v1 x07_xf_frame_u32le_v1;
extern const x07_stream_xf_plugin_v1 x07_xf_deframe_u32le_v1;
extern const x07_stream_xf_plugin_v1 x07_xf_json_canon_stream_v1;
extern const x07_stream_xf_plugin_v1 x07_xf_test_emit_limits_v1;
}

namespace sluice {

// The built-in descriptor exported as `symbol`, or nullptr.
const x07_stream_xf_plugin_v1* builtin_plugin_symbol(std::string_view symbol);

}  // namespace sluice
