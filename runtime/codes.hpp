// The error and trap identifiers generated from codes.def, with their numbers and names.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace sluice {

enum class ErrId : std::uint8_t {
#define SLUICE_ERR(ident, code, msg) k##ident,
#define SLUICE_TRAP(ident, msg)
#include "runtime/codes.def"
#undef SLUICE_ERR
#undef SLUICE_TRAP
};

enum class TrapId : std::uint8_t {
#define SLUICE_ERR(ident, code, msg)
#define SLUICE_TRAP(ident, msg) k##ident,
#include "runtime/codes.def"
#undef SLUICE_ERR
#undef SLUICE_TRAP
};

// The numeric ERR code written in the doc (several ids share code 1, 2, 9, ...).
std::uint32_t err_code(ErrId id);
// The message id without its "stream:" prefix, e.g. "budget_items".
std::string_view err_message_id(ErrId id);
// The full message written in the doc, e.g. "stream:budget_items".
std::string_view err_message(ErrId id);
// The identifier as written in codes.def, e.g. "BudgetItems".
std::string_view err_name(ErrId id);
std::size_t err_count();
ErrId err_at(std::size_t index);
std::optional<ErrId> err_by_message(std::string_view full_message);

std::string_view trap_message_id(TrapId id);

}  // namespace sluice
