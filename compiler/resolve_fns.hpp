// The function-resolution pass: every std.stream.fn_v1 and require_brand_v1 validator of a plan
// resolved (module defn, built-in library, host native) to a UserFn handle, its signature checked
// against what the stage needs (spec x07-modules §7.1, x07-pipes §7.9), and the brand registry the
// pipe uses (meta.brands_v1 of the pipe's module or of brand_registry_ref_v1). Private to compiler/.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "compiler/diagnostics.hpp"
#include "compiler/json_source.hpp"
#include "compiler/x07/program.hpp"
#include "stdlib/plan.hpp"

namespace sluice {

// What the resolution and brand passes share: the program, where the pipe sits (to turn a stage
// pointer into line:column), and the registry.
class FnContext {
 public:
  FnContext(x07::Program& program, const x07::Module* from, std::string file, const JsonNode& pipe_root,
            std::string base_pointer, std::vector<Diagnostic>& out)
      : program_(program), from_(from), file_(std::move(file)), root_(pipe_root), base_(std::move(base_pointer)), out_(out) {}

  // `pointer` is relative to the pipe descriptor (as in PlanStage::pointer).
  void report(DiagId id, const std::string& pointer, std::string message, std::string hint = {});
  std::optional<x07::ResolvedFn> resolve(const std::string& name, const std::string& pointer);
  // Loads the registry: brand_registry_ref_v1's module, else the pipe's own module.
  void load_registry(const PlanCfg& cfg);
  // The registry's validator for `brand`, if any. An unknown brand_registry_ref_v1 module is
  // reported here, once, at the cfg: only a pipe that needs the registry fails for it.
  [[nodiscard]] std::optional<std::string> registry_validator(const std::string& brand);
  // A validator must be (bytes_view) -> result_i32 without brands; reports E_PIPE_BRAND_VALIDATOR_SIG.
  bool check_validator(const x07::ResolvedFn& fn, const std::string& brand, const std::string& pointer);
  [[nodiscard]] bool registry_known() const { return registry_known_; }

 private:
  x07::Program& program_;
  const x07::Module* from_;
  std::string file_;
  const JsonNode& root_;
  std::string base_;
  std::vector<Diagnostic>& out_;
  std::map<std::string, std::string> registry_;  // brand -> validator
  std::string registry_ref_;                    // brand_registry_ref_v1, when given
  bool registry_known_ = true;   // false: brand_registry_ref_v1 names a module that is not found
  bool unknown_ref_reported_ = false;
};

// Resolves the plan's stage functions; sets PlanStage::fn and Plan::uses_user_functions, and
// returns the signature of each chain stage's function (nullopt for stages without one).
std::vector<std::optional<x07::FnSignature>> resolve_fns(Plan& plan, FnContext& ctx);

}  // namespace sluice
