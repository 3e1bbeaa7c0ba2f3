// Tests for runtime/os/rr_cassette and runtime/rr_host: the .rrbin and X7RC bytes of
// x07-modules §4 (checked against bytes written out by hand from the spec text), every load
// error code from a real malformed file, lookup_v1 and transcript_v1 matching, appends, and the
// policy file reader.
#include "runtime/os/rr_cassette.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <set>
#include <string>

#include "runtime/rr_host.hpp"
#include "tests/support/test_support.hpp"

namespace sluice::test {
namespace {

// tests/fixtures/rr_smoke/smoke.rrbin of X07 (x07-modules §4.1), 272 bytes, written from the
// spec's description: frame 1 {err 0, key C, kind rr, op std.rr.fetch_v1, req C, resp PONG,
// seq 0, v 1} (127 bytes), frame 2 the same with op std.stream.src.rr_send_v1 and seq 1 (137).
constexpr std::string_view kSmokeHex =
    "7f00000001050800000003000000657272020100000030030000006b6579030100000043040000006b696e6403020000007272"
    "020000006f70030f0000007374642e72722e66657463685f76310300000072657103010000004304000000726573700304000000"
    "504f4e470300000073657102010000003001000000760201000000318900000001050800000003000000657272020100000030"
    "030000006b6579030100000043040000006b696e6403020000007272020000006f7003190000007374642e73747265616d2e7372"
    "632e72725f73656e645f76310300000072657103010000004304000000726573700304000000504f4e4703000000736571020100"
    "0000310100000076020100000031";

std::string bytes_of(std::string_view hex) {
  const auto b = from_hex(hex);
  return {b.begin(), b.end()};
}

std::string u32(std::uint32_t v) {
  std::string s(4, '\0');
  for (int i = 0; i < 4; ++i) s[i] = static_cast<char>((v >> (8 * i)) & 0xff);
  return s;
}
// One map member of a DataModel doc: key, then a string (3) or number (2) value.
std::string member(std::string_view key, char kind, std::string_view value) {
  return u32(static_cast<std::uint32_t>(key.size())) + std::string(key) + kind + u32(static_cast<std::uint32_t>(value.size())) +
         std::string(value);
}
std::string doc_of(std::uint32_t count, const std::string& members) { return std::string("\x01\x05", 2) + u32(count) + members; }
std::string frame(const std::string& payload) { return u32(static_cast<std::uint32_t>(payload.size())) + payload; }

RrCode parse(const std::string& bytes, const RrBudgets& budgets = default_rr_budgets()) {
  RrCassette c;
  c.assign(bytes);
  return parse_rr_cassette(c, budgets);
}

std::string valid_members() {
  return member("err", 2, "0") + member("key", 3, "C") + member("kind", 3, "rr") + member("op", 3, "o") +
         member("req", 3, "q") + member("resp", 3, "R");
}

}  // namespace

TEST_CASE("rr: the smoke cassette's bytes are what encode_rr_entry writes, and it parses back") {
  const std::string smoke = bytes_of(kSmokeHex);
  REQUIRE(smoke.size() == 272);
  RrEntryFields f;
  f.key = "C";
  f.req = "C";
  f.resp = "PONG";
  f.op = "std.rr.fetch_v1";
  f.seq = 0;
  const std::string e1 = encode_rr_entry(f);
  f.op = "std.stream.src.rr_send_v1";
  f.seq = 1;
  const std::string e2 = encode_rr_entry(f);
  CHECK(e1.size() == 127);
  CHECK(e2.size() == 137);
  CHECK(frame(e1) + frame(e2) == smoke);
  // The spec quotes the start of frame 1.
  CHECK(to_hex({smoke.begin(), smoke.begin() + 36}) == std::string("7f000000" "01" "05" "08000000" "03000000" "657272" "02" "01000000" "30"
                                                                    "03000000" "6b6579" "03" "01000000" "43"));

  RrCassette c;
  c.assign(smoke);
  REQUIRE(parse_rr_cassette(c, default_rr_budgets()) == RrCode::kOk);
  REQUIRE(c.entries.size() == 2);
  CHECK(c.entries[0].op == "std.rr.fetch_v1");
  CHECK(c.entries[1].op == "std.stream.src.rr_send_v1");
  for (const RrEntry& e : c.entries) {
    CHECK(e.kind == "rr");
    CHECK(e.key == "C");
    CHECK(e.req == "C");
    CHECK(e.resp == "PONG");
    CHECK(e.err == 0);
    CHECK_FALSE(e.latency_ticks.has_value());
  }
  CHECK(c.entries[1].seq == 1u);
  CHECK(c.entries[1].doc.size == 137);
}

TEST_CASE("rr: X7RC is 40 bytes + path, exactly as the spec's smoke example") {
  RrConfig cfg;
  cfg.mode = RrMode::kReplay;
  cfg.match = RrMatch::kLookup;
  cfg.budgets = RrBudgets{1u << 20, 100, 1024, 131072, 256};
  cfg.path = "smoke.rrbin";
  const auto bytes = encode_x7rc(cfg);
  CHECK(to_hex(bytes) ==
        "58375243" "0100" "0000" "02" "00" "0000" "0000100000000000" "64000000" "00040000" "00000200" "00010000"
        "0b000000" "736d6f6b652e727262696e");
  RrConfig back;
  REQUIRE(decode_x7rc(ByteView(bytes.data(), static_cast<std::uint32_t>(bytes.size())), back) == RrCode::kOk);
  CHECK(back.path == "smoke.rrbin");
  CHECK(back.budgets.max_resp_bytes == 131072);
  CHECK(back.mode == RrMode::kReplay);
  // Every malformed cfg is 2000: wrong magic, version, reserved byte, mode, match, length, path.
  const auto bad = [&](std::size_t at, std::uint8_t value) {
    auto b = bytes;
    b[at] = value;
    RrConfig out;
    return decode_x7rc(ByteView(b.data(), static_cast<std::uint32_t>(b.size())), out);
  };
  CHECK(bad(0, 'Y') == RrCode::kCfgInvalid);
  CHECK(bad(4, 2) == RrCode::kCfgInvalid);
  CHECK(bad(6, 1) == RrCode::kCfgInvalid);
  CHECK(bad(8, 5) == RrCode::kCfgInvalid);
  CHECK(bad(9, 2) == RrCode::kCfgInvalid);
  CHECK(bad(36, 12) == RrCode::kCfgInvalid);  // path_len no longer matches the length
  CHECK(bad(40, '/') == RrCode::kCfgInvalid);  // an absolute path
  RrConfig out;
  CHECK(decode_x7rc(ByteView(bytes.data(), 39), out) == RrCode::kCfgInvalid);
  cfg.path = "a/../b";
  const auto unsafe = encode_x7rc(cfg);
  CHECK(decode_x7rc(ByteView(unsafe.data(), static_cast<std::uint32_t>(unsafe.size())), out) == RrCode::kCfgInvalid);
}

TEST_CASE("rr: malformed cassettes give their codes (2003, 2004, 2005..2008, 2014)") {
  const std::string ok = doc_of(6, valid_members());
  CHECK(parse(frame(ok)) == RrCode::kOk);
  CHECK(parse("") == RrCode::kOk);  // an empty cassette has no entries

  SUBCASE("truncated frames") {
    CHECK(parse(std::string("\x05\x00\x00", 3)) == RrCode::kTruncated);          // header cut short
    CHECK(parse(frame(ok).substr(0, 4 + ok.size() - 1)) == RrCode::kTruncated);  // payload cut short
    // Every cut of the smoke cassette that is not on a frame boundary is a truncated frame.
    const std::string smoke = bytes_of(kSmokeHex);
    for (std::size_t n = 0; n <= smoke.size(); ++n) {
      CAPTURE(n);
      CHECK(parse(smoke.substr(0, n)) == ((n == 0 || n == 131 || n == 272) ? RrCode::kOk : RrCode::kTruncated));
    }
  }
  SUBCASE("bad entries: map order, duplicates, kinds, trailing bytes, missing fields") {
    // key before err: not ascending.
    const std::string swapped = member("key", 3, "C") + member("err", 2, "0") + member("kind", 3, "rr") +
                                member("op", 3, "o") + member("req", 3, "q") + member("resp", 3, "R");
    CHECK(parse(frame(doc_of(6, swapped))) == RrCode::kEntryInvalid);
    CHECK(parse(frame(doc_of(7, valid_members() + member("resp", 3, "again")))) == RrCode::kEntryInvalid);
    CHECK(parse(frame(ok + "x")) == RrCode::kEntryInvalid);                       // trailing byte
    CHECK(parse(frame(doc_of(7, valid_members()))) == RrCode::kEntryInvalid);     // count says one more
    std::string err_doc = ok;
    err_doc[0] = 0;
    CHECK(parse(frame(err_doc)) == RrCode::kEntryInvalid);                        // an ERR doc
    const std::string no_resp = member("err", 2, "0") + member("key", 3, "C") + member("kind", 3, "rr") +
                                member("op", 3, "o") + member("req", 3, "q");
    CHECK(parse(frame(doc_of(5, no_resp))) == RrCode::kEntryInvalid);
    const std::string err_text = member("err", 3, "0") + valid_members().substr(member("err", 2, "0").size());
    CHECK(parse(frame(doc_of(6, err_text))) == RrCode::kEntryInvalid);            // err must be a number
    const std::string err_big = member("err", 2, "2147483648") + valid_members().substr(member("err", 2, "0").size());
    CHECK(parse(frame(doc_of(6, err_big))) == RrCode::kEntryInvalid);             // err is an i32
    CHECK(parse(frame("")) == RrCode::kEntryInvalid);                             // an empty frame
    // Unknown members are skipped, whatever their kind, nested ones too; bad nesting is not.
    const std::string extra = valid_members() + member("resp", 3, "R").substr(0, 0) +
                              u32(1) + "z" + std::string("\x04\x02\x00\x00\x00\x00\x01\x01", 8);
    CHECK(parse(frame(doc_of(7, extra))) == RrCode::kOk);
    const std::string bad_extra = valid_members() + u32(1) + "z" + std::string("\x07", 1);
    CHECK(parse(frame(doc_of(7, bad_extra))) == RrCode::kEntryInvalid);
  }
  SUBCASE("budgets") {
    RrBudgets b = default_rr_budgets();
    const std::string two = frame(ok) + frame(ok);
    b.max_cassette_bytes = two.size() - 1;
    CHECK(parse(two, b) == RrCode::kTooLarge);
    b.max_cassette_bytes = two.size();
    CHECK(parse(two, b) == RrCode::kOk);
    b.max_entries = 1;
    CHECK(parse(two, b) == RrCode::kTooManyEntries);
    b = default_rr_budgets();
    b.max_req_bytes = 0;
    CHECK(parse(two, b) == RrCode::kReqTooLarge);
    b = default_rr_budgets();
    b.max_resp_bytes = 0;
    CHECK(parse(two, b) == RrCode::kRespTooLarge);
    b = default_rr_budgets();
    b.max_key_bytes = 0;
    CHECK(parse(two, b) == RrCode::kKeyTooLarge);
    b.max_key_bytes = 1;  // equal to the limit is within it
    CHECK(parse(two, b) == RrCode::kOk);
  }
  SUBCASE("any single corrupted byte gives a code, never a crash") {
    const std::string smoke = bytes_of(kSmokeHex);
    for (std::size_t i = 0; i < smoke.size(); ++i)
      for (const int v : {0x00, 0x05, 0x7f, 0xff}) {
        std::string m = smoke;
        m[i] = static_cast<char>(v);
        const RrCode c = parse(m);
        CHECK((c == RrCode::kOk || (rr_code_number(c) >= 2003 && rr_code_number(c) <= 2014)));
      }
  }
}

TEST_CASE("rr: lookup_v1 and transcript_v1 over the smoke cassette on disk") {
  TempDir root;
  std::filesystem::create_directories(root.file(".x07_rr/sub"));
  write_file(root.file(".x07_rr/sub/smoke.rrbin"), bytes_of(kSmokeHex));
  const FsRoot fs{root.path(), true};
  constexpr std::string_view kOp = "std.stream.src.rr_send_v1";
  const RrEntry* e = nullptr;

  RrConfig cfg;
  cfg.path = "sub/smoke.rrbin";
  SUBCASE("lookup: the first unused entry with kind, op and key; each entry once") {
    RrSession s;
    REQUIRE(s.open(fs, cfg) == RrCode::kOk);
    CHECK(s.next("rr", kOp, "D", e) == RrCode::kMiss);
    REQUIRE(s.next("rr", kOp, "C", e) == RrCode::kOk);
    CHECK(e->resp == "PONG");
    CHECK(e->op == kOp);
    CHECK(s.next("rr", kOp, "C", e) == RrCode::kMiss);  // used
    REQUIRE(s.next("rr", "std.rr.fetch_v1", "C", e) == RrCode::kOk);
    CHECK(s.used() == 2);
    cfg.budgets.max_key_bytes = 0;
    RrSession tight;
    REQUIRE(tight.open(fs, cfg) == RrCode::kKeyTooLarge);  // the cassette's keys are 1 byte
  }
  SUBCASE("transcript: file order, mismatches consume the entry") {
    cfg.match = RrMatch::kTranscript;
    RrSession s;
    REQUIRE(s.open(fs, cfg) == RrCode::kOk);
    CHECK(s.next("rr", kOp, "anything", e) == RrCode::kOpMismatch);  // entry 0 is std.rr.fetch_v1
    CHECK(s.next("http", kOp, "C", e) == RrCode::kKindMismatch);
    CHECK(s.next("rr", kOp, "C", e) == RrCode::kMiss);  // exhausted
    RrSession again;
    REQUIRE(again.open(fs, cfg) == RrCode::kOk);
    REQUIRE(again.next("rr", "std.rr.fetch_v1", "ignored", e) == RrCode::kOk);
    REQUIRE(again.next("rr", kOp, "ignored", e) == RrCode::kOk);
    CHECK(e->resp == "PONG");
  }
  SUBCASE("modes: missing files, record-only sessions, unsafe paths") {
    RrSession s;
    cfg.path = "nope.rrbin";
    CHECK(s.open(fs, cfg) == RrCode::kMissing);
    cfg.mode = RrMode::kRecordMissing;
    RrSession rm;
    REQUIRE(rm.open(fs, cfg) == RrCode::kOk);
    CHECK(rm.next("rr", kOp, "C", e) == RrCode::kMiss);
    cfg.mode = RrMode::kRecord;
    RrSession rec;
    REQUIRE(rec.open(fs, cfg) == RrCode::kOk);
    CHECK(rec.next("rr", kOp, "C", e) == RrCode::kNotReplaying);
    cfg.mode = RrMode::kReplay;
    cfg.path = "sub/smoke.rrbin";
    RrSession rep;
    REQUIRE(rep.open(fs, cfg) == RrCode::kOk);
    CHECK(rep.append(encode_rr_entry({})) == RrCode::kNotRecording);
    for (const char* p : {"", "/etc/passwd", "../x", "a//b", ".x07_rr/x", "a/./b"}) {
      CAPTURE(p);
      cfg.path = p;
      RrSession u;
      CHECK(u.open(fs, cfg) == RrCode::kCfgInvalid);
    }
  }
  SUBCASE("a symlink out of .x07_rr is refused") {
    write_file(root.file("outside.rrbin"), bytes_of(kSmokeHex));
    std::filesystem::create_symlink("../outside.rrbin", root.file(".x07_rr/link.rrbin"));
    cfg.path = "link.rrbin";
    RrSession s;
    CHECK(s.open(fs, cfg) == RrCode::kCfgInvalid);
    CHECK(s.detail().find("outside the fs root") != std::string::npos);
  }
}

TEST_CASE("rr: appends write whole frames that replay, within budgets, and rewrite truncates once") {
  TempDir root;
  const FsRoot fs{root.path(), true};
  RrConfig cfg;
  cfg.mode = RrMode::kRecord;
  cfg.path = "dir/rec.rrbin";  // .x07_rr/ and dir/ are created
  RrEntryFields f;
  f.key = "k1";
  f.resp = "one";
  const std::string d1 = encode_rr_entry(f);
  f.key = "k2";
  f.resp = "";
  const std::string d2 = encode_rr_entry(f);
  {
    RrSession s;
    REQUIRE(s.open(fs, cfg) == RrCode::kOk);
    REQUIRE(s.append(d1) == RrCode::kOk);
    REQUIRE(s.append(d2) == RrCode::kOk);
    CHECK(s.append("junk") == RrCode::kEntryInvalid);
  }
  CHECK(read_file(root.file(".x07_rr/dir/rec.rrbin")) == frame(d1) + frame(d2));
  cfg.budgets.max_entries = 2;
  {
    RrSession s;  // a new session counts what the file already holds
    REQUIRE(s.open(fs, cfg) == RrCode::kOk);
    CHECK(s.append(d1) == RrCode::kTooManyEntries);
  }
  cfg.budgets = default_rr_budgets();
  cfg.budgets.max_cassette_bytes = (frame(d1) + frame(d2)).size() + 3;
  {
    RrSession s;
    REQUIRE(s.open(fs, cfg) == RrCode::kOk);
    CHECK(s.append(d1) == RrCode::kTooLarge);
  }
  CHECK(read_file(root.file(".x07_rr/dir/rec.rrbin")) == frame(d1) + frame(d2));  // refused appends wrote nothing
  cfg.budgets = default_rr_budgets();
  cfg.mode = RrMode::kRewrite;
  {
    RrSession s;
    REQUIRE(s.open(fs, cfg) == RrCode::kOk);
    REQUIRE(s.append(d2) == RrCode::kOk);  // the first append truncates
    REQUIRE(s.append(d2) == RrCode::kOk);  // later ones append
  }
  CHECK(read_file(root.file(".x07_rr/dir/rec.rrbin")) == frame(d2) + frame(d2));
  cfg.mode = RrMode::kReplay;
  RrSession replay;
  REQUIRE(replay.open(fs, cfg) == RrCode::kOk);
  const RrEntry* e = nullptr;
  REQUIRE(replay.next("rr", "std.stream.src.rr_send_v1", "k2", e) == RrCode::kOk);
  CHECK(e->resp.empty());
  REQUIRE(replay.next("rr", "std.stream.src.rr_send_v1", "k2", e) == RrCode::kOk);
  CHECK(replay.next("rr", "std.stream.src.rr_send_v1", "k2", e) == RrCode::kMiss);
}

TEST_CASE("rr: policy files and the --rr flags") {
  TempDir dir;
  write_file(dir.file("smoke_rr_v1.policy.json"),
             R"({"schema_version":"x07.arch.rr.policy@0.1.0","id":"smoke_rr_v1","v":1,"mode_default":"replay_v1",
                 "match_mode":"lookup_v1","budgets":{"max_cassette_bytes":1048576,"max_entries":100,
                 "max_req_bytes":1024,"max_resp_bytes":131072,"max_key_bytes":256},"notes":["x",{"y":null}]})");
  RrConfig cfg;
  std::string why;
  REQUIRE(read_rr_policy(dir.file("smoke_rr_v1.policy.json"), cfg, why));
  CHECK(cfg.budgets.max_cassette_bytes == 1048576);
  CHECK(cfg.budgets.max_entries == 100);
  CHECK(cfg.budgets.max_req_bytes == 1024);
  CHECK(cfg.budgets.max_resp_bytes == 131072);
  CHECK(cfg.budgets.max_key_bytes == 256);
  CHECK(cfg.match == RrMatch::kLookup);

