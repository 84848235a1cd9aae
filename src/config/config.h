// The exporter's validated configuration: built-in defaults, overridden by the YAML file
// (--config.file), overridden by command-line flags. Everything is checked here, at start-up, so
// the rest of the program never sees an invalid value and never parses text.
//
// Errors are one line for a human: "netif_exporter: config error: /etc/x.yml:7:
// local.device_exclude: invalid regular expression ..." or "netif_exporter: flag --log.level: ...".
// The caller prints it and exits with status 2.
//
// Thread-safety: Config is a plain value, immutable once loaded; the functions are pure apart from
// LoadConfig reading the file. Safe for concurrent use.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "config/anchored_regex.h"
#include "config/duration.h"
#include "config/flags.h"
#include "config/metrics_config.h"
#include "config/snmp_config.h"
#include "config/values.h"
#include "config/web_config_file.h"

namespace netif {

// Limits, named so the loader, the help text, the docs and the tests agree on one set of numbers.
inline constexpr uint16_t kDefaultPort = 10100;
inline constexpr std::chrono::milliseconds kMinCollectionInterval{100};
inline constexpr std::chrono::milliseconds kMaxCollectionInterval = std::chrono::hours(1);
inline constexpr std::chrono::milliseconds kMinAnalyticsWindow = std::chrono::seconds(10);
inline constexpr std::chrono::milliseconds kMaxAnalyticsWindow = std::chrono::hours(24);
inline constexpr std::size_t kMaxAnalyticsWindows = 8;

inline constexpr std::chrono::milliseconds kMinEthtoolInterval = std::chrono::seconds(1);
inline constexpr std::chrono::milliseconds kMaxEthtoolInterval = std::chrono::hours(1);
inline constexpr std::chrono::milliseconds kMinKubernetesReconcile = std::chrono::seconds(1);
inline constexpr std::chrono::milliseconds kMaxKubernetesReconcile = std::chrono::hours(1);
inline constexpr std::chrono::milliseconds kMinStorageSaveInterval = std::chrono::seconds(1);
inline constexpr std::chrono::milliseconds kMaxStorageSaveInterval = std::chrono::hours(24);

struct WebConfig {
  // 10100: outside 9100-9999 (taken in Prometheus' default port allocations) and outside
  // Kubernetes' NodePort range 30000-32767.
  // One or more (the flag is repeatable; the YAML key takes one address or a list); ":port"
  // means IPv4 and IPv6.
  std::vector<ListenAddress> listen_addresses{ListenAddress{"", kDefaultPort}};
  // From --web.config.file (TLS, basic auth, response headers); the default when no file is
  // given: plain HTTP, no auth. Compared by operator==, so a reload can tell when it changed
  // (a certificate rewritten in place under the same name compares equal: reload it anyway).
  WebSecurityConfig security;

  bool operator==(const WebConfig&) const = default;
};

struct LogConfig {
  LogLevel level = LogLevel::kInfo;
  LogFormat format = LogFormat::kLogfmt;

  bool operator==(const LogConfig&) const = default;
};

struct CollectionConfig {
  // How often the local counters (procfs/sysfs) are sampled.
  std::chrono::milliseconds interval = std::chrono::seconds(1);

  bool operator==(const CollectionConfig&) const = default;
};

// Driver statistics and facts of local devices through the ethtool ioctl (local.ethtool).
struct EthtoolConfig {
  bool enabled = true;
  // Empty include: physical devices only (those with a parent device in sysfs,
  // <sysfs>/class/net/<dev>/device). A non-empty include selects by name alone, whatever the
  // class; exclude wins over either.
  AnchoredRegex device_include;
  AnchoredRegex device_exclude;
  // Slower than collection.interval: a driver's statistics are many and rarely urgent.
  std::chrono::milliseconds interval = std::chrono::seconds(30);

  bool operator==(const EthtoolConfig&) const = default;
};

// The local host's interfaces: the procfs/sysfs sampler and the rtnetlink listener.
struct LocalConfig {
  bool enabled = true;  // the procfs/sysfs sampler
  bool netlink = true;  // the rtnetlink link-event listener
  std::string path_procfs = "/proc";
  std::string path_sysfs = "/sys";
  // Compiled at load time (a bad pattern is a config error); empty include = every device,
  // empty exclude = no device. Use DeviceSelected() rather than the two patterns directly.
  AnchoredRegex device_include;
  AnchoredRegex device_exclude;
  EthtoolConfig ethtool;

  // True when `device` matches the include pattern (or it is empty) and not the exclude pattern:
  // exclude wins over include.
  bool DeviceSelected(std::string_view device) const;
  bool operator==(const LocalConfig&) const = default;
};

struct HealthConfig {
  std::chrono::milliseconds window = std::chrono::minutes(5);
  double error_ratio = 0.0001;  // errors / packets above this is unhealthy (0.01 %)
  double drop_ratio = 0.001;    // drops / packets above this is unhealthy (0.1 %)

