// The C API (include/sluice/sluice.h) over the C++ embedding API. Every entry point catches
// everything: no exception crosses into C.
#include "sluice/sluice.h"

#include <cstdlib>
#include <cstring>
#include <exception>

#include "sluice/sluice.hpp"

namespace embed = sluice::embed;

struct sluice_pipeline {
  embed::Pipeline pipeline;
};

struct sluice_result {
  embed::RunResult result;
};

namespace {

char* dup_string(const std::string& s) {
  char* out = static_cast<char*>(std::malloc(s.size() + 1));
  if (out != nullptr) std::memcpy(out, s.c_str(), s.size() + 1);
  return out;
}

}  // namespace

extern "C" {

sluice_status sluice_compile(const char* descriptor, size_t len, const char* world, sluice_pipeline** out,
                             char** diagnostics_json) {
  try {
    if (out == nullptr || (descriptor == nullptr && len != 0)) return SLUICE_USAGE;
    *out = nullptr;
    if (diagnostics_json) *diagnostics_json = nullptr;
    embed::CompileOptions options;
    if (world != nullptr) {
      const auto w = embed::parse_world(world);
      if (!w) return SLUICE_USAGE;
      options.world = *w;
    }
    std::vector<embed::Diagnostic> diags;
    auto pipe = embed::Pipeline::compile(std::string_view(descriptor ? descriptor : "", len), options, &diags);
    if (diagnostics_json) *diagnostics_json = dup_string(embed::diagnostics_to_json(diags));
    if (!pipe) return SLUICE_REJECTED;
    *out = new sluice_pipeline{std::move(*pipe)};
    return SLUICE_OK;
  } catch (...) {
    return SLUICE_INTERNAL;
  }
}

void sluice_pipeline_free(sluice_pipeline* pipeline) { delete pipeline; }

sluice_status sluice_run(const sluice_pipeline* pipeline, const sluice_run_options* options, sluice_result** out) {
  try {
    if (pipeline == nullptr || out == nullptr) return SLUICE_USAGE;
    *out = nullptr;
    embed::RunRequest req;
    if (options != nullptr) {
      if (options->fs_root != nullptr) req.fs_root = options->fs_root;
      req.fsync_outputs = options->no_fsync == 0;
      if (options->has_source) {
        if (options->source_len > UINT32_MAX) return SLUICE_USAGE;
        req.source_bytes = embed::ByteView(options->source_bytes, static_cast<std::uint32_t>(options->source_len));
      }
      if (options->sink != nullptr) {
        const sluice_sink_fn fn = options->sink;
        void* user = options->sink_user;
        req.sink = [fn, user](embed::ByteView item) { fn(user, item.data, item.size); };
      }
    }
    auto* r = new sluice_result{pipeline->pipeline.run(req)};
    *out = r;
    switch (r->result.status) {
      case embed::RunStatus::kOkDoc: return SLUICE_OK;
      case embed::RunStatus::kErrDoc: return SLUICE_ERR_DOC;
      case embed::RunStatus::kTrap: return SLUICE_TRAP;
    }
    return SLUICE_INTERNAL;
  } catch (...) {
    return SLUICE_INTERNAL;
  }
}

const uint8_t* sluice_result_doc(const sluice_result* result, size_t* len) {
  if (result == nullptr) {
    if (len) *len = 0;
    return nullptr;
  }
  if (len) *len = result->result.doc_bytes.size();
  return result->result.doc_bytes.data();
}

int sluice_result_ok(const sluice_result* result) { return result != nullptr && result->result.ok() ? 1 : 0; }

uint32_t sluice_result_code(const sluice_result* result) {
  return result != nullptr && result->result.doc && !result->result.doc->ok ? result->result.doc->code : 0;
}

const char* sluice_result_message(const sluice_result* result) {
  return result != nullptr && result->result.doc ? result->result.doc->message.c_str() : "";
}

const uint8_t* sluice_result_payload(const sluice_result* result, size_t* len) {
  if (result == nullptr || !result->result.doc) {
    if (len) *len = 0;
    return nullptr;
  }
  if (len) *len = result->result.doc->payload.size();
  return result->result.doc->payload.data();
}

void sluice_result_counters(const sluice_result* result, uint32_t counters[4]) {
  if (counters == nullptr) return;
  const embed::Counters c =
      result != nullptr && result->result.doc && result->result.doc->ok ? result->result.doc->counters : embed::Counters{};
  counters[0] = c.bytes_in;
  counters[1] = c.bytes_out;
  counters[2] = c.items_in;
  counters[3] = c.items_out;
}

const char* sluice_result_trap(const sluice_result* result) {
  return result != nullptr ? result->result.trap.c_str() : "";
}

void sluice_result_free(sluice_result* result) { delete result; }
void sluice_string_free(char* s) { std::free(s); }
const char* sluice_version(void) { return SLUICE_VERSION; }

}  // extern "C"
