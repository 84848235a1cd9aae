#include "collectors/sysfs/sysfs_reader.h"

#include <charconv>
#include <iterator>
#include <limits>
#include <system_error>
#include <utility>

namespace netif {
namespace sysfs {
namespace {

constexpr bool IsTrailingSpace(char c) {
  return c == '\n' || c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

// All of `text` as a number in `base`, or nullopt. from_chars accepts no sign for unsigned types,
// no leading whitespace and no "0x", and reports overflow, which is exactly the strictness wanted.
template <typename T>
std::optional<T> ParseWhole(std::string_view text, int base = 10) {
  T value{};
  const char* const end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value, base);
  if (text.empty() || ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

constexpr bool IsHexDigit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

constexpr char ToLowerAscii(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

constexpr std::size_t kMaxAddressOctets = 32;  // MAX_ADDR_LEN

}  // namespace

std::string_view TrimTrailingWhitespace(std::string_view text) {
  while (!text.empty() && IsTrailingSpace(text.back())) text.remove_suffix(1);
  return text;
}

std::optional<uint32_t> ParseU32(std::string_view text) {
  return ParseWhole<uint32_t>(TrimTrailingWhitespace(text));
}

std::optional<uint64_t> ParseU64(std::string_view text) {
  return ParseWhole<uint64_t>(TrimTrailingWhitespace(text));
}

std::optional<bool> ParseCarrier(std::string_view text) {
  text = TrimTrailingWhitespace(text);
  if (text == "1") return true;
  if (text == "0") return false;
  return std::nullopt;
}

std::optional<uint64_t> ParseSpeedBps(std::string_view text) {
  // Signed: the kernel prints SPEED_UNKNOWN as "-1"; some drivers and old kernels as 4294967295.
  const auto mbps = ParseWhole<int64_t>(TrimTrailingWhitespace(text));
  if (!mbps.has_value() || *mbps <= 0 || *mbps > std::numeric_limits<int32_t>::max()) {
    return std::nullopt;
  }
  return static_cast<uint64_t>(*mbps) * 1'000'000;
}

std::optional<uint32_t> ParseFlags(std::string_view text) {
  text = TrimTrailingWhitespace(text);
  if (text.starts_with("0x") || text.starts_with("0X")) text.remove_prefix(2);
  return ParseWhole<uint32_t>(text, 16);
}

std::optional<uint8_t> ParseU8(std::string_view text) {
  return ParseWhole<uint8_t>(TrimTrailingWhitespace(text));
}

std::optional<uint32_t> ParseGroup(std::string_view text) {
  const auto group = ParseWhole<int32_t>(TrimTrailingWhitespace(text));
  if (!group) return std::nullopt;
  return static_cast<uint32_t>(*group);
}

std::optional<bool> ParseDormant(std::string_view text) { return ParseCarrier(text); }

std::optional<std::string> MasterNameFromLink(std::string_view target) {
  const std::string_view name = target.substr(target.rfind('/') + 1);
  if (name.empty()) return std::nullopt;
  return std::string(name);
}

std::optional<bool> ParseBondSlaveState(std::string_view text) {
  text = TrimTrailingWhitespace(text);
  if (text == "active") return true;
  if (text == "backup") return false;
  return std::nullopt;
}

std::optional<uint8_t> ParseBondMiiStatus(std::string_view text) {
  // bond_slave_link_status(): the BOND_LINK_* values in order.
  static constexpr std::string_view kStatuses[] = {"up", "going down", "down", "going back"};
  text = TrimTrailingWhitespace(text);
  for (std::size_t i = 0; i < std::size(kStatuses); ++i) {
    if (text == kStatuses[i]) return static_cast<uint8_t>(i);
  }
  return std::nullopt;
}

std::optional<uint16_t> ParseU16OrNotApplicable(std::string_view text) {
  return ParseWhole<uint16_t>(TrimTrailingWhitespace(text));  // "N/A" is no number
}

std::optional<std::string> ParseAddress(std::string_view text) {
  text = TrimTrailingWhitespace(text);
  // "xx" then ":xx" repeated: 3n - 1 characters for n octets.
  if (text.empty() || (text.size() + 1) % 3 != 0 || (text.size() + 1) / 3 > kMaxAddressOctets) {
    return std::nullopt;
  }
  std::string address(text.size(), '\0');
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool separator_position = i % 3 == 2;
    if (separator_position ? c != ':' : !IsHexDigit(c)) return std::nullopt;
    address[i] = ToLowerAscii(c);
  }
  return address;
}

std::optional<std::string> ParseAlias(std::string_view text) {
  if (text.ends_with('\n')) text.remove_suffix(1);
  if (text.empty()) return std::nullopt;
  return std::string(text);
}

}  // namespace sysfs

namespace {

// A device name that stays inside <root>/class/net/ when appended to it. Looser than the kernel's
// rules on purpose: this guards the path, it does not judge the name.
bool IsSafePathComponent(std::string_view name) {
  return !name.empty() && name != "." && name != ".." &&
         name.find_first_of(std::string_view("/\0", 2)) == std::string_view::npos;
}

std::string DirectoryWithSlash(std::string root, std::string_view below) {
  while (!root.empty() && root.back() == '/') root.pop_back();
  root += below;
  return root;
}

// Reads the attribute files of one device directory, reusing one path buffer, and remembers
// whether any read failed (then the device may have vanished meanwhile).
class AttributeFiles {
 public:
  AttributeFiles(const FileReader& fs, std::string device_dir, std::vector<RefusedRead>* refused)
      : fs_(fs), path_(std::move(device_dir)), dir_length_(path_.size()), refused_(refused) {}

