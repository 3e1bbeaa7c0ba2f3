/* xf.test_emit_limits_v1 (spec §15): the plugin that breaks the emit rules on purpose, one mode
 * per cfg byte, under tiny limits (12 B/step, 2 items/step, 8 B/buffer). Plain C against the ABI
 * header, as a user's plugin would be. Modes: A commit without alloc (112); B alloc 9 (113);
 * C alloc 8 + commit, then alloc 8 (114); D three allocs of 1 (115); E alloc 1, commit len 2
 * (116); V view (kind 1) of the whole input; any other byte: no output. */
#include "x07_stream_xf_plugin_abi_v1.h"

#include <string.h>

typedef struct {
  uint8_t mode;
} test_state;

static int32_t test_init(void* state, x07_scratch_v1* scratch, x07_bytes_view_v1 cfg, x07_xf_emit_v1 emit,
                         x07_xf_budget_v1 budget) {
  (void)scratch;
  (void)emit;
  (void)budget;
  ((test_state*)state)->mode = cfg.len != 0 ? cfg.ptr[0] : 0;
  return 0;
}

static int32_t alloc_commit(x07_xf_emit_v1 emit, uint32_t cap, uint32_t len) {
  x07_out_buf_v1 b;
  int32_t rc = emit.emit_alloc(emit.emit_ctx, cap, &b);
  if (rc != 0) return rc;
  if (len <= b.cap) memset(b.ptr, 'x', len);
  b.len = len;
  return emit.emit_commit(emit.emit_ctx, &b);
}

static int32_t test_step(void* state, x07_scratch_v1* scratch, x07_bytes_view_v1 in, x07_xf_emit_v1 emit,
                         x07_xf_budget_v1 budget) {
  (void)scratch;
  (void)budget;
  switch (((test_state*)state)->mode) {
    case 'A': {
      x07_out_buf_v1 b = {0, 0, 0};
      return emit.emit_commit(emit.emit_ctx, &b);
    }
    case 'B': {
      x07_out_buf_v1 b;
      return emit.emit_alloc(emit.emit_ctx, 9, &b);
    }
    case 'C': {
      int32_t rc = alloc_commit(emit, 8, 8);
      if (rc != 0) return rc;
      return alloc_commit(emit, 8, 8);
    }
    case 'D': {
      for (int i = 0; i < 3; ++i) {
        int32_t rc = alloc_commit(emit, 1, 1);
        if (rc != 0) return rc;
      }
      return 0;
    }
    case 'E': return alloc_commit(emit, 1, 2);
    case 'V': return emit.emit_view(emit.emit_ctx, in.ptr, in.len, X07_XF_VIEW_KIND_INPUT);
    default: return 0;
  }
}

static int32_t test_flush(void* state, x07_scratch_v1* scratch, x07_xf_emit_v1 emit, x07_xf_budget_v1 budget) {
  (void)state;
  (void)scratch;
  (void)emit;
  (void)budget;
  return 0;
}

const x07_stream_xf_plugin_v1 x07_xf_test_emit_limits_v1 = {
    X07_XF_ABI_TAG, X07_XF_ABI_VERSION, "xf.test_emit_limits_v1", X07_XF_FLAG_DETERMINISTIC_ONLY, "any", "none",
    32, 8, 0, 0, test_init, test_step, test_flush, 0};
