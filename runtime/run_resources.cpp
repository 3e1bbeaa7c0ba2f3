#include "runtime/run_resources.hpp"

namespace sluice {
namespace {
thread_local RunResources* g_current = nullptr;
}  // namespace

RunResources* current_run_resources() { return g_current; }

RunResourcesScope::RunResourcesScope(RunResources* r) : prev_(g_current) { g_current = r; }
RunResourcesScope::~RunResourcesScope() { g_current = prev_; }

}  // namespace sluice
