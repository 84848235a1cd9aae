// Command-line flags in the Prometheus exporters' spelling: `--web.listen-address=:10100` or
// `--web.listen-address :10100`. Each value is checked here, so a bad flag is reported as the flag
// (one line, exit status 2) before any file is read.
//
// Thread-safety: pure functions; safe for concurrent use.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "config/anchored_regex.h"
#include "config/values.h"

namespace netif {

// What the flags said. Each optional is set only when its flag was given; LoadConfig() lays the
// set ones over the file.
struct CommandLine {
  std::optional<std::string> config_file;  // --config.file
  std::vector<ListenAddress>
      web_listen_addresses;                    // --web.listen-address, repeatable; empty: not given
  std::optional<std::string> web_config_file;  // --web.config.file
  std::optional<std::string> path_procfs;      // --path.procfs
  std::optional<std::string> path_sysfs;       // --path.sysfs
  std::optional<std::string> path_cgroupfs;    // --path.cgroupfs
  std::optional<std::string> path_pod_logs;    // --path.pod-logs
  std::optional<AnchoredRegex> device_include;  // --collector.netdev.device-include
  std::optional<AnchoredRegex> device_exclude;  // --collector.netdev.device-exclude
  std::optional<LogLevel> log_level;            // --log.level
  std::optional<LogFormat> log_format;          // --log.format
  std::optional<std::chrono::milliseconds> collection_interval;  // --collection.interval
  std::optional<Shard> snmp_shard;                               // --snmp.shard
  bool web_enable_lifecycle = false;                             // --web.enable-lifecycle
  std::optional<std::string> storage_path;                       // --storage.path
  bool compat_node_exporter = false;                             // --compat.node-exporter
  bool check_config = false;                                     // --check-config
  bool show_version = false;                                     // --version
  bool show_help = false;                                        // --help, -h

  bool operator==(const CommandLine&) const = default;
};

// Parses argv without argv[0]. On error returns the one-line message, e.g.
// "netif_exporter: flag --log.level: invalid log level \"loud\"; want one of debug, info, ...".
std::variant<CommandLine, std::string> ParseCommandLine(const std::vector<std::string>& args);

// The --help text: usage, then every flag with its default and a one-line description.
std::string HelpText();

}  // namespace netif
