// Tests of stdlib/x07/data_model (ext.data_model, x07-modules §3.1-3.2) over hand-built bytes,
// including the spec's 75-byte rows doc: each reader on the right kind, a wrong kind, out of
// range and truncated input; the builders' exact bytes; skip_value on deep nesting (no recursion).
#include <doctest/doctest.h>

#include <string>

#include "stdlib/x07/data_model.hpp"
#include "tests/support/test_support.hpp"

using namespace sluice;
using namespace sluice::x07rt;

namespace {

using test::from_hex;
using test::to_hex;
ByteView view(const DmBuf& b) { return {b.data(), static_cast<std::uint32_t>(b.size())}; }
ByteView lit(const char* s) { return ByteView::of(s); }
std::string str(const DmBuf& b) { return {b.begin(), b.end()}; }

// x07-modules §3.3: cols id,name,note; one row (1,'a',NULL).
const DmBuf kRowsDoc = from_hex(
    "01 05 02000000 04000000 636f6c73 04 03000000 03 02000000 6964 03 04000000 6e616d65 03 04000000 6e6f7465"
    " 04000000 726f7773 04 01000000 04 03000000 02 01000000 31 03 01000000 61 00");

}  // namespace

TEST_CASE("data_model: readers over the spec's 75-byte rows doc") {
  const ByteView d = view(kRowsDoc);
  REQUIRE(d.size == 75);
  CHECK(dm_doc_is_err(d) == 0);
  CHECK(dm_root_offset(d) == 1);
  CHECK(dm_root_kind(d) == 5);
  CHECK(dm_map_len(d, 1) == 2);
  CHECK(dm_seq_len(d, 1) == -1);  // wrong kind
  const std::int32_t cols = dm_map_find(d, 1, lit("cols"));
  const std::int32_t rows = dm_map_find(d, 1, lit("rows"));
  CHECK(cols == 14);
  CHECK(rows == 52);  // the spec's offset
  CHECK(dm_map_find(d, 1, lit("aaa")) == -1);  // before "cols": stops at the first (greater) key
  CHECK(dm_map_find(d, 1, lit("zz")) == -1);
  CHECK(dm_map_find(d, 2, lit("cols")) == -1);  // not a map
  CHECK(dm_seq_len(d, cols) == 3);
  CHECK(str(dm_string_get(d, dm_seq_get(d, cols, 0))) == "id");
  CHECK(str(dm_string_get(d, dm_seq_get(d, cols, 2))) == "note");
  CHECK(dm_seq_get(d, cols, 3) == -1);
  CHECK(dm_seq_get(d, cols, -1) == -1);
  const std::int32_t row = dm_seq_get(d, rows, 0);
  CHECK(row == 57);
  CHECK(dm_skip_value_x(d, row) == 75);  // the 18-byte row item
  CHECK(dm_skip_value_x(d, 1) == 75);
  CHECK(dm_skip_value_x(d, rows) == 75);
  CHECK(str(dm_number_get(d, dm_seq_get(d, row, 0))) == "1");
  CHECK(dm_number_get(d, dm_seq_get(d, row, 1)).empty());  // a string, not a number
  CHECK(str(dm_string_get(d, dm_seq_get(d, row, 1))) == "a");
  CHECK(dm_kind_at(d, dm_seq_get(d, row, 2)) == 0);
  CHECK(str(dm_map_key_at(d, 1, 0)) == "cols");
  CHECK(str(dm_map_key_at(d, 1, 1)) == "rows");
  CHECK(dm_map_key_at(d, 1, 2).empty());
  CHECK(dm_map_value_at(d, 1, 0) == 14);
  CHECK(dm_map_value_at(d, 1, 1) == 52);
  CHECK(dm_map_value_at(d, 1, 2) == -1);
  CHECK(dm_bool_get(d, 1) == -1);
  CHECK(dm_kind_at(d, 75) == -1);
  CHECK(dm_kind_at(d, -1) == -1);
}

TEST_CASE("data_model: truncated, ERR and odd inputs never read out of bounds") {
  // Every prefix of the doc: readers give -1/empty for what is cut, never crash (ASan checks).
  for (std::size_t n = 0; n < kRowsDoc.size(); ++n) {
    const DmBuf cut(kRowsDoc.begin(), kRowsDoc.begin() + static_cast<std::ptrdiff_t>(n));
    const ByteView d = view(cut);
    CHECK(dm_skip_value_x(d, 1) == -1);
    const std::int32_t rows = dm_map_find(d, 1, lit("rows"));
    CHECK((rows == -1 || rows == 52));
    (void)dm_map_key_at(d, 1, 1);
    (void)dm_map_value_at(d, 1, 1);
    (void)dm_string_get(d, dm_seq_get(d, 14, 2));
  }
  const DmBuf err = dm_doc_err_from_code(53760);
  CHECK(to_hex(err) == "00" "00d20000" "00000000");
  CHECK(dm_doc_is_err(view(err)) == 1);
  CHECK(dm_root_offset(view(err)) == -1);
  CHECK(dm_root_kind(view(err)) == -1);
  CHECK(dm_doc_is_err(ByteView{}) == 1);
  CHECK(dm_doc_error_code(view(err)) == 53760);
  CHECK(dm_doc_error_msg(view(err)).empty());
  const DmBuf em = dm_doc_err_from_msg(lit("no"));
  CHECK(to_hex(em) == "00" "00000000" "02000000" "6e6f");
  CHECK(str(dm_doc_error_msg(view(em))) == "no");
  CHECK(dm_doc_error_code(view(em)) == 0);
  CHECK(dm_doc_error_msg(view(DmBuf(em.begin(), em.end() - 1))).empty());  // message cut short
  CHECK(dm_doc_error_code(view(from_hex("00010000"))) == 0);                 // too short for a code
  const DmBuf b = from_hex("01 01 07");
  CHECK(dm_bool_get(view(b), 1) == 7);  // the stored byte, as X07
  CHECK(dm_bool_get(view(b), 2) == -1);
  CHECK(dm_skip_value_x(view(from_hex("06")), 0) == -1);   // no kind 6
  CHECK(dm_skip_value_x(view(from_hex("01")), 0) == -1);  // bool cut short
  CHECK(dm_skip_value_x(view(from_hex("00")), 0) == 1);
  CHECK(dm_skip_value_x(view(from_hex("0300000000")), 0) == 5);
  CHECK(dm_skip_value_x(view(from_hex("04ffffffff00")), 0) == -1);  // count beyond the bytes
}

