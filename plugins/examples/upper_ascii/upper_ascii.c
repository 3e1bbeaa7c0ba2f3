/* acme.upper_ascii_v1: a worked example of a user stream plugin (docs/plugins.md).
 * Each input item comes out once, with ASCII letters a-z made upper case. An item that has no
 * lower-case letter goes on as a view of the input (emit_view kind 1: no copy); any other is
 * written into a buffer from emit_alloc. cfg: empty, or one byte '!' to append '!' to each item.
 * Written against the ABI header exactly as an X07 plugin is, so it builds for X07 too. */
#include "x07_stream_xf_plugin_abi_v1.h"

typedef struct {
  uint32_t bang; /* append '!' */
  uint32_t items;
} upper_state;

static int32_t upper_init(void* state, x07_scratch_v1* scratch, x07_bytes_view_v1 cfg, x07_xf_emit_v1 emit,
                          x07_xf_budget_v1 budget) {
  upper_state* s = (upper_state*)state;
  (void)scratch;
  (void)emit;
  (void)budget;
  if (cfg.len > 1 || (cfg.len == 1 && cfg.ptr[0] != '!')) return -1; /* ERR 1 stream:xf_plugin_error */
  s->bang = cfg.len == 1;
  s->items = 0;
  return 0;
}

static int32_t upper_step(void* state, x07_scratch_v1* scratch, x07_bytes_view_v1 in, x07_xf_emit_v1 emit,
                          x07_xf_budget_v1 budget) {
  upper_state* s = (upper_state*)state;
  uint32_t i, lower = 0;
  x07_out_buf_v1 out;
  int32_t rc;
  (void)scratch;
  (void)budget;
  for (i = 0; i < in.len; ++i) lower |= in.ptr[i] >= 'a' && in.ptr[i] <= 'z';
  s->items += 1;
  if (!lower && !s->bang) return emit.emit_view(emit.emit_ctx, in.ptr, in.len, X07_XF_VIEW_KIND_INPUT);
  rc = emit.emit_alloc(emit.emit_ctx, in.len + s->bang, &out);
  if (rc != 0) return rc; /* 113/114/115: the emit rules of the ABI */
  for (i = 0; i < in.len; ++i) {
    uint8_t c = in.ptr[i];
    out.ptr[i] = (uint8_t)(c >= 'a' && c <= 'z' ? c - 32 : c);
  }
  if (s->bang) out.ptr[in.len] = '!';
  out.len = in.len + s->bang;
  return emit.emit_commit(emit.emit_ctx, &out);
}

static int32_t upper_flush(void* state, x07_scratch_v1* scratch, x07_xf_emit_v1 emit, x07_xf_budget_v1 budget) {
  (void)state;
  (void)scratch;
  (void)emit;
  (void)budget;
  return 0;
}

/* state_size and scratch_max must equal the registry entry's state_bytes and scratch_bytes. */
const x07_stream_xf_plugin_v1 acme_upper_ascii_v1 = {
    X07_XF_ABI_TAG, X07_XF_ABI_VERSION, "acme.upper_ascii_v1", X07_XF_FLAG_DETERMINISTIC_ONLY, "any", "none",
    sizeof(upper_state), 8, 0, 0, upper_init, upper_step, upper_flush, 0};
