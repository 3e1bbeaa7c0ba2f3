#include "compiler/json_layout.hpp"

#include <cstddef>
#include <limits>
#include <string_view>

namespace sluice {
namespace {

constexpr char kHex[] = "0123456789abcdef";

void append_string(std::string& out, std::string_view s) {
  out.push_back('"');
  for (const char ch : s) {
    switch (ch) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: {
        const auto c = static_cast<unsigned char>(ch);
        if (c < 0x20) {
          out += "\\u00";
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 0xF]);
        } else {
          out.push_back(ch);
        }
      }
    }
  }
  out.push_back('"');
}

// Columns as editors count them (and SourcePos does): UTF-8 lead bytes.
int columns(std::string_view s) {
  int n = 0;
  for (const char ch : s) n += (static_cast<unsigned char>(ch) & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

bool always_breaks(const JsonNode& node) {
  return node.is_form("std.stream.pipe_v1") || (node.is_form("std.stream.chain_v1") && node.items.size() >= 3);
}

class Layout {
 public:
  std::string run(const JsonNode& root) {
    emit(root, 0, 0);
    out_.push_back('\n');
    return std::move(out_);
  }

 private:
  std::string out_;
  int column_ = 0;  // of the next character written on the current line

  void write(std::string_view s) {
    out_ += s;
    column_ += columns(s);
  }
  void newline(int indent) {
    out_.push_back('\n');
    out_.append(static_cast<std::size_t>(indent), ' ');
    column_ = indent;
  }

  // The one-line form of `node`, or false once it would pass `budget` columns (so a huge subtree
  // is not printed whole just to learn that it does not fit).
  static bool flat(const JsonNode& node, std::string& out, int& budget) {
    const std::size_t start = out.size();
    switch (node.kind) {
      case JsonKind::kNull: out += "null"; break;
      case JsonKind::kBool: out += node.boolean ? "true" : "false"; break;
      case JsonKind::kInteger:
      case JsonKind::kNumber: out += node.text; break;
      case JsonKind::kString: append_string(out, node.text); break;
      case JsonKind::kArray:
        if (always_breaks(node)) return false;
        out.push_back('[');
        budget -= 1;
        for (std::size_t i = 0; i < node.items.size(); ++i) {
          if (i > 0) {
            out += ", ";
            budget -= 2;
          }
          if (budget < 0 || !flat(node.items[i], out, budget)) return false;
        }
        out.push_back(']');
        budget -= 1;
        return budget >= 0;
      case JsonKind::kObject:
        out.push_back('{');
        budget -= 1;
        for (std::size_t i = 0; i < node.members.size(); ++i) {
          if (i > 0) {
            out += ", ";
            budget -= 2;
          }
          const std::size_t key_start = out.size();
          append_string(out, node.members[i].key);
          out += ": ";
          budget -= columns(std::string_view(out).substr(key_start));
          if (budget < 0 || !flat(node.members[i].value, out, budget)) return false;
        }
        out.push_back('}');
        budget -= 1;
        return budget >= 0;
    }
    if (node.kind != JsonKind::kArray && node.kind != JsonKind::kObject)
      budget -= columns(std::string_view(out).substr(start));
    return budget >= 0;
  }

  // Writes `node` at the current column; `trailing` closing characters follow it on its line.
  void emit(const JsonNode& node, int indent, int trailing) {
    std::string one_line;
    const bool container = node.kind == JsonKind::kArray || node.kind == JsonKind::kObject;
    if (!container || (node.items.empty() && node.members.empty())) {
      // Nothing to break: written whole even where it passes the width.
      int unlimited = std::numeric_limits<int>::max() / 2;
      flat(node, one_line, unlimited);
      write(one_line);
      return;
    }
    int budget = kLayoutWidth - column_ - trailing;
    if (flat(node, one_line, budget)) {
      write(one_line);
      return;
    }
    const int inner = indent + 2;
    if (node.kind == JsonKind::kArray && node.items.front().is_string()) {
      // A form: its head stays on the opening line, its closing bracket after its last element.
      write("[");
      for (std::size_t i = 0; i < node.items.size(); ++i) {
        const bool last = i + 1 == node.items.size();
        if (i > 0) newline(inner);
        emit(node.items[i], inner, last ? trailing + 1 : 1);
        write(last ? "]" : ",");
      }
      return;
    }
    // A plain list or an object: one element per line, the closing bracket on its own line.
    const bool array = node.kind == JsonKind::kArray;
    const std::size_t n = array ? node.items.size() : node.members.size();
    write(array ? "[" : "{");
    for (std::size_t i = 0; i < n; ++i) {
      const bool last = i + 1 == n;
      newline(inner);
      if (!array) {
        std::string key;
        append_string(key, node.members[i].key);
        write(key);
        write(": ");
      }
      emit(array ? node.items[i] : node.members[i].value, inner, last ? 0 : 1);
      if (!last) write(",");
    }
    newline(indent);
    write(array ? "]" : "}");
  }
};

}  // namespace

std::string layout_json(const JsonNode& root) { return Layout().run(root); }

}  // namespace sluice
