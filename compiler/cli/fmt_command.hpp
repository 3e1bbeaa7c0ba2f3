// `sluice fmt`: rewrites descriptor and module files in the canonical layout (compiler/json_layout.hpp).
#pragma once

#include <string>
#include <vector>

namespace sluice {

struct FmtOptions {
  bool check = false;   // report files that are not in the layout, change nothing
  bool to_stdout = false;  // print the formatted text instead of rewriting the file
};

// Exit status: 0 every file is (now) formatted; 1 a file does not parse, or --check found one that
// is not formatted; 2 a file could not be read or written.
int cmd_fmt(const std::vector<std::string>& files, const FmtOptions& options);

}  // namespace sluice
