#include "exposition/family_filter.h"

#include <array>

namespace netif {
namespace {

constexpr std::array<std::string_view, kFamilyGroupCount> kGroupNames = {
    "counters", "link", "analytics", "ethtool", "compat", "self"};

std::string ValidCollectValues() {
  std::string valid;
  for (std::string_view name : kGroupNames) valid.append(valid.empty() ? "" : ", ").append(name);
  for (DeviceClass device_class : kDeviceClasses) {
    valid.append(", ").append(DeviceClassName(device_class));
  }
  return valid;
}

// The value as the error message quotes it: the query string is the client's, so it is cut short
// and anything but printable ASCII is shown as '?'.
std::string Printable(std::string_view value) {
  constexpr std::size_t kMaxQuoted = 64;
  std::string shown;
  for (char c : value.substr(0, kMaxQuoted)) shown.push_back(c >= 0x20 && c < 0x7F ? c : '?');
  if (value.size() > kMaxQuoted) shown.append("...");
  return shown;
}

}  // namespace

FamilyFilter::FamilyFilter() : FamilyFilter([](std::string_view) { return kAllDeviceClasses; }) {}

FamilyFilter::FamilyFilter(Rule rule) : rule_(std::move(rule)) {
  for (const MetricDefinition& definition : InterfaceMetricCatalogue()) {
    catalogue_.push_back(rule_(definition.name));
  }
}

DeviceClassMask FamilyFilter::ForName(std::string_view family) const {
  std::lock_guard lock(mutex_);
  if (auto it = by_name_.find(family); it != by_name_.end()) return it->second;
  const DeviceClassMask mask = rule_(family);
  by_name_.emplace(std::string(family), mask);
  return mask;
}

std::string_view FamilyGroupName(FamilyGroup group) {
  return kGroupNames[static_cast<std::size_t>(group)];
}

std::variant<ScrapeSelection, std::string> ParseCollect(std::span<const std::string> values) {
  FamilyGroupMask groups = 0;
  DeviceClassMask classes = 0;
  for (const std::string& value : values) {
    bool known = false;
    for (std::size_t i = 0; i < kGroupNames.size(); ++i) {
      if (kGroupNames[i] == value) {
        groups |= static_cast<FamilyGroupMask>(1u << i);
        known = true;
      }
    }
    if (const auto device_class = DeviceClassFromName(value)) {
      classes |= MaskOf(*device_class);
      known = true;
    }
    if (!known) {
      return "unknown collect[] value \"" + Printable(value) + "\"; valid: " + ValidCollectValues();
    }
  }
  ScrapeSelection selection;
  if (groups != 0) selection.groups = groups;
  if (classes != 0) selection.classes = classes;
  return selection;
}

}  // namespace netif
