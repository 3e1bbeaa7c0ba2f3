// Fuzz target for the x07 borrow checker: the input is a stream of choices that builds a random
// x07 expression from a small grammar over owners (bytes b, b2; vec_u8 v), a view w of them, and
// the builtins that take, slice, read, grow, replace and move them, inside loops and branches.
// Whatever the type and borrow checkers accept is run by the interpreter. Built with
// SLUICE_SANITIZE (or libFuzzer, which adds ASan), a view read after its owner's bytes were freed
// is a sanitizer report: a hole in the checker. Those builds (and Debug) also have the
// interpreter's view guard (compiler/x07/view_guard.hpp), which traps on any view used after its
// owner was moved or changed, freed or not: that trap is a hole too, and aborts. Any other trap
// (out of bounds, fuel) is a fine outcome.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "compiler/json_source.hpp"
#include "compiler/x07/interp.hpp"
#include "compiler/x07/typecheck.hpp"

namespace {

using namespace sluice;

// How many inputs the checkers accepted and the interpreter ran (SLUICE_FUZZ_STATS=1 prints it):
// a generator that only makes rejected programs would test nothing.
struct Stats {
  long made = 0, ran = 0;
  ~Stats() {
    if (std::getenv("SLUICE_FUZZ_STATS")) std::fprintf(stderr, "fuzz_x07_borrow: %ld programs, %ld accepted and run\n", made, ran);
  }
} g_stats;

class Gen {
 public:
  Gen(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}

  std::string program() {
    std::string s = R"(["begin", ["let","b",["bytes.lit","ab"]], ["let","b2",["bytes.lit","cde"]],)"
                    R"( ["let","v",["vec_u8.with_capacity",1]], ["let","w",["bytes.view","b"]], ["let","acc",0],)"
                    R"( ["let","r",["result_bytes_view.ok",["bytes.view","b2"]]])";
    const int n = 1 + pick(8);
    for (int i = 0; i < n; ++i) s += ", " + stmt(0);
    return s + R"(, ["+","acc",["view.len","w"]]])";
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t at_ = 0;

  int pick(int n) { return at_ < size_ ? data_[at_++] % n : 0; }

  std::string small() { return std::to_string(pick(4)); }

  std::string i32() {
    switch (pick(5)) {
      case 0: return small();
      case 1: return "\"acc\"";
      case 2: return "[\"view.len\"," + view() + "]";
      case 3: return "[\"view.get_u8\"," + view() + "," + small() + "]";
      default: return "[\"vec_u8.len\",\"v\"]";
    }
  }

  std::string view() {
    switch (pick(11)) {
      case 0: return "\"item\"";
      case 1: return "[\"bytes.view\",\"b\"]";
      case 2: return "[\"bytes.view\",\"b2\"]";
      case 3: return "[\"vec_u8.as_view\",\"v\"]";
      case 4: return "[\"view.slice\",\"w\",0,[\"/\",[\"view.len\",\"w\"],2]]";
      case 5: return "[\"view.slice\",[\"bytes.lit\",\"tmp\"],0,2]";
      // The other forms that give a view or hold one (a result, an option, the std views).
      case 6: return "[\"std.view.slice_v1\"," + view() + ",1,9]";
      case 7: return "[\"result_bytes_view.unwrap_or\",\"r\",\"item\"]";
      case 8: return "[\"option_bytes_view.unwrap_or\",[\"option_bytes_view.none\"]," + view() + "]";
      case 9: return "[\"std.bytes.strip_prefix_view\"," + view() + ",[\"bytes.view_lit\",\"a\"]]";
      default: return "\"w\"";
    }
  }

  std::string bytes() {
    switch (pick(6)) {
      case 0: return "[\"bytes.lit\",\"xy\"]";
      case 1: return "[\"bytes.alloc\"," + small() + "]";
      case 2: return "[\"view.to_bytes\"," + view() + "]";
      case 3: return "[\"bytes.concat\"," + view() + "," + view() + "]";
      case 4: return "\"b2\"";  // a move
      default: return "[\"vec_u8.into_bytes\",[\"vec_u8.with_capacity\",1]]";
    }
  }

  // A statement of type i32 (views and owners are changed with set0).
  std::string stmt(int depth) {
    const int k = pick(depth < 2 ? 13 : 10);
    switch (k) {
      case 0: return "[\"set0\",\"b\"," + bytes() + "]";
      case 1: return "[\"set0\",\"b2\"," + bytes() + "]";
      case 2: return "[\"set0\",\"w\"," + view() + "]";
      case 3: return "[\"set0\",\"v\",[\"vec_u8.push\",\"v\"," + i32() + "]]";
      case 4: return "[\"set0\",\"v\",[\"vec_u8.extend_bytes\",\"v\"," + view() + "]]";
      case 5: return "[\"set0\",\"acc\",[\"+\",\"acc\"," + i32() + "]]";
      case 6: return "[\"set0\",\"b2\",\"b\"]";  // a move of b
      case 7: return "[\"set0\",\"acc\",[\"bytes.eq\"," + view() + ",[\"begin\"," + stmt(2) + "," + view() + "]]]";
      case 8: return "[\"set0\",\"v\",[\"vec_u8.clear\",\"v\"]]";
      case 9: return "[\"set0\",\"r\",[\"result_bytes_view.ok\"," + view() + "]]";
      case 10: return "[\"for\",\"i\",0," + small() + ",[\"begin\"," + stmt(depth + 1) + "," + stmt(depth + 1) + "]]";
      case 11: return "[\"if\"," + i32() + "," + stmt(depth + 1) + "," + stmt(depth + 1) + "]";
      default: return "[\"begin\",[\"let\",\"t\"," + bytes() + "],[\"set0\",\"w\",[\"bytes.view\",\"t\"]]," + stmt(depth + 1) + "]";
    }
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ++g_stats.made;
  Gen gen(data, size);
  const std::string text = gen.program();
  JsonParseResult parsed = parse_json(text);
  if (!parsed.root) {
    std::fprintf(stderr, "fuzz_x07_borrow: the generator made invalid JSON: %s\n", text.c_str());
    std::abort();
  }
  std::vector<Diagnostic> diags;
  x07::CheckEnv env;
  env.file = "fuzz";
  env.out = &diags;
  const auto ir = x07::check_expr_ir(*parsed.root, "", {{"item", x07::Ty::kView}}, x07::Ty::kI32, env);
  if (!ir) return 0;  // rejected: nothing to run
  ++g_stats.ran;
  static const std::string item = "item bytes";
  x07::Value v;
  v.view = ByteView::of(item);
  x07::EvalSettings settings;
  settings.fuel = 100000;
  const x07::EvalResult r = x07::eval_expr(*ir, {v}, settings);
  // ok or a trap: both fine, except the guard's; a freed read is the sanitizer's to report.
  if (r.status == UserFnStatus::kTrap && r.trap.rfind("view guard: ", 0) == 0) {
    std::fprintf(stderr, "fuzz_x07_borrow: the checker accepted a program the view guard stopped: %s\n%s\n",
                 r.trap.c_str(), text.c_str());
    std::abort();
  }
  return 0;
}
