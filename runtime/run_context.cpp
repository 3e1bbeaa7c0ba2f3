#include "runtime/run_context.hpp"

namespace sluice {

Flow RunContext::fail(ErrId id, ByteView payload) { return fail_with_code(sluice::err_code(id), id, payload); }

Flow RunContext::fail_with_code(std::uint32_t code, ErrId message, ByteView payload) {
  if (status_ != RunStatus::kOk) return Flow::kHalt;
  status_ = RunStatus::kErr;
  code_ = code;
  err_id_ = message;
  payload_.assign(payload.begin(), payload.end());
  return Flow::kHalt;
}

Flow RunContext::override_failure(ErrId id, ByteView payload) {
  status_ = RunStatus::kOk;
  detail_.clear();
  return fail(id, payload);
}

Flow RunContext::trap(TrapId id, std::string detail) {
  if (status_ != RunStatus::kOk) return Flow::kHalt;
  status_ = RunStatus::kTrap;
  trap_id_ = id;
  detail_ = std::move(detail);
  return Flow::kHalt;
}

std::vector<std::uint8_t> u32_payload(std::initializer_list<std::uint32_t> words) {
  std::vector<std::uint8_t> out(words.size() * 4);
  std::size_t i = 0;
  for (std::uint32_t w : words) store_u32le(out.data() + 4 * i++, w);
  return out;
}

}  // namespace sluice
