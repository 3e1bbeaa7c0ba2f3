// `sluice graph`: writes an elaborated plan as DOT or Mermaid, or renders it with Graphviz.
#pragma once

#include <string>

#include "stdlib/plan.hpp"

namespace sluice {

struct GraphOptions {
  std::string format = "dot";  // dot | mermaid: the text written to --output (default stdout)
  std::string output;          // "" or "-": stdout
  std::string svg;             // render with `dot -Tsvg` into this file
  std::string png;             // render with `dot -Tpng` into this file
};

// Exit status: 0 written; 2 an output could not be written, or Graphviz is needed and missing
// (the message says how to install it); nothing is left at a path that was not completed.
int write_graph(const Plan& plan, const GraphOptions& options);

}  // namespace sluice
