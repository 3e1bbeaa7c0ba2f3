// The msgpack stream plugins' descriptors (docs/msgpack.md), exported under their registry
// symbols: xf.msgpack_split_v1, xf.msgpack_to_json_v1, xf.json_to_msgpack_v1.
#pragma once

#include "x07_stream_xf_plugin_abi_v1.h"

extern "C" {
extern const x07_stream_xf_plugin_v1 x07_xf_msgpack_split_v1;
extern const x07_stream_xf_plugin_v1 x07_xf_msgpack_to_json_v1;
extern const x07_stream_xf_plugin_v1 x07_xf_json_to_msgpack_v1;
}
