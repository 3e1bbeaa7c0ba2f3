#include "compiler/front_end.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>
#include <cstdio>
#include <new>

#include "compiler/check_descriptor.hpp"
#include "compiler/elaborate.hpp"
#include "compiler/json_source.hpp"

namespace sluice {
namespace {

DiagId json_error_diag(JsonErrorKind kind) {
  switch (kind) {
    case JsonErrorKind::kSyntax: return DiagId::kJsonSyntax;
    case JsonErrorKind::kEncoding: return DiagId::kJsonEncoding;
    case JsonErrorKind::kTooDeep: return DiagId::kJsonTooDeep;
  }
  return DiagId::kJsonSyntax;
}

CompileResult compile(std::string_view text, std::string_view file_name, const CompileOptions& options) {
  CompileResult result;
  const JsonParseResult parsed = parse_json(text);
  if (parsed.error) {
    const JsonError& e = *parsed.error;
    result.diagnostics.push_back(make_diagnostic(json_error_diag(e.kind), std::string(file_name), e.pos.line,
                                                 e.pos.column, "", e.message));
    return result;
  }
  const CheckedPipe checked = check_descriptor(*parsed.root, file_name, options.world, result.diagnostics);
  // The check visits the cfg before the stages and reports a missing field after the fields it
  // did find; readers (and editors) want the file's order. Stable: ties keep the walk's order.
  std::stable_sort(result.diagnostics.begin(), result.diagnostics.end(),
                   [](const Diagnostic& a, const Diagnostic& b) {
                     return a.line != b.line ? a.line < b.line : a.column < b.column;
                   });
  if (result.ok()) result.plan = elaborate(checked, options.world, file_name);
  return result;
}

// The API promises values, not exceptions; the only ones that can get here are bad_alloc and
// bugs, and both are better reported than allowed to unwind into a host program.
CompileResult internal_failure(std::string_view file_name, const char* what) {
  CompileResult result;
  result.diagnostics.push_back(make_diagnostic(DiagId::kInternal, std::string(file_name), 0, 0, "",
                                               std::string("the compiler failed internally: ") + what));
  return result;
}

}  // namespace

CompileResult compile_pipe_text(std::string_view text, std::string_view file_name, const CompileOptions& options) {
  try {
    return compile(text, file_name, options);
  } catch (const std::exception& e) {
    return internal_failure(file_name, e.what());
  } catch (...) {
    return internal_failure(file_name, "unknown exception");
  }
}

CompileResult compile_pipe_file(const std::string& path, const CompileOptions& options) {
  std::string text;
  int err = 0;
  // stdio rather than ifstream: it reports a read error (EISDIR for a directory, EIO) instead
  // of looking like an empty file.
  if (std::FILE* f = std::fopen(path.c_str(), "rb")) {
    char buf[1 << 16];
    std::size_t n = 0;
    try {
      while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
    } catch (const std::exception& e) {
      std::fclose(f);
      return internal_failure(path, e.what());
    }
    if (std::ferror(f)) err = errno ? errno : EIO;
    std::fclose(f);
  } else {
    err = errno ? errno : ENOENT;
  }
  if (err) {
    CompileResult result;
    result.diagnostics.push_back(make_diagnostic(DiagId::kFileUnreadable, path, 0, 0, "",
                                                 "cannot read the pipe file: " + std::string(std::strerror(err))));
    return result;
  }
  return compile_pipe_text(text, path, options);
}

}  // namespace sluice
