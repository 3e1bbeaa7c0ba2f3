#include "compiler/json_source.hpp"

#include <charconv>
#include <cstdio>

namespace sluice {

bool JsonNode::is_form(std::string_view head) const {
  return kind == JsonKind::kArray && !items.empty() && items[0].kind == JsonKind::kString &&
         items[0].text == head;
}

namespace {

struct Utf8Char {
  char32_t cp = 0;
  std::size_t len = 0;     // 0 when the bytes are not valid UTF-8
  const char* why = "";    // why not, when len == 0
};

// Strict UTF-8 (RFC 3629): no overlong forms, no encoded surrogates, nothing above U+10FFFF.
Utf8Char decode_utf8(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char lead = b(0);
  if (lead < 0x80) return {lead, 1};
  std::size_t need = 0;
  char32_t cp = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    need = 1;
    cp = lead & 0x1Fu;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    need = 2;
    cp = lead & 0x0Fu;
    if (lead == 0xE0) lo = 0xA0;  // below is overlong
    if (lead == 0xED) hi = 0x9F;  // above is a surrogate
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    need = 3;
    cp = lead & 0x07u;
    if (lead == 0xF0) lo = 0x90;  // below is overlong
    if (lead == 0xF4) hi = 0x8F;  // above is past U+10FFFF
  } else if (lead >= 0x80 && lead <= 0xBF) {
    return {0, 0, "is a continuation byte without a lead byte"};
  } else if (lead == 0xC0 || lead == 0xC1) {
    return {0, 0, "starts an overlong encoding"};
  } else {
    return {0, 0, "never occurs in UTF-8"};
  }
  for (std::size_t k = 1; k <= need; ++k) {
    if (i + k >= s.size()) return {0, 0, "starts a truncated multi-byte sequence"};
    const unsigned char c = b(k);
    const unsigned char min = k == 1 ? lo : 0x80;
    const unsigned char max = k == 1 ? hi : 0xBF;
    if (c < min || c > max) {
      if (k == 1 && lead == 0xED && c >= 0xA0 && c <= 0xBF) return {0, 0, "starts an encoded UTF-16 surrogate"};
      if (k == 1 && (c >= 0x80 && c <= 0xBF)) return {0, 0, "starts an overlong or out-of-range encoding"};
      return {0, 0, "starts a truncated multi-byte sequence"};
    }
    cp = (cp << 6) | (c & 0x3Fu);
  }
  return {cp, need + 1};
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::string hex_byte(unsigned char c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02X", c);
  return buf;
}

std::string code_point_name(char32_t cp) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(cp));
  return buf;
}

// 'x' for messages; built by appending (GCC 12 warns falsely on "'" + std::string&&).
std::string single_quoted(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out.push_back('\'');
  out.append(s);
  out.push_back('\'');
  return out;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_';
}
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

