#include "compiler/x07/module.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "compiler/check_values.hpp"

namespace sluice::x07 {
namespace {

// x07 limits on names (spec §1.1, §1.2).
constexpr std::size_t kMaxModuleIdChars = 128;
constexpr std::size_t kMaxSymbolChars = 256;
constexpr std::size_t kMaxLocalChars = 64;

class ModuleReader {
 public:
  ModuleReader(Module& m, std::vector<Diagnostic>& out) : m_(m), out_(out) {}

  void report(DiagId id, const JsonNode& at, const std::string& pointer, std::string message) {
    out_.push_back(make_diagnostic(id, m_.file, at.pos.line, at.pos.column, pointer, std::move(message)));
  }

  const JsonNode* member(const JsonNode& obj, std::string_view key) {
    for (const JsonMember& mem : obj.members)
      if (mem.key == key) return &mem.value;
    return nullptr;
  }

  void read() {
    const JsonNode& root = m_.root;
    static constexpr std::string_view kKeys[] = {"schema_version", "kind", "module_id", "imports", "decls", "solve", "meta"};
    for (const JsonMember& mem : root.members) {
      bool known = false;
      for (std::string_view k : kKeys) known = known || k == mem.key;
      if (!known)
        report(DiagId::kModule, mem.value, json_pointer_append("", mem.key),
               "unknown root key " + json_quote(mem.key) + " in a module file");
    }
    for (std::string_view k : {"schema_version", "kind", "module_id", "imports", "decls"})
      if (!member(root, k)) report(DiagId::kModule, root, "", "the module file has no " + std::string(k) + " key");
    if (const JsonNode* v = member(root, "schema_version"))
      if (!v->is_string() || !is_accepted_schema_version(v->text))
        report(DiagId::kModule, *v, "/schema_version",
               "schema_version must be one of x07.x07ast@0.3.0 ... x07.x07ast@0.9.0, found " + describe_json(*v));
    if (const JsonNode* v = member(root, "kind")) {
      const std::string k = v->is_string() ? trim(v->text) : std::string();
      if (k != "entry" && k != "module") {
        report(DiagId::kModule, *v, "/kind", "kind must be \"entry\" or \"module\", found " + describe_json(*v));
      } else {
        m_.entry = k == "entry";
      }
    }
    if (const JsonNode* v = member(root, "module_id")) {
      if (!v->is_string() || symbol_problem(v->text) || v->text.size() > kMaxModuleIdChars) {
        report(DiagId::kModule, *v, "/module_id", "module_id must be dotted segments of [A-Za-z_][A-Za-z0-9_-]* (at most 128 characters), found " + describe_json(*v));
      } else {
        m_.id = v->text;
        if (m_.entry && m_.id != "main")
          report(DiagId::kModule, *v, "/module_id", "an entry module must have module_id \"main\", found " + json_quote(m_.id));
      }
    }
    const JsonNode* solve = member(root, "solve");
    if (m_.entry && !solve) report(DiagId::kModule, root, "", "an entry module needs a solve expression");
    if (!m_.entry && solve) report(DiagId::kModule, *solve, "/solve", "a module (kind \"module\") must not have solve");
    m_.solve = m_.entry ? solve : nullptr;
    if (const JsonNode* v = member(root, "imports")) {
      if (!v->is_array()) {
        report(DiagId::kModule, *v, "/imports", "imports must be a list of module ids, found " + describe_json(*v));
      } else {
        for (std::size_t i = 0; i < v->items.size(); ++i) {
          const JsonNode& x = v->items[i];
          if (!x.is_string() || symbol_problem(x.text)) {
            report(DiagId::kModule, x, json_pointer_append("/imports", i), "an import must be a module id, found " + describe_json(x));
          } else if (std::find(m_.imports.begin(), m_.imports.end(), x.text) == m_.imports.end()) {
            m_.imports.push_back(x.text);  // set semantics: duplicates collapse
          }
        }
      }
    }
    if (const JsonNode* v = member(root, "decls")) {
      if (!v->is_array()) {
        report(DiagId::kModule, *v, "/decls", "decls must be a list of declarations, found " + describe_json(*v));
      } else {
        read_decls(*v);
      }
    }
    if (const JsonNode* meta = member(root, "meta")) read_meta(*meta);
  }

 private:
  Module& m_;
  std::vector<Diagnostic>& out_;

  static std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return {};
    const auto e = s.find_last_not_of(" \t\r\n");
    return s.substr(b, e - b + 1);
  }

