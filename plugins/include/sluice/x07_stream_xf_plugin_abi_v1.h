/* The X07 stream transducer plugin ABI, version 1 (spec x07-pipes §9, x07-plugin-abi.md).
 * Source-compatible with X07's crates/x07c/include/x07_stream_xf_plugin_abi_v1.h: the type names,
 * field order and field types are X07's, so a plugin written for X07 compiles against this header
 * unchanged. Plain C (C99 and later) and C++; needs only <stddef.h> and <stdint.h>.
 *
 * A plugin exports its descriptor as a global object with C linkage:
 *   const x07_stream_xf_plugin_v1 my_symbol = { X07_XF_ABI_TAG, X07_XF_ABI_VERSION, ... };
 * (`extern "C"` in C++) where my_symbol is the registry entry's export_symbol. */
#ifndef X07_STREAM_XF_PLUGIN_ABI_V1_H
#define X07_STREAM_XF_PLUGIN_ABI_V1_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* 'X7XF' read as a little-endian u32. */
#define X07_XF_ABI_TAG 0x46584637u
#define X07_XF_ABI_VERSION 1u

#define X07_XF_FLAG_DETERMINISTIC_ONLY (1u << 0)
#define X07_XF_FLAG_NONDET_OS_ONLY (1u << 1)
#define X07_XF_FLAG_CFG_CANON_JSON (1u << 2)

/* emit_view kinds: a slice of the current input item (step only), or of the plugin's scratch. */
#define X07_XF_VIEW_KIND_INPUT 1u
#define X07_XF_VIEW_KIND_SCRATCH 2u

/* Host hooks: an owned byte buffer from the run's allocator, and a trap that ends the run. */
typedef struct ev_bytes {
  uint8_t* ptr;
  uint32_t len;
} ev_bytes;

ev_bytes ev_bytes_alloc(uint32_t len);
void ev_trap(int32_t code);

typedef struct x07_bytes_view_v1 {
  const uint8_t* ptr;
  uint32_t len;
} x07_bytes_view_v1;

/* The plugin sets len <= cap before emit_commit. */
typedef struct x07_out_buf_v1 {
  uint8_t* ptr;
  uint32_t cap;
  uint32_t len;
} x07_out_buf_v1;

typedef struct x07_scratch_v1 {
  uint8_t* ptr;
  uint32_t cap;
  uint32_t used;
} x07_scratch_v1;

/* Per call. max_cfg_bytes is non-zero for init only. */
typedef struct x07_xf_budget_v1 {
  uint32_t max_out_bytes_per_step;
  uint32_t max_out_items_per_step;
  uint32_t max_out_buf_bytes;
  uint32_t max_state_bytes;
  uint32_t max_cfg_bytes;
  uint32_t max_scratch_bytes;
} x07_xf_budget_v1;

typedef struct x07_xf_emit_v1 {
  void* emit_ctx;
  int32_t (*emit_alloc)(void* emit_ctx, uint32_t cap, x07_out_buf_v1* out);
  int32_t (*emit_commit)(void* emit_ctx, const x07_out_buf_v1* out);
  int32_t (*emit_view)(void* emit_ctx, const uint8_t* ptr, uint32_t len, uint32_t view_kind);
} x07_xf_emit_v1;

/* Callbacks return 0 on success, or an error code (negative -c or positive c). `emit` and
 * `budget` are passed by value. */
typedef struct x07_stream_xf_plugin_v1 {
  uint32_t abi_tag;     /* X07_XF_ABI_TAG */
  uint32_t abi_version; /* X07_XF_ABI_VERSION */
  const char* plugin_id;
  uint32_t flags; /* X07_XF_FLAG_* */
  const char* in_item_brand;
  const char* out_item_brand;
  uint32_t state_size;  /* must equal the registry's state_bytes */
  uint32_t state_align; /* a power of two, at least 8 */
  uint32_t scratch_hint;
  uint32_t scratch_max; /* must equal the registry's scratch_bytes */
  int32_t (*init)(void* state, x07_scratch_v1* scratch, x07_bytes_view_v1 cfg, x07_xf_emit_v1 emit,
                  x07_xf_budget_v1 budget);
  int32_t (*step)(void* state, x07_scratch_v1* scratch, x07_bytes_view_v1 in, x07_xf_emit_v1 emit,
                  x07_xf_budget_v1 budget);
  int32_t (*flush)(void* state, x07_scratch_v1* scratch, x07_xf_emit_v1 emit, x07_xf_budget_v1 budget);
  void (*drop)(void* state); /* may be null */
} x07_stream_xf_plugin_v1;

#ifdef __cplusplus
}
#endif

#endif /* X07_STREAM_XF_PLUGIN_ABI_V1_H */
