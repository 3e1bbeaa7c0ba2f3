// xf.msgpack_to_json_v1 and xf.json_to_msgpack_v1: the property (random values from an encoder
// independent of plugins/msgpack, with the RFC 8785 text it computes itself, split at random
// chunkings, converted item by item, equal that text); json_to_msgpack's shortest encodings; the
// round trip; and each value without a JSON form gives its code.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "plugins/msgpack/json_to_msgpack.hpp"
#include "plugins/msgpack/msgpack_plugins.hpp"
#include "plugins/msgpack/msgpack_to_json.hpp"
#include "runtime/plugin_host.hpp"
#include "tests/support/msgpack_gen.hpp"

using namespace sluice;
using msgpack::Code;
using Bytes = std::vector<std::uint8_t>;

namespace {

constexpr PluginLimits kLimits{1, 32, 0, 64, 33554432, 1048576, 16777216};

std::string text(const Bytes& b) { return {b.begin(), b.end()}; }

std::string to_json(const Bytes& v, Code* code = nullptr) {
  static msgpack::ToJson conv;
  Bytes out;
  const Code c = conv.convert(v.data(), static_cast<std::uint32_t>(v.size()), out);
  if (code) *code = c;
  return c == Code::kOk ? text(out) : "<" + std::to_string(static_cast<int>(c)) + ">";
}

Bytes from_json(const std::string& j, Code* code = nullptr) {
  static msgpack::JsonToMsgpack conv;
  Bytes out;
  const Code c = conv.convert(reinterpret_cast<const std::uint8_t*>(j.data()), static_cast<std::uint32_t>(j.size()), out);
  if (code) *code = c;
  return c == Code::kOk ? out : Bytes{};
}

// Runs `in` through split then to_json, both through the plugin host, in chunks from `chunk`.
template <class ChunkFn>
std::vector<std::string> split_to_json(const Bytes& in, ChunkFn chunk, std::uint32_t& ec) {
  PluginHost split(&x07_xf_msgpack_split_v1, kLimits, {}, true);
  PluginHost conv(&x07_xf_msgpack_to_json_v1, kLimits, {}, true);
  std::vector<std::string> out;
  ec = split.init().ec | conv.init().ec;
  std::size_t pos = 0;
  const auto drain = [&](const std::vector<ByteView>& items) {
    const std::vector<ByteView> copy = items;
    for (const ByteView& v : copy) {
      if (const auto r = conv.step(v); !r.ok()) {
        ec = r.ec;
        return;
      }
      for (const ByteView& o : conv.outputs()) out.emplace_back(o.as_chars());
    }
  };
  for (int i = 0; pos < in.size() && ec == 0; ++i) {
    const std::size_t n = std::min<std::size_t>(chunk(i), in.size() - pos);
    const Bytes piece(in.begin() + static_cast<std::ptrdiff_t>(pos), in.begin() + static_cast<std::ptrdiff_t>(pos + n));
    const auto r = split.step(ByteView(piece.data(), static_cast<std::uint32_t>(n)));
    drain(split.outputs());
    if (!r.ok()) ec = r.ec;
    pos += n;
  }
  if (ec == 0) ec = split.flush().ec;
  return out;
}

}  // namespace

TEST_CASE("msgpack to_json: random values, split at random chunkings, give the independently computed RFC 8785 text") {
  for (std::uint32_t seed = 1; seed <= 60; ++seed) {
    test::MsgpackGen gen(seed);
    Bytes all;
    std::vector<std::string> expected;
    for (int i = 0; i < 20; ++i) {
      std::string j;
      gen.value(all, 4, true, &j);
      expected.push_back(j);
    }
    std::mt19937 rng(seed);
    for (int width : {1, 2, 3, 7, 0}) {
      CAPTURE(seed);
      CAPTURE(width);
      std::uint32_t ec = 0;
      const auto got = split_to_json(all, [&](int) { return width ? width : 1 + static_cast<int>(rng() % 50); }, ec);
      REQUIRE(ec == 0);
      CHECK(got == expected);
    }
  }
}

