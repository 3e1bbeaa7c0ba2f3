// The binary result doc every run ends in (spec x07-pipes §4): writer and validating reader.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/bytes.hpp"

namespace sluice {

struct Counters {
  std::uint32_t bytes_in = 0;
  std::uint32_t bytes_out = 0;
  std::uint32_t items_in = 0;
  std::uint32_t items_out = 0;
};

inline constexpr std::uint8_t kDocTagErr = 0x00;
inline constexpr std::uint8_t kDocTagOk = 0x01;
inline constexpr std::size_t kOkDocHeaderBytes = 21;

std::vector<std::uint8_t> encode_ok_doc(const Counters& counters, ByteView payload);
std::vector<std::uint8_t> encode_err_doc(std::uint32_t code, std::string_view message, ByteView payload);

// A decoded doc. The reader checks every length against the buffer and rejects trailing bytes.
struct ResultDoc {
  bool ok = false;
  Counters counters;            // OK docs only
  std::uint32_t code = 0;       // ERR docs only
  std::string message;          // ERR docs only
  std::vector<std::uint8_t> payload;
};

std::optional<ResultDoc> decode_doc(ByteView bytes, std::string* why = nullptr);

}  // namespace sluice
