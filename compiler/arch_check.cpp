#include "compiler/arch_check.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "compiler/contract_hash.hpp"
#include "compiler/json_source.hpp"
#include "compiler/plugin_registry.hpp"
#include "runtime/atomic_file.hpp"

namespace sluice {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kManifestPath = "arch/manifest.x07arch.json";
constexpr std::string_view kManifestSchema = "x07.arch.manifest@0.1.0";
constexpr std::string_view kDefaultIndexPath = "arch/stream/plugins/index.x07sp.json";
constexpr std::string_view kDefaultBudgetsIndexPath = "arch/budgets/index.x07budgets.json";
constexpr std::string_view kStreamPluginsDir = "arch/stream/plugins";
constexpr std::string_view kLockPath = "arch/contracts.lock.json";
constexpr std::string_view kLockSchema = "x07.arch.contracts.lock@0.1.0";
constexpr std::string_view kBudgetsIndexSchema = "x07.arch.budgets.index@0.1.0";
constexpr std::string_view kBudgetProfileSchema = "x07.budget.profile@0.1.0";
constexpr std::string_view kCanonicalJsonMode = "jcs_rfc8785_v1";
constexpr std::string_view kPluginStage = "std.stream.xf.plugin_v1";

// The registry reader's checks under X07's names.
const RegistryDiagIds kArchRegistryDiags{
    .index_unreadable = DiagId::kArchStreamPluginsIndexRead,
    .index_json = DiagId::kArchStreamPluginsIndexJsonParse,
    .index_schema_version = DiagId::kArchStreamPluginsIndexSchemaVersion,
    .index_schema = DiagId::kArchStreamPluginsIndexSchemaInvalid,
    .not_sorted = DiagId::kArchStreamPluginsIndexNotSorted,
    .duplicate = DiagId::kArchStreamPluginsIndexDuplicateId,
    .spec_missing = DiagId::kArchStreamPluginSpecRead,
    .spec_json = DiagId::kArchStreamPluginSpecJsonParse,
    .spec_schema_version = DiagId::kArchStreamPluginSpecSchemaVersion,
    .spec_schema = DiagId::kArchStreamPluginSpecSchemaInvalid,
    .spec_id = DiagId::kArchStreamPluginSpecIdMismatch,
    .spec_abi = DiagId::kArchStreamPluginSpecAbiMismatch,
    .spec_budgets = DiagId::kArchStreamPluginSpecBudgetsMismatch,
    .spec_brands = DiagId::kArchStreamPluginSpecBrandsMismatch,
    .spec_determinism = DiagId::kArchStreamPluginSpecDeterminismMismatch,
    .spec_worlds = DiagId::kArchStreamPluginSpecWorldsMismatch,
    .spec_canon_mode = DiagId::kArchStreamPluginSpecCfgCanonMode,
    .spec_limits = DiagId::kArchStreamPluginSpecLimitsInvalid,
};

std::optional<std::string> read_text_file(const fs::path& p) {
  std::error_code ec;
  if (!fs::is_regular_file(p, ec)) return std::nullopt;
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return s.str();
}

// A contract path as X07 writes them: relative to the arch root, '/'-separated, no '..'.
bool is_contract_path(std::string_view p) {
  if (p.empty() || p.front() == '/' || p.find('\\') != std::string_view::npos) return false;
  std::size_t start = 0;
  while (start <= p.size()) {
    const std::size_t end = std::min(p.find('/', start), p.size());
    const std::string_view seg = p.substr(start, end - start);
    if (seg.empty() || seg == "." || seg == "..") return false;
    start = end + 1;
  }
  return true;
}

// The folder part of a contract path ("" for a top-level file).
std::string parent_of(std::string_view p) {
  const std::size_t slash = p.rfind('/');
  return slash == std::string_view::npos ? std::string() : std::string(p.substr(0, slash));
}

const JsonNode* member_of(const JsonNode& obj, std::string_view key) {
  if (obj.kind != JsonKind::kObject) return nullptr;
  for (const JsonMember& m : obj.members)
    if (m.key == key) return &m.value;
  return nullptr;
}

struct BudgetProfile {
  std::optional<std::uint64_t> alloc_bytes;  // cost.alloc_bytes, when the profile file has it
  std::string file;
};

// One run of the checker over one arch root.
class ArchChecker {
 public:
  ArchChecker(const ArchCheckOptions& options, ArchCheckResult& result)
      : options_(options), result_(result), root_(options.arch_root) {}

