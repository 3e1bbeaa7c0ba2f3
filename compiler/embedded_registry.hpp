// The embedded stream plugin registry: plugins/registry/arch/stream/plugins/ (index and spec
// files) compiled into sluice, so built-in plugin ids resolve without an arch root. The text is
// generated from those files at configure time (compiler/embedded_registry.cpp.in).
#pragma once

#include <optional>
#include <string_view>

namespace sluice {

// A file of the embedded registry by its path relative to arch/stream/plugins/
// ("index.x07sp.json", "specs/xf.split_lines_v1.x07sp-plugin.json"), or nullopt.
std::optional<std::string_view> embedded_registry_file(std::string_view rel_path);

}  // namespace sluice