  std::optional<std::string> Read(std::string_view attribute) {
    path_.resize(dir_length_);
    path_ += attribute;
    FileRead read = fs_.Read(path_, kMaxAttributeBytes);
    if (read.ok()) return std::move(read.contents);
    if (read.refused()) {
      if (refused_ != nullptr) refused_->push_back({path_, read.Describe(), read.RefusalReason()});
    } else {
      any_read_failed_ = true;
    }
    return std::nullopt;
  }

  // Sets `field` from `attribute` when the file is readable and `parse` accepts its text.
  template <typename T, typename Parser>
  void ReadInto(std::string_view attribute, Parser parse, std::optional<T>& field) {
    if (const auto text = Read(attribute)) {
      if (auto value = parse(*text)) field = std::move(*value);
    }
  }

  // The target of the symbolic link `name`; its absence is ordinary (no master) and no failure.
  std::optional<std::string> ReadLink(std::string_view name) {
    path_.resize(dir_length_);
    path_ += name;
    return fs_.ReadLink(path_);
  }

  bool any_read_failed() const { return any_read_failed_; }

 private:
  const FileReader& fs_;
  std::string path_;
  std::size_t dir_length_;
  std::vector<RefusedRead>* refused_;
  bool any_read_failed_ = false;
};

// bonding_slave/ exists only on a bond's port; its `state` file tells whether this is one.
void ReadBondSlave(AttributeFiles& files, LinkAttributes& out) {
  const auto state = files.Read("bonding_slave/state");
  if (!state) return;
  BondSlave slave;
  slave.active = sysfs::ParseBondSlaveState(*state);
  files.ReadInto("bonding_slave/mii_status", sysfs::ParseBondMiiStatus, slave.mii_status);
  files.ReadInto("bonding_slave/link_failure_count", sysfs::ParseU32, slave.link_failure_count);
  files.ReadInto("bonding_slave/queue_id", sysfs::ParseU16OrNotApplicable, slave.queue_id);
  files.ReadInto("bonding_slave/ad_aggregator_id", sysfs::ParseU16OrNotApplicable,
                 slave.ad_aggregator_id);
  std::optional<uint16_t> actor;
  std::optional<uint16_t> partner;
  files.ReadInto("bonding_slave/ad_actor_oper_port_state", sysfs::ParseU16OrNotApplicable, actor);
  files.ReadInto("bonding_slave/ad_partner_oper_port_state", sysfs::ParseU16OrNotApplicable,
                 partner);
  // LACP port states are 8 bits; a wider number is not one.
  if (actor && *actor <= 0xFF) slave.ad_actor_port_state = static_cast<uint8_t>(*actor);
  if (partner && *partner <= 0xFF) slave.ad_partner_port_state = static_cast<uint8_t>(*partner);
  out.bond_slave = slave;
}

}  // namespace

SysfsReader::SysfsReader(const FileReader& fs, std::string sysfs_root)
    : fs_(fs),
      class_net_dir_(DirectoryWithSlash(sysfs_root, "/class/net/")),
      virtual_net_dir_(DirectoryWithSlash(std::move(sysfs_root), "/devices/virtual/net/")) {}

bool SysfsReader::ReadAttributes(std::string_view device, const Options& options,
                                 LinkAttributes& out, std::vector<RefusedRead>* refused) const {
  if (!IsSafePathComponent(device)) return false;
  std::string device_dir = class_net_dir_;
  device_dir += device;
  if (!fs_.Exists(device_dir)) return false;

  AttributeFiles files(fs_, device_dir + '/', refused);
  const bool medium = options.facts.Has(LinkFacts::kMedium);
  const bool state = options.facts.Has(LinkFacts::kState);
  if (medium) {
    std::string virtual_dir = virtual_net_dir_;
    virtual_dir += device;
    out.is_virtual = fs_.Exists(virtual_dir);
    files.ReadInto("speed", sysfs::ParseSpeedBps, out.speed_bps);
    files.ReadInto("duplex", ParseDuplex, out.duplex);
    files.ReadInto("dormant", sysfs::ParseDormant, out.dormant);
    files.ReadInto("addr_assign_type", sysfs::ParseU8, out.addr_assign_type);
    files.ReadInto("name_assign_type", sysfs::ParseU8, out.name_assign_type);
    files.ReadInto("dev_id", sysfs::ParseFlags, out.dev_id);
  }
  if (options.facts.Has(LinkFacts::kSettings)) {
    files.ReadInto("ifindex", sysfs::ParseU32, out.ifindex);
    files.ReadInto("iflink", sysfs::ParseU32, out.iflink);
    files.ReadInto("mtu", sysfs::ParseU32, out.mtu);
    files.ReadInto("type", sysfs::ParseU32, out.type);
    files.ReadInto("address", sysfs::ParseAddress, out.address);
    files.ReadInto("ifalias", sysfs::ParseAlias, out.alias);
    files.ReadInto("broadcast", sysfs::ParseAddress, out.broadcast);
    files.ReadInto("tx_queue_len", sysfs::ParseU32, out.tx_queue_len);
    files.ReadInto("link_mode", sysfs::ParseU8, out.link_mode);
    files.ReadInto("netdev_group", sysfs::ParseGroup, out.group);
    if (const auto target = files.ReadLink("master")) {
      out.master = sysfs::MasterNameFromLink(*target);
    }
    ReadBondSlave(files, out);
  }
  if (state) {
    files.ReadInto("operstate", ParseOperState, out.oper_state);
    files.ReadInto("carrier", sysfs::ParseCarrier, out.carrier);
    files.ReadInto("carrier_changes", sysfs::ParseU64, out.carrier_changes);
    files.ReadInto("carrier_up_count", sysfs::ParseU64, out.carrier_up_count);
    files.ReadInto("carrier_down_count", sysfs::ParseU64, out.carrier_down_count);
  }
  if (medium || state) {
    // One read serves both: the medium keeps the flags, the state takes IFF_UP from them.
    std::optional<uint32_t> flags;
    files.ReadInto("flags", sysfs::ParseFlags, flags);
    if (medium && flags) out.flags = flags;
    if (state && flags) out.admin_up = (*flags & sysfs::kIffUp) != 0;
  }

  // Reads fail for ordinary reasons (no speed on a virtual link, no carrier while down) but also
  // when the interface vanished after the check above; only then is the directory gone.
  // is_virtual, when asked for, was decided before any read, so a vanishing device always fails a
  // later read.
  if (files.any_read_failed() && !fs_.Exists(device_dir)) return false;
  return true;
}

}  // namespace netif
