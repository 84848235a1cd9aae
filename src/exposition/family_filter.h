// Which metric families a scrape serves, and to which interfaces. Two inputs: the configuration's
// family sets (`metrics:`; per device class, decided once per configuration by a rule the app
// builds from it) and a scrape's `collect[]` (groups of families and device classes). Neither is
// evaluated per interface: a family's classes are one mask, and an interface's class is decided by
// the store when it builds the interface's view (model/device_class.h).
//
// Thread-safety: FamilyFilter is immutable after construction apart from its name cache, which is
// guarded; any number of scrapes may use one at once. ScrapeSelection is a plain value.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "exposition/metric_catalogue.h"
#include "model/device_class.h"

namespace netif {

class FamilyFilter {
 public:
  // The device classes a family (by name) is served to.
  using Rule = std::function<DeviceClassMask(std::string_view family)>;

  // Every family to every class.
  FamilyFilter();
  // Runs `rule` over the catalogue at once; families known only later (a source's extra counters)
  // on first use, once each.
  explicit FamilyFilter(Rule rule);

  // The classes of catalogue family `index` (InterfaceMetricCatalogue() order).
  DeviceClassMask ForCatalogue(std::size_t index) const { return catalogue_[index]; }
  // The classes of any family, by name.
  DeviceClassMask ForName(std::string_view family) const;

 private:
  Rule rule_;
  std::vector<DeviceClassMask> catalogue_;
  mutable std::mutex mutex_;  // guards by_name_
  mutable std::map<std::string, DeviceClassMask, std::less<>> by_name_;
};

using FamilyGroupMask = uint8_t;
inline constexpr FamilyGroupMask kAllFamilyGroups = (1u << kFamilyGroupCount) - 1;

// "counters", "link", "analytics", "ethtool", "compat", "self".
std::string_view FamilyGroupName(FamilyGroup group);

// What one scrape asked for with `collect[]`: the groups of families, and the device classes of
// the interfaces, to serve. Nothing asked: everything (the configuration still applies).
struct ScrapeSelection {
  FamilyGroupMask groups = kAllFamilyGroups;
  DeviceClassMask classes = kAllDeviceClasses;

  bool Includes(FamilyGroup group) const { return (groups >> static_cast<unsigned>(group)) & 1u; }
  bool operator==(const ScrapeSelection&) const = default;
};

// Each value is a family group or a device class name (model/device_class.h). Groups given select
// those groups only, classes given those classes only; a value that is neither is an error whose
// message lists the valid ones ("unknown collect[] value \"x\"; valid: counters, link, ...").
std::variant<ScrapeSelection, std::string> ParseCollect(std::span<const std::string> values);

}  // namespace netif
