#include "compiler/front_end.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>
#include <filesystem>
#include <cstdio>
#include <new>

#include "compiler/check_descriptor.hpp"
#include "compiler/lints.hpp"
#include "compiler/elaborate.hpp"
#include "compiler/brands.hpp"
#include "compiler/json_source.hpp"
#include "compiler/resolve_fns.hpp"
#include "compiler/resolve_plugins.hpp"
#include "compiler/rr_scope.hpp"
#include "compiler/x07/interp.hpp"
#include "compiler/x07/module.hpp"
#include "compiler/x07/program.hpp"
#include "runtime/plan_hash.hpp"
#include "runtime/world.hpp"

namespace sluice {
namespace {

std::string dir_of(std::string_view file) {
  const auto slash = file.rfind('/');
  return slash == std::string_view::npos ? std::string(".") : std::string(file.substr(0, slash == 0 ? 1 : slash));
}

// Every function and registry module a bare pipe names, so its modules can be loaded by id.
void collect_refs(const JsonNode& n, std::vector<std::string>& module_ids) {
  if (n.is_array()) {
    if (n.items.size() == 2 && n.items[1].is_string() &&
        (n.is_form("std.stream.fn_v1") || n.is_form("validator")))
      module_ids.push_back(x07::module_of(n.items[1].text));
    if (n.items.size() == 2 && n.items[1].is_form("bytes.lit") && n.is_form("brand_registry_ref_v1") &&
        n.items[1].items.size() == 2 && n.items[1].items[1].is_string())
      module_ids.push_back(n.items[1].items[1].text);
    if (n.items.size() == 2 && n.items[1].is_string() && n.is_form("brand_registry_ref_v1"))
      module_ids.push_back(n.items[1].text);
    // A call in an expr_v1 argument: the module of a dotted head that is not a std name.
    if (!n.items.empty() && n.items[0].is_string() && n.items[0].text.rfind("std.", 0) != 0 &&
        n.items[0].text.find('.') != std::string::npos)
      module_ids.push_back(x07::module_of(n.items[0].text));
    for (const JsonNode& k : n.items) collect_refs(k, module_ids);
  }
}

// The expression's JSON on one line: how a run-time argument shows in plans.
std::string compact_json(const JsonNode& n) {
  switch (n.kind) {
    case JsonKind::kNull: return "null";
    case JsonKind::kBool: return n.boolean ? "true" : "false";
    case JsonKind::kInteger:
    case JsonKind::kNumber: return n.text;
    case JsonKind::kString: return json_quote(n.text);
    case JsonKind::kArray: {
      std::string out = "[";
      for (std::size_t i = 0; i < n.items.size(); ++i) out += (i ? "," : "") + compact_json(n.items[i]);
      return out + "]";
    }
    case JsonKind::kObject: {
      std::string out = "{";
      for (std::size_t i = 0; i < n.members.size(); ++i)
        out += (i ? "," : "") + json_quote(n.members[i].key) + ":" + compact_json(n.members[i].value);
      return out + "}";
    }
  }
  return "";
}

ArgValue to_arg(const x07::Value& v, x07::Ty ty) {
  if (ty == x07::Ty::kI32) return ArgValue{ArgValue::Kind::kInt, v.i, {}};
  const ByteView b = ty == x07::Ty::kView ? v.view : ByteView(v.buf.data(), static_cast<std::uint32_t>(v.buf.size()));
  return ArgValue{ArgValue::Kind::kBytes, 0, std::string(b.as_chars())};
}

x07::Ty to_ty(ValueType t) {
  switch (t) {
    case ValueType::kI32: return x07::Ty::kI32;
    case ValueType::kBytes: return x07::Ty::kBytes;
    case ValueType::kBytesView: return x07::Ty::kView;
  }
  return x07::Ty::kI32;
}

// The entry's lets, evaluated in order with `input`, visible to the pipe's expressions.
struct EntryLocals {
  std::vector<std::pair<std::string, x07::Ty>> types;
  std::vector<x07::Value> values;
};

CompileResult compile(std::string_view text, std::string_view file_name, const CompileOptions& options) {
  CompileResult result;
  auto& diags = result.diagnostics;
  // Shared with the plan: run-time arguments' x07 code points into the descriptor's nodes.
  const auto parsed_owner = std::make_shared<JsonParseResult>(parse_json(text));
  JsonParseResult& parsed = *parsed_owner;
  if (parsed.error) {
    const JsonError& e = *parsed.error;
    diags.push_back(make_diagnostic(json_error_diag(e.kind), std::string(file_name), e.pos.line, e.pos.column, "", e.message));
    return result;
  }
  const std::string file(file_name);
  std::vector<x07::NativeFnRegistration> natives;
  for (const NativeFn& n : options.native_fns) natives.push_back({n.name, n.sig, n.fn});
  auto program = std::make_shared<x07::Program>(x07::EvalSettings{options.fuel, {}}, std::move(natives));
  program->input_bytes = options.input;
  program->settings().input = ByteView::of(program->input_bytes);
  program->module_dir = dir_of(file_name);
  for (const std::string& f : options.module_files) program->add_module(x07::load_module_file(f, diags), diags);

  // A bare descriptor, or an entry module with the pipe in solve.
  const JsonNode* pipe_root = &*parsed.root;
  std::string base;
  const x07::Module* entry = nullptr;
  std::vector<const JsonNode*> lets;
  std::string lets_base;                // the begin holding the lets
  const JsonNode* rr_scope = nullptr;   // std.rr.with_policy_v1 / with_v1 around the pipe
  RrScopeSite rr_site;
  if (x07::looks_like_module(*parsed.root)) {
    entry = program->add_module(x07::read_module(std::move(*parsed.root), file, diags), diags);
    if (!entry) return result;
    if (!entry->entry) {
      diags.push_back(make_diagnostic(DiagId::kModule, file, 1, 1, "/kind",
                                      "a pipe file that is a module must be an entry (kind \"entry\", the pipe in solve)"));
      return result;
    }
    if (!entry->solve) return result;
    pipe_root = &*entry->solve;
    base = "/solve";
    // A record/replay scope around the whole solve, or around the pipe after the lets.
    const auto enter_rr_scope = [&]() {
      if (!is_rr_scope(*pipe_root)) return true;
      const RrScopeSite site{file, base, options.world};
      if (rr_scope != nullptr) {
        diags.push_back(make_diagnostic(DiagId::kRrScope, file, pipe_root->pos.line, pipe_root->pos.column, base,
                                        "a pipe runs in one record/replay session; this scope is inside another"));
        return false;
      }
      if (!rr_scope_shape_ok(*pipe_root, site, diags)) return false;
      rr_scope = pipe_root;
      rr_site = site;
      base += "/" + std::to_string(pipe_root->items.size() - 1);
      pipe_root = rr_scope_body(*pipe_root);
      return true;
    };
    // Twice: the second reports a scope directly inside the first.
    if (!enter_rr_scope() || !enter_rr_scope()) return result;
    if (pipe_root->is_form("begin") && pipe_root->items.size() >= 2) {
      const JsonNode& solve = *pipe_root;
      lets_base = base;
      for (std::size_t i = 1; i + 1 < solve.items.size(); ++i) {
        const JsonNode& l = solve.items[i];
        if (!l.is_form("let") || l.items.size() != 3 || !l.items[1].is_string()) {
          diags.push_back(make_diagnostic(DiagId::kExprUnsupported, file, l.pos.line, l.pos.column,
                                          base + "/" + std::to_string(i),
                                          "sluice runs an entry whose solve is the pipe, or a begin of lets ending in the pipe "
                                          "(either may be inside std.rr.with_policy_v1 / with_v1); found " +
                                              describe_json(l)));
          return result;
        }
        lets.push_back(&l);
      }
      pipe_root = &solve.items.back();
      base += "/" + std::to_string(solve.items.size() - 1);
      if (!enter_rr_scope()) return result;
    }
  } else {
    std::vector<std::string> ids;
    collect_refs(*pipe_root, ids);
    for (const std::string& id : ids) program->load_by_id(id, program->module_dir, diags);
  }
  program->load_imports(program->module_dir, diags);
  program->compile(diags);

  x07::CheckEnv env;
  env.file = file;
  env.out = &diags;
  env.has_input = entry != nullptr;
  env.resolve = [&](const std::string& name, const JsonNode& at, const std::string& pointer) {
    return program->resolve_call(name, entry, x07::RefSite{file, &at, pointer}, diags);
  };
  EntryLocals locals;
  // Whether a value the plan holds was computed from `input` (Plan::input_digest).
  bool values_read_input = false;
  for (std::size_t i = 0; i < lets.size(); ++i) {
    const JsonNode& l = *lets[i];
    const std::string p = lets_base + "/" + std::to_string(i + 1) + "/2";
    const auto ir = x07::check_expr_ir(l.items[2], p, locals.types, x07::Ty::kNever, env);
    if (!ir) return result;
    values_read_input = values_read_input || x07::reads_input(ir->node);
    x07::EvalResult r = x07::eval_expr(*ir, locals.values, program->settings());
    if (r.status != UserFnStatus::kOk) {
      diags.push_back(make_diagnostic(DiagId::kExprTrap, file, l.pos.line, l.pos.column, p, "the let trapped: " + r.trap));
      return result;
    }
    locals.types.emplace_back(l.items[1].text, ir->node.ty);
    x07::Value v = std::move(r.value);
    if (x07::holds_view(ir->node.ty)) {
      // eval_expr copied the view's bytes into buf; keep the local a view of them.
      v.view = ByteView(v.buf.data(), static_cast<std::uint32_t>(v.buf.size()));
    }
    locals.values.push_back(std::move(v));
  }
  // Where arch/ is (plugin registry, rr policies): given, or the pipe file's directory.
  std::optional<std::string> arch_root = options.arch_root;
  if (!arch_root) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(file, ec)) arch_root = dir_of(file_name);
  }
  // The session a std.rr scope opens, as the X7RC cfg the host opens when the run starts.
  std::vector<std::uint8_t> rr_session;
  if (rr_scope != nullptr) {
    std::optional<std::vector<std::uint8_t>> cfg;
    if (rr_scope->is_form("std.rr.with_policy_v1")) {
      if (!arch_root) {
        diags.push_back(make_diagnostic(DiagId::kRrScope, file, rr_scope->pos.line, rr_scope->pos.column, rr_site.pointer,
                                        "std.rr.with_policy_v1 reads its policy from arch/rr/ under the arch root, and "
                                        "this pipe has none",
                                        "pass --arch-root DIR (the directory that holds arch/rr/index.x07rr.json)"));
        return result;
      }
      cfg = rr_policy_cfg(*rr_scope, rr_site, *arch_root, diags);
    } else {
      // with_v1's cfg is an expression; like every value of the plan it is computed now, so it
      // may read `input` and the entry's functions but not open connections (std.db/std.net).
      const JsonNode& c = rr_scope->items[1];
      const std::string p = rr_site.pointer + "/1";
      const auto ir = x07::check_expr_ir(c, p, {}, x07::Ty::kView, env);
      if (!ir) return result;
      if (x07::needs_run_time(ir->node)) {
        diags.push_back(make_diagnostic(DiagId::kRrScope, file, c.pos.line, c.pos.column, p,
                                        "the cfg of std.rr.with_v1 is computed before the run, so it cannot call "
                                        "functions that open connections"));
        return result;
      }
      values_read_input = values_read_input || x07::reads_input(ir->node);
      x07::EvalResult r = x07::eval_expr(*ir, {}, program->settings());
      if (r.status != UserFnStatus::kOk) {
        diags.push_back(make_diagnostic(DiagId::kExprTrap, file, c.pos.line, c.pos.column, p,
                                        "the cfg of std.rr.with_v1 trapped: " + r.trap));
        return result;
      }
      cfg = rr_cfg_from_bytes(*rr_scope, rr_site, std::move(r.value.buf), diags);
    }
    if (!cfg) return result;
    rr_session = std::move(*cfg);
  }
  // A run-time argument (docs/expressions.md): the expression calls std.db.* (or a function that
  // does), so it is evaluated when the pipe runs, never here. It becomes a function of its own,
  // checked again with one hidden bytes_view parameter in slot 0 and no lets: the lets' values
  // exist only in this compile, not in a built executable's run.
  std::size_t run_time_fns = 0;
  const auto run_time_arg = [&](const JsonNode& x, const std::string& pointer, ValueType want,
                                std::string_view what) -> std::optional<ArgValue> {
    const std::vector<std::pair<std::string, x07::Ty>> hidden{{"\x01run_time_arg", x07::Ty::kView}};
    const std::size_t before = diags.size();
    auto ir = x07::check_expr_ir(x, base + pointer, hidden, to_ty(want), env);
    if (!ir) {
      if (diags.size() == before)
        diags.push_back(make_diagnostic(DiagId::kExprType, file, x.pos.line, x.pos.column, base + pointer,
                                        std::string(what) + ": the expression does not check"));
      if (!lets.empty())
        diags.back().hint = "an expression evaluated at run time (it calls std.db.* or std.net.*) cannot use the entry's lets";
      return std::nullopt;
    }
    if (ir->node.ty != x07::Ty::kI32 && ir->node.ty != x07::Ty::kBytes) {
      diags.push_back(make_diagnostic(DiagId::kExprType, file, x.pos.line, x.pos.column, base + pointer,
                                      std::string(what) + ": an expression evaluated at run time must give i32 or bytes",
                                      "wrap a view in [\"view.to_bytes\", ...]"));
      return std::nullopt;
    }
    if (!world_is_os(options.world)) {
      diags.push_back(make_diagnostic(DiagId::kWorld, file, x.pos.line, x.pos.column, base + pointer,
                                      std::string(what) + " calls std.db.* or std.net.*, which only OS worlds allow (run-os, run-os-sandboxed); got " +
                                          std::string(world_name(options.world)),
                                      "choose --world run-os-sandboxed"));
      return std::nullopt;
    }
    values_read_input = values_read_input || x07::reads_input(ir->node);
    ArgValue v;
    v.kind = ArgValue::Kind::kRunTime;
    v.i = ir->node.ty == x07::Ty::kBytes ? 1 : 0;
    v.bytes = compact_json(x);
    v.fn = program->add_run_time_fn(std::move(*ir), "sluice.run_time_arg." + std::to_string(run_time_fns++));
    return v;
  };
  // Views of let values point into locals.values' buffers, which stay put from here on.
  const ExprEvalFn eval = [&](const JsonNode& x, const std::string& pointer, ValueType want,
                              std::string_view what) -> std::optional<ArgValue> {
    const std::size_t before = diags.size();
    const auto ir = x07::check_expr_ir(x, base + pointer, locals.types, to_ty(want), env);
    if (!ir) {
      if (diags.size() == before)
        diags.push_back(make_diagnostic(DiagId::kExprType, file, x.pos.line, x.pos.column, base + pointer,
                                        std::string(what) + ": the expression does not check"));
      return std::nullopt;
    }
    if (x07::needs_run_time(ir->node)) return run_time_arg(x, pointer, want, what);
    values_read_input = values_read_input || x07::reads_input(ir->node);
    x07::EvalResult r = x07::eval_expr(*ir, locals.values, program->settings());
    if (r.status != UserFnStatus::kOk) {
      diags.push_back(make_diagnostic(DiagId::kExprTrap, file, x.pos.line, x.pos.column, base + pointer,
                                      std::string(what) + " trapped before the pipeline started: " + r.trap));
      return std::nullopt;
    }
    return to_arg(r.value, ir->node.ty);
  };
  const std::size_t check_from = diags.size();
  const CheckedPipe checked = check_descriptor(*pipe_root, file_name, options.world, diags, &eval);
  // Descriptor diagnostics name pointers inside the pipe; in an entry module it sits at `base`.
  for (std::size_t i = check_from; i < diags.size(); ++i)
    if (diags[i].file == file && diags[i].pointer.rfind(base, 0) != 0) diags[i].pointer = base + diags[i].pointer;
  if (result.ok()) {
    Plan plan = elaborate(checked, options.world, file_name);
    // Run-time arguments are x07 functions too: the C++ backend translates them.
    for (const PlanStage* st : {&plan.source, &plan.sink})
      for (const PlanArg& a : st->args)
        if (a.value.kind == ArgValue::Kind::kRunTime) plan.uses_user_functions = true;
    FnContext ctx(*program, entry, file, *pipe_root, base, diags);
    const auto sigs = resolve_fns(plan, ctx);
    PluginResolveInput plugins;
    plugins.arch_root = arch_root;
    plugins.lookup = options.plugin_lookup;
    resolve_plugins(plan, plugins, ctx, diags);
    type_brands(plan, sigs, ctx);
    if (result.ok()) lint_plan(plan, *program, *pipe_root, ctx);
    if (result.ok()) {
      if (!base.empty()) {
        plan.source.pointer = base + plan.source.pointer;
        plan.sink.pointer = base + plan.sink.pointer;
        for (PlanStage& st : plan.chain) st.pointer = base + st.pointer;
      }
      // The program, and the descriptor's parsed nodes that the x07 code of run-time arguments
      // points into for source positions (translated to C++ after this function returns).
      plan.user_fn_owner = std::make_shared<const std::pair<std::shared_ptr<const void>, std::shared_ptr<const void>>>(
          program, parsed_owner);
      if (values_read_input) plan.input_digest = xxh64_hex(options.input);
      plan.rr_session = std::move(rr_session);
      result.plan = std::move(plan);
    }
  }
  // The passes visit the cfg before the stages and modules before the pipe; readers (and
  // editors) want each file's order. Stable: ties keep the walk's order.
  std::stable_sort(diags.begin(), diags.end(), [&](const Diagnostic& a, const Diagnostic& b) {
    const int fa = a.file == file ? 1 : 0, fb = b.file == file ? 1 : 0;
    if (fa != fb) return fa < fb;
    if (a.file != b.file) return false;
    return a.line != b.line ? a.line < b.line : a.column < b.column;
  });
  if (!result.ok()) result.plan.reset();
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