  void run() {
    result_.lock_path = display(kLockPath);
    if (!read_contracts()) return;
    if (budgets_index_) check_budgets(*budgets_index_);
    if (stream_plugins_) check_stream_plugins();
    if (!any_contract_) {
      result_.notes.push_back("the manifest declares no stream_plugins or budgets contract: nothing to check or pin");
      return;
    }
    if (options_.write_lock)
      write_lock();
    else
      compare_lock();
  }

 private:
  struct StreamPluginsContract {
    std::string index_path;
    std::optional<std::string> gen_dir;
    const JsonNode* gen_dir_node = nullptr;
    bool require_registry_uptodate = true;
  };

  // A path under the arch root as the user sees it (and as diagnostics name it).
  [[nodiscard]] std::string display(std::string_view rel) const {
    if (root_ == "." || root_.empty()) return std::string(rel);
    return (fs::path(root_) / rel).string();
  }
  [[nodiscard]] fs::path under_root(std::string_view rel) const { return fs::path(root_) / rel; }

  void report(DiagId id, const std::string& file, const JsonNode* at, const std::string& pointer, std::string message,
              std::string hint = {}) {
    result_.diagnostics.push_back(make_diagnostic(id, file, at ? at->pos.line : 0, at ? at->pos.column : 0, pointer,
                                                  std::move(message), std::move(hint)));
  }

  // Parses a contract file; a parse error is reported with `json_id`. Records nothing.
  std::optional<JsonNode> parse(const std::string& text, const std::string& file, DiagId json_id) {
    JsonParseResult parsed = parse_json(text);
    if (parsed.error) {
      JsonNode at;
      at.pos = parsed.error->pos;
      report(json_id, file, &at, "", "not valid JSON: " + parsed.error->message);
      return std::nullopt;
    }
    return std::move(parsed.root);
  }

  // Pins a contract file that parsed: its RFC 8785 form's SHA-256, under `indexes` or `files`.
  void pin(std::map<std::string, std::string>& table, const std::string& rel, const std::string& text) {
    if (const auto hash = jcs_sha256_hex(text)) table[rel] = *hash;
  }

  // ---- the manifest ----

  // A required string member of a manifest object that must be a contract path.
  const JsonNode* manifest_path_member(const JsonNode& obj, const std::string& p, std::string_view key) {
    const JsonNode* v = member_of(obj, key);
    if (!v || !v->is_string() || !is_contract_path(v->text)) {
      report(DiagId::kArchManifestSchemaInvalid, manifest_file_, v ? v : &obj, json_pointer_append(p, key),
             std::string(key) + (v ? " must be a relative path under the arch root (no '..'), found " + describe_json(*v)
                                   : " is required"));
      return nullptr;
    }
    return v;
  }
  const JsonNode* manifest_bool_member(const JsonNode& obj, const std::string& p, std::string_view key) {
    const JsonNode* v = member_of(obj, key);
    if (!v || v->kind != JsonKind::kBool) {
      report(DiagId::kArchManifestSchemaInvalid, manifest_file_, v ? v : &obj, json_pointer_append(p, key),
             std::string(key) + (v ? " must be true or false, found " + describe_json(*v) : " is required"));
      return nullptr;
    }
    return v;
  }
  const JsonNode* manifest_object_member(const JsonNode& obj, const std::string& p, std::string_view key) {
    const JsonNode* v = member_of(obj, key);
    if (v && v->kind != JsonKind::kObject) {
      report(DiagId::kArchManifestSchemaInvalid, manifest_file_, v, json_pointer_append(p, key),
             std::string(key) + " must be an object, found " + describe_json(*v));
      return nullptr;
    }
    return v;
  }

