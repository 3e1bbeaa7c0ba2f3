#include "compiler/plan_graph.hpp"

#include <cstddef>
#include <string_view>
#include <vector>

#include "compiler/plan_print.hpp"

namespace sluice {
namespace {

// A long literal (a bytes source, a cfg blob) would make one node as wide as the page.
constexpr std::size_t kMaxValueColumns = 48;

std::string shortened(std::string text) {
  if (text.size() <= kMaxValueColumns) return text;
  std::size_t cut = kMaxValueColumns;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // a code point boundary
  text.resize(cut);
  return text + "...";
}

// What one node shows, line by line, and how it is drawn: independent of the output format.
struct NodeView {
  std::string name;                // the node's identifier in the graph
  std::vector<std::string> lines;  // the first is the title
  bool inserted = false;
  bool note = false;  // the cfg: not a stage
};

struct GraphView {
  std::vector<NodeView> nodes;       // source, chain..., sink (cfg last, unconnected)
  std::vector<std::string> brands;   // brands[i]: on the edge from nodes[i] to nodes[i + 1]; "" = none
};

std::string stage_id(const PlanStage& st) { return st.spec ? std::string(st.spec->id) : std::string("?"); }

void add_args(NodeView& node, const PlanStage& st) {
  for (const PlanArg& a : st.args)
    node.lines.push_back(a.name + "=" + shortened(plan_value_text(a.value)) + (a.defaulted ? " (default)" : ""));
}

std::string edge_brand(const std::string& out_brand) {
  return out_brand == "none" || out_brand == "any" ? std::string() : out_brand;
}

GraphView view_of(const Plan& plan) {
  GraphView g;
  NodeView source{.name = "source", .lines = {"source: " + stage_id(plan.source)}};
  add_args(source, plan.source);
  g.nodes.push_back(std::move(source));
  g.brands.push_back(edge_brand(plan.source.out_brand));
  for (std::size_t i = 0; i < plan.chain.size(); ++i) {
    const PlanStage& st = plan.chain[i];
    NodeView node{.name = "s" + std::to_string(i),
                  .lines = {std::to_string(i) + ": " + stage_id(st) + (st.inserted ? " (inserted)" : "")},
                  .inserted = st.inserted};
    add_args(node, st);
    if (!st.plugin.id.empty()) node.lines.push_back("plugin " + st.plugin.id + " (" + st.plugin.export_symbol + ")");
    g.nodes.push_back(std::move(node));
    g.brands.push_back(edge_brand(st.out_brand));
  }
  NodeView sink{.name = "sink",
                .lines = {"sink: " + std::string(plan.sink_u32frames ? "std.stream.sink.u32frames_v1 > " : "") +
                          stage_id(plan.sink)}};
  add_args(sink, plan.sink);
  g.nodes.push_back(std::move(sink));
  NodeView cfg{.name = "cfg", .lines = {"cfg (world " + std::string(world_name(plan.world)) + ")"}, .note = true};
  for (const auto& [name, value] : plan.cfg.int_fields())
    cfg.lines.push_back(std::string(name) + "=" + std::to_string(value) +
                        (name == "max_steps" && !plan.cfg.max_steps_given ? " (derived)" : ""));
  if (plan.cfg.brand_registry_ref_v1) cfg.lines.push_back("brand_registry_ref_v1=" + *plan.cfg.brand_registry_ref_v1);
  g.nodes.push_back(std::move(cfg));
  return g;
}

// Inside a DOT double-quoted string: `\` and `"` escaped; "\l" ends a left-justified line.
std::string dot_escape(std::string_view s) {
  std::string out;
  for (const char c : s) {
    if (c == '\\' || c == '"') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

// Inside a Mermaid "..." label: its entity codes for the characters it would read as syntax.
std::string mermaid_escape(std::string_view s) {
  std::string out;
  for (const char c : s) {
    switch (c) {
      case '"': out += "#quot;"; break;
      case '<': out += "#lt;"; break;
      case '>': out += "#gt;"; break;
      case '#': out += "#35;"; break;
      case '|': out += "#124;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

}  // namespace

std::string plan_to_dot(const Plan& plan) {
  const GraphView g = view_of(plan);
  std::string out = "digraph \"" + dot_escape(plan.file) + "\" {\n";
  out += "  rankdir=TB;\n  node [shape=box, fontname=\"monospace\", fontsize=10];\n";
  out += "  edge [fontname=\"monospace\", fontsize=9];\n";
  for (const NodeView& n : g.nodes) {
    out += "  " + n.name + " [label=\"";
    for (const std::string& line : n.lines) out += dot_escape(line) + "\\l";
    out += "\"";
    if (n.note) out += ", shape=note, color=gray40, fontcolor=gray25";
    if (n.inserted) out += ", style=dashed";
    out += "];\n";
  }
  for (std::size_t i = 0; i + 2 < g.nodes.size(); ++i) {
    out += "  " + g.nodes[i].name + " -> " + g.nodes[i + 1].name;
    if (!g.brands[i].empty()) out += " [label=\" " + dot_escape(g.brands[i]) + "\"]";
    out += ";\n";
  }
  out += "}\n";
  return out;
}

std::string plan_to_mermaid(const Plan& plan) {
  const GraphView g = view_of(plan);
  std::string out = "flowchart TB\n";
  for (const NodeView& n : g.nodes) {
    out += "  " + n.name + "[\"";
    for (std::size_t i = 0; i < n.lines.size(); ++i) out += (i ? "<br/>" : "") + mermaid_escape(n.lines[i]);
    out += "\"]\n";
  }
  for (std::size_t i = 0; i + 2 < g.nodes.size(); ++i) {
    out += "  " + g.nodes[i].name + " -->";
    if (!g.brands[i].empty()) out += "|" + mermaid_escape(g.brands[i]) + "|";
    out += " " + g.nodes[i + 1].name + "\n";
  }
  for (const NodeView& n : g.nodes)
    if (n.inserted) out += "  style " + n.name + " stroke-dasharray: 5 5\n";
  out += "  style cfg fill:#f4f4f4,stroke:#999\n";
  return out;
}

}  // namespace sluice
