// config → the exposition's FamilyFilter: the `metrics:` section's family sets evaluated once per
// family and device class, so that a scrape tests no pattern.
//
// Thread-safety: a pure function; the filter it returns is safe for concurrent use.
#pragma once

#include <memory>

#include "config/metrics_config.h"
#include "exposition/family_filter.h"

namespace netif {

std::shared_ptr<const FamilyFilter> FamilyFilterFromConfig(const MetricsConfig& metrics);

}  // namespace netif
