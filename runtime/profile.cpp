#include "runtime/profile.hpp"

#include <algorithm>
#include <array>
#include <cinttypes>

#include "runtime/run_report.hpp"

namespace sluice {
namespace {

std::uint64_t minus_floor0(std::uint64_t a, std::uint64_t b) { return a > b ? a - b : 0; }

const char* role_name(ProfilePart::Role r) {
  switch (r) {
    case ProfilePart::Role::kSource: return "source";
    case ProfilePart::Role::kStage: return "stage";
    case ProfilePart::Role::kSink: return "sink";
  }
  return "stage";
}

// "std.stream.xf.split_lines_v1" reads as "xf.split_lines_v1" in a table.
std::string short_id(const std::string& id) {
  constexpr std::string_view kPrefix = "std.stream.";
  return id.starts_with(kPrefix) ? id.substr(kPrefix.size()) : id;
}

}  // namespace

std::uint64_t LinkTally::push_ns() const {
  // n timed intervals summing to ns, each less the clock's own cost.
  const auto net = [this](std::uint64_t ns, std::uint64_t n) { return minus_floor0(ns, n * clock_ns); };
  if (timed_calls == 0) return 0;
  if (mask == 0) return net(timed_ns, timed_calls);  // every call was timed
  // The calibration phase is exact; the sampled rest is scaled by calls per timed call.
  const std::uint64_t exact = net(exact_ns, kCalibrationCalls);
  const std::uint64_t sampled_calls = timed_calls - kCalibrationCalls;
  const std::uint64_t rest_calls = calls - exact_calls;
  if (sampled_calls == 0) return exact;
  const double per_call = static_cast<double>(net(timed_ns - exact_ns, sampled_calls)) / static_cast<double>(sampled_calls);
  return exact + static_cast<std::uint64_t>(per_call * static_cast<double>(rest_calls));
}

namespace {

// The median of what two clock reads in a row measure.
std::uint64_t measure_clock_ns() {
  constexpr int kSamples = 255;
  std::array<std::uint64_t, kSamples> d{};
  for (auto& x : d) {
    const std::uint64_t t0 = profile_clock_ns();
    x = profile_clock_ns() - t0;
  }
  std::nth_element(d.begin(), d.begin() + kSamples / 2, d.end());
  return d[kSamples / 2];
}

}  // namespace

void RunProfile::begin(std::vector<ProfilePart> parts) {
  *this = RunProfile{};
  parts_ = std::move(parts);
  // The parts are the source, the stages and the sink: one link per stage and one into the sink.
  LinkTally fresh;
  fresh.clock_ns = measure_clock_ns();
  links_.assign(parts_.size() >= 2 ? parts_.size() - 1 : 1, fresh);
}

std::vector<ProfileRow> RunProfile::rows() const {
  std::vector<ProfileRow> rows;
  if (parts_.size() < 2) return rows;
  const std::size_t stages = parts_.size() - 2;
  // Everything timed at the top level (the calls the run sequence makes itself); the source
  // is what remains of the wall time and of the copied bytes.
  std::uint64_t top_ns = init_ns_ + sink_calls_ns_ + links_[0].push_ns();
  std::uint64_t top_copied = sink_calls_copied_ + links_[0].copied;
  for (std::size_t i = 0; i < stages; ++i) {
    top_ns += links_[i].flush_ns;
    top_copied += links_[i].flush_copied;
  }
  ProfileRow src;
  src.part = parts_[0];
  src.items_out = links_[0].items;
  src.bytes_out = links_[0].bytes;
  src.copied_bytes = minus_floor0(total_copied_, top_copied);
  src.time_ns = minus_floor0(wall_ns_, top_ns);
  rows.push_back(src);
  for (std::size_t i = 0; i < stages; ++i) {
    const LinkTally& in = links_[i];
    const LinkTally& out = links_[i + 1];
    ProfileRow r;
    r.part = parts_[i + 1];
    r.items_in = in.items;
    r.bytes_in = in.bytes;
    r.items_out = out.items;
    r.bytes_out = out.bytes;
    // The stage's calls and its flush, less the calls it made into the next stage (which its
    // pushes and its flush contain).
    r.copied_bytes = minus_floor0(in.copied + in.flush_copied, out.copied);
    r.time_ns = minus_floor0(in.push_ns() + in.flush_ns, out.push_ns());
    rows.push_back(r);
  }
  const LinkTally& into_sink = links_[stages];
  ProfileRow sink;
  sink.part = parts_.back();
  sink.items_in = into_sink.items;
  sink.bytes_in = into_sink.bytes;
  sink.copied_bytes = into_sink.copied + sink_calls_copied_;
  sink.time_ns = into_sink.push_ns() + sink_calls_ns_;
  rows.push_back(sink);
  return rows;
}

std::string RunProfile::json() const {
  std::string j = "{\"wall_ns\":" + std::to_string(wall_ns_) + ",\"init_ns\":" + std::to_string(init_ns_) +
                  ",\"parts\":[";
  const std::vector<ProfileRow> rs = rows();
  for (std::size_t i = 0; i < rs.size(); ++i) {
    const ProfileRow& r = rs[i];
    if (i != 0) j += ",";
    j += "{\"part\":\"" + std::string(role_name(r.part.role)) + "\"";
    if (r.part.role == ProfilePart::Role::kStage) j += ",\"index\":" + std::to_string(i - 1);
    j += ",\"id\":" + json_string(r.part.id) + ",\"pointer\":" + json_string(r.part.pointer);
    if (r.part.role != ProfilePart::Role::kSource)
      j += ",\"items_in\":" + std::to_string(r.items_in) + ",\"bytes_in\":" + std::to_string(r.bytes_in);
    if (r.part.role != ProfilePart::Role::kSink)
      j += ",\"items_out\":" + std::to_string(r.items_out) + ",\"bytes_out\":" + std::to_string(r.bytes_out);
    j += ",\"copied_bytes\":" + std::to_string(r.copied_bytes) + ",\"time_ns\":" + std::to_string(r.time_ns) + "}";
  }
  return j + "]}";
}

void RunProfile::print_table(std::FILE* out) const {
  const std::vector<ProfileRow> rs = rows();
  std::size_t width = 4;
  std::vector<std::string> names;
  for (std::size_t i = 0; i < rs.size(); ++i) {
    const ProfileRow& r = rs[i];
    std::string name = r.part.role == ProfilePart::Role::kStage ? std::to_string(i - 1) + " " : std::string(role_name(r.part.role)) + " ";
    name += short_id(r.part.id);
    width = std::max(width, name.size());
    names.push_back(std::move(name));
  }
  const double wall_s = static_cast<double>(wall_ns_) / 1e9;
  std::fprintf(out, "profile: wall %.3f s (stage times are sampled; each is the stage's own, its downstream excluded)\n",
               wall_s);
  std::fprintf(out, "  %-*s %12s %14s %12s %14s %12s %10s %6s\n", static_cast<int>(width), "part", "items_in",
               "bytes_in", "items_out", "bytes_out", "copied", "time_s", "share");
  for (std::size_t i = 0; i < rs.size(); ++i) {
    const ProfileRow& r = rs[i];
    const bool has_in = r.part.role != ProfilePart::Role::kSource;
    const bool has_out = r.part.role != ProfilePart::Role::kSink;
    char in_items[24] = "-", in_bytes[24] = "-", out_items[24] = "-", out_bytes[24] = "-";
    if (has_in) {
      std::snprintf(in_items, sizeof in_items, "%" PRIu64, r.items_in);
      std::snprintf(in_bytes, sizeof in_bytes, "%" PRIu64, r.bytes_in);
    }
    if (has_out) {
      std::snprintf(out_items, sizeof out_items, "%" PRIu64, r.items_out);
      std::snprintf(out_bytes, sizeof out_bytes, "%" PRIu64, r.bytes_out);
    }
    const double share = wall_ns_ == 0 ? 0.0 : 100.0 * static_cast<double>(r.time_ns) / static_cast<double>(wall_ns_);
    std::fprintf(out, "  %-*s %12s %14s %12s %14s %12" PRIu64 " %10.3f %5.1f%%\n", static_cast<int>(width),
                 names[i].c_str(), in_items, in_bytes, out_items, out_bytes, r.copied_bytes,
                 static_cast<double>(r.time_ns) / 1e9, share);
  }
}

}  // namespace sluice
