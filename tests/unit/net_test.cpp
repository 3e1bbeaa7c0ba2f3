// Tests of stdlib/x07/net: the exact NetAddrV1, NetCapsV1 and NetErrDocV1 bytes of x07-modules §5
// (the spec's own hex), invalid codec arguments giving empty bytes, the doc accessors, and the
// TCP calls over a real loopback listener in the run's resource table: listen on port 0, connect,
// accept, write_all, read, shutdown, close, and the sandbox policy (policy_denied, code 1).
#include <doctest/doctest.h>

#include <string>

#include "runtime/run_resources.hpp"
#include "stdlib/x07/net.hpp"

using namespace sluice;
using namespace sluice::x07rt;

namespace {

std::string hex(const NetBuf& b) {
  static constexpr char d[] = "0123456789abcdef";
  std::string out;
  for (const std::uint8_t c : b) {
    out += d[c >> 4];
    out += d[c & 15];
  }
  return out;
}
ByteView view(const NetBuf& b) { return {b.data(), static_cast<std::uint32_t>(b.size())}; }

}  // namespace

TEST_CASE("net codec: NetAddrV1, NetCapsV1 and NetErrDocV1 bytes of x07-modules §5") {
  CHECK(hex(net_addr_ipv4_v1(127, 0, 0, 1, 1234)) == "0100000001000000d20400007f000001");
  CHECK(net_addr_ipv4_v1(256, 0, 0, 1, 1).empty());
  CHECK(net_addr_ipv4_v1(127, 0, 0, 1, 65536).empty());
  CHECK(net_addr_ipv4_v1(-1, 0, 0, 1, 1).empty());
  const NetBuf dns = net_addr_dns_v1(ByteView::of("localhost"), 80);
  CHECK(hex(dns) == "010000000300000050000000090000006c6f63616c686f7374");
  CHECK(net_addr_dns_v1(ByteView::of(""), 80).empty());
  CHECK(net_addr_tag_v1(view(dns)) == 3);
  CHECK(net_addr_port_v1(view(dns)) == 80);
  const std::uint8_t ip6[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  const NetBuf a6 = net_addr_ipv6_v1(ByteView(ip6, 16), 8080);
  CHECK(a6.size() == 28);
  CHECK(net_addr_tag_v1(view(a6)) == 2);
  CHECK(net_addr_port_v1(view(a6)) == 8080);
  CHECK(net_policy_name(view(a6)) == "[0:0:0:0:0:0:0:1]:8080");
  CHECK(net_policy_name(view(net_addr_ipv4_v1(127, 0, 0, 1, 1234))) == "127.0.0.1:1234");
  CHECK(net_addr_tag_v1(ByteView::of("short")) == 0);
  CHECK(hex(net_caps_default_v1()) == "010000003075000030750000000010000000100000000000");
  CHECK(hex(net_caps_v1(-5, 1, 2, 3)) == "010000000000000001000000020000000300000000000000");
  CHECK(hex(net_err_make_doc_v1(3)) == "000300000000000000");
  CHECK(net_err_is_err_doc_v1(ByteView()) == 0);
  CHECK(net_err_is_err_doc_v1(view(net_err_make_doc_v1(3))) == 1);
  CHECK(net_err_code_v1(view(net_err_make_doc_v1(7))) == 7);
  NetCaps caps;
  CHECK(parse_net_caps(view(net_caps_default_v1()), caps));
  CHECK(caps.max_write_bytes == (1u << 20));
  NetBuf bad = net_caps_default_v1();
  bad[20] = 1;  // reserved must be 0
  CHECK_FALSE(parse_net_caps(view(bad), caps));
  CHECK_FALSE(parse_net_caps(ByteView(bad.data(), 23), caps));
}

TEST_CASE("net tcp: listen on port 0, connect, accept, write_all, read, shutdown, close (loopback)") {
  RunResources res;
  RunResourcesScope scope(&res);
  const NetBuf caps = net_caps_v1(5000, 5000, 0, 0);
  const NetBuf ldoc = net_tcp_listen_v1(view(net_addr_ipv4_v1(127, 0, 0, 1, 0)), view(caps));
  REQUIRE(net_err_is_err_doc_v1(view(ldoc)) == 0);
  const std::int32_t lh = net_tcp_listen_listener_handle_v1(view(ldoc));
  REQUIRE(lh > 0);
  const NetBuf bound = net_tcp_listen_bound_addr_v1(view(ldoc));
  const std::int32_t port = net_addr_port_v1(view(bound));
  CHECK(port > 0);
  const NetBuf cdoc = net_tcp_connect_v1(view(net_addr_ipv4_v1(127, 0, 0, 1, port)), view(caps));
  REQUIRE(cdoc.size() == 8);
  const std::int32_t ch = net_tcp_connect_stream_handle_v1(view(cdoc));
  const NetBuf adoc = net_tcp_accept_v1(lh, view(caps));
  const std::int32_t sh = net_tcp_accept_stream_handle_v1(view(adoc));
  REQUIRE(ch > 0);
  REQUIRE(sh > 0);
  CHECK(net_addr_tag_v1(view(net_tcp_accept_peer_addr_v1(view(adoc)))) == 1);
  CHECK(hex(net_io_write_all_v1(ch, ByteView::of("abc"), view(caps))) == "0101000003000000");
  CHECK(hex(net_io_write_all_v1(ch, ByteView(), view(caps))) == "0101000000000000");
  CHECK(net_tcp_stream_shutdown_v1(ch, 1) == 1);
  CHECK(hex(net_tcp_stream_read_v1(sh, 10, view(caps))) == "0101000003000000616263");
  CHECK(hex(net_tcp_stream_read_v1(sh, 10, view(caps))) == "0101000000000000");  // the peer shut its write side
  CHECK(net_tcp_stream_close_v1(ch) == 1);
  CHECK(net_tcp_stream_close_v1(ch) == 0);
  CHECK(net_tcp_stream_drop_v1(ch) == 1);
  CHECK(net_tcp_stream_drop_v1(ch) == 1);  // idempotent
  CHECK(net_err_code_v1(view(net_tcp_stream_read_v1(ch, 10, view(caps)))) == kNetInvalidReq);
  // A read that waits longer than io_timeout_ms gives the timeout doc of the spec's example.
  const NetBuf short_caps = net_caps_v1(5000, 50, 0, 0);
  const NetBuf c2 = net_tcp_connect_v1(view(net_addr_ipv4_v1(127, 0, 0, 1, port)), view(caps));
  const std::int32_t s2 = net_tcp_accept_stream_handle_v1(view(net_tcp_accept_v1(lh, view(caps))));
  REQUIRE(s2 > 0);
  CHECK(hex(net_tcp_stream_read_v1(s2, 10, view(short_caps))) == "000300000000000000");
  CHECK(net_tcp_listener_close_v1(lh) == 1);
  CHECK(net_tcp_listener_drop_v1(lh) == 1);
  CHECK(c2.size() == 8);
}

TEST_CASE("net policy: run-os-sandboxed denies connects and listens unless allowed") {
  RunResources res;
  res.net_policy.sandboxed = true;
  RunResourcesScope scope(&res);
  const NetBuf caps = net_caps_default_v1();
  CHECK(hex(net_tcp_connect_v1(view(net_addr_ipv4_v1(127, 0, 0, 1, 9)), view(caps))) == "000100000000000000");
  CHECK(res.last_net_error == kNetPolicyDenied);
  CHECK(hex(net_bad_handle_doc(res, 0)) == "000100000000000000");
  CHECK(hex(net_tcp_listen_v1(view(net_addr_ipv4_v1(127, 0, 0, 1, 0)), view(caps))) == "000100000000000000");
  res.net_policy.allow_listen = {"127.0.0.1:0"};
  CHECK(net_tcp_listen_listener_handle_v1(view(net_tcp_listen_v1(view(net_addr_ipv4_v1(127, 0, 0, 1, 0)), view(caps)))) > 0);
  // Outside a run nothing connects.
  RunResourcesScope none(nullptr);
  CHECK(net_err_code_v1(view(net_tcp_connect_v1(view(net_addr_ipv4_v1(127, 0, 0, 1, 9)), view(caps)))) == kNetInvalidReq);
}
