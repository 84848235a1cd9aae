// The exporter's metrics about itself (build, collectors, parse errors, netlink, SNMP polling),
// declared once in SelfMetricCatalogue() and kept in a prometheus-cpp Registry: unlike the
// mirrored kernel counters, these are counts the exporter owns, so prometheus-cpp's
// increment-only Counter is the right tool.
//
// Thread-safety: safe for concurrent use by multiple threads. The returned Counter/Gauge
// references stay valid for the SelfMetrics' lifetime and are themselves thread-safe.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/metric_type.h"
#include "telemetry/collector_watch.h"

namespace netif {

struct SelfMetricDefinition {
  std::string_view name;
  MetricType type;
  std::string_view help;
  std::string_view labels;  // comma-separated, for documentation
};

// Every self-metric, declared once (process_* metrics are listed too, rendered separately).
std::span<const SelfMetricDefinition> SelfMetricCatalogue();

class SelfMetrics {
 public:
  SelfMetrics();

  // The metric with these labels in the declared family `name`; aborts on an undeclared name or
  // a type mismatch (a programming error, caught by every test that touches it).
  prometheus::Counter& Counter(std::string_view name, const prometheus::Labels& labels = {});
  prometheus::Gauge& Gauge(std::string_view name, const prometheus::Labels& labels = {});
  // Drops one labelled series (an SNMP target removed from the config, for example).
  void RemoveGauge(std::string_view name, const prometheus::Labels& labels);
  void RemoveCounter(std::string_view name, const prometheus::Labels& labels);

  // The collectors watched for staleness (each CollectorRuns with a bound adds itself).
  CollectorWatch& collectors() { return collectors_; }

  // Appends the registry's families in text format (exposition appends the process_* ones).
  void Render(std::string& out) const;
  // The registry's families as values (the status page reads the SNMP targets' health from them).
  std::vector<prometheus::MetricFamily> Collect() const;

 private:
  const SelfMetricDefinition& Definition(std::string_view name, MetricType type) const;

  std::shared_ptr<prometheus::Registry> registry_;
  mutable std::mutex mutex_;  // guards the family maps
  std::map<std::string, prometheus::Family<prometheus::Counter>*, std::less<>> counters_;
  std::map<std::string, prometheus::Family<prometheus::Gauge>*, std::less<>> gauges_;
  CollectorWatch collectors_;
};

}  // namespace netif
