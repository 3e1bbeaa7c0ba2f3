// The fs source and the fs sinks on real files: traps for paths the world refuses, ERR docs with
// their payloads for outputs that cannot be written, and never a partial output file.
#include <doctest/doctest.h>

#include <cerrno>
#include <filesystem>

#include <sys/stat.h>
#include <unistd.h>

#include "runtime/hash_fnv1a.hpp"
#include "runtime/result_doc.hpp"
#include "tests/support/pipes.hpp"
#include "tests/support/test_support.hpp"

namespace sluice::test {
namespace {

PipeRun run_in(const std::string& text, World world, const TempDir& root) {
  PipeRun r = compile_and_run(text, world, root.path());
  REQUIRE(r.compiled.ok());
  return r;
}

ResultDoc doc(const PipeRun& r) {
  REQUIRE(r.outcome.status != RunStatus::kTrap);
  auto d = decode_doc(ByteView(r.outcome.doc.data(), static_cast<std::uint32_t>(r.outcome.doc.size())));
  REQUIRE(d.has_value());
  return *d;
}

std::string u32s(std::initializer_list<std::uint32_t> words) {
  std::string hex;
  for (std::uint32_t w : words) {
    std::vector<std::uint8_t> b(4);
    store_u32le(b.data(), w);
    hex += to_hex(b);
  }
  return hex;
}

CfgText big() {
  CfgText c;
  c.chunk = 4;
  c.bufread = 4;
  c.max_in = 1 << 20;
  c.max_out = 1 << 20;
  c.max_items = 1 << 20;
  return c;
}

}  // namespace

TEST_CASE("fs source: a missing file, an unsafe path or a symlink out of the root is a trap, not a doc") {
  TempDir outside;
  write_file(outside.file("secret"), "s");
  TempDir root;
  write_file(root.file("ok.txt"), "hello");
  REQUIRE(::symlink(outside.file("secret").c_str(), root.file("link_out").c_str()) == 0);
  REQUIRE(::symlink("ok.txt", root.file("link_in").c_str()) == 0);

  const auto trap_of = [&](const std::string& path, World world = World::kSolveFs) {
    const PipeRun r = run_in(pipe(big(), fs_src(path), {}, collect()), world, root);
    CHECK(r.outcome.status == RunStatus::kTrap);
    CHECK(r.outcome.doc.empty());
    return r.outcome.trap;
  };
  CHECK(trap_of("missing.txt").rfind("trap:fs_open_failed", 0) == 0);
  CHECK(trap_of("../secret").rfind("trap:fs_path_unsafe", 0) == 0);
  CHECK(trap_of(outside.file("secret")).rfind("trap:fs_path_unsafe", 0) == 0);
  CHECK(trap_of("a/../ok.txt").rfind("trap:fs_path_unsafe", 0) == 0);
  CHECK(trap_of("link_out").rfind("trap:fs_path_escapes_root", 0) == 0);
  CHECK(trap_of("link_out", World::kRunOsSandboxed).rfind("trap:fs_path_escapes_root", 0) == 0);

  CHECK(doc(run_in(pipe(big(), fs_src("link_in"), {}, collect()), World::kSolveFs, root)).ok);
  // run-os does not confine paths: the symlink and an absolute path both read
  CHECK(doc(run_in(pipe(big(), fs_src("link_out"), {}, collect()), World::kRunOs, root)).ok);
  CHECK(doc(run_in(pipe(big(), fs_src(outside.file("secret")), {}, collect()), World::kRunOs, root)).ok);
}

TEST_CASE("world_fs_write_file: the file appears only on OK, with every byte") {
  TempDir root;
  std::string input;
  for (int i = 0; i < 50000; ++i) input += std::to_string(i) + "\n";
  write_file(root.file("in.txt"), input);
  CfgText c = big();
  c.chunk = c.bufread = 4096;
  const ResultDoc ok = doc(run_in(pipe(c, fs_src("in.txt"), {}, write_file_sink("copy.txt")), World::kRunOsSandboxed, root));
  CHECK(ok.ok);
  CHECK(ok.payload.empty());
  CHECK(read_file(root.file("copy.txt")) == input);
  CHECK(list_dir(root.path()) == std::vector<std::string>{"copy.txt", "in.txt"});

  // the same run with a budget that fails half way: ERR 3, no file, no temporary left behind
  c.max_out = 1000;
  const ResultDoc err = doc(run_in(pipe(c, fs_src("in.txt"), {}, write_file_sink("copy2.txt")), World::kRunOsSandboxed, root));
  CHECK(err.code == 3);
  CHECK(list_dir(root.path()) == std::vector<std::string>{"copy.txt", "in.txt"});
}

TEST_CASE("world_fs_write_file: unwritable targets give ERR 41 with the errno as rc") {
  TempDir root;
  const auto err_of = [&](const std::string& path) {
    return doc(run_in(pipe(big(), bytes_src("abc"), {}, write_file_sink(path)), World::kRunOsSandboxed, root));
  };
  const ResultDoc missing_dir = err_of("no/such/dir/out.txt");
  CHECK(missing_dir.code == 41);
  CHECK(missing_dir.message == "stream:fs_write_failed");
  CHECK(to_hex(missing_dir.payload) == u32s({ENOENT}));
  CHECK(to_hex(err_of("../escape.txt").payload) == u32s({EINVAL}));
  CHECK(to_hex(err_of("/tmp/abs.txt").payload) == u32s({EINVAL}));
  CHECK(list_dir(root.path()).empty());
}

TEST_CASE("world_fs_write_stream: open failure is ERR 40 at init with (ec, 0, bytes_out)") {
  TempDir root;
  const ResultDoc d = doc(run_in(pipe(big(), bytes_src("abc"), {}, write_stream_sink("missing/out.bin")),
                                 World::kRunOsSandboxed, root));
  CHECK(d.code == 40);
  CHECK(d.message == "stream:fs_open_failed");
  CHECK(to_hex(d.payload) == u32s({ENOENT, 0, 0}));
  TempDir outside;
  REQUIRE(::symlink(outside.path().c_str(), root.file("out_dir").c_str()) == 0);
  const ResultDoc esc = doc(run_in(pipe(big(), bytes_src("abc"), {}, write_stream_sink("out_dir/x.bin")),
                                   World::kRunOsSandboxed, root));
  CHECK(to_hex(esc.payload) == u32s({EXDEV, 0, 0}));
  CHECK(list_dir(outside.path()).empty());
}

TEST_CASE("world_fs_write_stream: X07's buffering policy, flush count budget, hash payload") {
  TempDir root;
  std::string input;
  for (int i = 0; i < 1000; ++i) input += "line " + std::to_string(i) + "\n";
  write_file(root.file("in.txt"), input);
  CfgText c = big();
  c.chunk = c.bufread = 100;
  // 100-byte items into a 64-byte buffer: every item is written directly (len >= buf_cap)
  const std::string fields = "[\"buf_cap_bytes\", 64], [\"flush_min_bytes\", 64]";
  const ResultDoc ok = doc(run_in(pipe(c, fs_src("in.txt"), {}, write_stream_sink("out.txt", fields, true)),
                                  World::kRunOsSandboxed, root));
  REQUIRE(ok.ok);
  CHECK(read_file(root.file("out.txt")) == input);
  CHECK(ok.payload == reference_fnv1a32_payload(input));  // the test's own FNV-1a, not the runtime's

  // a max_flushes too small: ERR 43 with (0, flushes, bytes_out) and no file
  const std::size_t items = (input.size() + 99) / 100;
  CHECK(items > 5);
  const ResultDoc over = doc(run_in(pipe(c, fs_src("in.txt"), {}, write_stream_sink("out2.txt", fields + ", [\"max_flushes\", 5]")),
                                    World::kRunOsSandboxed, root));
  CHECK(over.code == 43);
  CHECK(over.message == "stream:fs_too_many_flushes");
  CHECK(to_hex(over.payload) == u32s({0, 6, 600}));
  CHECK_FALSE(std::filesystem::exists(root.file("out2.txt")));

  // flush_min_bytes > buf_cap_bytes: ERR 1 fs_sink_cfg_invalid at init
  const ResultDoc bad = doc(run_in(pipe(c, fs_src("in.txt"), {}, write_stream_sink("out3.txt", "[\"buf_cap_bytes\", 8], [\"flush_min_bytes\", 9]")),
                                   World::kRunOsSandboxed, root));
  CHECK(bad.code == 1);
  CHECK(bad.message == "stream:fs_sink_cfg_invalid");
  CHECK(list_dir(root.path()) == std::vector<std::string>{"in.txt", "out.txt"});
}

TEST_CASE("world_fs_write_stream: buffered small items flush at flush_min_bytes") {
  TempDir root;
  CfgText c = big();
  // 40 lines of 3 bytes into a 16-byte buffer flushed at 8: 3+3+3 = 9 >= 8 -> a write every 3 lines
  std::string text;
  for (int i = 0; i < 40; ++i) text += "ab\n";
  const std::string fields = "[\"buf_cap_bytes\", 16], [\"flush_min_bytes\", 8], [\"max_flushes\", 14]";
  const ResultDoc ok = doc(run_in(pipe(c, bytes_src(text), {split(10, 64)}, write_stream_sink("o.txt", fields)),
                                  World::kRunOsSandboxed, root));
  CHECK(ok.ok);  // 40 items of 2 bytes: 80 bytes, a write per 4 items (8 bytes) = 10 writes
  std::string expect;
  for (int i = 0; i < 40; ++i) expect += "ab";
  CHECK(read_file(root.file("o.txt")) == expect);
  const ResultDoc tight = doc(run_in(pipe(c, bytes_src(text), {split(10, 64)},
                                          write_stream_sink("p.txt", "[\"buf_cap_bytes\", 16], [\"flush_min_bytes\", 8], [\"max_flushes\", 9]")),
                                     World::kRunOsSandboxed, root));
  CHECK(tight.code == 43);
  CHECK(to_hex(tight.payload) == u32s({0, 10, 80}));
}

}  // namespace sluice::test

