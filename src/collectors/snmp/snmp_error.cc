#include "collectors/snmp/snmp_error.h"

namespace netif {

std::string_view SnmpErrorKindName(SnmpErrorKind kind) {
  switch (kind) {
    case SnmpErrorKind::kTimeout:
      return "timeout";
    case SnmpErrorKind::kAuth:
      return "auth";
    case SnmpErrorKind::kReport:
      return "report";
    case SnmpErrorKind::kAgent:
      return "agent";
    case SnmpErrorKind::kPacket:
      return "packet";
    case SnmpErrorKind::kOidOrder:
      return "oid_order";
    case SnmpErrorKind::kVarbind:
      return "varbind";
    case SnmpErrorKind::kTransport:
      return "transport";
    case SnmpErrorKind::kTooManyInterfaces:
      return "too_many_interfaces";
    case SnmpErrorKind::kTooManyVarbinds:
      return "too_many_varbinds";
    case SnmpErrorKind::kWalkTimeout:
      return "walk_timeout";
  }
  return "unknown";
}

}  // namespace netif
