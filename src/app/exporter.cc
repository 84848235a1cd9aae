#include "app/exporter.h"

#include <atomic>
#include <mutex>
#include <set>
#include <thread>
#include <utility>

#include "app/analytics_settings_from_config.h"
#include "app/family_filter_from_config.h"
#include "app/housekeeper.h"
#include "app/page_api.h"
#include "app/sources.h"
#include "app/web_options.h"
#include "exposition/family_filter.h"
#include "exposition/process_metrics.h"
#include "exposition/renderer.h"
#include "http/http_server.h"
#include "storage/state_file.h"
#include "storage/state_saver.h"
#include "store/store.h"
#include "telemetry/self_metrics.h"
#include "util/clock.h"
#include "util/file_reader.h"
#include "util/log.h"
#include "util/periodic_thread.h"

namespace netif {
namespace {

constexpr std::string_view kReloadSuccessful = "netif_exporter_config_last_reload_successful";
constexpr std::string_view kReloadTimestamp =
    "netif_exporter_config_last_reload_success_timestamp_seconds";
// How often the page's history takes the snapshot: each minute's point is the peak of these.
constexpr std::chrono::seconds kPageHistoryStep{5};

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
    c->storage = {};
    c->metrics = {};
    c->compat = {};  // read by the renderer only
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
  // Looks for stuck collectors every second, from a thread that is none of theirs, so that the
  // "collector stuck" line comes even when nobody scrapes.
  std::unique_ptr<PeriodicThread> watch;
  // The status page's API (events, history, configuration summary); made with the store.
  std::unique_ptr<PageApi> page;
  // Folds the snapshot into the page's per-interface history every few seconds.
  std::unique_ptr<PeriodicThread> page_history;
  std::vector<std::unique_ptr<Source>> sources;  // in start order
  std::unique_ptr<HttpServer> http;
  std::atomic<bool> ready{false};
  // compat.node_exporter: read by each scrape, changed by a reload.
  std::atomic<bool> node_exporter_compat{false};
  std::unique_ptr<StateSaver> saver;   // null without storage.path
  std::vector<std::thread> web_swaps;  // HTTP server changes a POST /-/reload asked for
  std::mutex dropped_mutex;            // one scrape at a time brings the counter up to date
  mutable std::mutex filter_mutex;     // guards family_filter (the pointer only)
  // The `metrics:` section's family sets, made when the configuration loads; a scrape takes the
  // pointer as it takes the snapshot.
  std::shared_ptr<const FamilyFilter> family_filter;

  std::shared_ptr<const FamilyFilter> FamilyFilterNow() const {
    std::lock_guard lock(filter_mutex);
    return family_filter;
  }
  void SetFamilyFilter(std::shared_ptr<const FamilyFilter> filter) {
    std::lock_guard lock(filter_mutex);
    family_filter = std::move(filter);
  }

