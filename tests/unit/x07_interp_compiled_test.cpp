// The interpreter's compiled form (interp.cpp: a function is compiled on its handle's first call,
// with fused nodes charging their steps at once) against the tree walk it replaces. A wrapper
// `ref_f` calls `f`, so its call runs `f` through the tree walk (calls inside a function are not
// compiled) after two steps of its own (the call and its argument): for every fuel limit, the
// two must give the same result, or the same trap at the same site.
#include <doctest/doctest.h>

#include <atomic>
#include <string>

#include "compiler/json_source.hpp"
#include "compiler/x07/module.hpp"
#include "compiler/x07/program.hpp"
#include "tests/support/test_support.hpp"

using namespace sluice;
using namespace sluice::x07;

namespace {

const char* kModule = R"({"schema_version":"x07.x07ast@0.8.0","kind":"module","module_id":"t","imports":[],
 "decls":[
  {"kind":"export","names":["t.upper","t.ref_upper","t.mix","t.ref_mix","t.oob","t.ref_oob","t.twomaps","t.ref_twomaps","t.count","t.ref_count"]},
  {"kind":"defn","name":"t.upper","params":[{"name":"item","ty":"bytes_view"}],"result":"bytes",
   "body":["begin",["let","n",["view.len","item"]],["let","out",["vec_u8.with_capacity","n"]],
     ["for","i",0,"n",["begin",["let","c",["view.get_u8","item","i"]],
        ["set","out",["vec_u8.push","out",["if",["&&",[">=u","c",97],["<=u","c",122]],["-","c",32],"c"]]],0]],
     ["vec_u8.into_bytes","out"]]},
  {"kind":"defn","name":"t.ref_upper","params":[{"name":"item","ty":"bytes_view"}],"result":"bytes",
   "body":["t.upper","item"]},
  {"kind":"defn","name":"t.mix","params":[{"name":"item","ty":"bytes_view"}],"result":"i32",
   "body":["begin",["let","n",["view.len","item"]],["let","acc",7],["let","j",0],
     ["while",["<u","j","n"],
       ["begin",
         ["set","acc",["+",["*","acc",31],["view.get_u8","item",["-",["-","n","j"],1]]]],
         ["if",["||",["=",["&","acc",1023],77],["&&",[">u","j",3000],["=",["view.get_u8","item","j"],90]]],
           ["return",["-",0,"j"]],0],
         ["set","j",["+","j",1]]]],
     ["for","k",0,["/","n",2],["set","acc",["^","acc",["<<u",["view.get_u8","item","k"],["%","k",24]]]]],
     ["if",[">","acc",0],["|","acc",1],["-",5,"acc"]]]},
  {"kind":"defn","name":"t.ref_mix","params":[{"name":"item","ty":"bytes_view"}],"result":"i32",
   "body":["t.mix","item"]},
  {"kind":"defn","name":"t.oob","params":[{"name":"item","ty":"bytes_view"}],"result":"i32",
   "body":["begin",["let","s",0],
     ["for","i",0,["+",["view.len","item"],1],["set","s",["+","s",["view.get_u8","item","i"]]]],"s"]},
  {"kind":"defn","name":"t.twomaps","params":[{"name":"item","ty":"bytes_view"}],"result":"bytes",
   "body":["begin",["let","n",["view.len","item"]],["let","out",["vec_u8.with_capacity",1]],
     ["for","i",0,"n",["begin",["let","c",["view.get_u8","item","i"]],
        ["set","out",["vec_u8.push","out",["if",[">=u","c",48],["^","c",1],"c"]]],0]],
     ["for","j",0,"n",["begin",["let","d",["view.get_u8","item","j"]],["set","out",["vec_u8.push","out",["+","d",1]]]]],
     ["vec_u8.into_bytes","out"]]},
  {"kind":"defn","name":"t.ref_twomaps","params":[{"name":"item","ty":"bytes_view"}],"result":"bytes",
   "body":["t.twomaps","item"]},
  {"kind":"defn","name":"t.count","params":[{"name":"item","ty":"bytes_view"}],"result":"i32",
   "body":["begin",["let","n",["view.len","item"]],["let","k",0],["let","m",0],["let","c",0],
     ["for","i",0,"n",["begin",["set","c",["view.get_u8","item","i"]],
        ["if",["&&",[">=u","c",97],["<=u","c",122]],["set","k",["+","k",1]],0],
        ["if",["||",["<u","c",48],[">u","c",57]],0,["set0","m",["+",["*","m",10],"c"]]],
        ["let","last",["view.get_u8","item",["-","n",1]]],
        ["set0","m",["^","m","last"]]]],
     ["+",["*","k",1000],"m"]]},
  {"kind":"defn","name":"t.ref_count","params":[{"name":"item","ty":"bytes_view"}],"result":"i32",
   "body":["t.count","item"]},
  {"kind":"defn","name":"t.ref_oob","params":[{"name":"item","ty":"bytes_view"}],"result":"i32",
   "body":["t.oob","item"]}]})";

