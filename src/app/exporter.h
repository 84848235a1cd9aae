// Wiring: builds the store, the collectors that the config enables, and the HTTP endpoints, runs
// them until Stop(), and applies a new configuration in place on Reload(). The list of sources is
// explicit (sources.cc): a new source is one new line.
//
// Thread-safety: Start/Stop from the main thread only. Reload() may be called from any thread
// (SIGHUP on the main thread, POST /-/reload on an HTTP thread); reloads run one at a time.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "config/config.h"
#include "config/flags.h"
#include "http/http_server.h"

namespace netif {

// Sets the log level and line format (at start, and again on each reload).
void ApplyLogConfig(const LogConfig& log);

class Exporter {
 public:
  // `cli` is what Reload() loads the configuration from again (flags over --config.file).
  explicit Exporter(Config config, CommandLine cli = {});
  ~Exporter();
  Exporter(const Exporter&) = delete;
  Exporter& operator=(const Exporter&) = delete;

  // Starts collectors and the HTTP server. Returns a one-line error when the server cannot bind.
  std::string Start();
  // Loads the configuration again and applies what changed in place: log settings, analytics
  // settings (InterfaceAnalytics::Reconfigure), and the sources (stopped and rebuilt when any
  // setting a source reads changed). The store keeps every interface a source still reports,
  // with its whole state; those no source claims any more go. An invalid configuration changes
  // nothing. Returns "" or the one-line error; either way netif_exporter_config_last_reload_*
  // says so. REQUIRES: Start() succeeded and Stop() has not been called.
  std::string Reload();
  // Stops every thread; returns when they have all finished.
  void Stop();
  // What Stop() is waiting for at this moment ("" when it is not stopping): main's shutdown
  // deadline names it when a stuck source keeps Stop() from returning. Any thread.
  std::string StopStage() const;
  std::vector<int> BoundPorts() const;

 private:
  struct Parts;
  enum class ReloadOrigin { kSignal, kHttp };
  std::string Reload(ReloadOrigin origin);
  void Apply(Config next);
  void ApplyWebOptions(HttpServerOptions options, ReloadOrigin origin);
  void StartSources();
  void StopSources();

  const CommandLine cli_;
  std::mutex reload_mutex_;  // held for a whole reload; guards config_ after Start()
  Config config_;
  std::unique_ptr<Parts> parts_;
  mutable std::mutex stage_mutex_;  // guards stop_stage_
  std::string stop_stage_;
  void SetStopStage(std::string stage);
};

}  // namespace netif
