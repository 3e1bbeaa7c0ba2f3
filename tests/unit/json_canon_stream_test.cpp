// Tests for stdlib/xf/json_canon_stream: the stage kernel alone, driven with a collecting Next and
// a RunContext. The same documents split into items of 1, 2, 3 and 7 bytes give the same output
// and the same error; the buffer limit at the limit and one past; chunked emission; ERR payloads.
#include "stdlib/xf/json_canon_stream.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

using sluice::ByteView;
using sluice::ErrId;
using sluice::Flow;
using sluice::JsonCanonConfig;
using sluice::RunStatus;

// Collects what the stage emits; can refuse the n-th item as a halting downstream would.
struct Collect {
  std::vector<std::string>* items;
  std::size_t halt_at = SIZE_MAX;
  Flow push(ByteView v) {
    items->emplace_back(v.as_chars());
    return items->size() == halt_at ? Flow::kHalt : Flow::kContinue;
  }
};

sluice::Budgets big_budgets() {
  sluice::Budgets b;
  b.max_in_bytes = b.max_out_bytes = b.max_items = 0xFFFFFFFFu;
  return b;
}

JsonCanonConfig config(std::int32_t total = 1 << 24, std::int32_t chunk = 1 << 20) {
  JsonCanonConfig c;
  c.max_depth = 64;
  c.max_total_json_bytes = total;
  c.max_object_members = 4096;
  c.max_object_total_bytes = 4194304;
  c.emit_chunk_max_bytes = chunk;
  c.stage_idx = 2;
  return c;
}

struct Run {
  RunStatus status = RunStatus::kOk;
  std::uint32_t code = 0;
  ErrId id = ErrId::kCfgInvalid;
  std::vector<std::uint8_t> payload;
  std::vector<std::string> items;
  std::uint64_t copied = 0;
  std::string joined() const {
    std::string s;
    for (const auto& i : items) s += i;
    return s;
  }
};

// Feeds `doc` in items of `piece` bytes (0: one item), then flushes.
Run run(const std::string& doc, std::size_t piece, const JsonCanonConfig& cfg = config()) {
  sluice::PagePool pool(64);
  sluice::RunContext ctx(big_budgets(), pool);
  Run r;
  sluice::JsonCanonStream<Collect> stage(ctx, Collect{&r.items}, cfg);
  bool halted = stage.init() == Flow::kHalt;
  const std::size_t step = piece == 0 ? std::max<std::size_t>(doc.size(), 1) : piece;
  for (std::size_t off = 0; !halted && off < doc.size(); off += step) {
    const std::size_t n = std::min(step, doc.size() - off);
    halted = stage.push(ByteView(reinterpret_cast<const std::uint8_t*>(doc.data()) + off, static_cast<std::uint32_t>(n))) ==
             Flow::kHalt;
  }
  if (!halted) stage.flush();
  r.status = ctx.status();
  r.code = ctx.err_code();
  r.id = ctx.err_id();
  r.payload = ctx.err_payload();
  r.copied = ctx.copied_bytes();
  return r;
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::vector<std::uint8_t> payload(std::uint32_t offset, std::uint32_t stage) { return sluice::u32_payload({offset, stage}); }

}  // namespace

TEST_CASE("json_canon_stream: items of 1, 2, 3 and 7 bytes give the same output and errors") {
  const std::string data = std::string(SLUICE_SOURCE_DIR) + "/tests/data/";
  std::vector<std::filesystem::path> docs;
  for (const char* dir : {"jcs-rfc8785/input", "jcs-cyberphone/input", "json-test-suite/test_parsing",
                          "json-test-suite/test_transform"})
    for (const auto& e : std::filesystem::directory_iterator(data + dir))
      if (e.file_size() < 4096) docs.push_back(e.path());
  std::sort(docs.begin(), docs.end());
  CHECK(docs.size() > 300);
  std::size_t ok = 0;
  for (const auto& p : docs) {
    CAPTURE(p.filename().string());
    const std::string doc = slurp(p);
    const Run whole = run(doc, 0, config(1 << 24, 5));
    if (whole.status == RunStatus::kOk) ++ok;
    for (std::size_t piece : {1, 2, 3, 7}) {
      const Run r = run(doc, piece, config(1 << 24, 5));
      CHECK(r.status == whole.status);
      CHECK(r.code == whole.code);
      CHECK(r.payload == whole.payload);
      CHECK(r.items == whole.items);
      CHECK(r.copied == doc.size());
    }
  }
  CHECK(ok > 100);
}