constexpr std::string_view kNoTrailingComma = " (JSON does not allow trailing commas)";

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  JsonParseResult run() {
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") {
      pos_ = 3;
      line_start_ = 3;
      col_off_ = 3;
    }
    JsonParseResult result;
    if (text_.substr(0, 2) == "\xFF\xFE" || text_.substr(0, 2) == "\xFE\xFF") {
      fail(JsonErrorKind::kEncoding, 0,
           "the text is UTF-16 (it starts with a UTF-16 byte order mark); JSON files here must be UTF-8");
      result.error = std::move(error_);
      return result;
    }
    JsonNode root;
    if (parse_value(root, 0, "expected a JSON value")) {
      skip_ws();
      if (pos_ < text_.size()) fail_found("expected end of input after the JSON value");
    }
    if (error_) {
      result.error = std::move(error_);
    } else {
      result.root = std::move(root);
    }
    return result;
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
  int line_ = 1;
  std::size_t line_start_ = 0;
  // Column cache on the current line: positions are asked for in increasing order, so the
  // code point count advances incrementally instead of rescanning long (minified) lines.
  // Invariant: positions are only asked for on the current line (no token spans a newline).
  std::size_t col_off_ = 0;
  int col_ = 1;
  std::optional<JsonError> error_;

  [[nodiscard]] bool at_end() const { return pos_ >= text_.size(); }
  [[nodiscard]] char peek() const { return text_[pos_]; }

  SourcePos pos_at(std::size_t off) {
    if (off < col_off_) {
      col_off_ = line_start_;
      col_ = 1;
    }
    for (; col_off_ < off; ++col_off_)
      if ((static_cast<unsigned char>(text_[col_off_]) & 0xC0) != 0x80) ++col_;
    return {line_, col_, off};
  }

  void skip_ws() {
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == '\n') {
        ++line_;
        ++pos_;
        line_start_ = pos_;
        col_off_ = pos_;
        col_ = 1;
      } else if (c == ' ' || c == '\t' || c == '\r') {
        ++pos_;
      } else {
        break;
      }
    }
  }

  bool fail(JsonErrorKind kind, std::size_t off, std::string message) {
    if (!error_) error_ = JsonError{kind, pos_at(off), std::move(message)};
    return false;
  }

  // What sits at the current position, for "found ..." (an encoding error instead when the
  // bytes there are not UTF-8, since that is the real problem).
  bool fail_found(std::string_view expected) {
    std::string found;
    if (at_end()) {
      found = "end of input";
    } else {
      const auto c = static_cast<unsigned char>(peek());
      if (c >= 0x80) {
        const Utf8Char u = decode_utf8(text_, pos_);
        if (u.len == 0) return fail_encoding(pos_, u);
        found = single_quoted(text_.substr(pos_, u.len)) + " (" + code_point_name(u.cp) + ")";
      } else if (is_word_char(static_cast<char>(c))) {
        std::size_t end = pos_;
        while (end < text_.size() && end - pos_ < 32 && is_word_char(text_[end])) ++end;
        found = single_quoted(text_.substr(pos_, end - pos_));
      } else if (c < 0x20 || c == 0x7F) {
        found = "control character " + code_point_name(c);
      } else {
        found = std::string("'") + static_cast<char>(c) + "'";
      }
    }
    return fail(JsonErrorKind::kSyntax, pos_, std::string(expected) + ", found " + found);
  }

  bool fail_encoding(std::size_t off, const Utf8Char& u) {
    return fail(JsonErrorKind::kEncoding, off,
                "invalid UTF-8: byte " + hex_byte(static_cast<unsigned char>(text_[off])) + " " + u.why);
  }

  bool parse_value(JsonNode& out, int depth, std::string_view expected) {
    skip_ws();
    if (at_end()) return fail_found(expected);
    out.pos = pos_at(pos_);
    const char c = peek();
    switch (c) {
      case '[': return parse_array(out, depth + 1);
      case '{': return parse_object(out, depth + 1);
      case '"':
        out.kind = JsonKind::kString;
        return parse_string(out.text);
      case 't': return parse_word(out, "true", JsonKind::kBool, true, expected);
      case 'f': return parse_word(out, "false", JsonKind::kBool, false, expected);
      case 'n': return parse_word(out, "null", JsonKind::kNull, false, expected);
      default:
        if (c == '-' || is_digit(c)) return parse_number(out);
        return fail_found(expected);
    }
  }

  bool parse_word(JsonNode& out, std::string_view word, JsonKind kind, bool value, std::string_view expected) {
    std::size_t end = pos_;
    while (end < text_.size() && is_word_char(text_[end])) ++end;
    if (text_.substr(pos_, end - pos_) != word) return fail_found(expected);
    pos_ = end;
    out.kind = kind;
    out.boolean = value;
    return true;
  }

  bool parse_number(JsonNode& out) {
    const std::size_t start = pos_;
    bool integer = true;
    if (peek() == '-') ++pos_;
    if (at_end() || !is_digit(peek())) return fail_found("expected a digit after '-'");
    if (peek() == '0') {
      ++pos_;
      if (!at_end() && is_digit(peek()))
        return fail(JsonErrorKind::kSyntax, start, "leading zeros are not allowed in JSON numbers");
    } else {
      while (!at_end() && is_digit(peek())) ++pos_;
    }
    if (!at_end() && peek() == '.') {
      ++pos_;
      integer = false;
      if (at_end() || !is_digit(peek())) return fail_found("expected a digit after '.' in a number");
      while (!at_end() && is_digit(peek())) ++pos_;
    }
    if (!at_end() && (peek() == 'e' || peek() == 'E')) {
      ++pos_;
      integer = false;
      if (!at_end() && (peek() == '+' || peek() == '-')) ++pos_;
      if (at_end() || !is_digit(peek())) return fail_found("expected a digit in the exponent of a number");
      while (!at_end() && is_digit(peek())) ++pos_;
    }
    out.text = std::string(text_.substr(start, pos_ - start));
    out.kind = integer ? JsonKind::kInteger : JsonKind::kNumber;
    if (integer) {
      const char* first = out.text.data();
      const char* last = first + out.text.size();
      const auto [ptr, ec] = std::from_chars(first, last, out.i64);
      out.fits_i64 = ec == std::errc() && ptr == last;
      if (!out.fits_i64) out.i64 = 0;
    }
    return true;
  }

  bool read_hex4(std::size_t at, char32_t& value) {
    value = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      const int h = at + k < text_.size() ? hex_value(text_[at + k]) : -1;
      if (h < 0) {
        pos_ = at + k;
        return fail_found("expected 4 hex digits after \\u");
      }
      value = (value << 4) | static_cast<char32_t>(h);
    }
    return true;
  }

  bool parse_escape(std::string& out) {
    const std::size_t esc = pos_;  // at the backslash
    if (esc + 1 >= text_.size()) {
      pos_ = esc + 1;
      return fail_found("expected an escape character after '\\'");
    }
    const char e = text_[esc + 1];
    pos_ = esc + 2;
    switch (e) {
      case '"': out.push_back('"'); return true;
      case '\\': out.push_back('\\'); return true;
      case '/': out.push_back('/'); return true;
      case 'b': out.push_back('\b'); return true;
      case 'f': out.push_back('\f'); return true;
      case 'n': out.push_back('\n'); return true;
      case 'r': out.push_back('\r'); return true;
      case 't': out.push_back('\t'); return true;
      case 'u': break;
      default: {
        std::string shown(1, e);
        if (static_cast<unsigned char>(e) >= 0x80) {
          const Utf8Char u = decode_utf8(text_, esc + 1);
          if (u.len == 0) return fail_encoding(esc + 1, u);
          shown = std::string(text_.substr(esc + 1, u.len));
        } else if (static_cast<unsigned char>(e) < 0x20) {
          shown = code_point_name(static_cast<unsigned char>(e));
        }
        return fail(JsonErrorKind::kSyntax, esc,
                    "invalid escape '\\" + shown +
                        "' in string; valid escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX");
      }
    }
    char32_t cp = 0;
    if (!read_hex4(esc + 2, cp)) return false;
    pos_ = esc + 6;
    if (cp >= 0xDC00 && cp <= 0xDFFF)
      return fail(JsonErrorKind::kEncoding, esc,
                  "lone low surrogate \\u" + std::string(text_.substr(esc + 2, 4)) +
                      " in string (it must follow a high surrogate \\uD800-\\uDBFF)");
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      char32_t low = 0;
      if (text_.substr(pos_, 2) == "\\u" && !read_hex4(pos_ + 2, low)) return false;
      if (low < 0xDC00 || low > 0xDFFF)
        return fail(JsonErrorKind::kEncoding, esc,
                    "lone high surrogate \\u" + std::string(text_.substr(esc + 2, 4)) +
                        " in string (it must be followed by a low surrogate \\uDC00-\\uDFFF)");
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
      pos_ += 6;
    }
    append_utf8(out, cp);
    return true;
  }

  bool parse_string(std::string& out) {
    const std::size_t start = pos_;  // at the opening quote
    ++pos_;
    while (true) {
      std::size_t run = pos_;
      while (run < text_.size()) {
        const auto c = static_cast<unsigned char>(text_[run]);
        if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) break;
        ++run;
      }
      out.append(text_.substr(pos_, run - pos_));
      pos_ = run;
      if (at_end())
        return fail(JsonErrorKind::kSyntax, start,
                    "unterminated string: expected '\"' to close the string that starts here, found end of input");
      const auto c = static_cast<unsigned char>(peek());
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (c == '\\') {
        if (!parse_escape(out)) return false;
      } else if (c < 0x20) {
        if (c == '\n')
          return fail(JsonErrorKind::kSyntax, pos_,
                      "expected '\"' to close the string before the end of the line (write a line break "
                      "inside a string as \\n)");
        return fail(JsonErrorKind::kSyntax, pos_,
                    "unescaped control character " + code_point_name(c) + " in string (write it as \\u00" +
                        hex_byte(c).substr(2) + ")");
      } else {
        const Utf8Char u = decode_utf8(text_, pos_);
        if (u.len == 0) return fail_encoding(pos_, u);
        out.append(text_.substr(pos_, u.len));
        pos_ += u.len;
      }
    }
  }

  bool enter(int depth) {
    if (depth <= kMaxJsonDepth) return true;
    return fail(JsonErrorKind::kTooDeep, pos_,
                "JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  }

  bool too_large(const char* what) {
    return fail(JsonErrorKind::kTooLarge, pos_,
                std::string("JSON ") + what + " of more than " + std::to_string(kMaxJsonItems) + " elements");
  }

  bool parse_array(JsonNode& out, int depth) {
    out.kind = JsonKind::kArray;
    if (!enter(depth)) return false;
    ++pos_;
    skip_ws();
    if (!at_end() && peek() == ']') {
      ++pos_;
      return true;
    }
    std::string_view expected = "expected a value or ']' after '['";
    while (true) {
      if (out.items.size() == kMaxJsonItems) return too_large("array");
      JsonNode& item = out.items.emplace_back();
      if (!parse_value(item, depth, expected)) return false;
      skip_ws();
      if (at_end()) return fail_found("expected ',' or ']' after array element");
      if (peek() == ']') {
        ++pos_;
        return true;
      }
      if (peek() != ',') return fail_found("expected ',' or ']' after array element");
      ++pos_;
      skip_ws();
      if (!at_end() && peek() == ']')
        return fail_found(std::string("expected a value after ','") + std::string(kNoTrailingComma));
      expected = "expected a value after ','";
    }
  }

  bool parse_object(JsonNode& out, int depth) {
    out.kind = JsonKind::kObject;
    if (!enter(depth)) return false;
    ++pos_;
    skip_ws();
    if (!at_end() && peek() == '}') {
      ++pos_;
      return true;
    }
    std::string expected = "expected a string key or '}' after '{'";
    while (true) {
      if (at_end() || peek() != '"') return fail_found(expected);
      if (out.members.size() == kMaxJsonItems) return too_large("object");
      JsonMember& m = out.members.emplace_back();
      m.key_pos = pos_at(pos_);
      if (!parse_string(m.key)) return false;
      skip_ws();
      if (at_end() || peek() != ':') return fail_found("expected ':' after object key");
      ++pos_;
      if (!parse_value(m.value, depth, "expected a value after ':'")) return false;
      skip_ws();
      if (at_end()) return fail_found("expected ',' or '}' after object member");
      if (peek() == '}') {
        ++pos_;
        return true;
      }
      if (peek() != ',') return fail_found("expected ',' or '}' after object member");
      ++pos_;
      skip_ws();
      expected = "expected a string key after ','";
      if (!at_end() && peek() == '}') expected += kNoTrailingComma;
    }
  }
};

}  // namespace

