// libFuzzer entry point: ParseStateFile must accept any bytes without crashing or reading outside
// them, and each interface state a parsed file holds must decode or be rejected, never crash.
// A file that parses must encode back to the same bytes (the format has one spelling).
// Each input is tried as it is and with its last 4 bytes replaced by the right CRC-32, so that
// mutations reach the payload and the analytics decoders instead of all failing the checksum.
// Seed it with a real file (any --storage.path directory's netif_exporter.state).
#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <span>
#include <variant>
#include <vector>

#include "analytics/analytics_state.h"
#include "storage/state_file.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

void ParseOne(const uint8_t* data, size_t size) {
  const auto parsed = netif::ParseStateFile(std::span<const uint8_t>(data, size));
  const auto* file = std::get_if<netif::StateFile>(&parsed);
  if (file == nullptr) {
    Check(!std::get<std::string>(parsed).empty());
    return;
  }
  const std::string encoded = netif::EncodeStateFile(*file);
  Check(encoded.size() == size && std::memcmp(encoded.data(), data, size) == 0);
  const auto settings = std::make_shared<const netif::AnalyticsSettings>();
  const netif::RestoreOptions options =
      netif::CompareAnalyticsSettings(file->analytics_settings, *settings, 0);
  for (const netif::SavedInterfaceState& state : file->interfaces) {
    netif::InterfaceAnalytics analytics(settings);
    netif::DerivedMetrics derived;
    netif::LinkStateTracker link;
    netif::DecodeInterfaceState(state.state, options, analytics, derived, link);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ParseOne(data, size);
  if (size >= 4) {
    std::vector<uint8_t> sealed(data, data + size);
    const uLong crc = crc32(crc32(0L, Z_NULL, 0), sealed.data(), static_cast<uInt>(size - 4));
    for (int i = 0; i < 4; ++i)
      sealed[size - 4 + i] = static_cast<uint8_t>((crc >> (8 * i)) & 0xFF);
    ParseOne(sealed.data(), sealed.size());
  }
  return 0;
}