TEST_CASE("json_canon_stream: output in items of emit_chunk_max_bytes, the last one shorter") {
  const Run r = run(" {\"b\":1, \"a\":2} ", 3, config(64, 4));
  CHECK(r.status == RunStatus::kOk);
  CHECK(r.items == std::vector<std::string>{"{\"a\"", ":2,\"", "b\":1", "}"});
  const Run one = run("[1,2]", 0, config(64, 5));
  CHECK(one.items == std::vector<std::string>{"[1,2]"});
}

TEST_CASE("json_canon_stream: ERR payload is the input offset and the stage index") {
  const Run r = run("{\"a\":1}x", 0);
  CHECK(r.status == RunStatus::kErr);
  CHECK(r.code == 24);
  CHECK(r.id == ErrId::kJsonTrailingData);
  CHECK(r.payload == payload(7, 2));
  CHECK(r.items.empty());
  // The offset is in the concatenated input, whatever the item boundaries.
  const Run split = run("[1, 2, \"\\uD800\"]", 2);
  CHECK(split.code == 21);
  CHECK(split.id == ErrId::kJsonNotIjson);
  CHECK(split.payload == payload(8, 2));
  CHECK(run("[[[", 1).id == ErrId::kJsonSyntax);
  JsonCanonConfig shallow = config();
  shallow.max_depth = 2;
  CHECK(run("[[[]]]", 1, shallow).payload == payload(2, 2));
  CHECK(run("[[[]]]", 1, shallow).id == ErrId::kJsonTooDeep);
  JsonCanonConfig narrow = config();
  narrow.max_object_members = 1;
  CHECK(run("[{\"a\":1,\"b\":2}]", 1, narrow).id == ErrId::kJsonObjectTooLarge);
  CHECK(run("[{\"a\":1,\"b\":2}]", 1, narrow).payload == payload(1, 2));
}

TEST_CASE("json_canon_stream: an empty or blank stream is ERR 20 at offset 0") {
  for (const char* doc : {"", " ", "\n\n\t "}) {
    CAPTURE(doc);
    const Run r = run(doc, 1);
    CHECK(r.code == 20);
    CHECK(r.payload == payload(0, 2));
  }
}

TEST_CASE("json_canon_stream: max_total_json_bytes at the limit and one past") {
  const std::string doc = "{\"b\":[1,2,3],\"a\":\"x\"}";  // 22 bytes
  const auto n = static_cast<std::int32_t>(doc.size());
  for (std::size_t piece : {0, 1, 5}) {
    CAPTURE(piece);
    const Run at = run(doc, piece, config(n));
    CHECK(at.status == RunStatus::kOk);
    CHECK(at.joined() == "{\"a\":\"x\",\"b\":[1,2,3]}");
    const Run past = run(doc, piece, config(n - 1));
    CHECK(past.status == RunStatus::kErr);
    CHECK(past.code == 2);
    CHECK(past.id == ErrId::kJsonMaxTotalJsonBytes);
    CHECK(past.payload.empty());
    CHECK(past.items.empty());
  }
}

TEST_CASE("json_canon_stream: a limit of 0 or less fails init with ERR 1") {
  for (int field = 0; field < 5; ++field) {
    JsonCanonConfig c = config();
    std::int32_t* fields[] = {&c.max_depth, &c.max_total_json_bytes, &c.max_object_members, &c.max_object_total_bytes,
                              &c.emit_chunk_max_bytes};
    *fields[field] = field % 2 == 0 ? 0 : -1;
    const Run r = run("[]", 0, c);
    CHECK(r.code == 1);
    CHECK(r.id == ErrId::kJsonCanonCfgInvalid);
  }
}

TEST_CASE("json_canon_stream: a halting downstream stops the emission") {
  sluice::PagePool pool(64);
  sluice::RunContext ctx(big_budgets(), pool);
  std::vector<std::string> items;
  sluice::JsonCanonStream<Collect> stage(ctx, Collect{&items, 2}, config(64, 2));
  REQUIRE(stage.init() == Flow::kContinue);
  REQUIRE(stage.push(ByteView::of("[10,20,30]")) == Flow::kContinue);
  CHECK(stage.flush() == Flow::kHalt);
  CHECK(items == std::vector<std::string>{"[1", "0,"});
}

TEST_CASE("json_canon_stream: 100,000-deep nesting fails with 22, not a crash") {
  const Run r = run(std::string(100000, '[') + std::string(100000, ']'), 4096);
  CHECK(r.code == 22);
  CHECK(r.payload == payload(64, 2));
}
