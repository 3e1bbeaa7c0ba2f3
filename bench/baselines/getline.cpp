// Baseline for split_lines: the line loop a C++ programmer writes without sluice.
//   getline FILE   prints the number of lines and of line bytes (so nothing is optimised away)
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: getline FILE\n");
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  if (!in) {
    std::perror(argv[1]);
    return 1;
  }
  std::string line;
  std::uint64_t lines = 0, bytes = 0;
  while (std::getline(in, line)) {
    ++lines;
    bytes += line.size();
  }
  std::printf("%llu %llu\n", static_cast<unsigned long long>(lines), static_cast<unsigned long long>(bytes));
  return 0;
}