  // Reads the manifest, or X07's defaults without one. False: the manifest is unusable.
  bool read_contracts() {
    manifest_file_ = display(kManifestPath);
    const auto text = read_text_file(under_root(kManifestPath));
    if (!text) {
      stream_plugins_ = StreamPluginsContract{.index_path = std::string(kDefaultIndexPath), .gen_dir = std::nullopt,
                                              .gen_dir_node = nullptr, .require_registry_uptodate = true};
      std::error_code ec;
      const bool have_budgets = fs::is_regular_file(under_root(kDefaultBudgetsIndexPath), ec);
      if (have_budgets) budgets_index_ = std::string(kDefaultBudgetsIndexPath);
      check_budget_refs_ = have_budgets;
      any_contract_ = true;
      result_.notes.push_back("no " + manifest_file_ + ": checking " + display(kDefaultIndexPath) +
                              " with X07's defaults (require_registry_uptodate: true; " +
                              (have_budgets ? "budget profiles from " + display(kDefaultBudgetsIndexPath)
                                            : std::string("no ") + display(kDefaultBudgetsIndexPath) +
                                                  ", so budget_profile_id is not checked") +
                              ")");
      return true;
    }
    const auto root = parse(*text, manifest_file_, DiagId::kArchManifestJsonParse);
    if (!root) return false;
    manifest_ = std::move(*root);
    check_budget_refs_ = true;  // X07: with a manifest, a profile no budgets index declares is missing
    const std::size_t before = result_.diagnostics.size();
    if (manifest_.kind != JsonKind::kObject) {
      report(DiagId::kArchManifestSchemaInvalid, manifest_file_, &manifest_, "", "expected a JSON object, found " + describe_json(manifest_));
      return false;
    }
    const JsonNode* sv = member_of(manifest_, "schema_version");
    if (!sv || !sv->is_string() || sv->text != kManifestSchema)
      report(DiagId::kArchManifestSchemaInvalid, manifest_file_, sv ? sv : &manifest_, "/schema_version",
             "schema_version must be " + json_quote(kManifestSchema) + (sv ? ", found " + describe_json(*sv) : ""));
    const JsonNode* contracts = manifest_object_member(manifest_, "", "contracts_v1");
    if (!contracts) return result_.diagnostics.size() == before;
    const JsonNode* canonical = manifest_object_member(*contracts, "/contracts_v1", "canonical_json");
    if (!canonical) {
      if (!member_of(*contracts, "canonical_json"))
        report(DiagId::kArchManifestSchemaInvalid, manifest_file_, contracts, "/contracts_v1/canonical_json",
               "canonical_json is required", "\"canonical_json\": {\"mode\": \"jcs_rfc8785_v1\"}");
    } else {
      const JsonNode* mode = member_of(*canonical, "mode");
      if (!mode || !mode->is_string())
        report(DiagId::kArchManifestSchemaInvalid, manifest_file_, mode ? mode : canonical,
               "/contracts_v1/canonical_json/mode", "mode must be a string");
      else if (mode->text != kCanonicalJsonMode)
        report(DiagId::kArchCanonicalJsonUnsupported, manifest_file_, mode, "/contracts_v1/canonical_json/mode",
               "canonical_json.mode " + json_quote(mode->text) + " is not supported; the contracts are pinned by their RFC 8785 form",
               "\"mode\": \"jcs_rfc8785_v1\"");
    }
    if (const JsonNode* b = manifest_object_member(*contracts, "/contracts_v1", "budgets")) {
      const std::string p = "/contracts_v1/budgets";
      const JsonNode* index = manifest_path_member(*b, p, "index_path");
      manifest_path_member(*b, p, "gen_dir");
      manifest_bool_member(*b, p, "require_scopes");
      if (index) budgets_index_ = index->text;
      budgets_declared_ = true;
      any_contract_ = true;
    }
    if (const JsonNode* s = manifest_object_member(*contracts, "/contracts_v1", "stream_plugins")) {
      const std::string p = "/contracts_v1/stream_plugins";
      const JsonNode* index = manifest_path_member(*s, p, "index_path");
      const JsonNode* gen = manifest_path_member(*s, p, "gen_dir");
      const JsonNode* uptodate = manifest_bool_member(*s, p, "require_registry_uptodate");
      if (index && gen && uptodate)
        stream_plugins_ = StreamPluginsContract{.index_path = index->text, .gen_dir = gen->text, .gen_dir_node = gen,
                                                .require_registry_uptodate = uptodate->boolean};
      any_contract_ = true;
    }
    if (result_.diagnostics.size() != before) return false;
    result_.notes.push_back(manifest_file_ + ": " +
                            (stream_plugins_ ? "stream_plugins " + display(stream_plugins_->index_path) +
                                                   " (require_registry_uptodate: " +
                                                   (stream_plugins_->require_registry_uptodate ? "true" : "false") + ")"
                                             : std::string("no stream_plugins contract")) +
                            (budgets_index_ ? ", budgets " + display(*budgets_index_) : ", no budgets contract"));
    return true;
  }

