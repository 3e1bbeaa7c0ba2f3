// Property tests: split_lines, deframe and the hash sink give the same items and doc for every
// chunk_max_bytes, bufread_cap_bytes, page size and read mode (items_in aside: it counts source
// chunks, whose number is pinned separately by X07's window formula), and lines that never
// cross a chunk boundary are never copied.
#include <doctest/doctest.h>

#include <random>

#include "runtime/result_doc.hpp"
#include "tests/support/test_support.hpp"

namespace sluice::test {
namespace {

std::string cfg(std::uint32_t chunk, std::uint32_t cap) {
  return "[\"std.stream.cfg_v1\", [\"chunk_max_bytes\", " + std::to_string(chunk) + "], [\"bufread_cap_bytes\", " +
         std::to_string(cap) +
         "], [\"max_in_bytes\", 100000000], [\"max_out_bytes\", 100000000], [\"max_items\", 10000000],"
         " [\"max_steps\", 100000000]]";
}

std::string fs_pipe(std::uint32_t chunk, std::uint32_t cap, const std::string& chain, const std::string& sink) {
  return "[\"std.stream.pipe_v1\", " + cfg(chunk, cap) +
         ", [\"std.stream.src.fs_open_read_v1\", [\"std.stream.expr_v1\", [\"bytes.lit\", \"in.bin\"]]], "
         "[\"std.stream.chain_v1\"" +
         (chain.empty() ? "" : ", " + chain) + "], " + sink + "]";
}

const std::string kSplit =
    "[\"std.stream.xf.split_lines_v1\", [\"std.stream.expr_v1\", 10], [\"std.stream.expr_v1\", 100000]]";
const std::string kFramesCollect = "[\"std.stream.sink.u32frames_v1\", [\"std.stream.sink.collect_bytes_v1\"]]";

// X07's chunking: windows of up to `cap` bytes, each cut into `chunk`-byte items (spec §6).
std::uint32_t expected_chunks(std::size_t size, std::uint32_t chunk, std::uint32_t cap) {
  std::uint32_t n = 0;
  for (std::size_t off = 0; off < size;) {
    const std::size_t window = std::min<std::size_t>(cap, size - off);
    n += static_cast<std::uint32_t>((window + chunk - 1) / chunk);
    off += window;
  }
  return n;
}

std::string random_lines(std::mt19937& rng, std::size_t lines) {
  std::string s;
  std::uniform_int_distribution<int> len(0, 40), byte(0, 255);
  for (std::size_t i = 0; i < lines; ++i) {
    const int n = len(rng);
    for (int k = 0; k < n; ++k) {
      char c = static_cast<char>(byte(rng));
      if (c == '\n') c = 'x';
      s.push_back(c);
    }
    s.push_back('\n');
  }
  if (rng() % 2) s += "tail-without-newline";
  return s;
}

// The u32frames encoding of the lines of `s` (split_lines semantics: delimiter stripped, empty
// lines kept, no empty item for a trailing delimiter).
std::string framed_lines(const std::string& s) {
  std::string out;
  std::size_t start = 0;
  auto put = [&](std::size_t a, std::size_t b) {
    std::uint8_t h[4];
    store_u32le(h, static_cast<std::uint32_t>(b - a));
    out.append(reinterpret_cast<const char*>(h), 4);
    out.append(s, a, b - a);
  };
  for (std::size_t i = 0; i < s.size(); ++i)
    if (s[i] == '\n') {
      put(start, i);
      start = i + 1;
    }
  if (start < s.size()) put(start, s.size());
  return out;
}

ResultDoc run_doc(const std::string& pipe, const TempDir& root, std::uint32_t page, ReadMode mode,
                  std::uint64_t* copied = nullptr) {
  const PipeRun r = compile_and_run(pipe, World::kSolveFs, root.path(), page, mode);
  REQUIRE(r.compiled.ok());
  REQUIRE(r.outcome.status == RunStatus::kOk);
  if (copied) *copied = r.outcome.copied_bytes;
  auto doc = decode_doc(ByteView(r.outcome.doc.data(), static_cast<std::uint32_t>(r.outcome.doc.size())));
  REQUIRE(doc.has_value());
  return *doc;
}

const std::uint32_t kChunks[] = {1, 2, 3, 5, 7, 13, 64, 1000, 65536};
const std::uint32_t kPages[] = {1, 3, 64, 65536};

}  // namespace

TEST_CASE("split_lines: same lines for every chunk size, window and page size") {
  std::mt19937 rng(20261122);
  TempDir root;
  const std::string input = random_lines(rng, 300);
  write_file(root.file("in.bin"), input);
  const std::string expect = framed_lines(input);
  for (std::uint32_t chunk : kChunks) {
    for (std::uint32_t cap : {chunk, chunk * 2, chunk + 3}) {
      for (std::uint32_t page : kPages) {
        for (ReadMode mode : {ReadMode::kRead, ReadMode::kMmap}) {
          CAPTURE(chunk);
          CAPTURE(cap);
          CAPTURE(page);
          const ResultDoc d = run_doc(fs_pipe(chunk, cap, kSplit, kFramesCollect), root, page, mode);
          CHECK(std::string(d.payload.begin(), d.payload.end()) == expect);
          CHECK(d.counters.bytes_in == input.size());
          CHECK(d.counters.items_in == expected_chunks(input.size(), chunk, cap));
          CHECK(d.counters.bytes_out == expect.size());
        }
      }
    }
  }
}

TEST_CASE("deframe: frames split anywhere across items come back whole, u32frames re-encodes the input") {
  std::mt19937 rng(7);
  TempDir root;
  std::string input;
  std::uniform_int_distribution<int> len(0, 300), byte(0, 255);
  for (int i = 0; i < 200; ++i) {
    const int n = (i % 17 == 0) ? 0 : len(rng);
    std::uint8_t h[4];
    store_u32le(h, static_cast<std::uint32_t>(n));
    input.append(reinterpret_cast<const char*>(h), 4);
    for (int k = 0; k < n; ++k) input.push_back(static_cast<char>(byte(rng)));
  }
  write_file(root.file("in.bin"), input);
  const std::string deframe = "[\"std.stream.xf.deframe_u32le_v1\", [\"max_frame_bytes\", 1000]]";
  for (std::uint32_t chunk : kChunks) {
    for (std::uint32_t cap : {chunk, chunk + 3}) {
      for (std::uint32_t page : kPages) {
        CAPTURE(chunk);
        CAPTURE(cap);
        CAPTURE(page);
        const ResultDoc d = run_doc(fs_pipe(chunk, cap, deframe, kFramesCollect), root, page, ReadMode::kRead);
        CHECK(std::string(d.payload.begin(), d.payload.end()) == input);
        CHECK(d.counters.items_out == 200);
      }
    }
  }
}

TEST_CASE("hash sink: split -> frame -> fnv1a32 equals FNV-1a of the framed lines for every chunking") {
  std::mt19937 rng(99);
  TempDir root;
  const std::string input = random_lines(rng, 500);
  write_file(root.file("in.bin"), input);
  const std::string framed = framed_lines(input);
  // The expected hash comes from the test's own FNV-1a, itself checked against the reference
  // vectors (tests/data/fnv1a-32: "foobar", "a\\0"), not from runtime/hash_fnv1a.
  REQUIRE(reference_fnv1a32("foobar") == 0xbf9cf968u);
  REQUIRE(reference_fnv1a32(std::string_view("a\0", 2)) == 0x2b24d044u);
  const std::vector<std::uint8_t> expect = reference_fnv1a32_payload(framed);
  const std::string chain = kSplit + ", [\"std.stream.xf.frame_u32le_v1\"]";
  for (std::uint32_t chunk : kChunks) {
    for (std::uint32_t page : kPages) {
      CAPTURE(chunk);
      CAPTURE(page);
      const ResultDoc d = run_doc(fs_pipe(chunk, chunk, chain, "[\"std.stream.sink.hash_fnv1a32_v1\"]"), root, page,
                                  ReadMode::kRead);
      CHECK(d.payload == expect);
      CHECK(d.counters.bytes_out == framed.size());
    }
  }
}

TEST_CASE("zero copy: lines that never cross a chunk boundary are never copied") {
  TempDir root;
  std::string input;
  for (int i = 0; i < 4096; ++i) input += std::string(63, static_cast<char>('a' + i % 26)) + "\n";  // 64-byte lines
  write_file(root.file("in.bin"), input);
  const std::string null_sink = "[\"std.stream.sink.null_v1\"]";
  std::uint64_t copied = 1;
  // 4096-byte chunks hold whole lines; a 64 KiB page holds whole chunks.
  const ResultDoc d = run_doc(fs_pipe(4096, 4096, kSplit, null_sink), root, 65536, ReadMode::kRead, &copied);
  CHECK(d.counters.items_out == 4096);
  CHECK(copied == 0);
  // Framing into the hash sink is zero-copy too: the sink takes header and payload as two parts.
  run_doc(fs_pipe(4096, 4096, kSplit + ", [\"std.stream.xf.frame_u32le_v1\"]", "[\"std.stream.sink.hash_fnv1a32_v1\"]"),
          root, 65536, ReadMode::kRead, &copied);
  CHECK(copied == 0);
  // 100-byte chunks cut lines: exactly the bytes of each line that spans two chunks are copied.
  std::uint64_t expected = 0;
  for (std::size_t s = 0; s < input.size(); s += 64)
    if (s / 100 != (s + 63) / 100) expected += 63;
  run_doc(fs_pipe(100, 100, kSplit, null_sink), root, 65536, ReadMode::kMmap, &copied);
  CHECK(copied == expected);
}

}  // namespace sluice::test
