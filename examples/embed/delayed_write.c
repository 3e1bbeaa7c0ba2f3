/* Worked example (b) of the stream API (docs/stream_api.md), in C: a host writes records whose
 * u32le length prefix is known only after the record is written. It reserves a 4-byte hole, writes
 * the record in pieces, then fills the hole: nothing is serialised twice, and the bytes after an
 * open hole never reach the file before it is filled.
 *
 *   delayed_write OUT_FILE     writes the records to OUT_FILE, then shows the unfilled-hole error
 */
#include <sluice/stream.h>

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int check(sluice_stream_status s, const char* what) {
  if (s != SLUICE_STREAM_OK) fprintf(stderr, "%s: %s\n", what, sluice_stream_status_text(s));
  return s == SLUICE_STREAM_OK;
}

/* Writes one record: a hole for the prefix, the words with spaces between them, then the fill. */
static int write_record(sluice_ostream* out, const char* const* words, int n) {
  sluice_hole hole;
  uint32_t len = 0;
  uint8_t prefix[4];
  int i;
  if (!check(sluice_ostream_reserve(out, 4, &hole), "reserve")) return 0;
  for (i = 0; i < n; ++i) {
    const size_t w = strlen(words[i]);
    if (i > 0) {
      if (!check(sluice_ostream_write(out, " ", 1), "write")) return 0;
      len += 1;
    }
    if (!check(sluice_ostream_write(out, words[i], w), "write")) return 0;
    len += (uint32_t)w;
  }
  prefix[0] = (uint8_t)len;
  prefix[1] = (uint8_t)(len >> 8);
  prefix[2] = (uint8_t)(len >> 16);
  prefix[3] = (uint8_t)(len >> 24);
  return check(sluice_ostream_fill(out, &hole, prefix, 4), "fill");
}

int main(int argc, char** argv) {
  static const char* const r1[] = {"delayed", "length", "prefix"};
  static const char* const r2[] = {"second"};
  static const char* const r3[] = {"a", "third", "record", "of", "six", "words"};
  sluice_ostream* out = NULL;
  sluice_ostream* mem = NULL;
  sluice_hole hole;
  const uint8_t* bytes;
  size_t len = 0;
  int fd;
  if (argc != 2) {
    fprintf(stderr, "usage: delayed_write OUT_FILE\n");
    return 2;
  }
  fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) {
    perror(argv[1]);
    return 1;
  }
  if (!check(sluice_ostream_fd(fd, NULL, &out), "open")) return 1;
  if (!write_record(out, r1, 3) || !write_record(out, r2, 1) || !write_record(out, r3, 6)) return 1;
  if (!check(sluice_ostream_close(out), "close")) return 1;
  printf("delayed_write: records=3 bytes=%llu\n", (unsigned long long)sluice_ostream_bytes_written(out));
  sluice_ostream_free(out);
  close(fd);

  /* A hole that is never filled: close reports it, and nothing from the hole on is written. */
  if (!check(sluice_ostream_memory(NULL, &mem), "open")) return 1;
  sluice_ostream_write(mem, "kept", 4);
  sluice_ostream_reserve(mem, 4, &hole);
  sluice_ostream_write(mem, "held back", 9);
  printf("delayed_write: unfilled hole at close: %s\n", sluice_stream_status_text(sluice_ostream_close(mem)));
  bytes = sluice_ostream_memory_bytes(mem, &len);
  printf("delayed_write: written before the hole: %.*s\n", (int)len, (const char*)bytes);
  sluice_ostream_free(mem);
  return 0;
}
