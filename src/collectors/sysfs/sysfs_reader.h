// Reads a network interface's link attributes from <sysfs_root>/class/net/<device>/ through the
// FileReader seam. Each attribute file holds one value and a newline; the pure parse helpers in
// namespace sysfs turn that text into a value, or nullopt when it is malformed or says "unknown".
//
// Thread-safety: the helpers are pure; SysfsReader::ReadAttributes() is const and keeps no state,
// so it is safe for concurrent use when the FileReader is (RealFileReader is).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/interface_record.h"
#include "model/link_facts.h"
#include "util/file_reader.h"

namespace netif {
namespace sysfs {

// `text` without trailing whitespace (the newline the kernel appends to every attribute).
std::string_view TrimTrailingWhitespace(std::string_view text);

// Decimal attributes (mtu, ifindex, iflink, type; carrier_changes, carrier_up_count,
// carrier_down_count). Digits only after trimming; no sign, no leading space, no overflow.
std::optional<uint32_t> ParseU32(std::string_view text);
std::optional<uint64_t> ParseU64(std::string_view text);

// `carrier`: "1" or "0". (Reading it fails with EINVAL while the link is administratively down;
// the caller sees that as a missing file.)
std::optional<bool> ParseCarrier(std::string_view text);

// `speed` is in Mb/s; returns bits per second. Only 1..INT32_MAX Mb/s (the kernel's
// ethtool_validate_speed() range) is a speed: -1 and 4294967295 (SPEED_UNKNOWN, printed signed or
// unsigned) and 0 mean unknown and give nullopt.
std::optional<uint64_t> ParseSpeedBps(std::string_view text);

// `flags` (and `dev_id`): the kernel prints them "%#x" ("0x1003", and "0" for none). Accepts hex
// with or without the "0x" prefix.
std::optional<uint32_t> ParseFlags(std::string_view text);

// Small decimal attributes (`link_mode`, `addr_assign_type`, `name_assign_type`): 0..255.
std::optional<uint8_t> ParseU8(std::string_view text);

// `netdev_group`: the kernel prints its int with "%d", so a group of 2^31 or more shows negative.
// Returned as the u32 IFLA_GROUP carries (the same bits).
std::optional<uint32_t> ParseGroup(std::string_view text);

// `dormant`: "1" or "0", like `carrier` (and, like it, EINVAL while the link is down).
std::optional<bool> ParseDormant(std::string_view text);

// The `master` symbolic link's target ("../br0", or a longer path): the name after its last '/'.
// nullopt when that is empty.
std::optional<std::string> MasterNameFromLink(std::string_view target);

// bonding_slave/state: "active" or "backup" (true for active).
std::optional<bool> ParseBondSlaveState(std::string_view text);
// bonding_slave/mii_status: "up", "going down", "down", "going back", as the BOND_LINK_* values
// (0, 1, 2, 3) rtnetlink's IFLA_BOND_SLAVE_MII_STATUS carries.
std::optional<uint8_t> ParseBondMiiStatus(std::string_view text);
// bonding_slave's 802.3ad files (ad_aggregator_id, ad_*_oper_port_state): a decimal number, or
// "N/A" outside 802.3ad mode or before the port has an aggregator (nullopt).
std::optional<uint16_t> ParseU16OrNotApplicable(std::string_view text);
inline constexpr uint32_t kIffUp = 0x1;  // IFF_UP from <linux/if.h>: administratively up.

// `address`: colon-separated hex octets ("aa:bb:cc:dd:ee:ff"; other link types have other
// lengths, up to MAX_ADDR_LEN = 32 octets). Returned in lower case. An empty file (a link type
// without an address) or any other shape gives nullopt.
std::optional<std::string> ParseAddress(std::string_view text);

// `ifalias`: the alias bytes as set, without the one newline the kernel appends. Unlike the other
// attributes, trailing spaces are kept: they are part of what the user set. Empty (no alias) gives
// nullopt.
std::optional<std::string> ParseAlias(std::string_view text);

}  // namespace sysfs

// The most of one attribute file read. The kernel formats an attribute into one page, and those
// read here are far shorter (ifalias, the longest, is at most 256 bytes); a longer file is not an
// attribute.
inline constexpr std::size_t kMaxAttributeBytes = 4096;

class SysfsReader {
 public:
  struct Options {
    // The groups of link facts to read (model/link_facts.h): the local source reads those the
    // ownership table gives to sysfs, each at its own cadence.
    LinkFactsSet facts = LinkFactsSet::All();
  };

  // `fs` must outlive the reader. `sysfs_root` is where sysfs is mounted: "/sys", a host's /sys
  // mounted elsewhere, or a fixture tree (--path.sysfs).
  SysfsReader(const FileReader& fs, std::string sysfs_root);

  // Sets the fields of `out` that `device`'s attribute files provide, for the groups asked for:
  // medium, speed_bps, duplex, is_virtual (whether <root>/devices/virtual/net/<device> exists),
  // flags, dormant, addr_assign_type, name_assign_type and dev_id; settings, ifindex, iflink,
  // mtu, type, address, alias, broadcast, tx_queue_len, link_mode, group (netdev_group), master
  // (the name the `master` symbolic link points to) and bond_slave (bonding_slave/, on a bond's
  // port) (sysfs has no kind and no master ifindex); state, oper_state, carrier,
  // carrier_changes, carrier_up_count, carrier_down_count and admin_up (flags & IFF_UP).
  // A missing or unreadable file, or a malformed or "unknown" value, leaves its field as it was.
  // A file that is not a regular file (a FIFO, a device) or is longer than kMaxAttributeBytes is
  // refused without blocking or reading on: its field is left as it was too, and the refusal is
  // added to `refused` when given.
  // Returns false, and may have set some fields, when the device directory is gone (the interface
  // vanished before or while it was read) or `device` is not a usable name (empty, ".", "..", or
  // containing '/' or NUL, which would leave <root>/class/net/).
  bool ReadAttributes(std::string_view device, const Options& options, LinkAttributes& out,
                      std::vector<RefusedRead>* refused = nullptr) const;

 private:
  const FileReader& fs_;
  std::string class_net_dir_;    // "<root>/class/net/"
  std::string virtual_net_dir_;  // "<root>/devices/virtual/net/"
};

}  // namespace netif
