#include "runtime/codes.hpp"

#include <array>

namespace sluice {
namespace {

struct ErrRow {
  std::uint32_t code;
  std::string_view message;  // with the "stream:" prefix
  std::string_view name;
};

constexpr std::array kErrRows = {
#define SLUICE_ERR(ident, code, msg) ErrRow{code, "stream:" msg, #ident},
#define SLUICE_TRAP(ident, msg)
#include "runtime/codes.def"
#undef SLUICE_ERR
#undef SLUICE_TRAP
};

constexpr std::array<std::string_view, 0
#define SLUICE_ERR(ident, code, msg)
#define SLUICE_TRAP(ident, msg) +1
#include "runtime/codes.def"
#undef SLUICE_ERR
#undef SLUICE_TRAP
                     >
    kTrapRows = {
#define SLUICE_ERR(ident, code, msg)
#define SLUICE_TRAP(ident, msg) "trap:" msg,
#include "runtime/codes.def"
#undef SLUICE_ERR
#undef SLUICE_TRAP
};

constexpr std::string_view kPrefix = "stream:";

}  // namespace

std::uint32_t err_code(ErrId id) { return kErrRows[static_cast<std::size_t>(id)].code; }
std::string_view err_message(ErrId id) { return kErrRows[static_cast<std::size_t>(id)].message; }
std::string_view err_message_id(ErrId id) { return err_message(id).substr(kPrefix.size()); }
std::string_view err_name(ErrId id) { return kErrRows[static_cast<std::size_t>(id)].name; }
std::size_t err_count() { return kErrRows.size(); }
ErrId err_at(std::size_t index) { return static_cast<ErrId>(index); }

std::optional<ErrId> err_by_message(std::string_view full_message) {
  for (std::size_t i = 0; i < kErrRows.size(); ++i)
    if (kErrRows[i].message == full_message) return static_cast<ErrId>(i);
  return std::nullopt;
}

std::string_view trap_message_id(TrapId id) { return kTrapRows[static_cast<std::size_t>(id)]; }

}  // namespace sluice