  // Brings netif_log_messages_dropped_total up to the logger's count (util/ has no metrics).
  void CountDroppedLogLines() {
    std::lock_guard lock(dropped_mutex);
    prometheus::Counter& counter = self_metrics.Counter("netif_log_messages_dropped_total");
    const double missing = static_cast<double>(LogMessagesDropped()) - counter.Value();
    if (missing > 0) counter.Increment(missing);
  }
};

namespace {

// Warm restart (storage.path): stages the saved state in the store, before any source applies a
// record, and returns the saver (started once the sources are). Null when storage is off.
// The saver of `storage` (not started), or null when storage is off.
std::unique_ptr<StateSaver> MakeSaver(const StorageConfig& storage,
                                      const AnalyticsSettings& settings, Store& store) {
  if (storage.path.empty()) return nullptr;
  return std::make_unique<StateSaver>(storage.path, EncodeAnalyticsSettings(settings),
                                      [&store] { return store.SaveState(); });
}

std::unique_ptr<StateSaver> RestoreState(const StorageConfig& storage,
                                         std::shared_ptr<const AnalyticsSettings> settings,
                                         Store& store) {
  auto saver = MakeSaver(storage, *settings, store);
  if (!saver) return nullptr;
  if (std::optional<StateFile> file = LoadStateFile(saver->path())) {
    const double now_monotonic = MonotonicSeconds();
    const RestoreOptions options = CompareAnalyticsSettings(
        file->analytics_settings, *settings,
        MonotonicShift(file->saved_unix_seconds, file->saved_monotonic_seconds, UnixSeconds(),
                       now_monotonic));
    LogInfo("restoring saved analytics state",
            {{"path", saver->path()},
             {"interfaces", static_cast<uint64_t>(file->interfaces.size())},
             {"age_seconds", UnixSeconds() - file->saved_unix_seconds},
             {"anomaly_restored", options.anomaly},
             {"asymmetric_restored", options.asymmetric}});
    store.StageRestoredState(std::move(file->interfaces), options, now_monotonic);
  }
  return saver;
}

}  // namespace

Exporter::Exporter(Config config, CommandLine cli)
    : cli_(std::move(cli)), config_(std::move(config)), parts_(std::make_unique<Parts>()) {}

Exporter::~Exporter() { Stop(); }

std::string Exporter::Start() {
  Parts& p = *parts_;
  const auto analytics_settings = AnalyticsSettingsFromConfig(config_.analytics);
  // The page's API hears the store's events. It needs the store, so it is made right after it,
  // before any source starts (the first writer).
  p.store = std::make_unique<Store>(
      analytics_settings,
      [&p](const AnomalyEvent& event) {
        LogAnomalyEvent(event);
        if (p.page) p.page->OnAnomaly(event);
      },
      RenderLabelBlock,
      [&p](const LinkChange& change, double unix_seconds) {
        if (p.page) p.page->OnLinkChange(change, unix_seconds);
      });
  p.page = std::make_unique<PageApi>(*p.store, p.self_metrics);
  p.page->SetConfig(config_);
  p.saver = RestoreState(config_.storage, analytics_settings, *p.store);
  p.node_exporter_compat = config_.compat.node_exporter;
  prometheus::Gauge& restored = p.self_metrics.Gauge("netif_state_restored_interfaces");
  StartSources();
  p.housekeeper.Start();
  p.watch = std::make_unique<PeriodicThread>(
      std::chrono::seconds(1), [&p] { p.self_metrics.collectors().CheckStuck(); }, "netif-watch");
  if (p.saver) p.saver->Start(config_.storage.save_interval);
  p.page_history = std::make_unique<PeriodicThread>(
      kPageHistoryStep, [&p] { p.page->SampleHistory(UnixSeconds()); }, "netif-history");
  p.ready = true;
  p.self_metrics.Gauge(kReloadSuccessful).Set(1);
  p.self_metrics.Gauge(kReloadTimestamp).Set(UnixSeconds());

  p.SetFamilyFilter(FamilyFilterFromConfig(config_.metrics));
  HttpCallbacks callbacks;
  // collect[]: groups of families and device classes (exposition/family_filter.h).
  callbacks.check_metrics_query = [](const MetricsQuery& query) {
    auto selection = ParseCollect(query.collect);
    auto* error = std::get_if<std::string>(&selection);
    return error ? *error : std::string();
  };
  callbacks.render_metrics = [&p, &restored](SegmentedBody& out, const MetricsQuery& query) {
    auto parsed = ParseCollect(query.collect);  // checked by check_metrics_query
    const ScrapeSelection selection = std::holds_alternative<ScrapeSelection>(parsed)
                                          ? std::get<ScrapeSelection>(parsed)
                                          : ScrapeSelection{};
    const bool with_self = selection.Includes(FamilyGroup::kSelf);
    // Self metrics are read before the store snapshot is taken: a poller stores its sample
    // before it marks its target up, so a scrape that says a target is up also holds that
    // target's series. The other order let a target come up between the two reads.
    std::string self_metrics;  // a few kilobytes
    if (with_self) {
      p.CountDroppedLogLines();
      restored.Set(static_cast<double>(p.store->RestoredInterfaces()));
      p.self_metrics.Render(self_metrics);
      AppendProcessMetrics(self_metrics);
    }
    // The snapshot pointer is all a scrape takes from the store: rendering holds no lock and
    // never waits on collection.
    const auto snapshot = p.store->Current();
    const auto filter = p.FamilyFilterNow();  // held until the render ends: a reload swaps it
    RenderOptions options{filter.get(), selection};
    options.node_exporter_compat = p.node_exporter_compat.load();
    RenderInterfaces(*snapshot, out, options);
    if (with_self) out.text().Append(self_metrics);
  };
  // Not ready while any source is stuck: a frozen exporter must not look healthy.
  callbacks.ready = [&p] {
    return p.ready.load() && p.self_metrics.collectors().CheckStuck().empty();
  };
  // The status page's JSON (docs/api.md), from the snapshot like a scrape.
  callbacks.render_api = [&p](std::string_view path) { return p.page->Render(path); };
  // POST /-/reload, with --web.enable-lifecycle.
  callbacks.reload = [this] { return Reload(ReloadOrigin::kHttp); };
  auto http_options = HttpServerOptionsFromConfig(config_);
  if (auto* error = std::get_if<std::string>(&http_options)) return *error;
  auto server =
      HttpServer::Start(std::move(std::get<HttpServerOptions>(http_options)), std::move(callbacks));
  if (auto* error = std::get_if<std::string>(&server)) return *error;
  p.http = std::move(std::get<std::unique_ptr<HttpServer>>(server));
  const std::vector<int> ports = p.http->BoundPorts();
  for (std::size_t i = 0; i < ports.size() && i < config_.web.listen_addresses.size(); ++i) {
    // Tests and operators who asked for port 0 learn the real port from this line.
    LogInfo("listening",
            {{"address", config_.web.listen_addresses[i].ToString()}, {"port", ports[i]}});
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
  for (auto it = p.sources.rbegin(); it != p.sources.rend(); ++it) {
    SetStopStage("stopping source " + std::string((*it)->name()));
    (*it)->Stop();
  }
  SetStopStage("");
  p.sources.clear();
  p.link_events = LinkEvents();  // the listeners belonged to the sources just destroyed
}

std::string Exporter::Reload() { return Reload(ReloadOrigin::kSignal); }

std::string Exporter::Reload(ReloadOrigin origin) {
  std::unique_lock lock(reload_mutex_, std::defer_lock);
  if (origin == ReloadOrigin::kHttp) {
    // An HTTP thread never waits for another reload: that one may be stopping the very daemon
    // this request came in on (a TLS change), which waits for this thread.
    if (!lock.try_lock()) return "another reload is in progress; try again";
  } else {
    lock.lock();
  }
  Parts& p = *parts_;
  const auto fail = [&p](const std::string& error) {
    LogError("reload failed; the previous configuration keeps running", {{"error", error}});
    p.self_metrics.Gauge(kReloadSuccessful).Set(0);
    return error;
  };
  auto loaded = LoadConfig(cli_);
  if (auto* error = std::get_if<std::string>(&loaded)) return fail(*error);
  Config next = std::move(std::get<Config>(loaded));
  if (next.web.listen_addresses != config_.web.listen_addresses) {
    // As with Prometheus' own flags: the sockets are bound once, for the process' lifetime.
    LogWarn("web.listen_address changes take effect on restart only");
    next.web.listen_addresses = config_.web.listen_addresses;
  }
  // The rest of the web options are checked here, TLS files read and loaded, so that a bad
  // certificate fails the reload before anything changed.
  auto web = HttpServerOptionsFromConfig(next);
  if (auto* error = std::get_if<std::string>(&web)) return fail(*error);
  Apply(std::move(next));
  ApplyWebOptions(std::move(std::get<HttpServerOptions>(web)), origin);
  p.self_metrics.Gauge(kReloadSuccessful).Set(1);
  p.self_metrics.Gauge(kReloadTimestamp).Set(UnixSeconds());
  return "";
}

void Exporter::ApplyWebOptions(HttpServerOptions options, ReloadOrigin origin) {
  Parts& p = *parts_;
  if (!p.http) return;
  if (origin == ReloadOrigin::kSignal) {
    if (std::string error = p.http->Reconfigure(std::move(options)); !error.empty()) {
      LogError("the HTTP server keeps its previous settings", {{"error", error}});
    }
    return;
  }
  // On an HTTP thread a TLS change cannot be applied here: it stops the daemon this thread
  // belongs to. A thread of its own applies it once the reload's answer has gone out.
  p.web_swaps.emplace_back([this, options = std::move(options)]() mutable {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    std::lock_guard lock(reload_mutex_);
    Parts& parts = *parts_;
    if (!parts.http) return;
    if (std::string error = parts.http->Reconfigure(std::move(options)); !error.empty()) {
      LogError("the HTTP server keeps its previous settings", {{"error", error}});
    }
  });
}

void Exporter::Apply(Config next) {
  Parts& p = *parts_;
  std::string changed;
  const auto note = [&changed](std::string_view what) {
    if (!changed.empty()) changed += ',';
    changed += what;
  };
  if (next.log != config_.log) {
    ApplyLogConfig(next.log);
    note("log");
  }
  if (next.analytics != config_.analytics) {
    const auto settings = AnalyticsSettingsFromConfig(next.analytics);
    p.store->SetAnalyticsSettings(settings);
    // Saved state says which settings it was learned under (a restart compares them).
    if (p.saver) p.saver->SetAnalyticsSettings(EncodeAnalyticsSettings(*settings));
    note("analytics");
  }
  if (next.metrics != config_.metrics) {
    // The next scrape serves the new family sets; the store and the sources are untouched.
    p.SetFamilyFilter(FamilyFilterFromConfig(next.metrics));
    note("metrics");
  }
  if (next.storage != config_.storage) {
    // The state goes on being saved, to the new place or at the new pace; nothing is restored
    // from a new path (the store already holds the live state).
    if (p.saver) {
      p.saver->Stop();
      p.saver->SaveNow();
      p.saver.reset();
    }
    p.saver = MakeSaver(next.storage, *AnalyticsSettingsFromConfig(next.analytics), *p.store);
    if (p.saver) p.saver->Start(next.storage.save_interval);
    note("storage");
  }
  if (next.compat != config_.compat) {
    p.node_exporter_compat = next.compat.node_exporter;
    note("compat");
  }
  const bool restart_sources = SourceSettingsChanged(config_, next);
  config_ = std::move(next);
  p.page->SetConfig(config_);
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
  // Swaps asked for by POST /-/reload finish first (they use the server).
  SetStopStage("stopping the HTTP server");
  for (std::thread& swap : p.web_swaps) swap.join();
  p.web_swaps.clear();
  p.http.reset();  // stop serving first: no scrape (and no reload) may see a half-stopped exporter
  SetStopStage("waiting for a reload");
  std::lock_guard lock(reload_mutex_);
  if (p.watch) p.watch->Stop();
  if (p.page_history) p.page_history->Stop();
  StopSources();
  SetStopStage("stopping the housekeeper");
  p.housekeeper.Stop();
  if (p.saver) {
    // The sources are stopped: this save holds the last state, the next start takes it back.
    SetStopStage("saving the state");
    p.saver->Stop();
    p.saver->SaveNow();
    p.saver.reset();
  }
  SetStopStage("");
}

void Exporter::SetStopStage(std::string stage) {
  std::lock_guard lock(stage_mutex_);
  stop_stage_ = std::move(stage);
}

std::string Exporter::StopStage() const {
  std::lock_guard lock(stage_mutex_);
  return stop_stage_;
}

std::vector<int> Exporter::BoundPorts() const {
  return parts_->http ? parts_->http->BoundPorts() : std::vector<int>{};
}

}  // namespace netif
