// Renderings of an elaborated Plan for `sluice plan`: a human text listing and a JSON document.
//
// Text: one line for the cfg, then `source`, each chain stage by index and `sink`, one per line,
// with `name=value` arguments (defaults marked `(default)`), the brand on each edge and
// `(inserted)` on stages the compiler added. Bytes are a JSON string when they are valid UTF-8,
// else `hex:` and their hex digits.
//
// JSON (pretty, keys in this order):
//   {"file", "world", "cfg": {every resolved key..., "max_steps_given", "runtime_valid"},
//    "source": {"id", "args", "in_brand", "out_brand", "pointer"},
//    "chain": [{"index", "id", "args", "in_brand", "out_brand", "inserted", "pointer"}...],
//    "sink": {"id", "args", "in_brand", "u32frames", "pointer"}}
// `args` maps each argument name to its value: an integer as a JSON number, a word as a JSON
// string, bytes as {"bytes": "<text>"} when valid UTF-8, else {"hex": "<lowercase hex>"}.
// brand_registry_ref_v1 is null when absent. Both renderings end with a newline.
#pragma once

#include <string>

#include "stdlib/plan.hpp"

namespace sluice {

std::string plan_to_text(const Plan& plan);
std::string plan_to_json(const Plan& plan);
// One argument value as the text rendering writes it: an integer, a word, or bytes as a JSON
// string when valid UTF-8, else `hex:` and their hex digits (sluice graph labels use it too).
std::string plan_value_text(const ArgValue& v);
std::string plan_to_json(const Plan& plan);

}  // namespace sluice
