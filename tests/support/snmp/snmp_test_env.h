// What tests/integration/snmp_*_test.cc share: an exporter configured for SNMP only, bounded
// waiting on scrapes (ScrapeUntil, from support/scrape.h), and reading the exporter's SNMP
// self-metrics. Header-only because it needs NETIF_EXPORTER_BINARY, which
// netif_add_integration_test() defines per test.
//
// Thread-safety: REQUIRES external synchronization (one test thread).
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "support/exporter_process.h"
#include "support/exposition_parser.h"
#include "support/scrape.h"
#include "support/temp_dir.h"

namespace netif::testing_support {

// A config with the local collectors off (they would report this machine's interfaces), every
// metric family on (the tests read rates and identity gauges the default profile leaves out) and
// the given `snmp:` defaults (a YAML flow map) and targets (YAML list items, indented by 4).
inline std::string SnmpOnlyConfig(
    const std::string& targets_yaml,
    const std::string& defaults = "{interval: 1s, timeout: 1s, retries: 1}") {
  return "metrics:\n  profile: full\nlocal:\n  enabled: false\n  netlink: false\nsnmp:\n"
         "  defaults: " +
         defaults + "\n  targets:\n" + targets_yaml;
}

inline ExporterProcess::Options SnmpExporterOptions(const TempDir& dir, const std::string& yaml,
                                                    std::optional<std::string> netns = {}) {
  ExporterProcess::Options options;
  options.binary = NETIF_EXPORTER_BINARY;
  options.args = {"--config.file", dir.WriteFile("netif_exporter.yml", yaml)};
  options.netns = std::move(netns);
  return options;
}

// netif_snmp_target_up{target}, or nullopt before the first poll.
inline std::optional<double> TargetUp(const Exposition& scrape, const std::string& target) {
  return scrape.Value("netif_snmp_target_up", {{"target", target}});
}

inline double SnmpErrors(const Exposition& scrape, const std::string& target,
                         const std::string& kind) {
  return scrape.Value("netif_snmp_errors_total", {{"target", target}, {"kind", kind}}).value_or(-1);
}

// The ports of `target` that export `metric`, by their ifName label.
inline std::map<std::string, const Sample*> PortsByName(const Exposition& scrape,
                                                        const std::string& metric,
                                                        const std::string& target) {
  std::map<std::string, const Sample*> ports;
  for (const Sample* sample : scrape.Find(metric, {{"target", target}})) {
    ports[sample->labels.at("ifName")] = sample;
  }
  return ports;
}

}  // namespace netif::testing_support
