// Builders for descriptor text in tests: a cfg, a source, a chain and a sink, so each test says
// only what it varies.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sluice::test {

struct CfgText {
  std::int64_t chunk = 64, bufread = 64, max_in = 64, max_out = 64, max_items = 10;
  std::string extra;  // more ["key", value] entries, comma-first: ", [\"max_steps\", 3]"
  [[nodiscard]] std::string text() const {
    return "[\"std.stream.cfg_v1\", [\"chunk_max_bytes\", " + std::to_string(chunk) + "], [\"bufread_cap_bytes\", " +
           std::to_string(bufread) + "], [\"max_in_bytes\", " + std::to_string(max_in) + "], [\"max_out_bytes\", " +
           std::to_string(max_out) + "], [\"max_items\", " + std::to_string(max_items) + "]" + extra + "]";
  }
};

// A JSON string literal for `s` (bytes 0x00..0x1f and '"' '\\' escaped; other bytes as they are).
inline std::string json_str(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c < 0x20) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\u00";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out + "\"";
}

inline std::string bytes_src(const std::string& text) {
  return "[\"std.stream.src.bytes_v1\", [\"std.stream.expr_v1\", [\"bytes.lit\", " + json_str(text) + "]]]";
}
inline std::string fs_src(const std::string& path) {
  return "[\"std.stream.src.fs_open_read_v1\", [\"std.stream.expr_v1\", [\"bytes.lit\", " + json_str(path) + "]]]";
}
inline std::string split(std::int64_t delim, std::int64_t max_line) {
  return "[\"std.stream.xf.split_lines_v1\", [\"std.stream.expr_v1\", " + std::to_string(delim) +
         "], [\"std.stream.expr_v1\", " + std::to_string(max_line) + "]]";
}
inline std::string take(std::int64_t n) {
  return "[\"std.stream.xf.take_v1\", [\"std.stream.expr_v1\", " + std::to_string(n) + "]]";
}
inline std::string frame() { return "[\"std.stream.xf.frame_u32le_v1\"]"; }
inline std::string deframe(const std::string& fields) { return "[\"std.stream.xf.deframe_u32le_v1\", " + fields + "]"; }
inline std::string collect() { return "[\"std.stream.sink.collect_bytes_v1\"]"; }
inline std::string hash_sink() { return "[\"std.stream.sink.hash_fnv1a32_v1\"]"; }
inline std::string null_sink() { return "[\"std.stream.sink.null_v1\"]"; }
inline std::string u32frames(const std::string& inner) { return "[\"std.stream.sink.u32frames_v1\", " + inner + "]"; }
inline std::string write_file_sink(const std::string& path) {
  return "[\"std.stream.sink.world_fs_write_file_v1\", [\"std.stream.expr_v1\", [\"bytes.lit\", " + json_str(path) +
         "]]]";
}
inline std::string write_stream_sink(const std::string& path, const std::string& fields = "", bool hash = false) {
  return std::string("[\"std.stream.sink.") +
         (hash ? "world_fs_write_stream_hash_fnv1a32_v1" : "world_fs_write_stream_v1") +
         "\", [\"std.stream.expr_v1\", [\"bytes.lit\", " + json_str(path) +
         "]], [\"std.stream.expr_v1\", [\"bytes.lit\", \"\"]]" + (fields.empty() ? "" : ", " + fields) + "]";
}

inline std::string pipe(const CfgText& cfg, const std::string& src, const std::vector<std::string>& chain,
                        const std::string& sink) {
  std::string c = "[\"std.stream.chain_v1\"";
  for (const std::string& s : chain) c += ", " + s;
  c += "]";
  return "[\"std.stream.pipe_v1\", " + cfg.text() + ", " + src + ", " + c + ", " + sink + "]";
}

}  // namespace sluice::test
