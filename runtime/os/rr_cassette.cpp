#include "runtime/os/rr_cassette.hpp"

#include <cerrno>
#include <cstdlib>
#include <new>
#include <charconv>
#include <cstring>
#include <limits>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

namespace sluice {
namespace {

constexpr std::uint32_t kMaxDepth = 64;  // X07's rt_dm_skip_value_depth cap

void put_u16(std::string& out, std::uint16_t v) {
  out.push_back(static_cast<char>(v & 0xff));
  out.push_back(static_cast<char>(v >> 8));
}
void put_u32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void put_u64(std::string& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
std::uint64_t load_u64le(const std::uint8_t* p) {
  return static_cast<std::uint64_t>(load_u32le(p)) | (static_cast<std::uint64_t>(load_u32le(p + 4)) << 32);
}

// A bounds-checked reader over one doc: every read says whether it fitted, so no input can read
// past the end.
struct Reader {
  const std::uint8_t* p;
  std::uint32_t size;
  std::uint32_t pos = 0;
  bool u8(std::uint8_t& v) {
    if (pos >= size) return false;
    v = p[pos++];
    return true;
  }
  bool u32(std::uint32_t& v) {
    if (size - pos < 4) return false;
    v = load_u32le(p + pos);
    pos += 4;
    return true;
  }
  bool bytes(std::uint32_t n, std::string_view& v) {
    if (size - pos < n) return false;
    v = std::string_view(reinterpret_cast<const char*>(p + pos), n);
    pos += n;
    return true;
  }
};

// Skips one DataModel value (kinds 0..5, §3.1); false when malformed, truncated or too deep.
// Map keys must be strictly ascending at every level, as the encoding requires.
bool skip_value(Reader& r, std::uint32_t depth) {
  if (depth > kMaxDepth) return false;
  std::uint8_t kind = 0;
  if (!r.u8(kind)) return false;
  std::uint32_t n = 0;
  std::string_view s;
  switch (kind) {
    case 0: return true;
    case 1: return r.u8(kind) && kind <= 1;
    case 2:
    case 3: return r.u32(n) && r.bytes(n, s);
    case 4:
      if (!r.u32(n)) return false;
      for (std::uint32_t i = 0; i < n; ++i)
        if (!skip_value(r, depth + 1)) return false;
      return true;
    case 5: {
      if (!r.u32(n)) return false;
      std::string_view prev;
      for (std::uint32_t i = 0; i < n; ++i) {
        std::uint32_t klen = 0;
        std::string_view key;
        if (!r.u32(klen) || !r.bytes(klen, key)) return false;
        if (i > 0 && !(prev < key)) return false;
        prev = key;
        if (!skip_value(r, depth + 1)) return false;
      }
      return true;
    }
    default: return false;
  }
}

// Decimal text of an i32 (an optional '-', then digits).
std::optional<std::int32_t> parse_i32(std::string_view text) {
  std::int32_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || text.front() == '+') return std::nullopt;
  return v;
}
template <class U>
std::optional<U> parse_unsigned(std::string_view text) {
  U v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return v;
}

void put_key(std::string& out, std::string_view key) {
  put_u32(out, static_cast<std::uint32_t>(key.size()));
  out.append(key);
}
void put_string(std::string& out, std::string_view key, std::string_view value) {
  put_key(out, key);
  out.push_back('\x03');
  put_u32(out, static_cast<std::uint32_t>(value.size()));
  out.append(value);
}
void put_number(std::string& out, std::string_view key, std::string_view digits) {
  put_key(out, key);
  out.push_back('\x02');
  put_u32(out, static_cast<std::uint32_t>(digits.size()));
  out.append(digits);
}

std::string errno_text(int e) { return std::strerror(e); }

// Built by appending (GCC 12 warns falsely on `"literal" + std::string(view)`).
std::string shown_path(std::string_view path) {
  std::string s(".x07_rr/");
  s.append(path);
  return s;
}
std::string unsafe_path(std::string_view path) {
  std::string s("'");
  s.append(path);
  s.append("': ");
  s.append(describe(PathError::kUnsafe, 0));
  return s;
}

bool write_all(int fd, const char* p, std::size_t n, int& err) {
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      err = w < 0 ? errno : EIO;
      return false;
    }
    p += w;
    n -= static_cast<std::size_t>(w);
  }
  return true;
}

