// The source seam: what every collector of interface records is to the rest of the exporter.
//
// A source turns what the kernel or a device says into InterfaceRecords and hands them to a
// RecordSink (the store, behind model/record_sink.h); it never sees the store, the exposition or
// the app. It reports its runs through CollectorRuns (telemetry/collector_runs.h) and any metrics
// of its own through SelfMetrics. The app builds every source from one explicit list
// (src/app/sources.cc), starts them in list order and stops them in reverse.
//
// Threads: a source runs on threads of its own, started by Start() and joined by Stop(); nothing
// else calls into it while it runs, except the other sources' link events it subscribed to
// (LinkEvents), which arrive on the publisher's thread. Start() may wait (bounded) for the
// source's first data, so that the first scrape has it; it never fails: a source that cannot
// reach its data logs it, shows netif_scrape_collector_success{collector} 0 and retries.
#pragma once

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/config.h"
#include "model/interface_record.h"
#include "model/record_sink.h"
#include "telemetry/self_metrics.h"
#include "util/file_reader.h"

namespace netif {

class Source {
 public:
  virtual ~Source() = default;

  // For logs and tests: "local", "netlink", "snmp", ...
  virtual std::string_view name() const = 0;
  // Starts the source's threads. Called once, from the app's thread, in list order.
  virtual void Start() = 0;
  // Stops them; returns when they have finished. Idempotent; called in reverse list order.
  virtual void Stop() = 0;
  // The InterfaceKey::source of every record this source may produce ("local", an SNMP target's
  // name): after a config reload the store drops the interfaces no source claims any more.
  virtual std::vector<std::string> KeySources() const = 0;
};

// Link events one source publishes for others: each RTM_NEWLINK record the netlink source is
// about to apply, which the local source hears to re-read what only sysfs knows (speed and
// duplex change with the carrier). Listeners subscribe while the sources are built, before any
// starts; Publish() calls them on the publisher's thread, so they must be cheap and thread-safe.
class LinkEvents {
 public:
  using Listener = std::function<void(const InterfaceRecord& record)>;
  void Subscribe(Listener listener) { listeners_.push_back(std::move(listener)); }
  void Publish(const InterfaceRecord& record) const {
    for (const Listener& listener : listeners_) listener(record);
  }

 private:
  std::vector<Listener> listeners_;
};

// What the app hands every source it builds. All of it outlives the sources.
struct SourceContext {
  RecordSink& sink;
  SelfMetrics& self_metrics;
  const FileReader& fs;
  LinkEvents& link_events;
  // A periodic source calls this after each pass, on its own thread: the app gives idle memory
  // back there, between passes rather than in the middle of one.
  std::function<void()> after_pass;
};

// How long a periodic source may go without completing a pass before it is reported stuck
// (CollectorRuns): a few intervals, and never less than 10 s, so that a pass slowed by a busy
// machine is not taken for a frozen one.
inline std::chrono::milliseconds StaleAfter(std::chrono::milliseconds interval) {
  return std::max<std::chrono::milliseconds>(3 * interval, std::chrono::seconds(10));
}

// Builds a source from the config, or returns null when the config leaves it off.
using SourceFactory = std::unique_ptr<Source> (*)(const Config& config, SourceContext& context);

}  // namespace netif