  write_file(dir.file("t.json"), R"({"match_mode":"transcript_v1","mode_default":"record_missing_v1","budgets":{"max_cassette_bytes":10,"max_entries":1,"max_req_bytes":2,"max_resp_bytes":3,"max_key_bytes":4}})");
  REQUIRE(read_rr_policy(dir.file("t.json"), cfg, why));
  CHECK(cfg.match == RrMatch::kTranscript);
  CHECK(cfg.mode == RrMode::kRecordMissing);

  for (const char* bad : {R"({"budgets":{"max_entries":1}})", R"({"budgets":{"max_cassette_bytes":1,)",
                          R"({"match_mode":"fuzzy","budgets":{}})", R"([1,2])", R"({"budgets":{"max_cassette_bytes":-1,"max_entries":1,"max_req_bytes":2,"max_resp_bytes":3,"max_key_bytes":4}})",
                          R"({"budgets":{"max_cassette_bytes":1,"max_entries":4294967296,"max_req_bytes":2,"max_resp_bytes":3,"max_key_bytes":4}})"}) {
    CAPTURE(bad);
    write_file(dir.file("bad.json"), bad);
    RrConfig c;
    CHECK_FALSE(read_rr_policy(dir.file("bad.json"), c, why));
    CHECK_FALSE(why.empty());
  }

