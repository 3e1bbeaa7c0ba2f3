#include "compiler/cli/fmt_command.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include <unistd.h>

#include "compiler/diagnostics.hpp"
#include "compiler/json_layout.hpp"
#include "compiler/json_source.hpp"
#include "runtime/atomic_file.hpp"
#include "runtime/run_report.hpp"

namespace sluice {
namespace {

bool read_whole(const std::string& file, std::string& text) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  text = std::move(ss).str();
  return !in.bad();
}

// Through AtomicFile, as a file sink writes: a file appears only whole, keeps its mode and owner,
// and a symlink keeps pointing at the (rewritten) file.
int write_whole(const std::string& file, const std::string& text) {
  AtomicFile out = AtomicFile::create(FsRoot{.dir = ".", .sandboxed = false}, file, /*durable=*/false);
  if (out.fd() < 0) return out.err_no() != 0 ? out.err_no() : EINVAL;
  for (std::size_t done = 0; done < text.size();) {
    const ssize_t n = ::write(out.fd(), text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return n < 0 ? errno : EIO;  // the destructor removes the temporary file
    done += static_cast<std::size_t>(n);
  }
  return out.commit();
}

}  // namespace

int cmd_fmt(const std::vector<std::string>& files, const FmtOptions& options) {
  int status = kExitOk;
  std::size_t unformatted = 0;
  for (const std::string& file : files) {
    std::string text;
    if (!read_whole(file, text)) {
      std::cerr << "sluice: fmt: cannot read " << file << ": " << std::strerror(errno) << "\n";
      status = kExitUsage;
      continue;
    }
    const JsonParseResult parsed = parse_json(text);
    if (parsed.error) {
      const JsonError& e = *parsed.error;
      std::cerr << format_text(make_diagnostic(json_error_diag(e.kind), file, e.pos.line, e.pos.column, "", e.message))
                << "\n";
      if (status == kExitOk) status = kExitRejected;
      continue;
    }
    const std::string formatted = layout_json(*parsed.root);
    if (options.to_stdout) {
      std::fwrite(formatted.data(), 1, formatted.size(), stdout);
      continue;
    }
    if (formatted == text) continue;
    if (options.check) {
      std::cout << file << ": not formatted (sluice fmt " << file << " rewrites it)\n";
      ++unformatted;
      if (status == kExitOk) status = kExitRejected;
      continue;
    }
    if (const int err = write_whole(file, formatted); err != 0) {
      std::cerr << "sluice: fmt: cannot write " << file << ": " << std::strerror(err) << "\n";
      status = kExitUsage;
      continue;
    }
    std::cout << "formatted " << file << "\n";
  }
  if (options.check && unformatted != 0)
    std::cout << unformatted << " of " << files.size() << (files.size() == 1 ? " file" : " files") << " not formatted\n";
  else if (options.check && status == kExitOk)
    std::cout << files.size() << (files.size() == 1 ? " file" : " files") << " formatted\n";
  return status;
}

}  // namespace sluice
