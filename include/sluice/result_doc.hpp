// A run's result doc, decoded: OK with four counters and a payload, or ERR with a code, a message
// and a payload (X07's doc format; docs/codes.md lists the codes). Part of the embedding API.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sluice::embed {

struct Counters {
  std::uint32_t bytes_in = 0;
  std::uint32_t bytes_out = 0;
  std::uint32_t items_in = 0;
  std::uint32_t items_out = 0;
};

struct ResultDoc {
  bool ok = false;
  Counters counters;       // OK docs only
  std::uint32_t code = 0;  // ERR docs only
  std::string message;     // ERR docs only
  std::vector<std::uint8_t> payload;
};

}  // namespace sluice::embed
