#include "config/config.h"

#include <utility>

#include "config/web_config_file.h"
#include "config/yaml_fields.h"

namespace netif {
namespace {

// Far above any real configuration; stops `--config.file=/dev/zero` from eating memory.
constexpr size_t kMaxConfigFileBytes = 4 << 20;

// Lays every flag that was given over the file's values: flags win.
void ApplyFlags(const CommandLine& cli, Config& config) {
  if (!cli.web_listen_addresses.empty()) config.web.listen_addresses = cli.web_listen_addresses;
  if (cli.log_level) config.log.level = *cli.log_level;
  if (cli.log_format) config.log.format = *cli.log_format;
  if (cli.collection_interval) config.collection.interval = *cli.collection_interval;
  if (cli.path_procfs) config.local.path_procfs = *cli.path_procfs;
  if (cli.path_sysfs) config.local.path_sysfs = *cli.path_sysfs;
  if (cli.device_include) config.local.device_include = *cli.device_include;
  if (cli.device_exclude) config.local.device_exclude = *cli.device_exclude;
  if (cli.storage_path) config.storage.path = *cli.storage_path;
  if (cli.path_cgroupfs) config.kubernetes.path_cgroupfs = *cli.path_cgroupfs;
  if (cli.path_pod_logs) config.kubernetes.path_pod_logs = *cli.path_pod_logs;
  // A switch: it turns the mode on; without it the file decides.
  if (cli.compat_node_exporter) config.compat.node_exporter = true;
  config.config_file = cli.config_file;
  config.web_config_file = cli.web_config_file;
  config.snmp_shard = cli.snmp_shard.value_or(Shard{});
  config.check_config = cli.check_config;
  config.web_enable_lifecycle = cli.web_enable_lifecycle;
}

}  // namespace

bool LocalConfig::DeviceSelected(std::string_view device) const {
  if (device_exclude.Matches(device)) return false;
  return device_include.empty() || device_include.Matches(device);
}

std::optional<WindowConflict> FindWindowShorterThanInterval(const Config& config) {
  const std::chrono::milliseconds interval = config.collection.interval;
  const std::vector<std::chrono::milliseconds>& windows = config.analytics.windows;
  for (size_t i = 0; i < windows.size(); ++i) {
    if (windows[i] < interval) {
      return WindowConflict{"analytics.windows[" + std::to_string(i) + "]", windows[i]};
    }
  }
  if (config.analytics.health.window < interval) {
    return WindowConflict{"analytics.health.window", config.analytics.health.window};
  }
  return std::nullopt;
}

std::variant<Config, std::string> LoadConfig(const CommandLine& cli) {
  Config config;
  if (cli.config_file) {
    config_yaml::FileText contents =
        config_yaml::ReadConfigFile(*cli.config_file, kMaxConfigFileBytes);
    if (!contents.error.empty()) return std::move(contents.error);
    std::variant<Config, std::string> parsed = ParseConfigYaml(contents.text, *cli.config_file);
    if (auto* error = std::get_if<std::string>(&parsed)) return std::move(*error);
    config = std::get<Config>(std::move(parsed));
  }
  if (cli.web_config_file) {
    std::variant<WebSecurityConfig, std::string> web = LoadWebConfigFile(*cli.web_config_file);
    if (auto* error = std::get_if<std::string>(&web)) return std::move(*error);
    config.web.security = std::get<WebSecurityConfig>(std::move(web));
  }
  ApplyFlags(cli, config);
  // The file alone was consistent (ParseConfigYaml checked it), so a conflict now is the flag's.
  if (const std::optional<WindowConflict> conflict = FindWindowShorterThanInterval(config)) {
    return "netif_exporter: flag --collection.interval: " +
           FormatDuration(config.collection.interval) + " is longer than " + conflict->key + " " +
           FormatDuration(conflict->window) + "; every analytics window must span at least one " +
           "interval";
  }
  return config;
}

}  // namespace netif