  bool name_ok(const JsonNode* v, const std::string& p, std::string_view what) {
    if (!v || !v->is_string() || symbol_problem(v->text) || v->text.size() > kMaxSymbolChars) {
      report(DiagId::kModule, v ? *v : m_.root, p, std::string(what) + " must be a symbol, found " + (v ? describe_json(*v) : std::string("nothing")));
      return false;
    }
    if (!m_.id.empty() && v->text.rfind(m_.id + ".", 0) != 0) {
      report(DiagId::kModule, *v, p, std::string(what) + " must start with \"" + m_.id + ".\", found " + json_quote(v->text));
      return false;
    }
    if (v->text.find(".__std_stream_pipe_v1_") != std::string::npos) {
      report(DiagId::kModule, *v, p, "names containing .__std_stream_pipe_v1_ are reserved for pipe helpers");
      return false;
    }
    return true;
  }

  std::optional<Ty> read_ty(const JsonNode* v, const std::string& p) {
    if (v && v->is_string())
      if (auto t = parse_ty(v->text)) return t;
    report(DiagId::kModule, v ? *v : m_.root, p,
           "unsupported type " + (v ? describe_json(*v) : std::string("(missing)")) +
               "; sluice supports i32, u32, bytes, bytes_view, vec_u8, result_i32, result_bytes, result_bytes_view, "
               "option_i32, option_bytes, option_bytes_view");
    return std::nullopt;
  }

  void read_decls(const JsonNode& decls) {
    const JsonNode* export_node = nullptr;
    std::string export_pointer;
    for (std::size_t i = 0; i < decls.items.size(); ++i) {
      const JsonNode& d = decls.items[i];
      const std::string dp = json_pointer_append("/decls", i);
      const JsonNode* kind = d.kind == JsonKind::kObject ? member(d, "kind") : nullptr;
      if (!kind || !kind->is_string()) {
        report(DiagId::kModule, d, dp, "a declaration must be an object with a kind, found " + describe_json(d));
        continue;
      }
      if (kind->text == "export") {
        if (export_node) {
          report(DiagId::kModule, d, dp, "at most one export declaration per module");
          continue;
        }
        export_node = &d;
        export_pointer = dp;
        const JsonNode* names = member(d, "names");
        if (!names || !names->is_array() || names->items.empty()) {
          report(DiagId::kModule, d, dp, "an export declaration needs names: a list of at least one function");
          continue;
        }
        for (std::size_t k = 0; k < names->items.size(); ++k)
          if (name_ok(&names->items[k], dp + "/names/" + std::to_string(k), "an exported name"))
            m_.add_export(names->items[k].text);
      } else if (kind->text == "defn" || kind->text == "defasync") {
        // sluice has no async runtime: a defasync (a par_map mapper in X07) is an ordinary function
        // that the par_map stage runs on its worker threads (docs/compat.md).
        read_defn(d, dp);
      } else {
        report(DiagId::kModule, *kind, dp + "/kind",
               "declaration kind " + json_quote(kind->text) + " is not supported by sluice (export, defn and defasync are)");
      }
    }
    if (!m_.entry && !export_node) report(DiagId::kModule, m_.root, "", "missing an export declaration");
    if (export_node)
      for (std::size_t k = 0; k < m_.exports.size(); ++k)
        if (!m_.find_fn(m_.exports[k]))
          report(DiagId::kModule, *export_node, export_pointer,
                 "exported name " + json_quote(m_.exports[k]) + " is not a function defined in this module");
  }

  void read_defn(const JsonNode& d, const std::string& dp) {
    FnDecl fn;
    fn.node = &d;
    fn.pointer = dp;
    const JsonNode* name = member(d, "name");
    if (!name_ok(name, dp + "/name", "defn name")) return;
    fn.name = name->text;
    if (m_.find_fn(fn.name)) {
      report(DiagId::kModule, *name, dp + "/name", "duplicate function name " + json_quote(fn.name));
      return;
    }
    const JsonNode* params = member(d, "params");
    bool ok = true;
    if (!params || !params->is_array()) {
      report(DiagId::kModule, d, dp, "defn " + fn.name + " needs params: a list");
      ok = false;
    } else {
      for (std::size_t i = 0; i < params->items.size(); ++i) {
        const JsonNode& p = params->items[i];
        const std::string pp = dp + "/params/" + std::to_string(i);
        const JsonNode* pn = p.kind == JsonKind::kObject ? member(p, "name") : nullptr;
        if (!pn || !pn->is_string() || !is_local_name(pn->text)) {
          report(DiagId::kModule, p, pp, "a param needs a name of [A-Za-z_][A-Za-z0-9_]* (at most 64 characters)");
          ok = false;
          continue;
        }
        if (pn->text == "input") {
          report(DiagId::kModule, *pn, pp + "/name", "the name input is reserved (the program input) and cannot be a param");
          ok = false;
          continue;
        }
        const auto ty = read_ty(member(p, "ty"), pp + "/ty");
        if (!ty) {
          ok = false;
          continue;
        }
        Param prm{pn->text, *ty, {}};
        if (const JsonNode* b = member(p, "brand")) {
          if (!b->is_string() || symbol_problem(b->text) || !is_bytes_like(*ty)) {
            report(DiagId::kModule, *b, pp + "/brand", "a brand must be a symbol on a bytes-like param (E_BRAND_BAD_TY)");
            ok = false;
          } else {
            prm.brand = b->text;
          }
        }
        fn.params.push_back(std::move(prm));
      }
    }
    const auto result = read_ty(member(d, "result"), dp + "/result");
    if (!result) ok = false;
    else fn.result = *result;
    if (const JsonNode* b = member(d, "result_brand")) {
      if (!b->is_string() || symbol_problem(b->text) || !is_bytes_like(fn.result)) {
        report(DiagId::kModule, *b, dp + "/result_brand", "result_brand must be a symbol on a bytes-like result (E_BRAND_BAD_TY)");
        ok = false;
      } else {
        fn.result_brand = b->text;
      }
    }
    fn.body = member(d, "body");
    if (!fn.body) {
      report(DiagId::kModule, d, dp, "defn " + fn.name + " needs a body");
      ok = false;
    }
    if (ok) m_.add_fn(std::move(fn));
  }

