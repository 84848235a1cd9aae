// ParseConfigYaml: walks the YAML tree section by section. Every key is looked up in an explicit
// list, so an unknown key (a typo, or a section this version does not have) is an error with its
// file and line, never silently ignored. The field helpers are in yaml_fields.h, the `snmp:`
// section in snmp_config_yaml.cc.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "config/snmp_config_yaml.h"
#include "config/yaml_fields.h"

namespace netif {
namespace {

using config_yaml::Field;
using config_yaml::ForEachEntry;
using config_yaml::ForEachKey;
using config_yaml::JoinKey;
using config_yaml::KeyLines;
using config_yaml::LoadError;
using config_yaml::LoadSnmp;
using std::chrono::milliseconds;

// One address, or a list of them (several listen sockets, as the repeatable flag gives).
void LoadListenAddresses(const Field& field, WebConfig& web) {
  web.listen_addresses.clear();
  if (!field.node().IsSequence()) {
    web.listen_addresses.push_back(field.Parse(ParseListenAddress));
    return;
  }
  const std::vector<Field> elements = field.Elements("[\":10100\", \"[::1]:10100\"]");
  if (elements.empty()) field.Fail("want at least one address");
  for (const Field& element : elements) {
    web.listen_addresses.push_back(element.Parse(ParseListenAddress));
  }
}

void LoadWeb(const Field& section, WebConfig& web) {
  ForEachKey(section, {
                          {"listen_address", [&](const Field& f) { LoadListenAddresses(f, web); }},
                      });
}

void LoadLog(const Field& section, LogConfig& log) {
  ForEachKey(section, {
                          {"level", [&](const Field& f) { log.level = f.Parse(ParseLogLevel); }},
                          {"format", [&](const Field& f) { log.format = f.Parse(ParseLogFormat); }},
                      });
}

void LoadCollection(const Field& section, CollectionConfig& collection) {
  ForEachKey(section, {
                          {"interval",
                           [&](const Field& f) {
                             collection.interval =
                                 f.Duration(kMinCollectionInterval, kMaxCollectionInterval);
                           }},
                      });
}

void LoadEthtool(const Field& section, EthtoolConfig& ethtool) {
  ForEachKey(
      section,
      {
          {"enabled", [&](const Field& f) { ethtool.enabled = f.Bool(); }},
          {"device_include",
           [&](const Field& f) { ethtool.device_include = f.Parse(AnchoredRegex::Compile); }},
          {"device_exclude",
           [&](const Field& f) { ethtool.device_exclude = f.Parse(AnchoredRegex::Compile); }},
          {"interval",
           [&](const Field& f) {
             ethtool.interval = f.Duration(kMinEthtoolInterval, kMaxEthtoolInterval);
           }},
      });
}

void LoadLocal(const Field& section, LocalConfig& local) {
  ForEachKey(section,
             {
                 {"enabled", [&](const Field& f) { local.enabled = f.Bool(); }},
                 {"netlink", [&](const Field& f) { local.netlink = f.Bool(); }},
                 {"path_procfs", [&](const Field& f) { local.path_procfs = f.Path(); }},
                 {"path_sysfs", [&](const Field& f) { local.path_sysfs = f.Path(); }},
                 {"device_include",
                  [&](const Field& f) { local.device_include = f.Parse(AnchoredRegex::Compile); }},
                 {"device_exclude",
                  [&](const Field& f) { local.device_exclude = f.Parse(AnchoredRegex::Compile); }},
                 {"ethtool", [&](const Field& f) { LoadEthtool(f, local.ethtool); }},
             });
}

void LoadWindows(const Field& field, std::vector<milliseconds>& windows) {
  const std::vector<Field> elements = field.Elements("[1m, 5m, 1h]");
  if (elements.empty() || elements.size() > kMaxAnalyticsWindows) {
    field.Fail("want 1 to " + std::to_string(kMaxAnalyticsWindows) + " windows, got " +
               std::to_string(elements.size()));
  }
  windows.clear();
  for (const Field& element : elements) {
    const milliseconds window = element.Duration(kMinAnalyticsWindow, kMaxAnalyticsWindow);
    // "60s" and "1m" are the same window and would export the same series twice.
    if (std::find(windows.begin(), windows.end(), window) != windows.end()) {
      element.Fail("window " + FormatDuration(window) + " is listed twice");
    }
    windows.push_back(window);
  }
}

void LoadCapacities(const Field& field, std::map<std::string, uint64_t, std::less<>>& capacities) {
  capacities.clear();
  ForEachEntry(field, "device name: bits/s, e.g. eth0: 10G",
               [&](const std::string& device, int line, const YAML::Node& value) {
                 const Field capacity(value, JoinKey(field.path(), device), line,
                                      field.key_lines());
                 if (device.empty()) capacity.Fail("the device name must not be empty");
                 const uint64_t bits_per_second = capacity.Parse(ParseBitRate);
                 if (bits_per_second == 0) capacity.Fail("the capacity must be above 0");
                 capacities[device] = bits_per_second;
               });
}

void LoadHealth(const Field& section, HealthConfig& health) {
  ForEachKey(section,
             {
                 {"window",
                  [&](const Field& f) {
                    health.window = f.Duration(kMinAnalyticsWindow, kMaxAnalyticsWindow);
                  }},
                 {"error_ratio", [&](const Field& f) { health.error_ratio = f.Fraction(); }},
                 {"drop_ratio", [&](const Field& f) { health.drop_ratio = f.Fraction(); }},
             });
}

// A list of device class names (`[physical, snmp]`), each known, none twice.
std::vector<std::string> LoadDeviceClassList(const Field& field) {
  std::string known;
  for (std::string_view name : kMetricsClassNames)
    known.append(known.empty() ? "" : ", ").append(name);
  std::vector<std::string> names;
  for (const Field& element : field.Elements("[physical, snmp]")) {
    const std::string name = element.Scalar();
    if (std::find(kMetricsClassNames.begin(), kMetricsClassNames.end(), name) ==
        kMetricsClassNames.end()) {
      element.Fail("unknown device class '" + name + "'; want one of " + known);
    }
    if (std::find(names.begin(), names.end(), name) != names.end()) {
      element.Fail("device class '" + name + "' listed twice");
    }
    names.push_back(name);
  }
  return names;
}

void LoadAnomaly(const Field& section, AnomalyConfig& anomaly) {
  ForEachKey(section,
             {
                 {"enabled", [&](const Field& f) { anomaly.enabled = f.Bool(); }},
                 {"min_bps", [&](const Field& f) { anomaly.min_bps = f.Parse(ParseBitRate); }},
                 {"classes", [&](const Field& f) { anomaly.classes = LoadDeviceClassList(f); }},
             });
}

void LoadAsymmetric(const Field& section, AsymmetricConfig& asymmetric) {
  ForEachKey(section,
             {
                 {"enabled", [&](const Field& f) { asymmetric.enabled = f.Bool(); }},
                 {"ratio",
                  [&](const Field& f) {
                    asymmetric.ratio = f.Parse(ParseNumber);
                    // Below 1 "tx > ratio * rx" holds for ordinary symmetric traffic.
                    if (asymmetric.ratio < 1) f.Fail(f.Scalar() + " is below the minimum 1");
                  }},
                 {"min_bps", [&](const Field& f) { asymmetric.min_bps = f.Parse(ParseBitRate); }},
             });
}

void LoadAnalytics(const Field& section, AnalyticsConfig& analytics) {
  ForEachKey(
      section,
      {
          {"windows", [&](const Field& f) { LoadWindows(f, analytics.windows); }},
          {"capacity_bps", [&](const Field& f) { LoadCapacities(f, analytics.capacity_bps); }},
          {"health", [&](const Field& f) { LoadHealth(f, analytics.health); }},
          {"anomaly", [&](const Field& f) { LoadAnomaly(f, analytics.anomaly); }},
          {"asymmetric", [&](const Field& f) { LoadAsymmetric(f, analytics.asymmetric); }},
      });
}

void LoadStorage(const Field& section, StorageConfig& storage) {
  ForEachKey(section, {
                          {"path", [&](const Field& f) { storage.path = f.Path(); }},
                          {"save_interval",
                           [&](const Field& f) {
                             storage.save_interval =
                                 f.Duration(kMinStorageSaveInterval, kMaxStorageSaveInterval);
                           }},
                      });
}

// A list of family-name patterns; an empty one would match nothing and is refused.
FamilyPatterns LoadFamilyPatterns(const Field& field) {
  FamilyPatterns patterns;
  for (const Field& element : field.Elements("[\"netif_anomal.*\", \"netif_.*_per_second\"]")) {
    if (element.Scalar().empty()) element.Fail("an empty pattern matches no family");
    patterns.push_back(element.Parse(AnchoredRegex::Compile));
  }
  return patterns;
}

void LoadMetricsClass(const Field& section, MetricsClassConfig& entry) {
  ForEachKey(section,
             {
                 {"profile", [&](const Field& f) { entry.profile = f.Parse(ParseMetricsProfile); }},
                 {"include", [&](const Field& f) { entry.include = LoadFamilyPatterns(f); }},
                 {"exclude", [&](const Field& f) { entry.exclude = LoadFamilyPatterns(f); }},
             });
}

void LoadMetricsClasses(const Field& field,
                        std::map<std::string, MetricsClassConfig, std::less<>>& classes) {
  classes.clear();
  std::string known;
  for (std::string_view name : kMetricsClassNames)
    known.append(known.empty() ? "" : ", ").append(name);
  ForEachEntry(field, "device class: {profile, include, exclude}; classes: " + known,
               [&](const std::string& name, int line, const YAML::Node& value) {
                 const Field entry(value, JoinKey(field.path(), name), line, field.key_lines());
                 if (std::find(kMetricsClassNames.begin(), kMetricsClassNames.end(), name) ==
                     kMetricsClassNames.end()) {
                   entry.Fail("unknown device class; want one of " + known);
                 }
                 // `veth: compact` is short for `veth: {profile: compact}`.
                 if (value.IsScalar()) {
                   classes[name].profile = entry.Parse(ParseMetricsProfile);
                 } else {
                   LoadMetricsClass(entry, classes[name]);
                 }
               });
}

void LoadMetrics(const Field& section, MetricsConfig& metrics) {
  ForEachKey(
      section,
      {
          {"profile", [&](const Field& f) { metrics.profile = f.Parse(ParseMetricsProfile); }},
          {"include", [&](const Field& f) { metrics.include = LoadFamilyPatterns(f); }},
          {"exclude", [&](const Field& f) { metrics.exclude = LoadFamilyPatterns(f); }},
          {"classes", [&](const Field& f) { LoadMetricsClasses(f, metrics.classes); }},
      });
}

void LoadCompat(const Field& section, CompatConfig& compat) {
  ForEachKey(section,
             {
                 {"node_exporter", [&](const Field& f) { compat.node_exporter = f.Bool(); }},
             });
}

void LoadKubernetes(const Field& section, KubernetesConfig& kubernetes) {
  ForEachKey(section,
             {
                 {"enabled", [&](const Field& f) { kubernetes.enabled = f.Bool(); }},
                 {"path_cgroupfs", [&](const Field& f) { kubernetes.path_cgroupfs = f.Path(); }},
                 {"path_pod_logs", [&](const Field& f) { kubernetes.path_pod_logs = f.Path(); }},
                 {"netns_dirs",
                  [&](const Field& f) {
                    kubernetes.netns_dirs.clear();
                    for (const Field& element : f.Elements("[/var/run/netns]"))
                      kubernetes.netns_dirs.push_back(element.Path());
                  }},
                 {"reconcile_interval",
                  [&](const Field& f) {
                    kubernetes.reconcile_interval =
                        f.Duration(kMinKubernetesReconcile, kMaxKubernetesReconcile);
                  }},
             });
}

// The top-level sections. A new section is one row here.
void LoadSections(const Field& root, Config& config) {
  ForEachKey(root,
             {
                 {"web", [&](const Field& f) { LoadWeb(f, config.web); }},
                 {"log", [&](const Field& f) { LoadLog(f, config.log); }},
                 {"collection", [&](const Field& f) { LoadCollection(f, config.collection); }},
                 {"local", [&](const Field& f) { LoadLocal(f, config.local); }},
                 {"analytics", [&](const Field& f) { LoadAnalytics(f, config.analytics); }},
                 {"snmp", [&](const Field& f) { LoadSnmp(f, config.snmp); }},
                 {"storage", [&](const Field& f) { LoadStorage(f, config.storage); }},
                 {"metrics", [&](const Field& f) { LoadMetrics(f, config.metrics); }},
                 {"compat", [&](const Field& f) { LoadCompat(f, config.compat); }},
                 {"kubernetes", [&](const Field& f) { LoadKubernetes(f, config.kubernetes); }},
             });
}

// Rules that span sections, checked once every section is loaded (the file may give collection
// after analytics). The message points at whichever of the two keys the file set.
void CheckAcrossSections(const Config& config, const KeyLines& key_lines) {
  const std::optional<WindowConflict> conflict = FindWindowShorterThanInterval(config);
  if (!conflict) return;
  const std::string interval = FormatDuration(config.collection.interval);
  const std::string window = FormatDuration(conflict->window);
  if (const auto it = key_lines.find(conflict->key); it != key_lines.end()) {
    throw LoadError{it->second, conflict->key,
                    "window " + window + " is shorter than collection.interval " + interval};
  }
  // The window is a default, so the file's interval is what broke the rule.
  const auto it = key_lines.find("collection.interval");
  throw LoadError{it == key_lines.end() ? 0 : it->second, "collection.interval",
                  interval + " is longer than " + conflict->key + " " + window +
                      " (the default); shorten the interval or set longer windows"};
}

}  // namespace

std::variant<Config, std::string> ParseConfigYaml(std::string_view yaml_text,
                                                  std::string_view file_name) {
  Config config;
  if (std::optional<std::string> error =
          config_yaml::LoadYamlDocument(yaml_text, file_name, [&](const Field& root) {
            LoadSections(root, config);
            CheckAcrossSections(config, *root.key_lines());
          })) {
    return std::move(*error);
  }
  return config;
}

}  // namespace netif
