// runtime/plugin_host: descriptor validation (117), cfg checks at init (110, 111), the §9.2 emit
// checks, the return-code mapping and P16, and that kind-1 views are the input's own bytes.
#include <doctest/doctest.h>

#include <cstring>

#include "runtime/plugin_host.hpp"

namespace {

using namespace sluice;

std::int32_t ok_init(void*, x07_scratch_v1*, x07_bytes_view_v1, x07_xf_emit_v1, x07_xf_budget_v1) { return 0; }
std::int32_t ok_flush(void*, x07_scratch_v1*, x07_xf_emit_v1, x07_xf_budget_v1) { return 0; }
// Emits the input as a view, and an uppercase copy through an alloc buffer.
std::int32_t view_and_copy(void*, x07_scratch_v1*, x07_bytes_view_v1 in, x07_xf_emit_v1 e, x07_xf_budget_v1) {
  if (std::int32_t rc = e.emit_view(e.emit_ctx, in.ptr, in.len, 1)) return rc;
  x07_out_buf_v1 o{};
  if (std::int32_t rc = e.emit_alloc(e.emit_ctx, in.len, &o)) return rc;
  for (std::uint32_t i = 0; i < in.len; ++i) o.ptr[i] = static_cast<std::uint8_t>(in.ptr[i] - 32);
  o.len = in.len;
  return e.emit_commit(e.emit_ctx, &o);
}
std::int32_t returns_int32_min(void*, x07_scratch_v1*, x07_bytes_view_v1, x07_xf_emit_v1, x07_xf_budget_v1) {
  return INT32_MIN;
}
std::int32_t ignores_emit_error(void*, x07_scratch_v1*, x07_bytes_view_v1, x07_xf_emit_v1 e, x07_xf_budget_v1) {
  x07_out_buf_v1 o{};
  (void)e.emit_alloc(e.emit_ctx, 1000, &o);  // 113, ignored
  return 0;
}

x07_stream_xf_plugin_v1 descriptor(decltype(x07_stream_xf_plugin_v1::step) step) {
  return {X07_XF_ABI_TAG, 1, "t.p_v1", 1, "any", "none", 16, 8, 0, 0, ok_init, step, ok_flush, nullptr};
}

constexpr PluginLimits kLimits{1, 16, 0, 4, 64, 8, 16};

}  // namespace

TEST_CASE("plugin host: kind-1 views are the input bytes themselves and alloc buffers are new bytes") {
  const auto d = descriptor(view_and_copy);
  PluginHost host(&d, kLimits, {}, true);
  REQUIRE(host.init().ok());
  const std::string in = "abc";
  REQUIRE(host.step(ByteView::of(in)).ok());
  REQUIRE(host.outputs().size() == 2);
  CHECK(host.outputs()[0].data == reinterpret_cast<const std::uint8_t*>(in.data()));  // no copy
  CHECK(std::string(host.outputs()[1].as_chars()) == "ABC");
  CHECK(host.committed_bytes() == 3);
}

TEST_CASE("plugin host: descriptor validation gives 117") {
  auto d = descriptor(view_and_copy);
  SUBCASE("tag") { d.abi_tag = 0; }
  SUBCASE("version") { d.abi_version = 2; }
  SUBCASE("empty id") { d.plugin_id = ""; }
  SUBCASE("no step") { d.step = nullptr; }
  SUBCASE("alignment not a power of two") { d.state_align = 12; }
  SUBCASE("alignment below 8") { d.state_align = 4; }
  SUBCASE("state_size not the registry's") { d.state_size = 8; }
  SUBCASE("scratch_max not the registry's") { d.scratch_max = 1; }
  PluginHost host(&d, kLimits, {}, true);
  CHECK(host.init().ec == 117);
  PluginHost none(nullptr, kLimits, {}, true);
  CHECK(none.init().ec == 117);
}

TEST_CASE("plugin host: cfg too large (110), not canonical (111), return codes, sticky emit errors") {
  const auto d = descriptor(view_and_copy);
  const std::string cfg = "12345";
  CHECK(PluginHost(&d, kLimits, ByteView::of(cfg), true).init().ec == 110);
  CHECK(PluginHost(&d, kLimits, {}, false).init().ec == 111);
  CHECK(plugin_return_code(-5) == 5);
  CHECK(plugin_return_code(7) == 7);
  CHECK(plugin_return_code(INT32_MIN) == 117);
  const auto m = descriptor(returns_int32_min);
  PluginHost h(&m, kLimits, {}, true);
  REQUIRE(h.init().ok());
  CHECK(h.step({}).ec == 117);
  const auto ig = descriptor(ignores_emit_error);
  PluginHost h2(&ig, kLimits, {}, true);
  REQUIRE(h2.init().ok());
  CHECK(h2.step({}).ec == 113);
  CHECK(h2.outputs().empty());
  CHECK(plugin_error_id(114) == ErrId::kXfEmitStepBytesExceeded);
  CHECK(plugin_error_id(118) == ErrId::kXfPluginError);
  CHECK(plugin_payload_p16(1, 2, 3, 4) ==
        std::vector<std::uint8_t>{1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0});
}
