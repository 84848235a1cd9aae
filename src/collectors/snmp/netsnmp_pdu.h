// net-snmp's decoded PDUs as the plain data everything above the session sees: the varbinds of a
// netsnmp_variable_list (what SnmpSession's callback converts while net-snmp owns the PDU), and a
// community-based (v1/v2c) message decoded from raw bytes by net-snmp's own BER parser without a
// session (snmp_comstr_parse, then snmp_pdu_parse, as net-snmp does for such a message before it
// looks at its session), for the fuzz target and the tests that check the conversion on the
// bytes an agent sends.
//
// Thread-safety: pure functions over their arguments (net-snmp's parser keeps no state for
// community-based messages).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "collectors/snmp/varbind.h"

struct variable_list;  // net-snmp's netsnmp_variable_list

namespace netif {

// Appends each of net-snmp's varbinds to `out`; returns how many were malformed and left out (an
// OID sub-identifier, or an OBJECT IDENTIFIER value's, above 2^32-1).
size_t AppendVarbinds(const variable_list* variables, std::vector<Varbind>& out);

struct DecodedSnmpMessage {
  long version = 0;  // 0 = SNMPv1, 1 = SNMPv2c
  std::string community;
  int command = 0;  // the PDU's tag, e.g. 0xA2 (Response)
  long request_id = 0;
  long error_status = 0;
  long error_index = 0;
  std::vector<Varbind> varbinds;
  size_t malformed_varbinds = 0;
};

// nullopt when net-snmp cannot decode `bytes` as an SNMPv1 or SNMPv2c message.
std::optional<DecodedSnmpMessage> DecodeCommunityMessage(std::span<const uint8_t> bytes);

}  // namespace netif
