// `sluice test`: golden pipeline tests from JSON test files (schemas/test-file.schema.json,
// docs/testing.md). Each test names a pipe, what it reads (a root directory, files made for it,
// or bytes in place of its source), cfg overrides, and the doc it must give; runs under `run`
// and, with --build, as a built executable too.
#pragma once

#include <string>
#include <vector>

namespace sluice {

struct TestOptions {
  bool build = false;      // also build each pipe and run the executable
  bool update = false;     // rewrite each test's expectation with what the run gave
  std::string junit;       // write a JUnit XML report here
  std::string cache_dir;   // --build: the build cache (default as sluice build)
};

// Exit status: 0 every test passed (or was updated); 1 a test failed or a test file is malformed.
int cmd_test(const std::vector<std::string>& files, const TestOptions& options);

}  // namespace sluice
