// The C stream API (<sluice/stream.h>) over the C++ one (<sluice/stream.hpp>). The C++ streams
// report errors as values; the only exception they can raise is std::bad_alloc when a stream is
// made, and every entry point that makes one catches it, so nothing crosses into C.
#include <sluice/stream.h>

#include <algorithm>
#include <cerrno>
#include <new>

#include <sluice/stream.hpp>

namespace embed = sluice::embed;

namespace {
// The C host's callback, reached through the C++ stream's `user` pointer.
struct CReader {
  sluice_read_fn fn;
  void* user;
};
struct CWriter {
  sluice_write_fn fn;
  void* user;
};

std::ptrdiff_t call_reader(void* self, std::uint8_t* buf, std::size_t cap) {
  const auto* r = static_cast<const CReader*>(self);
  return r->fn(r->user, buf, cap);
}

std::ptrdiff_t call_writer(void* self, const embed::IoPart* parts, int count) {
  const auto* w = static_cast<const CWriter*>(self);
  // The C and C++ part structs are distinct types; a batch is at most 64 parts, copied here.
  sluice_io_part c_parts[64];
  const int n = std::min(count, 64);
  for (int i = 0; i < n; ++i) c_parts[i] = {parts[i].data, parts[i].size};
  return w->fn(w->user, c_parts, n);
}

sluice_stream_status to_c(embed::StreamErrc code) { return static_cast<sluice_stream_status>(code); }

embed::InputOptions in_options(const sluice_istream_options* o) {
  embed::InputOptions opts;
  if (o != nullptr) {
    opts.page_size = o->page_size;
    opts.max_pull = o->max_pull;
  }
  return opts;
}

embed::OutputOptions out_options(const sluice_ostream_options* o) {
  embed::OutputOptions opts;
  if (o != nullptr) {
    opts.page_size = o->page_size;
    opts.flush_threshold = o->flush_threshold;
  }
  return opts;
}
}  // namespace

struct sluice_istream {
  CReader reader{};  // before `stream`, which points at it
  embed::InputStream stream;
};

struct sluice_ostream {
  CWriter writer{};
  embed::OutputStream stream;
};

