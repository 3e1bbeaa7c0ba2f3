// The OS adapter for TCP streams and listeners (std.net.tcp, the net sources and sinks): connect
// with a deadline, listen, accept, reads and writes bounded by a timeout, shutdown. The only file
// that includes the socket headers; callers see file descriptors wrapped in move-only objects and
// failures as a NetFail kind (the NetErrDocV1 code they become) plus a sentence.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace sluice::os {

// What went wrong, in NetErrDocV1 terms (x07-modules §5.4): the caller maps it to the code.
enum class NetFail : std::uint8_t {
  kNone,
  kTimeout,   // 3: the deadline passed first
  kDns,       // 5: the name did not resolve
  kConnect,   // 6: refused, unreachable, reset, broken pipe: the connection is gone
  kInternal,  // 8: anything else the kernel said
};

// Where to connect or listen: a numeric address (4 or 16 bytes) or a name, and a port.
struct NetEndpoint {
  std::uint32_t tag = 1;            // 1 ipv4, 2 ipv6, 3 dns (NetAddrV1's tags)
  std::uint8_t ip[16] = {};         // tag 1: ip[0..3]; tag 2: all 16
  std::string name;                 // tag 3
  std::uint16_t port = 0;
};

// The outcome of one I/O call: bytes moved (0 on a read = the peer closed), or a failure.
struct NetIo {
  std::int64_t n = 0;  // >= 0 on success
  NetFail fail = NetFail::kNone;
  int err_no = 0;
};

class TcpStream {
 public:
  TcpStream() = default;
  explicit TcpStream(int fd) : fd_(fd) {}
  TcpStream(TcpStream&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  TcpStream& operator=(TcpStream&& o) noexcept;
  TcpStream(const TcpStream&) = delete;
  TcpStream& operator=(const TcpStream&) = delete;
  ~TcpStream() { close(); }

  // Connects within timeout_ms (trying each resolved address in turn). Invalid on failure, with
  // `fail`/`error` set.
  static TcpStream connect(const NetEndpoint& ep, std::uint32_t timeout_ms, NetFail& fail, std::string& error);

  [[nodiscard]] bool valid() const { return fd_ >= 0; }
  // One read of at most `max` bytes into `buf`, waiting up to timeout_ms for data.
  NetIo read(std::uint8_t* buf, std::size_t max, std::uint32_t timeout_ms);
  // Writes all of `parts` (gathered by the kernel: writev, no copy here), each wait for room
  // bounded by timeout_ms. n = bytes written (all of them on success).
  NetIo write_all(const std::uint8_t* const* data, const std::size_t* len, std::size_t parts, std::uint32_t timeout_ms);
  NetIo write_all(const std::uint8_t* data, std::size_t len, std::uint32_t timeout_ms) {
    return write_all(&data, &len, 1, timeout_ms);
  }
  // One write call (at most len bytes), waiting up to timeout_ms for room.
  NetIo write_some(const std::uint8_t* data, std::size_t len, std::uint32_t timeout_ms);
  // how: 0 read, 1 write, 2 both. False if the kernel refused (e.g. not connected).
  bool shutdown(int how);
  void close();
  // Events that are ready now or within timeout_ms: 1 readable, 2 writable, 4 hangup.
  std::uint32_t wait(std::uint32_t events, std::uint32_t timeout_ms);
  // The peer's address as an endpoint (accepted streams).
  bool peer(NetEndpoint& out) const;

 private:
  int fd_ = -1;
};

class TcpListener {
 public:
  TcpListener() = default;
  TcpListener(TcpListener&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  TcpListener& operator=(TcpListener&& o) noexcept;
  TcpListener(const TcpListener&) = delete;
  TcpListener& operator=(const TcpListener&) = delete;
  ~TcpListener() { close(); }

  // Binds and listens (SO_REUSEADDR; port 0 = an ephemeral port). A dns endpoint resolves first.
  static TcpListener listen(const NetEndpoint& ep, NetFail& fail, std::string& error);
  [[nodiscard]] bool valid() const { return fd_ >= 0; }
  // The address actually bound (the ephemeral port filled in).
  bool bound(NetEndpoint& out) const;
  // Waits up to timeout_ms for a connection.
  TcpStream accept(std::uint32_t timeout_ms, NetFail& fail, std::string& error);
  void close();

 private:
  int fd_ = -1;
};

// The failure kind for an errno of a connect/read/write.
NetFail net_fail_of_errno(int err_no);

}  // namespace sluice::os
