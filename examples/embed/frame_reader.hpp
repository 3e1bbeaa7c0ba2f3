// Worked example (a), the reading loop: u32 little-endian length-prefixed messages from a sluice
// input stream, each handed to a callback as a view into the stream's page. Only a message that
// crosses a page end is copied (into the stream's carry buffer); the rest are never copied.
// Used by stream_frames.cpp, by the unit tests (tests/unit/stream_frames_test.cpp) and by the
// bench (bench/stream_api/), so the code measured is the code documented.
#pragma once

#include <cstddef>
#include <cstdint>

#include <sluice/stream.hpp>

namespace frames {

enum class End : std::uint8_t {
  kEnd,        // the input ended after a whole message (or was empty)
  kTruncated,  // the input ended inside a length prefix or a message
  kError,      // the stream failed: see error (a device error, or a message above max_pull)
};

struct Result {
  End end = End::kEnd;
  std::uint64_t messages = 0;
  sluice::embed::StreamError error;
};

// Calls on_message(ByteView payload) once per message. The view lives until the callback
// returns (the next pull); a callback that keeps bytes copies them.
template <class OnMessage>
Result read_u32_frames(sluice::embed::InputStream& in, OnMessage&& on_message) {
  Result r;
  for (;;) {
    const sluice::embed::ByteView head = in.pull(4);
    if (head.size < 4) {
      r.error = in.error();
      r.end = r.error ? End::kError : (head.size == 0 ? End::kEnd : End::kTruncated);
      return r;
    }
    const std::uint32_t len = static_cast<std::uint32_t>(head.data[0]) | (static_cast<std::uint32_t>(head.data[1]) << 8) |
                              (static_cast<std::uint32_t>(head.data[2]) << 16) |
                              (static_cast<std::uint32_t>(head.data[3]) << 24);
    // One pull for prefix and payload: when the prefix was already in the page this is a view;
    // when the message crosses the page end the stream gathers it once.
    const std::size_t total = std::size_t{4} + len;
    const sluice::embed::ByteView msg = in.pull(total);
    if (msg.size < total) {
      r.error = in.error();
      r.end = r.error ? End::kError : End::kTruncated;
      return r;
    }
    on_message(sluice::embed::ByteView(msg.data + 4, len));
    in.advance(total);
    ++r.messages;
  }
}

}  // namespace frames
