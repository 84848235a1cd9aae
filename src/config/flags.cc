#include "config/flags.h"

#include <algorithm>
#include <array>
#include <optional>
#include <set>
#include <string_view>
#include <utility>

#include "config/config.h"
#include "config/duration.h"

namespace netif {
namespace {

constexpr std::string_view kFlagError = "netif_exporter: flag --";
// The one value flag that may be given several times: each is one more address to listen on.
constexpr std::string_view kRepeatableFlag = "web.listen-address";

// Stores a flag's value in the CommandLine, or returns why the value is bad.
using ApplyFlag = std::optional<std::string> (*)(std::string_view value, CommandLine& cli);
// The default shown in --help, read from a default Config so the two cannot drift apart.
using DefaultText = std::string (*)(const Config& defaults);

struct FlagSpec {
  std::string_view name;        // without the leading "--"
  std::string_view value_name;  // "" for a switch, which takes no value
  std::string_view help;
  DefaultText default_text;  // nullptr: no default worth showing
  ApplyFlag apply;
};

// Stores parse(value) into `slot`, or returns the parser's reason.
template <typename T>
std::optional<std::string> Store(OrError<T> parsed, std::optional<T>& slot) {
  if (auto* error = std::get_if<std::string>(&parsed)) return std::move(*error);
  slot = std::get<T>(std::move(parsed));
  return std::nullopt;
}

std::optional<std::string> StorePath(std::string_view value, std::optional<std::string>& slot) {
  slot = std::string(value);
  return std::nullopt;
}

std::optional<std::string> SetCompatNodeExporter(std::string_view, CommandLine& cli) {
  cli.compat_node_exporter = true;
  return std::nullopt;
}

std::optional<std::string> StoreInterval(std::string_view value, CommandLine& cli) {
  OrError<std::chrono::milliseconds> parsed = ParseDuration(value);
  if (auto* interval = std::get_if<std::chrono::milliseconds>(&parsed)) {
    if (auto why = CheckDurationRange(*interval, kMinCollectionInterval, kMaxCollectionInterval)) {
      return why;
    }
  }
  return Store(std::move(parsed), cli.collection_interval);
}

std::string Quoted(std::string_view text) { return "\"" + std::string(text) + "\""; }

// Every flag, in --help order. A new flag is one row here, one field in CommandLine, and (when it
// overrides a YAML key) one line in LoadConfig().
const std::array<FlagSpec, 19>& Flags() {
  static const std::array<FlagSpec, 19> flags = {{
      {"help", "", "Show this help and exit.", nullptr,
       [](std::string_view, CommandLine& cli) -> std::optional<std::string> {
         cli.show_help = true;
         return std::nullopt;
       }},
      {"version", "", "Show the version and exit.", nullptr,
       [](std::string_view, CommandLine& cli) -> std::optional<std::string> {
         cli.show_version = true;
         return std::nullopt;
       }},
      {"config.file", "PATH", "YAML configuration file; flags override its keys.",
       [](const Config&) { return std::string("none, built-in defaults"); },
       [](std::string_view v, CommandLine& cli) { return StorePath(v, cli.config_file); }},
      {"check-config", "", "Validate flags and configuration, then exit: 0 valid, 2 invalid.",
       nullptr,
       [](std::string_view, CommandLine& cli) -> std::optional<std::string> {
         cli.check_config = true;
         return std::nullopt;
       }},
      {"web.listen-address", "ADDR",
       "Where to serve /metrics: host:port, [v6]:port or :port (IPv4 and IPv6); repeatable.",
       [](const Config& c) { return Quoted(c.web.listen_addresses.front().ToString()); },
       [](std::string_view v, CommandLine& cli) -> std::optional<std::string> {
         OrError<ListenAddress> parsed = ParseListenAddress(v);
         if (auto* error = std::get_if<std::string>(&parsed)) return std::move(*error);
         cli.web_listen_addresses.push_back(std::get<ListenAddress>(std::move(parsed)));
         return std::nullopt;
       }},
      {"web.config.file", "PATH",
       "TLS and basic auth, in the Prometheus exporter-toolkit web config format.",
       [](const Config&) { return std::string("none, plain HTTP without auth"); },
       [](std::string_view v, CommandLine& cli) { return StorePath(v, cli.web_config_file); }},
      {"web.enable-lifecycle", "",
       "Enable POST /-/reload (as Prometheus does); SIGHUP reloads either way.", nullptr,
       [](std::string_view, CommandLine& cli) -> std::optional<std::string> {
         cli.web_enable_lifecycle = true;
         return std::nullopt;
       }},
      {"path.procfs", "PATH", "procfs mount point (local.path_procfs).",
       [](const Config& c) { return c.local.path_procfs; },
       [](std::string_view v, CommandLine& cli) { return StorePath(v, cli.path_procfs); }},
      {"path.sysfs", "PATH", "sysfs mount point (local.path_sysfs).",
       [](const Config& c) { return c.local.path_sysfs; },
       [](std::string_view v, CommandLine& cli) { return StorePath(v, cli.path_sysfs); }},
      {"path.cgroupfs", "PATH", "cgroup mount point (kubernetes.path_cgroupfs).",
       [](const Config& c) { return c.kubernetes.path_cgroupfs; },
       [](std::string_view v, CommandLine& cli) { return StorePath(v, cli.path_cgroupfs); }},
      {"path.pod-logs", "PATH",
       "The kubelet's pod log directory, for pod names (kubernetes.path_pod_logs).",
       [](const Config& c) { return c.kubernetes.path_pod_logs; },
       [](std::string_view v, CommandLine& cli) { return StorePath(v, cli.path_pod_logs); }},
      // node_exporter's spelling (its netdev collector's flags), for the keys that choose devices.
      {"collector.netdev.device-include", "REGEX",
       "Only local devices whose whole name matches (local.device_include).",
       [](const Config&) { return std::string("every device"); },
       [](std::string_view v, CommandLine& cli) {
         return Store(AnchoredRegex::Compile(std::string(v)), cli.device_include);
       }},
      {"collector.netdev.device-exclude", "REGEX",
       "Leave out local devices whose whole name matches; wins over the include "
       "(local.device_exclude).",
       [](const Config&) { return std::string("none"); },
       [](std::string_view v, CommandLine& cli) {
         return Store(AnchoredRegex::Compile(std::string(v)), cli.device_exclude);
       }},
      {"log.level", "LEVEL", "Minimum log level: debug, info, warn or error.",
       [](const Config& c) { return std::string(LogLevelName(c.log.level)); },
       [](std::string_view v, CommandLine& cli) { return Store(ParseLogLevel(v), cli.log_level); }},
      {"log.format", "FORMAT", "Log line format: logfmt or json.",
       [](const Config& c) { return std::string(LogFormatName(c.log.format)); },
       [](std::string_view v, CommandLine& cli) {
         return Store(ParseLogFormat(v), cli.log_format);
       }},
      {"collection.interval", "DURATION", "How often local counters are sampled (100ms..1h).",
       [](const Config& c) { return FormatDuration(c.collection.interval); }, StoreInterval},
      {"snmp.shard", "I/N", "Poll SNMP shard I of N (0 <= I < N).",
       [](const Config& c) { return c.snmp_shard.ToString(); },
       [](std::string_view v, CommandLine& cli) { return Store(ParseShard(v), cli.snmp_shard); }},
      {"storage.path", "DIR",
       "Directory to keep the analytics state in across restarts (storage.path).",
       [](const Config& c) {
         return c.storage.path.empty() ? std::string("none, not kept") : c.storage.path;
       },
       [](std::string_view v, CommandLine& cli) { return StorePath(v, cli.storage_path); }},
      {"compat.node-exporter", "",
       "Also serve node_exporter's netdev and netclass families (node_network_*) for local "
       "interfaces (compat.node_exporter).",
       nullptr, SetCompatNodeExporter},
  }};
  return flags;
}

const FlagSpec* FindFlag(std::string_view name) {
  for (const FlagSpec& flag : Flags()) {
    if (flag.name == name) return &flag;
  }
  return nullptr;
}

// Levenshtein distance, to suggest --web.listen-address for --web.listen_address.
size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t substitute = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      diagonal = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, substitute});
    }
  }
  return row[b.size()];
}

