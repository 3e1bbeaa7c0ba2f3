// The ERR codes of the msgpack plugins (plugins/msgpack, returned as -code, spec §9.2) and the
// err values of the brand validator sluice.msgpack.validate_v1. The host writes a plugin's code as
// `stream:xf_plugin_error` with this code in the doc and in the P16 payload's last word; the
// payload's bytes_in word is the stream offset at which the plugin failed. Here, not in plugins/,
// because the validator is an x07 library function (stdlib may not include plugins/); the list is
// also read by scripts/gen-code-docs (docs/codes.md), so the codes never drift from the docs.
#pragma once

#include <cstdint>

namespace sluice::msgpack {

enum class Code : std::int32_t {
  kOk = 0,
#define SLUICE_MSGPACK_CODE(ident, code, meaning) k##ident = code,
#include "stdlib/x07/msgpack_codes.def"
#undef SLUICE_MSGPACK_CODE
};

// The value a plugin callback returns for `c`.
constexpr std::int32_t rc(Code c) { return -static_cast<std::int32_t>(c); }

}  // namespace sluice::msgpack
