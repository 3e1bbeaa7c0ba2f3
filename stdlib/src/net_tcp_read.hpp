// std.stream.src.net_tcp_read_stream_handle_v1 and net_tcp_read_u32frames_v1 (spec §6): one item
// per successful read of a TCP stream of the run (a run-time argument, usually
// std.net.tcp.connect_stream_handle_v1 of a connect_v1). Each read goes straight into the
// source's page (no copy before the first stage) and is at most the read size: chunk_max_bytes,
// or caps max_read_bytes when smaller. The u32frames form is this source plus a deframe stage the
// compiler inserts at chain index 0 (elaborate.cpp).
#pragma once

#include <cstdint>

#include "runtime/page_pool.hpp"
#include "runtime/run_context.hpp"
#include "runtime/run_env.hpp"
#include "runtime/source.hpp"
#include "stdlib/plan.hpp"
#include "stdlib/run_time_arg.hpp"
#include "stdlib/x07/net.hpp"

namespace sluice {

enum class NetOnTimeout : std::uint8_t { kErr, kStop, kStopIfClean };
enum class NetOnEof : std::uint8_t { kLeaveOpen, kShutdownRead, kClose };

struct NetTcpReadConfig {
  const ArgValue* stream_handle = nullptr;  // borrowed from the plan
  const ArgValue* caps = nullptr;
  NetOnTimeout on_timeout = NetOnTimeout::kErr;
  NetOnEof on_eof = NetOnEof::kLeaveOpen;
  std::uint32_t chunk_max_bytes = 0;
  std::uint32_t max_steps = 0;
};

class NetTcpReadSource final : public Source {
 public:
  NetTcpReadSource(RunContext& ctx, NetTcpReadConfig cfg, const RunEnv& env) : ctx_(&ctx), cfg_(cfg) {
    prepare_run_resources(ctx, env);
  }

  // Evaluates the handle and caps (connecting, when the handle expression connects) and checks
  // the caps: ERR 60 net_caps_invalid.
  Flow open() override;
  SourceStep next(ByteView& item) override;
  // on_eof: leave the stream open, shut its read side, or close it.
  Flow at_end() override;

 private:
  SourceStep read_failed(ErrId id, const x07rt::NetBuf& doc);

  RunContext* ctx_;
  NetTcpReadConfig cfg_;
  RunArg handle_, caps_;
  std::uint32_t read_size_ = 0;
  std::uint32_t io_timeout_ms_ = 0;
  std::uint32_t steps_ = 0;
  Page page_;
};

}  // namespace sluice
