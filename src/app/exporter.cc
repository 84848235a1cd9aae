#include "app/exporter.h"

#include <atomic>
#include <mutex>
#include <set>
#include <utility>

#include "app/analytics_settings_from_config.h"
#include "app/housekeeper.h"
#include "app/sources.h"
#include "exposition/process_metrics.h"
#include "exposition/renderer.h"
#include "http/http_server.h"
#include "store/store.h"
#include "telemetry/self_metrics.h"
#include "util/clock.h"
#include "util/file_reader.h"
#include "util/log.h"

namespace netif {
namespace {

constexpr std::string_view kReloadSuccessful = "netif_exporter_config_last_reload_successful";
constexpr std::string_view kReloadTimestamp =
    "netif_exporter_config_last_reload_success_timestamp_seconds";

LogSeverity ToLogSeverity(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return LogSeverity::kDebug;
    case LogLevel::kWarn:
      return LogSeverity::kWarn;
    case LogLevel::kError:
      return LogSeverity::kError;
    case LogLevel::kInfo:
      break;
  }
  return LogSeverity::kInfo;
}

// True when a setting some source may read differs. Compared as everything but the sections
// that no source reads, so that a section added later restarts the sources rather than being
// silently ignored on reload.
bool SourceSettingsChanged(const Config& before, const Config& after) {
  Config a = before;
  Config b = after;
  for (Config* c : {&a, &b}) {
    c->web = {};
    c->log = {};
    c->analytics = {};
    c->config_file.reset();
    c->check_config = false;
    c->web_enable_lifecycle = false;
  }
  return !(a == b);
}

}  // namespace

void ApplyLogConfig(const LogConfig& log) {
  ConfigureLogging(ToLogSeverity(log.level),
                   log.format == LogFormat::kJson ? LogLineFormat::kJson : LogLineFormat::kLogfmt);
}

struct Exporter::Parts {
  RealFileReader fs;
  SelfMetrics self_metrics;
  std::unique_ptr<Store> store;
  LinkEvents link_events;
  Housekeeper housekeeper;
  std::vector<std::unique_ptr<Source>> sources;  // in start order
  std::unique_ptr<HttpServer> http;
  std::atomic<bool> ready{false};
  std::mutex dropped_mutex;  // one scrape at a time brings the counter up to date

  // Brings netif_log_messages_dropped_total up to the logger's count (util/ has no metrics).
  void CountDroppedLogLines() {
    std::lock_guard lock(dropped_mutex);
    prometheus::Counter& counter = self_metrics.Counter("netif_log_messages_dropped_total");
    const double missing = static_cast<double>(LogMessagesDropped()) - counter.Value();
    if (missing > 0) counter.Increment(missing);
  }
};

Exporter::Exporter(Config config, CommandLine cli)
    : cli_(std::move(cli)), config_(std::move(config)), parts_(std::make_unique<Parts>()) {}

Exporter::~Exporter() { Stop(); }

std::string Exporter::Start() {
  Parts& p = *parts_;
  p.store = std::make_unique<Store>(AnalyticsSettingsFromConfig(config_.analytics), LogAnomalyEvent,
                                    RenderLabelBlock);
  StartSources();
  p.housekeeper.Start();
  p.ready = true;
  p.self_metrics.Gauge(kReloadSuccessful).Set(1);
  p.self_metrics.Gauge(kReloadTimestamp).Set(UnixSeconds());

  HttpCallbacks callbacks;
  callbacks.render_metrics = [&p](SegmentedBody& out) {
    // Self metrics are read before the store snapshot is taken: a poller stores its sample
    // before it marks its target up, so a scrape that says a target is up also holds that
    // target's series. The other order let a target come up between the two reads.
    std::string self_metrics;  // a few kilobytes
    p.CountDroppedLogLines();
    p.self_metrics.Render(self_metrics);
    AppendProcessMetrics(self_metrics);
    // The snapshot pointer is all a scrape takes from the store: rendering holds no lock and
    // never waits on collection.
    const auto snapshot = p.store->Current();
    RenderInterfaces(*snapshot, out);
    out.text().Append(self_metrics);
  };
  callbacks.ready = [&p] { return p.ready.load(); };
  callbacks.reload = [this] { return Reload(); };  // POST /-/reload, with --web.enable-lifecycle
  HttpServerOptions http_options;
  http_options.listen_addresses = {config_.web.listen_address.ToString()};
  http_options.enable_lifecycle = config_.web_enable_lifecycle;
  auto server = HttpServer::Start(std::move(http_options), std::move(callbacks));
  if (auto* error = std::get_if<std::string>(&server)) return *error;
  p.http = std::move(std::get<std::unique_ptr<HttpServer>>(server));
  for (const int port : p.http->BoundPorts()) {
    // Tests and operators who asked for port 0 learn the real port from this line.
    LogInfo("listening", {{"address", config_.web.listen_address.ToString()}, {"port", port}});
  }
  return "";
}

