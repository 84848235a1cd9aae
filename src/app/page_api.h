// The status page's JSON API (docs/api.md) wired to the exporter: the store's snapshot, the
// history and events the page keeps, the SNMP targets' self-metrics, and a summary of the
// configuration that names no secret.
//
// Thread-safety: PageApi is safe for concurrent use (every request renders on its own HTTP
// thread); SetConfig may run beside requests.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "config/config.h"
#include "store/store.h"
#include "telemetry/self_metrics.h"
#include "web/api_json.h"
#include "web/event_log.h"
#include "web/rate_history.h"

namespace netif {

// The configuration as the page shows it. An allowlist: each line is a setting known to hold no
// secret, and settings that are secrets (SNMP communities, v3 user names and passwords, basic auth
// users and hashes) show only whether they are set ("<redacted>").
NamedValues ConfigSummary(const Config& config);
// Version and revision of the binary.
NamedValues BuildSummary();

class PageApi {
 public:
  PageApi(const Store& store, const SelfMetrics& self_metrics);

  // Each link change and anomaly start or end, for the event list. Quick: called under the
  // store's lock.
  void OnLinkChange(const LinkChange& change, double unix_seconds);
  void OnAnomaly(const AnomalyEvent& event);
  // Folds the current snapshot into the per-interface history (every few seconds).
  void SampleHistory(double unix_seconds);
  // A new configuration (start, reload).
  void SetConfig(const Config& config);

  // The body of GET `path`, or nullopt when the API has no such path.
  std::optional<std::string> Render(std::string_view path) const;

 private:
  const Store& store_;
  const SelfMetrics& self_metrics_;
  EventLog events_;
  HistoryBook history_;
  mutable std::mutex config_mutex_;
  std::shared_ptr<const NamedValues> config_summary_;
};

}  // namespace netif
