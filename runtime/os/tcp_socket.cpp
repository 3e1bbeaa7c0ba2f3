#include "runtime/os/tcp_socket.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

namespace sluice::os {
namespace {

using Clock = std::chrono::steady_clock;

int ms_left(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left <= 0 ? 0 : static_cast<int>(std::min<long long>(left, 0x7FFFFFFF));
}

// 1 ready, 0 timed out, -1 error (errno). EINTR restarts with what is left of the deadline.
int wait_for(int fd, short events, Clock::time_point deadline, short* revents = nullptr) {
  for (;;) {
    pollfd p{fd, events, 0};
    const int r = ::poll(&p, 1, ms_left(deadline));
    if (r < 0 && errno == EINTR) continue;
    if (revents != nullptr) *revents = p.revents;
    return r;
  }
}

Clock::time_point deadline_after(std::uint32_t timeout_ms) { return Clock::now() + std::chrono::milliseconds(timeout_ms); }

// The sockaddrs for an endpoint: numeric ones directly, a name through the resolver.
bool resolve(const NetEndpoint& ep, bool passive, std::vector<sockaddr_storage>& out, std::vector<socklen_t>& lens,
             NetFail& fail, std::string& error) {
  if (ep.tag == 1 || ep.tag == 2) {
    sockaddr_storage ss{};
    if (ep.tag == 1) {
      auto* a = reinterpret_cast<sockaddr_in*>(&ss);
      a->sin_family = AF_INET;
      a->sin_port = htons(ep.port);
      std::memcpy(&a->sin_addr, ep.ip, 4);
      lens.push_back(sizeof(sockaddr_in));
    } else {
      auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
      a->sin6_family = AF_INET6;
      a->sin6_port = htons(ep.port);
      std::memcpy(&a->sin6_addr, ep.ip, 16);
      lens.push_back(sizeof(sockaddr_in6));
    }
    out.push_back(ss);
    return true;
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  if (passive) hints.ai_flags = AI_PASSIVE;
  addrinfo* res = nullptr;
  const std::string service = std::to_string(ep.port);
  if (const int rc = ::getaddrinfo(ep.name.c_str(), service.c_str(), &hints, &res); rc != 0) {
    fail = NetFail::kDns;
    error = "cannot resolve " + ep.name + ": " + ::gai_strerror(rc);
    return false;
  }
  for (addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
    sockaddr_storage ss{};
    std::memcpy(&ss, ai->ai_addr, ai->ai_addrlen);
    out.push_back(ss);
    lens.push_back(ai->ai_addrlen);
  }
  ::freeaddrinfo(res);
  return true;
}

void endpoint_of(const sockaddr_storage& ss, NetEndpoint& out) {
  if (ss.ss_family == AF_INET6) {
    const auto* a = reinterpret_cast<const sockaddr_in6*>(&ss);
    out.tag = 2;
    std::memcpy(out.ip, &a->sin6_addr, 16);
    out.port = ntohs(a->sin6_port);
  } else {
    const auto* a = reinterpret_cast<const sockaddr_in*>(&ss);
    out.tag = 1;
    std::memcpy(out.ip, &a->sin_addr, 4);
    out.port = ntohs(a->sin_port);
  }
}

}  // namespace

NetFail net_fail_of_errno(int e) {
  switch (e) {
    case ETIMEDOUT:
    case EAGAIN: return NetFail::kTimeout;
    case ECONNREFUSED:
    case ECONNRESET:
    case ECONNABORTED:
    case EPIPE:
    case ENETUNREACH:
    case EHOSTUNREACH:
    case ENOTCONN: return NetFail::kConnect;
    default: return NetFail::kInternal;
  }
}

TcpStream& TcpStream::operator=(TcpStream&& o) noexcept {
  if (this != &o) {
    close();
    fd_ = o.fd_;
    o.fd_ = -1;
  }
  return *this;
}

TcpStream TcpStream::connect(const NetEndpoint& ep, std::uint32_t timeout_ms, NetFail& fail, std::string& error) {
  std::vector<sockaddr_storage> addrs;
  std::vector<socklen_t> lens;
  if (!resolve(ep, false, addrs, lens, fail, error)) return {};
  const Clock::time_point deadline = deadline_after(timeout_ms);
  fail = NetFail::kConnect;
  error = "no address";
  for (std::size_t i = 0; i < addrs.size(); ++i) {
    const int fd = ::socket(addrs[i].ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      fail = NetFail::kInternal;
      error = std::strerror(errno);
      continue;
    }
    TcpStream s(fd);
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&addrs[i]), lens[i]) == 0) return s;
    if (errno != EINPROGRESS) {
      fail = net_fail_of_errno(errno);
      error = std::string("connect: ") + std::strerror(errno);
      continue;
    }
    const int r = wait_for(fd, POLLOUT, deadline);
    if (r == 0) {
      fail = NetFail::kTimeout;
      error = "connect timed out after " + std::to_string(timeout_ms) + " ms";
      return {};
    }
    int so_error = 0;
    socklen_t len = sizeof so_error;
    if (r < 0 || ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len) != 0) so_error = errno;
    if (so_error == 0) return s;
    fail = net_fail_of_errno(so_error);
    error = std::string("connect: ") + std::strerror(so_error);
  }
  return {};
}

