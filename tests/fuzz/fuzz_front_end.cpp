// Fuzz target: any bytes as a pipe descriptor. The front end must answer with a plan or
// diagnostics, never crash, hang or throw; a plan that comes out must print and emit C++.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "compiler/emit_cpp.hpp"
#include "compiler/front_end.hpp"
#include "compiler/plan_print.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  sluice::CompileOptions options;
  options.world = sluice::World::kSolveFs;
  const sluice::CompileResult r = sluice::compile_pipe_text(text, "fuzz.json", options);
  if (r.plan) {
    (void)sluice::plan_to_text(*r.plan);
    (void)sluice::plan_to_json(*r.plan);
    std::string error;
    (void)sluice::emit_cpp(*r.plan, sluice::EmitOptions{}, error);
  }
  return 0;
}
