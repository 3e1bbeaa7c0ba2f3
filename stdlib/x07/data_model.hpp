// The ext.data_model module of the x07 library (spec x07-modules §3.1-3.2): readers and builders
// of DataModel values and docs, the bytes std.db takes (params_doc) and gives (rows and exec
// docs). Pure functions: the interpreter calls them (and so evaluates them at check time like
// the other pure builtins), and the C++ emitted for built pipelines calls the same ones, so both
// backends agree byte for byte.
//
// Offsets and counts are X07's i32. Readers never read out of bounds: a wrong kind, an index
// out of range or truncated bytes give -1 (i32 results) or empty bytes (bytes results), as X07's
// own implementation does (docs/databases.md lists each case).
#pragma once

#include <cstdint>
#include <vector>

#include "runtime/bytes.hpp"

namespace sluice::x07rt {

using DmBuf = std::vector<std::uint8_t>;

// ---- readers ----
std::int32_t dm_doc_is_err(ByteView doc);     // 1 if empty or byte 0 is 0
std::int32_t dm_root_offset(ByteView doc);    // 1, or -1 for an ERR doc
std::int32_t dm_root_kind(ByteView doc);      // the kind byte at 1, or -1
std::int32_t dm_kind_at(ByteView b, std::int32_t off);
std::int32_t dm_map_find(ByteView b, std::int32_t map_off, ByteView key);
std::int32_t dm_seq_len(ByteView b, std::int32_t off);
std::int32_t dm_map_len(ByteView b, std::int32_t off);
std::int32_t dm_seq_get(ByteView b, std::int32_t seq_off, std::int32_t idx);
DmBuf dm_map_key_at(ByteView b, std::int32_t map_off, std::int32_t idx);
std::int32_t dm_map_value_at(ByteView b, std::int32_t map_off, std::int32_t idx);
DmBuf dm_string_get(ByteView b, std::int32_t off);
DmBuf dm_number_get(ByteView b, std::int32_t off);
std::int32_t dm_bool_get(ByteView b, std::int32_t off);
// The end offset of the value at `off`, or -1. Iterative with an explicit stack of pending
// counts (no recursion on input depth, unlike X07's recursive x07 code which has no cap either);
// at most one step per input byte, so bounded by the input's length.
std::int32_t dm_skip_value_x(ByteView b, std::int32_t off);

// ---- builders ----
DmBuf dm_value_null();
DmBuf dm_value_bool(std::int32_t x);
DmBuf dm_value_number(ByteView digits);
DmBuf dm_value_string(ByteView s);
DmBuf dm_value_seq_from_elems(ByteView elems);       // u32 count + (u32 len, value)...; else empty
DmBuf dm_value_map_from_entries(ByteView entries);   // u32 count + (u32 klen, key, u32 vlen, value)...
DmBuf dm_doc_ok(ByteView value);
DmBuf dm_doc_err_from_code(std::int32_t code);
DmBuf dm_doc_err_from_msg(ByteView msg);       // 00, u32 code 0, u32 len, msg
std::int32_t dm_doc_error_code(ByteView doc);  // the u32 at 1; 0 if shorter than 5 bytes
DmBuf dm_doc_error_msg(ByteView doc);          // the message; empty if cut short

}  // namespace sluice::x07rt
