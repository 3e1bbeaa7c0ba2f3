// The set of x07 modules a compile uses, and everything made from them: modules loaded from
// --module files or by module id under a directory (a/b/c.x07.json for a.b.c), their functions
// type-checked, and function names resolved, with the import/export rules of spec x07-modules
// §1.3, to UserFn handles. A Plan keeps its Program alive through Plan::user_fn_owner.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/diagnostics.hpp"
#include "compiler/x07/interp.hpp"
#include "compiler/x07/module.hpp"
#include "compiler/x07/typecheck.hpp"

namespace sluice::x07 {

// A function a host program supplies (CompileOptions::register_native_fn).
struct NativeFnRegistration {
  std::string name;
  UserFnSig sig = UserFnSig::kMap;
  UserFn fn;
};

// The signature of a resolved function, with its brands (spec §12 inference).
struct FnSignature {
  std::vector<Ty> params;
  std::string param_brand;  // of the first param
  std::string item_param_brand;  // of the second param (a par_map mapper's item), "" when none
  Ty result = Ty::kI32;
  std::string result_brand;
};

struct ResolvedFn {
  std::string name;
  UserFn handle;
  FnSignature sig;
};

// Where a reference to a name sits, for diagnostics.
struct RefSite {
  std::string file;
  const JsonNode* node = nullptr;
  std::string pointer;
};

class Program {
 public:
  Program(EvalSettings settings, std::vector<NativeFnRegistration> natives);

  // Adds a module read from a file given explicitly. A second module with the same id is an error.
  const Module* add_module(std::unique_ptr<Module> m, std::vector<Diagnostic>& out);
  [[nodiscard]] const Module* find_module(std::string_view id) const;
  // Loads module `id` from <dir>/a/b/c.x07.json unless it is loaded, then its imports. Quiet
  // when the file does not exist (nullptr): the caller reports where the module was needed.
  const Module* load_by_id(const std::string& id, const std::string& dir, std::vector<Diagnostic>& out);
  // Loads the imports of every loaded module from `dir`, reporting missing ones at the import.
  void load_imports(const std::string& dir, std::vector<Diagnostic>& out);

  // Type-checks every function of every loaded module. Call once, after loading.
  bool compile(std::vector<Diagnostic>& out);

  // A function a pipe refers to (fn_v1, validator). `from` is the module holding the pipe
  // (nullptr for a bare pipe, which sees the exports of every loaded module). Reports and
  // returns nullopt when it does not exist or is not visible.
  std::optional<ResolvedFn> resolve_stage_fn(const std::string& name, const Module* from, const RefSite& at,
                                             std::vector<Diagnostic>& out);
  // A call head inside a body or expression of module `from` (nullptr: the bare pipe).
  std::optional<Callee> resolve_call(const std::string& name, const Module* from, const RefSite& at,
                                     std::vector<Diagnostic>& out);

  // The typed function `name` of a loaded module (fully qualified), or nullptr: a built-in
  // library or host function, or no such function. For analyses of bodies (compiler/lints.cpp).
  [[nodiscard]] const FnIr* find_fn(std::string_view name) const {
    const auto it = fn_by_name_.find(name);
    return it == fn_by_name_.end() ? nullptr : it->second;
  }

  // A run-time argument (docs/expressions.md): `ir`, checked with one unnamed bytes_view local in
  // slot 0, made a function (bytes_view) -> its type named `name`, kept alive by the program.
  UserFn add_run_time_fn(ExprIr ir, std::string name);

  [[nodiscard]] const EvalSettings& settings() const { return *settings_; }
  EvalSettings& settings() { return *settings_; }
  // The directory a bare pipe's modules are looked up in.
  std::string module_dir;
  // The program input (`input`); settings().input views it.
  std::string input_bytes;

 private:
  std::vector<std::unique_ptr<Module>> modules_;
  std::deque<FnIr> fns_;  // stable addresses: calls point at them
  std::map<std::string, FnIr*, std::less<>> fn_by_name_;
  std::deque<FnHandle> handles_;
  std::map<std::string, const FnHandle*, std::less<>> handle_by_name_;
  std::vector<NativeFnRegistration> natives_;
  std::unique_ptr<EvalSettings> settings_;
  bool compiled_ = false;

  const Module* owner_of(std::string_view fn_name) const;
  const FnHandle& handle_for(const FnIr& fn);
};

// "a.b" for "a.b.f": the module a function name belongs to ("" when undotted).
std::string module_of(std::string_view fn_name);
// <dir>/a/b/c.x07.json for a.b.c.
std::string module_path(const std::string& dir, std::string_view module_id);

}  // namespace sluice::x07
