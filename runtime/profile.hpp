// The per-stage profile of a run (--profile on `sluice run` and on built executables): for the
// source, each stage and the sink, the items and bytes that went in and out, the bytes copied
// and the time spent, each stage's own share (what its downstream did is subtracted).
//
// How it is measured. A tap sits on each link of the chain (before stage 0, between stages,
// before the sink) and counts what passes: items, bytes, and the copied bytes counted while the
// call was inside (RunContext::copied_bytes before and after, two loads). Time is sampled: a
// tap times every call until it has timed 256; if those took under 2 µs on average it then
// times one call in 64 and scales (the clock costs ~20 ns, as much as a short item's whole
// trip). A split_lines batch is one call. Flushes, the sink's open and finish and the stage
// inits are always timed. Everything the taps and those calls do not cover is the source's.
//
// Zero cost when off: the interpreter inserts no taps, and an executable runs a second,
// untapped instantiation of its chain (emit_cpp.cpp's run_chain<Link>).
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "runtime/executor.hpp"
#include "runtime/run_context.hpp"
#include "runtime/stage.hpp"

namespace sluice {

inline std::uint64_t profile_clock_ns() {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count());
}

// What one link saw: the calls into the stage (or the sink) it leads to, all inclusive of what
// that stage pushed further down.
struct LinkTally {
  static constexpr std::uint64_t kCalibrationCalls = 256;
  static constexpr std::uint64_t kShortCallNs = 2000;
  static constexpr std::uint64_t kSampleMask = 63;  // one call in 64 once calibrated as short

  std::uint64_t items = 0;
  std::uint64_t bytes = 0;
  std::uint64_t copied = 0;  // copied bytes counted inside the calls
  std::uint64_t calls = 0;
  std::uint64_t timed_calls = 0;
  std::uint64_t timed_ns = 0;
  std::uint64_t mask = 0;  // a call is timed when (calls & mask) == 0
  // The calibration phase (every call timed), kept apart so that the sampled rest is scaled alone.
  std::uint64_t exact_calls = 0;
  std::uint64_t exact_ns = 0;
  // The stage's own flush (inclusive of what it pushed), and its init.
  std::uint64_t flush_ns = 0;
  std::uint64_t flush_copied = 0;
  // What one timed interval measures when the call inside takes nothing (the clock read itself),
  // subtracted per timed call: with millions of short calls it would otherwise pile up on the
  // stage a link leads to (measured ~20 ns, as much as a short item's whole trip).
  std::uint64_t clock_ns = 0;

  void after_timed_call() {
    if (mask == 0 && timed_calls == kCalibrationCalls) {
      exact_calls = calls;
      exact_ns = timed_ns;
      if (timed_ns < kShortCallNs * kCalibrationCalls) mask = kSampleMask;
    }
  }
  // The estimated time inside the calls, the clock's own cost taken out.
  [[nodiscard]] std::uint64_t push_ns() const;
};

// One part of the pipe as the report names it.
struct ProfilePart {
  enum class Role : std::uint8_t { kSource, kStage, kSink };
  Role role = Role::kStage;
  std::string id;       // the stage id, e.g. std.stream.xf.split_lines_v1
  std::string pointer;  // its JSON pointer in the descriptor
};

// A row of the report: one part's own figures.
struct ProfileRow {
  ProfilePart part;
  std::uint64_t items_in = 0, bytes_in = 0;    // not for the source
  std::uint64_t items_out = 0, bytes_out = 0;  // not for the sink
  std::uint64_t copied_bytes = 0;
  std::uint64_t time_ns = 0;
};

// The profile of one run. The host owns it and hands it over through RunEnv::profile; the run
// fills it and the host reports it.
class RunProfile {
 public:
  // The parts in order: the source, the chain's stages, the sink.
  // Measures the clock's cost once (clock_ns of every link).
  void begin(std::vector<ProfilePart> parts);
  // The link into chain stage i, or into the sink for i == number of stages.
  LinkTally& link(std::size_t i) { return links_[i]; }
  void add_init(std::uint64_t ns) { init_ns_ += ns; }
  void add_sink_call(std::uint64_t ns, std::uint64_t copied) {
    sink_calls_ns_ += ns;
    sink_calls_copied_ += copied;
  }
  void start() { start_ns_ = profile_clock_ns(); }
  void stop(std::uint64_t total_copied) {
    wall_ns_ = profile_clock_ns() - start_ns_;
    total_copied_ = total_copied;
    stopped_ = true;
  }
  [[nodiscard]] bool complete() const { return stopped_; }

