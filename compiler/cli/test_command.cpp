#include "compiler/cli/test_command.hpp"

#include <spawn.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <set>

#include <nlohmann/json.hpp>

#include "compiler/build_driver.hpp"
#include "compiler/diagnostics.hpp"
#include "compiler/front_end.hpp"
#include "compiler/interpret.hpp"
#include "compiler/json_layout.hpp"
#include "compiler/json_source.hpp"
#include "compiler/toolchain.hpp"
#include "runtime/result_doc.hpp"
#include "runtime/run_report.hpp"

extern char** environ;

namespace sluice {
namespace {

using Json = nlohmann::ordered_json;
namespace fs = std::filesystem;

// What a test file is wrong about, where: `file:line:col: error[E_TEST_FILE]: message (at /ptr)`.
struct FileError {
  std::string pointer;
  std::string message;
};

struct CaseResult {
  std::string file = {};
  std::string name = {};
  bool passed = false;
  bool error = false;                       // the test could not run (malformed test, rejected pipe)
  std::vector<std::string> failures = {};   // what differed, one line each
  double seconds = 0;
};

// What a run gave: a doc, or a trap.
struct Actual {
  bool trapped = false;
  std::string trap;
  ResultDoc doc;
};

std::string hex_of(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (const char c : bytes) {
    out.push_back(kDigits[static_cast<unsigned char>(c) >> 4]);
    out.push_back(kDigits[static_cast<unsigned char>(c) & 15]);
  }
  return out;
}

std::optional<std::string> unhex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    int v = 0;
    for (const char c : hex.substr(i, 2)) {
      v <<= 4;
      if (c >= '0' && c <= '9') v |= c - '0';
      else if (c >= 'a' && c <= 'f') v |= c - 'a' + 10;
      else if (c >= 'A' && c <= 'F') v |= c - 'A' + 10;
      else return std::nullopt;
    }
    out.push_back(static_cast<char>(v));
  }
  return out;
}

// Bytes written as {"text": "..."}, {"hex": "..."} or {"file": "path relative to the test file"}.
std::optional<std::string> bytes_of(const Json& j, const fs::path& base, const std::string& pointer,
                                    std::vector<FileError>& errors) {
  if (!j.is_object() || j.size() != 1 || !j.begin().value().is_string()) {
    errors.push_back({pointer, "expected bytes: {\"text\": ...}, {\"hex\": ...} or {\"file\": ...}"});
    return std::nullopt;
  }
  const std::string& key = j.begin().key();
  const std::string value = j.begin().value().get<std::string>();
  if (key == "text") return value;
  if (key == "hex") {
    if (auto b = unhex(value)) return b;
    errors.push_back({pointer + "/hex", "not an even number of hex digits"});
    return std::nullopt;
  }
  if (key == "file") {
    if (auto b = read_whole((base / value).string())) return b;
    errors.push_back({pointer + "/file", "cannot read " + (base / value).string()});
    return std::nullopt;
  }
  errors.push_back({pointer, "expected bytes: {\"text\": ...}, {\"hex\": ...} or {\"file\": ...}, found key \"" + key + "\""});
  return std::nullopt;
}

// The form --update writes: text when the bytes are UTF-8 text (no control characters but tab,
// CR and LF), else hex, which reads better than a string of \u0000 escapes (frames, hashes).
Json bytes_json(std::string_view bytes) {
  const bool text = is_valid_utf8(bytes) && std::none_of(bytes.begin(), bytes.end(), [](char c) {
    return (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' && c != '\r') || c == 0x7F;
  });
  return text ? Json{{"text", std::string(bytes)}} : Json{{"hex", hex_of(bytes)}};
}

bool check_keys(const Json& obj, const std::set<std::string>& allowed, const std::string& pointer,
                std::vector<FileError>& errors) {
  bool ok = true;
  for (const auto& [key, _] : obj.items())
    if (!allowed.contains(key)) {
      errors.push_back({json_pointer_append(pointer, key), "unknown field \"" + key + "\""});
      ok = false;
    }
  return ok;
}

// A fresh directory for a test's files (and what its sinks write), removed afterwards.
struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "sluice-test-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) != nullptr) path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path.empty()) fs::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
};

