#include "compiler/rr_scope.hpp"

#include <algorithm>
#include <array>
#include <filesystem>

#include "compiler/toolchain.hpp"
#include "runtime/os/rr_cassette.hpp"
#include "runtime/rr_host.hpp"

namespace sluice {
namespace {

constexpr std::string_view kWithPolicy = "std.rr.with_policy_v1";
constexpr std::string_view kWith = "std.rr.with_v1";
constexpr std::string_view kIndexSchema = "x07.arch.rr.index@0.1.0";
constexpr std::string_view kPolicySchema = "x07.arch.rr.policy@0.1.0";

// X07's names of the session modes, by their X7RC number: what record_modes_allowed lists.
constexpr std::array<std::string_view, 5> kModeNames{"off", "record_v1", "replay_v1", "record_missing_v1", "rewrite_v1"};

const JsonNode* member(const JsonNode& obj, std::string_view key) {
  for (const JsonMember& m : obj.members)
    if (m.key == key) return &m.value;
  return nullptr;
}

// Reports problems of the arch/rr files at their own file:line:column.
struct FileReporter {
  std::string file;
  std::vector<Diagnostic>& out;
  void at(const JsonNode& n, const std::string& pointer, const std::string& message) const {
    out.push_back(make_diagnostic(DiagId::kRrPolicy, file, n.pos.line, n.pos.column, pointer, message));
  }
  void whole(const std::string& message) const { out.push_back(make_diagnostic(DiagId::kRrPolicy, file, 0, 0, "", message)); }
};

// The parsed file, or nullopt after reporting that it cannot be read or is not JSON.
std::optional<JsonNode> read_json_file(const FileReporter& r, std::string_view what) {
  const std::optional<std::string> text = read_whole(r.file);
  if (!text) {
    r.whole("cannot read the " + std::string(what));
    return std::nullopt;
  }
  JsonParseResult parsed = parse_json(*text);
  if (parsed.error) {
    r.out.push_back(make_diagnostic(DiagId::kRrPolicy, r.file, parsed.error->pos.line, parsed.error->pos.column, "",
                                    "the " + std::string(what) + " is not valid JSON: " + parsed.error->message));
    return std::nullopt;
  }
  if (parsed.root->kind != JsonKind::kObject) {
    r.at(*parsed.root, "", "the " + std::string(what) + " must be a JSON object");
    return std::nullopt;
  }
  return std::move(parsed.root);
}

bool schema_is(const FileReporter& r, const JsonNode& root, std::string_view want) {
  const JsonNode* sv = member(root, "schema_version");
  if (sv != nullptr && sv->is_string() && sv->text == want) return true;
  if (sv == nullptr)
    r.at(root, "", "schema_version is missing (expected " + json_quote(want) + ")");
  else
    r.at(*sv, "/schema_version", "schema_version must be " + json_quote(want) + ", found " + describe_json(*sv));
  return false;
}

// The string of ["bytes.lit", S] (X07 requires the literal form here: the cfg is made at compile time).
const JsonNode* bytes_lit(const JsonNode& n) {
  return n.is_form("bytes.lit") && n.items.size() == 2 && n.items[1].is_string() ? &n.items[1] : nullptr;
}

}  // namespace

bool is_rr_scope(const JsonNode& node) { return node.is_form(kWithPolicy) || node.is_form(kWith); }

const JsonNode* rr_scope_body(const JsonNode& scope) {
  const std::size_t want = scope.is_form(kWithPolicy) ? 5 : 3;
  return scope.items.size() == want ? &scope.items.back() : nullptr;
}

bool rr_scope_shape_ok(const JsonNode& scope, const RrScopeSite& site, std::vector<Diagnostic>& diags) {
  const std::string head = scope.items[0].text;
  if (rr_scope_body(scope) == nullptr) {
    diags.push_back(make_diagnostic(DiagId::kArity, site.file, scope.pos.line, scope.pos.column, site.pointer,
                                    head + " takes " +
                                        (head == kWithPolicy ? "a policy id, a cassette path, a mode and a body"
                                                             : "a cfg and a body") +
                                        "; found " + std::to_string(scope.items.size() - 1) + " argument(s)"));
    return false;
  }
  if (!world_allows_rr(site.world)) {
    diags.push_back(make_diagnostic(DiagId::kWorld, site.file, scope.pos.line, scope.pos.column, site.pointer,
                                    head + " opens a record/replay session, which the world " +
                                        std::string(world_name(site.world)) + " does not allow",
                                    "choose --world solve-rr, solve-full, run-os or run-os-sandboxed"));
    return false;
  }
  return true;
}

std::optional<std::vector<std::uint8_t>> rr_policy_cfg(const JsonNode& scope, const RrScopeSite& site,
                                                       const std::string& arch_root, std::vector<Diagnostic>& diags) {
  if (!rr_scope_shape_ok(scope, site, diags)) return std::nullopt;
  const auto bad_arg = [&](std::size_t i, const std::string& message) {
    const JsonNode& a = scope.items[i];
    diags.push_back(make_diagnostic(DiagId::kRrScope, site.file, a.pos.line, a.pos.column,
                                    site.pointer + "/" + std::to_string(i), message));
    return std::nullopt;
  };
  const auto bad_shape = [&](std::size_t i, const std::string& message) {
    return bad_arg(i, message + "; found " + describe_json(scope.items[i]));
  };
  const JsonNode* policy_id = bytes_lit(scope.items[1]);
  if (policy_id == nullptr) return bad_shape(1, "the policy id must be [\"bytes.lit\", ID]");
  const JsonNode* path = bytes_lit(scope.items[2]);
  if (path == nullptr) return bad_shape(2, "the cassette path must be [\"bytes.lit\", PATH]");
  const JsonNode& mode_node = scope.items[3];
  if (!mode_node.is_form("i32.lit") || mode_node.items.size() != 2 || !mode_node.items[1].is_integer() ||
      !mode_node.items[1].fits_i64 || mode_node.items[1].i64 < 0 ||
      mode_node.items[1].i64 >= static_cast<std::int64_t>(kModeNames.size()))
    return bad_shape(3, "the mode must be [\"i32.lit\", M] with M one of 0 off, 1 record, 2 replay, 3 record_missing, 4 rewrite");
  const auto mode = static_cast<std::size_t>(mode_node.items[1].i64);

  const std::filesystem::path root(arch_root);
  const FileReporter index_r{(root / "arch/rr/index.x07rr.json").string(), diags};
  const std::optional<JsonNode> index = read_json_file(index_r, "rr index (x07.arch.rr.index@0.1.0)");
  if (!index || !schema_is(index_r, *index, kIndexSchema)) return std::nullopt;

  // The modes a with_policy_v1 may open: defaults.record_modes_allowed, replay_v1 alone when
  // absent or empty (X07's default: recording is opted into per repository).
  std::vector<std::string> allowed;
  if (const JsonNode* defaults = member(*index, "defaults"))
    if (const JsonNode* modes = member(*defaults, "record_modes_allowed"); modes != nullptr && modes->is_array())
      for (const JsonNode& m : modes->items)
        if (m.is_string()) allowed.push_back(m.text);
  if (allowed.empty()) allowed.emplace_back("replay_v1");
  if (std::find(allowed.begin(), allowed.end(), kModeNames[mode]) == allowed.end())
    return bad_arg(3, "the mode " + std::string(kModeNames[mode]) + " is not in defaults.record_modes_allowed of " +
                          index_r.file);

  const JsonNode* policies = member(*index, "policies");
  if (policies == nullptr || !policies->is_array()) {
    index_r.at(policies ? *policies : *index, "/policies", "policies must be an array");
    return std::nullopt;
  }
  const JsonNode* policy_path = nullptr;
  std::string policy_pointer;
  for (std::size_t i = 0; i < policies->items.size(); ++i) {
    const JsonNode& p = policies->items[i];
    const JsonNode* id = p.kind == JsonKind::kObject ? member(p, "id") : nullptr;
    if (id == nullptr || !id->is_string() || id->text != policy_id->text) continue;
    policy_path = member(p, "policy_path");
    policy_pointer = "/policies/" + std::to_string(i);
    if (policy_path == nullptr || !policy_path->is_string()) {
      index_r.at(p, policy_pointer, "the policy " + json_quote(policy_id->text) + " has no policy_path string");
      return std::nullopt;
    }
    break;
  }
  if (policy_path == nullptr)
    return bad_arg(1, "the policy " + json_quote(policy_id->text) + " is not in the policies of " + index_r.file);

  const FileReporter policy_r{(root / policy_path->text).string(), diags};
  const std::optional<JsonNode> policy = read_json_file(policy_r, "rr policy (x07.arch.rr.policy@0.1.0)");
  if (!policy || !schema_is(policy_r, *policy, kPolicySchema)) return std::nullopt;
  const JsonNode* id = member(*policy, "id");
  if (id == nullptr || !id->is_string() || id->text != policy_id->text) {
    policy_r.at(id ? *id : *policy, "/id", "the policy's id must be " + json_quote(policy_id->text));
    return std::nullopt;
  }
  // X07 requires match_mode in a policy a with_policy_v1 names (a --rr-policy may leave it out).
  const JsonNode* match = member(*policy, "match_mode");
  if (match == nullptr || !match->is_string() || (match->text != "lookup_v1" && match->text != "transcript_v1")) {
    policy_r.at(match ? *match : *policy, "/match_mode", "match_mode must be \"lookup_v1\" or \"transcript_v1\"");
    return std::nullopt;
  }
  // The budgets, read as --rr-policy reads them (one reader of policy files).
  RrConfig cfg;
  if (std::string why; !read_rr_policy(policy_r.file, cfg, why)) {
    policy_r.whole(why);
    return std::nullopt;
  }
  cfg.mode = static_cast<RrMode>(mode);
  cfg.match = match->text == "lookup_v1" ? RrMatch::kLookup : RrMatch::kTranscript;
  cfg.path = path->text;
  std::vector<std::uint8_t> x7rc = encode_x7rc(cfg);
  // The same checks the session makes when it opens (a safe relative path): report them here,
  // where the path is written, instead of at every run.
  if (RrConfig back; decode_x7rc(ByteView(x7rc.data(), static_cast<std::uint32_t>(x7rc.size())), back) != RrCode::kOk)
    return bad_arg(2, "the cassette path must be a safe relative path under .x07_rr/ (no .., no leading /)");
  return x7rc;
}

std::optional<std::vector<std::uint8_t>> rr_cfg_from_bytes(const JsonNode& scope, const RrScopeSite& site,
                                                           std::vector<std::uint8_t> cfg, std::vector<Diagnostic>& diags) {
  RrConfig decoded;
  if (decode_x7rc(ByteView(cfg.data(), static_cast<std::uint32_t>(cfg.size())), decoded) != RrCode::kOk) {
    const JsonNode& a = scope.items[1];
    diags.push_back(make_diagnostic(DiagId::kRrScope, site.file, a.pos.line, a.pos.column, site.pointer + "/1",
                                    "the cfg is not a valid X7RC session cfg (x07-modules §4.2: the 40-byte header "
                                    "then a safe relative path; " + std::to_string(cfg.size()) + " bytes given)"));
    return std::nullopt;
  }
  return cfg;
}

}  // namespace sluice