TEST_CASE("msgpack to_json: scalars, exact big integers, ECMAScript floats, key order") {
  CHECK(to_json({0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}) == "18446744073709551615");
  CHECK(to_json({0xd3, 0x80, 0, 0, 0, 0, 0, 0, 0}) == "-9223372036854775808");
  CHECK(to_json({0xcf, 0, 0x20, 0, 0, 0, 0, 0, 1}) == "9007199254740993");  // 2^53 + 1 stays exact
  CHECK(to_json({0xcb, 0x3f, 0xb9, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a}) == "0.1");
  CHECK(to_json({0xcb, 0x44, 0x4b, 0x1a, 0xe4, 0xd6, 0xe2, 0xef, 0x50}) == "1e+21");
  CHECK(to_json({0xca, 0x3d, 0xcc, 0xcc, 0xcd}) == "0.10000000149011612");  // float32 0.1, widened
  CHECK(to_json({0xcb, 0x80, 0, 0, 0, 0, 0, 0, 0}) == "0");                 // -0
  // Keys by UTF-16 code units: U+1F600 (surrogates D83D..) sorts before U+FF21.
  const Bytes m{0x83, 0xa3, 0xef, 0xbc, 0xa1, 0x01, 0xa4, 0xf0, 0x9f, 0x98, 0x80, 0x02, 0xa1, 'b', 0x03};
  CHECK(to_json(m) == "{\"b\":3,\"\xf0\x9f\x98\x80\":2,\"\xef\xbc\xa1\":1}");
  CHECK(to_json({0xa3, 0x01, '"', '\\'}) == "\"\\u0001\\\"\\\\\"");
  // Keys already in order (kept as written) next to keys out of order (rewritten), nested.
  const Bytes sorted{0x83, 0xa1, 'a', 0x82, 0xa1, 'y', 0x01, 0xa1, 'x', 0x02, 0xa1, 'b', 0x90, 0xa1, 'c', 0xc0};
  CHECK(to_json(sorted) == R"({"a":{"x":2,"y":1},"b":[],"c":null})");
  const Bytes dup_sorted{0x82, 0xa1, 'a', 0x01, 0xa1, 'a', 0x02};
  Code c{};
  to_json(dup_sorted, &c);
  CHECK(c == Code::kDuplicateKey);
}

TEST_CASE("msgpack to_json: no JSON form, bad input and depth give their codes") {
  Code c{};
  to_json({0xc4, 0x01, 0x00}, &c);
  CHECK(c == Code::kNoJsonForm);  // bin
  to_json({0xd6, 0xff, 0, 0, 0, 0}, &c);
  CHECK(c == Code::kNoJsonForm);  // timestamp 32
  to_json({0x81, 0x01, 0x02}, &c);
  CHECK(c == Code::kNoJsonForm);  // integer key
  to_json({0xcb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0}, &c);
  CHECK(c == Code::kNonFinite);  // NaN
  to_json({0xca, 0xff, 0x80, 0, 0}, &c);
  CHECK(c == Code::kNonFinite);  // -Inf
  to_json({0xa1, 0xff}, &c);
  CHECK(c == Code::kBadUtf8);
  to_json({0x82, 0xa1, 'a', 0x01, 0xa1, 'a', 0x02}, &c);
  CHECK(c == Code::kDuplicateKey);
  to_json({0x92, 0x01}, &c);
  CHECK(c == Code::kTruncated);
  to_json({0x01, 0x02}, &c);
  CHECK(c == Code::kNotOneValue);
  Bytes deep(65, 0x91);
  deep.push_back(0xc0);
  to_json(deep, &c);
  CHECK(c == Code::kTooDeep);
  deep.erase(deep.begin());
  to_json(deep, &c);
  CHECK(c == Code::kOk);
}