// Runs a built executable with stdout and stderr in files: the doc is binary.
Actual run_executable(const std::string& exe, const std::string& root, const fs::path& scratch, std::string& failure) {
  const std::string out_path = (scratch / "doc.bin").string(), err_path = (scratch / "stderr.txt").string();
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::vector<std::string> args{exe, "--root", root, "--emit", "doc"};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, exe.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  Actual a;
  if (rc != 0) {
    failure = "cannot run the built executable: " + std::string(std::strerror(rc));
    return a;
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  const std::string err = read_whole(err_path).value_or("");
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  if (code == kExitTrap) {
    a.trapped = true;
    a.trap = err.substr(0, err.find('\n'));
    if (a.trap.starts_with("sluice: ")) a.trap.erase(0, 8);
    return a;
  }
  const std::string doc = read_whole(out_path).value_or("");
  std::string why;
  if (auto d = decode_doc(ByteView::of(doc), &why)) {
    a.doc = std::move(*d);
  } else {
    failure = "the executable exited " + std::to_string(code) + " without a doc (" + why + "): " + err;
  }
  return a;
}

// Every way `actual` differs from `expect` (already checked for shape), one line each.
std::vector<std::string> compare(const Json& expect, const Actual& actual, const fs::path& base, const fs::path& root) {
  std::vector<std::string> diffs;
  std::vector<FileError> ignored;
  if (expect.contains("trap")) {
    const std::string want = expect["trap"].get<std::string>();
    if (!actual.trapped) diffs.push_back("expected a trap containing \"" + want + "\", got a doc");
    else if (actual.trap.find(want) == std::string::npos)
      diffs.push_back("trap: expected one containing \"" + want + "\", got \"" + actual.trap + "\"");
    return diffs;
  }
  if (actual.trapped) {
    diffs.push_back("expected a doc, got " + actual.trap);
    return diffs;
  }
  const ResultDoc& doc = actual.doc;
  const bool want_ok = expect["ok"].get<bool>();
  if (doc.ok != want_ok) {
    diffs.push_back(std::string("expected ") + (want_ok ? "OK" : "ERR") + ", got " +
                    (doc.ok ? "OK" : "ERR " + std::to_string(doc.code) + " " + doc.message));
    return diffs;
  }
  if (!want_ok) {
    if (expect.contains("code") && expect["code"].get<std::uint32_t>() != doc.code)
      diffs.push_back("code: expected " + std::to_string(expect["code"].get<std::uint32_t>()) + ", got " +
                      std::to_string(doc.code) + " (" + doc.message + ")");
    if (expect.contains("message") && expect["message"].get<std::string>() != doc.message)
      diffs.push_back("message: expected \"" + expect["message"].get<std::string>() + "\", got \"" + doc.message + "\"");
  }
  if (expect.contains("counters")) {
    const std::map<std::string, std::uint64_t> got{{"bytes_in", doc.counters.bytes_in},
                                                   {"bytes_out", doc.counters.bytes_out},
                                                   {"items_in", doc.counters.items_in},
                                                   {"items_out", doc.counters.items_out}};
    for (const auto& [name, value] : expect["counters"].items())
      if (value.get<std::uint64_t>() != got.at(name))
        diffs.push_back(name + ": expected " + std::to_string(value.get<std::uint64_t>()) + ", got " +
                        std::to_string(got.at(name)));
  }
  if (expect.contains("payload")) {
    const std::string want = bytes_of(expect["payload"], base, "", ignored).value_or("");
    const std::string got(doc.payload.begin(), doc.payload.end());
    if (want != got) {
      std::size_t at = 0;
      while (at < want.size() && at < got.size() && want[at] == got[at]) ++at;
      diffs.push_back("payload: " + std::to_string(got.size()) + " bytes, expected " + std::to_string(want.size()) +
                      "; first difference at byte " + std::to_string(at) + " (got hex " +
                      hex_of(std::string_view(got).substr(at, 16)) + ", expected hex " +
                      hex_of(std::string_view(want).substr(at, 16)) + ")");
    }
  }
  if (expect.contains("files")) {
    for (const auto& [name, spec] : expect["files"].items()) {
      const std::string want = bytes_of(spec, base, "", ignored).value_or("");
      const std::optional<std::string> got = read_whole((root / name).string());
      if (!got) diffs.push_back("file " + name + ": not written");
      else if (*got != want)
        diffs.push_back("file " + name + ": " + std::to_string(got->size()) + " bytes, expected " +
                        std::to_string(want.size()) + " (differs)");
    }
  }
  return diffs;
}

// `bytes` in the form --update writes for an expectation that was `old`: a {"file": F}
// expectation keeps pointing at F, which gets the bytes (replaced whole); any other, text or hex.
Json updated_bytes(const Json& old, const std::string& bytes, const fs::path& base) {
  if (old.is_object() && old.contains("file") && old["file"].is_string()) {
    const std::string path = (base / old["file"].get<std::string>()).string();
    const std::string tmp = temp_path_beside(path);
    if (read_whole(path) == bytes) return old;
    if (write_whole(tmp, bytes) && std::rename(tmp.c_str(), path.c_str()) == 0) return old;
    std::remove(tmp.c_str());
  }
  return bytes_json(bytes);
}

// The expectation --update writes: what the run gave, in the forms the old one used where it can.
Json expectation_of(const Actual& actual, const Json& old, const fs::path& base, const fs::path& root) {
  Json e = Json::object();
  if (actual.trapped) {
    e["trap"] = actual.trap;
    return e;
  }
  const ResultDoc& doc = actual.doc;
  e["ok"] = doc.ok;
  if (!doc.ok) {
    e["code"] = doc.code;
    e["message"] = doc.message;
  } else {
    e["counters"] = Json{{"bytes_in", doc.counters.bytes_in},
                         {"bytes_out", doc.counters.bytes_out},
                         {"items_in", doc.counters.items_in},
                         {"items_out", doc.counters.items_out}};
  }
  e["payload"] = updated_bytes(old.contains("payload") ? old["payload"] : Json(), std::string(doc.payload.begin(), doc.payload.end()), base);
  if (old.contains("files")) {
    Json files = Json::object();
    for (const auto& [name, spec] : old["files"].items())
      files[name] = updated_bytes(spec, read_whole((root / name).string()).value_or(""), base);
    e["files"] = std::move(files);
  }
  return e;
}

// A file a test makes or expects: a relative path that stays inside the test's root.
bool safe_file_name(const std::string& name) {
  const fs::path p(name);
  if (name.empty() || p.is_absolute()) return false;
  return std::none_of(p.begin(), p.end(), [](const fs::path& part) { return part == ".." || part == "."; });
}

void check_file_names(const Json& files, const std::string& pointer, std::vector<FileError>& errors) {
  for (const auto& [name, _] : files.items())
    if (!safe_file_name(name))
      errors.push_back({json_pointer_append(pointer, name), "a file name is a relative path without . or .. parts"});
}

// The checks of one test object's shape; `errors` gets every problem.
void check_test_shape(const Json& t, const std::string& ptr, const fs::path& base, std::vector<FileError>& errors) {
  if (!t.is_object()) {
    errors.push_back({ptr, "a test is an object"});
    return;
  }
  check_keys(t, {"name", "pipe", "world", "root", "files", "modules", "input", "source", "cfg", "expect"}, ptr, errors);
  for (const char* key : {"name", "pipe"})
    if (!t.contains(key) || !t[key].is_string()) errors.push_back({ptr, std::string("missing string field \"") + key + "\""});
  for (const char* key : {"world", "root", "input"})
    if (t.contains(key) && !t[key].is_string()) errors.push_back({ptr + "/" + key, "expected a string"});
  if (t.contains("world") && t["world"].is_string() && !parse_world(t["world"].get<std::string>()))
    errors.push_back({ptr + "/world", "unknown world \"" + t["world"].get<std::string>() + "\" (expected one of: " +
                                          std::string(world_ids_joined()) + ")"});
  if (t.contains("root") && t.contains("files")) errors.push_back({ptr + "/files", "give \"root\" or \"files\", not both"});
  if (t.contains("modules") && (!t["modules"].is_array() ||
                                std::any_of(t["modules"].begin(), t["modules"].end(), [](const Json& m) { return !m.is_string(); })))
    errors.push_back({ptr + "/modules", "expected an array of paths"});
  if (t.contains("files")) {
    if (!t["files"].is_object()) errors.push_back({ptr + "/files", "expected an object: file name -> bytes"});
    else
      for (const auto& [name, spec] : t["files"].items()) bytes_of(spec, base, json_pointer_append(ptr + "/files", name), errors);
    if (t["files"].is_object()) check_file_names(t["files"], ptr + "/files", errors);
  }
  if (t.contains("source")) bytes_of(t["source"], base, ptr + "/source", errors);
  if (t.contains("cfg")) {
    if (!t["cfg"].is_object()) errors.push_back({ptr + "/cfg", "expected an object: cfg key -> value"});
    else
      for (const auto& [key, value] : t["cfg"].items())
        if (!value.is_number_integer() && !value.is_string())
          errors.push_back({json_pointer_append(ptr + "/cfg", key), "expected an integer (or a string)"});
  }
  if (!t.contains("expect") || !t["expect"].is_object()) {
    errors.push_back({ptr, "missing object field \"expect\""});
    return;
  }
  const Json& e = t["expect"];
  const std::string ep = ptr + "/expect";
  check_keys(e, {"ok", "code", "message", "counters", "payload", "files", "trap"}, ep, errors);
  if (e.contains("trap")) {
    if (!e["trap"].is_string()) errors.push_back({ep + "/trap", "expected a string"});
    if (e.size() != 1) errors.push_back({ep, "\"trap\" stands alone: a trapped run has no doc"});
    return;
  }
  if (!e.contains("ok") || !e["ok"].is_boolean()) errors.push_back({ep, "missing boolean field \"ok\" (or \"trap\")"});
  if (e.contains("code") && !e["code"].is_number_unsigned()) errors.push_back({ep + "/code", "expected an integer"});
  if (e.contains("message") && !e["message"].is_string()) errors.push_back({ep + "/message", "expected a string"});
  if (e.contains("ok") && e["ok"] == true && (e.contains("code") || e.contains("message")))
    errors.push_back({ep, "an OK doc has no code or message"});
  if (e.contains("ok") && e["ok"] == false && e.contains("counters"))
    errors.push_back({ep + "/counters", "an ERR doc has no counters"});
  if (e.contains("counters")) {
    if (!e["counters"].is_object()) errors.push_back({ep + "/counters", "expected an object"});
    else {
      check_keys(e["counters"], {"bytes_in", "bytes_out", "items_in", "items_out"}, ep + "/counters", errors);
      for (const auto& [k, v] : e["counters"].items())
        if (!v.is_number_unsigned()) errors.push_back({json_pointer_append(ep + "/counters", k), "expected an integer"});
    }
  }
  if (e.contains("payload")) bytes_of(e["payload"], base, ep + "/payload", errors);
  if (e.contains("files")) {
    if (!e["files"].is_object()) errors.push_back({ep + "/files", "expected an object: file name -> bytes"});
    else
      for (const auto& [name, spec] : e["files"].items()) bytes_of(spec, base, json_pointer_append(ep + "/files", name), errors);
    if (e["files"].is_object()) check_file_names(e["files"], ep + "/files", errors);
  }
}

// The pipe text with the test's cfg overrides and source replacement applied.
std::optional<std::string> apply_overrides(const std::string& text, const Json& t, const fs::path& base, std::string& why) {
  if (!t.contains("cfg") && !t.contains("source")) return text;
  Json pipe = Json::parse(text, nullptr, false);
  if (pipe.is_discarded() || !pipe.is_array() || pipe.size() != 5 || !pipe[1].is_array()) {
    why = "\"cfg\" and \"source\" need a bare pipe descriptor ([\"std.stream.pipe_v1\", cfg, source, chain, sink])";
    return std::nullopt;
  }
  if (t.contains("cfg"))
    for (const auto& [key, value] : t["cfg"].items()) {
      bool replaced = false;
      for (Json& entry : pipe[1])
        if (entry.is_array() && entry.size() == 2 && entry[0] == key) {
          entry[1] = value;
          replaced = true;
        }
      if (!replaced) pipe[1].push_back(Json::array({key, value}));
    }
  if (t.contains("source")) {
    std::vector<FileError> ignored;
    const std::string bytes = bytes_of(t["source"], base, "", ignored).value_or("");
    if (!is_valid_utf8(bytes)) {
      why = "\"source\" bytes must be UTF-8 (they become a bytes.lit); for binary input use \"files\" and an fs source";
      return std::nullopt;
    }
    pipe[2] = Json::array({"std.stream.src.bytes_v1", Json::array({"std.stream.expr_v1", Json::array({"bytes.lit", bytes})})});
  }
  return pipe.dump();
}

// Makes the test's files in `dir` (a fresh temporary root), and the directories of the files it
// expects the pipe to write, so a sink's `out/file` has its `out/`.
bool make_files(const Json& t, const fs::path& base, const fs::path& dir, std::string& why) {
  if (!t.contains("files")) return true;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (t["expect"].contains("files"))
    for (const auto& [name, _] : t["expect"]["files"].items()) fs::create_directories((dir / name).parent_path(), ec);
  std::vector<FileError> ignored;
  for (const auto& [name, spec] : t["files"].items()) {
    const fs::path p = dir / name;
    fs::create_directories(p.parent_path(), ec);
    if (!write_whole(p.string(), bytes_of(spec, base, "", ignored).value_or(""))) {
      why = "cannot write " + p.string();
      return false;
    }
  }
  return true;
}

class Runner {
 public:
  explicit Runner(const TestOptions& options) : options_(options) {}

  void run_file(const std::string& file) {
    const fs::path base = fs::path(file).parent_path();
    const std::optional<std::string> text = read_whole(file);
    if (!text) return file_error(file, {{"", "cannot read the test file"}}, nullptr);
    const JsonParseResult parsed = parse_json(*text);
    if (parsed.error) {
      const JsonError& e = *parsed.error;
      std::cerr << format_text(make_diagnostic(json_error_diag(e.kind), file, e.pos.line, e.pos.column, "", e.message)) << "\n";
      return record({.file = file, .name = "(test file)", .error = true, .failures = {"not JSON: " + e.message}});
    }
    Json root = Json::parse(*text, nullptr, false);
    std::vector<FileError> errors;
    if (!root.is_object() || !root.contains("tests") || !root["tests"].is_array() || root["tests"].empty())
      errors.push_back({"", "a test file is an object with a non-empty \"tests\" array"});
    else {
      check_keys(root, {"$schema", "tests"}, "", errors);
      for (std::size_t i = 0; i < root["tests"].size(); ++i)
        check_test_shape(root["tests"][i], "/tests/" + std::to_string(i), base, errors);
    }
    if (!errors.empty()) return file_error(file, errors, &*parsed.root);

    bool updated = false;
    for (Json& t : root["tests"]) updated = run_test(file, base, t) || updated;
    if (updated) {
      // The values came from a file that parsed as UTF-8 and from bytes_json, which writes text
      // only when it is UTF-8; `replace` is for a trap message quoting other bytes.
      const JsonParseResult again = parse_json(root.dump(-1, ' ', false, Json::error_handler_t::replace));
      const std::string out = layout_json(*again.root);
      const std::string tmp = temp_path_beside(file);
      if (write_whole(tmp, out) && std::rename(tmp.c_str(), file.c_str()) == 0) {
        std::cout << "updated " << file << "\n";
      } else {
        std::remove(tmp.c_str());
        std::cerr << "sluice: test: cannot write " << file << "\n";
        record({.file = file, .name = "(update)", .error = true, .failures = {"cannot rewrite the test file"}});
      }
    }
  }

  int finish() {
    std::size_t passed = 0;
    for (const CaseResult& r : results_) passed += r.passed ? 1 : 0;
    const std::size_t failed = results_.size() - passed;
    std::cout << passed << " passed, " << failed << " failed\n";
    if (!options_.junit.empty() && !write_junit()) return kExitRejected;
    return failed == 0 ? kExitOk : kExitRejected;
  }

 private:
  const TestOptions& options_;
  std::vector<CaseResult> results_;
  int built_ = 0;

  void record(CaseResult r) {
    if (!r.passed) {
      std::cout << (r.error ? "ERROR " : "FAIL  ") << r.file << ": " << r.name << "\n";
      for (const std::string& f : r.failures) std::cout << "      " << f << "\n";
    } else {
      std::cout << "ok    " << r.file << ": " << r.name << "\n";
    }
    results_.push_back(std::move(r));
  }

  void file_error(const std::string& file, const std::vector<FileError>& errors, const JsonNode* root) {
    CaseResult r{.file = file, .name = "(test file)", .error = true};
    for (const FileError& e : errors) {
      const JsonNode* at = root ? json_pointer_find(*root, e.pointer) : nullptr;
      Diagnostic d = make_diagnostic(DiagId::kTestFile, file, at ? at->pos.line : 0, at ? at->pos.column : 0, e.pointer, e.message);
      std::cerr << format_text(d) << "\n";
      r.failures.push_back((e.pointer.empty() ? "" : e.pointer + ": ") + e.message);
    }
    record(std::move(r));
  }

  // Runs one test (both backends with --build); true when --update changed its expectation.
  bool run_test(const std::string& file, const fs::path& base, Json& t) {
    const std::string name = t["name"].get<std::string>();
    const auto started = std::chrono::steady_clock::now();
    auto seconds = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(); };
    auto fail_now = [&](std::string why) {
      record({.file = file, .name = name, .error = true, .failures = {std::move(why)}, .seconds = seconds()});
      return false;
    };
    const fs::path pipe_path = base / t["pipe"].get<std::string>();
    const std::optional<std::string> pipe_text = read_whole(pipe_path.string());
    if (!pipe_text) return fail_now("cannot read the pipe " + pipe_path.string());
    std::string why;
    const std::optional<std::string> text = apply_overrides(*pipe_text, t, base, why);
    if (!text) return fail_now(why);

    CompileOptions copts;
    if (t.contains("world")) copts.world = *parse_world(t["world"].get<std::string>());
    if (t.contains("modules"))
      for (const Json& m : t["modules"]) copts.module_files.push_back((base / m.get<std::string>()).string());
    if (t.contains("input")) {
      const std::optional<std::string> input = read_whole((base / t["input"].get<std::string>()).string());
      if (!input) return fail_now("cannot read the input " + (base / t["input"].get<std::string>()).string());
      copts.input = *input;
    }
    CompileResult compiled = compile_pipe_text(*text, pipe_path.string(), copts);
    if (!compiled.plan) {
      std::string all;
      for (const Diagnostic& d : compiled.diagnostics)
        if (d.severity == Severity::kError) all += (all.empty() ? "" : "; ") + format_text(d);
      return fail_now("the pipe is rejected: " + all);
    }

    TempDir scratch;
    if (scratch.path.empty()) return fail_now("cannot make a temporary directory");
    const fs::path root = t.contains("files") ? scratch.path / "root" : base / t.value("root", std::string("."));
    if (t.contains("files") && !make_files(t, base, root, why)) return fail_now(why);

    RunOptions ropts;
    ropts.env.fs_root.dir = root.string();
    Actual interpreted;
    const RunOutcome out = run_plan(*compiled.plan, ropts);
    if (out.status == RunStatus::kTrap) {
      interpreted.trapped = true;
      interpreted.trap = out.trap;
    } else if (auto d = decode_doc(ByteView{out.doc.data(), static_cast<std::uint32_t>(out.doc.size())})) {
      interpreted.doc = std::move(*d);
    }
    if (options_.update) {
      Json fresh = expectation_of(interpreted, t["expect"], base, root);
      const bool changed = fresh != t["expect"];
      t["expect"] = std::move(fresh);
      record({.file = file, .name = name, .passed = true, .seconds = seconds()});
      return changed;
    }
    CaseResult r{.file = file, .name = name};
    r.failures = compare(t["expect"], interpreted, base, root);
    r.passed = r.failures.empty();
    r.seconds = seconds();
    record(std::move(r));
    if (!options_.build) return false;

    // The same plan as a built executable, over a fresh copy of the files.
    const auto build_started = std::chrono::steady_clock::now();
    CaseResult b{.file = file, .name = name + " [build]"};
    BuildOptions bopts;
    bopts.output = (scratch.path / ("exe" + std::to_string(built_++))).string();
    bopts.cache_dir = options_.cache_dir;
    const BuildResult built = build_executable(*compiled.plan, bopts);
    if (!built.ok) {
      b.error = true;
      b.failures.push_back("build failed: " + built.message.substr(0, built.message.find('\n')));
    } else {
      std::error_code removed;
      if (t.contains("files")) fs::remove_all(root, removed);
      if (t.contains("files") && !make_files(t, base, root, why)) {
        b.failures.push_back(why);
      } else {
        std::string failure;
        const Actual compiled_run = run_executable(bopts.output, root.string(), scratch.path, failure);
        if (!failure.empty()) b.failures.push_back(failure);
        else b.failures = compare(t["expect"], compiled_run, base, root);
      }
    }
    b.passed = b.failures.empty();
    b.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - build_started).count();
    record(std::move(b));
    return false;
  }

  static std::string xml_escape(std::string_view s) {
    std::string out;
    for (const char c : s) {
      switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&apos;"; break;
        default:
          // XML 1.0 has no way to write other control characters, even escaped.
          if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' && c != '\r') out += "?";
          else out.push_back(c);
      }
    }
    return out;
  }

  // JUnit XML as Jenkins, GitLab and GitHub test reporters read it (schemas/junit.xsd): one
  // testsuite per test file, one testcase per test (and per test [build]).
  bool write_junit() {
    std::map<std::string, std::vector<const CaseResult*>> by_file;
    std::vector<std::string> order;
    for (const CaseResult& r : results_) {
      if (!by_file.contains(r.file)) order.push_back(r.file);
      by_file[r.file].push_back(&r);
    }
    auto count = [](const std::vector<const CaseResult*>& rs, auto pred) {
      return std::to_string(std::count_if(rs.begin(), rs.end(), pred));
    };
    auto is_failure = [](const CaseResult* r) { return !r->passed && !r->error; };
    auto is_error = [](const CaseResult* r) { return r->error; };
    double total = 0;
    for (const CaseResult& r : results_) total += r.seconds;
    std::vector<const CaseResult*> all;
    for (const CaseResult& r : results_) all.push_back(&r);
    std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    x += "<testsuites name=\"sluice test\" tests=\"" + std::to_string(all.size()) + "\" failures=\"" +
         count(all, is_failure) + "\" errors=\"" + count(all, is_error) + "\" time=\"" + std::to_string(total) + "\">\n";
    for (const std::string& file : order) {
      const auto& rs = by_file[file];
      double t = 0;
      for (const CaseResult* r : rs) t += r->seconds;
      x += "  <testsuite name=\"" + xml_escape(file) + "\" tests=\"" + std::to_string(rs.size()) + "\" failures=\"" +
           count(rs, is_failure) + "\" errors=\"" + count(rs, is_error) + "\" skipped=\"0\" time=\"" + std::to_string(t) + "\">\n";
      for (const CaseResult* r : rs) {
        x += "    <testcase classname=\"" + xml_escape(file) + "\" name=\"" + xml_escape(r->name) + "\" time=\"" +
             std::to_string(r->seconds) + "\"";
        if (r->passed) {
          x += "/>\n";
          continue;
        }
        std::string body;
        for (const std::string& f : r->failures) body += f + "\n";
        const char* tag = r->error ? "error" : "failure";
        x += ">\n      <" + std::string(tag) + " message=\"" + xml_escape(r->failures.empty() ? "" : r->failures.front()) +
             "\" type=\"" + (r->error ? "error" : "mismatch") + "\">" + xml_escape(body) + "</" + tag + ">\n    </testcase>\n";
      }
      x += "  </testsuite>\n";
    }
    x += "</testsuites>\n";
    const std::string tmp = temp_path_beside(options_.junit);
    if (write_whole(tmp, x) && std::rename(tmp.c_str(), options_.junit.c_str()) == 0) return true;
    std::remove(tmp.c_str());
    std::cerr << "sluice: test: cannot write " << options_.junit << "\n";
    return false;
  }
};

}  // namespace

int cmd_test(const std::vector<std::string>& files, const TestOptions& options) {
  Runner runner(options);
  for (const std::string& f : files) runner.run_file(f);
  return runner.finish();
}

}  // namespace sluice
