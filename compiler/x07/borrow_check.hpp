// The borrow checker of x07 bodies and expressions (spec x07-modules §2.4, §2.9): a pass over
// the typed tree (ir.hpp), run after type checking, that proves no bytes_view is used after the
// bytes or vec_u8 it borrows was moved, set, changed in place, bound again by a loop, or went out
// of scope. Each violation is a compile error (E_PIPE_X07_BORROW) at the change, naming where
// the view was taken and where it is used. Private to compiler/.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/diagnostics.hpp"
#include "compiler/json_source.hpp"
#include "compiler/x07/ir.hpp"

namespace sluice::x07 {

struct BorrowInput {
  const Node* body = nullptr;
  std::uint32_t nslots = 0;
  // Names of the slots bound before the body runs (params, or an expression's locals).
  std::vector<std::string> bound_names;
  const JsonNode* root = nullptr;  // the JSON `body` is made from, for JSON pointers
  std::string root_pointer;
  std::string file;
};

// Reports every violation to `out`; false when there was one.
bool borrow_check(const BorrowInput& in, std::vector<Diagnostic>* out);

}  // namespace sluice::x07
