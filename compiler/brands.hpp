// The item-brand pass (spec x07-pipes §12): walks the elaborated chain with the brand of the
// current edge, checks every stage's required input brand (explicit, or inferred from a map
// function's param brand), inserts require_brand_v1 stages for auto_require_brand_v1 and
// verify_produced_brands_v1 (marked `inserted`), and reports E_PIPE_BRAND_MISMATCH /
// E_PIPE_BRAND_REQUIRED / E_PIPE_BRAND_REGISTRY_MISSING at the stage that is wrong. Brands never
// exist at run time. Private to compiler/.
#pragma once

#include <optional>
#include <vector>

#include "compiler/resolve_fns.hpp"
#include "stdlib/plan.hpp"

namespace sluice {

// `sigs` is resolve_fns' result for the chain as elaborated.
void type_brands(Plan& plan, const std::vector<std::optional<x07::FnSignature>>& sigs, FnContext& ctx);

}  // namespace sluice
