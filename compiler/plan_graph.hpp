// `sluice graph`: an elaborated Plan as a picture. One node per part (cfg, source, each chain stage
// by index, sink) labelled with its id and resolved arguments (defaults marked), edges in item
// order labelled with the item brand that flows on them (unlabelled when items carry no brand),
// and the stages the compiler inserted (brand checks) drawn dashed and marked "inserted".
#pragma once

#include <string>

#include "stdlib/plan.hpp"

namespace sluice {

// Graphviz DOT (`dot -Tsvg` renders it).
std::string plan_to_dot(const Plan& plan);
// A Mermaid flowchart (GitHub and most Markdown renderers draw it from a ```mermaid block).
std::string plan_to_mermaid(const Plan& plan);

}  // namespace sluice
