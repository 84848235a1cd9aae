// A RecordSink that remembers what a source told it, for tests of sources without a store.
// Header-only.
//
// Thread-safety: REQUIRES external synchronization (the tests that use it drive the source on
// their own thread).
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/record_sink.h"

namespace netif::testing_support {

class RecordingSink final : public RecordSink {
 public:
  struct Sample {
    std::string source;
    InterfaceRecords records;
    SampleTime time;
  };

  std::vector<Sample> samples;
  std::vector<std::string> removed_sources;

  void ApplySample(std::string_view source, InterfaceRecords records,
                   const SampleTime& time) override {
    samples.push_back({std::string(source), std::move(records), time});
  }
  std::optional<LinkChange> ApplyLinkEvent(InterfaceRecord /*record*/,
                                           const SampleTime& /*time*/) override {
    return std::nullopt;
  }
  void RemoveInterface(const InterfaceKey& /*key*/, std::optional<uint32_t> /*ifindex*/,
                       const SampleTime& /*time*/) override {}
  void ReconcileSource(std::string_view /*source*/, const std::set<std::string>& /*present_ids*/,
                       const SampleTime& /*time*/) override {}
  void RemoveSource(std::string_view source) override { removed_sources.emplace_back(source); }
  void ApplySupplements(std::string_view /*supplier*/,
                        std::vector<InterfaceSupplement> /*supplements*/) override {}
  void BeginBatch() override {}
  void EndBatch() override {}
};

// The value of label `name` of `record`, or "<none>".
inline std::string LabelValue(const InterfaceRecord& record, std::string_view name) {
  for (const auto& [key, value] : record.labels) {
    if (key == name) return value;
  }
  return "<none>";
}

}  // namespace netif::testing_support