TEST_CASE("json_to_msgpack: shortest encodings") {
  CHECK(from_json("0") == Bytes{0x00});
  CHECK(from_json("127") == Bytes{0x7f});
  CHECK(from_json("128") == Bytes{0xcc, 0x80});
  CHECK(from_json("256") == Bytes{0xcd, 0x01, 0x00});
  CHECK(from_json("65536") == Bytes{0xce, 0, 1, 0, 0});
  CHECK(from_json("4294967296") == Bytes{0xcf, 0, 0, 0, 1, 0, 0, 0, 0});
  CHECK(from_json("9007199254740992") == Bytes{0xcf, 0, 0x20, 0, 0, 0, 0, 0, 0});
  CHECK(from_json("-1") == Bytes{0xff});
  CHECK(from_json("-32") == Bytes{0xe0});
  CHECK(from_json("-33") == Bytes{0xd0, 0xdf});
  CHECK(from_json("-129") == Bytes{0xd1, 0xff, 0x7f});
  CHECK(from_json("-32769") == Bytes{0xd2, 0xff, 0xff, 0x7f, 0xff});
  CHECK(from_json("-2147483649") == Bytes{0xd3, 0xff, 0xff, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff});
  CHECK(from_json("-0") == Bytes{0x00});
  CHECK(from_json("1.5") == Bytes{0xca, 0x3f, 0xc0, 0, 0});  // exactly a float32
  CHECK(from_json("0.1") == Bytes{0xcb, 0x3f, 0xb9, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a});
  CHECK(from_json("18014398509481984") == Bytes{0xca, 0x5a, 0x80, 0, 0});  // 2^54: not ≤ 2^53, a float32
  CHECK(from_json(" [ true , false , null ] ") == Bytes{0x93, 0xc3, 0xc2, 0xc0});
  CHECK(from_json("{\"b\":1,\"a\":[]}") == Bytes{0x82, 0xa1, 'a', 0x90, 0xa1, 'b', 0x01});
  CHECK(from_json("\"\\u0001\\n\\\"\\/\\u00e9\"") == Bytes{0xa6, 0x01, '\n', '"', '/', 0xc3, 0xa9});
  std::string a16 = "[";
  for (int i = 0; i < 16; ++i) a16 += i ? ",0" : "0";
  Bytes want{0xdc, 0x00, 0x10};
  want.insert(want.end(), 16, 0x00);
  CHECK(from_json(a16 + "]") == want);
  const std::string s32(32, 'x');
  Bytes ws{0xd9, 32};
  ws.insert(ws.end(), 32, 'x');
  CHECK(from_json("\"" + s32 + "\"") == ws);
}

TEST_CASE("json_to_msgpack: bad JSON gives json_canon's codes, and values round-trip through to_json") {
  Code c{};
  from_json("[1,", &c);
  CHECK(static_cast<int>(c) == 20);
  from_json("{\"a\":1,\"a\":2}", &c);
  CHECK(static_cast<int>(c) == 21);
  from_json("1 2", &c);
  CHECK(static_cast<int>(c) == 24);
  test::MsgpackGen gen(77);
  for (int i = 0; i < 300; ++i) {
    Bytes v;
    std::string j;
    gen.value(v, 4, true, &j);
    CAPTURE(j);
    // Integers beyond 2^53 go through a double on the way in (JSON numbers are doubles), so only
    // values whose text is already a double's text round-trip exactly; the generator's are.
    const Bytes m = from_json(j, &c);
    if (c != Code::kOk) continue;
    CHECK(to_json(m) == to_json(from_json(to_json(m))));
  }
}

TEST_CASE("msgpack plugins: a non-empty cfg is 1") {
  const Bytes cfg{1};
  PluginHost a(&x07_xf_msgpack_to_json_v1, kLimits, ByteView(cfg.data(), 1), true);
  CHECK(a.init().ec == 1);
  PluginHost b(&x07_xf_json_to_msgpack_v1, kLimits, ByteView(cfg.data(), 1), true);
  CHECK(b.init().ec == 1);
}

namespace {

// The JSON text of a str, escaped here one byte at a time (the converter scans 16 at a time).
std::string json_str(const std::string& s) {
  std::string o = "\"";
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"') o += "\\\"";
    else if (c == '\\') o += "\\\\";
    else if (c == '\n') o += "\\n";
    else if (c == '\t') o += "\\t";
    else if (c == '\r') o += "\\r";
    else if (c == '\b') o += "\\b";
    else if (c == '\f') o += "\\f";
    else if (c < 0x20) {
      static constexpr char kHex[] = "0123456789abcdef";
      o += "\\u00";
      o += kHex[c >> 4];
      o += kHex[c & 15];
    } else {
      o += ch;
    }
  }
  return o + "\"";
}

Bytes pack_str(const std::string& s) {
  Bytes b;
  test::MsgpackGen::str_header(b, static_cast<std::uint32_t>(s.size()));
  b.insert(b.end(), s.begin(), s.end());
  return b;
}

// One item through the to_json plugin (the host's output buffer path).
std::string to_json_plugin(const Bytes& v, std::uint32_t& ec) {
  PluginHost conv(&x07_xf_msgpack_to_json_v1, kLimits, {}, true);
  ec = conv.init().ec;
  if (ec != 0) return {};
  const auto r = conv.step(ByteView(v.data(), static_cast<std::uint32_t>(v.size())));
  ec = r.ec;
  return r.ok() && conv.outputs().size() == 1 ? std::string(conv.outputs()[0].as_chars()) : std::string();
}

}  // namespace

