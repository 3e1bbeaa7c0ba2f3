// A main for the fuzz targets when they are built without libFuzzer (gcc, plain test builds):
// runs every file of the corpus directories given as arguments, then a fixed number of inputs
// made by deterministic mutation of them, so the targets run as ordinary CTest tests. A missing
// argument, a path that does not exist, an empty directory or an empty corpus fails the run (exit
// 2): a replay over nothing would pass while testing nothing.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR_OR_FILE...\n", argv[0]);
    return 2;
  }
  std::vector<std::vector<std::uint8_t>> corpus;
  for (int i = 1; i < argc; ++i) {
    const std::filesystem::path p(argv[i]);
    std::vector<std::filesystem::path> files;
    if (std::filesystem::is_directory(p)) {
      for (const auto& e : std::filesystem::directory_iterator(p))
        if (e.is_regular_file()) files.push_back(e.path());
      if (files.empty()) {
        std::fprintf(stderr, "fuzz replay: corpus directory %s has no files\n", argv[i]);
        return 2;
      }
    } else if (std::filesystem::is_regular_file(p)) {
      files.push_back(p);
    } else {
      std::fprintf(stderr, "fuzz replay: corpus %s does not exist\n", argv[i]);
      return 2;
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      std::ifstream in(f, std::ios::binary);
      if (!in) {
        std::fprintf(stderr, "fuzz replay: cannot read %s\n", f.c_str());
        return 2;
      }
      corpus.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
  }
  // Only empty inputs would replay nothing worth the name.
  if (std::none_of(corpus.begin(), corpus.end(), [](const auto& input) { return !input.empty(); })) {
    std::fprintf(stderr, "fuzz replay: the corpus holds only empty inputs\n");
    return 2;
  }
  for (const auto& input : corpus) LLVMFuzzerTestOneInput(input.data(), input.size());
  // Deterministic mutations: flip, insert and delete bytes, splice two inputs.
  std::mt19937 rng(20261122u);
  constexpr int kMutations = 20000;
  for (int n = 0; n < kMutations && !corpus.empty(); ++n) {
    std::vector<std::uint8_t> m = corpus[rng() % corpus.size()];
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      const std::size_t at = m.empty() ? 0 : rng() % m.size();
      switch (rng() % 4) {
        case 0: if (!m.empty()) m[at] = static_cast<std::uint8_t>(rng()); break;
        case 1: m.insert(m.begin() + static_cast<std::ptrdiff_t>(at), static_cast<std::uint8_t>(rng())); break;
        case 2: if (!m.empty()) m.erase(m.begin() + static_cast<std::ptrdiff_t>(at)); break;
        default: {
          const auto& other = corpus[rng() % corpus.size()];
          m.insert(m.end(), other.begin(), other.begin() + static_cast<std::ptrdiff_t>(other.size() / 2));
        }
      }
    }
    LLVMFuzzerTestOneInput(m.data(), m.size());
  }
  std::printf("replayed %zu corpus inputs and %d mutations\n", corpus.size(), kMutations);
  return 0;
}
