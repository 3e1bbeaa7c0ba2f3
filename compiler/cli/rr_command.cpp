#include "compiler/cli/rr_command.hpp"

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <iostream>

#include "compiler/json_source.hpp"
#include "runtime/os/rr_cassette.hpp"
#include "runtime/os/tcp_client.hpp"
#include "runtime/rr_host.hpp"
#include "runtime/run_report.hpp"

namespace sluice {
namespace {

constexpr int kOk = 0, kFailed = 1, kUsage = 2;

// "name":"text" when the bytes are UTF-8, else "name_b64":"..." — a JSON line never holds
// anything but valid UTF-8, and no byte is lost.
std::string bytes_member(std::string_view name, std::string_view bytes) {
  if (is_valid_utf8(bytes)) return json_quote(name) + ":" + json_quote(bytes);
  return json_quote(std::string(name) + "_b64") + ":\"" + base64_encode(ByteView::of(bytes)) + "\"";
}

std::string entry_line(std::size_t index, std::uint64_t offset, const RrEntry& e) {
  std::string j = "{\"index\":" + std::to_string(index) + ",\"offset\":" + std::to_string(offset) +
                  ",\"frame_bytes\":" + std::to_string(e.doc.size);
  j += "," + bytes_member("kind", e.kind);
  j += "," + bytes_member("op", e.op);
  j += "," + bytes_member("key", e.key);
  j += ",\"err\":" + std::to_string(e.err);
  if (e.latency_ticks) j += ",\"latency_ticks\":" + std::to_string(*e.latency_ticks);
  if (e.seq) j += ",\"seq\":" + std::to_string(*e.seq);
  j += ",\"req_bytes\":" + std::to_string(e.req.size()) + "," + bytes_member("req", e.req);
  j += ",\"resp_bytes\":" + std::to_string(e.resp.size()) + "," + bytes_member("resp", e.resp);
  return j + "}";
}

bool budgets_for(const std::string& policy, RrBudgets& out) {
  RrConfig cfg;
  if (!policy.empty()) {
    std::string why;
    if (!read_rr_policy(policy, cfg, why)) {
      std::cerr << "sluice: " << why << "\n";
      return false;
    }
  }
  out = cfg.budgets;
  return true;
}

void report_code(const char* what, RrCode code, const std::string& detail) {
  std::cerr << "sluice: rr " << what << ": " << rr_code_number(code) << " " << rr_code_name(code);
  if (!detail.empty()) std::cerr << ": " << detail;
  std::cerr << "\n";
}

bool read_file(const std::string& path, std::uint64_t limit, std::string& out, std::string& why) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    why = std::strerror(errno);
    return false;
  }
  char buf[1 << 16];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) {
    if (out.size() + n > limit) {
      std::fclose(f);
      why = "larger than " + std::to_string(limit) + " bytes";
      return false;
    }
    out.append(buf, n);
  }
  const bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) why = "read error";
  return !failed;
}

}  // namespace

int cmd_rr_show(const RrShowOptions& o) {
  RrBudgets budgets;
  if (!budgets_for(o.policy, budgets)) return kUsage;
  RrCassette c;
  std::string detail;
  const RrCode code = load_rr_cassette(FsRoot{o.root, true}, o.cassette, budgets, false, c, detail);
  // Entries before a bad frame are still listed: they say where the damage starts.
  std::uint64_t offset = 0;
  for (std::size_t i = 0; i < c.entries.size(); ++i) {
    std::cout << entry_line(i, offset, c.entries[i]) << "\n";
    offset += 4u + c.entries[i].doc.size;
  }
  std::cout.flush();
  if (code != RrCode::kOk) {
    report_code("show", code, detail);
    return code == RrCode::kCfgInvalid ? kUsage : kFailed;
  }
  return kOk;
}