// mkdir of <root>/.x07_rr and of each directory of `path` under it, beneath the root.
RrCode make_dirs(const FsRoot& root, std::string_view path, std::string& detail) {
  const std::string base = root.dir + "/.x07_rr";
  if (::mkdir(base.c_str(), 0777) != 0 && errno != EEXIST) {
    detail = base + ": " + errno_text(errno);
    return RrCode::kIo;
  }
  std::size_t slash = path.find('/');
  while (slash != std::string_view::npos) {
    // The path is safe (no `..`, no empty segment), so each prefix names a directory beneath
    // .x07_rr; a symlinked prefix is caught by the RESOLVE_BENEATH open that follows.
    const std::string dir = base + "/" + std::string(path.substr(0, slash));
    if (::mkdir(dir.c_str(), 0777) != 0 && errno != EEXIST) {
      detail = dir + ": " + errno_text(errno);
      return RrCode::kIo;
    }
    slash = path.find('/', slash + 1);
  }
  return RrCode::kOk;
}

}  // namespace

std::string_view rr_code_name(RrCode code) {
  switch (code) {
    case RrCode::kOk: return "ok";
#define SLUICE_ERR(ident, code, msg)
#define SLUICE_TRAP(ident, msg)
#define SLUICE_RR_CODE(ident, code, name, meaning) \
  case RrCode::k##ident:                           \
    return name;
#include "runtime/codes.def"
#undef SLUICE_ERR
#undef SLUICE_TRAP
#undef SLUICE_RR_CODE
  }
  return "";
}

std::optional<RrMode> parse_rr_mode(std::string_view w) {
  if (w.ends_with("_v1")) w.remove_suffix(3);
  if (w == "off") return RrMode::kOff;
  if (w == "record") return RrMode::kRecord;
  if (w == "replay") return RrMode::kReplay;
  if (w == "record_missing") return RrMode::kRecordMissing;
  if (w == "rewrite") return RrMode::kRewrite;
  return std::nullopt;
}

std::string_view rr_mode_name(RrMode m) {
  switch (m) {
    case RrMode::kOff: return "off";
    case RrMode::kRecord: return "record";
    case RrMode::kReplay: return "replay";
    case RrMode::kRecordMissing: return "record_missing";
    case RrMode::kRewrite: return "rewrite";
  }
  return "";
}

std::optional<RrMatch> parse_rr_match(std::string_view w) {
  if (w.ends_with("_v1")) w.remove_suffix(3);
  if (w == "lookup") return RrMatch::kLookup;
  if (w == "transcript") return RrMatch::kTranscript;
  return std::nullopt;
}

std::string_view rr_match_name(RrMatch m) { return m == RrMatch::kLookup ? "lookup" : "transcript"; }

RrBudgets default_rr_budgets() {
  // A 1 GiB cassette read whole, a million entries, 64 MiB requests, 512 MiB responses (an item
  // must fit the u32 budgets of a pipe anyway), 64 KiB keys.
  return RrBudgets{std::uint64_t{1} << 30, 1u << 20, 64u << 20, 512u << 20, 64u << 10};
}

std::vector<std::uint8_t> encode_x7rc(const RrConfig& cfg) {
  std::string out = "X7RC";
  put_u16(out, 1);
  put_u16(out, 0);
  out.push_back(static_cast<char>(cfg.mode));
  out.push_back(static_cast<char>(cfg.match));
  put_u16(out, 0);
  put_u64(out, cfg.budgets.max_cassette_bytes);
  put_u32(out, cfg.budgets.max_entries);
  put_u32(out, cfg.budgets.max_req_bytes);
  put_u32(out, cfg.budgets.max_resp_bytes);
  put_u32(out, cfg.budgets.max_key_bytes);
  put_u32(out, static_cast<std::uint32_t>(cfg.path.size()));
  out += cfg.path;
  return {out.begin(), out.end()};
}

