#include "compiler/plugin_registry.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include "compiler/check_values.hpp"
#include "compiler/embedded_registry.hpp"
#include "compiler/json_source.hpp"

namespace sluice {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kIndexSchema = "x07.arch.stream.plugins.index@0.1.0";
constexpr std::string_view kSpecSchema = "x07.arch.stream.plugin@0.1.0";
constexpr std::uint64_t kMaxScratchBytes = 64ull << 20;               // spec §9.4
constexpr std::uint64_t kMaxStepBytes = 1ull << 30;                   // limits.max_out_bytes_per_step
constexpr std::uint64_t kMaxStepItems = 1048576;                      // limits.max_out_items_per_step
constexpr std::uint64_t kMaxBufBytes = 256ull << 20;                  // limits.max_out_buf_bytes

bool is_c_identifier(std::string_view s) {
  if (s.empty() || s.size() > 255) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
    if (!alpha && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

using ReadFile = std::function<std::optional<std::string>(const std::string& rel)>;

class Reader {
 public:
  // `schema`: the code of a schema violation in this file (index and spec files differ under
  // `sluice arch check`).
  Reader(std::string file, std::vector<Diagnostic>& out, DiagId schema) : file_(std::move(file)), out_(out), schema_(schema) {}
  [[nodiscard]] DiagId schema() const { return schema_; }

  void report(DiagId id, const JsonNode& at, const std::string& pointer, std::string message, std::string hint = {}) {
    out_.push_back(make_diagnostic(id, file_, at.pos.line, at.pos.column, pointer, std::move(message), std::move(hint)));
    ++errors_;
  }
  [[nodiscard]] int errors() const { return errors_; }
  [[nodiscard]] const std::string& file() const { return file_; }

  const JsonNode* member(const JsonNode& obj, const std::string& p, std::string_view key, bool required) {
    for (const JsonMember& m : obj.members)
      if (m.key == key) return &m.value;
    if (required) report(schema_, obj, p, "missing required key " + json_quote(key));
    return nullptr;
  }
  std::optional<std::string> str(const JsonNode& obj, const std::string& p, std::string_view key, bool required = true) {
    const JsonNode* v = member(obj, p, key, required);
    if (!v) return std::nullopt;
    if (!v->is_string() || v->text.empty()) {
      report(schema_, *v, json_pointer_append(p, key),
             std::string(key) + " must be a non-empty string, found " + describe_json(*v));
      return std::nullopt;
    }
    return v->text;
  }
  std::optional<std::uint64_t> uint(const JsonNode& obj, const std::string& p, std::string_view key, std::uint64_t lo,
                                    std::uint64_t hi, bool required = true) {
    const JsonNode* v = member(obj, p, key, required);
    if (!v) return std::nullopt;
    if (!v->is_integer() || !v->fits_i64 || v->i64 < 0 || static_cast<std::uint64_t>(v->i64) < lo ||
        static_cast<std::uint64_t>(v->i64) > hi) {
      report(schema_, *v, json_pointer_append(p, key),
             std::string(key) + " must be an integer in " + std::to_string(lo) + ".." + std::to_string(hi) + ", found " +
                 describe_json(*v));
      return std::nullopt;
    }
    return static_cast<std::uint64_t>(v->i64);
  }
  std::optional<std::vector<std::string>> worlds(const JsonNode& obj, const std::string& p) {
    const JsonNode* v = member(obj, p, "worlds_allowed", true);
    if (!v) return std::nullopt;
    const std::string wp = json_pointer_append(p, "worlds_allowed");
    if (!v->is_array()) {
      report(schema_, *v, wp, "worlds_allowed must be a list of world ids, found " + describe_json(*v));
      return std::nullopt;
    }
    std::vector<std::string> ws;
    for (std::size_t i = 0; i < v->items.size(); ++i) {
      const JsonNode& w = v->items[i];
      if (!w.is_string() || !parse_world(w.text)) {
        report(schema_, w, json_pointer_append(wp, i),
               "worlds_allowed holds world ids (" + std::string(world_ids_joined()) + "), found " + describe_json(w));
        return std::nullopt;
      }
      ws.push_back(w.text);
    }
    return ws;
  }
  bool word(const std::optional<std::string>& v, const JsonNode& obj, const std::string& p, std::string_view key,
            std::initializer_list<std::string_view> words, std::optional<DiagId> code = std::nullopt) {
    if (!v) return false;
    for (std::string_view w : words)
      if (*v == w) return true;
    const JsonNode* n = member(obj, p, key, false);
    std::string list;
    for (std::string_view w : words) list += (list.empty() ? "" : " | ") + std::string(w);
    report(code.value_or(schema_), n ? *n : obj, json_pointer_append(p, key),
           std::string(key) + " must be " + list + ", found " + json_quote(*v));
    return false;
  }
  void unknown_keys(const JsonNode& obj, const std::string& p, std::initializer_list<std::string_view> known) {
    for (const JsonMember& m : obj.members) {
      if (std::find(known.begin(), known.end(), m.key) != known.end()) continue;
      JsonNode at;
      at.pos = m.key_pos;
      report(schema_, at, json_pointer_append(p, m.key), "unknown key " + json_quote(m.key));
    }
  }
  const JsonNode* object(const JsonNode& obj, const std::string& p, std::string_view key) {
    const JsonNode* v = member(obj, p, key, true);
    if (v && v->kind != JsonKind::kObject) {
      report(schema_, *v, json_pointer_append(p, key), std::string(key) + " must be an object, found " + describe_json(*v));
      return nullptr;
    }
    return v;
  }

 private:
  std::string file_;
  std::vector<Diagnostic>& out_;
  DiagId schema_;
  int errors_ = 0;
};

std::optional<JsonNode> parse_file_text(const std::string& text, Reader& r, DiagId json_syntax) {
  JsonParseResult parsed = parse_json(text);
  if (parsed.error) {
    JsonNode at;
    at.pos = parsed.error->pos;
    r.report(json_syntax, at, "", "not valid JSON: " + parsed.error->message);
    return std::nullopt;
  }
  if (parsed.root->kind != JsonKind::kObject) {
    r.report(r.schema(), *parsed.root, "", "expected a JSON object, found " + describe_json(*parsed.root));
    return std::nullopt;
  }
  return std::move(parsed.root);
}

// The spec file of `e`, checked against the index entry; fills the spec-only fields.
bool read_spec(PluginEntry& e, const std::string& spec_file, const std::string& text, std::vector<Diagnostic>& out,
               const RegistryDiagIds& ids) {
  Reader r(spec_file, out, ids.spec_schema);
  const auto root = parse_file_text(text, r, ids.spec_json);
  if (!root) return false;
  const JsonNode& s = *root;
  r.unknown_keys(s, "", {"schema_version", "plugin_id", "v", "abi", "determinism", "worlds_allowed", "brands", "budgets",
                         "cfg", "limits", "fixtures", "doc", "since"});
  const auto sv = r.str(s, "", "schema_version");
  if (sv && *sv != kSpecSchema) {
    r.report(ids.spec_schema_version, *r.member(s, "", "schema_version", false), "/schema_version",
             "schema_version must be " + json_quote(kSpecSchema) + ", found " + json_quote(*sv));
  }
  const auto mismatch = [&](DiagId id, const JsonNode* at, const std::string& p, const std::string& what,
                            const std::string& spec_v, const std::string& index_v) {
    r.report(id, at ? *at : s, p,
             what + " is " + spec_v + " in the spec but " + index_v + " in the index entry of " + e.plugin_id);
  };
  const auto id = r.str(s, "", "plugin_id");
  if (id && *id != e.plugin_id) mismatch(ids.spec_id, r.member(s, "", "plugin_id", false), "/plugin_id", "plugin_id", json_quote(*id), json_quote(e.plugin_id));
  r.uint(s, "", "v", 1, INT32_MAX);
  if (const JsonNode* abi = r.object(s, "", "abi")) {
    const auto be = r.str(*abi, "/abi", "native_backend_id");
    const auto major = r.uint(*abi, "/abi", "abi_major", 1, 1);
    const auto sym = r.str(*abi, "/abi", "export_symbol");
    if ((be && *be != e.native_backend_id) || (major && *major != e.limits.abi_major) || (sym && *sym != e.export_symbol))
      mismatch(ids.spec_abi, abi, "/abi", "the abi triple", "(" + be.value_or("?") + ", " + std::to_string(major.value_or(0)) + ", " +
                                                  sym.value_or("?") + ")",
               "(" + e.native_backend_id + ", " + std::to_string(e.limits.abi_major) + ", " + e.export_symbol + ")");
  }
  const auto det = r.str(s, "", "determinism");
  if (det && *det != e.determinism) mismatch(ids.spec_determinism, r.member(s, "", "determinism", false), "/determinism", "determinism", *det, e.determinism);
  if (const auto ws = r.worlds(s, ""); ws && *ws != e.worlds_allowed)
    mismatch(ids.spec_worlds, r.member(s, "", "worlds_allowed", false), "/worlds_allowed", "worlds_allowed", "a different list", "another");
  if (const JsonNode* b = r.object(s, "", "brands")) {
    const auto in = r.str(*b, "/brands", "in_item_brand");
    const auto outb = r.str(*b, "/brands", "out_item_brand");
    if ((in && *in != e.in_item_brand) || (outb && *outb != e.out_item_brand))
      mismatch(ids.spec_brands, b, "/brands", "brands", in.value_or("?") + " -> " + outb.value_or("?"), e.in_item_brand + " -> " + e.out_item_brand);
  }
  if (const JsonNode* b = r.object(s, "", "budgets")) {
    const auto st = r.uint(*b, "/budgets", "state_bytes", 0, UINT32_MAX);
    const auto sc = r.uint(*b, "/budgets", "scratch_bytes", 0, kMaxScratchBytes);
    r.member(*b, "/budgets", "max_expand_ratio", false);
    if ((st && *st != e.limits.state_bytes) || (sc && *sc != e.limits.scratch_bytes))
      mismatch(ids.spec_budgets, b, "/budgets", "state_bytes/scratch_bytes",
               std::to_string(st.value_or(0)) + "/" + std::to_string(sc.value_or(0)),
               std::to_string(e.limits.state_bytes) + "/" + std::to_string(e.limits.scratch_bytes));
  }
  if (const JsonNode* c = r.object(s, "", "cfg")) {
    if (const auto mb = r.uint(*c, "/cfg", "max_bytes", 0, UINT32_MAX)) e.limits.cfg_max_bytes = static_cast<std::uint32_t>(*mb);
    const auto cm = r.str(*c, "/cfg", "canon_mode");
    if (r.word(cm, *c, "/cfg", "canon_mode", {"none_v1", "canon_json_v1"}, ids.spec_canon_mode)) e.canon_mode = *cm;
  }
  if (const JsonNode* l = r.object(s, "", "limits")) {
    const auto bytes = r.uint(*l, "/limits", "max_out_bytes_per_step", 0, kMaxStepBytes);
    const auto items = r.uint(*l, "/limits", "max_out_items_per_step", 0, kMaxStepItems);
    const auto buf = r.uint(*l, "/limits", "max_out_buf_bytes", 1, kMaxBufBytes);
    if (bytes && items && buf) {
      e.limits.max_out_bytes_per_step = static_cast<std::uint32_t>(*bytes);
      e.limits.max_out_items_per_step = static_cast<std::uint32_t>(*items);
      e.limits.max_out_buf_bytes = static_cast<std::uint32_t>(*buf);
      if (*bytes != 0 && *buf > *bytes)
        r.report(ids.spec_limits, *l, "/limits",
                 "max_out_buf_bytes (" + std::to_string(*buf) + ") exceeds max_out_bytes_per_step (" + std::to_string(*bytes) + ")");
    }
  }
  return r.errors() == 0;
}

std::vector<PluginEntry> read_index_text(const std::string& index_file, const std::string& text, const ReadFile& read,
                                         const std::string& spec_dir, std::vector<Diagnostic>& out, bool require_sorted,
                                         const RegistryDiagIds& ids) {
  std::vector<PluginEntry> entries;
  Reader r(index_file, out, ids.index_schema);
  const auto root = parse_file_text(text, r, ids.index_json);
  if (!root) return entries;
  r.unknown_keys(*root, "", {"schema_version", "plugins"});
  const auto sv = r.str(*root, "", "schema_version");
  if (sv && *sv != kIndexSchema)
    r.report(ids.index_schema_version, *r.member(*root, "", "schema_version", false), "/schema_version",
             "schema_version must be " + json_quote(kIndexSchema) + ", found " + json_quote(*sv));
  const JsonNode* plugins = r.member(*root, "", "plugins", true);
  if (!plugins) return entries;
  if (!plugins->is_array()) {
    r.report(ids.index_schema, *plugins, "/plugins", "plugins must be a list of entries, found " + describe_json(*plugins));
    return entries;
  }
  std::map<std::string, const JsonNode*> seen;
  const JsonNode* prev_id = nullptr;
  for (std::size_t i = 0; i < plugins->items.size(); ++i) {
    const JsonNode& n = plugins->items[i];
    const std::string p = json_pointer_append("/plugins", i);
    if (n.kind != JsonKind::kObject) {
      r.report(ids.index_schema, n, p, "a registry entry must be an object, found " + describe_json(n));
      continue;
    }
    const int before = r.errors();
    r.unknown_keys(n, p, {"plugin_id", "plugin_spec_path", "budget_profile_id", "native_backend_id", "abi_major",
                          "export_symbol", "determinism", "worlds_allowed", "in_item_brand", "out_item_brand",
                          "state_bytes", "scratch_bytes", "doc", "since"});
    PluginEntry e;
    e.origin = index_file;
    e.line = n.pos.line;
    e.column = n.pos.column;
    e.pointer = p;
    const auto id = r.str(n, p, "plugin_id");
    const auto spec_path = r.str(n, p, "plugin_spec_path");
    const auto profile = r.str(n, p, "budget_profile_id");
    const auto backend = r.str(n, p, "native_backend_id");
    const auto major = r.uint(n, p, "abi_major", 1, 1);
    const auto sym = r.str(n, p, "export_symbol");
    if (sym && !is_c_identifier(*sym))
      r.report(ids.index_schema, *r.member(n, p, "export_symbol", false), json_pointer_append(p, "export_symbol"),
               "export_symbol must be a C identifier ([A-Za-z_][A-Za-z0-9_]*), found " + json_quote(*sym));
    const auto det = r.str(n, p, "determinism");
    r.word(det, n, p, "determinism", {"deterministic_v1", "nondet_os_only_v1"});
    const auto ws = r.worlds(n, p);
    const auto in = r.str(n, p, "in_item_brand");
    const auto outb = r.str(n, p, "out_item_brand");
    const auto st = r.uint(n, p, "state_bytes", 0, UINT32_MAX);
    const auto sc = r.uint(n, p, "scratch_bytes", 0, kMaxScratchBytes);
    if (id) {
      const JsonNode* idn = r.member(n, p, "plugin_id", false);
      if (auto it = seen.find(*id); it != seen.end()) {
        r.report(ids.duplicate, *idn, json_pointer_append(p, "plugin_id"),
                 "plugin_id " + json_quote(*id) + " is declared twice (first at " + line_col(*it->second) + ")");
        continue;
      }
      seen[*id] = idn;
      if (require_sorted && prev_id && prev_id->text > *id)
        r.report(ids.not_sorted, *idn, json_pointer_append(p, "plugin_id"),
                 "plugins must be sorted by plugin_id: " + json_quote(*id) + " comes after " + json_quote(prev_id->text));
      prev_id = idn;
    }
    if (r.errors() != before) continue;
    e.plugin_id = *id;
    e.plugin_spec_path = *spec_path;
    e.budget_profile_id = *profile;
    e.native_backend_id = *backend;
    e.limits.abi_major = static_cast<std::uint32_t>(*major);
    e.export_symbol = *sym;
    e.determinism = *det;
    e.worlds_allowed = *ws;
    e.in_item_brand = *in;
    e.out_item_brand = *outb;
    e.limits.state_bytes = static_cast<std::uint32_t>(*st);
    e.limits.scratch_bytes = static_cast<std::uint32_t>(*sc);
    e.spec_file = spec_dir + "/" + e.plugin_spec_path;
    const std::optional<std::string> spec_text =
        e.plugin_spec_path.find("..") == std::string::npos && e.plugin_spec_path.front() != '/' ? read(e.plugin_spec_path)
                                                                                              : std::nullopt;
    if (!spec_text) {
      const JsonNode* sp = r.member(n, p, "plugin_spec_path", false);
      r.report(ids.spec_missing, *sp, json_pointer_append(p, "plugin_spec_path"),
               "the spec file " + json_quote(e.spec_file) + " of " + json_quote(e.plugin_id) + " cannot be read",
               "plugin_spec_path is relative to the index's folder and stays inside it");
      continue;
    }
    if (read_spec(e, e.spec_file, *spec_text, out, ids)) entries.push_back(std::move(e));
  }
  return entries;
}

std::optional<std::string> read_text_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return s.str();
}

}  // namespace

const RegistryDiagIds kPipeRegistryDiags{
    .index_unreadable = DiagId::kPluginRegistry,
    .index_json = DiagId::kPluginRegistry,
    .index_schema_version = DiagId::kPluginRegistry,
    .index_schema = DiagId::kPluginRegistry,
    .not_sorted = DiagId::kPluginIndexNotSorted,
    .duplicate = DiagId::kPluginDuplicate,
    .spec_missing = DiagId::kPluginSpecMissing,
    .spec_json = DiagId::kPluginRegistry,
    .spec_schema_version = DiagId::kPluginRegistry,
    .spec_schema = DiagId::kPluginRegistry,
    .spec_id = DiagId::kPluginSpecMismatch,
    .spec_abi = DiagId::kPluginSpecMismatch,
    .spec_budgets = DiagId::kPluginSpecMismatch,
    .spec_brands = DiagId::kPluginSpecMismatch,
    .spec_determinism = DiagId::kPluginSpecMismatch,
    .spec_worlds = DiagId::kPluginSpecMismatch,
    .spec_canon_mode = DiagId::kPluginRegistry,
    .spec_limits = DiagId::kPluginSpecMismatch,
};

bool PluginEntry::allows(World w) const {
  if (worlds_allowed.empty()) return true;
  const std::string name(world_name(w));
  return std::find(worlds_allowed.begin(), worlds_allowed.end(), name) != worlds_allowed.end();
}

bool PluginEntry::same_contract(const PluginEntry& o) const {
  const PluginLimits& a = limits;
  const PluginLimits& b = o.limits;
  return plugin_id == o.plugin_id && plugin_spec_path == o.plugin_spec_path && budget_profile_id == o.budget_profile_id &&
         native_backend_id == o.native_backend_id && export_symbol == o.export_symbol && determinism == o.determinism &&
         worlds_allowed == o.worlds_allowed && in_item_brand == o.in_item_brand && out_item_brand == o.out_item_brand &&
         canon_mode == o.canon_mode && a.abi_major == b.abi_major && a.state_bytes == b.state_bytes &&
         a.scratch_bytes == b.scratch_bytes && a.cfg_max_bytes == b.cfg_max_bytes &&
         a.max_out_bytes_per_step == b.max_out_bytes_per_step && a.max_out_items_per_step == b.max_out_items_per_step &&
         a.max_out_buf_bytes == b.max_out_buf_bytes;
}

const PluginEntry* PluginRegistry::find(const std::string& id) const {
  for (const PluginEntry& e : entries)
    if (e.plugin_id == id) return &e;
  return nullptr;
}

std::vector<PluginEntry> read_plugin_index(const std::string& index_path, std::vector<Diagnostic>& out,
                                           bool require_sorted, const RegistryDiagIds& ids) {
  const fs::path index(index_path);
  const auto text = read_text_file(index);
  if (!text) {
    out.push_back(make_diagnostic(ids.index_unreadable, index_path, 0, 0, "", "the registry index cannot be read"));
    return {};
  }
  const fs::path dir = index.parent_path();
  const ReadFile read = [&](const std::string& rel) { return read_text_file(dir / rel); };
  return read_index_text(index_path, *text, read, dir.string(), out, require_sorted, ids);
}

PluginRegistry load_plugin_registry(const std::optional<std::string>& arch_root, std::vector<Diagnostic>& out) {
  PluginRegistry reg;
  // The embedded registry is part of sluice: an error in it is a bug, reported like any other.
  const ReadFile embedded = [](const std::string& rel) -> std::optional<std::string> {
    const auto t = embedded_registry_file(rel);
    return t ? std::optional<std::string>(std::string(*t)) : std::nullopt;
  };
  reg.entries = read_index_text("<embedded>/arch/stream/plugins/index.x07sp.json",
                                std::string(*embedded_registry_file("index.x07sp.json")), embedded,
                                "<embedded>/arch/stream/plugins", out, true, kPipeRegistryDiags);
  for (PluginEntry& e : reg.entries) e.origin = "embedded";
  if (!arch_root) return reg;
  const fs::path index = fs::path(*arch_root) / "arch" / "stream" / "plugins" / "index.x07sp.json";
  std::error_code ec;
  if (!fs::is_regular_file(index, ec)) return reg;
  reg.file_registry = true;
  reg.index_path = index.string();
  std::vector<PluginEntry> from_file = read_plugin_index(index.string(), out, true, kPipeRegistryDiags);
  for (PluginEntry& e : from_file) {
    if (const PluginEntry* builtin = reg.find(e.plugin_id)) {
      if (!builtin->same_contract(e))
        out.push_back(make_diagnostic(DiagId::kPluginEmbeddedConflict, index.string(), e.line, e.column, e.pointer,
                                      "the file registry declares " + json_quote(e.plugin_id) +
                                          ", which sluice has built in, with different values",
                                      "an id in both registries must be identical; give your plugin another id"));
      continue;
    }
    reg.entries.push_back(std::move(e));
  }
  return reg;
}

}  // namespace sluice
