#include "stdlib/sink/world_fs_write_file.hpp"

#include <cstring>

#include "stdlib/sink/fs_error.hpp"

namespace sluice {
namespace {
// Buffered bytes are written out once a page's worth has accumulated: whole-page writes, flat memory.
constexpr std::size_t kWriteFileFlushBytes = 64 * 1024;
}  // namespace

Flow WorldFsWriteFile::open() {
  file_ = AtomicFile::create(root_, cfg_.path, fsync_);
  if (file_.fd() >= 0) out_.emplace(file_.fd(), ctx_->pool());
  return Flow::kContinue;  // an open failure surfaces at the end, where X07 writes the file
}

Flow WorldFsWriteFile::consume(ByteView v) {
  if (!out_) return Flow::kContinue;
  // A page-sized item with nothing buffered goes straight to the file: no copy into the buffer.
  if (out_->buffered() == 0 && v.size >= kWriteFileFlushBytes) {
    out_->write_direct(v);
    return Flow::kContinue;
  }
  out_->write(v);
  if (out_->buffered() >= kWriteFileFlushBytes) out_->flush();
  return Flow::kContinue;
}

OffloadCopy WorldFsWriteFile::offload_from(int in_fd, std::uint64_t bytes, bool input_may_grow) {
  if (!copy_offload_ || !out_ || out_->buffered() != 0 || file_.mode() != AtomicFile::Mode::kReplace)
    return OffloadCopy::kDeclined;
  const CopyExactly r = copy_file_exactly(in_fd, file_.fd(), bytes, input_may_grow);
  if (r.copied) return OffloadCopy::kCopied;
  if (r.truncate_errno == 0) return OffloadCopy::kDeclined;
  offload_errno_ = r.truncate_errno;
  return OffloadCopy::kOutputFailed;
}

Flow WorldFsWriteFile::finish() {
  std::uint32_t rc = 0;
  if (offload_errno_ != 0) {
    rc = fs_error_code(PathError::kOs, offload_errno_);
    ctx_->set_detail("cannot write '" + cfg_.path + "': " + std::strerror(offload_errno_));
  } else if (!out_) {
    rc = fs_error_code(file_.error(), file_.err_no());
    ctx_->set_detail("cannot open '" + cfg_.path + "': " + describe(file_.error(), file_.err_no()));
  } else if (!out_->flush()) {
    rc = fs_error_code(PathError::kOs, out_->error_number());
    ctx_->set_detail("cannot write '" + cfg_.path + "': " + std::strerror(out_->error_number()));
  } else if (const int e = file_.commit(); e != 0) {
    rc = fs_error_code(PathError::kOs, e);
    ctx_->set_detail("cannot commit '" + cfg_.path + "': " + std::strerror(e));
  }
  if (rc == 0) return Flow::kContinue;
  file_.abandon();
  const auto payload = u32_payload({rc});
  const Flow f = ctx_->fail(ErrId::kFsWriteFailed, ByteView(payload.data(), 4));
  return f;
}

}  // namespace sluice
