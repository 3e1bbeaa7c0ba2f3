#include "compiler/resolve_fns.hpp"

#include "stdlib/x07/library.hpp"

namespace sluice {
namespace {

std::string sig_text(const x07::FnSignature& s) {
  std::string out = "(";
  for (std::size_t i = 0; i < s.params.size(); ++i) {
    if (i) out += ", ";
    out += x07::ty_name(s.params[i]);
    if (i == 0 && !s.param_brand.empty()) out += "@" + s.param_brand;
    if (i == 1 && !s.item_param_brand.empty()) out += "@" + s.item_param_brand;
  }
  out += ") -> " + std::string(x07::ty_name(s.result));
  if (!s.result_brand.empty()) out += "@" + s.result_brand;
  return out;
}

bool matches(const x07::FnSignature& s, UserFnSig want) {
  using x07::Ty;
  switch (want) {
    case UserFnSig::kMap: return s.params == std::vector<Ty>{Ty::kView} && s.result == Ty::kBytes;
    case UserFnSig::kFilter: return s.params == std::vector<Ty>{Ty::kView} && s.result == Ty::kI32;
    case UserFnSig::kValidator: return s.params == std::vector<Ty>{Ty::kView} && s.result == Ty::kResI32;
    case UserFnSig::kMapInPlace: return s.params == std::vector<Ty>{Ty::kView, Ty::kI32} && s.result == Ty::kResI32;
    case UserFnSig::kParMap: return s.params == std::vector<Ty>{Ty::kView, Ty::kBytes} && s.result == Ty::kBytes;
    case UserFnSig::kParMapResult: return s.params == std::vector<Ty>{Ty::kView, Ty::kBytes} && s.result == Ty::kResBytes;
  }
  return false;
}

std::optional<UserFnSig> stage_sig(std::string_view id) {
  if (id == "std.stream.xf.map_bytes_v1") return UserFnSig::kMap;
  if (id == "std.stream.xf.filter_v1") return UserFnSig::kFilter;
  if (id == "std.stream.xf.map_in_place_buf_v1") return UserFnSig::kMapInPlace;
  if (id == "std.stream.xf.par_map_stream_v1" || id == "std.stream.xf.par_map_stream_unordered_v1") return UserFnSig::kParMap;
  if (id == "std.stream.xf.par_map_stream_result_bytes_v1" || id == "std.stream.xf.par_map_stream_unordered_result_bytes_v1")
    return UserFnSig::kParMapResult;
  return std::nullopt;
}

PlanArg* find_arg(PlanStage& st, std::string_view name) {
  for (PlanArg& a : st.args)
    if (a.name == name) return &a;
  return nullptr;
}

}  // namespace

void FnContext::report(DiagId id, const std::string& pointer, std::string message, std::string hint) {
  const JsonNode* node = json_pointer_find(root_, pointer);
  const int line = node ? node->pos.line : 0;
  const int column = node ? node->pos.column : 0;
  out_.push_back(make_diagnostic(id, file_, line, column, base_ + pointer, std::move(message), std::move(hint)));
}

std::optional<x07::ResolvedFn> FnContext::resolve(const std::string& name, const std::string& pointer) {
  return program_.resolve_stage_fn(name, from_, x07::RefSite{file_, json_pointer_find(root_, pointer), base_ + pointer}, out_);
}

void FnContext::load_registry(const PlanCfg& cfg) {
  if (cfg.brand_registry_ref_v1) {
    const std::string& ref = *cfg.brand_registry_ref_v1;
    registry_ref_ = ref;
    if (x07::is_library_module(ref)) return;  // looked up in library_brand_validator
    const x07::Module* m = program_.load_by_id(ref, program_.module_dir, out_);
    // Reported when a brand is looked up: a pipe that never needs the registry runs as before.
    if (!m) registry_known_ = false;
    if (!m) return;
    for (const auto& [brand, e] : m->brands) registry_[brand] = e.validate;
    return;
  }
  if (from_)
    for (const auto& [brand, e] : from_->brands) registry_[brand] = e.validate;
}

std::optional<std::string> FnContext::registry_validator(const std::string& brand) {
  if (!registry_known_) {
    if (!unknown_ref_reported_)
      report(DiagId::kModuleMissing, "/1", "brand_registry_ref_v1 refers to unknown module_id " + json_quote(registry_ref_),
             "load it with --module FILE or put it at " + x07::module_path(program_.module_dir, registry_ref_));
    unknown_ref_reported_ = true;
    return std::nullopt;
  }
  if (const auto it = registry_.find(brand); it != registry_.end()) return it->second;
  if (const auto lib = x07::library_brand_validator(registry_ref_, brand)) return std::string(*lib);
  return std::nullopt;
}

bool FnContext::check_validator(const x07::ResolvedFn& fn, const std::string& brand, const std::string& pointer) {
  if (matches(fn.sig, UserFnSig::kValidator) && fn.sig.param_brand.empty() && fn.sig.result_brand.empty()) return true;
  report(DiagId::kBrandValidatorSig, pointer,
         "the validator " + fn.name + " of brand " + brand + " must be (bytes_view) -> result_i32 without brands, found " +
             sig_text(fn.sig));
  return false;
}

std::vector<std::optional<x07::FnSignature>> resolve_fns(Plan& plan, FnContext& ctx) {
  std::vector<std::optional<x07::FnSignature>> sigs(plan.chain.size());
  ctx.load_registry(plan.cfg);
  for (std::size_t i = 0; i < plan.chain.size(); ++i) {
    PlanStage& st = plan.chain[i];
    if (!st.spec->calls_user_fn) continue;
    plan.uses_user_functions = true;
    if (st.spec->id == "std.stream.xf.require_brand_v1") {
      const std::string brand = st.arg("brand") ? st.arg("brand")->bytes : std::string();
      PlanArg* v = find_arg(st, "validator");
      if (v && v->value.bytes.empty()) {
        const auto reg = ctx.registry_validator(brand);
        if (!reg) {
          if (ctx.registry_known())
            ctx.report(DiagId::kBrandRegistryMissing, st.pointer,
                       "require_brand_v1 for brand " + brand + " has no validator and the brand registry has no entry for " + brand,
                       "add [\"validator\", \"<fn>\"], or meta.brands_v1 {\"" + brand + "\": {\"validate\": \"<fn>\"}} to the registry module");
          continue;
        }
        v->value.bytes = *reg;
      }
      if (!v) continue;
      if (auto fn = ctx.resolve(v->value.bytes, st.pointer)) {
        if (ctx.check_validator(*fn, brand, st.pointer)) st.fn = fn->handle;
        sigs[i] = fn->sig;
      }
      continue;
    }
    const auto want = stage_sig(st.spec->id);
    const bool mapper = want == UserFnSig::kParMap || want == UserFnSig::kParMapResult;
    const ArgValue* name = st.arg(mapper ? "mapper_defasync" : "fn");
    if (!want || !name) continue;
    const auto fn = ctx.resolve(name->bytes, st.pointer);
    if (!fn) continue;
    // A mapper runs on worker threads with its own frames: it must be an x07 function (defn or
    // defasync), whose calls are thread-safe, not a library or host function.
    if (mapper && x07::x07_handle_of(fn->handle) == nullptr) {
      ctx.report(DiagId::kFnSig, st.pointer,
                 std::string(st.spec->id) + " needs an x07 function (defn or defasync) " +
                     std::string(user_fn_sig_text(*want)) + "; " + fn->name + " is a built-in or host function");
      continue;
    }
    if (!matches(fn->sig, *want)) {
      ctx.report(DiagId::kFnSig, st.pointer,
                 std::string(st.spec->id) + " needs a function " + std::string(user_fn_sig_text(*want)) + "; " + fn->name +
                     " is " + sig_text(fn->sig));
      continue;
    }
    st.fn = fn->handle;
    sigs[i] = fn->sig;
  }
  return sigs;
}

}  // namespace sluice
