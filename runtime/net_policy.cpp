#include "runtime/net_policy.hpp"

#include <fstream>

namespace sluice {

std::string net_entry_problem(std::string_view e) {
  const std::size_t colon = e.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return "expected HOST:PORT, e.g. 127.0.0.1:8080";
  const std::string_view host = e.substr(0, colon), port = e.substr(colon + 1);
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string_view::npos ||
      std::stoul(std::string(port)) > 65535)
    return "the port must be 0..65535";
  if (host.front() == '[') {
    if (host.back() != ']' || host.size() < 3) return "an IPv6 host is written in brackets, e.g. [::1]:8080";
  } else if (host.find(':') != std::string_view::npos) {
    return "an IPv6 host is written in brackets, e.g. [::1]:8080";
  }
  return {};
}

bool load_net_policy_file(const std::string& path, RunEnv& env, std::string& error) {
  std::ifstream in(path);
  if (!in) {
    error = "cannot read the net policy file " + path;
    return false;
  }
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    const std::size_t b = line.find_first_not_of(" \t\r");
    if (b == std::string::npos || line[b] == '#') continue;
    const std::size_t e = line.find_last_not_of(" \t\r");
    const std::string t = line.substr(b, e - b + 1);
    const std::size_t sp = t.find_first_of(" \t");
    const std::string key = t.substr(0, sp);
    const std::string value = sp == std::string::npos ? "" : t.substr(t.find_first_not_of(" \t", sp));
    const std::string where = path + ":" + std::to_string(n) + ": ";
    if (key != "allow-host" && key != "allow-listen") {
      error = where + "expected `allow-host HOST:PORT` or `allow-listen ADDR:PORT`, found `" + key + "`";
      return false;
    }
    if (const std::string why = net_entry_problem(value); !why.empty()) {
      error = where + key + " " + value + ": " + why;
      return false;
    }
    (key == "allow-host" ? env.allow_host : env.allow_listen).push_back(value);
  }
  return true;
}

}  // namespace sluice
