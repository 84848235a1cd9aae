#include "collectors/snmp/varbind.h"

#include <cstdio>

namespace netif {

std::string SnmpTypeName(uint8_t tag) {
  switch (static_cast<SnmpType>(tag)) {
    case SnmpType::kInteger:
      return "INTEGER";
    case SnmpType::kOctetString:
      return "OCTET STRING";
    case SnmpType::kNull:
      return "NULL";
    case SnmpType::kObjectId:
      return "OBJECT IDENTIFIER";
    case SnmpType::kIpAddress:
      return "IpAddress";
    case SnmpType::kCounter32:
      return "Counter32";
    case SnmpType::kGauge32:
      return "Gauge32";
    case SnmpType::kTimeTicks:
      return "TimeTicks";
    case SnmpType::kOpaque:
      return "Opaque";
    case SnmpType::kCounter64:
      return "Counter64";
    case SnmpType::kNoSuchObject:
      return "noSuchObject";
    case SnmpType::kNoSuchInstance:
      return "noSuchInstance";
    case SnmpType::kEndOfMibView:
      return "endOfMibView";
  }
  char text[16];
  std::snprintf(text, sizeof text, "type 0x%02x", tag);
  return text;
}

}  // namespace netif