struct Loaded {
  std::unique_ptr<Program> program;
  std::vector<Diagnostic> diags;
};

Loaded load() {
  Loaded l;
  l.program = std::make_unique<Program>(EvalSettings{}, std::vector<NativeFnRegistration>{});
  JsonParseResult parsed = parse_json(kModule);
  REQUIRE(parsed.root);
  auto m = read_module(std::move(*parsed.root), "t.x07.json", l.diags);
  REQUIRE(m);
  REQUIRE(l.program->add_module(std::move(m), l.diags) != nullptr);
  REQUIRE(l.program->compile(l.diags));
  return l;
}

UserFn fn(Loaded& l, const std::string& name) {
  const auto r = l.program->resolve_stage_fn(name, nullptr, RefSite{}, l.diags);
  REQUIRE(r.has_value());
  return r->handle;
}

struct Outcome {
  UserFnStatus status = UserFnStatus::kOk;
  std::int32_t value = 0;
  bool is_err = false;
  std::string out;
  std::string trap;
};

Outcome call(Loaded& l, const UserFn& f, const std::string& item, std::uint64_t fuel,
             const std::atomic<bool>* cancel = nullptr) {
  l.program->settings().fuel = fuel;
  UserFnIo io;
  io.item = ByteView::of(item);
  io.cancel = cancel;
  std::vector<std::uint8_t> out;
  io.out = &out;
  Outcome o;
  o.status = f.entry(f.ctx, io);
  o.value = io.value;
  o.is_err = io.is_err;
  o.out.assign(out.begin(), out.end());
  o.trap = io.trap;
  return o;
}

// The fuel trap names its limit, which the wrapper's two steps raise: compare what follows.
std::string after_steps(const std::string& trap) {
  const auto at = trap.find(" steps");
  return at == std::string::npos ? trap : trap.substr(at);
}

void same_at_every_fuel(Loaded& l, const std::string& name, const std::string& item, std::uint64_t stride) {
  const UserFn f = fn(l, "t." + name);
  const UserFn ref = fn(l, "t.ref_" + name);
  // The steps the call takes: the least fuel it completes with (or traps with, not of fuel).
  const Outcome full = call(l, ref, item, kDefaultFuel);
  std::uint64_t need = 0;
  {
    std::uint64_t lo = 1, hi = kDefaultFuel;
    while (lo < hi) {
      const std::uint64_t mid = (lo + hi) / 2;
      if (call(l, ref, item, mid).status == UserFnStatus::kFuel) lo = mid + 1;
      else hi = mid;
    }
    need = lo - 2;
  }
  INFO(name << " item of " << item.size() << " bytes, " << need << " steps");
  CHECK(need > 0);
  int checked = 0;
  for (std::uint64_t fuel = 1; fuel <= need + 3; fuel += (fuel + 40 > need ? 1 : stride)) {
    const Outcome a = call(l, f, item, fuel);
    const Outcome b = call(l, ref, item, fuel + 2);
    INFO("fuel " << fuel << ": " << a.trap << " / " << b.trap);
    REQUIRE(a.status == b.status);
    CHECK(a.value == b.value);
    CHECK(a.is_err == b.is_err);
    CHECK(a.out == b.out);
    if (a.status == UserFnStatus::kFuel) {
      CHECK(a.trap.find("out of fuel after " + std::to_string(fuel) + " steps") == 0);
      CHECK(after_steps(a.trap) == after_steps(b.trap));
    } else {
      CHECK(a.trap == b.trap);
    }
    ++checked;
  }
  CHECK(checked > 10);
  const Outcome a = call(l, f, item, kDefaultFuel);
  CHECK(a.status == full.status);
  CHECK(a.value == full.value);
  CHECK(a.out == full.out);
  CHECK(a.trap == full.trap);
}

