// libFuzzer entry point: ParseNetDev must accept any bytes without crashing, and its output must
// keep the promises of its header (error strings are one line of printable ASCII; every record has
// a valid name and all 16 counters). A broken promise aborts, which libFuzzer reports.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "collectors/procfs/net_dev_parser.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const netif::NetDevParseResult result = netif::ParseNetDev(text);
  for (const netif::InterfaceRecord& record : result.records) {
    Check(netif::IsValidInterfaceName(record.name));
    Check(record.key.id == record.name);
    for (std::size_t i = 0; i < netif::kProcNetDevCounterCount; ++i) {
      Check(record.counters.Has(static_cast<netif::Counter>(i)));
    }
  }
  for (const std::string& error : result.errors) {
    Check(error.starts_with("line "));
    for (const char c : error) Check(c >= 0x20 && c <= 0x7E);
  }
  return 0;
}
