#include "collectors/snmp/snmp_quirk.h"

namespace netif {

std::string_view SnmpQuirkName(SnmpQuirk quirk) {
  switch (quirk) {
    case SnmpQuirk::kCounter64InCounter32:
      return "counter64_in_counter32";
    case SnmpQuirk::kGaugeAsCounter:
      return "gauge_as_counter";
    case SnmpQuirk::kIntegerAsCounter:
      return "integer_as_counter";
    case SnmpQuirk::kSpeedWrongType:
      return "speed_wrong_type";
    case SnmpQuirk::kSpeedOctetString:
      return "speed_octet_string";
    case SnmpQuirk::kSpeedOutOfRange:
      return "speed_out_of_range";
    case SnmpQuirk::kHighSpeedZero:
      return "high_speed_zero";
    case SnmpQuirk::kEmptyIfName:
      return "empty_ifname";
    case SnmpQuirk::kTableHole:
      return "table_hole";
    case SnmpQuirk::kIgnoredMaxRepetitions:
      return "ignored_max_repetitions";
    case SnmpQuirk::kPastColumnEnd:
      return "past_column_end";
    case SnmpQuirk::kRepeatedOid:
      return "repeated_oid";
    case SnmpQuirk::kCount:
      break;
  }
  return "unknown";
}

}  // namespace netif
