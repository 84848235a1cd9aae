// Which devices to export: an include and an exclude regex, both fully anchored (as in Prometheus
// relabelling). A device is exported when it matches include (empty = everything) and does not
// match exclude (empty = nothing); exclude wins.
//
// Thread-safety: immutable after construction; Allows() is safe for concurrent use.
#pragma once

#include <optional>
#include <regex>
#include <string>
#include <string_view>

namespace netif {

class DeviceFilter {
 public:
  DeviceFilter() = default;  // allows everything
  // Throws std::regex_error on an invalid pattern (the config room validates patterns first).
  DeviceFilter(const std::string& include, const std::string& exclude);
  bool Allows(std::string_view device) const;

 private:
  std::optional<std::regex> include_;
  std::optional<std::regex> exclude_;
};

}  // namespace netif