extern "C" {

const char* sluice_stream_status_text(sluice_stream_status status) {
  switch (status) {
    case SLUICE_STREAM_USAGE: return "a NULL handle or argument";
    case SLUICE_STREAM_NOMEM: return "out of memory";
    default: break;
  }
  if (status < SLUICE_STREAM_OK || status > SLUICE_STREAM_CLOSED) return "unknown stream status";
  // stream_error_text returns views of string literals, so data() is NUL-terminated.
  return embed::stream_error_text(static_cast<embed::StreamErrc>(status)).data();
}

sluice_stream_status sluice_istream_memory(const uint8_t* data, size_t len, sluice_istream** out) {
  if (out == nullptr || (data == nullptr && len != 0) || len > UINT32_MAX) return SLUICE_STREAM_USAGE;
  *out = nullptr;
  try {
    *out = new sluice_istream{{}, embed::InputStream::over_memory({data, static_cast<std::uint32_t>(len)})};
    return SLUICE_STREAM_OK;
  } catch (...) {
    return SLUICE_STREAM_NOMEM;
  }
}

sluice_stream_status sluice_istream_fd(int fd, int use_mmap, const sluice_istream_options* options, sluice_istream** out) {
  if (out == nullptr) return SLUICE_STREAM_USAGE;
  *out = nullptr;
  try {
    *out = new sluice_istream{
        {}, embed::InputStream::over_fd(fd, in_options(options), use_mmap ? embed::FdMode::kMmap : embed::FdMode::kRead)};
    return SLUICE_STREAM_OK;
  } catch (...) {
    return SLUICE_STREAM_NOMEM;
  }
}

sluice_stream_status sluice_istream_reader(sluice_read_fn fn, void* user, const sluice_istream_options* options,
                                           sluice_istream** out) {
  if (out == nullptr || fn == nullptr) return SLUICE_STREAM_USAGE;
  *out = nullptr;
  try {
    auto* s = new sluice_istream{{fn, user}, embed::InputStream::over_memory({})};
    try {
      s->stream = embed::InputStream::over_reader(&call_reader, &s->reader, in_options(options));
    } catch (...) {
      delete s;
      throw;
    }
    *out = s;
    return SLUICE_STREAM_OK;
  } catch (...) {
    return SLUICE_STREAM_NOMEM;
  }
}

void sluice_istream_free(sluice_istream* stream) { delete stream; }

sluice_stream_status sluice_istream_pull(sluice_istream* stream, size_t n, const uint8_t** data, size_t* len) {
  if (stream == nullptr) return SLUICE_STREAM_USAGE;
  const embed::ByteView v = stream->stream.pull(n);
  if (data != nullptr) *data = v.data;
  if (len != nullptr) *len = v.size;
  return to_c(stream->stream.error().code);
}

int sluice_istream_readable(sluice_istream* stream, size_t n) {
  return stream != nullptr && stream->stream.readable(n) ? 1 : 0;
}

void sluice_istream_peek(const sluice_istream* stream, const uint8_t** data, size_t* len) {
  const embed::ByteView v = stream != nullptr ? stream->stream.peek() : embed::ByteView{};
  if (data != nullptr) *data = v.data;
  if (len != nullptr) *len = v.size;
}

sluice_stream_status sluice_istream_advance(sluice_istream* stream, size_t n) {
  if (stream == nullptr) return SLUICE_STREAM_USAGE;
  stream->stream.advance(n);
  return to_c(stream->stream.error().code);
}

int sluice_istream_at_end(const sluice_istream* stream) { return stream == nullptr || stream->stream.at_end() ? 1 : 0; }
uint64_t sluice_istream_consumed(const sluice_istream* stream) { return stream ? stream->stream.consumed() : 0; }
uint64_t sluice_istream_copied_bytes(const sluice_istream* stream) { return stream ? stream->stream.copied_bytes() : 0; }

sluice_stream_status sluice_istream_error(const sluice_istream* stream, int* sys_errno) {
  if (stream == nullptr) return SLUICE_STREAM_USAGE;
  const embed::StreamError e = stream->stream.error();
  if (sys_errno != nullptr) *sys_errno = e.sys_errno;
  return to_c(e.code);
}

sluice_stream_status sluice_ostream_fd(int fd, const sluice_ostream_options* options, sluice_ostream** out) {
  if (out == nullptr) return SLUICE_STREAM_USAGE;
  *out = nullptr;
  try {
    *out = new sluice_ostream{{}, embed::OutputStream::over_fd(fd, out_options(options))};
    return SLUICE_STREAM_OK;
  } catch (...) {
    return SLUICE_STREAM_NOMEM;
  }
}

sluice_stream_status sluice_ostream_memory(const sluice_ostream_options* options, sluice_ostream** out) {
  if (out == nullptr) return SLUICE_STREAM_USAGE;
  *out = nullptr;
  try {
    *out = new sluice_ostream{{}, embed::OutputStream::over_memory(out_options(options))};
    return SLUICE_STREAM_OK;
  } catch (...) {
    return SLUICE_STREAM_NOMEM;
  }
}

sluice_stream_status sluice_ostream_writer(sluice_write_fn fn, void* user, const sluice_ostream_options* options,
                                           sluice_ostream** out) {
  if (out == nullptr || fn == nullptr) return SLUICE_STREAM_USAGE;
  *out = nullptr;
  try {
    // The C++ stream keeps a pointer to `writer`, so the handle is made first and filled in place.
    auto* s = new sluice_ostream{{fn, user}, embed::OutputStream::over_memory({})};
    try {
      s->stream = embed::OutputStream::over_writer(&call_writer, &s->writer, out_options(options));
    } catch (...) {
      delete s;
      throw;
    }
    *out = s;
    return SLUICE_STREAM_OK;
  } catch (...) {
    return SLUICE_STREAM_NOMEM;
  }
}

void sluice_ostream_free(sluice_ostream* stream) { delete stream; }

sluice_stream_status sluice_ostream_write(sluice_ostream* stream, const void* data, size_t len) {
  if (stream == nullptr || (data == nullptr && len != 0)) return SLUICE_STREAM_USAGE;
  // ByteView holds at most 4 GiB - 1 bytes: a longer buffer goes in slices.
  const auto* p = static_cast<const std::uint8_t*>(data);
  while (len != 0) {
    const std::size_t n = std::min<std::size_t>(len, UINT32_MAX);
    stream->stream.write({p, static_cast<std::uint32_t>(n)});
    p += n;
    len -= n;
  }
  return to_c(stream->stream.error().code);
}

sluice_stream_status sluice_ostream_reserve(sluice_ostream* stream, size_t n, sluice_hole* hole) {
  if (stream == nullptr || hole == nullptr) return SLUICE_STREAM_USAGE;
  const embed::Hole h = stream->stream.reserve(n);
  *hole = {h.id, h.size};
  return to_c(stream->stream.error().code);
}

sluice_stream_status sluice_ostream_fill(sluice_ostream* stream, const sluice_hole* hole, const void* data, size_t len) {
  if (stream == nullptr || hole == nullptr || (data == nullptr && len != 0)) return SLUICE_STREAM_USAGE;
  // A hole is at most a page (< 4 GiB), so a longer fill is a wrong size: pass a size that cannot match.
  const auto n = static_cast<std::uint32_t>(std::min<std::size_t>(len, UINT32_MAX));
  stream->stream.fill({hole->id, hole->size}, {static_cast<const std::uint8_t*>(data), n});
  return to_c(stream->stream.error().code);
}

sluice_stream_status sluice_ostream_flush(sluice_ostream* stream) {
  if (stream == nullptr) return SLUICE_STREAM_USAGE;
  stream->stream.flush();
  return to_c(stream->stream.error().code);
}

sluice_stream_status sluice_ostream_close(sluice_ostream* stream) {
  if (stream == nullptr) return SLUICE_STREAM_USAGE;
  stream->stream.close();
  return to_c(stream->stream.error().code);
}

sluice_stream_status sluice_ostream_error(const sluice_ostream* stream, int* sys_errno) {
  if (stream == nullptr) return SLUICE_STREAM_USAGE;
  const embed::StreamError e = stream->stream.error();
  if (sys_errno != nullptr) *sys_errno = e.sys_errno;
  return to_c(e.code);
}

uint64_t sluice_ostream_bytes_written(const sluice_ostream* stream) { return stream ? stream->stream.bytes_written() : 0; }

const uint8_t* sluice_ostream_memory_bytes(const sluice_ostream* stream, size_t* len) {
  const embed::ByteView v = stream != nullptr ? stream->stream.memory() : embed::ByteView{};
  if (len != nullptr) *len = v.size;
  return v.data;
}

}  // extern "C"