  [[nodiscard]] std::vector<ProfileRow> rows() const;
  [[nodiscard]] std::uint64_t wall_ns() const { return wall_ns_; }
  [[nodiscard]] std::uint64_t init_ns() const { return init_ns_; }
  // The JSON object of --emit json's "profile" member.
  [[nodiscard]] std::string json() const;
  // The table on stderr.
  void print_table(std::FILE* out) const;

 private:
  std::vector<ProfilePart> parts_;
  std::vector<LinkTally> links_;
  std::uint64_t init_ns_ = 0;
  std::uint64_t sink_calls_ns_ = 0;  // the sink's open and finish
  std::uint64_t sink_calls_copied_ = 0;
  std::uint64_t start_ns_ = 0;
  std::uint64_t wall_ns_ = 0;
  std::uint64_t total_copied_ = 0;
  bool stopped_ = false;
};

// A link that counts and times, then forwards to `Inner` (StaticNext<T> in an executable,
// StageRef in the interpreter).
template <class Inner>
class ProfileTap {
 public:
  ProfileTap(RunContext& ctx, Inner inner, LinkTally& tally) : ctx_(&ctx), inner_(std::move(inner)), t_(&tally) {}
  Flow push(ByteView item) {
    return call(1, item.size, [&] { return inner_.push(item); });
  }
  Flow push_framed(ByteView payload) {
    return call(1, std::uint64_t{4} + payload.size, [&] { return inner_.push_framed(payload); });
  }
  Flow push_batch(const ByteView* items, std::uint32_t n) {
    std::uint64_t bytes = 0;
    for (std::uint32_t i = 0; i < n; ++i) bytes += items[i].size;
    return call(n, bytes, [&] { return inner_.push_batch(items, n); });
  }

 private:
  template <class F>
  Flow call(std::uint64_t items, std::uint64_t bytes, F&& forward) {
    LinkTally& t = *t_;
    t.items += items;
    t.bytes += bytes;
    const std::uint64_t copied_before = ctx_->copied_bytes();
    Flow f;
    if ((t.calls++ & t.mask) == 0) {
      const std::uint64_t t0 = profile_clock_ns();
      f = forward();
      t.timed_ns += profile_clock_ns() - t0;
      ++t.timed_calls;
      t.after_timed_call();
    } else {
      f = forward();
    }
    t.copied += ctx_->copied_bytes() - copied_before;
    return f;
  }

  RunContext* ctx_;
  Inner inner_;
  LinkTally* t_;
};

// The executable's profiled link: ProfiledLink<T> in place of StaticNext<T>.
template <class T>
using ProfiledLink = ProfileTap<StaticNext<T>>;

// The link into `target`, chain index `index` (the sink's index is the number of stages), for
// either instantiation of an executable's chain.
template <template <class> class Link, class T>
Link<T> make_link(RunContext& ctx, T& target, RunProfile* profile, std::size_t index) {
  if constexpr (std::is_same_v<Link<T>, StaticNext<T>>) {
    (void)profile, (void)index;
    return StaticNext<T>(ctx, target);
  } else {
    return Link<T>(ctx, StaticNext<T>(ctx, target), profile->link(index));
  }
}

// The interpreter's tap: a dynamic Stage in front of another.
class ProfiledStage final : public Stage {
 public:
  ProfiledStage(RunContext& ctx, Stage& target, LinkTally& tally) : tap_(ctx, StageRef(&target), tally) {}
  Flow push(ByteView item) override { return tap_.push(item); }
  Flow push_framed(ByteView payload) override { return tap_.push_framed(payload); }
  Flow push_batch(const ByteView* items, std::uint32_t n) override { return tap_.push_batch(items, n); }

 private:
  ProfileTap<StageRef> tap_;
};

