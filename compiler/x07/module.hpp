// One x07AST module file (*.x07.json, spec x07-modules §1.1–1.2) read and checked for its shape:
// root keys, kind, module_id, imports, the export and defn declarations, the name rules and
// meta.brands_v1. Bodies are kept as JSON for the type checker. Private to compiler/.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "compiler/diagnostics.hpp"
#include "compiler/json_source.hpp"
#include "compiler/x07/types.hpp"

namespace sluice::x07 {

struct Param {
  std::string name;
  Ty ty = Ty::kI32;
  std::string brand;  // "" = unbranded
};

struct FnDecl {
  std::string name;  // "<module_id>.<fn>"
  std::vector<Param> params;
  Ty result = Ty::kI32;
  std::string result_brand;
  const JsonNode* body = nullptr;  // into Module::root
  const JsonNode* node = nullptr;  // the decl object, for diagnostics
  std::string pointer;             // "/decls/N"
};

struct BrandEntry {
  std::string validate;
};

struct Module {
  std::string file;
  std::string id;
  bool entry = false;
  std::vector<std::string> imports;
  std::vector<std::string> exports;
  std::vector<FnDecl> fns;
  // Indexes of `fns` (by name) and `exports`, kept by add_fn/add_export: a module of 10^5
  // functions must not take 10^10 string compares to check (docs/reliability-builds.md).
  std::unordered_map<std::string, std::size_t> fn_index;
  std::unordered_set<std::string> export_set;
  std::map<std::string, BrandEntry> brands;  // meta.brands_v1
  const JsonNode* solve = nullptr;          // entry only
  JsonNode root;                             // owns every node the pointers above name

  [[nodiscard]] const FnDecl* find_fn(std::string_view name) const;
  [[nodiscard]] bool exports_fn(std::string_view name) const;
  void add_fn(FnDecl fn);
  void add_export(std::string name);
};

// The schema versions accepted (x07.x07ast@0.3.0 … @0.9.0), treated alike.
bool is_accepted_schema_version(std::string_view v);

// Builds a module from parsed JSON; every problem is appended to `out` (file and positions of
// `file`). Returns nullptr when the root is not an object at all.
std::unique_ptr<Module> read_module(JsonNode root, const std::string& file, std::vector<Diagnostic>& out);
// Reads and parses the file first (E_X07_MODULE_MISSING when it cannot be read).
std::unique_ptr<Module> load_module_file(const std::string& path, std::vector<Diagnostic>& out);

// True when `text` looks like a module file (a JSON object with a schema_version) rather than a
// bare pipe descriptor.
bool looks_like_module(const JsonNode& root);

}  // namespace sluice::x07