TEST_CASE("data_model: skip_value on 100000 nested seqs (no recursion), and maps in seqs") {
  DmBuf deep;
  for (int i = 0; i < 100000; ++i) {
    deep.push_back(4);
    deep.insert(deep.end(), {1, 0, 0, 0});
  }
  deep.push_back(0);
  CHECK(dm_skip_value_x(view(deep), 0) == static_cast<std::int32_t>(deep.size()));
  deep.pop_back();
  CHECK(dm_skip_value_x(view(deep), 0) == -1);
  // seq[ map{"a": null, "b": seq[]}, true ]
  const DmBuf v = from_hex("04 02000000 05 02000000 01000000 61 00 01000000 62 04 00000000 01 01");
  CHECK(dm_skip_value_x(view(v), 0) == static_cast<std::int32_t>(v.size()));
  CHECK(dm_seq_get(view(v), 0, 1) == static_cast<std::int32_t>(v.size()) - 2);
  CHECK(dm_map_find(view(v), 5, lit("b")) == 21);
}

TEST_CASE("data_model: builders give the spec's bytes") {
  CHECK(to_hex(dm_value_null()) == "00");
  CHECK(to_hex(dm_value_bool(5)) == "0101");
  CHECK(to_hex(dm_value_bool(0)) == "0100");
  CHECK(to_hex(dm_value_number(lit("42"))) == "02020000003432");
  CHECK(to_hex(dm_value_string(lit("x"))) == "030100000078");
  CHECK(to_hex(dm_doc_ok(view(dm_value_null()))) == "0100");
  // One string "x" as a params_doc: the spec's bytes.
  const DmBuf x = dm_value_string(lit("x"));
  DmBuf elems = from_hex("01000000 06000000");
  elems.insert(elems.end(), x.begin(), x.end());
  CHECK(to_hex(dm_doc_ok(view(dm_value_seq_from_elems(view(elems))))) == "010401000000030100000078");
  CHECK(to_hex(dm_value_seq_from_elems(view(from_hex("00000000")))) == "0400000000");
  CHECK(dm_value_seq_from_elems(view(from_hex("000000"))).empty());          // no count
  CHECK(dm_value_seq_from_elems(view(from_hex("01000000 02000000 00"))).empty());  // cut short
  CHECK(dm_value_seq_from_elems(view(from_hex("00000000 00"))).empty());     // trailing byte
  // Map entries out of order come out sorted (shorter prefix first); duplicates give empty.
  const DmBuf entries = from_hex("03000000 02000000 6162 01000000 00  01000000 61 02000000 0101  01000000 62 01000000 00");
  CHECK(to_hex(dm_value_map_from_entries(view(entries))) ==
        "0503000000" "0100000061" "0101" "020000006162" "00" "0100000062" "00");
  CHECK(dm_value_map_from_entries(view(from_hex("02000000 01000000 61 01000000 00 01000000 61 01000000 00"))).empty());
  CHECK(dm_value_map_from_entries(view(from_hex("ffffffff"))).empty());
  CHECK(to_hex(dm_value_map_from_entries(view(from_hex("00000000")))) == "0500000000");
  // The builders compose into the spec's 75-byte doc.
  auto e = [](DmBuf& to, const DmBuf& v) {
    const std::uint32_t n = static_cast<std::uint32_t>(v.size());
    to.insert(to.end(), {static_cast<std::uint8_t>(n), static_cast<std::uint8_t>(n >> 8), 0, 0});
    to.insert(to.end(), v.begin(), v.end());
  };
  DmBuf ce = from_hex("03000000");
  e(ce, dm_value_string(lit("id")));
  e(ce, dm_value_string(lit("name")));
  e(ce, dm_value_string(lit("note")));
  DmBuf re = from_hex("03000000");
  e(re, dm_value_number(lit("1")));
  e(re, dm_value_string(lit("a")));
  e(re, dm_value_null());
  DmBuf rs = from_hex("01000000");
  e(rs, dm_value_seq_from_elems(view(re)));
  DmBuf me = from_hex("02000000");  // rows first: the builder sorts
  e(me, DmBuf{'r', 'o', 'w', 's'});
  e(me, dm_value_seq_from_elems(view(rs)));
  e(me, DmBuf{'c', 'o', 'l', 's'});
  e(me, dm_value_seq_from_elems(view(ce)));
  CHECK(dm_doc_ok(view(dm_value_map_from_entries(view(me)))) == kRowsDoc);
}
