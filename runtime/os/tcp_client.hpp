// One TCP request/response exchange, for `sluice rr record --tcp`: connect, send the request,
// half-close, read the response until the peer closes. Every step is bounded by a deadline and
// the response by a byte limit. This is the OS adapter for client sockets.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sluice {

struct TcpExchange {
  bool ok = false;
  std::string response;
  std::string error;  // what failed, in words (connect refused, timed out, response too large, ...)
};

// host: a name or a numeric IPv4/IPv6 address; the whole exchange must end within timeout_ms.
TcpExchange tcp_exchange(const std::string& host, std::uint16_t port, std::string_view request,
                         std::uint32_t timeout_ms, std::uint64_t max_response_bytes);

}  // namespace sluice
