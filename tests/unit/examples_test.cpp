// Every example pipeline runs through the CLI over a scratch copy of examples/data and gives its
// expected doc; the files the fs-sink examples write hold exactly the expected bytes.
#include <doctest/doctest.h>

#include <filesystem>

#include "runtime/bytes.hpp"
#include "tests/support/test_support.hpp"

namespace sluice::test {
namespace {

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// The u32frames encoding of the lines of `s`.
std::string framed_lines(const std::string& s) {
  std::string out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() ? start == s.size() : s[i] != '\n') continue;
    std::uint8_t h[4];
    store_u32le(h, static_cast<std::uint32_t>(i - start));
    out.append(reinterpret_cast<const char*>(h), 4);
    out.append(s, start, i - start);
    start = i + 1;
  }
  return out;
}

}  // namespace

TEST_CASE("examples: each pipeline gives its expected doc through `sluice run`") {
  const std::string dir = source_dir() + "/examples";
  int count = 0;
  for (const std::string& f : list_dir(dir)) {
    if (f.size() < 6 || f.substr(f.size() - 5) != ".json") continue;
    const std::string name = f.substr(0, f.size() - 5);
    CAPTURE(name);
    TempDir root;
    std::filesystem::copy(dir + "/data", root.path(), std::filesystem::copy_options::recursive);
    const ProcessResult r = run_process({sluice_binary(), "run", dir + "/" + f, "--root", root.path(), "--emit", "doc"});
    CHECK(r.exit_status == 0);
    CHECK(to_hex(std::vector<std::uint8_t>(r.out.begin(), r.out.end())) ==
          trim(read_file(dir + "/expected/" + name + ".doc.hex")));
    if (name == "copy_file") CHECK(read_file(root.file("out/access.copy.log")) == read_file(root.file("access.log")));
    if (name == "lines_to_frames_file")
      CHECK(read_file(root.file("out/access.frames")) == framed_lines(read_file(root.file("access.log"))));
    ++count;
  }
  CHECK(count >= 5);
}

TEST_CASE("examples: all of them pass `sluice check`") {
  std::vector<std::string> argv{sluice_binary(), "check"};
  for (const std::string& f : list_dir(source_dir() + "/examples"))
    if (f.size() > 5 && f.substr(f.size() - 5) == ".json") argv.push_back(source_dir() + "/examples/" + f);
  const ProcessResult r = run_process(argv);
  CHECK(r.exit_status == 0);
  CHECK(r.out.find("pipes OK") != std::string::npos);
}

}  // namespace sluice::test
