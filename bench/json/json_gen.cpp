// Writes a deterministic JSON document of about the requested size for the json_canon benchmark:
// an array of records (objects with shuffled keys, some keys non-ASCII), holding integers, short
// decimals, 17-digit doubles and exponents, Unicode strings (Latin, Cyrillic, CJK, emoji, escapes),
// nested arrays and objects, and pretty-printing whitespace. Nothing in it is outside I-JSON or
// treated differently by JavaScript (no duplicate keys, no "__proto__", no non-characters), so
// node + the npm `canonicalize` package must give the same bytes as sluice.
//
//   sluice_json_gen OUT.json [MB=100] [SEED=1]
#include <array>
#include <cinttypes>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

// splitmix64: tiny, fast and the same everywhere, so the document is the same on every machine.
struct Rng {
  std::uint64_t s;
  std::uint64_t next() {
    std::uint64_t z = (s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  std::uint32_t below(std::uint32_t n) { return static_cast<std::uint32_t>(next() % n); }
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
};

constexpr std::array<std::string_view, 24> kKeys{
    "id",       "name",    "email",     "created_at", "updated_at", "score",      "ratio",   "tags",
    "active",   "parent",  "children",  "location",   "amount",     "currency",   "notes",   "version",
    "\xe5\x90\x8d\xe5\x89\x8d",  // 名前
    "\xd0\xba\xd0\xbb\xd1\x8e\xd1\x87",  // ключ
    "\xc3\xa9tat",  // état
    "emoji_\xf0\x9f\x98\x80",
    "\xee\x80\x80private",  // U+E000 (sorts after astral keys in UTF-16 order)
    "Zeta",     "_meta",   "a",
};

constexpr std::array<std::string_view, 16> kWords{
    "lorem", "ipsum", "dolor", "sit", "amet", "stream", "sluice", "canonical", "caf\xc3\xa9",
    "na\xc3\xafve", "\xd0\xbf\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82",  // привет
    "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",                              // 日本語
    "\xe4\xb8\xad\xe6\x96\x87", "\xf0\x9f\x9a\x80", "\xce\xb1\xce\xb2\xce\xb3", "x"};

constexpr std::array<std::string_view, 8> kEscapes{"\\n", "\\t", "\\\"", "\\\\", "\\/", "\\u00e9", "\\ud83d\\ude00",
                                                   "\\u0001"};

class Gen {
 public:
  explicit Gen(std::uint64_t seed) : rng_{seed} {}
  std::string out;

  void number() {
    switch (rng_.below(10)) {
      case 0: case 1: case 2:  // small integers
        out += std::to_string(static_cast<std::int64_t>(rng_.below(100000)) - 1000);
        break;
      case 3:  // large integers, some beyond 2^53
        out += std::to_string(rng_.next() >> rng_.below(40));
        break;
      case 4: case 5: {  // prices and ratios: short decimals, some with trailing zeros
        char b[32];
        std::snprintf(b, sizeof b, "%.*f", 1 + static_cast<int>(rng_.below(4)), rng_.unit() * 10000);
        out += b;
        break;
      }
      case 6: case 7: {  // computed doubles: 17 significant digits, not always the shortest
        char b[40];
        std::snprintf(b, sizeof b, "%.17g", rng_.unit() * 1000 - 500);
        out += b;
        break;
      }
      case 8: {  // exponents
        char b[40];
        std::snprintf(b, sizeof b, "%.3e", (rng_.unit() + 0.1) * std::pow(10.0, static_cast<int>(rng_.below(60)) - 30));
        out += b;
        break;
      }
      default:
        out += rng_.below(2) ? "-0" : "0.0";
    }
  }

  void string() {
    out.push_back('"');
    const std::uint32_t words = 1 + rng_.below(8);
    for (std::uint32_t i = 0; i < words; ++i) {
      if (i) out.push_back(' ');
      out += kWords[rng_.below(kWords.size())];
      if (rng_.below(12) == 0) out += kEscapes[rng_.below(kEscapes.size())];
    }
    out.push_back('"');
  }

  void value(int depth) {
    const std::uint32_t pick = rng_.below(depth >= 4 ? 6 : 9);
    switch (pick) {
      case 0: case 1: number(); break;
      case 2: case 3: string(); break;
      case 4: out += rng_.below(2) ? "true" : "false"; break;
      case 5: out += "null"; break;
      case 6: array(depth + 1); break;
      default: object(depth + 1, 2 + rng_.below(6));
    }
  }

  void array(int depth) {
    out.push_back('[');
    const std::uint32_t n = rng_.below(8);
    for (std::uint32_t i = 0; i < n; ++i) {
      if (i) out += ", ";
      value(depth);
    }
    out.push_back(']');
  }

  // An object with `n` distinct keys in a random order.
  void object(int depth, std::uint32_t n) {
    std::array<std::uint32_t, kKeys.size()> idx{};
    for (std::uint32_t i = 0; i < idx.size(); ++i) idx[i] = i;
    for (std::uint32_t i = 0; i < n; ++i) std::swap(idx[i], idx[i + rng_.below(static_cast<std::uint32_t>(idx.size()) - i)]);
    out += "{";
    for (std::uint32_t i = 0; i < n; ++i) {
      out += i ? ",\n  " : "\n  ";
      out.push_back('"');
      out += kKeys[idx[i]];
      out += "\": ";
      value(depth);
    }
    out += "\n}";
  }

 private:
  Rng rng_;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s OUT.json [MB=100] [SEED=1]\n", argv[0]);
    return 2;
  }
  const double mb = argc > 2 ? std::atof(argv[2]) : 100.0;
  const std::uint64_t seed = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 1;
  const auto target = static_cast<std::size_t>(mb * 1e6);
  Gen g(seed);
  g.out.reserve(target + 4096);
  g.out += "[\n";
  for (std::size_t records = 0; g.out.size() < target; ++records) {
    if (records) g.out += ",\n";
    g.object(1, static_cast<std::uint32_t>(6 + records % 10));
  }
  g.out += "\n]\n";
  std::FILE* f = std::fopen(argv[1], "wb");
  if (f == nullptr || std::fwrite(g.out.data(), 1, g.out.size(), f) != g.out.size() || std::fclose(f) != 0) {
    std::perror(argv[1]);
    return 1;
  }
  std::printf("%zu\n", g.out.size());
  return 0;
}
