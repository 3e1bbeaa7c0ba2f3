#include "compiler/x07/program.hpp"

#include <algorithm>

#include <sys/stat.h>

#include "stdlib/x07/library.hpp"

namespace sluice::x07 {
namespace {

void report(std::vector<Diagnostic>& out, DiagId id, const RefSite& at, std::string message, std::string hint = {}) {
  const int line = at.node ? at.node->pos.line : 0;
  const int column = at.node ? at.node->pos.column : 0;
  out.push_back(make_diagnostic(id, at.file, line, column, at.pointer, std::move(message), std::move(hint)));
}

bool file_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

FnSignature signature_of(const FnIr& fn) {
  FnSignature s;
  s.params = fn.params;
  if (!fn.decl->params.empty()) s.param_brand = fn.decl->params[0].brand;
  if (fn.decl->params.size() > 1) s.item_param_brand = fn.decl->params[1].brand;
  s.result = fn.result;
  s.result_brand = fn.decl->result_brand;
  return s;
}

FnSignature signature_of(UserFnSig sig) {
  FnSignature s;
  s.params = sig_params(sig);
  s.result = sig_result(sig);
  return s;
}

}  // namespace

std::string module_of(std::string_view fn_name) {
  const auto dot = fn_name.rfind('.');
  return dot == std::string_view::npos ? std::string() : std::string(fn_name.substr(0, dot));
}

std::string module_path(const std::string& dir, std::string_view module_id) {
  std::string rel(module_id);
  for (char& c : rel)
    if (c == '.') c = '/';
  return (dir.empty() ? std::string(".") : dir) + "/" + rel + ".x07.json";
}

Program::Program(EvalSettings settings, std::vector<NativeFnRegistration> natives)
    : natives_(std::move(natives)), settings_(std::make_unique<EvalSettings>(settings)) {}

const Module* Program::add_module(std::unique_ptr<Module> m, std::vector<Diagnostic>& out) {
  if (!m) return nullptr;
  if (const Module* prev = find_module(m->id); prev && !m->id.empty()) {
    out.push_back(make_diagnostic(DiagId::kModule, m->file, m->root.pos.line, m->root.pos.column, "/module_id",
                                  "module " + json_quote(m->id) + " is already loaded from " + prev->file));
    return prev;
  }
  for (const FnDecl& d : m->fns) {
    FnIr& fn = fns_.emplace_back();
    fn.decl = &d;
    fn.name = d.name;
    for (const Param& p : d.params) fn.params.push_back(p.ty);
    fn.result = d.result;
    fn_by_name_[d.name] = &fn;
  }
  modules_.push_back(std::move(m));
  return modules_.back().get();
}

const Module* Program::find_module(std::string_view id) const {
  for (const auto& m : modules_)
    if (m->id == id) return m.get();
  return nullptr;
}

const Module* Program::load_by_id(const std::string& id, const std::string& dir, std::vector<Diagnostic>& out) {
  if (const Module* m = find_module(id)) return m;
  if (id.empty() || is_library_module(id)) return nullptr;
  const std::string path = module_path(dir, id);
  if (!file_exists(path)) return nullptr;
  std::unique_ptr<Module> m = load_module_file(path, out);
  if (!m) return nullptr;
  if (m->id != id || m->entry) {
    out.push_back(make_diagnostic(DiagId::kModule, path, 1, 1, "/module_id",
                                  "the file for module " + json_quote(id) + " must declare kind \"module\" and module_id " +
                                      json_quote(id) + ", found " + json_quote(m->id)));
    return nullptr;
  }
  const Module* added = add_module(std::move(m), out);
  load_imports(dir, out);
  return added;
}

void Program::load_imports(const std::string& dir, std::vector<Diagnostic>& out) {
  // Index-based: loading appends to modules_.
  for (std::size_t i = 0; i < modules_.size(); ++i) {
    const Module& m = *modules_[i];
    for (std::size_t k = 0; k < m.imports.size(); ++k) {
      const std::string imp = m.imports[k];
      if (find_module(imp) || is_library_module(imp) || imp.rfind("std.", 0) == 0) continue;
      if (!load_by_id(imp, dir, out)) {
        const JsonNode* imports = nullptr;
        for (const JsonMember& mem : modules_[i]->root.members)
          if (mem.key == "imports") imports = &mem.value;
        report(out, DiagId::kModuleMissing, RefSite{modules_[i]->file, imports, "/imports"},
               "module " + json_quote(imp) + " imported by " + json_quote(modules_[i]->id) + " is not loaded and " +
                   module_path(dir, imp) + " does not exist",
               "pass it with --module FILE, or put it at that path");
      }
    }
  }
}

const Module* Program::owner_of(std::string_view fn_name) const { return find_module(module_of(fn_name)); }

bool Program::compile(std::vector<Diagnostic>& out) {
  bool ok = true;
  for (FnIr& fn : fns_) {
    if (fn.checked) continue;
    const Module* m = owner_of(fn.name);
    CheckEnv env;
    env.file = m ? m->file : std::string();
    env.out = &out;
    env.has_input = true;
    env.resolve = [this, m, &out, &env](const std::string& name, const JsonNode& at, const std::string& pointer) {
      return resolve_call(name, m, RefSite{env.file, &at, pointer}, out);
    };
    ok = check_fn(fn, env) && ok;
  }
  compiled_ = true;
  return ok;
}

std::optional<Callee> Program::resolve_call(const std::string& name, const Module* from, const RefSite& at,
                                            std::vector<Diagnostic>& out) {
  const auto it = fn_by_name_.find(name);
  if (it != fn_by_name_.end()) {
    const Module* owner = owner_of(name);
    if (from && owner && owner != from) {
      if (std::find(from->imports.begin(), from->imports.end(), owner->id) == from->imports.end()) {
        report(out, DiagId::kX07Visibility, at,
               "call to " + json_quote(name) + " requires (import " + owner->id + ") in module " + json_quote(from->id));
        return std::nullopt;
      }
    }
    if (owner && owner != from && !owner->exports_fn(name)) {
      report(out, DiagId::kX07Visibility, at, "function " + json_quote(name) + " is not exported by module " + json_quote(owner->id));
      return std::nullopt;
    }
    Callee c;
    c.fn = it->second;
    return c;
  }
  if (const LibraryFn* lib = find_library_fn(name)) {
    Callee c;
    c.native = UserFn{nullptr, lib->entry};
    c.sig = lib->sig;
    c.native_name = name;
    return c;
  }
  for (const NativeFnRegistration& n : natives_)
    if (n.name == name) {
      Callee c;
      c.native = n.fn;
      c.sig = n.sig;
      c.native_name = name;
      return c;
    }
  const std::string mid = module_of(name);
  if (!mid.empty() && !find_module(mid) && mid.rfind("std.", 0) != 0) {
    report(out, DiagId::kModuleMissing, at,
           "unknown function " + json_quote(name) + ": module " + json_quote(mid) + " is not loaded and " +
               module_path(module_dir, mid) + " does not exist",
           "pass the module with --module FILE, or put it at that path");
  } else {
    report(out, DiagId::kX07UnknownName, at, "unknown function " + json_quote(name));
  }
  return std::nullopt;
}

UserFn Program::add_run_time_fn(ExprIr ir, std::string name) {
  FnIr& f = fns_.emplace_back();
  f.name = std::move(name);
  f.params = {Ty::kView};
  f.result = ir.node.ty;
  f.nslots = std::max<std::uint32_t>(ir.nslots, 1);
  f.body = std::move(ir.node);
  f.checked = true;
  return make_user_fn(handle_for(f));
}

const FnHandle& Program::handle_for(const FnIr& fn) {
  if (const auto it = handle_by_name_.find(fn.name); it != handle_by_name_.end()) return *it->second;
  FnHandle& h = handles_.emplace_back();
  h.fn = &fn;
  h.settings = settings_.get();
  handle_by_name_[fn.name] = &h;
  return h;
}

std::optional<ResolvedFn> Program::resolve_stage_fn(const std::string& name, const Module* from, const RefSite& at,
                                                    std::vector<Diagnostic>& out) {
  const auto it = fn_by_name_.find(name);
  if (it != fn_by_name_.end()) {
    const Module* owner = owner_of(name);
    if (owner && owner != from && !owner->exports_fn(name)) {
      report(out, DiagId::kFnNotExported, at, "function " + json_quote(name) + " is not exported by module " + json_quote(owner->id),
             "add it to the names of the module's export declaration");
      return std::nullopt;
    }
    if (from && owner && owner != from &&
        std::find(from->imports.begin(), from->imports.end(), owner->id) == from->imports.end()) {
      report(out, DiagId::kX07Visibility, at,
             "call to " + json_quote(name) + " requires (import " + owner->id + ") in module " + json_quote(from->id));
      return std::nullopt;
    }
    const FnIr& fn = *it->second;
    ResolvedFn r{name, {}, signature_of(fn)};
    // A body with type errors has been reported; it never runs.
    if (fn.checked && (fn.params.size() == 1 || fn.params.size() == 2) && fn.params[0] == Ty::kView)
      r.handle = make_user_fn(handle_for(fn));
    return r;
  }
  if (const LibraryFn* lib = find_library_fn(name)) return ResolvedFn{name, UserFn{nullptr, lib->entry}, signature_of(lib->sig)};
  for (const NativeFnRegistration& n : natives_)
    if (n.name == name) return ResolvedFn{name, n.fn, signature_of(n.sig)};
  const std::string mid = module_of(name);
  if (!mid.empty() && !find_module(mid) && mid.rfind("std.", 0) != 0) {
    report(out, DiagId::kModuleMissing, at,
           "unknown function " + json_quote(name) + ": module " + json_quote(mid) + " is not loaded and " +
               module_path(module_dir, mid) + " does not exist",
           "pass the module with --module FILE, or put it at that path");
  } else {
    report(out, DiagId::kFnUnknown, at, "unknown function " + json_quote(name),
           find_module(mid) ? "module " + mid + " defines no such function" : std::string());
  }
  return std::nullopt;
}

}  // namespace sluice::x07
