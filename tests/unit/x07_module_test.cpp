// Tests of compiler/x07/module: root keys, kinds, ids, the export and defn rules, params and
// types, meta.brands_v1, schema versions, and unreadable or unparsable files.
#include <doctest/doctest.h>

#include "compiler/json_source.hpp"
#include "compiler/x07/module.hpp"
#include "tests/support/test_support.hpp"

using namespace sluice;
using namespace sluice::x07;

namespace {

struct Read {
  std::unique_ptr<Module> m;
  std::vector<Diagnostic> diags;
};

Read read(const std::string& text) {
  Read r;
  JsonParseResult parsed = parse_json(text);
  REQUIRE(parsed.root);
  r.m = read_module(std::move(*parsed.root), "m.x07.json", r.diags);
  return r;
}

std::string module_text(const std::string& decls, const std::string& extra = "") {
  return R"({"schema_version": "x07.x07ast@0.3.0", "kind": "module", "module_id": "a.b", "imports": ["c.d", "c.d"],)" + extra +
         R"( "decls": )" + decls + "}";
}

const std::string kExport = R"({"kind": "export", "names": ["a.b.f"]})";
const std::string kDefn = R"({"kind": "defn", "name": "a.b.f", "params": [{"name": "x", "ty": "bytes_view", "brand": "a.b.t"}], "result": "u32", "body": 0})";

std::vector<std::string> codes_and_pointers(const Read& r) {
  std::vector<std::string> out;
  for (const Diagnostic& d : r.diags) out.push_back(d.code + " " + d.pointer);
  return out;
}

}  // namespace

TEST_CASE("x07 module: a well-formed module") {
  const Read r = read(module_text("[" + kExport + ", " + kDefn + "]",
                                  R"( "meta": {"generated_by": "x", "brands_v1": {"a.b.t": {"validate": "a.b.v", "doc": "d"}}},)"));
  CHECK(r.diags.empty());
  REQUIRE(r.m);
  CHECK(r.m->id == "a.b");
  CHECK_FALSE(r.m->entry);
  CHECK(r.m->imports == std::vector<std::string>{"c.d"});  // set semantics
  REQUIRE(r.m->fns.size() == 1);
  const FnDecl& f = r.m->fns[0];
  CHECK(f.params.at(0).brand == "a.b.t");
  CHECK(f.params.at(0).ty == Ty::kView);
  CHECK(f.result == Ty::kI32);  // u32 is an alias
  CHECK(r.m->exports_fn("a.b.f"));
  CHECK(r.m->brands.at("a.b.t").validate == "a.b.v");
  for (const char* v : {"x07.x07ast@0.3.0", "x07.x07ast@0.8.0", "x07.x07ast@0.9.0"}) CHECK(is_accepted_schema_version(v));
  for (const char* v : {"x07.x07ast@0.2.0", "x07.x07ast@1.0.0", "x07.x07ast@0.10.0", ""}) CHECK_FALSE(is_accepted_schema_version(v));
}

TEST_CASE("x07 module: every rule of the file is reported at its pointer") {
  CHECK(codes_and_pointers(read(module_text("[" + kDefn + "]"))) == std::vector<std::string>{"E_PIPE_MODULE "});
  CHECK(codes_and_pointers(read(module_text(R"([{"kind": "export", "names": ["x.f"]}])"))) ==
        std::vector<std::string>{"E_PIPE_MODULE /decls/0/names/0"});
  CHECK(codes_and_pointers(read(module_text(R"([{"kind": "export", "names": ["a.b.g"]}])"))) ==
        std::vector<std::string>{"E_PIPE_MODULE /decls/0"});
  const std::string input_param = R"({"kind": "defn", "name": "a.b.f", "params": [{"name": "input", "ty": "i32"}], "result": "i32", "body": 0})";
  CHECK(codes_and_pointers(read(module_text("[" + kExport + ", " + input_param + "]"))) ==
        std::vector<std::string>{"E_PIPE_MODULE /decls/1/params/0/name", "E_PIPE_MODULE /decls/0"});
  const std::string bad_ty = R"({"kind": "defn", "name": "a.b.f", "params": [], "result": "f64", "body": 0})";
  CHECK(codes_and_pointers(read(module_text("[" + kExport + ", " + bad_ty + "]")))[0] == "E_PIPE_MODULE /decls/1/result");
  const std::string bad_brand = R"({"kind": "defn", "name": "a.b.f", "params": [{"name": "x", "ty": "i32", "brand": "a.t"}], "result": "i32", "body": 0})";
  CHECK(codes_and_pointers(read(module_text("[" + kExport + ", " + bad_brand + "]")))[0] == "E_PIPE_MODULE /decls/1/params/0/brand");
  CHECK(codes_and_pointers(read(module_text("[" + kExport + ", " + kDefn + ", " + kDefn + "]"))) ==
        std::vector<std::string>{"E_PIPE_MODULE /decls/2/name"});
  CHECK(codes_and_pointers(read(module_text("[" + kExport + ", " + kDefn + "]", R"( "extra": 1,)"))) ==
        std::vector<std::string>{"E_PIPE_MODULE /extra"});
  CHECK(codes_and_pointers(read(module_text("[" + kExport + ", " + kDefn + "]", R"( "solve": 0,)"))) ==
        std::vector<std::string>{"E_PIPE_MODULE /solve"});
  CHECK(codes_and_pointers(read(module_text("[" + kExport + ", " + kDefn + "]", R"( "meta": {"brands_v1": {"a.b.t": "x"}},)"))) ==
        std::vector<std::string>{"E_PIPE_BRAND_REGISTRY /meta/brands_v1/a.b.t"});
  const Read entry = read(R"({"schema_version": "x07.x07ast@0.8.0", "kind": " entry ", "module_id": "app", "imports": [], "decls": []})");
  CHECK(codes_and_pointers(entry) == std::vector<std::string>{"E_PIPE_MODULE /module_id", "E_PIPE_MODULE "});
}

TEST_CASE("x07 module: missing and unparsable files") {
  std::vector<Diagnostic> diags;
  CHECK(load_module_file("/nonexistent/x.x07.json", diags) == nullptr);
  REQUIRE(diags.size() == 1);
  CHECK(diags[0].code == "E_PIPE_MODULE_MISSING");
  test::TempDir dir;
  test::write_file(dir.file("bad.x07.json"), "{\"a\": ");
  diags.clear();
  CHECK(load_module_file(dir.file("bad.x07.json"), diags) == nullptr);
  REQUIRE(diags.size() == 1);
  CHECK(diags[0].code == "E_PIPE_JSON_SYNTAX");
  CHECK(diags[0].file == dir.file("bad.x07.json"));
}