std::string text(std::size_t n, unsigned seed) {
  std::string s;
  std::uint32_t x = seed * 2654435761u + 1;
  for (std::size_t i = 0; i < n; ++i) {
    x = x * 1103515245u + 12345u;
    s.push_back(static_cast<char>(32 + (x >> 16) % 95));
  }
  return s;
}

}  // namespace

TEST_CASE("x07 interp compiled: the byte map gives the tree walk's bytes and fuel traps at every limit") {
  Loaded l = load();
  same_at_every_fuel(l, "upper", "", 1);
  same_at_every_fuel(l, "upper", "Hello, World! az AZ {}", 1);
  same_at_every_fuel(l, "upper", text(700, 1), 1);
  same_at_every_fuel(l, "upper", text(3000, 2), 13);
}

// Byte-map loops run as a table (byte_map_loop.hpp) when the fuel covers every iteration at its
// dearest. A second loop after the first spends the fuel the first left: a table charging even
// one step too many or too few makes some limit end differently from the tree walk. Digits and
// spaces give every iteration of the first loop the same steps, so its table runs at the least
// fuel too; a vector made with capacity 1 grows as the pushes would grow it.
TEST_CASE("x07 interp compiled: byte-map loops run as tables charge the tree walk's steps exactly") {
  Loaded l = load();
  same_at_every_fuel(l, "twomaps", "", 1);
  same_at_every_fuel(l, "twomaps", "0123456789012345678901234567890123456789", 1);
  same_at_every_fuel(l, "twomaps", "    ", 1);
  same_at_every_fuel(l, "twomaps", "Hello, World! 0123 az AZ {}", 1);
  same_at_every_fuel(l, "twomaps", text(2000, 4), 3);
}

// Fused nodes: a let/set of a binary op on leaves or of get_u8 at a leaf, && and || of two
// binary ops on leaves (both outcomes of each).
TEST_CASE("x07 interp compiled: fused lets, sets and conditions agree at every limit") {
  Loaded l = load();
  same_at_every_fuel(l, "count", "", 1);
  same_at_every_fuel(l, "count", "abc 123 XYZ z0a9", 1);
  same_at_every_fuel(l, "count", text(1500, 5), 3);
}

TEST_CASE("x07 interp compiled: while, return in a loop, nested i32 forms and if agree at every limit") {
  Loaded l = load();
  for (unsigned seed = 0; seed < 6; ++seed) same_at_every_fuel(l, "mix", text(50 + 300 * seed, seed), 1 + seed * 5);
  same_at_every_fuel(l, "mix", "", 1);
}

TEST_CASE("x07 interp compiled: an out-of-bounds read traps at the same site and with the same message") {
  Loaded l = load();
  same_at_every_fuel(l, "oob", "abc", 1);
  same_at_every_fuel(l, "oob", text(2000, 9), 7);
  const Outcome o = call(l, fn(l, "t.oob"), "abc", kDefaultFuel);
  CHECK(o.status == UserFnStatus::kTrap);
  CHECK(o.trap.find("out-of-bounds read: index 3 on 3 bytes (at ") == 0);
}

TEST_CASE("x07 interp compiled: a canceled call stops") {
  Loaded l = load();
  const std::atomic<bool> cancel{true};
  const Outcome a = call(l, fn(l, "t.upper"), text(20000, 3), kDefaultFuel, &cancel);
  const Outcome b = call(l, fn(l, "t.ref_upper"), text(20000, 3), kDefaultFuel, &cancel);
  CHECK(a.status == UserFnStatus::kCanceled);
  CHECK(b.status == UserFnStatus::kCanceled);
}