int cmd_rr_record(const RrRecordOptions& o) {
  if (o.from_file.empty() == o.tcp.empty()) {
    std::cerr << "sluice: rr record: give exactly one of --from-file FILE and --tcp HOST:PORT\n";
    return kUsage;
  }
  if (!o.tcp.empty() && o.send_file.empty()) {
    std::cerr << "sluice: rr record: --tcp needs --send FILE (the request bytes)\n";
    return kUsage;
  }
  if (o.tcp.empty() && !o.send_file.empty()) {
    std::cerr << "sluice: rr record: --send goes with --tcp\n";
    return kUsage;
  }
  if (!is_safe_relative_path(o.cassette)) {
    report_code("record", RrCode::kCfgInvalid, "'" + o.cassette + "' is not a safe relative path");
    return kUsage;
  }
  RrConfig cfg;
  if (!o.policy.empty()) {
    std::string why;
    if (!read_rr_policy(o.policy, cfg, why)) {
      std::cerr << "sluice: " << why << "\n";
      return kUsage;
    }
  }
  cfg.mode = RrMode::kRecord;
  cfg.path = o.cassette;
  const FsRoot root{o.root, true};
  // The cassette as it is: it must be valid before we add to it, and it gives the next seq.
  RrCassette existing;
  std::string detail;
  if (const RrCode c = load_rr_cassette(root, o.cassette, cfg.budgets, true, existing, detail); c != RrCode::kOk) {
    report_code("record", c, detail);
    return kFailed;
  }
  std::uint64_t seq = 0;
  for (const RrEntry& e : existing.entries)
    if (e.seq && *e.seq + 1 > seq) seq = *e.seq + 1;

  std::string req, resp, why;
  if (!o.from_file.empty()) {
    req = o.key;  // as `x07 rr record` writes it: the request is the key
    if (!read_file(o.from_file, cfg.budgets.max_resp_bytes, resp, why)) {
      std::cerr << "sluice: rr record: --from-file " << o.from_file << ": " << why << "\n";
      return why.starts_with("larger") ? kFailed : kUsage;
    }
  } else {
    if (!read_file(o.send_file, cfg.budgets.max_req_bytes, req, why)) {
      std::cerr << "sluice: rr record: --send " << o.send_file << ": " << why << "\n";
      return why.starts_with("larger") ? kFailed : kUsage;
    }
    const std::size_t colon = o.tcp.rfind(':');
    std::uint16_t port = 0;
    std::string host = colon == std::string::npos ? "" : o.tcp.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    const char* pb = o.tcp.data() + colon + 1;
    const char* pe = o.tcp.data() + o.tcp.size();
    const auto [end, ec] = colon == std::string::npos ? std::from_chars_result{pb, std::errc::invalid_argument}
                                                      : std::from_chars(pb, pe, port);
    if (host.empty() || ec != std::errc{} || end != pe || port == 0) {
      std::cerr << "sluice: rr record: --tcp: expected HOST:PORT, got " << o.tcp << "\n";
      return kUsage;
    }
    const TcpExchange x = tcp_exchange(host, port, req, o.timeout_ms, cfg.budgets.max_resp_bytes);
    if (!x.ok) {
      std::cerr << "sluice: rr record: --tcp " << o.tcp << ": " << x.error << "\n";
      return kFailed;
    }
    resp = x.response;
  }
  RrEntryFields f;
  f.kind = o.kind;
  f.op = o.op;
  f.key = o.key;
  f.req = req;
  f.resp = resp;
  f.err = o.err;
  f.latency_ticks = o.latency_ticks;
  f.seq = seq;
  const std::string doc = encode_rr_entry(f);
  RrSession session;
  if (const RrCode c = session.open(root, cfg); c != RrCode::kOk) {
    report_code("record", c, session.detail());
    return kFailed;
  }
  if (const RrCode c = session.append(doc); c != RrCode::kOk) {
    report_code("record", c, session.detail());
    return kFailed;
  }
  std::cerr << "recorded .x07_rr/" << o.cassette << " entry " << existing.entries.size() << " (seq " << seq << ", "
            << resp.size() << " response bytes)\n";
  return kOk;
}

}  // namespace sluice
