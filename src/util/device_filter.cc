#include "util/device_filter.h"

namespace netif {

DeviceFilter::DeviceFilter(const std::string& include, const std::string& exclude) {
  if (!include.empty()) include_.emplace(include, std::regex::ECMAScript | std::regex::optimize);
  if (!exclude.empty()) exclude_.emplace(exclude, std::regex::ECMAScript | std::regex::optimize);
}

bool DeviceFilter::Allows(std::string_view device) const {
  const auto matches = [&](const std::regex& re) {
    return std::regex_match(device.begin(), device.end(), re);
  };
  if (exclude_ && matches(*exclude_)) return false;
  return !include_ || matches(*include_);
}

}  // namespace netif
