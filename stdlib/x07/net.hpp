// The std.net module of the x07 library (spec x07-modules §5): NetAddrV1, NetCapsV1 and
// NetErrDocV1 codecs, and the TCP calls over the OS adapter runtime/os/tcp_socket.*. Streams and
// listeners are resources of the run (runtime/run_resources.hpp), their handles the resource ids,
// closed when the run ends. Calls that open or use a socket (is_run_time_builtin in the compiler)
// only run while a pipe runs. Both backends call these same functions, and the net sources and
// sinks use the C++ helpers at the end.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "runtime/bytes.hpp"
#include "runtime/os/tcp_socket.hpp"
#include "runtime/run_resources.hpp"

namespace sluice::x07rt {

using NetBuf = std::vector<std::uint8_t>;

// NetErrDocV1 codes (x07-modules §5.4).
inline constexpr std::int32_t kNetPolicyDenied = 1;
inline constexpr std::int32_t kNetInvalidReq = 2;
inline constexpr std::int32_t kNetTimeout = 3;
inline constexpr std::int32_t kNetTooLarge = 4;
inline constexpr std::int32_t kNetDns = 5;
inline constexpr std::int32_t kNetConnect = 6;
inline constexpr std::int32_t kNetTls = 7;
inline constexpr std::int32_t kNetInternal = 8;

// What a 0 in NetCapsV1 means (x07-modules §5.2 "backend default"): caps_default_v1's values.
inline constexpr std::uint32_t kNetDefaultTimeoutMs = 30000;
inline constexpr std::uint32_t kNetDefaultMaxBytes = 1u << 20;

// ---- codecs (pure) ----
NetBuf net_addr_ipv4_v1(std::int32_t a, std::int32_t b, std::int32_t c, std::int32_t d, std::int32_t port);
NetBuf net_addr_ipv6_v1(ByteView ip16, std::int32_t port);
NetBuf net_addr_dns_v1(ByteView name, std::int32_t port);
std::int32_t net_addr_tag_v1(ByteView addr);   // 0 when not a valid NetAddrV1
std::int32_t net_addr_port_v1(ByteView addr);  // -1 when not a valid NetAddrV1
NetBuf net_caps_v1(std::int32_t connect_ms, std::int32_t io_ms, std::int32_t max_read, std::int32_t max_write);
NetBuf net_caps_default_v1();
NetBuf net_err_make_doc_v1(std::int32_t code);
std::int32_t net_err_is_err_doc_v1(ByteView doc);
std::int32_t net_err_code_v1(ByteView doc);  // 0 when not an error doc

// ---- TCP (effectful: open or use a socket of the current run) ----
NetBuf net_tcp_connect_v1(ByteView addr, ByteView caps);
NetBuf net_tcp_listen_v1(ByteView addr, ByteView caps);
NetBuf net_tcp_accept_v1(std::int32_t listener, ByteView caps);
NetBuf net_tcp_stream_read_v1(std::int32_t h, std::int32_t max, ByteView caps);
NetBuf net_tcp_stream_write_v1(std::int32_t h, ByteView data, ByteView caps);
NetBuf net_io_write_all_v1(std::int32_t h, ByteView data, ByteView caps);
NetBuf net_tcp_stream_wait_v1(std::int32_t h, std::int32_t events, std::int32_t timeout_ms);
std::int32_t net_tcp_stream_shutdown_v1(std::int32_t h, std::int32_t how);
std::int32_t net_tcp_stream_close_v1(std::int32_t h);
std::int32_t net_tcp_stream_drop_v1(std::int32_t h);
std::int32_t net_tcp_listener_close_v1(std::int32_t h);
std::int32_t net_tcp_listener_drop_v1(std::int32_t h);
// ---- doc accessors (pure) ----
std::int32_t net_tcp_connect_stream_handle_v1(ByteView doc);  // 0 for an error doc
std::int32_t net_tcp_listen_listener_handle_v1(ByteView doc);
NetBuf net_tcp_listen_bound_addr_v1(ByteView doc);
std::int32_t net_tcp_accept_stream_handle_v1(ByteView doc);
NetBuf net_tcp_accept_peer_addr_v1(ByteView doc);

// ---- for the net sources and sinks ----
struct NetCaps {
  std::uint32_t connect_timeout_ms = 0, io_timeout_ms = 0, max_read_bytes = 0, max_write_bytes = 0;
};
// The pipe's check (spec §6/§8): at least 24 bytes, u32@0 == 1, u32@20 == 0.
bool parse_net_caps(ByteView caps, NetCaps& out);
inline std::uint32_t or_default(std::uint32_t v, std::uint32_t d) { return v == 0 ? d : v; }
// The stream behind handle `h` of this run, or null.
os::TcpStream* net_stream(RunResources& res, std::int32_t h);
// The NetErrDocV1 code for a failure kind.
std::int32_t net_code_of(os::NetFail f);
// The error doc a stage reports for an unusable handle: the reason of this run's last failed
// connect/accept when the handle is 0 (so policy_denied reaches the doc), else invalid_req.
NetBuf net_bad_handle_doc(const RunResources& res, std::int32_t h);
// Connects `addr` with `caps` for a sink that owns the stream: the stream, or null with the error
// doc in `err` (policy, dns, connect, timeout).
std::unique_ptr<os::TcpStream> net_connect_owned(RunResources& res, ByteView addr, const NetCaps& caps, NetBuf& err,
                                                 std::string& message);
// "HOST:PORT" of an address as --allow-host names it; empty for a malformed address.
std::string net_policy_name(ByteView addr);

}  // namespace sluice::x07rt
