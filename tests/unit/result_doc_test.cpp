// Tests for runtime/result_doc: the doc bytes of spec x07-pipes §4, byte for byte, and the reader.
#include "runtime/result_doc.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "runtime/codes.hpp"

namespace {

using Bytes = std::vector<std::uint8_t>;

// Hex with optional spaces, and "quoted ASCII" runs, as the spec writes its worked examples.
Bytes spec_bytes(std::string_view text) {
  Bytes out;
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (c == ' ') {
      ++i;
    } else if (c == '"') {
      const std::size_t close = text.find('"', i + 1);
      REQUIRE(close != std::string_view::npos);
      for (std::size_t j = i + 1; j < close; ++j) out.push_back(static_cast<std::uint8_t>(text[j]));
      i = close + 1;
    } else {
      REQUIRE(i + 1 < text.size());
      out.push_back(static_cast<std::uint8_t>(std::stoul(std::string(text.substr(i, 2)), nullptr, 16)));
      i += 2;
    }
  }
  return out;
}

sluice::ByteView view(const Bytes& b) { return {b.data(), static_cast<std::uint32_t>(b.size())}; }

// The four worked docs of spec §4 (functions, so that parsing runs inside a test).
Bytes abc_collect_doc() { return spec_bytes("01 03000000 03000000 01000000 01000000 03000000 616263"); }
Bytes abc_hash_doc() { return spec_bytes("01 03000000 03000000 01000000 01000000 04000000 0be9471a"); }
Bytes budget_items_doc() { return spec_bytes("00 04000000 13000000 \"stream:budget_items\" 00000000"); }
Bytes line_too_long_doc() { return spec_bytes("00 05000000 14000000 \"stream:line_too_long\" 00000000"); }

sluice::Counters abc_counters() {
  sluice::Counters c;
  c.bytes_in = 3;
  c.bytes_out = 3;
  c.items_in = 1;
  c.items_out = 1;
  return c;
}

}  // namespace

TEST_CASE("result_doc: the spec's worked OK docs, byte for byte") {
  CHECK(sluice::encode_ok_doc(abc_counters(), sluice::ByteView::of("abc")) == abc_collect_doc());
  const Bytes hash = {0x0b, 0xe9, 0x47, 0x1a};
  CHECK(sluice::encode_ok_doc(abc_counters(), view(hash)) == abc_hash_doc());
  CHECK(abc_collect_doc().size() == sluice::kOkDocHeaderBytes + 3);
}

TEST_CASE("result_doc: the spec's worked ERR docs, byte for byte") {
  CHECK(sluice::encode_err_doc(sluice::err_code(sluice::ErrId::kBudgetItems),
                               sluice::err_message(sluice::ErrId::kBudgetItems), {}) == budget_items_doc());
  CHECK(sluice::encode_err_doc(sluice::err_code(sluice::ErrId::kLineTooLong),
                               sluice::err_message(sluice::ErrId::kLineTooLong), {}) == line_too_long_doc());
  CHECK(budget_items_doc().size() == 13 + 19);
  CHECK(line_too_long_doc().size() == 13 + 20);
}

TEST_CASE("result_doc: an ERR doc with a structured payload puts payload_len after the message") {
  const Bytes p16 = spec_bytes("02000000 05000000 01000000 76000000");
  const Bytes doc = sluice::encode_err_doc(118, "stream:xf_plugin_error", view(p16));
  CHECK(doc == spec_bytes("00 76000000 16000000 \"stream:xf_plugin_error\" 10000000 "
                          "02000000 05000000 01000000 76000000"));
}

TEST_CASE("result_doc: counters are written in the order bytes_in, bytes_out, items_in, items_out") {
  sluice::Counters c;
  c.bytes_in = 0x04030201;
  c.bytes_out = 0x08070605;
  c.items_in = 0x0c0b0a09;
  c.items_out = 0xffeeddcc;
  CHECK(sluice::encode_ok_doc(c, {}) ==
        spec_bytes("01 01020304 05060708 090a0b0c ccddeeff 00000000"));
}

TEST_CASE("result_doc: decode of the worked docs") {
  SUBCASE("abc collect") {
    const auto d = sluice::decode_doc(view(abc_collect_doc()));
    REQUIRE(d.has_value());
    CHECK(d->ok);
    CHECK(d->counters.bytes_in == 3);
    CHECK(d->counters.bytes_out == 3);
    CHECK(d->counters.items_in == 1);
    CHECK(d->counters.items_out == 1);
    CHECK(d->payload == Bytes{'a', 'b', 'c'});
  }
  SUBCASE("abc hash") {
    const auto d = sluice::decode_doc(view(abc_hash_doc()));
    REQUIRE(d.has_value());
    CHECK(d->ok);
    CHECK(d->payload == Bytes{0x0b, 0xe9, 0x47, 0x1a});
    CHECK(sluice::load_u32le(d->payload.data()) == 0x1A47E90Bu);
  }
  SUBCASE("budget_items") {
    const auto d = sluice::decode_doc(view(budget_items_doc()));
    REQUIRE(d.has_value());
    CHECK_FALSE(d->ok);
    CHECK(d->code == 4);
    CHECK(d->message == "stream:budget_items");
    CHECK(d->payload.empty());
  }
  SUBCASE("line_too_long") {
    const auto d = sluice::decode_doc(view(line_too_long_doc()));
    REQUIRE(d.has_value());
    CHECK_FALSE(d->ok);
    CHECK(d->code == 5);
    CHECK(d->message == "stream:line_too_long");
    CHECK(d->payload.empty());
  }
}

