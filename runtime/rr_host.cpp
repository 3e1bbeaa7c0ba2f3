#include "runtime/rr_host.hpp"

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>

namespace sluice {
namespace {

// A small strict JSON reader for policy files: runtime/ has no JSON library (DESIGN.md), and a
// policy is a few dozen bytes. Values we need are kept; everything else is parsed and skipped,
// so a malformed file is refused wherever it is malformed.
class PolicyReader {
 public:
  explicit PolicyReader(std::string_view text) : s_(text) {}

  bool parse(RrConfig& out, std::string& error) {
    ws();
    if (!object(0, out)) {
      error = error_.empty() ? "malformed JSON at byte " + std::to_string(pos_) : error_;
      return false;
    }
    ws();
    if (pos_ != s_.size()) {
      error = "trailing bytes at byte " + std::to_string(pos_);
      return false;
    }
    static constexpr const char* kNames[5] = {"max_cassette_bytes", "max_entries", "max_req_bytes", "max_resp_bytes",
                                              "max_key_bytes"};
    for (int i = 0; i < 5; ++i)
      if (!seen_[i]) {
        error = std::string("budgets.") + kNames[i] + " is missing";
        return false;
      }
    return true;
  }

 private:
  void ws() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\n' || s_[pos_] == '\r' || s_[pos_] == '\t')) ++pos_;
  }
  bool eat(char c) {
    ws();
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  // A string's raw text (escapes validated, not decoded: the words we compare have none).
  bool string(std::string_view& out) {
    ws();
    if (pos_ >= s_.size() || s_[pos_] != '"') return false;
    const std::size_t start = ++pos_;
    while (pos_ < s_.size() && s_[pos_] != '"') {
      const auto c = static_cast<unsigned char>(s_[pos_]);
      if (c < 0x20) return false;
      if (c == '\\') {
        if (++pos_ >= s_.size()) return false;
        if (s_[pos_] == 'u') {
          for (int i = 0; i < 4; ++i)
            if (++pos_ >= s_.size() || !std::isxdigit(static_cast<unsigned char>(s_[pos_]))) return false;
        } else if (std::strchr("\"\\/bfnrt", s_[pos_]) == nullptr) {
          return false;
        }
      }
      ++pos_;
    }
    if (pos_ >= s_.size()) return false;
    out = s_.substr(start, pos_ - start);
    ++pos_;
    return true;
  }
  bool number(std::string_view& out) {
    ws();
    const std::size_t start = pos_;
    if (pos_ < s_.size() && s_[pos_] == '-') ++pos_;
    while (pos_ < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '.' ||
                                s_[pos_] == 'e' || s_[pos_] == 'E' || s_[pos_] == '+' || s_[pos_] == '-'))
      ++pos_;
    out = s_.substr(start, pos_ - start);
    return pos_ > start;
  }
  bool value(int depth, std::string_view key_path, RrConfig& out) {
    if (depth > 32) return false;
    ws();
    if (pos_ >= s_.size()) return false;
    const char c = s_[pos_];
    if (c == '{') return object(depth + 1, out, key_path);
    if (c == '[') {
      ++pos_;
      if (eat(']')) return true;
      do {
        if (!value(depth + 1, "", out)) return false;
      } while (eat(','));
      return eat(']');
    }
    if (c == '"') {
      std::string_view v;
      if (!string(v)) return false;
      if (key_path == "match_mode") {
        const auto m = parse_rr_match(v);
        if (!m) return fail("match_mode: expected lookup_v1 or transcript_v1, got " + std::string(v));
        out.match = *m;
      } else if (key_path == "mode_default") {
        const auto m = parse_rr_mode(v);
        if (!m) return fail("mode_default: expected off, record_v1, replay_v1, record_missing_v1 or rewrite_v1");
        out.mode = *m;
      }
      return true;
    }
    for (std::string_view lit : {"true", "false", "null"})
      if (s_.substr(pos_, lit.size()) == lit) {
        pos_ += lit.size();
        return true;
      }
    std::string_view n;
    if (!number(n)) return false;
    return budget(key_path, n);
  }
  bool budget(std::string_view key_path, std::string_view digits) {
    static constexpr std::string_view kKeys[5] = {"budgets.max_cassette_bytes", "budgets.max_entries", "budgets.max_req_bytes",
                                                  "budgets.max_resp_bytes", "budgets.max_key_bytes"};
    for (int i = 0; i < 5; ++i) {
      if (key_path != kKeys[i]) continue;
      std::uint64_t v = 0;
      for (char d : digits) {
        if (d < '0' || d > '9' || v > (UINT64_MAX - 9) / 10) return fail(std::string(key_path) + ": expected a non-negative integer");
        v = v * 10 + static_cast<unsigned>(d - '0');
      }
      if (i > 0 && v > UINT32_MAX) return fail(std::string(key_path) + ": more than 4294967295");
      if (i == 0) budgets_.max_cassette_bytes = v;
      if (i == 1) budgets_.max_entries = static_cast<std::uint32_t>(v);
      if (i == 2) budgets_.max_req_bytes = static_cast<std::uint32_t>(v);
      if (i == 3) budgets_.max_resp_bytes = static_cast<std::uint32_t>(v);
      if (i == 4) budgets_.max_key_bytes = static_cast<std::uint32_t>(v);
      seen_[i] = true;
    }
    return true;
  }
  bool object(int depth, RrConfig& out, std::string_view path = "") {
    if (!eat('{')) return false;
    if (eat('}')) return finish_object(path, out);
    do {
      std::string_view key;
      if (!string(key) || !eat(':')) return false;
      // Only the top level and its "budgets" member carry values we read.
      std::string child;
      if (path.empty()) child = std::string(key);
      else if (path == "budgets") child = "budgets." + std::string(key);
      if (!value(depth, child, out)) return false;
    } while (eat(','));
    if (!eat('}')) return false;
    return finish_object(path, out);
  }
  bool finish_object(std::string_view path, RrConfig& out) {
    if (path.empty()) out.budgets = budgets_;
    return true;
  }
  bool fail(std::string why) {
    error_ = std::move(why);
    return false;
  }

