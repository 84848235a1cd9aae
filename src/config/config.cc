#include "config/config.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <utility>

namespace netif {
namespace {

// Far above any real configuration; stops `--config.file=/dev/zero` from eating memory.
constexpr size_t kMaxConfigFileBytes = 4 << 20;

struct FileText {
  std::string text;
};

// Reads the whole file with stdio rather than the util/ file reader, which this room may not use
// (config/ depends on nothing else of ours). On failure returns the one-line message.
std::variant<FileText, std::string> ReadConfigFile(const std::string& path) {
  const std::string prefix = "netif_exporter: config error: " + path + ": cannot read: ";
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) return prefix + std::strerror(errno);
  FileText contents;
  char buffer[64 * 1024];
  while (true) {
    const size_t n = std::fread(buffer, 1, sizeof(buffer), file.get());
    contents.text.append(buffer, n);
    if (contents.text.size() > kMaxConfigFileBytes) {
      return prefix + "larger than " + std::to_string(kMaxConfigFileBytes >> 20) + " MiB";
    }
    if (n < sizeof(buffer)) break;
  }
  // A directory opens fine on Linux and fails on the first read (EISDIR).
  if (std::ferror(file.get())) return prefix + std::strerror(errno);
  return contents;
}

// Lays every flag that was given over the file's values: flags win.
void ApplyFlags(const CommandLine& cli, Config& config) {
  if (cli.web_listen_address) config.web.listen_address = *cli.web_listen_address;
  if (cli.log_level) config.log.level = *cli.log_level;
  if (cli.log_format) config.log.format = *cli.log_format;
  if (cli.collection_interval) config.collection.interval = *cli.collection_interval;
  if (cli.path_procfs) config.local.path_procfs = *cli.path_procfs;
  if (cli.path_sysfs) config.local.path_sysfs = *cli.path_sysfs;
  if (cli.storage_path) config.storage.path = *cli.storage_path;
  config.config_file = cli.config_file;
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
    std::variant<FileText, std::string> contents = ReadConfigFile(*cli.config_file);
    if (auto* error = std::get_if<std::string>(&contents)) return std::move(*error);
    std::variant<Config, std::string> parsed =
        ParseConfigYaml(std::get<FileText>(contents).text, *cli.config_file);
    if (auto* error = std::get_if<std::string>(&parsed)) return std::move(*error);
    config = std::get<Config>(std::move(parsed));
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