// The socket is non-blocking: try first (one system call when data is there, the common case on
// a busy stream), and wait only when the kernel has nothing yet.
NetIo TcpStream::read(std::uint8_t* buf, std::size_t max, std::uint32_t timeout_ms) {
  NetIo io;
  Clock::time_point deadline{};
  bool waited = false;
  for (;;) {
    const ssize_t n = ::recv(fd_, buf, max, 0);
    if (n >= 0) {
      io.n = n;
      return io;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      io.err_no = errno;
      io.fail = net_fail_of_errno(errno);
      return io;
    }
    if (!waited) deadline = deadline_after(timeout_ms);
    waited = true;
    const int r = wait_for(fd_, POLLIN, deadline);
    if (r == 0) {
      io.fail = NetFail::kTimeout;
      io.err_no = ETIMEDOUT;
      return io;
    }
    if (r < 0) {
      io.err_no = errno;
      io.fail = NetFail::kInternal;
      return io;
    }
  }
}

NetIo TcpStream::write_some(const std::uint8_t* data, std::size_t len, std::uint32_t timeout_ms) {
  NetIo io;
  const Clock::time_point deadline = deadline_after(timeout_ms);
  for (;;) {
    const ssize_t n = ::send(fd_, data, len, MSG_NOSIGNAL);
    if (n >= 0) {
      io.n = n;
      return io;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      io.err_no = errno;
      io.fail = net_fail_of_errno(errno);
      return io;
    }
    const int r = wait_for(fd_, POLLOUT, deadline);
    if (r <= 0) {
      io.err_no = r == 0 ? ETIMEDOUT : errno;
      io.fail = r == 0 ? NetFail::kTimeout : NetFail::kInternal;
      return io;
    }
  }
}