RrCode decode_x7rc(ByteView b, RrConfig& out) {
  if (b.size < 40 || std::memcmp(b.data, "X7RC", 4) != 0) return RrCode::kCfgInvalid;
  const std::uint8_t* p = b.data;
  if (p[4] != 1 || p[5] != 0 || p[6] != 0 || p[7] != 0 || p[10] != 0 || p[11] != 0) return RrCode::kCfgInvalid;
  if (p[8] > 4 || p[9] > 1) return RrCode::kCfgInvalid;
  const std::uint32_t path_len = load_u32le(p + 36);
  if (std::uint64_t{b.size} != 40u + std::uint64_t{path_len}) return RrCode::kCfgInvalid;
  RrConfig c;
  c.mode = static_cast<RrMode>(p[8]);
  c.match = static_cast<RrMatch>(p[9]);
  c.budgets.max_cassette_bytes = load_u64le(p + 12);
  c.budgets.max_entries = load_u32le(p + 20);
  c.budgets.max_req_bytes = load_u32le(p + 24);
  c.budgets.max_resp_bytes = load_u32le(p + 28);
  c.budgets.max_key_bytes = load_u32le(p + 32);
  c.path.assign(reinterpret_cast<const char*>(p + 40), path_len);
  if (!is_safe_relative_path(c.path)) return RrCode::kCfgInvalid;
  out = std::move(c);
  return RrCode::kOk;
}

RrCode parse_rr_entry(ByteView payload, const RrBudgets& budgets, RrEntry& out) {
  Reader r{payload.data, payload.size};
  std::uint8_t tag = 0, kind = 0;
  std::uint32_t count = 0;
  if (!r.u8(tag) || tag != 1 || !r.u8(kind) || kind != 5 || !r.u32(count)) return RrCode::kEntryInvalid;
  RrEntry e;
  e.doc = payload;
  bool has_err = false, has_key = false, has_kind = false, has_op = false, has_req = false, has_resp = false;
  std::string_view prev;
  for (std::uint32_t i = 0; i < count; ++i) {
    std::uint32_t klen = 0;
    std::string_view key;
    if (!r.u32(klen) || !r.bytes(klen, key)) return RrCode::kEntryInvalid;
    if (i > 0 && !(prev < key)) return RrCode::kEntryInvalid;  // strictly ascending: no duplicates
    prev = key;
    std::uint8_t vkind = 0;
    std::uint32_t vlen = 0;
    std::string_view v;
    const bool scalar = key == "err" || key == "key" || key == "kind" || key == "op" || key == "req" ||
                        key == "resp" || key == "latency_ticks" || key == "seq";
    if (!scalar) {
      if (!skip_value(r, 1)) return RrCode::kEntryInvalid;  // unknown keys (v among them) are skipped
      continue;
    }
    if (!r.u8(vkind) || (vkind != 2 && vkind != 3) || !r.u32(vlen) || !r.bytes(vlen, v)) return RrCode::kEntryInvalid;
    const bool is_number = vkind == 2;
    if (key == "err") {
      const auto n = is_number ? parse_i32(v) : std::nullopt;
      if (!n) return RrCode::kEntryInvalid;
      e.err = *n;
      has_err = true;
    } else if (key == "latency_ticks") {
      const auto n = is_number ? parse_unsigned<std::uint32_t>(v) : std::nullopt;
      if (!n) return RrCode::kEntryInvalid;
      e.latency_ticks = *n;
    } else if (key == "seq") {
      // Written by tools and ignored by the runtime: a seq that is not a number is kept out.
      if (is_number) e.seq = parse_unsigned<std::uint64_t>(v);
    } else {
      if (is_number) return RrCode::kEntryInvalid;
      if (key == "key") e.key = v, has_key = true;
      else if (key == "kind") e.kind = v, has_kind = true;
      else if (key == "op") e.op = v, has_op = true;
      else if (key == "req") e.req = v, has_req = true;
      else e.resp = v, has_resp = true;
    }
  }
  if (r.pos != r.size) return RrCode::kEntryInvalid;  // no trailing bytes
  if (!(has_err && has_key && has_kind && has_op && has_req && has_resp)) return RrCode::kEntryInvalid;
  if (e.req.size() > budgets.max_req_bytes) return RrCode::kReqTooLarge;
  if (e.resp.size() > budgets.max_resp_bytes) return RrCode::kRespTooLarge;
  if (e.key.size() > budgets.max_key_bytes) return RrCode::kKeyTooLarge;
  out = e;
  return RrCode::kOk;
}

