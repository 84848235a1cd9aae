// The detailed error counters of struct rtnl_link_stats64 that /proc/net/dev folds into its
// `frame`, `drop` and `carrier` columns (or leaves out), exported as extra counters
// (model/extra_counters.h) when the local source takes its counters from an RTM_GETSTATS dump.
// In the /proc/net/dev fallback they are absent: no cheap exact source has them (sysfs would be
// eight more file reads per device per pass).
//
// Thread-safety: immutable static data and a pure function.
#pragma once

#include <span>

#include "collectors/netlink/rtnetlink_parser.h"
#include "model/extra_counters.h"

namespace netif {

// The definitions, for the local source's line in src/app/sources.cc (docs_test checks them
// against docs/metrics.md). Family names are fixed: the node_exporter compatibility catalogue
// reads netif_receive_nohandler_total by name.
std::span<const ExtraCounterDefinition* const> LinkErrorCounters();

// Sets each counter `stats` has (rx_nohandler only from a kernel that sends it, Linux 4.6+).
void SetLinkErrorCounters(const rtnl::LinkStats64& stats, ExtraCounters& out);

}  // namespace netif
