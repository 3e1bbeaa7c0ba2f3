#include "runtime/result_doc.hpp"

namespace sluice {
namespace {

void put_u32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  std::uint8_t b[4];
  store_u32le(b, v);
  out.insert(out.end(), b, b + 4);
}

}  // namespace

std::vector<std::uint8_t> encode_ok_doc(const Counters& c, ByteView payload) {
  std::vector<std::uint8_t> out;
  out.reserve(kOkDocHeaderBytes + payload.size);
  out.push_back(kDocTagOk);
  put_u32(out, c.bytes_in);
  put_u32(out, c.bytes_out);
  put_u32(out, c.items_in);
  put_u32(out, c.items_out);
  put_u32(out, payload.size);
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

std::vector<std::uint8_t> encode_err_doc(std::uint32_t code, std::string_view message, ByteView payload) {
  std::vector<std::uint8_t> out;
  out.reserve(13 + message.size() + payload.size);
  out.push_back(kDocTagErr);
  put_u32(out, code);
  put_u32(out, static_cast<std::uint32_t>(message.size()));
  out.insert(out.end(), message.begin(), message.end());
  put_u32(out, payload.size);
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

std::optional<ResultDoc> decode_doc(ByteView bytes, std::string* why) {
  auto fail = [&](const char* reason) -> std::optional<ResultDoc> {
    if (why) *why = reason;
    return std::nullopt;
  };
  std::size_t pos = 0;
  auto take_u32 = [&](std::uint32_t& v) {
    if (bytes.size - pos < 4) return false;
    v = load_u32le(bytes.data + pos);
    pos += 4;
    return true;
  };
  auto take_bytes = [&](std::uint32_t n, auto& out) {
    if (bytes.size - pos < n) return false;
    out.assign(bytes.data + pos, bytes.data + pos + n);
    pos += n;
    return true;
  };
  if (bytes.size < 1) return fail("empty doc");
  ResultDoc doc;
  const std::uint8_t tag = bytes.data[pos++];
  std::uint32_t len = 0;
  if (tag == kDocTagOk) {
    doc.ok = true;
    if (!take_u32(doc.counters.bytes_in) || !take_u32(doc.counters.bytes_out) ||
        !take_u32(doc.counters.items_in) || !take_u32(doc.counters.items_out) || !take_u32(len))
      return fail("OK doc shorter than its 21-byte header");
    if (!take_bytes(len, doc.payload)) return fail("OK doc payload shorter than payload_len");
  } else if (tag == kDocTagErr) {
    if (!take_u32(doc.code) || !take_u32(len)) return fail("ERR doc shorter than its header");
    if (!take_bytes(len, doc.message)) return fail("ERR doc message shorter than msg_len");
    if (!take_u32(len)) return fail("ERR doc has no payload_len");
    if (!take_bytes(len, doc.payload)) return fail("ERR doc payload shorter than payload_len");
  } else {
    return fail("unknown doc tag (expected 0x00 or 0x01)");
  }
  if (pos != bytes.size) return fail("trailing bytes after the doc");
  return doc;
}

}  // namespace sluice