  // ---- budgets ----

  void check_budgets(const std::string& index_rel) {
    const std::string file = display(index_rel);
    const auto text = read_text_file(under_root(index_rel));
    if (!text) {
      report(DiagId::kArchBudgetsIndexRead, file, nullptr, "", "the budgets index cannot be read");
      return;
    }
    const auto root = parse(*text, file, DiagId::kArchBudgetsIndexJsonParse);
    if (!root) return;
    pin(indexes_, index_rel, *text);
    const auto schema = [&](const JsonNode& at, const std::string& p, std::string m) {
      report(DiagId::kArchBudgetsIndexSchemaInvalid, file, &at, p, std::move(m));
    };
    if (root->kind != JsonKind::kObject) return schema(*root, "", "expected a JSON object, found " + describe_json(*root));
    const JsonNode* sv = member_of(*root, "schema_version");
    if (!sv || !sv->is_string() || sv->text != kBudgetsIndexSchema)
      report(DiagId::kArchBudgetsIndexSchemaVersion, file, sv ? sv : &*root, "/schema_version",
             "schema_version must be " + json_quote(kBudgetsIndexSchema) + (sv ? ", found " + describe_json(*sv) : ""));
    const JsonNode* profiles = member_of(*root, "profiles");
    if (!profiles) return;  // X07: profiles defaults to []
    if (!profiles->is_array()) return schema(*profiles, "/profiles", "profiles must be a list, found " + describe_json(*profiles));
    for (std::size_t i = 0; i < profiles->items.size(); ++i) {
      const JsonNode& n = profiles->items[i];
      const std::string p = json_pointer_append("/profiles", i);
      if (n.kind != JsonKind::kObject) {
        schema(n, p, "a budgets index entry must be an object, found " + describe_json(n));
        continue;
      }
      for (const JsonMember& m : n.members) {
        static const std::set<std::string_view> known{"id", "profile_path", "enforce", "selectors", "worlds_allowed"};
        if (!known.count(m.key)) {
          JsonNode at;
          at.pos = m.key_pos;
          schema(at, json_pointer_append(p, m.key), "unknown key " + json_quote(m.key));
        }
      }
      const JsonNode* id = member_of(n, "id");
      const JsonNode* path = member_of(n, "profile_path");
      const JsonNode* enforce = member_of(n, "enforce");
      bool ok = true;
      if (!id || !id->is_string() || id->text.empty()) {
        schema(id ? *id : n, json_pointer_append(p, "id"), "id must be a non-empty string");
        ok = false;
      }
      if (!path || !path->is_string() || !is_contract_path(path->text)) {
        schema(path ? *path : n, json_pointer_append(p, "profile_path"),
               "profile_path must be a relative path under the arch root (no '..')");
        ok = false;
      }
      if (!enforce || !enforce->is_string() ||
          (enforce->text != "off" && enforce->text != "warn" && enforce->text != "error")) {
        schema(enforce ? *enforce : n, json_pointer_append(p, "enforce"), "enforce must be off | warn | error");
        ok = false;
      }
      if (!ok) continue;
      BudgetProfile& profile = profiles_[id->text];
      profile.file = display(path->text);
      const auto ptext = read_text_file(under_root(path->text));
      if (!ptext) {
        report(DiagId::kArchBudgetProfileRead, file, path, json_pointer_append(p, "profile_path"),
               "the budget profile " + json_quote(profile.file) + " of " + json_quote(id->text) + " cannot be read");
        continue;
      }
      const auto proot = parse(*ptext, profile.file, DiagId::kArchBudgetProfileJsonParse);
      if (!proot) continue;
      pin(files_, path->text, *ptext);
      const JsonNode* psv = member_of(*proot, "schema_version");
      if (!psv || !psv->is_string() || psv->text != kBudgetProfileSchema)
        report(DiagId::kArchBudgetProfileSchemaVersion, profile.file, psv ? psv : &*proot, "/schema_version",
               "schema_version must be " + json_quote(kBudgetProfileSchema) + (psv ? ", found " + describe_json(*psv) : ""));
      if (const JsonNode* cost = member_of(*proot, "cost"))
        if (const JsonNode* alloc = member_of(*cost, "alloc_bytes"); alloc && alloc->is_integer() && alloc->fits_i64 && alloc->i64 >= 0)
          profile.alloc_bytes = static_cast<std::uint64_t>(alloc->i64);
    }
  }

