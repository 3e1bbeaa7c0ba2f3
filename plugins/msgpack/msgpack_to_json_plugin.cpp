// xf.msgpack_to_json_v1: each item, one msgpack value (brand sluice.msgpack_v1), becomes one item
// holding its RFC 8785 JSON text (plugins/msgpack/msgpack_to_json.hpp says what has no JSON form).
#include "plugins/msgpack/item_plugin.hpp"
#include "plugins/msgpack/msgpack_plugins.hpp"
#include "plugins/msgpack/msgpack_to_json.hpp"

using ToJsonPlugin = sluice::msgpack::ItemPlugin<sluice::msgpack::ToJson>;

// state: one pointer (the registry's state_bytes 32); no scratch.
extern "C" const x07_stream_xf_plugin_v1 x07_xf_msgpack_to_json_v1 = {
    X07_XF_ABI_TAG, X07_XF_ABI_VERSION, "xf.msgpack_to_json_v1", X07_XF_FLAG_DETERMINISTIC_ONLY, "sluice.msgpack_v1", "none",
    32, 16, 0, 0, &ToJsonPlugin::init, &ToJsonPlugin::step, &ToJsonPlugin::flush, &ToJsonPlugin::drop};