// A chain (DynChain, StaticChain) with a tap before its head and its flushes and inits timed.
template <class Chain>
class ProfiledChain {
  using HeadT = std::remove_reference_t<decltype(std::declval<Chain&>().head())>;

 public:
  ProfiledChain(RunContext& ctx, Chain& chain, RunProfile& profile)
      : ctx_(&ctx), chain_(&chain), profile_(&profile), head_(ctx, StaticNext<HeadT>(ctx, chain.head()), profile.link(0)) {}
  Flow init_reverse() {
    const std::uint64_t t0 = profile_clock_ns();
    const Flow f = chain_->init_reverse();
    profile_->add_init(profile_clock_ns() - t0);
    return f;
  }
  ProfileTap<StaticNext<HeadT>>& head() { return head_; }
  [[nodiscard]] bool empty() const { return chain_->empty(); }
  Flow flush_in_order() {
    return chain_->flush_each([this](std::size_t i, auto& stage) {
      LinkTally& t = profile_->link(i);
      const std::uint64_t copied_before = ctx_->copied_bytes();
      const std::uint64_t t0 = profile_clock_ns();
      const Flow f = stage.flush();
      t.flush_ns += profile_clock_ns() - t0;
      t.flush_copied += ctx_->copied_bytes() - copied_before;
      return f;
    });
  }

 private:
  RunContext* ctx_;
  Chain* chain_;
  RunProfile* profile_;
  ProfileTap<StaticNext<HeadT>> head_;
};

// The sink as run_sequence sees it, with its open and finish timed.
template <class SinkT>
class ProfiledSink {
 public:
  ProfiledSink(RunContext& ctx, SinkT& sink, RunProfile& profile) : ctx_(&ctx), sink_(&sink), profile_(&profile) {}
  Flow open() {
    return timed([&] { return sink_->open(); });
  }
  Flow finish() {
    return timed([&] { return sink_->finish(); });
  }
  [[nodiscard]] ByteView payload() const { return sink_->payload(); }
  OffloadCopy offload_from(int in_fd, std::uint64_t bytes, bool input_may_grow) {
    return sink_->offload_from(in_fd, bytes, input_may_grow);
  }

 private:
  template <class F>
  Flow timed(F&& call) {
    const std::uint64_t copied_before = ctx_->copied_bytes();
    const std::uint64_t t0 = profile_clock_ns();
    const Flow f = call();
    profile_->add_sink_call(profile_clock_ns() - t0, ctx_->copied_bytes() - copied_before);
    return f;
  }

  RunContext* ctx_;
  SinkT* sink_;
  RunProfile* profile_;
};

// run_sequence with the chain and the sink profiled.
template <class Src, class Chain, class SinkT>
RunOutcome run_sequence_profiled(RunContext& ctx, Src& src, Chain& chain, SinkT& sink, const DocOptions& opts,
                                 RunProfile& profile) {
  profile.start();
  ProfiledChain<Chain> profiled_chain(ctx, chain, profile);
  ProfiledSink<SinkT> profiled_sink(ctx, sink, profile);
  RunOutcome out = run_sequence(ctx, src, profiled_chain, profiled_sink, opts);
  profile.stop(ctx.copied_bytes());
  return out;
}

// An executable's run over either instantiation of its chain: Link is StaticNext (no profile)
// or ProfiledLink.
template <template <class> class Link, class Src, class Chain, class SinkT>
RunOutcome run_linked(RunContext& ctx, Src& src, Chain& chain, SinkT& sink, const DocOptions& opts,
                      RunProfile* profile) {
  if constexpr (std::is_same_v<Link<SinkT>, StaticNext<SinkT>>) {
    (void)profile;
    return run_sequence(ctx, src, chain, sink, opts);
  } else {
    return run_sequence_profiled(ctx, src, chain, sink, opts, *profile);
  }
}

// The interpreter's run, profiled: `chain` already has a ProfiledStage in front of every stage
// but the first and in front of the sink (instantiate() puts them there).
inline RunOutcome execute_profiled(RunContext& ctx, Source& src, std::span<Stage* const> chain, Sink& sink,
                                   const DocOptions& opts, RunProfile& profile) {
  DynChain dyn(chain, sink);
  return run_sequence_profiled(ctx, src, dyn, sink, opts, profile);
}

}  // namespace sluice