  static bool is_local_name(const std::string& s) {
    if (s.empty() || s.size() > kMaxLocalChars) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
      const char c = s[i];
      const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
      if (!alpha && !(i > 0 && c >= '0' && c <= '9')) return false;
    }
    return true;
  }

  void read_meta(const JsonNode& meta) {
    if (meta.kind != JsonKind::kObject) return;
    const JsonNode* brands = member(meta, "brands_v1");
    if (!brands) return;
    if (brands->kind != JsonKind::kObject) {
      report(DiagId::kBrandRegistry, *brands, "/meta/brands_v1", "meta.brands_v1 must be an object of brand entries");
      return;
    }
    for (const JsonMember& mem : brands->members) {
      const std::string bp = json_pointer_append("/meta/brands_v1", mem.key);
      const JsonNode* v = mem.value.kind == JsonKind::kObject ? member(mem.value, "validate") : nullptr;
      if (symbol_problem(mem.key)) {
        report(DiagId::kBrandRegistry, mem.value, bp, "brand id " + json_quote(mem.key) + " is not a valid symbol");
      } else if (!v || !v->is_string() || symbol_problem(v->text)) {
        report(DiagId::kBrandRegistry, mem.value, bp,
               "a brand registry entry must be {\"validate\": \"<fn symbol>\"}, found " + describe_json(mem.value));
      } else {
        m_.brands[mem.key] = BrandEntry{v->text};
      }
    }
  }
};

}  // namespace

const FnDecl* Module::find_fn(std::string_view name) const {
  const auto it = fn_index.find(std::string(name));
  return it == fn_index.end() ? nullptr : &fns[it->second];
}

bool Module::exports_fn(std::string_view name) const { return export_set.count(std::string(name)) != 0; }

void Module::add_fn(FnDecl fn) {
  fn_index.emplace(fn.name, fns.size());
  fns.push_back(std::move(fn));
}

void Module::add_export(std::string name) {
  export_set.insert(name);
  exports.push_back(std::move(name));
}

bool is_accepted_schema_version(std::string_view v) {
  static constexpr std::string_view kPrefix = "x07.x07ast@0.";
  if (v.size() != kPrefix.size() + 3 || v.substr(0, kPrefix.size()) != kPrefix) return false;
  const char minor = v[kPrefix.size()];
  return minor >= '3' && minor <= '9' && v.substr(kPrefix.size() + 1) == ".0";
}

bool looks_like_module(const JsonNode& root) {
  if (root.kind != JsonKind::kObject) return false;
  for (const JsonMember& m : root.members)
    if (m.key == "schema_version") return true;
  return false;
}

std::unique_ptr<Module> read_module(JsonNode root, const std::string& file, std::vector<Diagnostic>& out) {
  if (root.kind != JsonKind::kObject) {
    out.push_back(make_diagnostic(DiagId::kModule, file, root.pos.line, root.pos.column, "",
                                  "a module file is a JSON object, found " + describe_json(root)));
    return nullptr;
  }
  auto m = std::make_unique<Module>();
  m->file = file;
  m->root = std::move(root);
  ModuleReader(*m, out).read();
  return m;
}

std::unique_ptr<Module> load_module_file(const std::string& path, std::vector<Diagnostic>& out) {
  std::string text;
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) {
    out.push_back(make_diagnostic(DiagId::kModuleMissing, path, 0, 0, "",
                                  "cannot read the module file: " + std::string(std::strerror(errno))));
    return nullptr;
  }
  char buf[1 << 16];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
  std::fclose(f);
  JsonParseResult parsed = parse_json(text);
  if (parsed.error) {
    out.push_back(make_diagnostic(json_error_diag(parsed.error->kind), path, parsed.error->pos.line,
                                  parsed.error->pos.column, "", parsed.error->message));
    return nullptr;
  }
  return read_module(std::move(*parsed.root), path, out);
}

}  // namespace sluice::x07
