// Which devices to export: an include and an exclude regex, both fully anchored (as in Prometheus
// relabelling). A device is exported when it matches include (empty = everything) and does not
// match exclude (empty = nothing); exclude wins. RE2 in Latin-1 mode, as config/anchored_regex.h
// (linear time whatever the pattern; names need not be valid UTF-8).
//
// Thread-safety: immutable after construction; Allows() is safe for concurrent use.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace re2 {
class RE2;
}

namespace netif {

class DeviceFilter {
 public:
  DeviceFilter() = default;  // allows everything
  // Throws std::invalid_argument on an invalid pattern (the config room validates patterns
  // first, with the same engine and options).
  DeviceFilter(const std::string& include, const std::string& exclude);
  bool Allows(std::string_view device) const;

 private:
  std::shared_ptr<const re2::RE2> include_;  // null: everything
  std::shared_ptr<const re2::RE2> exclude_;  // null: nothing
};

}  // namespace netif