  // ---- stream plugins ----

  void check_stream_plugins() {
    const StreamPluginsContract& c = *stream_plugins_;
    std::error_code ec;
    if (c.gen_dir) {  // declared by a manifest: X07 checks both folders
      if (!fs::is_directory(under_root(kStreamPluginsDir), ec))
        report(DiagId::kArchStreamPluginsDirMissing, display(kStreamPluginsDir), nullptr, "",
               "the manifest declares stream plugins, but there is no " + display(kStreamPluginsDir) + "/");
      if (!fs::is_directory(under_root(*c.gen_dir), ec))
        report(DiagId::kArchStreamPluginsGenDirMissing, manifest_file_, c.gen_dir_node, "/contracts_v1/stream_plugins/gen_dir",
               "gen_dir " + json_quote(*c.gen_dir) + " is not a directory under the arch root");
    }
    const std::string index_file = display(c.index_path);
    // The checks of index and specs: the registry reader pipes use, under X07's names.
    std::vector<PluginEntry> entries =
        read_plugin_index(index_file, result_.diagnostics, c.require_registry_uptodate, kArchRegistryDiags);
    result_.plugins = entries.size();
    const auto text = read_text_file(under_root(c.index_path));
    if (!text) return;  // reported by the reader
    JsonParseResult parsed = parse_json(*text);
    if (parsed.error) return;  // reported by the reader
    pin(indexes_, c.index_path, *text);
    const JsonNode& index = *parsed.root;
    const JsonNode* plugins = member_of(index, "plugins");
    // Every id the index declares (valid entries or not), for the usage scan, as X07 keeps them.
    std::set<std::string> declared;
    const std::string spec_dir = parent_of(c.index_path);
    if (plugins && plugins->is_array()) {
      for (std::size_t i = 0; i < plugins->items.size(); ++i) {
        const JsonNode& n = plugins->items[i];
        const std::string p = json_pointer_append("/plugins", i);
        const JsonNode* id = member_of(n, "plugin_id");
        if (!id || !id->is_string() || !declared.insert(id->text).second) continue;
        check_budget_reference(n, p, id->text, index_file);
        // Pin the spec file (whatever is wrong with it is the reader's to report).
        const JsonNode* spec = member_of(n, "plugin_spec_path");
        if (spec && spec->is_string() && is_contract_path(spec->text)) {
          const std::string rel = spec_dir.empty() ? spec->text : spec_dir + "/" + spec->text;
          if (const auto spec_text = read_text_file(under_root(rel)); spec_text && !parse_json(*spec_text).error)
            pin(files_, rel, *spec_text);
        }
      }
    }
    check_limits_against_profiles(entries);
    check_embedded_conflicts(entries);
    if (c.require_registry_uptodate)
      scan_usage(entries, declared);
    else if (!options_.usage_files.empty())
      result_.notes.push_back("require_registry_uptodate is false: the pipes and modules given are not scanned (as in X07)");
  }

  void check_budget_reference(const JsonNode& entry, const std::string& p, const std::string& id, const std::string& index_file) {
    if (!check_budget_refs_) return;  // no manifest and no budgets index (said in the notes)
    const JsonNode* profile = member_of(entry, "budget_profile_id");
    if (!profile || !profile->is_string() || profiles_.count(profile->text)) return;
    const std::string where = budgets_index_ ? display(*budgets_index_) : std::string("no budgets index (contracts_v1.budgets)");
    report(DiagId::kArchStreamPluginBudgetMissing, index_file, profile, json_pointer_append(p, "budget_profile_id"),
           json_quote(id) + " names budget profile " + json_quote(profile->text) + ", which " + where + " does not declare",
           budgets_index_ ? "declare it in the budgets index's profiles[]" : "declare contracts_v1.budgets in the manifest");
  }

