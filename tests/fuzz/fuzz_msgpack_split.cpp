// Fuzz target for xf.msgpack_split_v1 through the plugin host: the first byte picks a chunk width
// (1..16), the rest is the stream. Chunking must not matter: the code (and on OK the items) equal
// those of the same stream in one chunk. On OK the items put back together are the stream, and each
// one is a whole value by the brand's own token reader (stdlib/x07/msgpack_token), which is
// independent of the scanner; errors are only the msgpack codes. Never a crash or a hang.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "plugins/msgpack/msgpack_plugins.hpp"
#include "runtime/plugin_host.hpp"
#include "stdlib/x07/msgpack_token.hpp"

namespace {

using namespace sluice;
using Bytes = std::vector<std::uint8_t>;

constexpr PluginLimits kLimits{1, 32, 0, 64, 33554432, 1048576, 16777216};

struct Outcome {
  std::vector<Bytes> items;
  std::uint32_t ec = 0;
};

Outcome run(const std::uint8_t* p, std::size_t n, std::size_t width) {
  Outcome o;
  PluginHost host(&x07_xf_msgpack_split_v1, kLimits, {}, true);
  if (!host.init().ok()) std::abort();
  for (std::size_t pos = 0; pos < n; pos += width) {
    const std::size_t k = n - pos < width ? n - pos : width;
    const Bytes piece(p + pos, p + pos + k);  // a fresh buffer: views must point into it
    const PluginCallResult r = host.step(ByteView(piece.data(), static_cast<std::uint32_t>(k)));
    for (const ByteView& v : host.outputs()) o.items.emplace_back(v.begin(), v.end());
    if (!r.ok()) {
      o.ec = r.ec;
      return o;
    }
  }
  o.ec = host.flush().ec;
  return o;
}

// One complete value at the start of `v`, by the token reader: its length, or 0.
std::size_t value_length(const Bytes& v) {
  std::vector<std::uint64_t> stack;
  std::uint32_t pos = 0;
  msgpack::Token t;
  do {
    if (msgpack::read_token(v.data(), static_cast<std::uint32_t>(v.size()), pos, t) != msgpack::Code::kOk) return 0;
    if ((t.kind == msgpack::Kind::kArray || t.kind == msgpack::Kind::kMap) && t.u != 0) {
      stack.push_back(t.kind == msgpack::Kind::kMap ? t.u * 2 : t.u);
      continue;
    }
    while (!stack.empty() && --stack.back() == 0) stack.pop_back();
  } while (!stack.empty());
  return pos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t width = 1 + data[0] % 16;
  const Outcome a = run(data + 1, size - 1, width);
  const Outcome b = run(data + 1, size - 1, size);
  // On an error the items differ legitimately: a failing step's outputs are dropped with it.
  if (a.ec != b.ec || (a.ec == 0 && a.items != b.items)) {
    std::fprintf(stderr, "msgpack split: chunking changed the outcome (%u vs %u)\n", a.ec, b.ec);
    std::abort();
  }
  if (a.ec != 0 && (a.ec < 130 || a.ec > 134)) std::abort();
  Bytes joined;
  for (const Bytes& item : a.items) {
    if (item.empty() || value_length(item) != item.size()) std::abort();
    joined.insert(joined.end(), item.begin(), item.end());
  }
  if (a.ec == 0 && joined != Bytes(data + 1, data + size)) std::abort();
  return 0;
}
