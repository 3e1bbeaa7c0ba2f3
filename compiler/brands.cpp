#include "compiler/brands.hpp"

namespace sluice {
namespace {

constexpr std::string_view kNone = "none";

std::string show(const std::string& brand) {
  return brand == kNone ? std::string("unbranded bytes_view") : "bytes_view@" + brand;
}

class BrandWalk {
 public:
  BrandWalk(Plan& plan, FnContext& ctx) : plan_(plan), ctx_(ctx) {}

  void run(const std::vector<std::optional<x07::FnSignature>>& sigs) {
    const bool verify = plan_.cfg.verify_produced_brands_v1 != 0;
    std::string cur = plan_.source.out_brand.empty() ? std::string(kNone) : plan_.source.out_brand;
    std::vector<PlanStage> chain;
    if (verify && cur != kNone) insert(chain, cur, plan_.source.pointer);
    for (std::size_t i = 0; i < plan_.chain.size(); ++i) {
      PlanStage st = std::move(plan_.chain[i]);
      const std::optional<x07::FnSignature>& sig = sigs[i];
      const std::string_view id = st.spec->id;
      const bool is_map = id == "std.stream.xf.map_bytes_v1";
      // Spec §11/§12: a par_map's mapper item param (#2) gives its input brand, its result_brand
      // (on bytes or result_bytes) its output brand, as a claim.
      const bool is_par_map = id.starts_with("std.stream.xf.par_map_stream_");
      std::string req = st.declared_in_brand;
      if (req.empty()) req = is_map && sig && !sig->param_brand.empty() ? sig->param_brand : "any";
      if (st.declared_in_brand.empty() && is_par_map && sig && !sig->item_param_brand.empty()) req = sig->item_param_brand;
      require(chain, req, cur, st.pointer, std::string(id));
      st.in_brand = req == "same" ? cur : req;
      if (st.in_brand == kNone) st.in_brand = "any";
      // Output: explicit (a brand id is a claim), else inferred.
      std::string out = st.declared_out_brand;
      bool claim = !out.empty() && out != "same" && out != kNone;
      if (out.empty()) {
        if (id == "std.stream.xf.require_brand_v1") {
          out = st.arg("brand") ? st.arg("brand")->bytes : std::string(kNone);
        } else if (id == "std.stream.xf.filter_v1" || id == "std.stream.xf.take_v1") {
          out = "same";
        } else if (is_map && sig && !sig->result_brand.empty() && sig->result == x07::Ty::kBytes) {
          out = sig->result_brand;
          claim = true;
        } else if (is_par_map && sig && !sig->result_brand.empty()) {
          out = sig->result_brand;
          claim = true;
        } else {
          out = kNone;
        }
      }
      cur = out == "same" ? cur : out;
      st.out_brand = cur;
      const std::string pointer = st.pointer;
      chain.push_back(std::move(st));
      if (verify && claim) insert(chain, cur, pointer);
    }
    // The sink: absent or any accepts everything; a brand follows the stage rules, and an
    // automatic validator is appended at the end of the chain.
    const std::string sink_req = plan_.sink.declared_in_brand.empty() ? "any" : plan_.sink.declared_in_brand;
    require(chain, sink_req, cur, plan_.sink.pointer, std::string(plan_.sink.spec->id));
    plan_.sink.in_brand = sink_req;
    plan_.chain = std::move(chain);
  }

 private:
  Plan& plan_;
  FnContext& ctx_;

  // Checks `req` against the edge brand `cur`, inserting a validator when allowed.
  void require(std::vector<PlanStage>& chain, const std::string& req, std::string& cur, const std::string& pointer,
               const std::string& stage) {
    if (req == "any") return;
    if (req == "same") {
      if (cur == kNone)
        ctx_.report(DiagId::kBrandRequired, pointer,
                    stage + " requires branded items (in_item_brand \"same\"), got unbranded bytes_view",
                    "put a std.stream.xf.require_brand_v1 before it, or drop in_item_brand");
      return;
    }
    if (cur == req) return;
    if (cur != kNone) {
      ctx_.report(DiagId::kBrandMismatch, pointer, stage + ": expected " + show(req) + ", got " + show(cur),
                  "the items here carry brand " + cur + "; convert them with a map, or fix the brand");
      return;
    }
    if (plan_.cfg.auto_require_brand_v1 == 0) {
      ctx_.report(DiagId::kBrandRequired, pointer, stage + ": expected " + show(req) + ", got unbranded bytes_view",
                  "insert [\"std.stream.xf.require_brand_v1\", [\"brand\", \"" + req +
                      "\"]] before it, or set [\"auto_require_brand_v1\", 1] in the cfg");
      return;
    }
    if (!ctx_.registry_validator(req)) {
      if (ctx_.registry_known()) ctx_.report(DiagId::kBrandRequired, pointer,
                  stage + ": expected " + show(req) + ", got unbranded bytes_view, and auto_require_brand_v1 cannot insert a validator: "
                          "missing meta.brands_v1.validate for " + req,
                  "add {\"" + req + "\": {\"validate\": \"<fn>\"}} to meta.brands_v1 of the registry module");
      return;
    }
    insert(chain, req, pointer);
    cur = req;
  }

  // A require_brand_v1(brand, registry validator, max_item_bytes 0) at the end of `chain`.
  void insert(std::vector<PlanStage>& chain, const std::string& brand, const std::string& pointer) {
    PlanStage st;
    st.spec = find_stage("std.stream.xf.require_brand_v1");
    st.inserted = true;
    st.pointer = pointer;  // the stage that asked for it
    st.in_brand = "any";
    st.out_brand = brand;
    const auto validator = ctx_.registry_validator(brand);
    if (!validator) {
      if (ctx_.registry_known()) ctx_.report(DiagId::kBrandRegistryMissing, pointer,
                  "verify_produced_brands_v1 needs a validator for brand " + brand + ", and the brand registry has no entry for it",
                  "add {\"" + brand + "\": {\"validate\": \"<fn>\"}} to meta.brands_v1 of the registry module");
      return;
    }
    st.args.push_back(PlanArg{"brand", ArgValue{ArgValue::Kind::kWord, 0, brand}, false});
    st.args.push_back(PlanArg{"validator", ArgValue{ArgValue::Kind::kWord, 0, *validator}, false});
    st.args.push_back(PlanArg{"max_item_bytes", ArgValue{ArgValue::Kind::kInt, 0, {}}, true});
    if (const auto fn = ctx_.resolve(*validator, pointer))
      if (ctx_.check_validator(*fn, brand, pointer)) st.fn = fn->handle;
    plan_.uses_user_functions = true;
    chain.push_back(std::move(st));
  }
};

}  // namespace

void type_brands(Plan& plan, const std::vector<std::optional<x07::FnSignature>>& sigs, FnContext& ctx) {
  if (plan.cfg.typecheck_item_brands_v1 == 0) return;
  BrandWalk(plan, ctx).run(sigs);
}

}  // namespace sluice