  // sluice's own check: a step that may emit more bytes than its budget scope may allocate can
  // never use its own limit (each call runs under the profile's alloc_bytes, spec §9.2).
  void check_limits_against_profiles(const std::vector<PluginEntry>& entries) {
    for (const PluginEntry& e : entries) {
      const auto it = profiles_.find(e.budget_profile_id);
      if (it == profiles_.end() || !it->second.alloc_bytes) continue;
      const std::uint64_t step = e.limits.max_out_bytes_per_step;
      if (step == 0 || step <= *it->second.alloc_bytes) continue;
      const auto spec_text = read_text_file(e.spec_file);
      std::optional<JsonNode> spec = spec_text ? parse_json(*spec_text).root : std::nullopt;
      const JsonNode* at = spec ? json_pointer_find(*spec, "/limits/max_out_bytes_per_step") : nullptr;
      report(DiagId::kArchStreamPluginSpecLimitsInvalid, e.spec_file, at, "/limits/max_out_bytes_per_step",
             "max_out_bytes_per_step (" + std::to_string(step) + ") of " + json_quote(e.plugin_id) +
                 " exceeds cost.alloc_bytes (" + std::to_string(*it->second.alloc_bytes) + ") of its budget profile " +
                 json_quote(e.budget_profile_id) + " (" + it->second.file + ")",
             "under X07 each plugin call runs in this profile's budget scope, so a step emitting more fails with ERR 9");
    }
  }

  // A pipe run adds the file registry to the embedded one; an id in both must be identical.
  void check_embedded_conflicts(const std::vector<PluginEntry>& entries) {
    std::vector<Diagnostic> ignored;
    embedded_ = load_plugin_registry(std::nullopt, ignored);
    for (const PluginEntry& e : entries) {
      const PluginEntry* builtin = embedded_.find(e.plugin_id);
      if (builtin && !builtin->same_contract(e))
        result_.diagnostics.push_back(make_diagnostic(
            DiagId::kPluginEmbeddedConflict, e.origin, e.line, e.column, e.pointer,
            "the registry declares " + json_quote(e.plugin_id) + ", which sluice has built in, with different values",
            "an id in both registries must be identical; give your plugin another id"));
    }
  }

  // ---- usage scan ----

  void scan_usage(const std::vector<PluginEntry>& entries, const std::set<std::string>& declared) {
    for (const std::string& f : options_.usage_files) {
      const auto text = read_text_file(f);
      if (!text) {
        report(DiagId::kArchModuleParse, f, nullptr, "", "the file cannot be read");
        continue;
      }
      const auto root = parse(*text, f, DiagId::kArchModuleParse);
      if (!root) continue;
      scan_node(*root, "", f, entries, declared);
    }
  }

  // The id of a plugin_v1 form, X07's way: the first ["id", X] field, X = ["bytes.lit", id] or
  // ["std.stream.expr_v1", ["bytes.lit", id]].
  static const JsonNode* literal_id(const JsonNode& x) {
    if (x.is_form("bytes.lit") && x.items.size() == 2 && x.items[1].is_string()) return &x.items[1];
    if (x.is_form("std.stream.expr_v1") && x.items.size() == 2) return literal_id(x.items[1]);
    return nullptr;
  }

  void scan_node(const JsonNode& n, const std::string& p, const std::string& file, const std::vector<PluginEntry>& entries,
                 const std::set<std::string>& declared) {
    if (n.kind == JsonKind::kObject) {
      for (const JsonMember& m : n.members) scan_node(m.value, json_pointer_append(p, m.key), file, entries, declared);
      return;
    }
    if (!n.is_array()) return;
    if (n.is_form(kPluginStage)) scan_plugin_use(n, p, file, entries, declared);
    for (std::size_t i = 0; i < n.items.size(); ++i) scan_node(n.items[i], json_pointer_append(p, i), file, entries, declared);
  }

