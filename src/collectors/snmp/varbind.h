// A variable binding as the IF-MIB parser and the column walker see it: the OID, the BER type tag
// the agent sent and the value, decoded but not interpreted. The session layer converts
// net-snmp's netsnmp_variable_list into these, and the tests build them from snmprec recordings,
// so everything above the session is pure and testable without an agent.
//
// Thread-safety: plain value.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "collectors/snmp/oid.h"

namespace netif {

// BER tags (RFC 3416 / RFC 2578) as they appear on the wire and in snmprec files.
enum class SnmpType : uint8_t {
  kInteger = 0x02,
  kOctetString = 0x04,
  kNull = 0x05,
  kObjectId = 0x06,
  kIpAddress = 0x40,
  kCounter32 = 0x41,
  kGauge32 = 0x42,
  kTimeTicks = 0x43,
  kOpaque = 0x44,
  kCounter64 = 0x46,
  kNoSuchObject = 0x80,
  kNoSuchInstance = 0x81,
  kEndOfMibView = 0x82,
};

// "Counter32", "OCTET STRING", ... or "type 0x47" for a tag SNMP does not define.
std::string SnmpTypeName(uint8_t tag);

struct Varbind {
  Oid oid;
  uint8_t type = static_cast<uint8_t>(SnmpType::kNull);  // any tag a broken agent may send
  int64_t integer = 0;                                   // kInteger
  uint64_t unsigned_value = 0;  // kCounter32, kGauge32, kTimeTicks, kCounter64
  std::string bytes;            // kOctetString, kIpAddress, kOpaque; kObjectId as dotted text

  bool Is(SnmpType t) const { return type == static_cast<uint8_t>(t); }
  // noSuchObject, noSuchInstance, endOfMibView: "no value here", not a value.
  bool IsException() const {
    return Is(SnmpType::kNoSuchObject) || Is(SnmpType::kNoSuchInstance) ||
           Is(SnmpType::kEndOfMibView);
  }
};

}  // namespace netif