  bool operator==(const HealthConfig&) const = default;
};

struct AnomalyConfig {
  bool enabled = true;
  // Total (rx + tx) traffic below this is judged as this much: a near-idle link is a flat line.
  uint64_t min_bps = 100'000;
  // The device classes (kMetricsClassNames) the detector runs on; a veth or a bridge mostly
  // follows its pod or its ports, and a node has thousands of them (docs/configuration.md).
  std::vector<std::string> classes = {"physical", "snmp"};

  bool operator==(const AnomalyConfig&) const = default;
};

// Flags an interface that transmits far more than it receives (tx > ratio * rx and tx > min_bps).
struct AsymmetricConfig {
  bool enabled = true;
  double ratio = 10;              // >= 1
  uint64_t min_bps = 10'000'000;  // bits/s; below this, asymmetry is noise

  bool operator==(const AsymmetricConfig&) const = default;
};

struct AnalyticsConfig {
  // Utilization average/peak windows, in the order written (1..8, distinct, 10s..24h, each at
  // least collection.interval). Label them with FormatDuration() so "60s" and "1m" agree.
  std::vector<std::chrono::milliseconds> windows = {std::chrono::minutes(1),
                                                    std::chrono::minutes(5), std::chrono::hours(1)};
  // Per-device link capacity in bits/s (> 0), for devices whose speed is unknown or wrong.
  // Keyed by the exact device name; std::less<> allows lookup by string_view.
  std::map<std::string, uint64_t, std::less<>> capacity_bps;
  HealthConfig health;
  AnomalyConfig anomaly;
  AsymmetricConfig asymmetric;

  bool operator==(const AnalyticsConfig&) const = default;
};

// Warm restart: where the analytics state is kept across restarts (docs/configuration.md).
struct StorageConfig {
  std::string path;  // a directory; empty: nothing is saved or restored
  std::chrono::milliseconds save_interval = std::chrono::minutes(5);
  bool operator==(const StorageConfig&) const = default;
};

// What the exporter serves besides its own families.
struct CompatConfig {
  // node_exporter 1.5's netdev and netclass families (node_network_*), for the host's own
  // interfaces, alongside the netif_* families.
  bool node_exporter = false;

  bool operator==(const CompatConfig&) const = default;
};

// Host veth -> pod (or named netns) identity (kubernetes:, docs/configuration.md).
struct KubernetesConfig {
  bool enabled = false;
  // The host's cgroup mount and the kubelet's pod log directory, as mounted in the exporter's
  // container (--path.cgroupfs, --path.pod-logs). The cgroup root is where the pod cgroups'
  // paths read from /proc/<pid>/cgroup are taken relative to (documented, kept for the
  // DaemonSet's mounts); the identity itself comes from /proc.
  std::string path_cgroupfs = "/sys/fs/cgroup";
  std::string path_pod_logs = "/var/log/pods";
  // Named network namespaces: `ip netns` (/var/run/netns), Docker (/var/run/docker/netns).
  std::vector<std::string> netns_dirs = {"/var/run/netns", "/var/run/docker/netns"};
  // The slow full rescan; a new veth (a link event) triggers one sooner.
  std::chrono::milliseconds reconcile_interval = std::chrono::seconds(60);

  bool operator==(const KubernetesConfig&) const = default;
};

struct Config {
  // From the YAML file, or from the flags that override it.
  WebConfig web;
  LogConfig log;
  CollectionConfig collection;
  LocalConfig local;
  AnalyticsConfig analytics;
  SnmpConfig snmp;  // config/snmp_config.h
  StorageConfig storage;
  MetricsConfig metrics;  // config/metrics_config.h
  CompatConfig compat;
  KubernetesConfig kubernetes;
  // A new section is a struct here, a loader function and one row in LoadSections() in
  // config_yaml.cc, plus its docs and tests.

  // From the command line only.
  std::optional<std::string> config_file;      // nullopt: no file, built-in defaults
  std::optional<std::string> web_config_file;  // --web.config.file; nullopt: no TLS, no auth
  Shard snmp_shard;                            // --snmp.shard, default 0/1
  bool check_config = false;          // --check-config: main() validates, reports and exits
  bool web_enable_lifecycle = false;  // --web.enable-lifecycle: POST /-/reload is served

  bool operator==(const Config&) const = default;
};

// Parses YAML text over the built-in defaults; `file_name` is used in messages. An empty document
// is all defaults. On error returns the one-line message (with the "netif_exporter: " prefix).
std::variant<Config, std::string> ParseConfigYaml(std::string_view yaml_text,
                                                  std::string_view file_name);

// The whole start-up path after ParseCommandLine(): read --config.file if given, apply the flags
// over it, validate. Returns the Config or the one-line message (caller prints it, exits 2).
std::variant<Config, std::string> LoadConfig(const CommandLine& cli);

// The one rule that spans sections: every analytics window (and health.window) must span at least
// one collection interval, or there is nothing to average. Names the first window that does not.
struct WindowConflict {
  std::string key;  // "analytics.windows[0]" or "analytics.health.window"
  std::chrono::milliseconds window;
};
std::optional<WindowConflict> FindWindowShorterThanInterval(const Config& config);

}  // namespace netif
