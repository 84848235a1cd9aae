#include "config/metrics_config.h"

#include <algorithm>
#include <variant>

namespace netif {
namespace {

constexpr std::array<std::string_view, 3> kProfileNames = {"default", "compact", "full"};

// The profiles. Reasons and measured sizes: docs/metrics.md, "Choosing families"; the lists are
// repeated in docs/configuration.md, which a test holds to these.
const ProfilePatterns& DefaultPatterns() {
  static const ProfilePatterns patterns{
      {},
      {
          // Prometheus computes these itself: rate() of the counters, and rate() / speed.
          "netif_.+_per_second",
          "netif_(receive|transmit)_utilization_ratio",
          // Always 0 but on CSLIP/PPP links and half duplex Ethernet.
          "netif_(receive|transmit)_compressed_packets_total",
          "netif_transmit_collisions_total",
          // Their sum stays (netif_carrier_changes_total); netif_link_transitions_total has the
          // direction.
          "netif_carrier_(up|down)_changes_total",
          // netif_anomaly says when each one runs.
          "netif_anomalies_total",
          // Constant for the life of an interface, or changed only by whoever configures it.
          // (Kept: netif_flags, netif_dormant and netif_transmit_queue_length, which change at run
          // time; the bond port families, on bond ports only; netif_ethtool_*, which an opt-in
          // source serves to physical devices only.)
          "netif_(iface_id|iface_link|protocol_type|virtual)",
          "netif_(address_assign_type|name_assign_type|device_group|device_id|link_mode)",
          // The parts of netif_receive_errors_total and netif_transmit_errors_total by cause
          // (fifo, frame, carrier, crc, length, ...): the totals stay.
          "netif_(receive|transmit)_[a-z_]+_errors_total",
      }};
  return patterns;
}

const ProfilePatterns& CompactPatterns() {
  static const ProfilePatterns patterns{
      {
          "netif_(receive|transmit)_(bytes|packets|errors|drops)_total",
          "netif_(admin_up|oper_up|carrier|info)",
          // The join key of every veth series to its pod.
          "netif_pod_info",
          "netif_link_transitions_total",
          // The same facts among the node_exporter compatibility families, when they are on.
          "node_network_(receive|transmit)_(bytes|packets|errs|drop)_total",
          "node_network_(up|carrier|info)",
      },
      {}};
  return patterns;
}

const ProfilePatterns& FullPatterns() {
  static const ProfilePatterns patterns;
  return patterns;
}

struct CompiledProfile {
  FamilyPatterns include;
  FamilyPatterns exclude;
};

FamilyPatterns CompileAll(const std::vector<std::string_view>& patterns) {
  FamilyPatterns compiled;
  for (std::string_view pattern : patterns) {
    // The profiles' patterns are ours: config_test compiles each, so this cannot fail.
    compiled.push_back(std::get<AnchoredRegex>(AnchoredRegex::Compile(std::string(pattern))));
  }
  return compiled;
}

const CompiledProfile& Compiled(MetricsProfile profile) {
  static const std::array<CompiledProfile, kProfileNames.size()> compiled = [] {
    std::array<CompiledProfile, kProfileNames.size()> all;
    for (std::size_t i = 0; i < all.size(); ++i) {
      const ProfilePatterns& patterns = PatternsOf(static_cast<MetricsProfile>(i));
      all[i] = {CompileAll(patterns.include), CompileAll(patterns.exclude)};
    }
    return all;
  }();
  return compiled[static_cast<std::size_t>(profile)];
}

bool AnyMatches(const FamilyPatterns& patterns, std::string_view family) {
  return std::any_of(patterns.begin(), patterns.end(),
                     [family](const AnchoredRegex& pattern) { return pattern.Matches(family); });
}

}  // namespace

std::string_view MetricsProfileName(MetricsProfile profile) {
  return kProfileNames[static_cast<std::size_t>(profile)];
}

OrError<MetricsProfile> ParseMetricsProfile(std::string_view text) {
  for (std::size_t i = 0; i < kProfileNames.size(); ++i) {
    if (kProfileNames[i] == text) return static_cast<MetricsProfile>(i);
  }
  return "unknown profile \"" + std::string(text) + "\"; want one of default, compact, full";
}

const ProfilePatterns& PatternsOf(MetricsProfile profile) {
  switch (profile) {
    case MetricsProfile::kCompact:
      return CompactPatterns();
    case MetricsProfile::kFull:
      return FullPatterns();
    case MetricsProfile::kDefault:
      break;
  }
  return DefaultPatterns();
}

bool ProfileContains(MetricsProfile profile, std::string_view family) {
  const CompiledProfile& compiled = Compiled(profile);
  if (!compiled.include.empty() && !AnyMatches(compiled.include, family)) return false;
  return !AnyMatches(compiled.exclude, family);
}

bool MetricsConfig::Serves(std::string_view device_class, std::string_view family) const {
  if (AnyMatches(exclude, family)) return false;
  const auto entry = classes.find(device_class);
  const MetricsClassConfig* own = entry == classes.end() ? nullptr : &entry->second;
  if (!ProfileContains(own && own->profile ? *own->profile : profile, family)) return false;
  const FamilyPatterns& includes = own && own->include ? *own->include : include;
  if (!includes.empty() && !AnyMatches(includes, family)) return false;
  return !(own && AnyMatches(own->exclude, family));
}

}  // namespace netif
