// Ways an agent bends the MIB that the exporter forgives because their meaning is still clear:
// the `kind` label of netif_snmp_quirks_total. A quirk is counted and its value used; a varbind
// whose meaning is unclear is not a quirk but an error (SnmpErrorKind::kVarbind) and is skipped.
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace netif {

enum class SnmpQuirk : uint8_t {
  kCounter64InCounter32,   // a Counter64 in a Counter32 column: read as a 64-bit counter
  kGaugeAsCounter,         // a Gauge32 where a counter is specified: read as a 32-bit counter
  kIntegerAsCounter,       // a non-negative INTEGER where a counter is specified: 32-bit counter
  kSpeedWrongType,         // ifSpeed/ifHighSpeed as INTEGER, Counter32 or Counter64: its value
  kSpeedOctetString,       // ifSpeed as decimal digits in an OCTET STRING: their value
  kSpeedOutOfRange,        // ifSpeed above 2^32-1 (bits per second): taken as it is
  kHighSpeedZero,          // ifSpeed saturated and ifHighSpeed 0: no speed exported
  kEmptyIfName,            // ifName present but empty: ifDescr names the port
  kTableHole,              // a port lacking a column other ports of the same walk have
  kIgnoredMaxRepetitions,  // a GETBULK response with more rows than asked for: all read
  kPastColumnEnd,          // a varbind of a column after that column ended: ignored
  kRepeatedOid,            // the agent sent an OID again within a column: the repeat ignored
  kCount,
};
inline constexpr size_t kSnmpQuirkCount = static_cast<size_t>(SnmpQuirk::kCount);
std::string_view SnmpQuirkName(SnmpQuirk quirk);  // "counter64_in_counter32", ...

// How often each quirk was seen, and one example of each (for the once-per-kind log line).
struct SnmpQuirkCounts {
  std::array<uint64_t, kSnmpQuirkCount> counts{};
  std::array<std::string, kSnmpQuirkCount> examples;

  void Add(SnmpQuirk quirk, std::string_view example, uint64_t n = 1) {
    const size_t i = static_cast<size_t>(quirk);
    if (counts[i] == 0) examples[i] = example;
    counts[i] += n;
  }
  uint64_t Count(SnmpQuirk quirk) const { return counts[static_cast<size_t>(quirk)]; }
  bool Any() const {
    for (uint64_t n : counts) {
      if (n > 0) return true;
    }
    return false;
  }
  void Clear() { *this = {}; }
  void Merge(const SnmpQuirkCounts& other) {
    for (size_t i = 0; i < kSnmpQuirkCount; ++i) {
      if (other.counts[i] > 0) Add(static_cast<SnmpQuirk>(i), other.examples[i], other.counts[i]);
    }
  }
};

}  // namespace netif
