// Fuzz target for the msgpack ↔ JSON converters (plugins/msgpack): any bytes through ToJson give
// OK or a msgpack code, never a crash. Whatever ToJson writes is JSON that json_canon accepts
// (or refuses only as I-JSON, code 21: noncharacters), and it is already canonical unless it holds
// a long digit run (an integer beyond 2^53, printed exact on purpose); JsonToMsgpack turns it into
// msgpack that the brand validator accepts, and ToJson gives the canonical text back from that.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "plugins/msgpack/json_to_msgpack.hpp"
#include "plugins/msgpack/msgpack_to_json.hpp"
#include "stdlib/json/json_canon.hpp"
#include "stdlib/x07/msgpack_token.hpp"

namespace {

using namespace sluice;
using Bytes = std::vector<std::uint8_t>;

bool has_long_digit_run(const Bytes& s) {
  int run = 0;
  for (const std::uint8_t c : s) {
    run = c >= '0' && c <= '9' ? run + 1 : 0;
    if (run >= 16) return true;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static msgpack::ToJson to_json;
  static msgpack::JsonToMsgpack from_json;
  static json::JsonCanonicalizer canon;
  Bytes out;
  const msgpack::Code c = to_json.convert(data, static_cast<std::uint32_t>(size), out);
  if (c != msgpack::Code::kOk) {
    if (static_cast<int>(c) < 130 || static_cast<int>(c) > 139) std::abort();
    return 0;
  }
  json::ByteBuffer text;
  const json::JsonError e = canon.canonicalize(ByteView(out.data(), static_cast<std::uint32_t>(out.size())), {}, text);
  if (!e.ok()) {
    if (e.code != json::JsonCode::kNotIJson && e.code != json::JsonCode::kObjectTooLarge) std::abort();
    return 0;
  }
  const Bytes canonical(text.data(), text.data() + text.size());
  if (!has_long_digit_run(out) && canonical != out) std::abort();
  Bytes packed;
  if (from_json.convert(out.data(), static_cast<std::uint32_t>(out.size()), packed) != msgpack::Code::kOk) std::abort();
  if (msgpack::validate_value(packed.data(), static_cast<std::uint32_t>(packed.size())) != msgpack::Code::kOk) std::abort();
  Bytes again;
  if (to_json.convert(packed.data(), static_cast<std::uint32_t>(packed.size()), again) != msgpack::Code::kOk) std::abort();
  if (again != canonical) std::abort();
  return 0;
}
