/* The baseline of bench/net/run.sh: a plain C read loop over a TCP connection that splits u32 LE
 * frames and computes FNV-1a 32 over their payloads, i.e. what
 * net_tcp_read_u32frames_v1 -> hash_fnv1a32_v1 computes. Usage: fnv_read PORT; prints the hash. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_port = htons((uint16_t)atoi(argv[1]));
  a.sin_addr.s_addr = htonl(0x7f000001);
  if (connect(fd, (struct sockaddr*)&a, sizeof a) != 0) { perror("connect"); return 1; }
  static uint8_t buf[65536];
  uint32_t h = 2166136261u, need = 0, hdr = 0, hdr_len = 0;
  int in_payload = 0;
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0) { perror("read"); return 1; }
    if (n == 0) break;
    for (ssize_t i = 0; i < n;) {
      if (!in_payload) {
        hdr |= (uint32_t)buf[i++] << (8 * hdr_len);
        if (++hdr_len == 4) { need = hdr; hdr = 0; hdr_len = 0; in_payload = need > 0; }
      } else {
        ssize_t take = n - i < (ssize_t)need ? n - i : (ssize_t)need;
        for (ssize_t k = 0; k < take; ++k) h = (h ^ buf[i + k]) * 16777619u;
        i += take;
        need -= (uint32_t)take;
        if (need == 0) in_payload = 0;
      }
    }
  }
  printf("%08x\n", h);
  return 0;
}
