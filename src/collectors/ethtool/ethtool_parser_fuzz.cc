// libFuzzer entry point: the ethtool reply parsers must accept any bytes without crashing, and keep
// the promises of their header: a parsed count always fits in the input (never a read past it),
// names are at most 32 bytes without NUL, and a failure leaves no output behind. A broken promise
// aborts, which libFuzzer reports.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>
#include <vector>

#include "collectors/ethtool/ethtool_parser.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> bytes(data, size);

  netif::EthtoolDriverInfo info;
  const bool info_ok = netif::ParseEthtoolDriverInfo(bytes, info).ok();
  Check(info_ok == (size >= netif::kEthtoolDriverInfoBytes));
  for (const std::string* field :
       {&info.driver, &info.version, &info.firmware_version, &info.bus_info, &info.erom_version}) {
    Check(field->size() <= 32 && field->find('\0') == std::string::npos);
  }

  std::vector<std::string> names;
  if (netif::ParseEthtoolStrings(bytes, names).ok()) {
    Check(netif::kEthtoolStringsHeaderBytes + names.size() * netif::kEthtoolStringBytes <= size);
    for (const std::string& name : names) {
      Check(name.size() <= netif::kEthtoolStringBytes && name.find('\0') == std::string::npos);
    }
  } else {
    Check(names.empty());
  }

  std::vector<uint64_t> values;
  if (netif::ParseEthtoolStats(bytes, values).ok()) {
    Check(netif::kEthtoolStatsHeaderBytes + values.size() * sizeof(uint64_t) <= size);
  } else {
    Check(values.empty());
  }
  return 0;
}