  void scan_plugin_use(const JsonNode& form, const std::string& p, const std::string& file,
                       const std::vector<PluginEntry>& entries, const std::set<std::string>& declared) {
    const JsonNode* field = nullptr;
    std::string field_p;
    for (std::size_t i = 1; i < form.items.size(); ++i) {
      const JsonNode& kv = form.items[i];
      if (kv.is_array() && kv.items.size() == 2 && kv.items[0].is_string() && kv.items[0].text == "id") {
        field = &kv.items[1];
        field_p = json_pointer_append(json_pointer_append(p, i), 1);
        break;
      }
    }
    const JsonNode* id = field ? literal_id(*field) : nullptr;
    if (!id) {
      report(DiagId::kArchContractOpaqueUsage, file, field ? field : &form, field ? field_p : p,
             "the std.stream.xf.plugin_v1 id is not a [\"bytes.lit\", id] literal: arch check cannot tell which plugin it is");
      return;
    }
    const auto in_file = std::find_if(entries.begin(), entries.end(), [&](const PluginEntry& e) { return e.plugin_id == id->text; });
    const PluginEntry* entry = in_file != entries.end() ? &*in_file : embedded_.find(id->text);
    if (!entry && !declared.count(id->text)) {
      report(DiagId::kArchStreamPluginNotFound, file, field, field_p,
             "plugin " + json_quote(id->text) + " is declared neither in " + display(stream_plugins_->index_path) +
                 " nor among sluice's built-in plugins");
      return;
    }
    if (!entry) return;  // declared by an entry with errors of its own
    const std::string world(world_name(options_.world));
    if (!entry->allows(options_.world))
      report(DiagId::kArchStreamPluginWorldViolation, file, field, field_p,
             "plugin " + json_quote(id->text) + " is not allowed in world " + world + " (worlds_allowed of its registry entry)");
    if (entry->determinism == "nondet_os_only_v1" && options_.world != World::kRunOs && options_.world != World::kRunOsSandboxed)
      report(DiagId::kArchStreamPluginWorldViolation, file, field, field_p,
             "plugin " + json_quote(id->text) + " is nondet_os_only_v1, so only run-os and run-os-sandboxed may use it, not " + world);
  }

  // ---- the lock ----

  [[nodiscard]] std::string lock_json() const {
    nlohmann::json doc;
    doc["schema_version"] = kLockSchema;
    doc["indexes"] = nlohmann::json::object();
    doc["files"] = nlohmann::json::object();
    for (const auto& [path, hash] : indexes_) doc["indexes"][path] = {{"jcs_sha256_hex", hash}};
    for (const auto& [path, hash] : files_) doc["files"][path] = {{"jcs_sha256_hex", hash}};
    return doc.dump(2) + "\n";  // std::map order: the keys sorted, as X07 writes its canonical lock
  }

  void write_lock() {
    if (has_errors(result_.diagnostics)) {
      result_.notes.push_back(result_.lock_path + " not written: the contracts have errors");
      return;
    }
    const std::string text = lock_json();
    AtomicFile out = AtomicFile::create(FsRoot{.dir = (fs::path(root_) / "arch").string(), .sandboxed = false},
                                        "contracts.lock.json");
    int err = out.fd() < 0 ? (out.err_no() ? out.err_no() : EINVAL) : 0;
    for (std::size_t off = 0; err == 0 && off < text.size();) {
      const ssize_t n = ::write(out.fd(), text.data() + off, text.size() - off);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) err = n < 0 ? errno : EIO;
      else off += static_cast<std::size_t>(n);
    }
    if (err == 0) err = out.commit();
    if (err != 0) {
      out.abandon();
      report(DiagId::kArchContractsLockWrite, result_.lock_path, nullptr, "", std::string("cannot write the lock: ") + std::strerror(err));
      return;
    }
    result_.lock_written = true;
  }

