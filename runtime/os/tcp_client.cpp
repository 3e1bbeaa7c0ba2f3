#include "runtime/os/tcp_client.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace sluice {
namespace {

using Clock = std::chrono::steady_clock;

int ms_left(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left <= 0 ? 0 : static_cast<int>(left);
}

// Waits for `events` on fd until the deadline: 1 ready, 0 timed out, -1 error (errno).
int wait_for(int fd, short events, Clock::time_point deadline) {
  for (;;) {
    pollfd p{fd, events, 0};
    const int r = ::poll(&p, 1, ms_left(deadline));
    if (r < 0 && errno == EINTR) continue;
    return r;
  }
}

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

TcpExchange tcp_exchange(const std::string& host, std::uint16_t port, std::string_view request,
                         std::uint32_t timeout_ms, std::uint64_t max_response_bytes) {
  TcpExchange out;
  const Clock::time_point deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  const std::string service = std::to_string(port);
  if (const int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &res); rc != 0) {
    out.error = "cannot resolve " + host + ": " + ::gai_strerror(rc);
    return out;
  }
  Fd sock;
  std::string last_error = "no address";
  for (addrinfo* ai = res; ai != nullptr && sock.fd < 0; ai = ai->ai_next) {
    const int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
      last_error = std::strerror(errno);
      continue;
    }
    int rc = ::connect(fd, ai->ai_addr, ai->ai_addrlen);
    if (rc != 0 && errno == EINPROGRESS) {
      const int w = wait_for(fd, POLLOUT, deadline);
      int soerr = 0;
      socklen_t len = sizeof soerr;
      if (w == 0) {
        soerr = ETIMEDOUT;
      } else if (w < 0) {
        soerr = errno;
      } else if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) != 0) {
        soerr = errno;
      }
      rc = soerr == 0 ? 0 : -1;
      errno = soerr;
    }
    if (rc != 0) {
      last_error = std::strerror(errno);
      ::close(fd);
      continue;
    }
    sock.fd = fd;
  }
  ::freeaddrinfo(res);
  if (sock.fd < 0) {
    out.error = "cannot connect to " + host + ":" + service + ": " + last_error;
    return out;
  }
  std::size_t sent = 0;
  while (sent < request.size()) {
    const ssize_t n = ::send(sock.fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      const int w = wait_for(sock.fd, POLLOUT, deadline);
      if (w > 0) continue;
      out.error = w == 0 ? "timed out sending the request" : std::string("send: ") + std::strerror(errno);
      return out;
    }
    out.error = std::string("send: ") + std::strerror(errno);
    return out;
  }
  // Half-close: a server that reads until end of request sees it; the response comes back.
  ::shutdown(sock.fd, SHUT_WR);
  char buf[1 << 16];
  for (;;) {
    const ssize_t n = ::recv(sock.fd, buf, sizeof buf, 0);
    if (n > 0) {
      if (out.response.size() + static_cast<std::size_t>(n) > max_response_bytes) {
        out.error = "the response is larger than " + std::to_string(max_response_bytes) + " bytes";
        return out;
      }
      out.response.append(buf, static_cast<std::size_t>(n));
      continue;
    }
    if (n == 0) break;  // the peer closed: the response is complete
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      const int w = wait_for(sock.fd, POLLIN, deadline);
      if (w > 0) continue;
      out.error = w == 0 ? "timed out waiting for the peer to close (" + std::to_string(out.response.size()) +
                               " response bytes so far)"
                         : std::string("recv: ") + std::strerror(errno);
      return out;
    }
    out.error = std::string("recv: ") + std::strerror(errno);
    return out;
  }
  out.ok = true;
  return out;
}

}  // namespace sluice
