/* Deterministic benchmark data for bench/run, and the numbers a run must reproduce.
 *
 *   gen lines BYTES OUT            text of ~80-byte printable-ASCII lines (40..120 incl. '\n'),
 *                                  the generator of ../shared/research/zero-copy.md §6.4
 *   gen frame-lines IN OUT         IN's lines (split_lines semantics: '\n' stripped, a non-empty
 *                                  unterminated tail kept) as u32le-length frames
 *   gen frames BYTES OUT           u32le frames of mixed sizes: many small, some above 64 KiB
 *   gen messages BYTES OUT SIZE    u32le frames of SIZE-byte messages
 *
 * Each mode also writes OUT.expect: key=value lines (items, payload bytes, and the bytes sluice
 * must copy when its source delivers CHUNK-byte items: the lines or frames that cross a chunk
 * boundary, all others being views). CHUNK is $GEN_CHUNK, default 65536.
 * Same arguments, same bytes: xorshift64 with fixed seeds, no time, no locale. */
#define _FILE_OFFSET_BITS 64
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t chunk = 65536;

static uint64_t xs(uint64_t* s) {
  *s ^= *s << 13;
  *s ^= *s >> 7;
  *s ^= *s << 17;
  return *s;
}

static FILE* open_or_die(const char* path, const char* mode) {
  FILE* f = fopen(path, mode);
  if (!f) {
    perror(path);
    exit(1);
  }
  return f;
}

static void write_or_die(FILE* f, const void* p, size_t n, const char* what) {
  if (n && fwrite(p, 1, n, f) != n) {
    perror(what);
    exit(1);
  }
}

static void close_or_die(FILE* f, const char* what) {
  if (fclose(f) != 0) {
    perror(what);
    exit(1);
  }
}

static FILE* open_expect(const char* out) {
  char path[4096];
  snprintf(path, sizeof path, "%s.expect", out);
  return open_or_die(path, "w");
}

/* A payload [start, start+len) is delivered as a view iff it lies inside one chunk. */
static int crosses(uint64_t start, uint64_t len) {
  return len != 0 && start / chunk != (start + len - 1) / chunk;
}

/* Line content [s, nl) with its delimiter at nl: split_lines copies it into its carry iff the
 * delimiter is in a later chunk than the first content byte. */
static int line_copied(uint64_t s, uint64_t nl) { return nl > s && s / chunk != nl / chunk; }

static int gen_lines(uint64_t n, const char* out) {
  FILE* f = open_or_die(out, "wb");
  static uint8_t buf[1 << 20];
  uint64_t s = 88172645463325252ull, w = 0, lines = 0, copied = 0, line_start = 0;
  while (w < n) {
    size_t b = 0;
    while (b < sizeof buf - 200 && w + b < n) {
      xs(&s);
      size_t len = 40 + (size_t)(s % 81);
      for (size_t k = 0; k + 1 < len; k++) buf[b++] = (uint8_t)(' ' + ((s >> (k % 56)) + k * 7) % 94);
      buf[b++] = '\n';
    }
    if (w + b > n) b = (size_t)(n - w);
    for (size_t i = 0; i < b; i++) {
      if (buf[i] != '\n') continue;
      uint64_t nl = w + i;
      if (line_copied(line_start, nl)) copied += nl - line_start;
      ++lines;
      line_start = nl + 1;
    }
    write_or_die(f, buf, b, out);
    w += b;
  }
  close_or_die(f, out);
  uint64_t items = lines, tail = n - line_start;
  if (tail != 0) {  /* the unterminated tail is carried, then emitted at flush */
    ++items;
    copied += tail;
  }
  FILE* e = open_expect(out);
  fprintf(e, "bytes=%llu\nnewlines=%llu\nitems=%llu\ncopied_bytes=%llu\nchunk=%llu\n", (unsigned long long)n,
          (unsigned long long)lines, (unsigned long long)items, (unsigned long long)copied,
          (unsigned long long)chunk);
  close_or_die(e, out);
  return 0;
}

static void put_u32le(uint8_t* p, uint32_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
  p[2] = (uint8_t)(v >> 16);
  p[3] = (uint8_t)(v >> 24);
}

