// An immutable picture of every interface at one moment, which a scrape renders without locks.
//
// Thread-safety: a Snapshot and the InterfaceViews it points to are never modified after
// publication; any number of threads may read them concurrently.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "model/derived_metrics.h"
#include "model/device_class.h"
#include "model/extra_counters.h"
#include "model/interface_record.h"
#include "model/link_history.h"

namespace netif {

struct InterfaceView {
  InterfaceRecord record;  // merged latest state from every source that knows this interface
  DerivedMetrics derived;
  LinkHistory link;
  // record.labels escaped for the exposition (`device="eth0"`), made by the store when the labels
  // change and shared by every later view of the interface. Null: the renderer makes it.
  std::shared_ptr<const std::string> label_block;
  // ClassifyDevice(record), decided by the store with each view: which family set the interface
  // is served (the `metrics:` configuration).
  DeviceClass device_class = DeviceClass::kVirtualOther;
};

struct Snapshot {
  // Sorted by InterfaceKey, so the exposition is stable from scrape to scrape.
  std::vector<std::shared_ptr<const InterfaceView>> interfaces;
  // Every extra counter some interface of the snapshot carries, sorted by name: the families the
  // exposition renders beyond its catalogue.
  std::vector<const ExtraCounterDefinition*> extra_counters;
  uint64_t generation = 0;
};

}  // namespace netif
