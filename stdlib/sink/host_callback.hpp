// A sink consumer that hands each delivered item to a host callback (the embedding API's
// `sink`), after the sink budgets are charged. An item that reaches the sink in parts (a frame
// header and its payload, or a u32frames header) is joined first; a plain item is passed as the
// view it arrived as. The OK payload is empty. sluice's own sink, not an X07 id.
#pragma once

#include <functional>
#include <vector>

#include "runtime/bytes.hpp"
#include "runtime/flow.hpp"

namespace sluice {

using HostSinkFn = std::function<void(ByteView item)>;

class HostCallback {
 public:
  explicit HostCallback(HostSinkFn fn) : fn_(std::move(fn)) {}
  Flow open() { return Flow::kContinue; }
  Flow consume(ByteView part) {
    if (parts_ == 0) first_ = part;
    else {
      if (parts_ == 1) joined_.assign(first_.begin(), first_.end());
      joined_.insert(joined_.end(), part.begin(), part.end());
    }
    ++parts_;
    return Flow::kContinue;
  }
  // Called by the sink entry once every part of an item has been consumed.
  void item_done() {
    fn_(parts_ <= 1 ? first_ : ByteView(joined_.data(), static_cast<std::uint32_t>(joined_.size())));
    parts_ = 0;
    joined_.clear();
  }
  Flow finish() { return Flow::kContinue; }
  [[nodiscard]] ByteView payload() const { return {}; }

 private:
  HostSinkFn fn_;
  ByteView first_;
  std::size_t parts_ = 0;
  std::vector<std::uint8_t> joined_;
};

}  // namespace sluice
