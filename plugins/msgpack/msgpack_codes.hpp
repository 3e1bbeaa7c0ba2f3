// The ERR codes the msgpack plugins return (as -code, spec §9.2). The host writes them as
// `stream:xf_plugin_error` with this code in the doc and in the P16 payload's last word; the
// payload's bytes_in word is the stream offset at which the plugin failed. The list is also
// read by scripts/gen-code-docs (docs/codes.md), so the codes never drift from the docs.
#pragma once

#include <cstdint>

namespace sluice::msgpack {

enum class Code : std::int32_t {
#define SLUICE_MSGPACK_CODE(ident, code, meaning) k##ident = code,
#include "plugins/msgpack/msgpack_codes.def"
#undef SLUICE_MSGPACK_CODE
};

// The value a plugin callback returns for `c`.
constexpr std::int32_t rc(Code c) { return -static_cast<std::int32_t>(c); }

}  // namespace sluice::msgpack