static int gen_frame_lines(const char* in, const char* out) {
  FILE* fi = open_or_die(in, "rb");
  FILE* fo = open_or_die(out, "wb");
  setvbuf(fo, NULL, _IOFBF, 1 << 20);
  static uint8_t buf[1 << 20];
  uint8_t* line = malloc(1 << 20);
  size_t line_len = 0, r;
  uint64_t items = 0, bytes = 0;
  uint8_t h[4];
  while ((r = fread(buf, 1, sizeof buf, fi)) > 0) {
    for (size_t i = 0; i < r; i++) {
      if (buf[i] == '\n') {
        put_u32le(h, (uint32_t)line_len);
        write_or_die(fo, h, 4, out);
        write_or_die(fo, line, line_len, out);
        bytes += 4 + line_len;
        ++items;
        line_len = 0;
      } else if (line_len < (1 << 20)) {
        line[line_len++] = buf[i];
      } else {
        fprintf(stderr, "gen: line longer than 1 MiB in %s\n", in);
        return 1;
      }
    }
  }
  if (line_len != 0) {
    put_u32le(h, (uint32_t)line_len);
    write_or_die(fo, h, 4, out);
    write_or_die(fo, line, line_len, out);
    bytes += 4 + line_len;
    ++items;
  }
  fclose(fi);
  close_or_die(fo, out);
  free(line);
  FILE* e = open_expect(out);
  fprintf(e, "bytes=%llu\nitems=%llu\n", (unsigned long long)bytes, (unsigned long long)items);
  close_or_die(e, out);
  return 0;
}

/* Frame sizes: 60% 0..255, 30% 256..4095, 9% 4 KiB..64 KiB-1, 1% 64 KiB..256 KiB (larger than a
 * page; about a third of the payload bytes). Filled with a cheap byte pattern. */
static uint32_t frame_size(uint64_t* s) {
  uint64_t r = xs(s), pick = r % 100, v = r >> 8;
  if (pick < 60) return (uint32_t)(v % 256);
  if (pick < 90) return (uint32_t)(256 + v % (4096 - 256));
  if (pick < 99) return (uint32_t)(4096 + v % (65536 - 4096));
  return (uint32_t)(65536 + v % (262144 - 65536));
}

static int write_frames(uint64_t n, const char* out, uint32_t fixed_size) {
  FILE* f = open_or_die(out, "wb");
  setvbuf(f, NULL, _IOFBF, 1 << 20);
  uint8_t* payload = malloc(262144 + 4);
  uint64_t s = 0x9E3779B97F4A7C15ull, w = 0, frames = 0, payload_bytes = 0, big = 0, crossing = 0, copied = 0;
  for (;;) {
    uint32_t len = fixed_size ? fixed_size : frame_size(&s);
    if (w + 4 + len > n) break;
    uint64_t fill = xs(&s);
    for (uint32_t k = 0; k < len; k++) payload[4 + k] = (uint8_t)((fill >> (k % 57)) + k * 13);
    put_u32le(payload, len);
    write_or_die(f, payload, 4 + (size_t)len, out);
    if (len > 65536) ++big;
    if (crosses(w + 4, len)) {
      ++crossing;
      copied += len;
    }
    w += 4 + len;
    payload_bytes += len;
    ++frames;
  }
  close_or_die(f, out);
  free(payload);
  FILE* e = open_expect(out);
  fprintf(e, "bytes=%llu\nitems=%llu\npayload_bytes=%llu\nframes_over_64k=%llu\ncrossing_frames=%llu\n"
          "copied_bytes=%llu\nchunk=%llu\n",
          (unsigned long long)w, (unsigned long long)frames, (unsigned long long)payload_bytes,
          (unsigned long long)big, (unsigned long long)crossing, (unsigned long long)copied,
          (unsigned long long)chunk);
  close_or_die(e, out);
  return 0;
}

int main(int argc, char** argv) {
  const char* c = getenv("GEN_CHUNK");
  if (c && *c) chunk = strtoull(c, NULL, 10);
  if (chunk == 0) chunk = 65536;
  if (argc == 4 && strcmp(argv[1], "lines") == 0) return gen_lines(strtoull(argv[2], NULL, 10), argv[3]);
  if (argc == 4 && strcmp(argv[1], "frame-lines") == 0) return gen_frame_lines(argv[2], argv[3]);
  if (argc == 4 && strcmp(argv[1], "frames") == 0) return write_frames(strtoull(argv[2], NULL, 10), argv[3], 0);
  if (argc == 5 && strcmp(argv[1], "messages") == 0) {
    unsigned long long size = strtoull(argv[4], NULL, 10);
    if (size == 0 || size > 262144) {
      fprintf(stderr, "gen: message size must be 1..262144\n");
      return 2;
    }
    return write_frames(strtoull(argv[2], NULL, 10), argv[3], (uint32_t)size);
  }
  fprintf(stderr,
          "usage: gen lines BYTES OUT | gen frame-lines IN OUT | gen frames BYTES OUT |"
          " gen messages BYTES OUT SIZE\n");
  return 2;
}
