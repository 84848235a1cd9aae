// process_* metrics of this process, as every Prometheus client library serves them.
//
// Thread-safety: reads /proc/self on each call; safe for concurrent use.
#pragma once

#include <string>

namespace netif {

// process_cpu_seconds_total, process_resident_memory_bytes, ... for this process, read from the
// real /proc/self (never from --path.procfs, which may be a host mount).
void AppendProcessMetrics(std::string& out);

}  // namespace netif
