// Record/replay cassettes (x07-modules §4): the `.rrbin` file format, the X7RC session cfg, and
// the per-run session that replays (lookup_v1 / transcript_v1) and appends entries. This is the
// OS adapter of record/replay: the one file that reads and writes cassette files.
//
// A cassette is a sequence of frames `u32 LE len + payload`; each payload is a DataModel OK doc
// whose root is a map with keys strictly ascending (err, key, kind, latency_ticks?, op, req, resp,
// seq?, v?; unknown keys are ignored). Cassettes live under `<root>/.x07_rr/<path>`, where <path>
// is a safe relative path (x07-modules §6.3). Every malformed input gives its code (2000..2014,
// docs/codes.md), never a crash, and loading is bounded by the session's budgets.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/bytes.hpp"
#include "runtime/fs_sandbox.hpp"

namespace sluice {

// X07's rr codes (runtime/codes.def, docs/codes.md): the numbers are X07's, the names sluice's.
enum class RrCode : std::uint32_t {
  kOk = 0,
#define SLUICE_ERR(ident, code, msg)
#define SLUICE_TRAP(ident, msg)
#define SLUICE_RR_CODE(ident, code, name, meaning) k##ident = code,
#include "runtime/codes.def"
#undef SLUICE_ERR
#undef SLUICE_TRAP
#undef SLUICE_RR_CODE
};

// The name of a code (e.g. "rr_no_entry", docs/codes.md); "ok" for kOk, "" for an unknown one.
std::string_view rr_code_name(RrCode code);
inline std::uint32_t rr_code_number(RrCode code) { return static_cast<std::uint32_t>(code); }

// Session modes and match modes with X07's numbers (X7RC bytes 8 and 9).
enum class RrMode : std::uint8_t { kOff = 0, kRecord = 1, kReplay = 2, kRecordMissing = 3, kRewrite = 4 };
enum class RrMatch : std::uint8_t { kLookup = 0, kTranscript = 1 };

// CLI words: off | record | replay | record_missing | rewrite (the X07 names with _v1 also work).
std::optional<RrMode> parse_rr_mode(std::string_view word);
std::string_view rr_mode_name(RrMode m);
// lookup | transcript (also lookup_v1 | transcript_v1).
std::optional<RrMatch> parse_rr_match(std::string_view word);
std::string_view rr_match_name(RrMatch m);

struct RrBudgets {
  std::uint64_t max_cassette_bytes = 0;
  std::uint32_t max_entries = 0;
  std::uint32_t max_req_bytes = 0;
  std::uint32_t max_resp_bytes = 0;
  std::uint32_t max_key_bytes = 0;
};
// The budgets of a session opened without a policy (docs/record_replay.md): large enough for
// real cassettes, small enough that a corrupt length never makes us allocate without bound.
RrBudgets default_rr_budgets();

// What an X7RC cfg holds (x07-modules §4.2).
struct RrConfig {
  RrMode mode = RrMode::kReplay;
  RrMatch match = RrMatch::kLookup;
  RrBudgets budgets = default_rr_budgets();
  std::string path;  // relative to <root>/.x07_rr/
};

// The exact 40 + path_len bytes of an X7RC cfg.
std::vector<std::uint8_t> encode_x7rc(const RrConfig& cfg);
// kOk, or kCfgInvalid (bad magic/version/reserved bytes/mode/match/length, unsafe path).
RrCode decode_x7rc(ByteView bytes, RrConfig& out);

// One entry, as views into the bytes it was parsed from.
struct RrEntry {
  ByteView doc;  // the whole frame payload (what X07's next_v1 returns)
  std::string_view kind, op, key, req, resp;
  std::int32_t err = 0;
  std::optional<std::uint32_t> latency_ticks;
  std::optional<std::uint64_t> seq;  // written by tools; ignored by replay
};

// Parses one frame payload against the budgets: kOk, kEntryInvalid, kReqTooLarge, kRespTooLarge
// or kKeyTooLarge.
RrCode parse_rr_entry(ByteView payload, const RrBudgets& budgets, RrEntry& out);

// The fields of an entry to write; encode_rr_entry gives its doc (keys in order; latency_ticks
// only when nonzero, as `x07 rr record` writes it).
struct RrEntryFields {
  std::string_view kind = "rr";
  std::string_view op = "std.stream.src.rr_send_v1";
  std::string_view key, req, resp;
  std::int32_t err = 0;
  std::uint32_t latency_ticks = 0;
  std::optional<std::uint64_t> seq;  // with v 1; both omitted when absent
};
std::string encode_rr_entry(const RrEntryFields& f);

// Frees a cassette buffer (malloc'ed, see rr_cassette.cpp).
struct RrFree {
  void operator()(char* p) const noexcept;
};

// A cassette's bytes and its entries (views into `bytes`). Not copyable or movable: the entries
// point into the object's own buffer.
struct RrCassette {
  RrCassette() = default;
  RrCassette(const RrCassette&) = delete;
  RrCassette& operator=(const RrCassette&) = delete;
  // The file's bytes, in a buffer that is never zero-filled first: a read(2) writes each byte
  // once (a std::string's resize would touch every page twice).
  [[nodiscard]] std::string_view bytes() const { return {data_.get(), size_}; }
  void assign(std::string_view b);
  std::vector<RrEntry> entries;
  std::uint64_t bad_offset = 0;  // where parsing stopped on an error (the frame's header offset)

