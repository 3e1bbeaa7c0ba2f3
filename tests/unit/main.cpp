// The doctest entry point for every unit test file in this directory.
//
// Skips are visible, never passes: a case whose environment lacks what it needs is marked
// `* doctest::skip(condition)` (evaluated at registration). doctest alone would hide it twice:
// --list-test-cases leaves it out (so doctest_discover_tests gives it no CTest entry) and a run
// that selects it prints "0 test cases" like a filter matching nothing. So this main
//  - lists marked cases too (their CTest entries exist), and
//  - when every case a run selects is marked skip, names them and exits 77, which CTest reports
//    as Skipped (SKIP_RETURN_CODE, tests/doctest_properties.cmake); in a run of many cases it
//    names the skipped ones after doctest's summary.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdio>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace {

constexpr int kSkipExitCode = 77;

// The names of the cases the command line selects, with or without the ones marked skip. (The
// query flags go in as arguments: Context::setOption does not switch listing on.)
std::set<std::string> selected(int argc, char** argv, bool with_skipped) {
  std::vector<const char*> args(argv, argv + argc);
  args.push_back("--list-test-cases");
  args.push_back(with_skipped ? "--no-skip=true" : "--no-skip=false");
  args.push_back("--no-version");
  doctest::Context query(static_cast<int>(args.size()), args.data());
  std::ostringstream out;
  query.setCout(&out);
  query.run();
  std::set<std::string> names;
  std::istringstream lines(out.str());
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line.rfind("[doctest]", 0) == 0 || line.rfind("=====", 0) == 0) continue;
    names.insert(line);
  }
  return names;
}

bool has_flag(int argc, char** argv, std::string_view flag) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view a(argv[i]);
    if (a == flag || a.rfind(std::string(flag) + "=", 0) == 0) return true;
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  const bool listing = has_flag(argc, argv, "--list-test-cases") || has_flag(argc, argv, "-ltc");
  const bool query = listing || has_flag(argc, argv, "--help") || has_flag(argc, argv, "-h") ||
                     has_flag(argc, argv, "--version") || has_flag(argc, argv, "-v") ||
                     has_flag(argc, argv, "--count") || has_flag(argc, argv, "-c") ||
                     has_flag(argc, argv, "--list-test-suites") || has_flag(argc, argv, "-lts") ||
                     has_flag(argc, argv, "--list-reporters") || has_flag(argc, argv, "-lr") ||
                     has_flag(argc, argv, "--no-skip") || has_flag(argc, argv, "-ns");
  doctest::Context context;
  context.applyCommandLine(argc, argv);
  if (listing) context.setOption("no-skip", true);
  std::set<std::string> skipped;
  if (!query) {
    const std::set<std::string> all = selected(argc, argv, true);
    const std::set<std::string> runnable = selected(argc, argv, false);
    for (const std::string& name : all)
      if (runnable.count(name) == 0) skipped.insert(name);
    if (!skipped.empty() && runnable.empty()) {
      for (const std::string& name : skipped) std::printf("[sluice] skipped (not available here): %s\n", name.c_str());
      std::printf("[sluice] %zu test case(s) skipped, none run\n", skipped.size());
      return kSkipExitCode;
    }
  }
  const int rc = context.run();
  if (!skipped.empty()) {
    for (const std::string& name : skipped) std::printf("[sluice] skipped (not available here): %s\n", name.c_str());
    std::printf("[sluice] %zu test case(s) skipped\n", skipped.size());
  }
  return rc;
}
