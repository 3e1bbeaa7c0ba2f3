#include "stdlib/sink/world_fs_write_stream.hpp"

#include <cstring>

#include "stdlib/sink/fs_error.hpp"

namespace sluice {

Flow WorldFsWriteStream::open() {
  if (cfg_.flush_min_bytes > cfg_.buf_cap_bytes) return ctx_->fail(ErrId::kFsSinkCfgInvalid);
  file_ = AtomicFile::create(root_, cfg_.path, fsync_);
  if (file_.fd() < 0) {
    ctx_->set_detail("cannot open '" + cfg_.path + "': " + describe(file_.error(), file_.err_no()));
    const auto p = u32_payload({fs_error_code(file_.error(), file_.err_no()), 0, ctx_->counters().bytes_out});
    return ctx_->fail(ErrId::kFsOpenFailed, ByteView(p.data(), 12));
  }
  out_.emplace(file_.fd(), ctx_->pool());
  return Flow::kContinue;
}

Flow WorldFsWriteStream::fail_io(ErrId id, std::uint32_t ec, const char* what, int err_no) {
  if (err_no != 0) ctx_->set_detail(std::string(what) + " '" + cfg_.path + "': " + std::strerror(err_no));
  file_.abandon();  // close and drop: no partial file is left
  const auto p = u32_payload({ec, flushes_, ctx_->counters().bytes_out});
  return ctx_->fail(id, ByteView(p.data(), 12));
}

// One physical write: the buffer (direct empty) or `direct` itself. The write is counted before
// it is attempted, so the write that would exceed max_flushes is refused [derived].
Flow WorldFsWriteStream::physical_write(ByteView direct) {
  if (direct.empty() && out_->buffered() == 0) return Flow::kContinue;
  ++flushes_;
  if (flushes_ > cfg_.max_flushes) return fail_io(ErrId::kFsTooManyFlushes, 0, "", 0);
  const bool ok = direct.empty() ? out_->flush() : out_->write_direct(direct);
  if (!ok) {
    const int e = out_->error_number();
    return fail_io(ErrId::kFsWriteFailed, fs_error_code(PathError::kOs, e), "cannot write", e);
  }
  return Flow::kContinue;
}

Flow WorldFsWriteStream::consume(ByteView v) {
  if (v.empty()) return Flow::kContinue;
  if (cfg_.hash) hash_ = fnv1a32_update(hash_, v);
  if (out_->buffered() + v.size > cfg_.buf_cap_bytes) {
    if (physical_write({}) == Flow::kHalt) return Flow::kHalt;
    if (v.size >= cfg_.buf_cap_bytes) return physical_write(v);
  }
  out_->write(v);
  if (out_->buffered() >= cfg_.flush_min_bytes) return physical_write({});
  return Flow::kContinue;
}

Flow WorldFsWriteStream::finish() {
  if (physical_write({}) == Flow::kHalt) return Flow::kHalt;
  if (const int e = file_.commit(); e != 0)
    return fail_io(ErrId::kFsCloseFailed, fs_error_code(PathError::kOs, e), "cannot close", e);
  store_u32le(hash_out_, hash_);
  return Flow::kContinue;
}

}  // namespace sluice