// Each Start() returns once the source's first data is in (bounded), so the first scrape
// already has it; a source that cannot reach its data retries in the background.
void Exporter::StartSources() {
  Parts& p = *parts_;
  SourceContext context{*p.store, p.self_metrics, p.fs, p.link_events,
                        [&p] { p.housekeeper.AfterPass(); }};
  p.sources = BuildSources(config_, context);
  for (const auto& source : p.sources) source->Start();
}

void Exporter::StopSources() {
  Parts& p = *parts_;
  for (auto it = p.sources.rbegin(); it != p.sources.rend(); ++it) (*it)->Stop();
  p.sources.clear();
  p.link_events = LinkEvents();  // the listeners belonged to the sources just destroyed
}

std::string Exporter::Reload() {
  std::lock_guard lock(reload_mutex_);
  Parts& p = *parts_;
  auto loaded = LoadConfig(cli_);
  if (auto* error = std::get_if<std::string>(&loaded)) {
    LogError("reload failed; the previous configuration keeps running", {{"error", *error}});
    p.self_metrics.Gauge(kReloadSuccessful).Set(0);
    return *error;
  }
  Apply(std::move(std::get<Config>(loaded)));
  p.self_metrics.Gauge(kReloadSuccessful).Set(1);
  p.self_metrics.Gauge(kReloadTimestamp).Set(UnixSeconds());
  return "";
}

void Exporter::Apply(Config next) {
  Parts& p = *parts_;
  std::string changed;
  const auto note = [&changed](std::string_view what) {
    if (!changed.empty()) changed += ',';
    changed += what;
  };
  if (next.web.listen_address != config_.web.listen_address) {
    // As with Prometheus' own flags: the socket is bound once, for the process' lifetime.
    LogWarn("web.listen_address changes take effect on restart only",
            {{"listening", config_.web.listen_address.ToString()},
             {"configured", next.web.listen_address.ToString()}});
    next.web.listen_address = config_.web.listen_address;
  }
  if (next.log != config_.log) {
    ApplyLogConfig(next.log);
    note("log");
  }
  if (next.analytics != config_.analytics) {
    p.store->SetAnalyticsSettings(AnalyticsSettingsFromConfig(next.analytics));
    note("analytics");
  }
  const bool restart_sources = SourceSettingsChanged(config_, next);
  config_ = std::move(next);
  if (restart_sources) {
    // Sources are rebuilt rather than patched: their settings are fixed at construction, and
    // link events tie them together. What they learned lives in the store, which stays: an
    // interface the new sources report again keeps its baselines, windows and counts.
    StopSources();
    StartSources();
    std::set<std::string, std::less<>> claimed;
    for (const auto& source : p.sources) {
      for (std::string& name : source->KeySources()) claimed.insert(std::move(name));
    }
    const std::size_t removed = p.store->RetainSources(claimed);
    if (removed > 0)
      LogInfo("interfaces of sources no longer configured removed", {{"count", removed}});
    note("sources");
  }
  LogInfo("configuration reloaded", {{"changed", changed.empty() ? "nothing" : changed}});
}

void Exporter::Stop() {
  if (!parts_) return;
  Parts& p = *parts_;
  p.http.reset();  // stop serving first: no scrape (and no reload) may see a half-stopped exporter
  std::lock_guard lock(reload_mutex_);
  StopSources();
  p.housekeeper.Stop();
}

std::vector<int> Exporter::BoundPorts() const {
  return parts_->http ? parts_->http->BoundPorts() : std::vector<int>{};
}

}  // namespace netif
