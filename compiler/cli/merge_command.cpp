#include "compiler/cli/merge_command.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <optional>

#include <unistd.h>

#include "runtime/atomic_file.hpp"
#include "runtime/result_doc.hpp"
#include "runtime/shard.hpp"
#include "stdlib/sink/hash_poly61.hpp"
#include "stdlib/stage_configs.hpp"

namespace sluice {
namespace {

bool read_file(const std::string& path, std::vector<std::uint8_t>& out, std::string& why) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    why = std::strerror(errno);
    return false;
  }
  std::uint8_t buf[1 << 16];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.insert(out.end(), buf, buf + n);
  const bool failed = std::ferror(f) != 0;
  if (failed) why = std::strerror(errno ? errno : EIO);
  std::fclose(f);
  return !failed;
}

bool write_all_fd(int fd, const std::uint8_t* p, std::size_t n) {
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= static_cast<std::size_t>(w);
  }
  return true;
}

// The fs sink's path, or "" for a sink that writes no file.
std::string sink_path(const Plan& plan) {
  const std::string_view id = plan.sink.spec->id;
  if (id == "std.stream.sink.world_fs_write_file_v1") return write_file_config(plan).path;
  if (id == "std.stream.sink.world_fs_write_stream_v1") return write_stream_config(plan).path;
  return {};
}

// Concatenates PATH.part-I-of-N (I = 0..N-1) into PATH through an AtomicFile: PATH appears whole
// or not at all, as it would from one run. Exit status 0, 2 (a part missing) or 4 (I/O).
int join_parts(const std::string& path, std::uint32_t n, const MergeOptions& o) {
  std::vector<int> fds;
  const auto close_all = [&fds] {
    for (const int fd : fds) ::close(fd);
  };
  for (std::uint32_t i = 0; i < n; ++i) {
    const std::string part = path + shard_part_suffix(ShardSpec{i, n});
    const OpenedPath p = open_read(o.root, part);
    if (p.fd < 0) {
      close_all();
      std::cerr << "sluice: merge: cannot open part " << part << ": " << describe(p.error, p.err_no)
                << " (every shard must have ended OK and the docs be given in shard order, all " << n << " of them)\n";
      return kExitUsage;
    }
    fds.push_back(p.fd);
  }
  AtomicFile out = AtomicFile::create(o.root, path, o.fsync);
  if (out.fd() < 0) {
    close_all();
    std::cerr << "sluice: merge: cannot create " << path << ": " << describe(out.error(), out.err_no()) << "\n";
    return kExitTrap;
  }
  std::vector<std::uint8_t> buf(1 << 20);
  for (std::uint32_t i = 0; i < n; ++i) {
    for (;;) {
      const ssize_t r = ::read(fds[i], buf.data(), buf.size());
      if (r < 0 && errno == EINTR) continue;
      if (r < 0 || (r > 0 && !write_all_fd(out.fd(), buf.data(), static_cast<std::size_t>(r)))) {
        const int e = errno;
        close_all();
        out.abandon();
        std::cerr << "sluice: merge: joining the parts into " << path << ": " << std::strerror(e) << "\n";
        return kExitTrap;
      }
      if (r == 0) break;
    }
  }
  close_all();
  if (const int e = out.commit(); e != 0) {
    std::cerr << "sluice: merge: committing " << path << ": " << std::strerror(e) << "\n";
    return kExitTrap;
  }
  if (!o.keep_parts) {
    // PATH is complete; the parts are now redundant. A part that cannot be removed is only said.
    for (std::uint32_t i = 0; i < n; ++i) {
      const std::string part = path + shard_part_suffix(ShardSpec{i, n});
      const std::string full = part.starts_with('/') ? part : o.root.dir + "/" + part;
      if (::unlink(full.c_str()) != 0) std::cerr << "sluice: merge: note: cannot remove " << full << ": " << std::strerror(errno) << "\n";
    }
  }
  return kExitOk;
}

}  // namespace

