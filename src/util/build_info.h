// The version and the git revision this binary was built from (--version,
// netif_exporter_build_info).
//
// Thread-safety: constants.
#pragma once

#include <string_view>

namespace netif {

std::string_view BuildVersion();   // e.g. "0.1.0"
std::string_view BuildRevision();  // 12 hex digits of the commit, or "unknown"

}  // namespace netif
