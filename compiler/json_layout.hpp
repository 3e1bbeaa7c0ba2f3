// `sluice fmt`: the one canonical layout of a descriptor or module file. The layout is a function
// of the parsed tree alone (never of the input's whitespace), so formatting is idempotent and two
// equal descriptors always print the same. Numbers keep their exact source text; strings are
// written in one escape form (RFC 8785's: \" \\ \b \f \n \r \t, \u00XX for other controls, every
// other character as UTF-8), object members keep their order (duplicates too: `check` reports
// them, fmt does not judge).
#pragma once

#include <string>

#include "compiler/json_source.hpp"

namespace sluice {

// Lines are at most this many columns (code points) wide where the tree allows it.
inline constexpr int kLayoutWidth = 100;

// The canonical text of `root`, ending in one newline. An array or object goes on one line when it
// fits in the width. Otherwise an array whose first element is a string is a form (x07AST's
// head-first style): the head stays on the opening line (`["std.stream.cfg_v1",`), every further
// element starts a line indented two columns deeper, and the closing bracket follows the last
// element. Any other array, and every object, puts each element on its own line, indented, and
// the closing bracket on a line of its own. Two forms always break, because they are read as
// lists: the pipe (`std.stream.pipe_v1`: cfg, source, chain, sink one per line) and a chain of two
// or more stages (one stage per line).
std::string layout_json(const JsonNode& root);

}  // namespace sluice
