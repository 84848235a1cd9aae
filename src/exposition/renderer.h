// Renders a Snapshot as Prometheus text exposition by walking the metric catalogue.
//
// Thread-safety: RenderInterfaces is a pure function of its inputs; concurrent calls with
// different outputs are safe.
#pragma once

#include <string>

#include "exposition/family_filter.h"
#include "model/snapshot.h"
#include "util/chunked_buffer.h"
#include "util/segmented_body.h"

namespace netif {

// What a scrape serves: which families, and which interfaces' samples of them
// (family_filter.h), and whether node_exporter's families come beside the others.
struct RenderOptions {
  const FamilyFilter* filter = nullptr;  // null: every family to every interface
  ScrapeSelection selection;             // the scrape's collect[]
  // node_exporter's node_network_* families (NodeExporterCompatDefinitions()), after the others;
  // chosen by `filter` and `selection` (group "compat") like every other family.
  bool node_exporter_compat = false;
};

// Writes every per-interface family `options` selects that has at least one sample (of the
// interfaces it is selected for) to `out`, families in catalogue order and interfaces in snapshot
// order. `out` hands the text on in chunks as it fills, so the
// scrape never holds the whole body.
void RenderInterfaces(const Snapshot& snapshot, ChunkedBuffer& out,
                      const RenderOptions& options = {});

// The same, each family cut into segments of `out` (2,560 interfaces each) rendered, and
// encoded, on its pool several at once, and sent in catalogue order: byte for byte the serial form,
// in a fraction of the time on a machine with idle cores. Returns once every segment is sent. Below
// a few hundred interfaces it renders serially into out.text() (handing work between threads
// would cost more than it saves).
void RenderInterfaces(const Snapshot& snapshot, SegmentedBody& out,
                      const RenderOptions& options = {});

// The same, appended to a string (tests, tools).
void RenderInterfaces(const Snapshot& snapshot, std::string& out,
                      const RenderOptions& options = {});

// The escaped label block of an interface, e.g. `device="eth0"` (no braces). The store caches it
// in each InterfaceView, so a scrape does not escape 5,000 names again.
std::string RenderLabelBlock(const LabelPairs& labels);

}  // namespace netif