  void compare_lock() {
    const std::string& file = result_.lock_path;
    const auto text = read_text_file(under_root(kLockPath));
    if (!text) {
      report(DiagId::kArchContractsLockMissing, file, nullptr, "", "the contracts are not pinned: there is no " + file,
             "run sluice arch check --write-lock and commit " + file);
      return;
    }
    const auto root = parse(*text, file, DiagId::kArchContractsLockJsonParse);
    if (!root) return;
    const std::size_t before = result_.diagnostics.size();
    const auto schema = [&](const JsonNode& at, const std::string& p, std::string m) {
      report(DiagId::kArchContractsLockSchemaInvalid, file, &at, p, std::move(m));
    };
    if (root->kind != JsonKind::kObject) return schema(*root, "", "expected a JSON object, found " + describe_json(*root));
    for (const JsonMember& m : root->members)
      if (m.key != "schema_version" && m.key != "indexes" && m.key != "files") {
        JsonNode at;
        at.pos = m.key_pos;
        schema(at, json_pointer_append("", m.key), "unknown key " + json_quote(m.key));
      }
    const JsonNode* sv = member_of(*root, "schema_version");
    // Reads one table ({path: {jcs_sha256_hex}}) of the lock; schema errors are reported.
    const auto table = [&](std::string_view key) {
      std::map<std::string, const JsonNode*> t;
      const JsonNode* obj = member_of(*root, key);
      const std::string p = json_pointer_append("", key);
      if (!obj || obj->kind != JsonKind::kObject) {
        schema(obj ? *obj : *root, p, std::string(key) + (obj ? " must be an object, found " + describe_json(*obj) : " is required"));
        return t;
      }
      for (const JsonMember& m : obj->members) {
        const std::string mp = json_pointer_append(p, m.key);
        const JsonNode* hash = member_of(m.value, "jcs_sha256_hex");
        const bool hex = hash && hash->is_string() && hash->text.size() == 64 &&
                         std::all_of(hash->text.begin(), hash->text.end(),
                                     [](char ch) { return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'); });
        if (!is_contract_path(m.key) || m.value.kind != JsonKind::kObject || m.value.members.size() != 1 || !hex)
          schema(m.value, mp, "each entry must be \"relative/path\": {\"jcs_sha256_hex\": 64 lowercase hex digits}");
        else if (!t.emplace(m.key, hash).second)
          schema(m.value, mp, "the path " + json_quote(m.key) + " is pinned twice");
      }
      return t;
    };
    const auto locked_indexes = table("indexes");
    const auto locked_files = table("files");
    if (!sv || !sv->is_string()) {
      schema(sv ? *sv : *root, "/schema_version", "schema_version is required");
    } else if (sv->text != kLockSchema) {
      report(DiagId::kArchContractsLockSchemaVersion, file, sv, "/schema_version",
             "schema_version must be " + json_quote(kLockSchema) + ", found " + describe_json(*sv));
    }
    if (result_.diagnostics.size() != before) return;
    compare_table("indexes", member_of(*root, "indexes"), locked_indexes, indexes_);
    compare_table("files", member_of(*root, "files"), locked_files, files_);
  }

  void compare_table(std::string_view key, const JsonNode* obj, const std::map<std::string, const JsonNode*>& locked,
                     const std::map<std::string, std::string>& now) {
    const std::string& file = result_.lock_path;
    const std::string p = json_pointer_append("", key);
    const std::string hint = "if the change is intended, run sluice arch check --write-lock and commit " + file;
    for (const auto& [path, hash] : now) {
      const auto it = locked.find(path);
      if (it == locked.end())
        report(DiagId::kArchContractsLockMismatch, file, obj, p, display(path) + " is a contract the lock does not pin", hint);
      else if (it->second->text != hash)
        report(DiagId::kArchContractsLockMismatch, file, it->second, json_pointer_append(json_pointer_append(p, path), "jcs_sha256_hex"),
               display(path) + " changed: the lock pins " + it->second->text + ", its RFC 8785 form now hashes to " + hash, hint);
    }
    for (const auto& [path, node] : locked)
      if (!now.count(path))
        report(DiagId::kArchContractsLockMismatch, file, node, json_pointer_append(json_pointer_append(p, path), "jcs_sha256_hex"),
               "the lock pins " + display(path) + ", which is no longer one of the contracts (or cannot be read)", hint);
  }

  const ArchCheckOptions& options_;
  ArchCheckResult& result_;
  std::string root_;
  std::string manifest_file_;
  JsonNode manifest_;  // null without a manifest
  bool any_contract_ = false;
  bool budgets_declared_ = false;
  bool check_budget_refs_ = false;
  std::optional<StreamPluginsContract> stream_plugins_;
  std::optional<std::string> budgets_index_;
  std::map<std::string, BudgetProfile> profiles_;
  PluginRegistry embedded_;
  std::map<std::string, std::string> indexes_;  // contract path -> jcs_sha256_hex
  std::map<std::string, std::string> files_;
};

}  // namespace

std::string arch_check_text(const ArchCheckResult& result) {
  std::string out;
  std::size_t errors = 0, warnings = 0;
  for (const Diagnostic& d : result.diagnostics) {
    out += format_text(d) + "\n";
    (d.severity == Severity::kError ? errors : warnings) += 1;
  }
  for (const std::string& n : result.notes) out += "note: " + n + "\n";
  out += "arch check: " + std::to_string(result.plugins) + (result.plugins == 1 ? " plugin" : " plugins") + ", " +
         std::to_string(errors) + (errors == 1 ? " error" : " errors") + ", " + std::to_string(warnings) +
         (warnings == 1 ? " warning" : " warnings") + (errors == 0 ? ": OK" : "") + "\n";
  if (result.lock_written) out += "wrote " + result.lock_path + "\n";
  return out;
}

ArchCheckResult arch_check(const ArchCheckOptions& options) {
  ArchCheckResult result;
  ArchChecker(options, result).run();
  return result;
}

}  // namespace sluice