JsonParseResult parse_json(std::string_view text) { return Parser(text).run(); }

bool is_valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const Utf8Char u = decode_utf8(s, i);
    if (u.len == 0) return false;
    i += u.len;
  }
  return true;
}

std::string json_quote(std::string_view s) {
  std::string out = "\"";
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7F) {
          out += "\\u00";
          out += hex_byte(c).substr(2);
        } else {
          out.push_back(ch);
        }
    }
  }
  out.push_back('"');
  return out;
}

std::string describe_json(const JsonNode& node) {
  // Long strings are cut (at a code point boundary) so a message stays one readable line.
  constexpr std::size_t kShownBytes = 48;
  switch (node.kind) {
    case JsonKind::kNull: return "null";
    case JsonKind::kBool: return node.boolean ? "true" : "false";
    case JsonKind::kInteger: return "integer " + node.text;
    case JsonKind::kNumber: return "number " + node.text;
    case JsonKind::kString: {
      if (node.text.size() <= kShownBytes) return "string " + json_quote(node.text);
      std::size_t cut = kShownBytes;
      while (cut > 0 && (static_cast<unsigned char>(node.text[cut]) & 0xC0) == 0x80) --cut;
      return "string " + json_quote(node.text.substr(0, cut)) + "...";
    }
    case JsonKind::kArray:
      if (node.items.empty()) return "an empty list";
      if (node.items[0].is_string()) return "a list starting with " + json_quote(node.items[0].text);
      return "a list starting with " + describe_json(node.items[0]);
    case JsonKind::kObject: return "an object";
  }
  return "a value";
}