TEST_CASE("result_doc: decode rejects a doc truncated at every length") {
  const Bytes p = {1, 2, 3, 4, 5};
  const std::vector<Bytes> docs = {abc_collect_doc(), abc_hash_doc(), budget_items_doc(), line_too_long_doc(),
                                   sluice::encode_err_doc(9, "stream:stage_failed", view(p)),
                                   sluice::encode_ok_doc({}, {})};
  for (const Bytes& doc : docs) {
    for (std::size_t len = 0; len < doc.size(); ++len) {
      CAPTURE(len);
      std::string why;
      const sluice::ByteView prefix{doc.data(), static_cast<std::uint32_t>(len)};
      CHECK_FALSE(sluice::decode_doc(prefix, &why).has_value());
      CHECK_FALSE(why.empty());
      CHECK_FALSE(sluice::decode_doc(prefix).has_value());  // no reason wanted: still rejected
    }
    CHECK(sluice::decode_doc(view(doc)).has_value());
  }
}

TEST_CASE("result_doc: decode rejects trailing bytes") {
  for (const Bytes& base : {abc_collect_doc(), abc_hash_doc(), budget_items_doc(), line_too_long_doc()}) {
    for (std::size_t extra = 1; extra <= 5; ++extra) {
      Bytes doc = base;
      doc.insert(doc.end(), extra, 0x00);
      std::string why;
      CHECK_FALSE(sluice::decode_doc(view(doc), &why).has_value());
      CHECK(why.find("trailing") != std::string::npos);
    }
  }
}

TEST_CASE("result_doc: decode rejects unknown tags") {
  for (unsigned tag = 2; tag <= 0xff; ++tag) {
    CAPTURE(tag);
    for (const Bytes& base : {abc_collect_doc(), budget_items_doc()}) {
      Bytes doc = base;
      doc[0] = static_cast<std::uint8_t>(tag);
      std::string why;
      CHECK_FALSE(sluice::decode_doc(view(doc), &why).has_value());
      CHECK(why.find("tag") != std::string::npos);
    }
  }
  // A lone tag byte of either kind is a truncated doc, not a valid one.
  CHECK_FALSE(sluice::decode_doc(view(Bytes{0x00})).has_value());
  CHECK_FALSE(sluice::decode_doc(view(Bytes{0x01})).has_value());
}

TEST_CASE("result_doc: decode rejects lengths that point past the end (no overflow)") {
  // OK doc claiming a 4 GiB payload.
  Bytes ok = spec_bytes("01 00000000 00000000 00000000 00000000 ffffffff 00");
  CHECK_FALSE(sluice::decode_doc(view(ok)).has_value());
  // ERR doc claiming a 4 GiB message.
  Bytes err1 = spec_bytes("00 01000000 ffffffff 00000000");
  CHECK_FALSE(sluice::decode_doc(view(err1)).has_value());
  // ERR doc whose payload length is one more than what is there.
  Bytes err2 = spec_bytes("00 01000000 01000000 41 02000000 00");
  CHECK_FALSE(sluice::decode_doc(view(err2)).has_value());
  err2.push_back(0);
  CHECK(sluice::decode_doc(view(err2)).has_value());
}

TEST_CASE("result_doc: random docs round-trip through encode and decode") {
  std::mt19937 rng(20240601);
  for (int iter = 0; iter < 300; ++iter) {
    Bytes payload(rng() % 300);
    for (auto& b : payload) b = static_cast<std::uint8_t>(rng());
    if (iter % 2 == 0) {
      sluice::Counters c;
      c.bytes_in = static_cast<std::uint32_t>(rng());
      c.bytes_out = static_cast<std::uint32_t>(rng());
      c.items_in = static_cast<std::uint32_t>(rng());
      c.items_out = static_cast<std::uint32_t>(rng());
      const Bytes doc = sluice::encode_ok_doc(c, view(payload));
      REQUIRE(doc.size() == 21 + payload.size());
      const auto d = sluice::decode_doc(view(doc));
      REQUIRE(d.has_value());
      CHECK(d->ok);
      CHECK(d->counters.bytes_in == c.bytes_in);
      CHECK(d->counters.bytes_out == c.bytes_out);
      CHECK(d->counters.items_in == c.items_in);
      CHECK(d->counters.items_out == c.items_out);
      CHECK(d->payload == payload);
    } else {
      const sluice::ErrId id = sluice::err_at(rng() % sluice::err_count());
      const std::uint32_t code = static_cast<std::uint32_t>(rng());
      const Bytes doc = sluice::encode_err_doc(code, sluice::err_message(id), view(payload));
      REQUIRE(doc.size() == 13 + sluice::err_message(id).size() + payload.size());
      const auto d = sluice::decode_doc(view(doc));
      REQUIRE(d.has_value());
      CHECK_FALSE(d->ok);
      CHECK(d->code == code);
      CHECK(d->message == sluice::err_message(id));
      CHECK(d->payload == payload);
    }
  }
}
