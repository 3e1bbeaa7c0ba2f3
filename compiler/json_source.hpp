// A JSON parser that keeps source positions (nlohmann has none), so every diagnostic can name
// file:line:column; plus RFC 6901 JSON pointers. Strict RFC 8259: no comments, no trailing commas,
// no NaN; strings must be valid UTF-8 and \u escapes must not leave lone surrogates.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice {

// Nesting limit. The parser, JsonNode's destructor and the passes over expressions all recurse
// once per level; descriptors nest about 6 deep and x07 expressions rarely pass 50, so 512 is
// generous for users while keeping recursion far from the stack limit even on 512 KiB secondary
// thread stacks. A deeper input is a diagnostic, never a stack overflow.
inline constexpr int kMaxJsonDepth = 512;

// Element limit of one array or object. Each element costs about 140 bytes of JsonNode against
// as little as 2 bytes of text, so it is what keeps a descriptor bomb (a chain of 10^6 stages,
// 10^6 cfg keys) from taking 30 times its size in memory; 262,144 leaves room for a module of
// 10^5 functions and far more than any real pipe (docs/reliability-builds.md).
inline constexpr std::size_t kMaxJsonItems = std::size_t{1} << 18;

// Where a node starts. line and column are 1-based. column counts Unicode code points from the
// start of the line (UTF-8 lead bytes, so a tab or an 'é' is one column), which is what editors
// show; offset is the byte offset into the text. Only '\n' starts a new line ("\r\n" works too).
struct SourcePos {
  int line = 1;
  int column = 1;
  std::size_t offset = 0;
};

enum class JsonKind : std::uint8_t {
  kNull,
  kBool,
  kInteger,  // a number written without fraction or exponent: 1, -0, 99999999999999999999
  kNumber,   // any other number: 1.0, 1e3
  kString,
  kArray,
  kObject,
};

struct JsonMember;

struct JsonNode {
  JsonKind kind = JsonKind::kNull;
  SourcePos pos;
  bool boolean = false;           // kBool
  std::string text;               // kString: decoded UTF-8; kInteger/kNumber: the exact source text
  bool fits_i64 = false;          // kInteger: `i64` holds the value
  std::int64_t i64 = 0;           // kInteger
  std::vector<JsonNode> items;    // kArray
  std::vector<JsonMember> members;  // kObject: in source order, duplicates kept

  [[nodiscard]] bool is_array() const { return kind == JsonKind::kArray; }
  [[nodiscard]] bool is_string() const { return kind == JsonKind::kString; }
  [[nodiscard]] bool is_integer() const { return kind == JsonKind::kInteger; }
  // True for an array whose first element is the string `head`.
  [[nodiscard]] bool is_form(std::string_view head) const;
};

struct JsonMember {
  std::string key;
  SourcePos key_pos;
  JsonNode value;
};

enum class JsonErrorKind : std::uint8_t {
  kSyntax,    // not JSON: a token where another was expected
  kEncoding,  // invalid UTF-8 bytes, or a \u escape that leaves a lone surrogate
  kTooDeep,   // nesting deeper than kMaxJsonDepth
  kTooLarge,  // an array or object of more than kMaxJsonItems elements
};

struct JsonError {
  JsonErrorKind kind = JsonErrorKind::kSyntax;
  SourcePos pos;
  std::string message;  // says what was expected and what was found
};

struct JsonParseResult {
  std::optional<JsonNode> root;  // set iff `error` is not
  std::optional<JsonError> error;
};

// Parses one JSON text (a leading UTF-8 byte order mark is skipped). Never throws except bad_alloc.
JsonParseResult parse_json(std::string_view text);

// Short human description of a node for "found ..." messages: `integer 5`, `string "abc"`,
// `a list starting with "bytes.lit"`, `an object`, ...
std::string describe_json(const JsonNode& node);

// Strict UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF).
bool is_valid_utf8(std::string_view s);

// `s` as a JSON string literal (quotes, backslash and control characters escaped), for messages.
std::string json_quote(std::string_view s);

// RFC 6901: one reference token with '~' written as "~0" and '/' as "~1".
std::string json_pointer_escape(std::string_view token);
std::string json_pointer_append(std::string_view pointer, std::string_view token);
std::string json_pointer_append(std::string_view pointer, std::size_t index);
// The node a pointer names, or nullptr (for objects the first member with that key).
const JsonNode* json_pointer_find(const JsonNode& root, std::string_view pointer);

}  // namespace sluice