// The converter's fast paths: strs scanned 16 bytes at a time (an escape or a non-ASCII byte at
// every position of a block, and at the very end of the item, where the scan goes byte by byte),
// keys ordered by an 8-byte prefix first, and the text written straight into the output buffer
// sized for the worst case (every byte a control character).
TEST_CASE("msgpack to_json: escapes and UTF-8 at every position of a 16-byte block, prefix key order, worst-case size") {
  for (const std::string special : {"\"", "\\", "\n", "\x01", "\x1f", "\xc3\xa9", "\xef\xbc\xa1", "\xf0\x9f\x98\x80"}) {
    for (std::size_t len = 0; len < 40; ++len) {
      for (std::size_t at = 0; at <= len; at += 1 + len / 8) {
        std::string s(len, 'a');
        s.insert(at, special);
        const Bytes v = pack_str(s);
        CAPTURE(len);
        CAPTURE(at);
        CHECK(to_json(v) == json_str(s));
        // The same str followed by more bytes (in an array): the 16-byte loads stay inside the item.
        Bytes arr(1 + v.size() + 1, 0x92);
        std::copy(v.begin(), v.end(), arr.begin() + 1);
        arr.back() = 0xc0;
        CHECK(to_json(arr) == "[" + json_str(s) + ",null]");
      }
    }
  }
  // Bad UTF-8 anywhere in a long str is 136.
  for (std::size_t at = 0; at < 40; ++at) {
    std::string s(40, 'b');
    s[at] = '\xff';
    Code c = Code::kOk;
    to_json(pack_str(s), &c);
    CHECK(c == Code::kBadUtf8);
  }
  // Keys that agree in their first 8 bytes, NUL bytes, and U+E000+ against supplementary
  // characters (UTF-16 order puts the surrogate pair first).
  Bytes m{0x84};
  for (const std::string k : {"abcdefghij", "abcdefgh\x01", "abcdefg", "abcdefgh"}) {
    const Bytes kb = pack_str(k);
    m.insert(m.end(), kb.begin(), kb.end());
    m.push_back(0x01);
  }
  CHECK(to_json(m) == "{\"abcdefg\":1,\"abcdefgh\":1,\"abcdefgh\\u0001\":1,\"abcdefghij\":1}");
  Bytes nul{0x83, 0xa2, 'a', 0x00, 0x01, 0xa1, 'a', 0x02, 0xa3, 'a', 0x00, 0x00, 0x03};
  CHECK(to_json(nul) == "{\"a\":2,\"a\\u0000\":1,\"a\\u0000\\u0000\":3}");
  Bytes high{0x82};
  for (const std::string k : {"x\xef\xbc\xa1", "x\xf0\x9f\x98\x80"}) {
    const Bytes kb = pack_str(k);
    high.insert(high.end(), kb.begin(), kb.end());
    high.push_back(0xc2);
  }
  CHECK(to_json(high) == "{\"x\xf0\x9f\x98\x80\":false,\"x\xef\xbc\xa1\":false}");
  // A key twice that differs from its neighbours only past byte 8.
  Bytes dup{0x83};
  for (const std::string k : {"abcdefghZ", "abcdefghA", "abcdefghZ"}) {
    const Bytes kb = pack_str(k);
    dup.insert(dup.end(), kb.begin(), kb.end());
    dup.push_back(0x00);
  }
  Code c = Code::kOk;
  to_json(dup, &c);
  CHECK(c == Code::kDuplicateKey);
  // The worst case per input byte, through the plugin host: control characters (6 bytes each)
  // and `false` (5 + a comma for 1 byte).
  std::uint32_t ec = 0;
  const std::string ctl(300, '\x01');
  CHECK(to_json_plugin(pack_str(ctl), ec) == json_str(ctl));
  CHECK(ec == 0);
  Bytes falses{0xdc, 0x01, 0x00};
  falses.insert(falses.end(), 256, 0xc2);
  std::string want = "[false";
  for (int i = 1; i < 256; ++i) want += ",false";
  CHECK(to_json_plugin(falses, ec) == want + "]");
  CHECK(ec == 0);
}
