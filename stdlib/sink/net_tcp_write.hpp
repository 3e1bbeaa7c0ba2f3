// std.stream.sink.net_tcp_write_stream_handle_v1, net_tcp_write_u32frames_v1 (the same consumer
// behind the u32frames wrapper) and net_tcp_connect_write_v1 (spec §8): X07's buffering rule
// (buf_cap_bytes, flush_min_bytes), every physical write ("flush") split into write_all calls of
// at most caps max_write_bytes, with budgets on both. An item at least buf_cap_bytes long is sent
// from its own view (no copy into the buffer). connect_write connects at sink init and owns the
// stream: closed on any error, and at the end by on_finish.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "runtime/flow.hpp"
#include "runtime/run_context.hpp"
#include "runtime/run_env.hpp"
#include "stdlib/plan.hpp"
#include "stdlib/run_time_arg.hpp"
#include "stdlib/x07/net.hpp"

namespace sluice {

enum class NetOnFinish : std::uint8_t { kLeaveOpen, kShutdownWrite, kClose };

struct NetTcpWriteConfig {
  const ArgValue* stream_handle = nullptr;  // the stream_handle sinks (borrowed from the plan)
  const ArgValue* addr = nullptr;           // connect_write
  const ArgValue* caps = nullptr;
  std::uint32_t buf_cap_bytes = 0;
  std::int32_t flush_min_bytes = 0;
  std::uint32_t max_flushes = 0;      // 0: derived from max_out_bytes
  std::uint32_t max_write_calls = 0;  // 0: derived from max_out_bytes
  NetOnFinish on_finish = NetOnFinish::kLeaveOpen;
  std::uint32_t max_out_bytes = 0;
};

class NetTcpWrite {
 public:
  // X07's default buffer (spec §8).
  static constexpr std::uint32_t kDefaultBufCap = 65536;

  NetTcpWrite(RunContext& ctx, const NetTcpWriteConfig& cfg, const RunEnv& env) : ctx_(&ctx), cfg_(cfg) {
    prepare_run_resources(ctx, env);
  }

  Flow open();
  Flow consume(ByteView v);
  Flow finish();
  [[nodiscard]] ByteView payload() const { return {}; }

 private:
  Flow physical_write(ByteView direct);
  Flow fail(ErrId id, const x07rt::NetBuf& doc = {});
  os::TcpStream* stream();

  RunContext* ctx_;
  NetTcpWriteConfig cfg_;
  RunArg handle_, addr_, caps_;
  std::uint32_t max_write_bytes_ = 0;
  std::uint32_t io_timeout_ms_ = 0;
  std::uint64_t max_flushes_ = 0, max_write_calls_ = 0;
  std::uint64_t flushes_ = 0, write_calls_ = 0;
  std::vector<std::uint8_t> buf_;
  std::unique_ptr<os::TcpStream> owned_;  // connect_write
};

}  // namespace sluice
