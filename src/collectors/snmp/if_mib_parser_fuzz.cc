// libFuzzer entry point: the IF-MIB parser fed varbinds decoded from the bytes by structure
// rather than BER (most random bytes are not BER, and net-snmp rejects them before any varbind
// exists), so the fuzzer spends its time where the parser's decisions are: each varbind picks an
// IF-MIB column (or sysUpTime.0, ifNumber.0, or a made-up OID), an ifIndex from a small range (so
// ports repeat and collide), sometimes an index of several sub-identifiers, a type tag (the
// expected one, another one, or any byte) and a value. if_mib_fuzz_check.h checks the results.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "collectors/snmp/if_mib_fuzz_check.h"

namespace {

constexpr uint8_t kTags[] = {0x02, 0x04, 0x05, 0x06, 0x40, 0x41, 0x42,
                             0x43, 0x44, 0x46, 0x80, 0x81, 0x82};

netif::Varbind NextVarbind(FuzzedDataProvider& in) {
  netif::Varbind vb;
  const uint8_t what = in.ConsumeIntegral<uint8_t>();
  if (what < 200) {
    const netif::IfColumnInfo& info = netif::kIfColumns[what % netif::kIfColumnCount];
    vb.oid = netif::IfColumnOid(info.column);
    vb.oid.push_back(in.ConsumeBool() ? in.ConsumeIntegralInRange<uint32_t>(0, 8)
                                      : in.ConsumeIntegral<uint32_t>());
    if (in.ConsumeProbability<float>() < 0.05f) vb.oid.push_back(in.ConsumeIntegral<uint32_t>());
  } else if (what < 215) {
    vb.oid.assign(netif::kSysUpTimeInstance.begin(), netif::kSysUpTimeInstance.end());
  } else if (what < 230) {
    vb.oid.assign(netif::kIfNumberInstance.begin(), netif::kIfNumberInstance.end());
  } else {
    const size_t length = in.ConsumeIntegralInRange<size_t>(0, 16);
    for (size_t i = 0; i < length; ++i) vb.oid.push_back(in.ConsumeIntegral<uint32_t>());
  }
  const uint8_t tag_choice = in.ConsumeIntegral<uint8_t>();
  vb.type = tag_choice < 240 ? kTags[tag_choice % sizeof kTags] : in.ConsumeIntegral<uint8_t>();
  vb.integer = in.ConsumeIntegral<int64_t>();
  vb.unsigned_value = in.ConsumeBool() ? in.ConsumeIntegralInRange<uint64_t>(0, 0xFFFFFFFFu)
                                       : in.ConsumeIntegral<uint64_t>();
  vb.bytes = in.ConsumeRandomLengthString(2048);
  return vb;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  std::vector<netif::Varbind> varbinds;
  while (in.remaining_bytes() > 0 && varbinds.size() < 4096) varbinds.push_back(NextVarbind(in));
  netif::fuzz::WalkAndParse(varbinds);
  return 0;
}
