#include "stdlib/sink/net_tcp_write.hpp"

#include <algorithm>
#include <cstring>

namespace sluice {
namespace {

std::uint64_t ceil_div(std::uint64_t a, std::uint64_t b) { return (a + b - 1) / b; }

}  // namespace

os::TcpStream* NetTcpWrite::stream() {
  if (owned_) return owned_->valid() ? owned_.get() : nullptr;
  return x07rt::net_stream(ctx_->resources(), handle_.i);
}

Flow NetTcpWrite::fail(ErrId id, const x07rt::NetBuf& doc) {
  owned_.reset();  // an owned connection is closed and dropped on any sink error (spec §8)
  return ctx_->fail(id, ByteView(doc.data(), static_cast<std::uint32_t>(doc.size())));
}

Flow NetTcpWrite::open() {
  if (cfg_.stream_handle && resolve_run_arg(cfg_.stream_handle, *ctx_, handle_, "stream_handle") == Flow::kHalt)
    return Flow::kHalt;
  if (cfg_.addr && resolve_run_arg(cfg_.addr, *ctx_, addr_, "addr") == Flow::kHalt) return Flow::kHalt;
  if (resolve_run_arg(cfg_.caps, *ctx_, caps_, "caps") == Flow::kHalt) return Flow::kHalt;
  if (cfg_.buf_cap_bytes == 0) cfg_.buf_cap_bytes = kDefaultBufCap;
  if (cfg_.flush_min_bytes == 0) cfg_.flush_min_bytes = static_cast<std::int32_t>(cfg_.buf_cap_bytes);
  if (cfg_.flush_min_bytes < 1 || static_cast<std::uint32_t>(cfg_.flush_min_bytes) > cfg_.buf_cap_bytes) {
    ctx_->set_detail("flush_min_bytes must be 1..buf_cap_bytes (" + std::to_string(cfg_.buf_cap_bytes) + ")");
    return ctx_->fail(ErrId::kCfgInvalid);
  }
  x07rt::NetCaps caps;
  if (!x07rt::parse_net_caps(caps_.bytes, caps) || caps.max_write_bytes == 0) {
    ctx_->set_detail("caps must be a NetCapsV1 (24 bytes, version 1, reserved 0) with max_write_bytes > 0");
    return ctx_->fail(ErrId::kNetCapsInvalid);
  }
  max_write_bytes_ = caps.max_write_bytes;
  io_timeout_ms_ = x07rt::or_default(caps.io_timeout_ms, x07rt::kNetDefaultTimeoutMs);
  const std::uint64_t flush_min = static_cast<std::uint64_t>(cfg_.flush_min_bytes);
  max_flushes_ = cfg_.max_flushes != 0 ? cfg_.max_flushes : std::max<std::uint64_t>(1, ceil_div(cfg_.max_out_bytes, flush_min) + 4);
  max_write_calls_ = cfg_.max_write_calls != 0
                         ? cfg_.max_write_calls
                         : ceil_div(cfg_.max_out_bytes, std::min<std::uint64_t>(max_write_bytes_, flush_min)) + 8;
  buf_.reserve(cfg_.buf_cap_bytes);
  if (cfg_.addr) {
    x07rt::NetBuf err;
    std::string message;
    owned_ = x07rt::net_connect_owned(ctx_->resources(), addr_.bytes, caps, err, message);
    if (!owned_) {
      ctx_->set_detail(message);
      return fail(ErrId::kNetConnectFailed, err);
    }
  }
  return Flow::kContinue;
}

// One physical write of the buffer (direct empty) or of `direct`, in write_all calls of at most
// max_write_bytes each. Counted before it is tried, so the one past the budget is refused.
Flow NetTcpWrite::physical_write(ByteView direct) {
  const bool from_buf = direct.empty();
  if (from_buf && buf_.empty()) return Flow::kContinue;
  const ByteView all = from_buf ? ByteView(buf_.data(), static_cast<std::uint32_t>(buf_.size())) : direct;
  if (++flushes_ > max_flushes_) return fail(ErrId::kNetSinkMaxFlushes);
  os::TcpStream* s = stream();
  for (std::uint32_t off = 0; off < all.size;) {
    const std::uint32_t n = std::min(all.size - off, max_write_bytes_);
    if (++write_calls_ > max_write_calls_) return fail(ErrId::kNetSinkMaxWrites);
    if (s == nullptr) {
      ctx_->set_detail("stream_handle " + std::to_string(handle_.i) + " is not an open stream of this run");
      return fail(ErrId::kNetWriteFailed, x07rt::net_bad_handle_doc(ctx_->resources(), handle_.i));
    }
    const os::NetIo io = s->write_all(all.data + off, n, io_timeout_ms_);
    if (io.fail != os::NetFail::kNone) {
      ctx_->set_detail(std::string("write: ") + std::strerror(io.err_no));
      return fail(ErrId::kNetWriteFailed, x07rt::net_err_make_doc_v1(x07rt::net_code_of(io.fail)));
    }
    off += n;
  }
  if (from_buf) buf_.clear();
  return Flow::kContinue;
}

Flow NetTcpWrite::consume(ByteView v) {
  if (v.empty()) return Flow::kContinue;
  if (buf_.size() + v.size > cfg_.buf_cap_bytes) {
    if (physical_write({}) == Flow::kHalt) return Flow::kHalt;
    if (v.size >= cfg_.buf_cap_bytes) return physical_write(v);
  }
  buf_.insert(buf_.end(), v.begin(), v.end());
  if (buf_.size() >= static_cast<std::uint32_t>(cfg_.flush_min_bytes)) return physical_write({});
  return Flow::kContinue;
}

Flow NetTcpWrite::finish() {
  if (physical_write({}) == Flow::kHalt) return Flow::kHalt;
  os::TcpStream* s = stream();
  if (s == nullptr) return Flow::kContinue;
  if (cfg_.on_finish == NetOnFinish::kShutdownWrite) {
    s->shutdown(1);
    if (owned_) owned_.reset();  // spec §8: shutdown_write also closes and drops an owned stream
  } else if (cfg_.on_finish == NetOnFinish::kClose) {
    s->close();
    owned_.reset();
  }
  return Flow::kContinue;
}

}  // namespace sluice
