// The C++ embedding API (include/sluice/sluice.hpp) over the front end and the interpreter. The
// public types are the host's own (sluice::embed); this file is the one place that translates
// them to and from the internal ones, so hosts never see compiler/, runtime/ or stdlib/ headers.
#include "sluice/sluice.hpp"

#include <deque>
#include <exception>
#include <new>

#include "compiler/diagnostics.hpp"
#include "compiler/front_end.hpp"
#include "compiler/interpret.hpp"
#include "compiler/plan_print.hpp"
#include "runtime/page_pool.hpp"
#include "runtime/result_doc.hpp"
#include "runtime/world.hpp"

namespace sluice::embed {

// The compiled plan, and the host function bodies its UserFn handles point at (a deque: the
// addresses stay put while it grows, and the plan holds raw pointers to them).
struct Pipeline::Impl {
  std::deque<NativeFnBody> native_bodies;
  Plan plan;
};

namespace {

// The public enums mirror the internal ones value for value, so the translation is a cast.
static_assert(static_cast<int>(World::kSolvePure) == static_cast<int>(sluice::World::kSolvePure));
static_assert(static_cast<int>(World::kSolveFs) == static_cast<int>(sluice::World::kSolveFs));
static_assert(static_cast<int>(World::kSolveRr) == static_cast<int>(sluice::World::kSolveRr));
static_assert(static_cast<int>(World::kSolveKv) == static_cast<int>(sluice::World::kSolveKv));
static_assert(static_cast<int>(World::kSolveFull) == static_cast<int>(sluice::World::kSolveFull));
static_assert(static_cast<int>(World::kRunOs) == static_cast<int>(sluice::World::kRunOs));
static_assert(static_cast<int>(World::kRunOsSandboxed) == static_cast<int>(sluice::World::kRunOsSandboxed));
static_assert(static_cast<int>(NativeFnSig::kMap) == static_cast<int>(UserFnSig::kMap));
static_assert(static_cast<int>(NativeFnSig::kFilter) == static_cast<int>(UserFnSig::kFilter));
static_assert(static_cast<int>(NativeFnSig::kValidator) == static_cast<int>(UserFnSig::kValidator));
static_assert(static_cast<int>(NativeFnSig::kMapInPlace) == static_cast<int>(UserFnSig::kMapInPlace));
static_assert(kDefaultFuel == kDefaultUserFnFuel);
static_assert(kDefaultPageSize == sluice::kDefaultPageSize);

// The UserFn entry of every host function: `ctx` is its NativeFnBody.
UserFnStatus call_native(const void* ctx, UserFnIo& io) {
  const auto& body = *static_cast<const NativeFnBody*>(ctx);
  NativeFnCall call;
  call.item = ByteView(io.item.data, io.item.size);
  call.out = io.out;
  if (io.scratch != nullptr) {
    call.scratch = &io.scratch->data;
    call.scratch_cap = io.scratch->cap;
  }
  NativeFnOutcome outcome = NativeFnOutcome::kTrapped;
  try {
    outcome = body(call);
  } catch (const std::exception& e) {
    call.trap = std::string("threw: ") + e.what();
  } catch (...) {
    call.trap = "threw a non-std exception";
  }
  io.value = call.value;
  io.is_err = call.is_err;
  if (outcome == NativeFnOutcome::kReturned) return UserFnStatus::kOk;
  io.trap = call.trap.empty() ? std::string("the host function trapped") : std::move(call.trap);
  return UserFnStatus::kTrap;
}

Diagnostic to_public(sluice::Diagnostic d) {
  return Diagnostic{std::move(d.code), d.severity == sluice::Severity::kError ? Severity::kError : Severity::kWarning,
                    std::move(d.file), d.line, d.column, std::move(d.pointer), std::move(d.message),
                    std::move(d.hint)};
}

sluice::Diagnostic to_internal(const Diagnostic& d) {
  return sluice::Diagnostic{d.code, d.severity == Severity::kError ? sluice::Severity::kError : sluice::Severity::kWarning,
                            d.file, d.line, d.column, d.pointer, d.message, d.hint};
}

// Internal options for `options`; the host function bodies are copied into `impl`.
sluice::CompileOptions to_internal(const CompileOptions& options, Pipeline::Impl& impl) {
  sluice::CompileOptions out;
  out.world = static_cast<sluice::World>(options.world);
  out.module_files = options.module_files;
  out.input = options.input;
  out.fuel = options.fuel;
  for (const NativeFn& fn : options.native_fns) {
    const NativeFnBody& body = impl.native_bodies.emplace_back(fn.body);
    out.register_native_fn(fn.name, static_cast<UserFnSig>(fn.sig), UserFn{&body, &call_native});
  }
  return out;
}

// The compiled pipeline, or nullptr when the descriptor has errors (or memory ran out).
template <typename CompileFn>
std::shared_ptr<const Pipeline::Impl> compile_with(const CompileOptions& options, std::vector<Diagnostic>* diagnostics,
                                                   CompileFn&& compile) {
  if (diagnostics) diagnostics->clear();
  try {
    auto impl = std::make_shared<Pipeline::Impl>();
    CompileResult r = compile(to_internal(options, *impl));
    if (diagnostics)
      for (sluice::Diagnostic& d : r.diagnostics) diagnostics->push_back(to_public(std::move(d)));
    if (!r.plan) return nullptr;
    impl->plan = std::move(*r.plan);
    return impl;
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}

RunStatus to_public(sluice::RunStatus s) {
  switch (s) {
    case sluice::RunStatus::kOk: return RunStatus::kOkDoc;
    case sluice::RunStatus::kErr: return RunStatus::kErrDoc;
    case sluice::RunStatus::kTrap: return RunStatus::kTrap;
  }
  return RunStatus::kTrap;
}

}  // namespace

std::optional<Pipeline> Pipeline::compile(std::string_view descriptor, const CompileOptions& options,
                                          std::vector<Diagnostic>* diagnostics, std::string_view name) {
  auto impl = compile_with(options, diagnostics, [&](const sluice::CompileOptions& o) {
    return compile_pipe_text(descriptor, name, o);
  });
  if (!impl) return std::nullopt;
  return Pipeline(std::move(impl));
}

std::optional<Pipeline> Pipeline::compile_file(const std::string& path, const CompileOptions& options,
                                               std::vector<Diagnostic>* diagnostics) {
  auto impl = compile_with(options, diagnostics, [&](const sluice::CompileOptions& o) {
    return compile_pipe_file(path, o);
  });
  if (!impl) return std::nullopt;
  return Pipeline(std::move(impl));
}

RunResult Pipeline::run(const RunRequest& request) const {
  RunResult result;
  try {
    RunOptions opts;
    opts.env.fs_root.dir = request.fs_root;
    opts.env.read_mode = request.read_mode == ReadMode::kMmap ? sluice::ReadMode::kMmap : sluice::ReadMode::kRead;
    opts.env.fsync_outputs = request.fsync_outputs;
    opts.env.copy_offload = request.copy_offload;
    opts.page_size = request.page_size == 0 ? kDefaultPageSize : request.page_size;
    if (request.source_bytes) opts.host.source_bytes = sluice::ByteView(request.source_bytes->data, request.source_bytes->size);
    if (request.sink) {
      const auto* sink = &request.sink;
      opts.host.sink = [sink](sluice::ByteView item) { (*sink)(ByteView(item.data, item.size)); };
    }
    RunOutcome out = run_plan(impl_->plan, opts);
    result.status = to_public(out.status);
    result.trap = std::move(out.trap);
    result.detail = std::move(out.detail);
    result.copied_bytes = out.copied_bytes;
    result.offloaded_bytes = out.offloaded_bytes;
    result.doc_bytes = std::move(out.doc);
    if (!result.doc_bytes.empty()) {
      auto doc = decode_doc(sluice::ByteView(result.doc_bytes.data(), static_cast<std::uint32_t>(result.doc_bytes.size())));
      if (doc) {
        const sluice::Counters& c = doc->counters;
        result.doc = ResultDoc{doc->ok, Counters{c.bytes_in, c.bytes_out, c.items_in, c.items_out}, doc->code,
                               std::move(doc->message), std::move(doc->payload)};
      }
    }
  } catch (const std::bad_alloc&) {
    result = RunResult{};
    result.status = RunStatus::kTrap;
    result.trap = "trap:out_of_memory";
  }
  return result;
}

std::string Pipeline::plan_text() const { return plan_to_text(impl_->plan); }
std::string Pipeline::plan_json() const { return plan_to_json(impl_->plan); }

std::optional<World> parse_world(std::string_view id) {
  const auto w = sluice::parse_world(id);
  if (!w) return std::nullopt;
  return static_cast<World>(*w);
}

std::string_view world_name(World world) { return sluice::world_name(static_cast<sluice::World>(world)); }

std::string format_text(const Diagnostic& diagnostic) { return sluice::format_text(to_internal(diagnostic)); }

std::string diagnostics_to_json(std::span<const Diagnostic> diagnostics) {
  std::vector<sluice::Diagnostic> internal;
  internal.reserve(diagnostics.size());
  for (const Diagnostic& d : diagnostics) internal.push_back(to_internal(d));
  return sluice::diagnostics_to_json(internal);
}

const char* version() { return SLUICE_VERSION; }

}  // namespace sluice::embed