 private:
  friend RrCode load_rr_cassette(const FsRoot&, std::string_view, const RrBudgets&, bool, RrCassette&, std::string&);
  std::unique_ptr<char[], RrFree> data_;
  std::size_t size_ = 0;
};
// Parses `c.bytes()` into `c.entries`: kTooLarge, kTruncated, kTooManyEntries or an entry code.
RrCode parse_rr_cassette(RrCassette& c, const RrBudgets& budgets);

// Where cassettes of the fs root `root` live: <root.dir>/.x07_rr, sandboxed like the root.
FsRoot rr_dir_of(const FsRoot& root);

// Reads <root>/.x07_rr/<path> whole (never more than max_cassette_bytes + 1 bytes) and parses it.
// A missing file is kMissing, or an empty cassette with `missing_ok`. `detail` says why in words.
RrCode load_rr_cassette(const FsRoot& root, std::string_view path, const RrBudgets& budgets, bool missing_ok,
                        RrCassette& out, std::string& detail);

// Appends one frame (u32 len + doc) to <root>/.x07_rr/<path>, creating .x07_rr/ and the file when
// needed; `truncate` empties the file first. The frame is written whole and fsynced, or the file
// is cut back to its old length: never half a frame.
RrCode append_rr_frame(const FsRoot& root, std::string_view path, std::string_view doc, bool truncate,
                       std::string& detail);

// A record/replay session: per run, opened before the run starts and closed (destroyed) when it
// ends, whatever happens. Replays match lookup_v1 (first unused entry with equal kind, op, key)
// or transcript_v1 (the next entry in file order).
class RrSession {
 public:
  RrSession() = default;
  RrSession(const RrSession&) = delete;
  RrSession& operator=(const RrSession&) = delete;

  // Opens the cassette under <root>/.x07_rr/ as cfg says. Replay reads it whole (missing: 2002);
  // record_missing reads it when present; record and rewrite read nothing.
  RrCode open(const FsRoot& root, const RrConfig& cfg);
  [[nodiscard]] const std::string& detail() const { return detail_; }
  [[nodiscard]] const RrConfig& config() const { return cfg_; }
  [[nodiscard]] const RrCassette& cassette() const { return cassette_; }

  // X07's rr.next_v1: the matched entry in `out` (valid while the session lives), or a code.
  RrCode next(std::string_view kind, std::string_view op, std::string_view key, const RrEntry*& out);
  // X07's rr.append_v1 (modes record, record_missing, rewrite): validates the entry doc like the
  // loader, checks max_entries and max_cassette_bytes, and appends it to the file.
  RrCode append(std::string_view entry_doc);

  [[nodiscard]] std::uint32_t used() const { return used_count_; }

 private:
  FsRoot root_;
  RrConfig cfg_;
  RrCassette cassette_;
  std::vector<bool> used_;
  std::uint32_t used_count_ = 0;
  std::size_t cursor_ = 0;          // transcript_v1: the next entry
  std::uint64_t file_bytes_ = 0;    // the file's size as far as this session knows
  std::uint32_t file_entries_ = 0;  // frames in the file
  bool truncated_once_ = false;     // rewrite: the first append truncates
  std::string detail_;
};

}  // namespace sluice
