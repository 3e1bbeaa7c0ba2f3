#include "compiler/cli/graph_command.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>

#include "compiler/plan_graph.hpp"
#include "compiler/toolchain.hpp"
#include "runtime/run_report.hpp"

namespace sluice {
namespace {

// Written beside the target and renamed, so a reader sees the old file or the whole new one.
bool write_file_atomically(const std::string& path, const std::string& text) {
  const std::string tmp = temp_path_beside(path);
  if (write_whole(tmp, text) && std::rename(tmp.c_str(), path.c_str()) == 0) return true;
  const int err = errno;
  std::remove(tmp.c_str());
  std::cerr << "sluice: graph: cannot write " << path << ": " << std::strerror(err) << "\n";
  return false;
}

// `dot -T<type>` from a DOT file beside the target into a temporary file, renamed when complete.
bool render(const std::string& dot_text, const std::string& type, const std::string& path) {
  const std::string tmp_dot = temp_path_beside(path) + ".dot";
  const std::string tmp_out = temp_path_beside(path);
  if (!write_whole(tmp_dot, dot_text)) {
    std::cerr << "sluice: graph: cannot write beside " << path << ": " << std::strerror(errno) << "\n";
    std::remove(tmp_dot.c_str());
    return false;
  }
  const Captured c = run_capture({"dot", "-T" + type, "-o", tmp_out, tmp_dot});
  std::remove(tmp_dot.c_str());
  if (c.exec_errno != 0) {
    std::cerr << "sluice: graph: --" << type << " needs Graphviz's `dot`, which could not be run ("
              << std::strerror(c.exec_errno) << "); install it (Debian: apt-get install graphviz) or write DOT "
              << "with `sluice graph PIPE -o FILE.dot`\n";
    std::remove(tmp_out.c_str());
    return false;
  }
  if (c.status != 0 || std::rename(tmp_out.c_str(), path.c_str()) != 0) {
    const int err = errno;
    std::remove(tmp_out.c_str());
    if (c.status != 0)
      std::cerr << "sluice: graph: dot -T" << type << " failed (exit " << c.status << "):\n" << c.output;
    else
      std::cerr << "sluice: graph: cannot write " << path << ": " << std::strerror(err) << "\n";
    return false;
  }
  return true;
}

}  // namespace

int write_graph(const Plan& plan, const GraphOptions& options) {
  const std::string dot = plan_to_dot(plan);
  const bool rendering = !options.svg.empty() || !options.png.empty();
  if (!options.svg.empty() && !render(dot, "svg", options.svg)) return kExitUsage;
  if (!options.png.empty() && !render(dot, "png", options.png)) return kExitUsage;
  // The text goes to stdout unless only pictures were asked for.
  if (rendering && options.output.empty()) return kExitOk;
  const std::string text = options.format == "mermaid" ? plan_to_mermaid(plan) : dot;
  if (options.output.empty() || options.output == "-") {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return kExitOk;
  }
  return write_file_atomically(options.output, text) ? kExitOk : kExitUsage;
}

}  // namespace sluice
