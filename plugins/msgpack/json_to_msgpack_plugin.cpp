// xf.json_to_msgpack_v1: each item, one JSON text, becomes one item holding its msgpack encoding
// (brand sluice.msgpack_v1; plugins/msgpack/json_to_msgpack.hpp gives the encoding rules).
#include "plugins/msgpack/item_plugin.hpp"
#include "plugins/msgpack/json_to_msgpack.hpp"
#include "plugins/msgpack/msgpack_plugins.hpp"

using FromJsonPlugin = sluice::msgpack::ItemPlugin<sluice::msgpack::JsonToMsgpack>;

// state: one pointer (the registry's state_bytes 32); no scratch.
extern "C" const x07_stream_xf_plugin_v1 x07_xf_json_to_msgpack_v1 = {
    X07_XF_ABI_TAG, X07_XF_ABI_VERSION, "xf.json_to_msgpack_v1", X07_XF_FLAG_DETERMINISTIC_ONLY, "any", "sluice.msgpack_v1",
    32, 16, 0, 0, &FromJsonPlugin::init, &FromJsonPlugin::step, &FromJsonPlugin::flush, &FromJsonPlugin::drop};
