#include "app/exporter.h"

#include <atomic>
#include <utility>

#include "app/analytics_settings_from_config.h"
#include "app/housekeeper.h"
#include "app/sources.h"
#include "exposition/process_metrics.h"
#include "exposition/renderer.h"
#include "http/http_server.h"
#include "store/store.h"
#include "telemetry/self_metrics.h"
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
};

Exporter::Exporter(Config config) : config_(std::move(config)), parts_(std::make_unique<Parts>()) {}

Exporter::~Exporter() { Stop(); }

std::string Exporter::Start() {
  Parts& p = *parts_;
  p.store = std::make_unique<Store>(AnalyticsSettingsFromConfig(config_.analytics), LogAnomalyEvent,
                                    RenderLabelBlock);

  SourceContext context{*p.store, p.self_metrics, p.fs, p.link_events,
                        [&p] { p.housekeeper.AfterPass(); }};
  p.sources = BuildSources(config_, context);
  // Each Start() returns once the source's first data is in (bounded), so the first scrape
  // already has it; a source that cannot reach its data retries in the background.
  for (const auto& source : p.sources) source->Start();
  p.housekeeper.Start();
  p.ready = true;

  HttpCallbacks callbacks;
  callbacks.render_metrics = [&p](SegmentedBody& out) {
    // Self metrics are read before the store snapshot is taken: a poller stores its sample
    // before it marks its target up, so a scrape that says a target is up also holds that
    // target's series. The other order let a target come up between the two reads.
    std::string self_metrics;  // a few kilobytes
    p.self_metrics.Render(self_metrics);
    AppendProcessMetrics(self_metrics);
    // The snapshot pointer is all a scrape takes from the store: rendering holds no lock and
    // never waits on collection.
    const auto snapshot = p.store->Current();
    RenderInterfaces(*snapshot, out);
    out.text().Append(self_metrics);
  };
  callbacks.ready = [&p] { return p.ready.load(); };
  // TLS, auth, extra headers and the lifecycle API stay off until the app wires the web config.
  HttpServerOptions http_options;
  http_options.listen_addresses = {config_.web.listen_address.ToString()};
  auto server = HttpServer::Start(std::move(http_options), std::move(callbacks));
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
}

std::vector<int> Exporter::BoundPorts() const {
  return parts_->http ? parts_->http->BoundPorts() : std::vector<int>{};
}

}  // namespace netif
