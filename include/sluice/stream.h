/* sluice's zero-copy stream API in C (docs/stream_api.md; the C++ form is <sluice/stream.hpp>).
 * Opaque handles, status codes, no exceptions across this boundary. A NULL handle is
 * SLUICE_STREAM_USAGE (or an empty answer), never a crash. Views returned by pull/peek live until
 * the next pull, readable or advance on the same stream. */
#ifndef SLUICE_STREAM_H
#define SLUICE_STREAM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum sluice_stream_status {
  SLUICE_STREAM_OK = 0,
  SLUICE_STREAM_DEVICE = 1,         /* read/write or the host callback failed: see sys_errno */
  SLUICE_STREAM_TOO_LARGE = 2,      /* pull or reserve larger than the largest page */
  SLUICE_STREAM_PAST_END = 3,       /* advance past the bytes pulled */
  SLUICE_STREAM_BAD_HOLE = 4,       /* fill of an unknown or filled hole, or with the wrong size */
  SLUICE_STREAM_UNFILLED_HOLE = 5,  /* close with a hole never filled: nothing past it written */
  SLUICE_STREAM_CLOSED = 6,         /* a write after close */
  SLUICE_STREAM_USAGE = 7,          /* a NULL handle or argument */
  SLUICE_STREAM_NOMEM = 8           /* out of memory making the stream */
} sluice_stream_status;

/* A one-line description of a status. */
const char* sluice_stream_status_text(sluice_stream_status status);

/* ---- input ---- */
typedef struct sluice_istream sluice_istream;

typedef struct sluice_istream_options {
  size_t page_size; /* 0: 65536 */
  size_t max_pull;  /* 0: page_size */
} sluice_istream_options;

/* Fill at most cap bytes at buf; return how many (> 0), 0 at the end, or a negative errno. */
typedef ptrdiff_t (*sluice_read_fn)(void* user, uint8_t* buf, size_t cap);

/* Borrow `data` (it must outlive the stream). */
sluice_stream_status sluice_istream_memory(const uint8_t* data, size_t len, sluice_istream** out);
/* Borrow `fd` (the host closes it); use_mmap != 0 maps a regular file, else read(2); options may be NULL. */
sluice_stream_status sluice_istream_fd(int fd, int use_mmap, const sluice_istream_options* options, sluice_istream** out);
sluice_stream_status sluice_istream_reader(sluice_read_fn fn, void* user, const sluice_istream_options* options,
                                           sluice_istream** out);
void sluice_istream_free(sluice_istream* stream);

/* Make n contiguous bytes available; data and len receive every buffered byte from the cursor (len >= n,
 * or less only at the end of the input). Returns the stream's sticky status. */
sluice_stream_status sluice_istream_pull(sluice_istream* stream, size_t n, const uint8_t** data, size_t* len);
/* 1 when n contiguous bytes are available, else 0 (end of input, or an error). */
int sluice_istream_readable(sluice_istream* stream, size_t n);
void sluice_istream_peek(const sluice_istream* stream, const uint8_t** data, size_t* len);
sluice_stream_status sluice_istream_advance(sluice_istream* stream, size_t n);
int sluice_istream_at_end(const sluice_istream* stream);
uint64_t sluice_istream_consumed(const sluice_istream* stream);
uint64_t sluice_istream_copied_bytes(const sluice_istream* stream);
/* The first error (SLUICE_STREAM_OK if none); *sys_errno (if not NULL) its errno. */
sluice_stream_status sluice_istream_error(const sluice_istream* stream, int* sys_errno);

/* ---- output ---- */
typedef struct sluice_ostream sluice_ostream;

typedef struct sluice_ostream_options {
  size_t page_size;       /* 0: 65536; also the largest hole */
  size_t flush_threshold; /* auto-flush once this many bytes are buffered; 0: never */
} sluice_ostream_options;

typedef struct sluice_io_part {
  const uint8_t* data;
  size_t size;
} sluice_io_part;
/* Write the parts in order; return the bytes taken (> 0, may be fewer), or a negative errno. */
typedef ptrdiff_t (*sluice_write_fn)(void* user, const sluice_io_part* parts, int count);

/* A reserved range to be filled later with exactly `size` bytes. */
typedef struct sluice_hole {
  uint64_t id;
  size_t size;
} sluice_hole;

/* options may be NULL: 64 KiB pages, auto-flush at 256 KiB. */
sluice_stream_status sluice_ostream_fd(int fd, const sluice_ostream_options* options, sluice_ostream** out);
sluice_stream_status sluice_ostream_memory(const sluice_ostream_options* options, sluice_ostream** out);
sluice_stream_status sluice_ostream_writer(sluice_write_fn fn, void* user, const sluice_ostream_options* options,
                                           sluice_ostream** out);
/* Flushes what it can (errors are dropped: call sluice_ostream_close first to see them). */
void sluice_ostream_free(sluice_ostream* stream);

sluice_stream_status sluice_ostream_write(sluice_ostream* stream, const void* data, size_t len);
sluice_stream_status sluice_ostream_reserve(sluice_ostream* stream, size_t n, sluice_hole* hole);
sluice_stream_status sluice_ostream_fill(sluice_ostream* stream, const sluice_hole* hole, const void* data, size_t len);
sluice_stream_status sluice_ostream_flush(sluice_ostream* stream);
/* Flush; a hole still open is SLUICE_STREAM_UNFILLED_HOLE. */
sluice_stream_status sluice_ostream_close(sluice_ostream* stream);
sluice_stream_status sluice_ostream_error(const sluice_ostream* stream, int* sys_errno);
uint64_t sluice_ostream_bytes_written(const sluice_ostream* stream);
/* A memory stream's flushed bytes (valid until the next call on the stream). */
const uint8_t* sluice_ostream_memory_bytes(const sluice_ostream* stream, size_t* len);

#ifdef __cplusplus
}
#endif

#endif /* SLUICE_STREAM_H */
