#include "app/exporter.h"

#include <atomic>
#include <utility>

#include "app/analytics_settings_from_config.h"
#include "app/housekeeper.h"
#include "app/sources.h"
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

namespace netif {

struct Exporter::Parts {
  RealFileReader fs;
  SelfMetrics self_metrics;
  std::unique_ptr<Store> store;
  LinkEvents link_events;
  Housekeeper housekeeper;
  std::vector<std::unique_ptr<Source>> sources;  // in start order
  std::unique_ptr<HttpServer> http;
  std::atomic<bool> ready{false};
  std::unique_ptr<StateSaver> saver;  // null without storage.path
};

namespace {

// Warm restart (storage.path): stages the saved state in the store, before any source applies a
// record, and returns the saver (started once the sources are). Null when storage is off.
std::unique_ptr<StateSaver> RestoreState(const StorageConfig& storage,
                                         std::shared_ptr<const AnalyticsSettings> settings,
                                         Store& store) {
  if (storage.path.empty()) return nullptr;
  auto saver = std::make_unique<StateSaver>(storage.path, EncodeAnalyticsSettings(*settings),
                                            [&store] { return store.SaveState(); });
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

Exporter::Exporter(Config config) : config_(std::move(config)), parts_(std::make_unique<Parts>()) {}

Exporter::~Exporter() { Stop(); }

std::string Exporter::Start() {
  Parts& p = *parts_;
  const auto analytics_settings = AnalyticsSettingsFromConfig(config_.analytics);
  p.store = std::make_unique<Store>(analytics_settings, LogAnomalyEvent, RenderLabelBlock);
  p.saver = RestoreState(config_.storage, analytics_settings, *p.store);
  prometheus::Gauge& restored = p.self_metrics.Gauge("netif_state_restored_interfaces");

  SourceContext context{*p.store, p.self_metrics, p.fs, p.link_events,
                        [&p] { p.housekeeper.AfterPass(); }};
  p.sources = BuildSources(config_, context);
  // Each Start() returns once the source's first data is in (bounded), so the first scrape
  // already has it; a source that cannot reach its data retries in the background.
  for (const auto& source : p.sources) source->Start();
  p.housekeeper.Start();
  if (p.saver) p.saver->Start(config_.storage.save_interval);
  p.ready = true;

  HttpCallbacks callbacks;
  callbacks.render_metrics = [&p, &restored](SegmentedBody& out) {
    // Self metrics are read before the store snapshot is taken: a poller stores its sample
    // before it marks its target up, so a scrape that says a target is up also holds that
    // target's series. The other order let a target come up between the two reads.
    std::string self_metrics;  // a few kilobytes
    restored.Set(static_cast<double>(p.store->RestoredInterfaces()));
    p.self_metrics.Render(self_metrics);
    AppendProcessMetrics(self_metrics);
    // The snapshot pointer is all a scrape takes from the store: rendering holds no lock and
    // never waits on collection.
    const auto snapshot = p.store->Current();
    RenderInterfaces(*snapshot, out);
    out.text().Append(self_metrics);
  };
  callbacks.ready = [&p] { return p.ready.load(); };
  auto server = HttpServer::Start(config_.web.listen_address.ToString(), std::move(callbacks));
  if (auto* error = std::get_if<std::string>(&server)) return *error;
  p.http = std::move(std::get<std::unique_ptr<HttpServer>>(server));
  for (const int port : p.http->BoundPorts()) {
    // Tests and operators who asked for port 0 learn the real port from this line.
    LogInfo("listening", {{"address", config_.web.listen_address.ToString()}, {"port", port}});
  }
  return "";
}

void Exporter::Stop() {
  if (!parts_) return;
  Parts& p = *parts_;
  p.http.reset();  // stop serving first: no scrape may see a half-stopped exporter
  for (auto it = p.sources.rbegin(); it != p.sources.rend(); ++it) (*it)->Stop();
  p.housekeeper.Stop();
  if (p.saver) {
    // The sources are stopped: this save holds the last state, the next start takes it back.
    p.saver->Stop();
    p.saver->SaveNow();
    p.saver.reset();
  }
}

std::vector<int> Exporter::BoundPorts() const {
  return parts_->http ? parts_->http->BoundPorts() : std::vector<int>{};
}

}  // namespace netif
