/* Baseline for length-prefixed messages: the read-exactly loop of a Stream-based reader (the
 * .NET Pipelines gRPC example's "before"): read the 4-byte length, then read exactly that many
 * bytes into a message buffer, which copies each message out of the I/O buffer.
 *
 *   read_exact FILE   prints messages and payload bytes copied
 *
 * stdio with a 64 KiB buffer (sluice's page size): every message is read into it and copied out
 * (glibc's setvbuf ignores the size when given no buffer, and reads requests of a buffer or more
 * straight into the destination, so the buffer is ours). The message buffer is reused, not
 * allocated per message, which makes this the strongest version of the loop. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: read_exact FILE\n");
    return 2;
  }
  FILE* f = fopen(argv[1], "rb");
  if (!f) {
    perror(argv[1]);
    return 1;
  }
  static char iobuf[65536];
  setvbuf(f, iobuf, _IOFBF, sizeof iobuf);
  size_t cap = 1 << 16;
  uint8_t* msg = malloc(cap);
  uint64_t messages = 0, copied = 0, sum = 0;
  uint8_t h[4];
  while (fread(h, 1, 4, f) == 4) {
    const uint32_t len = (uint32_t)h[0] | (uint32_t)h[1] << 8 | (uint32_t)h[2] << 16 | (uint32_t)h[3] << 24;
    if (len > cap) {
      while (cap < len) cap *= 2;
      msg = realloc(msg, cap);
      if (!msg) return 1;
    }
    if (fread(msg, 1, len, f) != len) {
      fprintf(stderr, "read_exact: truncated message\n");
      return 1;
    }
    ++messages;
    copied += len;
    if (len) sum += msg[len - 1];  /* touch the message, as a consumer would */
  }
  printf("%llu %llu %llu\n", (unsigned long long)messages, (unsigned long long)copied, (unsigned long long)sum);
  free(msg);
  fclose(f);
  return 0;
}
