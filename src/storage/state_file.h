// The warm-restart state file: every interface's analytics state (analytics/analytics_state.h)
// in one versioned, checksummed file that is replaced atomically.
//
// Layout (little-endian, util/byte_codec.h):
//   0   8 bytes   magic "NETIFST1"
//   8   u32       format version (kStateFileVersion)
//   12  u32       flags (0)
//   16  u64       payload length N
//   24  N bytes   payload:
//                   f64 unix seconds and f64 monotonic seconds at the save
//                   string  the analytics settings (EncodeAnalyticsSettings)
//                   u32     interface count, then per interface:
//                           string source, string id, u8 has ifindex, u32 ifindex,
//                           string state (EncodeInterfaceState)
//   24+N u32      CRC-32 (zlib) of every byte before it
// Anything else is rejected whole: a short or long file, another magic, a version other than this
// one, a bad checksum, a payload that does not parse exactly. The bytes of one interface's state
// are checked again when it is claimed (DecodeInterfaceState).
//
// Thread-safety: pure functions, apart from the file-system ones named so; safe for concurrent
// use on different paths.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "analytics/analytics_state.h"
#include "util/status.h"

namespace netif {

inline constexpr std::string_view kStateFileMagic = "NETIFST1";
inline constexpr uint32_t kStateFileVersion = 1;
inline constexpr std::string_view kStateFileName = "netif_exporter.state";
// Far above 5,000 interfaces' state (docs/configuration.md has the measured bytes per interface):
// a file claiming more is not ours.
inline constexpr uint64_t kMaxStateFileBytes = 1ull << 30;

struct StateFile {
  double saved_unix_seconds = 0;
  double saved_monotonic_seconds = 0;
  std::string analytics_settings;  // EncodeAnalyticsSettings
  std::vector<SavedInterfaceState> interfaces;
};

std::string EncodeStateFile(const StateFile& file);

// Parses a whole file. On failure returns why, one short line ("truncated", "bad checksum", ...).
// Never reads outside `bytes`.
std::variant<StateFile, std::string> ParseStateFile(std::span<const uint8_t> bytes);

// Writes `bytes` to `path` so that `path` is always either the old file or the new one: a temp
// file in the same directory, written, fsync'ed, renamed over `path`, then the directory fsync'ed.
Status WriteFileAtomically(const std::string& path, std::string_view bytes);

// Reads and parses the state file at `path`. A missing file is no state (logged at info); any
// other problem (unreadable, truncated, corrupt, foreign, another version) logs one warning and
// gives no state: the exporter runs on without it.
std::optional<StateFile> LoadStateFile(const std::string& path);

}  // namespace netif
