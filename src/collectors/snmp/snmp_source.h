// The SNMP source: one thread that polls every configured target of this shard concurrently.
// Each target is a TargetPoller (a non-blocking state machine); the thread waits in poll() on all
// their sockets at once, plus an eventfd that wakes it for shutdown and resolver results, with a
// timeout set by the earliest target deadline (next poll, net-snmp's retry timer, a watchdog, the
// staleness bound). A slow or dead target therefore only ever waits on its own timers: it never
// delays another target, and scrapes never wait for polls (they read the store's snapshot).
//
// Thread-safety: Start() and Stop() from one thread (the app's); everything else runs on the
// poller thread. The store and self-metrics it feeds are themselves thread-safe.
#pragma once

#include <atomic>
#include <memory>
#include <span>
#include <thread>
#include <vector>

#include "collectors/snmp/resolver.h"
#include "collectors/snmp/target_poller.h"
#include "collectors/source.h"
#include "config/snmp_config.h"
#include "config/values.h"
#include "model/extra_counters.h"
#include "model/record_sink.h"
#include "telemetry/collector_runs.h"
#include "telemetry/self_metrics.h"

namespace netif {

class SnmpSource final : public Source {
 public:
  // Keeps the targets of `shard` (see shard.h) and initializes net-snmp when there is any: build
  // the poller before other threads start (InitNetSnmp() touches the locale and environment).
  SnmpSource(const SnmpConfig& config, const Shard& shard, RecordSink& sink,
             SelfMetrics& self_metrics);
  ~SnmpSource() override;  // Stop()
  SnmpSource(const SnmpSource&) = delete;
  SnmpSource& operator=(const SnmpSource&) = delete;

  // Starts the poller thread (nothing to do, and no thread, without targets in this shard). The
  // first poll of every target starts at once. Logs a warning for each secret given inline.
  std::string_view name() const override { return "snmp"; }
  void Start() override;
  // Stops the thread and closes every session; returns when it has finished.
  void Stop() override;
  // The source name of every target of this shard.
  std::vector<std::string> KeySources() const override;

  size_t target_count() const { return targets_.size(); }

 private:
  void Run();
  void Wake();

  const size_t configured_;
  const Shard shard_;
  SelfMetrics& self_metrics_;
  CollectorRuns runs_;
  int wake_fd_ = -1;
  std::unique_ptr<HostResolver> resolver_;
  std::vector<std::unique_ptr<TargetPoller>> targets_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

// The SNMP source the config asks for (any snmp.targets), or null. Building it initializes
// net-snmp when this shard has targets: build it before other threads start.
std::unique_ptr<Source> MakeSnmpSource(const Config& config, SourceContext& context);
// The extra counters SNMP ports carry: EtherLike-MIB's netif_dot3_<column>_total.
std::span<const ExtraCounterDefinition* const> SnmpExtraCounters();

}  // namespace netif
