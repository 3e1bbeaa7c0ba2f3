#include "stdlib/src/rr_send.hpp"

namespace sluice {

Flow RrSendSource::open() {
  if (session_ != nullptr) return Flow::kContinue;
  return ctx_->trap(TrapId::kRrNoSession,
                    "std.stream.src.rr_send_v1 needs a record/replay session: run with --rr CASSETTE "
                    "(a cassette under <root>/.x07_rr/, docs/record_replay.md)");
}

SourceStep RrSendSource::next(ByteView& item) {
  if (done_) return SourceStep::kEnd;
  done_ = true;
  const RrEntry* entry = nullptr;
  const RrCode code = session_->next(kKind, kOp, cfg_.key, entry);
  if (code != RrCode::kOk) {
    // X07 turns every next_v1 error into the one ERR 11; the rr code goes to the summary only.
    ctx_->set_detail("rr " + std::to_string(rr_code_number(code)) + " " + std::string(rr_code_name(code)) +
                     " for key of " + std::to_string(cfg_.key.size()) + " bytes in .x07_rr/" + session_->config().path);
    ctx_->fail(ErrId::kRrMiss);
    return SourceStep::kHalt;
  }
  item = ByteView::of(entry->resp);
  return SourceStep::kItem;
}

}  // namespace sluice