std::string UnknownFlag(std::string_view name) {
  std::string message = std::string(kFlagError) + std::string(name) + ": unknown flag";
  const FlagSpec* closest = nullptr;
  size_t best = 3;  // suggest only near misses: typos, '_' for '-', a dropped letter
  for (const FlagSpec& flag : Flags()) {
    const size_t distance = EditDistance(name, flag.name);
    if (distance < best) {
      best = distance;
      closest = &flag;
    }
  }
  if (closest != nullptr) return message + "; did you mean --" + std::string(closest->name) + "?";
  return message + "; see --help";
}

std::string FlagError(std::string_view name, std::string_view why) {
  return std::string(kFlagError) + std::string(name) + ": " + std::string(why);
}

// A following argument that starts with '-' is taken as the next flag, not as this one's value:
// `--config.file --log.level=debug` is far more likely a forgotten value than a file named so.
// (`--flag=-value` still works.)
bool LooksLikeFlag(std::string_view arg) { return arg.size() > 1 && arg.front() == '-'; }

}  // namespace

std::variant<CommandLine, std::string> ParseCommandLine(const std::vector<std::string>& args) {
  CommandLine cli;
  std::set<std::string_view> seen;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    std::string_view name;
    std::optional<std::string_view> inline_value;
    if (arg == "-h") {
      name = "help";
    } else if (arg.starts_with("--") && arg.size() > 2) {
      name = arg.substr(2);
      if (const size_t equals = name.find('='); equals != std::string_view::npos) {
        inline_value = name.substr(equals + 1);
        name = name.substr(0, equals);
      }
    } else if (arg.starts_with("-") && arg.size() > 1 && arg != "--") {
      return "netif_exporter: flag " + std::string(arg) +
             ": unknown flag; long flags take two dashes, e.g. --log.level=debug";
    } else {
      return "netif_exporter: unexpected argument " + Quoted(arg) + "; all options are --flags";
    }

    const FlagSpec* flag = FindFlag(name);
    if (flag == nullptr) return UnknownFlag(name);
    // A repeated value flag is ambiguous (which one wins?), except where every value counts (as
    // node_exporter's --web.listen-address); a repeated switch is harmless.
    if (!seen.insert(flag->name).second && !flag->value_name.empty() &&
        flag->name != kRepeatableFlag) {
      return FlagError(name, "given more than once");
    }

    std::string_view value;
    if (flag->value_name.empty()) {
      if (inline_value) return FlagError(name, "takes no value");
    } else if (inline_value) {
      value = *inline_value;
    } else if (i + 1 < args.size() && !LooksLikeFlag(args[i + 1])) {
      value = args[++i];
    } else {
      return FlagError(name, "missing value");
    }
    if (!flag->value_name.empty() && value.empty()) return FlagError(name, "empty value");
    if (std::optional<std::string> why = flag->apply(value, cli)) return FlagError(name, *why);
  }
  return cli;
}

std::string HelpText() {
  const Config defaults;
  std::string text =
      "usage: netif_exporter [<flags>]\n"
      "\n"
      "Prometheus exporter for network interfaces: counters, link state and traffic analytics.\n"
      "\n"
      "Flags:\n";
  // "  -h, --help", "      --web.listen-address=ADDR", padded to one column for descriptions.
  std::vector<std::pair<std::string, std::string>> rows;
  size_t width = 0;
  for (const FlagSpec& flag : Flags()) {
    std::string left = flag.name == "help" ? "  -h, --help" : "      --" + std::string(flag.name);
    if (!flag.value_name.empty()) left += "=" + std::string(flag.value_name);
    std::string right(flag.help);
    if (flag.default_text != nullptr) right += " (default: " + flag.default_text(defaults) + ")";
    width = std::max(width, left.size());
    rows.emplace_back(std::move(left), std::move(right));
  }
  for (const auto& [left, right] : rows) {
    text += left + std::string(width - left.size() + 2, ' ') + right + "\n";
  }
  text +=
      "\n"
      "Flags override the same keys in --config.file. A bad flag or configuration exits with\n"
      "status 2. See docs/configuration.md for every key and flag.\n";
  return text;
}

}  // namespace netif
