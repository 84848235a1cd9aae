#include "util/build_info.h"

// NETIF_VERSION and NETIF_REVISION are defined for this file only (its own library in
// CMakeLists.txt), so a new commit recompiles it and nothing else.
namespace netif {

std::string_view BuildVersion() { return NETIF_VERSION; }
std::string_view BuildRevision() { return NETIF_REVISION; }

}  // namespace netif
