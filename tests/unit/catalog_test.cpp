// The stage catalog (stdlib/catalog.cpp) and the descriptor schema editors use
// (schemas/pipe.schema.json) describe the same stages: every catalog id has a definition with its
// positional arguments, every kv field and its required fields; every stage id in the schema is
// either in the catalog or one of X07's ids sluice still refuses. A stage added to one and not the
// other fails here.
#include <doctest/doctest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "stdlib/catalog.hpp"

namespace {

using Json = nlohmann::json;

const Json& schema() {
  static const Json s = [] {
    std::ifstream in(std::string(SLUICE_SOURCE_DIR) + "/schemas/pipe.schema.json");
    return Json::parse(in);
  }();
  return s;
}

const Json& resolve(const Json& node) {
  if (node.is_object() && node.contains("$ref")) {
    const std::string ref = node["$ref"];
    REQUIRE(ref.rfind("#/$defs/", 0) == 0);
    return schema()["$defs"].at(ref.substr(8));
  }
  return node;
}

// The head constant of a kv field schema: ["name", value] -> "name".
std::string kv_name(const Json& field) {
  const Json& f = resolve(field);
  if (!f.contains("prefixItems")) return {};
  const Json& head = resolve(f["prefixItems"][0]);
  return head.contains("const") && head["const"].is_string() ? head["const"].get<std::string>() : std::string();
}

std::set<std::string> group_ids(const std::string& group) {
  std::set<std::string> ids;
  for (const Json& alt : schema()["$defs"].at(group)["oneOf"]) ids.insert(alt["$ref"].get<std::string>().substr(8));
  return ids;
}

}  // namespace

TEST_CASE("catalog: every stage has a definition in schemas/pipe.schema.json with the same arguments") {
  const Json& defs = schema()["$defs"];
  const auto sources = group_ids("source");
  const auto transducers = group_ids("transducer");
  const auto sinks = group_ids("sink");
  for (const sluice::StageSpec* spec : sluice::all_stages()) {
    const std::string id(spec->id);
    CAPTURE(id);
    REQUIRE(defs.contains(id));
    const Json& def = defs[id];
    const auto& group = spec->kind == sluice::StageKind::kSource       ? sources
                        : spec->kind == sluice::StageKind::kTransducer ? transducers
                                                                       : sinks;
    CHECK(group.count(id) == 1);
    // [head, positional..., (inner sink)] then kv fields.
    CHECK(def["prefixItems"].size() == 1 + spec->positional.size() + (spec->wraps_sink ? 1 : 0));
    std::set<std::string> kv;
    for (const Json& alt : def["items"]["anyOf"]) kv.insert(kv_name(alt));
    std::set<std::string> required;
    if (def.contains("allOf"))
      for (const Json& c : def["allOf"])
        if (c.contains("contains")) required.insert(c["contains"]["prefixItems"][0]["const"].get<std::string>());
    for (const sluice::FieldSpec& f : spec->fields) {
      CAPTURE(f.name);
      // plugin_v1's options live inside its opts_v1 field (spec §7.10), not as fields of their own.
      CHECK(kv.count(f.kind == sluice::FieldKind::kPluginOpt ? std::string("opts_v1") : std::string(f.name)) == 1);
      // The bare form (map_bytes/filter/map_in_place's fn); par_map's mapper_defasync always has its key.
      if (f.kind == sluice::FieldKind::kFn && f.name == "fn") CHECK(kv.count("std.stream.fn_v1") == 1);
      if (f.required && f.kind != sluice::FieldKind::kFn) CHECK(required.count(std::string(f.name)) == 1);
    }
    // No field in the schema that the catalog does not have (the bare fn form aside).
    for (const std::string& name : kv) {
      CAPTURE(name);
      bool known = name == "std.stream.fn_v1";
      for (const sluice::FieldSpec& f : spec->fields)
        known = known || f.name == name || (name == "opts_v1" && f.kind == sluice::FieldKind::kPluginOpt);
      CHECK(known);
    }
  }
}

TEST_CASE("catalog: every X07 stage id in the schema is implemented") {
  for (const auto& [key, def] : schema()["$defs"].items()) {
    if (key.rfind("std.stream.", 0) != 0) continue;
    CAPTURE(key);
    CHECK(sluice::find_stage(key) != nullptr);
    // No description may still say sluice refuses the stage.
    CHECK(def["description"].get<std::string>().find("refuses") == std::string::npos);
  }
}
