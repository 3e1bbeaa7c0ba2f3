#include "stdlib/x07/data_model.hpp"

#include <algorithm>
#include <array>
#include <cstring>

namespace sluice::x07rt {
namespace {

// X07 compares offsets unsigned (">=u"), so a negative offset is "past the end". Positions are
// computed in 64 bits here, which rejects what X07's wrapping i32 sums would also reject for any
// input shorter than 2 GiB (ByteView sizes are u32).
bool in(ByteView b, std::int64_t off) { return off >= 0 && off < static_cast<std::int64_t>(b.size); }
std::uint32_t u32_at(ByteView b, std::int64_t off) { return load_u32le(b.data + off); }

void put_u32(DmBuf& o, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) o.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

// The count of a seq (kind 4) or map (kind 5) at `off`, or -1.
std::int32_t count_of(ByteView b, std::int32_t off, std::uint8_t kind) {
  if (!in(b, off) || b.data[off] != kind || !in(b, std::int64_t{off} + 4)) return -1;
  return static_cast<std::int32_t>(u32_at(b, std::int64_t{off} + 1));
}

// The start of entry `idx` of the map at map_off, or -1.
std::int64_t map_entry_start(ByteView b, std::int32_t map_off, std::int32_t idx) {
  const std::int32_t count = dm_map_len(b, map_off);
  if (count < 0 || idx < 0 || idx >= count) return -1;
  std::int64_t pos = std::int64_t{map_off} + 5;
  for (std::int32_t i = 0; i < idx; ++i) {
    if (pos + 4 > b.size) return -1;
    pos += 4 + std::int64_t{u32_at(b, pos)};
    if (pos > INT32_MAX) return -1;
    pos = dm_skip_value_x(b, static_cast<std::int32_t>(pos));
    if (pos < 0) return -1;
  }
  return pos;
}

int cmp_bytes(const std::uint8_t* a, std::uint32_t an, const std::uint8_t* c, std::uint32_t cn) {
  const int r = std::memcmp(a, c, std::min(an, cn));
  if (r != 0) return r < 0 ? -1 : 1;
  return an < cn ? -1 : (an > cn ? 1 : 0);
}

DmBuf scalar(std::uint8_t kind, ByteView s) {
  DmBuf o;
  o.reserve(5 + s.size);
  o.push_back(kind);
  put_u32(o, s.size);
  o.insert(o.end(), s.begin(), s.end());
  return o;
}

// string_get / number_get: the payload of a kind-2/3 value, or empty.
DmBuf payload_of(ByteView b, std::int32_t off, std::uint8_t kind) {
  if (!in(b, off) || b.data[off] != kind || !in(b, std::int64_t{off} + 4)) return {};
  const std::int64_t start = std::int64_t{off} + 5;
  const std::int64_t len = u32_at(b, std::int64_t{off} + 1);
  if (start + len > b.size) return {};
  return DmBuf(b.data + start, b.data + start + len);
}

}  // namespace

std::int32_t dm_doc_is_err(ByteView doc) { return doc.size < 1 || doc.data[0] == 0 ? 1 : 0; }
std::int32_t dm_root_offset(ByteView doc) { return dm_doc_is_err(doc) ? -1 : 1; }
std::int32_t dm_kind_at(ByteView b, std::int32_t off) { return in(b, off) ? b.data[off] : -1; }
std::int32_t dm_root_kind(ByteView doc) {
  const std::int32_t off = dm_root_offset(doc);
  return off < 0 ? -1 : dm_kind_at(doc, off);
}
std::int32_t dm_seq_len(ByteView b, std::int32_t off) { return count_of(b, off, 4); }
std::int32_t dm_map_len(ByteView b, std::int32_t off) { return count_of(b, off, 5); }

std::int32_t dm_map_find(ByteView b, std::int32_t map_off, ByteView key) {
  const std::int32_t count = dm_map_len(b, map_off);
  if (count < 0) return -1;
  std::int64_t pos = std::int64_t{map_off} + 5;
  for (std::int32_t i = 0; i < count; ++i) {
    if (pos + 4 > b.size) return -1;
    const std::int64_t k_len = u32_at(b, pos);
    const std::int64_t k_start = pos + 4, k_end = k_start + k_len;
    if (k_end > b.size) return -1;
    const int c = cmp_bytes(b.data + k_start, static_cast<std::uint32_t>(k_len), key.data, key.size);
    if (c == 0) return static_cast<std::int32_t>(k_end);
    // X07 skips the value before looking at the order, so a malformed value ends the scan as
    // "not found" either way; then it stops at the first greater key (keys are sorted).
    pos = dm_skip_value_x(b, static_cast<std::int32_t>(k_end));
    if (pos < 0 || c > 0) return -1;
  }
  return -1;
}

std::int32_t dm_seq_get(ByteView b, std::int32_t seq_off, std::int32_t idx) {
  const std::int32_t count = dm_seq_len(b, seq_off);
  if (count < 0 || idx < 0 || idx >= count) return -1;
  std::int64_t pos = std::int64_t{seq_off} + 5;
  for (std::int32_t i = 0; i < idx; ++i) {
    if (pos > INT32_MAX) return -1;
    pos = dm_skip_value_x(b, static_cast<std::int32_t>(pos));
    if (pos < 0) return -1;
  }
  return in(b, pos) ? static_cast<std::int32_t>(pos) : -1;
}

DmBuf dm_map_key_at(ByteView b, std::int32_t map_off, std::int32_t idx) {
  const std::int64_t pos = map_entry_start(b, map_off, idx);
  if (pos < 0 || pos + 4 > b.size) return {};
  const std::int64_t len = u32_at(b, pos);
  if (pos + 4 + len > b.size) return {};
  return DmBuf(b.data + pos + 4, b.data + pos + 4 + len);
}

std::int32_t dm_map_value_at(ByteView b, std::int32_t map_off, std::int32_t idx) {
  const std::int64_t pos = map_entry_start(b, map_off, idx);
  if (pos < 0 || pos + 4 > b.size) return -1;
  const std::int64_t val = pos + 4 + std::int64_t{u32_at(b, pos)};
  return in(b, val) ? static_cast<std::int32_t>(val) : -1;
}

DmBuf dm_string_get(ByteView b, std::int32_t off) { return payload_of(b, off, 3); }
DmBuf dm_number_get(ByteView b, std::int32_t off) { return payload_of(b, off, 2); }

std::int32_t dm_bool_get(ByteView b, std::int32_t off) {
  if (!in(b, off) || b.data[off] != 1 || !in(b, std::int64_t{off} + 1)) return -1;
  return b.data[off + 1];  // the byte as stored, as X07 returns it (not normalized to 0/1)
}

std::int32_t dm_skip_value_x(ByteView b, std::int32_t off) {
  // `todo` holds, per open container, how many values (seq) or entries (map) remain; maps are
  // marked by the top bit. Each step consumes at least one byte, so the loop is bounded by
  // b.size and the stack by b.size / 5 (a container header is 5 bytes).
  constexpr std::uint64_t kMapBit = 1ull << 63;
  // The first 32 levels live on the C++ stack, so skipping a row or a shallow doc (per item, in
  // a stage function) allocates nothing; deeper values spill to the heap.
  struct Todo {
    std::array<std::uint64_t, 32> small{};
    std::vector<std::uint64_t> big;
    std::size_t n = 0;
    [[nodiscard]] bool empty() const { return n == 0; }
    std::uint64_t& back() { return n <= small.size() ? small[n - 1] : big[n - 1 - small.size()]; }
    void push_back(std::uint64_t v) {
      if (n < small.size()) small[n] = v;
      else big.push_back(v);
      ++n;
    }
    void pop_back() {
      if (n > small.size()) big.pop_back();
      --n;
    }
  } todo;
  std::int64_t pos = off;
  for (;;) {
    // Before a value: a map entry starts with its key.
    if (!todo.empty() && (todo.back() & kMapBit) != 0) {
      if (pos + 4 > b.size) return -1;
      pos += 4 + std::int64_t{u32_at(b, pos)};
      if (pos > b.size) return -1;
    }
    if (!in(b, pos)) return -1;
    const std::uint8_t tag = b.data[pos];
    std::int64_t end = -1;
    if (tag == 0) end = pos + 1;
    else if (tag == 1) end = in(b, pos + 1) ? pos + 2 : -1;
    else if (tag <= 5) {
      if (!in(b, pos + 4)) return -1;
      const std::uint32_t n = u32_at(b, pos + 1);
      if (tag <= 3) {
        end = pos + 5 + n;
        if (end > b.size) return -1;
      } else if (n == 0) {
        end = pos + 5;
      } else {
        todo.push_back(n | (tag == 5 ? kMapBit : 0));
        pos += 5;
        continue;
      }
    } else {
      return -1;  // no kinds beyond 5
    }
    pos = end;
    // One value done: close every container it completed.
    for (;;) {
      if (todo.empty()) return pos > INT32_MAX ? -1 : static_cast<std::int32_t>(pos);
      if (((--todo.back()) & ~kMapBit) != 0) break;
      todo.pop_back();
    }
  }
}

DmBuf dm_value_null() { return DmBuf{0}; }
DmBuf dm_value_bool(std::int32_t x) { return DmBuf{1, static_cast<std::uint8_t>(x == 0 ? 0 : 1)}; }
DmBuf dm_value_number(ByteView digits) { return scalar(2, digits); }
DmBuf dm_value_string(ByteView s) { return scalar(3, s); }

DmBuf dm_value_seq_from_elems(ByteView elems) {
  if (elems.size < 4) return {};
  const std::uint32_t count = u32_at(elems, 0);
  DmBuf out;
  out.reserve(elems.size + 1);
  out.push_back(4);
  put_u32(out, count);
  std::int64_t pos = 4;
  for (std::uint32_t i = 0; i < count; ++i) {
    if (pos + 4 > elems.size) return {};
    const std::int64_t len = u32_at(elems, pos);
    pos += 4;
    if (pos + len > elems.size) return {};
    out.insert(out.end(), elems.data + pos, elems.data + pos + len);
    pos += len;
  }
  // Values are copied as given (not validated), as in X07; trailing bytes are an error.
  return pos == elems.size ? out : DmBuf{};
}

DmBuf dm_value_map_from_entries(ByteView entries) {
  if (entries.size < 4) return {};
  const std::uint32_t count = u32_at(entries, 0);
  struct Entry {
    std::uint32_t key_off, key_len, val_off, val_len;
  };
  std::vector<Entry> es;
  // Each entry is at least 8 bytes: a count larger than that cannot be satisfied, so it is
  // rejected before reserving memory for it.
  if (count > entries.size / 8) return {};
  es.reserve(count);
  std::int64_t pos = 4;
  for (std::uint32_t i = 0; i < count; ++i) {
    Entry e{};
    if (pos + 4 > entries.size) return {};
    e.key_len = u32_at(entries, pos);
    e.key_off = static_cast<std::uint32_t>(pos + 4);
    pos += 4 + std::int64_t{e.key_len};
    if (pos + 4 > entries.size) return {};
    e.val_len = u32_at(entries, pos);
    e.val_off = static_cast<std::uint32_t>(pos + 4);
    pos += 4 + std::int64_t{e.val_len};
    if (pos > entries.size) return {};
    es.push_back(e);
  }
  if (pos != entries.size) return {};
  const auto key_cmp = [&](const Entry& a, const Entry& c) {
    return cmp_bytes(entries.data + a.key_off, a.key_len, entries.data + c.key_off, c.key_len);
  };
  std::stable_sort(es.begin(), es.end(), [&](const Entry& a, const Entry& c) { return key_cmp(a, c) < 0; });
  for (std::size_t i = 1; i < es.size(); ++i)
    if (key_cmp(es[i - 1], es[i]) == 0) return {};  // duplicate key
  DmBuf out;
  out.reserve(entries.size + 1);
  out.push_back(5);
  put_u32(out, count);
  for (const Entry& e : es) {
    put_u32(out, e.key_len);
    out.insert(out.end(), entries.data + e.key_off, entries.data + e.key_off + e.key_len);
    out.insert(out.end(), entries.data + e.val_off, entries.data + e.val_off + e.val_len);
  }
  return out;
}

DmBuf dm_doc_ok(ByteView value) {
  DmBuf o;
  o.reserve(1 + value.size);
  o.push_back(1);
  o.insert(o.end(), value.begin(), value.end());
  return o;
}

DmBuf dm_doc_err_from_code(std::int32_t code) {
  DmBuf o{0};
  put_u32(o, static_cast<std::uint32_t>(code));
  put_u32(o, 0);
  return o;
}

DmBuf dm_doc_err_from_msg(ByteView msg) {
  DmBuf o;
  o.reserve(9 + msg.size);
  o.push_back(0);
  put_u32(o, 0);
  put_u32(o, msg.size);
  o.insert(o.end(), msg.begin(), msg.end());
  return o;
}

std::int32_t dm_doc_error_code(ByteView doc) { return doc.size < 5 ? 0 : static_cast<std::int32_t>(u32_at(doc, 1)); }

DmBuf dm_doc_error_msg(ByteView doc) {
  if (doc.size < 9) return {};
  const std::int64_t len = u32_at(doc, 5);
  if (9 + len > doc.size) return {};
  return DmBuf(doc.data + 9, doc.data + 9 + len);
}

}  // namespace sluice::x07rt