NetIo TcpStream::write_all(const std::uint8_t* const* data, const std::size_t* len, std::size_t parts,
                           std::uint32_t timeout_ms) {
  // sendmsg rather than writev: MSG_NOSIGNAL turns a closed peer into EPIPE instead of SIGPIPE.
  constexpr std::size_t kMaxParts = 16;
  iovec iov[kMaxParts];
  std::size_t first = 0, offset = 0;  // the part and the offset in it that is written next
  NetIo io;
  Clock::time_point deadline = deadline_after(timeout_ms);
  while (first < parts) {
    std::size_t k = 0;
    for (std::size_t i = first; i < parts && k < kMaxParts; ++i) {
      const std::size_t off = i == first ? offset : 0;
      if (len[i] == off) continue;
      iov[k].iov_base = const_cast<std::uint8_t*>(data[i] + off);
      iov[k].iov_len = len[i] - off;
      ++k;
    }
    if (k == 0) break;
    msghdr msg{};
    msg.msg_iov = iov;
    msg.msg_iovlen = k;
    const ssize_t n = ::sendmsg(fd_, &msg, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) {
        io.err_no = errno;
        io.fail = net_fail_of_errno(errno);
        return io;
      }
      const int r = wait_for(fd_, POLLOUT, deadline);
      if (r <= 0) {
        io.err_no = r == 0 ? ETIMEDOUT : errno;
        io.fail = r == 0 ? NetFail::kTimeout : NetFail::kInternal;
        return io;
      }
      continue;
    }
    io.n += n;
    // Progress restarts the clock: the timeout bounds each wait for room, not the whole write.
    deadline = deadline_after(timeout_ms);
    std::size_t left = static_cast<std::size_t>(n);
    while (first < parts && left >= len[first] - offset) {
      left -= len[first] - offset;
      ++first;
      offset = 0;
    }
    offset += left;
  }
  return io;
}

bool TcpStream::shutdown(int how) {
  if (fd_ < 0) return false;
  const int h = how == 0 ? SHUT_RD : how == 1 ? SHUT_WR : SHUT_RDWR;
  return ::shutdown(fd_, h) == 0;
}

void TcpStream::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

std::uint32_t TcpStream::wait(std::uint32_t events, std::uint32_t timeout_ms) {
  short want = 0;
  if (events & 1) want |= POLLIN;
  if (events & 2) want |= POLLOUT;
  short got = 0;
  if (wait_for(fd_, want, deadline_after(timeout_ms), &got) <= 0) return 0;
  std::uint32_t out = 0;
  if (got & POLLIN) out |= 1;
  if (got & POLLOUT) out |= 2;
  if (got & (POLLHUP | POLLERR)) out |= 4;
  return out;
}

bool TcpStream::peer(NetEndpoint& out) const {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (::getpeername(fd_, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return false;
  endpoint_of(ss, out);
  return true;
}

TcpListener& TcpListener::operator=(TcpListener&& o) noexcept {
  if (this != &o) {
    close();
    fd_ = o.fd_;
    o.fd_ = -1;
  }
  return *this;
}

TcpListener TcpListener::listen(const NetEndpoint& ep, NetFail& fail, std::string& error) {
  std::vector<sockaddr_storage> addrs;
  std::vector<socklen_t> lens;
  if (!resolve(ep, true, addrs, lens, fail, error)) return {};
  for (std::size_t i = 0; i < addrs.size(); ++i) {
    const int fd = ::socket(addrs[i].ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) continue;
    TcpListener l;
    l.fd_ = fd;
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&addrs[i]), lens[i]) == 0 && ::listen(fd, 64) == 0) return l;
    fail = net_fail_of_errno(errno);
    error = std::string("listen: ") + std::strerror(errno);
  }
  if (error.empty()) {
    fail = NetFail::kInternal;
    error = "listen: no usable address";
  }
  return {};
}

bool TcpListener::bound(NetEndpoint& out) const {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (::getsockname(fd_, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return false;
  endpoint_of(ss, out);
  return true;
}

TcpStream TcpListener::accept(std::uint32_t timeout_ms, NetFail& fail, std::string& error) {
  const Clock::time_point deadline = deadline_after(timeout_ms);
  for (;;) {
    const int fd = ::accept4(fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) return TcpStream(fd);
    if (errno == EINTR || errno == ECONNABORTED) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      fail = NetFail::kInternal;
      error = std::string("accept: ") + std::strerror(errno);
      return {};
    }
    const int r = wait_for(fd_, POLLIN, deadline);
    if (r <= 0) {
      fail = r == 0 ? NetFail::kTimeout : NetFail::kInternal;
      error = r == 0 ? "accept timed out after " + std::to_string(timeout_ms) + " ms" : std::string(std::strerror(errno));
      return {};
    }
  }
}

void TcpListener::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

}  // namespace sluice::os