  std::string_view s_;
  std::size_t pos_ = 0;
  RrBudgets budgets_{};
  bool seen_[5] = {false, false, false, false, false};
  std::string error_;
};

}  // namespace

bool read_rr_policy(const std::string& path, RrConfig& out, std::string& error) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    error = "--rr-policy: cannot read " + path + ": " + std::strerror(errno);
    return false;
  }
  std::string text;
  char buf[4096];
  std::size_t n = 0;
  // A policy is small; a file past 1 MiB is not one.
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0 && text.size() <= (1u << 20)) text.append(buf, n);
  std::fclose(f);
  if (text.size() > (1u << 20)) {
    error = "--rr-policy: " + path + " is larger than 1 MiB";
    return false;
  }
  std::string why;
  if (!PolicyReader(text).parse(out, why)) {
    error = "--rr-policy: " + path + ": " + why;
    return false;
  }
  return true;
}

bool rr_run_config(const RrFlags& flags, ByteView entry_x7rc, std::optional<RrConfig>& out, std::string& error) {
  out.reset();
  if (entry_x7rc.empty()) {
    RrConfig cfg;
    if (!rr_config_from_flags(flags, cfg, error)) return false;
    if (!flags.cassette.empty()) out = std::move(cfg);
    return true;
  }
  if (!flags.cassette.empty() || !flags.mode.empty() || !flags.match.empty() || !flags.policy.empty()) {
    error = "this pipe's entry opens its own record/replay session (std.rr.with_policy_v1 or std.rr.with_v1 around "
            "its solve); drop --rr, --rr-mode, --rr-match and --rr-policy";
    return false;
  }
  if (decode_x7rc(entry_x7rc, out.emplace()) != RrCode::kOk) {
    out.reset();
    error = "the pipe's record/replay session cfg is not valid X7RC";  // the compiler made it: a corrupt plan
    return false;
  }
  return true;
}

bool rr_config_from_flags(const RrFlags& flags, RrConfig& out, std::string& error) {
  if (flags.cassette.empty()) {
    if (!flags.mode.empty() || !flags.match.empty() || !flags.policy.empty()) {
      error = "--rr-mode, --rr-match and --rr-policy need --rr CASSETTE";
      return false;
    }
    return true;
  }
  RrConfig cfg;  // replay, lookup, default budgets
  if (!flags.policy.empty() && !read_rr_policy(flags.policy, cfg, error)) return false;
  if (!flags.mode.empty()) {
    const auto m = parse_rr_mode(flags.mode);
    if (!m) {
      error = "--rr-mode: expected replay, record_missing, record, rewrite or off, got " + flags.mode;
      return false;
    }
    cfg.mode = *m;
  }
  if (!flags.match.empty()) {
    const auto m = parse_rr_match(flags.match);
    if (!m) {
      error = "--rr-match: expected lookup or transcript, got " + flags.match;
      return false;
    }
    cfg.match = *m;
  }
  cfg.path = flags.cassette;
  out = std::move(cfg);
  return true;
}

RunOutcome rr_open_failure(RrCode code, const std::string& detail) {
  RunOutcome o;
  o.status = RunStatus::kTrap;
  o.trap = std::string(trap_message_id(TrapId::kRrOpenFailed)) + ": " + std::to_string(rr_code_number(code)) + " " +
           std::string(rr_code_name(code));
  if (!detail.empty()) o.trap += ": " + detail;
  return o;
}

}  // namespace sluice
