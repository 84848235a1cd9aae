// What a supplier knows of an interface another source owns: the driver facts and driver
// statistics the ethtool source reads for a local device the local source (or netlink) reports,
// the pod the Kubernetes source finds behind a host veth.
// A supplier never creates, removes or renames an interface; the store keeps each supplier's
// latest contribution beside the interface and lays it over every record the owner applies
// (RecordSink::ApplySupplements), so the owner's next sample does not erase it.
//
// Thread-safety: plain values.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <utility>

#include "model/extra_counters.h"
#include "model/interface_record.h"

namespace netif {

struct InterfaceSupplement {
  InterfaceKey key;
  // LinkAttributes' driver facts (ETHTOOL_GDRVINFO); absent when the supplier does not know.
  std::optional<std::string> driver;
  std::optional<std::string> driver_version;
  std::optional<std::string> firmware_version;
  std::optional<std::string> bus_info;
  // LinkAttributes::pod (the Kubernetes source); absent when the supplier does not know.
  std::optional<PodIdentity> pod;
  // Extra counters of definitions the supplier owns (no other source sets them).
  ExtraCounters counters;

  // Writes what this supplement holds into `record`: its driver facts and extra counters.
  void ApplyTo(InterfaceRecord& record) const;
  // Removes from `record` what ApplyTo wrote (a contribution replaced or withdrawn).
  void WithdrawFrom(InterfaceRecord& record) const;

  bool operator==(const InterfaceSupplement&) const = default;
};

// The driver facts a supplement carries and the LinkAttributes field each one fills: the one list
// ApplyTo and WithdrawFrom walk.
inline constexpr std::array kSuppliedDriverFacts = {
    std::pair{&InterfaceSupplement::driver, &LinkAttributes::driver},
    std::pair{&InterfaceSupplement::driver_version, &LinkAttributes::driver_version},
    std::pair{&InterfaceSupplement::firmware_version, &LinkAttributes::firmware_version},
    std::pair{&InterfaceSupplement::bus_info, &LinkAttributes::bus_info},
};

}  // namespace netif