  RrFlags flags;
  flags.mode = "replay";
  CHECK_FALSE(rr_config_from_flags(flags, cfg, why));  // --rr-mode without --rr
  flags.cassette = "c.rrbin";
  flags.mode = "sometimes";
  CHECK_FALSE(rr_config_from_flags(flags, cfg, why));
  flags.mode = "record_missing";
  flags.match = "transcript";
  flags.policy = dir.file("smoke_rr_v1.policy.json");
  REQUIRE(rr_config_from_flags(flags, cfg, why));
  CHECK(cfg.mode == RrMode::kRecordMissing);  // the flag wins over the policy's mode_default
  CHECK(cfg.match == RrMatch::kTranscript);
  CHECK(cfg.budgets.max_entries == 100);
  CHECK(cfg.path == "c.rrbin");
  const RunOutcome o = rr_open_failure(RrCode::kMissing, ".x07_rr/c.rrbin: no such cassette");
  CHECK(o.status == RunStatus::kTrap);
  CHECK(o.trap.find("2002 rr_cassette_missing") != std::string::npos);
}

}  // namespace sluice::test

namespace sluice::test {

TEST_CASE("rr: every code 2000..2014 has its own name") {
  std::set<std::string_view> names;
  for (std::uint32_t n = 2000; n <= 2014; ++n) {
    const std::string_view name = rr_code_name(static_cast<RrCode>(n));
    CAPTURE(n);
    CHECK(name.starts_with("rr_"));
    names.insert(name);
  }
  CHECK(names.size() == 15);
  CHECK(rr_code_name(static_cast<RrCode>(2015)).empty());
}

}  // namespace sluice::test
