#include "runtime/run_report.hpp"

#include <cerrno>
#include <cinttypes>
#include <cstring>

#include "runtime/profile.hpp"
#include "runtime/result_doc.hpp"

namespace sluice {
namespace {

std::string hex(ByteView b, std::size_t limit) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < b.size && i < limit; ++i) {
    out.push_back(kDigits[b.data[i] >> 4]);
    out.push_back(kDigits[b.data[i] & 15]);
  }
  if (b.size > limit) out += "...";
  return out;
}


ByteView view(const std::vector<std::uint8_t>& v) { return {v.data(), static_cast<std::uint32_t>(v.size())}; }

// An empty payload may have no buffer at all (data() == nullptr), which fwrite must not be given.
bool write_all(const void* data, std::size_t size, std::FILE* out) {
  return size == 0 || std::fwrite(data, 1, size, out) == size;
}

}  // namespace

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out + "\"";
}

bool parse_emit_mode(std::string_view text, EmitMode& out) {
  if (text == "summary") out = EmitMode::kSummary;
  else if (text == "doc") out = EmitMode::kDoc;
  else if (text == "payload") out = EmitMode::kPayload;
  else if (text == "json") out = EmitMode::kJson;
  else return false;
  return true;
}

std::string base64_encode(ByteView in) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size + 2u) / 3u * 4u);
  std::size_t i = 0;
  for (; i + 2 < in.size; i += 3) {
    const std::uint32_t v = (std::uint32_t{in.data[i]} << 16) | (std::uint32_t{in.data[i + 1]} << 8) | in.data[i + 2];
    for (int s = 18; s >= 0; s -= 6) out.push_back(kAlphabet[(v >> s) & 63]);
  }
  if (i < in.size) {
    std::uint32_t v = std::uint32_t{in.data[i]} << 16;
    if (i + 1 < in.size) v |= std::uint32_t{in.data[i + 1]} << 8;
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(i + 1 < in.size ? kAlphabet[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

std::string outcome_json(const RunOutcome& outcome, const RunProfile* profile) {
  const auto doc = decode_doc(view(outcome.doc));
  std::string j = "{\"ok\":";
  j += (doc && doc->ok) ? "true" : "false";
  j += ",\"code\":" + std::to_string(doc ? doc->code : 0);
  j += ",\"message\":" + json_string(doc ? doc->message : "");
  if (doc && doc->ok) {
    const Counters& c = doc->counters;
    j += ",\"counters\":{\"bytes_in\":" + std::to_string(c.bytes_in) + ",\"bytes_out\":" + std::to_string(c.bytes_out) +
         ",\"items_in\":" + std::to_string(c.items_in) + ",\"items_out\":" + std::to_string(c.items_out) + "}";
  } else {
    j += ",\"counters\":null";
  }
  j += ",\"payload\":" + json_string(doc ? base64_encode(view(doc->payload)) : "");
  j += ",\"payload_len\":" + std::to_string(doc ? doc->payload.size() : 0);
  j += ",\"copied_bytes\":" + std::to_string(outcome.copied_bytes);
  j += ",\"offloaded_bytes\":" + std::to_string(outcome.offloaded_bytes);
  if (!outcome.detail.empty()) j += ",\"detail\":" + json_string(outcome.detail);
  if (profile != nullptr && profile->complete()) j += ",\"profile\":" + profile->json();
  return j + "}";
}

int report_outcome(const RunOutcome& outcome, EmitMode mode, const RunProfile* profile, std::FILE* out,
                   std::FILE* err) {
  if (outcome.status == RunStatus::kTrap) {
    std::fprintf(err, "sluice: %s\n", outcome.trap.c_str());
    if (profile != nullptr && profile->complete()) profile->print_table(err);
    return kExitTrap;
  }
  std::string why;
  const auto doc = decode_doc(view(outcome.doc), &why);
  if (!doc) {  // an internal invariant: the runtime only writes well-formed docs
    std::fprintf(err, "sluice: internal error: malformed result doc (%s)\n", why.c_str());
    return kExitTrap;
  }
  bool written = true;
  errno = 0;  // so the message names this write's error, not an older one
  switch (mode) {
    case EmitMode::kDoc: written = write_all(outcome.doc.data(), outcome.doc.size(), out); break;
    case EmitMode::kPayload: written = write_all(doc->payload.data(), doc->payload.size(), out); break;
    case EmitMode::kJson: written = std::fprintf(out, "%s\n", outcome_json(outcome, profile).c_str()) >= 0; break;
    case EmitMode::kSummary:
      if (doc->ok) {
        const Counters& c = doc->counters;
        std::fprintf(err, "OK bytes_in=%u bytes_out=%u items_in=%u items_out=%u payload=%zu bytes", c.bytes_in,
                     c.bytes_out, c.items_in, c.items_out, doc->payload.size());
        if (!doc->payload.empty()) std::fprintf(err, " (%s)", hex(view(doc->payload), 32).c_str());
        std::fprintf(err, " copied=%" PRIu64, outcome.copied_bytes);
        if (outcome.offloaded_bytes != 0) std::fprintf(err, " offloaded=%" PRIu64, outcome.offloaded_bytes);
        std::fprintf(err, "\n");
      } else {
        std::fprintf(err, "ERR %u %s", doc->code, doc->message.c_str());
        if (!doc->payload.empty()) std::fprintf(err, " payload=%s", hex(view(doc->payload), 64).c_str());
        std::fprintf(err, "\n");
        if (!outcome.detail.empty()) std::fprintf(err, "  detail: %s\n", outcome.detail.c_str());
      }
      break;
  }
  if (profile != nullptr && profile->complete()) profile->print_table(err);
  // EPIPE here is a reader that went away (`| head -c1`): SIGPIPE is caught (sigpipe.hpp), so
  // the write fails instead of killing the process, and the status says the output is short.
  if (std::fflush(out) != 0 || std::ferror(out) != 0) written = false;
  if (!written) {
    const int e = errno != 0 ? errno : EIO;
    std::fprintf(err, "sluice: cannot write the result to stdout: %s\n", std::strerror(e));
    return kExitOutputFailed;
  }
  return doc->ok ? kExitOk : kExitErrDoc;
}

}  // namespace sluice