std::string encode_rr_entry(const RrEntryFields& f) {
  // Keys in bytewise order: err key kind latency_ticks op req resp seq v.
  std::uint32_t count = 6 + (f.latency_ticks != 0 ? 1 : 0) + (f.seq ? 2 : 0);
  std::string out;
  out.reserve(64 + f.kind.size() + f.op.size() + f.key.size() + f.req.size() + f.resp.size());
  out.push_back('\x01');
  out.push_back('\x05');
  put_u32(out, count);
  put_number(out, "err", std::to_string(f.err));
  put_string(out, "key", f.key);
  put_string(out, "kind", f.kind);
  if (f.latency_ticks != 0) put_number(out, "latency_ticks", std::to_string(f.latency_ticks));
  put_string(out, "op", f.op);
  put_string(out, "req", f.req);
  put_string(out, "resp", f.resp);
  if (f.seq) {
    put_number(out, "seq", std::to_string(*f.seq));
    put_number(out, "v", "1");
  }
  return out;
}

void RrFree::operator()(char* p) const noexcept { std::free(p); }

// A buffer for a whole cassette. Large ones are 2 MiB aligned and asked to be backed by huge
// pages: a 128 MiB read then takes 64 page faults instead of 32768, which is most of its cost.
static std::unique_ptr<char[], RrFree> rr_alloc(std::size_t n) {
  constexpr std::size_t kHuge = std::size_t{2} << 20;
  void* p = nullptr;
  if (n >= kHuge) {
    if (::posix_memalign(&p, kHuge, (n + kHuge - 1) / kHuge * kHuge) != 0) throw std::bad_alloc();
    ::madvise(p, (n + kHuge - 1) / kHuge * kHuge, MADV_HUGEPAGE);  // advice only: failure is fine
  } else {
    p = std::malloc(n == 0 ? 1 : n);
    if (p == nullptr) throw std::bad_alloc();
  }
  return std::unique_ptr<char[], RrFree>(static_cast<char*>(p));
}

void RrCassette::assign(std::string_view b) {
  data_ = rr_alloc(b.size() + 1);
  std::memcpy(data_.get(), b.data(), b.size());
  size_ = b.size();
  entries.clear();
}

RrCode parse_rr_cassette(RrCassette& c, const RrBudgets& budgets) {
  c.entries.clear();
  c.bad_offset = 0;
  const std::string_view bytes = c.bytes();
  if (bytes.size() > budgets.max_cassette_bytes) return RrCode::kTooLarge;
  // ByteView sizes are u32: a cassette past 4 GiB cannot be addressed, whatever the budget says.
  if (bytes.size() > std::numeric_limits<std::uint32_t>::max()) return RrCode::kTooLarge;
  const auto* base = reinterpret_cast<const std::uint8_t*>(bytes.data());
  const std::uint64_t size = bytes.size();
  std::uint64_t pos = 0;
  while (pos < size) {
    c.bad_offset = pos;
    if (size - pos < 4) return RrCode::kTruncated;
    const std::uint32_t len = load_u32le(base + pos);
    if (size - pos - 4 < len) return RrCode::kTruncated;
    if (c.entries.size() >= budgets.max_entries) return RrCode::kTooManyEntries;
    RrEntry e;
    const RrCode code = parse_rr_entry(ByteView(base + pos + 4, len), budgets, e);
    if (code != RrCode::kOk) return code;
    c.entries.push_back(e);
    pos += 4u + len;
  }
  c.bad_offset = 0;
  return RrCode::kOk;
}

FsRoot rr_dir_of(const FsRoot& root) {
  // Cassette paths are safe relative paths in every world (x07-modules §6.3), so the cassette
  // directory is always a sandbox, run-os included.
  return FsRoot{root.dir + "/.x07_rr", true};
}

