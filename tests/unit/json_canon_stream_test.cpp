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

namespace {

// A small random JSON generator for the streaming property test: every token kind the parser
// resumes around (strings with escapes, surrogate pairs and multi-byte UTF-8, numbers of every
// shape, literals, nesting, whitespace), keys that collide now and then.
struct Gen {
  std::uint64_t s;
  std::uint32_t next() {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<std::uint32_t>(s >> 33);
  }
  std::uint32_t below(std::uint32_t n) { return next() % n; }
  std::string ws() {
    static const char* const kWs[] = {"", "", " ", "\n  ", "\t", "\r\n"};
    return kWs[below(6)];
  }
  std::string str() {
    static const char* const kParts[] = {"a",       "key",    "\\\"",     "\\\\",   "\\n",          "\\u00e9",
                                         "\\uD83D\\uDE00", "é",   "中文",      "😀",     "\\/",          "\\u0001",
                                         "x y",     "\\t",    "\\uFFFF",  "z",      "\\ud800\\u0041"};
    std::string r = "\"";
    for (std::uint32_t n = below(5); n > 0; --n) r += kParts[below(17)];
    return r + "\"";
  }
  std::string num() {
    static const char* const kNums[] = {"0",     "-0",       "7",      "-12",  "123456789012345678", "1.5",   "-0.25",
                                        "1e3",   "2.5E-7",   "1e400",  "1e-400", "0.1000000000000000055511", "3.14159",
                                        "00",    "1.",       "-",      "4e+2"};
    return kNums[below(17)];
  }
  std::string value(int depth) {
    const std::uint32_t k = depth > 3 ? below(4) : below(7);
    switch (k) {
      case 0: return str();
      case 1: return num();
      case 2: return below(3) == 0 ? "true" : below(2) == 0 ? "false" : "null";
      case 3: return below(2) == 0 ? "[]" : "{}";
      case 4:
      case 5: {
        std::string r = "[" + ws();
        for (std::uint32_t n = below(4) + 1; n > 0; --n) r += value(depth + 1) + ws() + (n > 1 ? "," + ws() : "");
        return r + "]";
      }
      default: {
        static const char* const kKeys[] = {"\"a\"", "\"b\"", "\"é\"", "\"\\u0062\"", "\"😀\"", "\"\uE000\"", "\"aa\""};
        std::string r = "{" + ws();
        for (std::uint32_t n = below(4) + 1; n > 0; --n)
          r += std::string(kKeys[below(7)]) + ws() + ":" + ws() + value(depth + 1) + (n > 1 ? "," + ws() : "");
        return r + ws() + "}";
      }
    }
  }
  // Breaks a document now and then: a byte replaced, dropped or inserted, or the end cut off.
  std::string mutate(std::string d) {
    if (d.empty()) return d;
    static const char kBytes[] = "{}[]\",:\\ 0-.eEtfnu\x01\xff\xc3";
    switch (below(6)) {
      case 0: d[below(static_cast<std::uint32_t>(d.size()))] = kBytes[below(sizeof kBytes - 1)]; break;
      case 1: d.erase(below(static_cast<std::uint32_t>(d.size())), 1); break;
      case 2: d.insert(d.begin() + below(static_cast<std::uint32_t>(d.size())), kBytes[below(sizeof kBytes - 1)]); break;
      case 3: d.resize(below(static_cast<std::uint32_t>(d.size()))); break;
      default: break;  // left valid (as far as the generator goes)
    }
    return d;
  }
};

// Feeds `doc` in items of random sizes (1..max_piece bytes).
Run run_random(const std::string& doc, Gen& g, std::uint32_t max_piece, const JsonCanonConfig& cfg) {
  sluice::PagePool pool(64);
  sluice::RunContext ctx(big_budgets(), pool);
  Run r;
  sluice::JsonCanonStream<Collect> stage(ctx, Collect{&r.items}, cfg);
  bool halted = stage.init() == Flow::kHalt;
  for (std::size_t off = 0; !halted && off < doc.size();) {
    const std::size_t n = std::min<std::size_t>(g.below(max_piece) + 1, doc.size() - off);
    halted = stage.push(ByteView(reinterpret_cast<const std::uint8_t*>(doc.data()) + off, static_cast<std::uint32_t>(n))) ==
             Flow::kHalt;
    off += n;
  }
  if (!halted) stage.flush();
  r.status = ctx.status();
  r.code = ctx.err_code();
  r.id = ctx.err_id();
  r.payload = ctx.err_payload();
  return r;
}

}  // namespace

