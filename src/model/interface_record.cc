#include "model/interface_record.h"

#include <array>

namespace netif {
namespace {

template <typename T>
void Overwrite(std::optional<T>& ours, const std::optional<T>& newer) {
  if (newer.has_value()) ours = newer;
}

constexpr std::array<std::pair<OperState, std::string_view>, 7> kOperStateNames{{
    {OperState::kUnknown, "unknown"},
    {OperState::kNotPresent, "notpresent"},
    {OperState::kDown, "down"},
    {OperState::kLowerLayerDown, "lowerlayerdown"},
    {OperState::kTesting, "testing"},
    {OperState::kDormant, "dormant"},
    {OperState::kUp, "up"},
}};

std::string_view TrimNewline(std::string_view s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

}  // namespace

void CounterSet::MergeFrom(const CounterSet& newer) {
  for (std::size_t i = 0; i < kCounterCount; ++i) {
    if (!newer.present_.test(i)) continue;
    values_[i] = newer.values_[i];
    present_.set(i);
    wraps32_.set(i, newer.wraps32_.test(i));
  }
}

std::string_view OperStateName(OperState s) {
  for (const auto& [state, name] : kOperStateNames) {
    if (state == s) return name;
  }
  return "unknown";
}

std::optional<OperState> ParseOperState(std::string_view text) {
  text = TrimNewline(text);
  for (const auto& [state, name] : kOperStateNames) {
    if (name == text) return state;
  }
  return std::nullopt;
}

std::string_view DuplexName(Duplex d) {
  switch (d) {
    case Duplex::kHalf:
      return "half";
    case Duplex::kFull:
      return "full";
    case Duplex::kUnknown:
      break;
  }
  return "unknown";
}

std::optional<Duplex> ParseDuplex(std::string_view text) {
  text = TrimNewline(text);
  if (text == "full") return Duplex::kFull;
  if (text == "half") return Duplex::kHalf;
  if (text == "unknown") return Duplex::kUnknown;
  return std::nullopt;
}

void LinkAttributes::MergeFrom(const LinkAttributes& newer) {
  Overwrite(ifindex, newer.ifindex);
  Overwrite(iflink, newer.iflink);
  Overwrite(master_ifindex, newer.master_ifindex);
  Overwrite(mtu, newer.mtu);
  Overwrite(type, newer.type);
  Overwrite(speed_bps, newer.speed_bps);
  Overwrite(duplex, newer.duplex);
  Overwrite(oper_state, newer.oper_state);
  Overwrite(admin_up, newer.admin_up);
  Overwrite(carrier, newer.carrier);
  Overwrite(carrier_changes, newer.carrier_changes);
  Overwrite(carrier_up_count, newer.carrier_up_count);
  Overwrite(carrier_down_count, newer.carrier_down_count);
  Overwrite(address, newer.address);
  Overwrite(alias, newer.alias);
  Overwrite(kind, newer.kind);
  Overwrite(is_virtual, newer.is_virtual);
  Overwrite(last_change_seconds, newer.last_change_seconds);
  Overwrite(master, newer.master);
  Overwrite(broadcast, newer.broadcast);
  Overwrite(tx_queue_len, newer.tx_queue_len);
  Overwrite(flags, newer.flags);
  Overwrite(dormant, newer.dormant);
  Overwrite(link_mode, newer.link_mode);
  Overwrite(addr_assign_type, newer.addr_assign_type);
  Overwrite(name_assign_type, newer.name_assign_type);
  Overwrite(group, newer.group);
  Overwrite(dev_id, newer.dev_id);
  Overwrite(bond_slave, newer.bond_slave);
  Overwrite(driver, newer.driver);
  Overwrite(driver_version, newer.driver_version);
  Overwrite(firmware_version, newer.firmware_version);
  Overwrite(bus_info, newer.bus_info);
  Overwrite(pod, newer.pod);
}

}  // namespace netif
