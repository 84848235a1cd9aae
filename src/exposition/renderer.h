// Renders a Snapshot as Prometheus text exposition by walking the metric catalogue.
//
// Thread-safety: RenderInterfaces is a pure function of its inputs; concurrent calls with
// different output strings are safe.
#pragma once

#include <string>

#include "model/snapshot.h"

namespace netif {

// Appends every per-interface family with at least one sample to `out`, families in catalogue
// order and interfaces in snapshot order.
void RenderInterfaces(const Snapshot& snapshot, std::string& out);

// The escaped label block of an interface, e.g. `device="eth0"` (no braces).
std::string RenderLabelBlock(const LabelPairs& labels);

}  // namespace netif