// The stage parses the document as it arrives; the library's one-shot canonicalize() sees it
// whole. Over random (often broken) documents cut into random items, both must give the same
// bytes, or the same code at the same offset.
TEST_CASE("json_canon_stream: parsing as items arrive matches the one-shot canonicalizer") {
  Gen g{0x5EED17};
  sluice::json::JsonCanonicalizer whole;
  const sluice::json::JsonCanonLimits limits{8, 6, 4096};
  JsonCanonConfig cfg = config(1 << 24, 1 << 20);
  cfg.max_depth = 8;
  cfg.max_object_members = 6;
  std::size_t ok = 0;
  std::size_t err = 0;
  for (int i = 0; i < 3000; ++i) {
    const std::string doc = g.mutate(g.ws() + g.value(0) + g.ws());
    CAPTURE(doc);
    sluice::json::ByteBuffer out;
    const sluice::json::JsonError e =
        whole.canonicalize(ByteView(reinterpret_cast<const std::uint8_t*>(doc.data()), static_cast<std::uint32_t>(doc.size())),
                           limits, out);
    for (std::uint32_t max_piece : {1u, 3u, 16u}) {
      const Run r = run_random(doc, g, max_piece, cfg);
      if (e.ok()) {
        CHECK(r.status == RunStatus::kOk);
        CHECK(r.joined() == std::string(reinterpret_cast<const char*>(out.data()), out.size()));
      } else {
        CHECK(r.status == RunStatus::kErr);
        CHECK(r.code == static_cast<std::uint32_t>(e.code));
        CHECK(r.payload == payload(e.offset, 2));
        CHECK(r.items.empty());
      }
    }
    ++(e.ok() ? ok : err);
  }
  // Both outcomes are well represented.
  CHECK(ok > 500);
  CHECK(err > 500);
}

TEST_CASE("json_canon_stream: an error found early still loses to a later item over max_total_json_bytes") {
  // The syntax error at offset 1 is seen while the first item is parsed; the second item then
  // overflows the limit, and that is what the run reports, as when the input was buffered whole.
  sluice::PagePool pool(64);
  sluice::RunContext ctx(big_budgets(), pool);
  std::vector<std::string> items;
  sluice::JsonCanonStream<Collect> stage(ctx, Collect{&items}, config(8));
  REQUIRE(stage.init() == Flow::kContinue);
  CHECK(stage.push(ByteView::of("[x,1")) == Flow::kContinue);
  CHECK(stage.push(ByteView::of(",2,3]")) == Flow::kHalt);
  CHECK(ctx.err_id() == ErrId::kJsonMaxTotalJsonBytes);
  CHECK(items.empty());
}

TEST_CASE("json_canon_stream: a string longer than many items, and one cut at every byte") {
  // 300 KB of string in 1 KiB items: carried over and scanned again only as the window doubles.
  std::string body;
  for (int i = 0; body.size() < 300000; ++i) body += i % 7 == 0 ? "\\u00e9" : i % 5 == 0 ? "中" : "abc";
  const std::string doc = "{\"k\":\"" + body + "\",\"a\":[1.50,\"" + body + "\"]}";
  const Run r = run(doc, 1024);
  REQUIRE(r.status == RunStatus::kOk);
  sluice::json::JsonCanonicalizer whole;
  sluice::json::ByteBuffer out;
  REQUIRE(whole.canonicalize(ByteView(reinterpret_cast<const std::uint8_t*>(doc.data()), static_cast<std::uint32_t>(doc.size())),
                             {}, out)
              .ok());
  CHECK(r.joined() == std::string(reinterpret_cast<const char*>(out.data()), out.size()));
  // Two items, cut at every position of a document with every token kind.
  const std::string small = "{\"b\":[true,false,null,-1.25e+3,\"\\ud83d\\ude00é\"],\"a\":{}} ";
  const Run ref = run(small, 0);
  REQUIRE(ref.status == RunStatus::kOk);
  for (std::size_t cut = 1; cut < small.size(); ++cut) {
    CAPTURE(cut);
    sluice::PagePool pool(64);
    sluice::RunContext ctx(big_budgets(), pool);
    std::vector<std::string> items;
    sluice::JsonCanonStream<Collect> stage(ctx, Collect{&items}, config());
    REQUIRE(stage.init() == Flow::kContinue);
    stage.push(ByteView(reinterpret_cast<const std::uint8_t*>(small.data()), static_cast<std::uint32_t>(cut)));
    stage.push(ByteView(reinterpret_cast<const std::uint8_t*>(small.data()) + cut, static_cast<std::uint32_t>(small.size() - cut)));
    stage.flush();
    CHECK(ctx.status() == RunStatus::kOk);
    CHECK(items == ref.items);
  }
}
