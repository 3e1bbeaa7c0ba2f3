#include "stdlib/src/net_tcp_read.hpp"

#include <algorithm>
#include <cstring>

namespace sluice {

Flow NetTcpReadSource::open() {
  if (resolve_run_arg(cfg_.stream_handle, *ctx_, handle_, "stream_handle") == Flow::kHalt) return Flow::kHalt;
  if (resolve_run_arg(cfg_.caps, *ctx_, caps_, "caps") == Flow::kHalt) return Flow::kHalt;
  x07rt::NetCaps caps;
  if (!x07rt::parse_net_caps(caps_.bytes, caps)) {
    ctx_->set_detail("caps must be a NetCapsV1: at least 24 bytes, version 1, reserved 0 (got " +
                     std::to_string(caps_.bytes.size) + " bytes)");
    return ctx_->fail(ErrId::kNetCapsInvalid);
  }
  read_size_ = caps.max_read_bytes == 0 ? cfg_.chunk_max_bytes : std::min(caps.max_read_bytes, cfg_.chunk_max_bytes);
  io_timeout_ms_ = x07rt::or_default(caps.io_timeout_ms, x07rt::kNetDefaultTimeoutMs);
  // One buffer for the whole run: an item is valid only until the next read (the borrowed-view
  // rule), so every read lands at its start.
  page_ = ctx_->pool().acquire_at_least(std::max<std::uint32_t>(read_size_, 1));
  return Flow::kContinue;
}

SourceStep NetTcpReadSource::read_failed(ErrId id, const x07rt::NetBuf& doc) {
  ctx_->fail(id, ByteView(doc.data(), static_cast<std::uint32_t>(doc.size())));
  return SourceStep::kHalt;
}

SourceStep NetTcpReadSource::next(ByteView& item) {
  if (++steps_ > cfg_.max_steps) {
    ctx_->fail(ErrId::kMaxStepsExceeded);
    return SourceStep::kHalt;
  }
  RunResources& res = ctx_->resources();
  os::TcpStream* s = x07rt::net_stream(res, handle_.i);
  if (s == nullptr) {
    if (handle_.i == 0 && !res.last_net_message.empty()) ctx_->set_detail(res.last_net_message);
    else ctx_->set_detail("stream_handle " + std::to_string(handle_.i) + " is not an open stream of this run");
    return read_failed(ErrId::kNetReadFailed, x07rt::net_bad_handle_doc(res, handle_.i));
  }
  const os::NetIo io = s->read(page_.data(), read_size_, io_timeout_ms_);
  if (io.fail == os::NetFail::kTimeout) {
    switch (cfg_.on_timeout) {
      case NetOnTimeout::kErr:
        ctx_->set_detail("no data within io_timeout_ms (" + std::to_string(io_timeout_ms_) + " ms)");
        return read_failed(ErrId::kNetTimeout, x07rt::net_err_make_doc_v1(x07rt::kNetTimeout));
      case NetOnTimeout::kStopIfClean: ctx_->set_source_timed_out(); return SourceStep::kEnd;
      case NetOnTimeout::kStop: return SourceStep::kEnd;
    }
  }
  if (io.fail != os::NetFail::kNone) {
    ctx_->set_detail(std::string("read: ") + std::strerror(io.err_no));
    return read_failed(ErrId::kNetReadFailed, x07rt::net_err_make_doc_v1(x07rt::net_code_of(io.fail)));
  }
  if (io.n == 0) return SourceStep::kEnd;
  item = ByteView(page_.data(), static_cast<std::uint32_t>(io.n));
  return SourceStep::kItem;
}

Flow NetTcpReadSource::at_end() {
  os::TcpStream* s = x07rt::net_stream(ctx_->resources(), handle_.i);
  if (s == nullptr) return Flow::kContinue;
  if (cfg_.on_eof == NetOnEof::kShutdownRead) s->shutdown(0);
  if (cfg_.on_eof == NetOnEof::kClose) s->close();
  return Flow::kContinue;
}

}  // namespace sluice
