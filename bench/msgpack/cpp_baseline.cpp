// The msgpack-c++ baseline of bench/msgpack/run: the stream read in 64 KiB chunks into
// msgpack::unpacker (its own buffer), every top-level value unpacked into a msgpack::object and
// visited in full (every node touched, string bytes summed, so nothing is optimised away). It
// writes no JSON: it is the cost of framing + decoding, a floor for split + to_json.
#include <msgpack.hpp>

#include <cstdio>
#include <vector>

namespace {

struct Totals {
  unsigned long long values = 0, nodes = 0, str_bytes = 0;
};

// Explicit stack, like the plugins (no recursion on input depth).
void visit(const msgpack::object& root, Totals& t) {
  std::vector<const msgpack::object*> stack{&root};
  while (!stack.empty()) {
    const msgpack::object* o = stack.back();
    stack.pop_back();
    ++t.nodes;
    switch (o->type) {
      case msgpack::type::STR: t.str_bytes += o->via.str.size; break;
      case msgpack::type::ARRAY:
        for (std::uint32_t i = 0; i < o->via.array.size; ++i) stack.push_back(&o->via.array.ptr[i]);
        break;
      case msgpack::type::MAP:
        for (std::uint32_t i = 0; i < o->via.map.size; ++i) {
          stack.push_back(&o->via.map.ptr[i].key);
          stack.push_back(&o->via.map.ptr[i].val);
        }
        break;
      default: break;
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  std::FILE* f = std::fopen(argv[1], "rb");
  if (!f) return 1;
  msgpack::unpacker u;
  Totals t;
  msgpack::object_handle oh;
  for (;;) {
    u.reserve_buffer(65536);
    const std::size_t n = std::fread(u.buffer(), 1, 65536, f);
    if (n == 0) break;
    u.buffer_consumed(n);
    while (u.next(oh)) {
      ++t.values;
      visit(oh.get(), t);
    }
  }
  std::fclose(f);
  std::printf("%llu values %llu nodes %llu string bytes\n", t.values, t.nodes, t.str_bytes);
  return 0;
}
