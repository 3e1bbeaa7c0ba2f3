// The msgpack-test-suite cases (tests/data/msgpack/, MIT): every listed encoding of every case
// comes out of xf.msgpack_split_v1 whole at 1/2/3/7-byte chunkings, passes the brand validator,
// and converts to the value's JSON (or, for bin/ext/timestamp, to the no-JSON-form code); every
// JSON-able value converts back to one of its listed encodings (integers beyond 2^53, which JSON
// carries as doubles, to the float the encoding rules give).
#include <doctest/doctest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "plugins/msgpack/json_to_msgpack.hpp"
#include "plugins/msgpack/msgpack_plugins.hpp"
#include "plugins/msgpack/msgpack_to_json.hpp"
#include "runtime/plugin_host.hpp"
#include "stdlib/x07/msgpack_token.hpp"

using namespace sluice;
using msgpack::Code;
using Bytes = std::vector<std::uint8_t>;

namespace {

constexpr PluginLimits kLimits{1, 32, 0, 64, 33554432, 1048576, 16777216};

Bytes unhex(const std::string& h) {
  Bytes out;
  for (std::size_t i = 0; i + 1 < h.size() + 1; i += 3) out.push_back(static_cast<std::uint8_t>(std::stoul(h.substr(i, 2), nullptr, 16)));
  return out;
}

std::vector<Bytes> split(const Bytes& in, std::size_t width) {
  PluginHost host(&x07_xf_msgpack_split_v1, kLimits, {}, true);
  REQUIRE(host.init().ok());
  std::vector<Bytes> items;
  for (std::size_t pos = 0; pos < in.size(); pos += width) {
    const Bytes piece(in.begin() + static_cast<std::ptrdiff_t>(pos),
                      in.begin() + static_cast<std::ptrdiff_t>(std::min(in.size(), pos + width)));
    REQUIRE(host.step(ByteView(piece.data(), static_cast<std::uint32_t>(piece.size()))).ok());
    for (const ByteView& v : host.outputs()) items.emplace_back(v.begin(), v.end());
  }
  REQUIRE(host.flush().ok());
  return items;
}

}  // namespace

TEST_CASE("msgpack conformance: msgpack-test-suite through split, the validator, to_json and json_to_msgpack") {
  std::ifstream in(std::string(SLUICE_SOURCE_DIR) + "/tests/data/msgpack/msgpack-test-suite.json");
  REQUIRE(in);
  const nlohmann::json suite = nlohmann::json::parse(in);
  msgpack::ToJson to_json;
  msgpack::JsonToMsgpack from_json;
  int cases = 0, encodings = 0;
  for (const auto& [group, list] : suite.items()) {
    for (const auto& c : list) {
      ++cases;
      std::vector<Bytes> encs;
      for (const auto& h : c["msgpack"]) encs.push_back(unhex(h.get<std::string>()));
      // The expected JSON text: exact digits for a bignum; no JSON form for bin, ext, timestamp.
      std::string expected;
      bool json_form = true;
      if (c.contains("bignum")) expected = c["bignum"].get<std::string>();
      else if (c.contains("binary") || c.contains("ext") || c.contains("timestamp")) json_form = false;
      else
        for (const char* k : {"nil", "bool", "number", "string", "array", "map"})
          if (c.contains(k)) expected = c[k].dump();
      CAPTURE(group);
      CAPTURE(expected);
      Bytes stream;
      for (const Bytes& e : encs) stream.insert(stream.end(), e.begin(), e.end());
      for (std::size_t width : {1u, 2u, 3u, 7u}) CHECK(split(stream, width) == encs);
      for (const Bytes& e : encs) {
        ++encodings;
        CHECK(msgpack::validate_value(e.data(), static_cast<std::uint32_t>(e.size())) == Code::kOk);
        Bytes out;
        const Code code = to_json.convert(e.data(), static_cast<std::uint32_t>(e.size()), out);
        if (!json_form) {
          CHECK(code == Code::kNoJsonForm);
          continue;
        }
        REQUIRE(code == Code::kOk);
        // A float encoding of a bignum is the double nearest to it; its JSON is the double's.
        if (c.contains("bignum") && (e[0] == 0xca || e[0] == 0xcb)) continue;
        CHECK(std::string(out.begin(), out.end()) == expected);
      }
      if (!json_form) continue;
      Bytes packed;
      REQUIRE(from_json.convert(reinterpret_cast<const std::uint8_t*>(expected.data()),
                                static_cast<std::uint32_t>(expected.size()), packed) == Code::kOk);
      const double magnitude = std::abs(std::stod(c.contains("bignum") ? expected : "0"));
      if (magnitude > 9007199254740992.0) {
        CHECK((packed[0] == 0xca || packed[0] == 0xcb));  // through a double: a float, by the rules
      } else {
        CHECK(std::find(encs.begin(), encs.end(), packed) != encs.end());
      }
    }
  }
  CHECK(cases == 85);  // every case of the suite was read
  CHECK(encodings == 233);
}
