#include "stdlib/x07/net.hpp"

#include <algorithm>
#include <cstring>

namespace sluice::x07rt {
namespace {

// A connected stream or a listener in the run's resource table.
struct NetStreamRes final : RunResource {
  os::TcpStream stream;
};
struct NetListenerRes final : RunResource {
  os::TcpListener listener;
};

// A name in a NetAddrV1 may be at most this long (x07-modules §5.3).
constexpr std::uint32_t kMaxNameBytes = 1024;

// resize + store rather than insert from a small array, which GCC 12 misreads as an overflow.
void put_u32(NetBuf& b, std::uint32_t v) {
  const std::size_t n = b.size();
  b.resize(n + 4);
  store_u32le(b.data() + n, v);
}
void put_raw(NetBuf& b, const std::uint8_t* p, std::size_t len) {
  const std::size_t n = b.size();
  b.resize(n + len);
  std::memcpy(b.data() + n, p, len);
}

NetBuf ok_u32(std::uint32_t v) {
  NetBuf b{1, 1, 0, 0};
  put_u32(b, v);
  return b;
}

bool parse_addr(ByteView a, os::NetEndpoint& ep) {
  if (a.size < 16 || load_u32le(a.data) != 1) return false;
  const std::uint32_t tag = load_u32le(a.data + 4), port = load_u32le(a.data + 8);
  if (port > 65535) return false;
  ep.tag = tag;
  ep.port = static_cast<std::uint16_t>(port);
  if (tag == 1) {
    if (a.size != 16) return false;
    std::memcpy(ep.ip, a.data + 12, 4);
    return true;
  }
  if (tag == 2) {
    if (a.size != 28) return false;
    std::memcpy(ep.ip, a.data + 12, 16);
    return true;
  }
  if (tag == 3) {
    const std::uint32_t n = load_u32le(a.data + 12);
    if (n == 0 || n > kMaxNameBytes || a.size != 16 + n) return false;
    ep.name.assign(reinterpret_cast<const char*>(a.data + 16), n);
    return ep.name.find('\0') == std::string::npos;
  }
  return false;
}

NetBuf addr_of(const os::NetEndpoint& ep) {
  NetBuf b;
  put_u32(b, 1);
  put_u32(b, ep.tag);
  put_u32(b, ep.port);
  put_raw(b, ep.ip, ep.tag == 1 ? 4 : 16);
  return b;
}

std::string host_name(const os::NetEndpoint& ep) {
  if (ep.tag == 3) return ep.name;
  if (ep.tag == 1)
    return std::to_string(ep.ip[0]) + "." + std::to_string(ep.ip[1]) + "." + std::to_string(ep.ip[2]) + "." +
           std::to_string(ep.ip[3]);
  // IPv6 in full hex groups, lower case without zero compression: one spelling per address, so
  // an allow-list entry matches by string comparison.
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s = "[";
  for (int i = 0; i < 16; i += 2) {
    if (i) s += ':';
    const unsigned v = (ep.ip[i] << 8) | ep.ip[i + 1];
    bool started = false;
    for (int sh = 12; sh >= 0; sh -= 4) {
      const unsigned d = (v >> sh) & 15;
      if (d || started || sh == 0) {
        s += kHex[d];
        started = true;
      }
    }
  }
  return s + "]";
}

bool allowed(const std::vector<std::string>& list, const std::string& entry) {
  return std::find(list.begin(), list.end(), entry) != list.end();
}

// A doc whose tag byte is 1 and whose handle at @4 is a positive u32.
std::int32_t doc_handle(ByteView doc, std::uint32_t min_size) {
  if (doc.size < min_size || doc.data[0] != 1 || doc.data[1] != 1) return 0;
  const std::uint32_t h = load_u32le(doc.data + 4);
  return h == 0 || h > 0x7FFFFFFF ? 0 : static_cast<std::int32_t>(h);
}

NetBuf doc_addr(ByteView doc) {
  if (doc_handle(doc, 12) == 0) return {};
  const std::uint32_t n = load_u32le(doc.data + 8);
  if (std::uint64_t{12} + n != doc.size) return {};
  return NetBuf(doc.data + 12, doc.data + 12 + n);
}

NetBuf failed(RunResources* res, std::int32_t code, std::string message) {
  if (res != nullptr) {
    res->last_net_error = code;
    res->last_net_message = std::move(message);
  }
  return net_err_make_doc_v1(code);
}

NetStreamRes* find_stream(RunResources* res, std::int32_t h) {
  return res == nullptr ? nullptr : dynamic_cast<NetStreamRes*>(res->get(h));
}
NetListenerRes* find_listener(RunResources* res, std::int32_t h) {
  return res == nullptr ? nullptr : dynamic_cast<NetListenerRes*>(res->get(h));
}

}  // namespace

// ---- codecs ----
NetBuf net_addr_ipv4_v1(std::int32_t a, std::int32_t b, std::int32_t c, std::int32_t d, std::int32_t port) {
  for (const std::int32_t v : {a, b, c, d})
    if (v < 0 || v > 255) return {};
  if (port < 0 || port > 65535) return {};
  os::NetEndpoint ep;
  ep.tag = 1;
  ep.ip[0] = static_cast<std::uint8_t>(a);
  ep.ip[1] = static_cast<std::uint8_t>(b);
  ep.ip[2] = static_cast<std::uint8_t>(c);
  ep.ip[3] = static_cast<std::uint8_t>(d);
  ep.port = static_cast<std::uint16_t>(port);
  return addr_of(ep);
}

NetBuf net_addr_ipv6_v1(ByteView ip16, std::int32_t port) {
  if (ip16.size != 16 || port < 0 || port > 65535) return {};
  os::NetEndpoint ep;
  ep.tag = 2;
  std::memcpy(ep.ip, ip16.data, 16);
  ep.port = static_cast<std::uint16_t>(port);
  return addr_of(ep);
}

NetBuf net_addr_dns_v1(ByteView name, std::int32_t port) {
  if (name.size == 0 || name.size > kMaxNameBytes || port < 0 || port > 65535) return {};
  if (std::memchr(name.data, 0, name.size) != nullptr) return {};
  NetBuf b;
  put_u32(b, 1);
  put_u32(b, 3);
  put_u32(b, static_cast<std::uint32_t>(port));
  put_u32(b, name.size);
  put_raw(b, name.data, name.size);
  return b;
}

std::int32_t net_addr_tag_v1(ByteView addr) {
  os::NetEndpoint ep;
  return parse_addr(addr, ep) ? static_cast<std::int32_t>(ep.tag) : 0;
}
std::int32_t net_addr_port_v1(ByteView addr) {
  os::NetEndpoint ep;
  return parse_addr(addr, ep) ? ep.port : -1;
}

NetBuf net_caps_v1(std::int32_t ct, std::int32_t io, std::int32_t mr, std::int32_t mw) {
  NetBuf b;
  put_u32(b, 1);
  for (const std::int32_t v : {ct, io, mr, mw}) put_u32(b, v < 0 ? 0u : static_cast<std::uint32_t>(v));
  put_u32(b, 0);
  return b;
}
NetBuf net_caps_default_v1() {
  return net_caps_v1(kNetDefaultTimeoutMs, kNetDefaultTimeoutMs, kNetDefaultMaxBytes, kNetDefaultMaxBytes);
}

NetBuf net_err_make_doc_v1(std::int32_t code) {
  NetBuf b(1, 0);
  put_u32(b, static_cast<std::uint32_t>(code));
  put_u32(b, 0);
  return b;
}
std::int32_t net_err_is_err_doc_v1(ByteView doc) { return doc.size >= 1 && doc.data[0] == 0 ? 1 : 0; }
std::int32_t net_err_code_v1(ByteView doc) {
  if (doc.size < 5 || doc.data[0] != 0) return 0;
  return static_cast<std::int32_t>(load_u32le(doc.data + 1));
}

bool parse_net_caps(ByteView caps, NetCaps& out) {
  if (caps.size < 24 || load_u32le(caps.data) != 1 || load_u32le(caps.data + 20) != 0) return false;
  out.connect_timeout_ms = load_u32le(caps.data + 4);
  out.io_timeout_ms = load_u32le(caps.data + 8);
  out.max_read_bytes = load_u32le(caps.data + 12);
  out.max_write_bytes = load_u32le(caps.data + 16);
  return true;
}

std::int32_t net_code_of(os::NetFail f) {
  switch (f) {
    case os::NetFail::kTimeout: return kNetTimeout;
    case os::NetFail::kDns: return kNetDns;
    case os::NetFail::kConnect: return kNetConnect;
    case os::NetFail::kNone:
    case os::NetFail::kInternal: break;
  }
  return kNetInternal;
}

std::string net_policy_name(ByteView addr) {
  os::NetEndpoint ep;
  if (!parse_addr(addr, ep)) return {};
  return host_name(ep) + ":" + std::to_string(ep.port);
}

os::TcpStream* net_stream(RunResources& res, std::int32_t h) {
  NetStreamRes* s = find_stream(&res, h);
  return s != nullptr && s->stream.valid() ? &s->stream : nullptr;
}

NetBuf net_bad_handle_doc(const RunResources& res, std::int32_t h) {
  if (h == 0 && res.last_net_error != 0) return net_err_make_doc_v1(res.last_net_error);
  return net_err_make_doc_v1(kNetInvalidReq);
}

std::unique_ptr<os::TcpStream> net_connect_owned(RunResources& res, ByteView addr, const NetCaps& caps, NetBuf& err,
                                                 std::string& message) {
  os::NetEndpoint ep;
  if (!parse_addr(addr, ep)) {
    message = "the address is not a NetAddrV1";
    err = failed(&res, kNetInvalidReq, message);
    return nullptr;
  }
  const std::string name = host_name(ep) + ":" + std::to_string(ep.port);
  if (res.net_policy.sandboxed && !allowed(res.net_policy.allow_host, name)) {
    message = "connecting to " + name + " is not allowed in run-os-sandboxed (--allow-host " + name + ")";
    err = failed(&res, kNetPolicyDenied, message);
    return nullptr;
  }
  os::NetFail f = os::NetFail::kNone;
  auto s = std::make_unique<os::TcpStream>(
      os::TcpStream::connect(ep, or_default(caps.connect_timeout_ms, kNetDefaultTimeoutMs), f, message));
  if (!s->valid()) {
    message = name + ": " + message;
    err = failed(&res, net_code_of(f), message);
    return nullptr;
  }
  return s;
}

// ---- TCP ----
NetBuf net_tcp_connect_v1(ByteView addr, ByteView caps_bytes) {
  RunResources* res = current_run_resources();
  NetCaps caps;
  if (res == nullptr || !parse_net_caps(caps_bytes, caps))
    return failed(res, kNetInvalidReq, res == nullptr ? "std.net connects only while a pipe runs" : "caps are not a NetCapsV1");
  NetBuf err;
  std::string message;
  auto s = net_connect_owned(*res, addr, caps, err, message);
  if (!s) return err;
  auto r = std::make_unique<NetStreamRes>();
  r->stream = std::move(*s);
  const std::int32_t id = res->add(std::move(r));
  if (id < 0) return failed(res, kNetTooLarge, "too many open handles in this run");
  return ok_u32(static_cast<std::uint32_t>(id));
}

NetBuf net_tcp_listen_v1(ByteView addr, ByteView caps_bytes) {
  RunResources* res = current_run_resources();
  NetCaps caps;
  os::NetEndpoint ep;
  if (res == nullptr || !parse_net_caps(caps_bytes, caps) || !parse_addr(addr, ep))
    return failed(res, kNetInvalidReq, "listen_v1 needs a NetAddrV1 and a NetCapsV1, while a pipe runs");
  const std::string name = host_name(ep) + ":" + std::to_string(ep.port);
  if (res->net_policy.sandboxed && !allowed(res->net_policy.allow_listen, name))
    return failed(res, kNetPolicyDenied, "listening on " + name + " is not allowed in run-os-sandboxed (--allow-listen " + name + ")");
  os::NetFail f = os::NetFail::kNone;
  std::string message;
  auto r = std::make_unique<NetListenerRes>();
  r->listener = os::TcpListener::listen(ep, f, message);
  if (!r->listener.valid()) return failed(res, net_code_of(f), name + ": " + message);
  os::NetEndpoint bound;
  if (!r->listener.bound(bound)) return failed(res, kNetInternal, "getsockname failed");
  const std::int32_t id = res->add(std::move(r));
  if (id < 0) return failed(res, kNetTooLarge, "too many open handles in this run");
  NetBuf b = ok_u32(static_cast<std::uint32_t>(id));
  const NetBuf a = addr_of(bound);
  put_u32(b, static_cast<std::uint32_t>(a.size()));
  put_raw(b, a.data(), a.size());
  return b;
}

NetBuf net_tcp_accept_v1(std::int32_t listener, ByteView caps_bytes) {
  RunResources* res = current_run_resources();
  NetCaps caps;
  NetListenerRes* l = find_listener(res, listener);
  // Handle 0 after a failed listen: its reason carries on (policy_denied stays policy_denied).
  if (l == nullptr && listener == 0 && res != nullptr && res->last_net_error != 0) return net_err_make_doc_v1(res->last_net_error);
  if (l == nullptr || !parse_net_caps(caps_bytes, caps)) return failed(res, kNetInvalidReq, "not an open listener: " + std::to_string(listener));
  os::NetFail f = os::NetFail::kNone;
  std::string message;
  auto r = std::make_unique<NetStreamRes>();
  r->stream = l->listener.accept(or_default(caps.io_timeout_ms, kNetDefaultTimeoutMs), f, message);
  if (!r->stream.valid()) return failed(res, net_code_of(f), message);
  os::NetEndpoint peer;
  r->stream.peer(peer);
  const std::int32_t id = res->add(std::move(r));
  if (id < 0) return failed(res, kNetTooLarge, "too many open handles in this run");
  NetBuf b = ok_u32(static_cast<std::uint32_t>(id));
  const NetBuf a = addr_of(peer);
  put_u32(b, static_cast<std::uint32_t>(a.size()));
  put_raw(b, a.data(), a.size());
  return b;
}

NetBuf net_tcp_stream_read_v1(std::int32_t h, std::int32_t max, ByteView caps_bytes) {
  RunResources* res = current_run_resources();
  NetCaps caps;
  os::TcpStream* s = res == nullptr ? nullptr : net_stream(*res, h);
  if (s == nullptr) return res == nullptr ? net_err_make_doc_v1(kNetInvalidReq) : net_bad_handle_doc(*res, h);
  if (!parse_net_caps(caps_bytes, caps) || max < 0) return net_err_make_doc_v1(kNetInvalidReq);
  const std::uint32_t n = std::min(static_cast<std::uint32_t>(max), or_default(caps.max_read_bytes, kNetDefaultMaxBytes));
  NetBuf b(8 + std::size_t{n});
  const os::NetIo io = s->read(b.data() + 8, n, or_default(caps.io_timeout_ms, kNetDefaultTimeoutMs));
  if (io.fail != os::NetFail::kNone) return net_err_make_doc_v1(net_code_of(io.fail));
  b.resize(8 + static_cast<std::size_t>(io.n));
  b[0] = 1;
  b[1] = 1;
  store_u32le(b.data() + 4, static_cast<std::uint32_t>(io.n));
  return b;
}

NetBuf net_tcp_stream_write_v1(std::int32_t h, ByteView data, ByteView caps_bytes) {
  RunResources* res = current_run_resources();
  NetCaps caps;
  os::TcpStream* s = res == nullptr ? nullptr : net_stream(*res, h);
  if (s == nullptr) return res == nullptr ? net_err_make_doc_v1(kNetInvalidReq) : net_bad_handle_doc(*res, h);
  if (!parse_net_caps(caps_bytes, caps)) return net_err_make_doc_v1(kNetInvalidReq);
  const std::uint32_t n = std::min(data.size, or_default(caps.max_write_bytes, kNetDefaultMaxBytes));
  const os::NetIo io = s->write_some(data.data, n, or_default(caps.io_timeout_ms, kNetDefaultTimeoutMs));
  if (io.fail != os::NetFail::kNone) return net_err_make_doc_v1(net_code_of(io.fail));
  return ok_u32(static_cast<std::uint32_t>(io.n));
}

NetBuf net_io_write_all_v1(std::int32_t h, ByteView data, ByteView caps_bytes) {
  RunResources* res = current_run_resources();
  NetCaps caps;
  os::TcpStream* s = res == nullptr ? nullptr : net_stream(*res, h);
  if (s == nullptr) return res == nullptr ? net_err_make_doc_v1(kNetInvalidReq) : net_bad_handle_doc(*res, h);
  if (!parse_net_caps(caps_bytes, caps)) return net_err_make_doc_v1(kNetInvalidReq);
  if (data.size == 0) return ok_u32(0);
  const os::NetIo io = s->write_all(data.data, data.size, or_default(caps.io_timeout_ms, kNetDefaultTimeoutMs));
  if (io.fail != os::NetFail::kNone) return net_err_make_doc_v1(net_code_of(io.fail));
  return ok_u32(static_cast<std::uint32_t>(io.n));
}

NetBuf net_tcp_stream_wait_v1(std::int32_t h, std::int32_t events, std::int32_t timeout_ms) {
  RunResources* res = current_run_resources();
  os::TcpStream* s = res == nullptr ? nullptr : net_stream(*res, h);
  if (s == nullptr || events <= 0 || timeout_ms < 0) return net_err_make_doc_v1(kNetInvalidReq);
  const std::uint32_t got = s->wait(static_cast<std::uint32_t>(events), static_cast<std::uint32_t>(timeout_ms));
  if (got == 0) return net_err_make_doc_v1(kNetTimeout);
  return ok_u32(got);
}

std::int32_t net_tcp_stream_shutdown_v1(std::int32_t h, std::int32_t how) {
  RunResources* res = current_run_resources();
  os::TcpStream* s = res == nullptr ? nullptr : net_stream(*res, h);
  if (s == nullptr || how < 0 || how > 2) return 0;
  return s->shutdown(how) ? 1 : 0;
}

std::int32_t net_tcp_stream_close_v1(std::int32_t h) {
  RunResources* res = current_run_resources();
  NetStreamRes* s = find_stream(res, h);
  if (s == nullptr || !s->stream.valid()) return 0;
  s->stream.close();
  return 1;
}

std::int32_t net_tcp_stream_drop_v1(std::int32_t h) {
  RunResources* res = current_run_resources();
  if (find_stream(res, h) != nullptr) res->close(h);
  return 1;  // idempotent
}

std::int32_t net_tcp_listener_close_v1(std::int32_t h) {
  RunResources* res = current_run_resources();
  NetListenerRes* l = find_listener(res, h);
  if (l == nullptr || !l->listener.valid()) return 0;
  l->listener.close();
  return 1;
}

std::int32_t net_tcp_listener_drop_v1(std::int32_t h) {
  RunResources* res = current_run_resources();
  if (find_listener(res, h) != nullptr) res->close(h);
  return 1;
}

std::int32_t net_tcp_connect_stream_handle_v1(ByteView doc) { return doc.size == 8 ? doc_handle(doc, 8) : 0; }
std::int32_t net_tcp_listen_listener_handle_v1(ByteView doc) { return doc_handle(doc, 12); }
NetBuf net_tcp_listen_bound_addr_v1(ByteView doc) { return doc_addr(doc); }
std::int32_t net_tcp_accept_stream_handle_v1(ByteView doc) { return doc_handle(doc, 12); }
NetBuf net_tcp_accept_peer_addr_v1(ByteView doc) { return doc_addr(doc); }

}  // namespace sluice::x07rt
