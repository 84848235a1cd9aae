// The `metrics:` section: which metric families each interface is served, by family name and by
// device class. docs/configuration.md ("metrics") is the user's reference and docs/metrics.md
// ("Choosing families") the reasons behind the profiles.
//
// A family F is served to an interface of class C when F is in C's set and matches no pattern of
// `metrics.exclude`. C's set is its profile's families (`metrics.classes.C.profile`, else
// `metrics.profile`), narrowed to those matching an include pattern when there are any
// (`metrics.classes.C.include`, else `metrics.include`), less those matching
// `metrics.classes.C.exclude`. Patterns are RE2 and match the whole family name.
//
// Thread-safety: plain values, immutable once loaded; Serves() is const and safe for concurrent
// use.
#pragma once

#include <array>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/anchored_regex.h"
#include "config/values.h"

namespace netif {

enum class MetricsProfile : uint8_t { kDefault, kCompact, kFull };

std::string_view MetricsProfileName(MetricsProfile profile);  // "default", "compact", "full"
OrError<MetricsProfile> ParseMetricsProfile(std::string_view text);
// Whether `family` belongs to `profile` (the patterns are in metrics_config.cc).
bool ProfileContains(MetricsProfile profile, std::string_view family);
// The patterns a profile is made of, for docs and tests: a family is in it when it matches one of
// `include` (none: every family) and none of `exclude`.
struct ProfilePatterns {
  std::vector<std::string_view> include;
  std::vector<std::string_view> exclude;
};
const ProfilePatterns& PatternsOf(MetricsProfile profile);

// The device classes `metrics.classes` accepts; the same names as model/device_class.h (a test in
// src/app holds the two lists equal: this room does not include model/).
inline constexpr std::array<std::string_view, 5> kMetricsClassNames = {"physical", "veth", "bridge",
                                                                       "virtual-other", "snmp"};

// Family-name patterns, each matching the whole name.
using FamilyPatterns = std::vector<AnchoredRegex>;

struct MetricsClassConfig {
  std::optional<MetricsProfile> profile;  // nullopt: metrics.profile
  std::optional<FamilyPatterns> include;  // nullopt: metrics.include
  FamilyPatterns exclude;                 // besides metrics.exclude

  bool operator==(const MetricsClassConfig&) const = default;
};

struct MetricsConfig {
  MetricsProfile profile = MetricsProfile::kDefault;
  FamilyPatterns include;  // empty: every family of the profile
  FamilyPatterns exclude;  // removed for every class
  // Keyed by a name of kMetricsClassNames.
  std::map<std::string, MetricsClassConfig, std::less<>> classes;

  // Whether interfaces of class `device_class` (a kMetricsClassNames name) are served `family`.
  bool Serves(std::string_view device_class, std::string_view family) const;
  bool operator==(const MetricsConfig&) const = default;
};

}  // namespace netif
