#include "app/page_api.h"

#include "config/duration.h"
#include "util/build_info.h"
#include "util/clock.h"

namespace netif {
namespace {

constexpr std::string_view kRedacted = "<redacted>";

std::string OnOff(bool on) { return on ? "on" : "off"; }

std::string SecretState(bool set) { return set ? std::string(kRedacted) : "not set"; }

void AddWebSummary(const Config& config, NamedValues& out) {
  std::string listen;
  for (const ListenAddress& address : config.web.listen_addresses) {
    if (!listen.empty()) listen += ", ";
    listen += address.ToString();
  }
  out.emplace_back("web.listen_address", listen);
  const WebSecurityConfig& security = config.web.security;
  out.emplace_back("web.tls", security.tls ? "on" : "off");
  out.emplace_back("web.basic_auth_users", security.basic_auth_users.empty()
                                               ? "none"
                                               : std::to_string(security.basic_auth_users.size()) +
                                                     " (" + std::string(kRedacted) + ")");
  out.emplace_back("web.enable_lifecycle", OnOff(config.web_enable_lifecycle));
}

void AddSnmpSummary(const Config& config, NamedValues& out) {
  out.emplace_back("snmp.targets", std::to_string(config.snmp.targets.size()));
  for (const SnmpTargetConfig& target : config.snmp.targets) {
    const SnmpCredentials& c = target.credentials;
    std::string value =
        target.address.ToString() + ", SNMPv" + std::string(SnmpVersionName(target.version));
    if (target.version == SnmpVersion::kV3) {
      value += ", user " + SecretState(!c.username.empty()) + ", auth password " +
               SecretState(!c.auth_password.empty()) + ", priv password " +
               SecretState(!c.priv_password.empty());
    } else {
      value += ", community " + SecretState(!c.community.empty());
    }
    out.emplace_back("snmp.target " + target.name, value);
  }
}

}  // namespace

NamedValues ConfigSummary(const Config& config) {
  NamedValues out;
  out.emplace_back("config.file", config.config_file.value_or("(none: defaults and flags)"));
  out.emplace_back("web.config.file", config.web_config_file.value_or("(none)"));
  AddWebSummary(config, out);
  out.emplace_back("collection.interval", FormatDuration(config.collection.interval));
  out.emplace_back("local", OnOff(config.local.enabled));
  out.emplace_back("local.netlink", OnOff(config.local.netlink));
  out.emplace_back("local.ethtool", OnOff(config.local.ethtool.enabled));
  std::string windows;
  for (const auto window : config.analytics.windows) {
    if (!windows.empty()) windows += ", ";
    windows += FormatDuration(window);
  }
  out.emplace_back("analytics.windows", windows);
  out.emplace_back("analytics.anomaly", OnOff(config.analytics.anomaly.enabled));
  out.emplace_back("storage.path", config.storage.path.empty() ? "(off)" : config.storage.path);
  out.emplace_back("snmp.shard", config.snmp_shard.ToString());
  AddSnmpSummary(config, out);
  return out;
}

NamedValues BuildSummary() {
  return {{"version", std::string(BuildVersion())}, {"revision", std::string(BuildRevision())}};
}

PageApi::PageApi(const Store& store, const SelfMetrics& self_metrics)
    : store_(store),
      self_metrics_(self_metrics),
      config_summary_(std::make_shared<const NamedValues>()) {}

void PageApi::OnLinkChange(const LinkChange& change, double unix_seconds) {
  events_.Add(PageEvent{0, unix_seconds, change.key, change.name, "link",
                        change.from ? std::string(OperStateName(*change.from)) : "",
                        std::string(OperStateName(change.to))});
}

void PageApi::OnAnomaly(const AnomalyEvent& event) {
  const std::string kind(AnomalyKindName(event.kind));
  events_.Add(PageEvent{0, event.unix_seconds, event.key, event.name, "anomaly",
                        event.started ? "" : kind, event.started ? kind : ""});
}

void PageApi::SampleHistory(double unix_seconds) {
  history_.Record(*store_.Current(), unix_seconds);
}

void PageApi::SetConfig(const Config& config) {
  auto summary = std::make_shared<const NamedValues>(ConfigSummary(config));
  std::lock_guard lock(config_mutex_);
  config_summary_ = std::move(summary);
}

std::optional<std::string> PageApi::Render(std::string_view path) const {
  const double now = UnixSeconds();
  if (path == "/api/v1/interfaces") {
    return RenderInterfacesJson(*store_.Current(), &history_, now);
  }
  if (path == "/api/v1/history") return RenderHistoryJson(*store_.Current(), history_, now);
  if (path == "/api/v1/events") return RenderEventsJson(events_.Events(), now);
  if (path == "/api/v1/targets") {
    return RenderTargetsJson(TargetsFromSelfMetrics(self_metrics_.Collect()), now);
  }
  if (path == "/api/v1/status") {
    std::shared_ptr<const NamedValues> config;
    {
      std::lock_guard lock(config_mutex_);
      config = config_summary_;
    }
    return RenderStatusJson(BuildSummary(), *config, now);
  }
  return std::nullopt;
}

}  // namespace netif
