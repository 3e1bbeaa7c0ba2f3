/* sluice's C API: compile an X07 pipe descriptor, run it, read the result doc. Opaque handles,
 * status codes, no exceptions across this boundary. Every function is safe to call with NULL
 * where a handle is expected (it returns SLUICE_USAGE or does nothing). See docs/embed.md. */
#ifndef SLUICE_H
#define SLUICE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum sluice_status {
  SLUICE_OK = 0,        /* the call worked; for sluice_run: an OK doc */
  SLUICE_REJECTED = 1,  /* the descriptor has errors (see the diagnostics JSON) */
  SLUICE_USAGE = 2,     /* a bad argument (NULL handle, unknown world, ...) */
  SLUICE_ERR_DOC = 3,   /* the run ended in an ERR doc */
  SLUICE_TRAP = 4,      /* the run trapped: no doc (see sluice_result_trap) */
  SLUICE_INTERNAL = 5   /* out of memory or an internal error */
} sluice_status;

typedef struct sluice_pipeline sluice_pipeline;
typedef struct sluice_result sluice_result;

/* Called once per item the sink delivers; `data` is valid during the call only. */
typedef void (*sluice_sink_fn)(void* user, const uint8_t* data, size_t len);

typedef struct sluice_run_options {
  const char* fs_root;          /* NULL: "." */
  const uint8_t* source_bytes;  /* with has_source: replaces the descriptor's source */
  size_t source_len;
  int has_source;
  sluice_sink_fn sink;          /* non-NULL: replaces the descriptor's sink */
  void* sink_user;
  int no_fsync;                 /* non-zero: fs sinks skip the fsync before OK (see docs/reliability.md) */
} sluice_run_options;

/* Compiles `descriptor` (len bytes of JSON) for `world` (NULL: "run-os-sandboxed"). On
 * SLUICE_OK, *out is a pipeline to free with sluice_pipeline_free. If diagnostics_json is not
 * NULL it receives a JSON array of every diagnostic (free it with sluice_string_free). */
sluice_status sluice_compile(const char* descriptor, size_t len, const char* world, sluice_pipeline** out,
                             char** diagnostics_json);
void sluice_pipeline_free(sluice_pipeline* pipeline);

/* Runs a pipeline (options may be NULL). *out receives a result to free with sluice_result_free,
 * for every status but SLUICE_USAGE and SLUICE_INTERNAL. */
sluice_status sluice_run(const sluice_pipeline* pipeline, const sluice_run_options* options, sluice_result** out);

const uint8_t* sluice_result_doc(const sluice_result* result, size_t* len);   /* the exact doc bytes */
int sluice_result_ok(const sluice_result* result);                            /* 1 for an OK doc */
uint32_t sluice_result_code(const sluice_result* result);                     /* ERR code, 0 if OK */
const char* sluice_result_message(const sluice_result* result);               /* "stream:..." or "" */
const uint8_t* sluice_result_payload(const sluice_result* result, size_t* len);
/* bytes_in, bytes_out, items_in, items_out of an OK doc (zeros otherwise). */
void sluice_result_counters(const sluice_result* result, uint32_t counters[4]);
const char* sluice_result_trap(const sluice_result* result);                  /* "" unless trapped */
void sluice_result_free(sluice_result* result);

void sluice_string_free(char* s);
const char* sluice_version(void);

#ifdef __cplusplus
}
#endif

#endif /* SLUICE_H */
