// A minimal BER codec for community-based SNMP messages (v1 and v2c), written from RFC 3416 and
// X.690 rather than taken from net-snmp, so that what the tests' own agent sends is decoded by
// the exporter independently of how it was built: requests in (GetNext, GetBulk), responses out,
// and fuzz seeds built from recordings.
//
// Thread-safety: pure functions over their arguments.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/snmp/varbind.h"

namespace netif::testing_support {

inline constexpr uint8_t kPduGetNext = 0xA1;
inline constexpr uint8_t kPduResponse = 0xA2;
inline constexpr uint8_t kPduGetBulk = 0xA5;

struct SnmpMessage {
  int64_t version = 1;  // 0 = SNMPv1, 1 = SNMPv2c
  std::string community = "public";
  uint8_t pdu_type = kPduResponse;
  int64_t request_id = 0;
  int64_t error_status = 0;  // non-repeaters in a GetBulk
  int64_t error_index = 0;   // max-repetitions in a GetBulk
  std::vector<Varbind> varbinds;
};

// The message as it goes on the wire. A varbind's value is encoded by its type tag: INTEGER from
// `integer`; Counter32, Gauge32, TimeTicks, Counter64 from `unsigned_value`; OCTET STRING,
// IpAddress, Opaque from `bytes`; OBJECT IDENTIFIER from `bytes` in dotted form; anything else
// (NULL, noSuchObject, endOfMibView, an unknown tag) with an empty value.
std::string EncodeSnmpMessage(const SnmpMessage& message);

// nullopt unless `bytes` is one well-formed message of the shape above (values decoded by the
// same rules; a varbind with a value it cannot read makes the whole message nullopt).
std::optional<SnmpMessage> DecodeSnmpMessage(std::string_view bytes);

}  // namespace netif::testing_support