RrCode load_rr_cassette(const FsRoot& root, std::string_view path, const RrBudgets& budgets, bool missing_ok,
                        RrCassette& out, std::string& detail) {
  out.data_.reset();
  out.size_ = 0;
  out.entries.clear();
  if (!is_safe_relative_path(path)) {
    detail = unsafe_path(path);
    return RrCode::kCfgInvalid;
  }
  const std::string shown = shown_path(path);
  const OpenedPath opened = open_read(rr_dir_of(root), path);
  if (opened.fd < 0) {
    if (opened.error == PathError::kOs && opened.err_no == ENOENT) {
      if (missing_ok) return RrCode::kOk;
      detail = shown + ": no such cassette under " + root.dir;
      return RrCode::kMissing;
    }
    detail = shown + ": " + describe(opened.error, opened.err_no);
    return opened.error == PathError::kOs ? RrCode::kIo : RrCode::kCfgInvalid;
  }
  const int fd = opened.fd;
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    detail = shown + ": not a regular file";
    ::close(fd);
    return RrCode::kIo;
  }
  // Never read more than the budget allows (plus one byte to see that it is exceeded), even if
  // the file grows while it is read.
  const std::uint64_t limit = budgets.max_cassette_bytes;
  if (static_cast<std::uint64_t>(st.st_size) > limit) {
    detail = shown + ": " + std::to_string(st.st_size) + " bytes, more than max_cassette_bytes " + std::to_string(limit);
    ::close(fd);
    return RrCode::kTooLarge;
  }
  // One byte more than the size, so a file that grew since fstat is seen (and read on, up to the
  // budget, through a bigger buffer: the rare path).
  std::size_t cap = static_cast<std::size_t>(st.st_size) + 1;
  std::unique_ptr<char[], RrFree> buf = rr_alloc(cap);
  std::size_t got = 0;
  for (;;) {
    if (got == cap) {
      if (got > limit) break;
      const std::size_t bigger = static_cast<std::size_t>(std::min<std::uint64_t>(limit + 1, std::uint64_t{cap} * 2));
      std::unique_ptr<char[], RrFree> grown = rr_alloc(bigger);
      std::memcpy(grown.get(), buf.get(), got);
      buf = std::move(grown);
      cap = bigger;
    }
    const ssize_t n = ::read(fd, buf.get() + got, cap - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      detail = shown + ": " + errno_text(errno);
      ::close(fd);
      return RrCode::kIo;
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  ::close(fd);
  out.data_ = std::move(buf);
  out.size_ = got;
  const RrCode code = parse_rr_cassette(out, budgets);
  if (code != RrCode::kOk) {
    detail = shown + ": " + std::string(rr_code_name(code));
    if (code != RrCode::kTooLarge) detail += " (frame at byte " + std::to_string(out.bad_offset) + ")";
  }
  return code;
}

RrCode append_rr_frame(const FsRoot& root, std::string_view path, std::string_view doc, bool truncate,
                       std::string& detail) {
  if (!is_safe_relative_path(path)) {
    detail = unsafe_path(path);
    return RrCode::kCfgInvalid;
  }
  if (doc.size() > std::numeric_limits<std::uint32_t>::max()) return RrCode::kTooLarge;
  if (const RrCode c = make_dirs(root, path, detail); c != RrCode::kOk) return c;
  const std::string shown = shown_path(path);
  std::string leaf;
  const OpenedPath dir = open_parent_dir(rr_dir_of(root), path, leaf);
  if (dir.fd < 0) {
    detail = shown + ": " + describe(dir.error, dir.err_no);
    return dir.error == PathError::kOs ? RrCode::kIo : RrCode::kCfgInvalid;
  }
  const int fd = ::openat(dir.fd, leaf.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | (truncate ? O_TRUNC : 0), 0666);
  const int open_err = errno;
  ::close(dir.fd);
  if (fd < 0) {
    detail = shown + ": " + errno_text(open_err);
    return RrCode::kIo;
  }
  // Append at the end as it is now, and cut back to it if the frame cannot be written whole.
  const off_t old_size = ::lseek(fd, 0, SEEK_END);
  std::string frame;
  frame.reserve(4 + doc.size());
  put_u32(frame, static_cast<std::uint32_t>(doc.size()));
  frame.append(doc);
  int err = old_size < 0 ? errno : 0;
  if (err == 0 && write_all(fd, frame.data(), frame.size(), err) && ::fsync(fd) != 0) err = errno;
  if (err != 0) {
    if (old_size >= 0 && ::ftruncate(fd, old_size) != 0) {
      // Nothing more can be done: the detail says the frame may be partial.
      detail = shown + ": " + errno_text(err) + " (and could not cut the partial frame off)";
    } else {
      detail = shown + ": " + errno_text(err);
    }
    ::close(fd);
    return RrCode::kIo;
  }
  if (::close(fd) != 0) {
    detail = shown + ": " + errno_text(errno);
    return RrCode::kIo;
  }
  return RrCode::kOk;
}

RrCode RrSession::open(const FsRoot& root, const RrConfig& cfg) {
  root_ = root;
  cfg_ = cfg;
  detail_.clear();
  cursor_ = 0;
  used_count_ = 0;
  truncated_once_ = false;
  if (!is_safe_relative_path(cfg.path)) {
    detail_ = unsafe_path(cfg.path);
    return RrCode::kCfgInvalid;
  }
  if (cfg.mode == RrMode::kReplay || cfg.mode == RrMode::kRecordMissing) {
    const RrCode c = load_rr_cassette(root, cfg.path, cfg.budgets, cfg.mode == RrMode::kRecordMissing, cassette_, detail_);
    if (c != RrCode::kOk) return c;
  }
  used_.assign(cassette_.entries.size(), false);
  file_bytes_ = cassette_.bytes().size();
  file_entries_ = static_cast<std::uint32_t>(cassette_.entries.size());
  return RrCode::kOk;
}

RrCode RrSession::next(std::string_view kind, std::string_view op, std::string_view key, const RrEntry*& out) {
  out = nullptr;
  if (cfg_.mode != RrMode::kReplay && cfg_.mode != RrMode::kRecordMissing) return RrCode::kNotReplaying;
  if (key.size() > cfg_.budgets.max_key_bytes) return RrCode::kKeyTooLarge;
  const auto& entries = cassette_.entries;
  if (cfg_.match == RrMatch::kTranscript) {
    if (cursor_ >= entries.size()) return RrCode::kMiss;
    const std::size_t i = cursor_++;
    used_[i] = true;
    ++used_count_;
    if (entries[i].kind != kind) return RrCode::kKindMismatch;
    if (entries[i].op != op) return RrCode::kOpMismatch;
    out = &entries[i];
    return RrCode::kOk;
  }
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (used_[i] || entries[i].kind != kind || entries[i].op != op || entries[i].key != key) continue;
    used_[i] = true;
    ++used_count_;
    out = &entries[i];
    return RrCode::kOk;
  }
  return RrCode::kMiss;
}