std::string json_pointer_escape(std::string_view token) {
  std::string out;
  out.reserve(token.size());
  for (const char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string json_pointer_append(std::string_view pointer, std::string_view token) {
  std::string out(pointer);
  out.push_back('/');
  out += json_pointer_escape(token);
  return out;
}

std::string json_pointer_append(std::string_view pointer, std::size_t index) {
  std::string out(pointer);
  out.push_back('/');
  out += std::to_string(index);
  return out;
}

const JsonNode* json_pointer_find(const JsonNode& root, std::string_view pointer) {
  const JsonNode* node = &root;
  while (!pointer.empty()) {
    if (pointer[0] != '/') return nullptr;
    pointer.remove_prefix(1);
    const std::size_t slash = pointer.find('/');
    const std::string_view raw = pointer.substr(0, slash);
    pointer = slash == std::string_view::npos ? std::string_view{} : pointer.substr(slash);
    std::string token;
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] != '~') {
        token.push_back(raw[i]);
      } else if (i + 1 < raw.size() && (raw[i + 1] == '0' || raw[i + 1] == '1')) {
        token.push_back(raw[i + 1] == '0' ? '~' : '/');
        ++i;
      } else {
        return nullptr;
      }
    }
    if (node->kind == JsonKind::kArray) {
      std::size_t index = 0;
      const auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), index);
      if (token.empty() || ec != std::errc() || ptr != token.data() + token.size() ||
          (token.size() > 1 && token[0] == '0') || index >= node->items.size())
        return nullptr;
      node = &node->items[index];
    } else if (node->kind == JsonKind::kObject) {
      const JsonNode* next = nullptr;
      for (const JsonMember& m : node->members) {
        if (m.key == token) {
          next = &m.value;
          break;
        }
      }
      if (!next) return nullptr;
      node = next;
    } else {
      return nullptr;
    }
  }
  return node;
}

}  // namespace sluice
