// libFuzzer entry point: ParseStateFile must accept any bytes without crashing or reading outside
// them, and each interface state a parsed file holds must decode or be rejected, never crash.
// A file that parses must encode back to the same bytes (the format has one spelling).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <variant>

#include "analytics/analytics_state.h"
#include "storage/state_file.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto parsed = netif::ParseStateFile(std::span<const uint8_t>(data, size));
  const auto* file = std::get_if<netif::StateFile>(&parsed);
  if (file == nullptr) {
    Check(!std::get<std::string>(parsed).empty());
    return 0;
  }
  const std::string encoded = netif::EncodeStateFile(*file);
  Check(encoded.size() == size);
  const auto settings = std::make_shared<const netif::AnalyticsSettings>();
  const netif::RestoreOptions options =
      netif::CompareAnalyticsSettings(file->analytics_settings, *settings, 0);
  for (const netif::SavedInterfaceState& state : file->interfaces) {
    netif::InterfaceAnalytics analytics(settings);
    netif::DerivedMetrics derived;
    netif::LinkStateTracker link;
    netif::DecodeInterfaceState(state.state, options, analytics, derived, link);
  }
  return 0;
}
