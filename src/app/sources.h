// The explicit list of sources: a new source is one folder under src/collectors/ and one line in
// sources.cc.
#pragma once

#include <memory>
#include <span>
#include <vector>

#include "collectors/source.h"
#include "config/config.h"
#include "model/extra_counters.h"

namespace netif {

struct SourceEntry {
  SourceFactory make;
  // The extra counters the source declares (model/extra_counters.h), so that docs/metrics.md is
  // checked against them; null when it has none.
  std::span<const ExtraCounterDefinition* const> (*extra_counters)() = nullptr;
};

// Every source, in start order (see the ordering constraints in sources.cc).
std::span<const SourceEntry> SourceList();

// The sources the config enables, built in list order (each factory returns null when the
// config leaves its source off).
std::vector<std::unique_ptr<Source>> BuildSources(const Config& config, SourceContext& context);

// Every extra counter any listed source declares.
std::vector<const ExtraCounterDefinition*> DeclaredExtraCounters();

}  // namespace netif
