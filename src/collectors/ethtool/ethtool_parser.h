// Parsers of the ethtool ioctl's replies (linux/ethtool.h): pure functions over the bytes the
// kernel wrote into the command's buffer, in the host's byte order. No I/O here; EthtoolReader
// runs the commands.
//
//   ETHTOOL_GDRVINFO  struct ethtool_drvinfo: cmd, then driver, version, fw_version, bus_info,
//                     erom_version (32 bytes each, NUL-padded), 12 reserved bytes, then
//                     n_priv_flags, n_stats, testinfo_len, eedump_len, regdump_len (u32 each)
//   ETHTOOL_GSTRINGS  struct ethtool_gstrings: cmd, string_set, len (u32 each), then len names of
//                     ETH_GSTRING_LEN (32) bytes, each NUL-padded (NUL-terminated when shorter)
//   ETHTOOL_GSTATS    struct ethtool_stats: cmd, n_stats (u32 each), then n_stats u64 values
//
// Every parser takes the whole buffer handed to the kernel and trusts no count in it: a count
// that the buffer cannot hold is an error, never a read past its end.
//
// Thread-safety: stateless functions; safe for concurrent use.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "util/status.h"

namespace netif {

inline constexpr std::size_t kEthtoolStringBytes = 32;         // ETH_GSTRING_LEN
inline constexpr std::size_t kEthtoolDriverInfoBytes = 196;    // sizeof(struct ethtool_drvinfo)
inline constexpr std::size_t kEthtoolStringsHeaderBytes = 12;  // sizeof(struct ethtool_gstrings)
inline constexpr std::size_t kEthtoolStatsHeaderBytes = 8;     // sizeof(struct ethtool_stats)

struct EthtoolDriverInfo {
  // Each field up to its first NUL, as the kernel wrote it (raw bytes, maybe empty).
  std::string driver;
  std::string version;
  std::string firmware_version;
  std::string bus_info;
  std::string erom_version;
  uint32_t n_stats = 0;  // statistics the driver has (ETH_SS_STATS count)

  bool operator==(const EthtoolDriverInfo&) const = default;
};

// ETHTOOL_GDRVINFO's reply. Fails when `reply` is shorter than the struct.
Status ParseEthtoolDriverInfo(std::span<const uint8_t> reply, EthtoolDriverInfo& info);

// ETHTOOL_GSTRINGS's reply: the `len` names, each up to its first NUL (32 bytes when it has
// none). Fails when the header is cut or `len` names do not fit in `reply`.
Status ParseEthtoolStrings(std::span<const uint8_t> reply, std::vector<std::string>& names);

// ETHTOOL_GSTATS's reply: the `n_stats` values. Fails when the header is cut or `n_stats` values
// do not fit in `reply`.
Status ParseEthtoolStats(std::span<const uint8_t> reply, std::vector<uint64_t>& values);

}  // namespace netif
