/* Baseline for the hash pipelines: the plain FNV-1a 32 loop a C programmer writes.
 *
 *   fnv1a FILE              hash every byte of FILE (the framed lines: u32le length + line)
 *   fnv1a --payloads FILE   FILE is u32le-length frames; hash the payload bytes only
 *
 * read(2) into a 64 KiB buffer (sluice's page size), one byte per step of the FNV chain, -O2.
 * Prints the hash as 8 hex digits, so bench/run can check it against sluice's payload. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char** argv) {
  int payloads = argc == 3 && strcmp(argv[1], "--payloads") == 0;
  if (argc != 2 + payloads) {
    fprintf(stderr, "usage: fnv1a [--payloads] FILE\n");
    return 2;
  }
  int fd = open(argv[argc - 1], O_RDONLY);
  if (fd < 0) {
    perror(argv[argc - 1]);
    return 1;
  }
  static uint8_t buf[65536];
  uint32_t h = 0x811C9DC5u;
  /* --payloads: header bytes still to skip (and collect), payload bytes still to hash */
  uint32_t hdr_have = 0, need = 0, len = 0;
  ssize_t r;
  while ((r = read(fd, buf, sizeof buf)) > 0) {
    const uint8_t* p = buf;
    const uint8_t* end = buf + r;
    if (!payloads) {
      for (; p != end; ++p) h = (h ^ *p) * 16777619u;
      continue;
    }
    while (p != end) {
      if (need == 0) {
        len |= (uint32_t)*p++ << (8 * hdr_have);
        if (++hdr_have == 4) {
          need = len;
          hdr_have = 0;
          len = 0;
        }
        continue;
      }
      size_t n = (size_t)(end - p) < need ? (size_t)(end - p) : need;
      for (const uint8_t* q = p + n; p != q; ++p) h = (h ^ *p) * 16777619u;
      need -= (uint32_t)n;
    }
  }
  if (r < 0) {
    perror("read");
    return 1;
  }
  close(fd);
  printf("%08x\n", h);
  return 0;
}
