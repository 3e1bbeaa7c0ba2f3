// The elaboration pass: a checked descriptor (no errors) becomes the Plan the backends run, with
// the cfg's derived max_steps, every stage argument resolved (defaults and derived defaults filled
// in) and the item brand on every edge. Private to compiler/.
#pragma once

#include <string_view>

#include "compiler/check_descriptor.hpp"
#include "runtime/world.hpp"
#include "stdlib/plan.hpp"

namespace sluice {

// Precondition: check_descriptor reported no error for `pipe`.
Plan elaborate(const CheckedPipe& pipe, World world, std::string_view file);

}  // namespace sluice