RrCode RrSession::append(std::string_view entry_doc) {
  if (cfg_.mode != RrMode::kRecord && cfg_.mode != RrMode::kRecordMissing && cfg_.mode != RrMode::kRewrite)
    return RrCode::kNotRecording;
  RrEntry e;
  if (entry_doc.size() > std::numeric_limits<std::uint32_t>::max()) return RrCode::kEntryInvalid;
  const RrCode parsed = parse_rr_entry(ByteView::of(entry_doc), cfg_.budgets, e);
  if (parsed != RrCode::kOk) return parsed;
  const bool truncate = cfg_.mode == RrMode::kRewrite && !truncated_once_;
  if (truncate) {
    file_bytes_ = 0;
    file_entries_ = 0;
  } else if (cfg_.mode == RrMode::kRecord && file_entries_ == 0 && file_bytes_ == 0) {
    // Record appends to what is there: its size and frame count count against the budgets.
    RrCassette existing;
    std::string why;
    const RrCode c = load_rr_cassette(root_, cfg_.path, cfg_.budgets, true, existing, why);
    if (c != RrCode::kOk) {
      detail_ = why;
      return c;
    }
    file_bytes_ = existing.bytes().size();
    file_entries_ = static_cast<std::uint32_t>(existing.entries.size());
  }
  if (file_entries_ >= cfg_.budgets.max_entries) return RrCode::kTooManyEntries;
  if (file_bytes_ + 4 + entry_doc.size() > cfg_.budgets.max_cassette_bytes) return RrCode::kTooLarge;
  const RrCode w = append_rr_frame(root_, cfg_.path, entry_doc, truncate, detail_);
  if (w != RrCode::kOk) return w;
  truncated_once_ = truncated_once_ || truncate;
  file_bytes_ += 4 + entry_doc.size();
  ++file_entries_;
  return RrCode::kOk;
}

}  // namespace sluice
