// The built-in library: the std functions with stage-compatible signatures (spec x07-modules
// §7.3, §8.6; X7SL of x07-pipes §10) implemented natively, and the brand registries of the std
// modules that declare one. In stdlib because compiled pipelines call them too.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "stdlib/user_fn.hpp"

namespace sluice::x07 {

struct LibraryFn {
  std::string_view name;
  UserFnSig sig;
  UserFnEntry entry;
};

std::span<const LibraryFn> library_fns();
const LibraryFn* find_library_fn(std::string_view name);

// meta.brands_v1 of a std module: the validator of `brand` in module `module_id`, if any; and the
// built-in brands (sluice.msgpack_v1), whatever `module_id` is.
std::optional<std::string_view> library_brand_validator(std::string_view module_id, std::string_view brand);
// True for std module ids sluice knows (usable as brand_registry_ref_v1).
bool is_library_module(std::string_view module_id);

// The X7SL v1 check (x07-pipes §10): ok(count) or the err code, as (is_err, value).
std::pair<bool, std::int32_t> validate_x7sl(ByteView v);

}  // namespace sluice::x07
