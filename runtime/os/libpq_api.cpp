#include "runtime/os/libpq_api.hpp"

#include <dlfcn.h>

namespace sluice::os {
namespace {

// The soname of the libpq Debian's libpq-dev links against (libpq5); loaded by name, so the
// dynamic linker finds it where a linked libpq would be found.
constexpr const char* kSoname = "libpq.so.5";

struct Loaded {
  LibPq api;
  std::string error;  // empty when loaded
};

Loaded load() {
  Loaded r;
  void* h = dlopen(kSoname, RTLD_NOW | RTLD_LOCAL);
  if (h == nullptr) {
    const char* e = dlerror();
    r.error = std::string("PostgreSQL's client library could not be loaded (") + (e ? e : kSoname) +
              "); on Debian: apt-get install libpq5";
    return r;
  }
  // The handle stays open for the life of the process: connections may be made until exit.
#define SLUICE_LIBPQ_LOOKUP(name)                                                     \
  r.api.name = reinterpret_cast<decltype(&::name)>(dlsym(h, #name));                 \
  if (r.api.name == nullptr && r.error.empty()) r.error = std::string(kSoname) + " has no " #name;
  SLUICE_LIBPQ_FUNCTIONS(SLUICE_LIBPQ_LOOKUP)
#undef SLUICE_LIBPQ_LOOKUP
  return r;
}

}  // namespace

const LibPq* load_libpq(std::string& error) {
  static const Loaded loaded = load();  // a function-local static: loaded once, thread-safe
  if (!loaded.error.empty()) {
    error = loaded.error;
    return nullptr;
  }
  return &loaded.api;
}

}  // namespace sluice::os