namespace sluice::test {

TEST_CASE("fs sinks: a directory as the target is the open failure with EISDIR (ERR 40 for streams, not 42)") {
  TempDir root;
  REQUIRE(::mkdir(root.file("taken").c_str(), 0755) == 0);
  for (const bool hash : {false, true}) {
    const ResultDoc s = doc(run_in(pipe(big(), bytes_src("abc"), {}, write_stream_sink("taken", "", hash)),
                                   World::kRunOsSandboxed, root));
    CHECK(s.code == 40);
    CHECK(to_hex(s.payload) == u32s({EISDIR, 0, 0}));
  }
  const ResultDoc f = doc(run_in(pipe(big(), bytes_src("abc"), {}, write_file_sink("taken")), World::kRunOsSandboxed, root));
  CHECK(f.code == 41);
  CHECK(to_hex(f.payload) == u32s({EISDIR}));
  CHECK(list_dir(root.path()) == std::vector<std::string>{"taken"});
}

TEST_CASE("fs sinks: /dev/full in run-os is ERR 41 with ENOSPC and stays a device") {
  TempDir root;
  const ResultDoc f = doc(run_in(pipe(big(), bytes_src("abcdef"), {}, write_file_sink("/dev/full")), World::kRunOs, root));
  CHECK(f.code == 41);
  CHECK(to_hex(f.payload) == u32s({ENOSPC}));
  // The first physical write fails: flushes 1, and bytes_out counts the 6 bytes delivered.
  const ResultDoc s = doc(run_in(pipe(big(), bytes_src("abcdef"), {}, write_stream_sink("/dev/full")), World::kRunOs, root));
  CHECK(s.code == 41);
  CHECK(to_hex(s.payload) == u32s({ENOSPC, 1, 6}));
  struct stat st {};
  REQUIRE(::stat("/dev/full", &st) == 0);
  CHECK(S_ISCHR(st.st_mode));
}

}  // namespace sluice::test