int cmd_merge(const Plan& plan, const std::vector<std::string>& docs, const MergeOptions& options) {
  if (const std::string why = shard_refusal(plan); !why.empty()) {
    std::cerr << "sluice: merge: this pipe cannot be sharded, so it has no shard docs to merge: " << why << "\n";
    return kExitUsage;
  }
  if (docs.size() > kMaxShards) {
    std::cerr << "sluice: merge: " << docs.size() << " docs; at most " << kMaxShards << " shards\n";
    return kExitUsage;
  }
  std::vector<ResultDoc> decoded;
  std::vector<std::vector<std::uint8_t>> raw;  // an ERR shard's doc is passed on byte for byte
  decoded.reserve(docs.size());
  for (const std::string& file : docs) {
    std::vector<std::uint8_t> bytes;
    std::string why;
    if (!read_file(file, bytes, why)) {
      std::cerr << "sluice: merge: cannot read " << file << ": " << why << "\n";
      return kExitUsage;
    }
    std::optional<ResultDoc> d = decode_doc(ByteView(bytes.data(), static_cast<std::uint32_t>(bytes.size())), &why);
    if (!d) {
      std::cerr << "sluice: merge: " << file << " is not a result doc (" << why << "); write shard docs with --emit doc\n";
      return kExitUsage;
    }
    decoded.push_back(std::move(*d));
    raw.push_back(std::move(bytes));
  }
  RunOutcome merged;
  // The first ERR in shard order is the merged doc: the unsharded run would have stopped there
  // (later shards' ERRs, if any, come after it in the input).
  for (std::size_t i = 0; i < decoded.size(); ++i) {
    if (decoded[i].ok) continue;
    std::cerr << "sluice: merge: shard " << i << " of " << decoded.size() << " (" << docs[i] << ") ended ERR "
              << decoded[i].code << " " << decoded[i].message << "\n";
    merged.status = RunStatus::kErr;
    merged.doc = std::move(raw[i]);
    return report_outcome(merged, options.emit);
  }
  // Counters are summed in 64 bits: a sum past u32 cannot be one doc (nor one run's counters).
  std::uint64_t sums[4] = {0, 0, 0, 0};
  std::vector<std::uint8_t> payload;
  for (const ResultDoc& d : decoded) {
    sums[0] += d.counters.bytes_in;
    sums[1] += d.counters.bytes_out;
    sums[2] += d.counters.items_in;
    sums[3] += d.counters.items_out;
    payload.insert(payload.end(), d.payload.begin(), d.payload.end());
  }
  for (const std::uint64_t s : sums)
    if (s > UINT32_MAX) {
      std::cerr << "sluice: merge: a summed counter (" << s << ") does not fit the doc's u32\n";
      return kExitUsage;
    }
  // hash_poly61: h(A then C) = h(A) * B^|C| + h(C), over the shards in order (hash_poly61.hpp).
  if (plan.sink.spec->id == std::string_view("sluice.stream.sink.hash_poly61_v1")) {
    std::uint64_t h = 0, n = 0;
    for (std::size_t i = 0; i < decoded.size(); ++i) {
      const std::vector<std::uint8_t>& p = decoded[i].payload;
      if (p.size() != 16) {
        std::cerr << "sluice: merge: " << docs[i] << ": a hash_poly61_v1 payload is 16 bytes, this one " << p.size() << "\n";
        return kExitUsage;
      }
      std::uint64_t hi = 0, ni = 0;
      for (int k = 7; k >= 0; --k) {
        hi = hi << 8 | p[k];
        ni = ni << 8 | p[8 + k];
      }
      h = poly61_concat(h, hi, ni);
      n += ni;
    }
    payload.assign(16, 0);
    for (int k = 0; k < 8; ++k) {
      payload[k] = static_cast<std::uint8_t>(h >> (8 * k));
      payload[8 + k] = static_cast<std::uint8_t>(n >> (8 * k));
    }
  }
  if (payload.size() > UINT32_MAX) {
    std::cerr << "sluice: merge: the joined payload (" << payload.size() << " bytes) does not fit a doc\n";
    return kExitUsage;
  }
  if (const std::string path = sink_path(plan); !path.empty() && !decoded.empty())
    if (const int s = join_parts(path, static_cast<std::uint32_t>(decoded.size()), options); s != kExitOk) return s;
  merged.counters = Counters{static_cast<std::uint32_t>(sums[0]), static_cast<std::uint32_t>(sums[1]),
                             static_cast<std::uint32_t>(sums[2]), static_cast<std::uint32_t>(sums[3])};
  merged.doc = encode_ok_doc(merged.counters, ByteView(payload.data(), static_cast<std::uint32_t>(payload.size())));
  return report_outcome(merged, options.emit);
}

}  // namespace sluice
