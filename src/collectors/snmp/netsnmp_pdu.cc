#include "collectors/snmp/netsnmp_pdu.h"

// net-snmp-config.h must come first, then net-snmp-includes.h, then the library headers.
// clang-format off
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/library/snmp_impl.h>
// clang-format on

#include <limits>
#include <memory>
#include <utility>

#include "collectors/snmp/oid.h"

namespace netif {
namespace {

constexpr uint64_t kMaxSubIdentifier = std::numeric_limits<uint32_t>::max();

// netsnmp_variable_list -> Varbind. False when a sub-identifier does not fit 32 bits.
bool ConvertVarbind(const netsnmp_variable_list& v, Varbind& out) {
  out.oid.resize(v.name_length);
  for (size_t i = 0; i < v.name_length; ++i) {
    if (v.name[i] > kMaxSubIdentifier) return false;
    out.oid[i] = static_cast<uint32_t>(v.name[i]);
  }
  out.type = v.type;
  switch (v.type) {
    case ASN_INTEGER:
      if (v.val.integer != nullptr) out.integer = *v.val.integer;
      break;
    case ASN_COUNTER:
    case ASN_GAUGE:
    case ASN_TIMETICKS:
      // net-snmp keeps these unsigned values in a long.
      if (v.val.integer != nullptr) out.unsigned_value = static_cast<unsigned long>(*v.val.integer);
      break;
    case ASN_COUNTER64:
      if (v.val.counter64 != nullptr) {
        out.unsigned_value = (static_cast<uint64_t>(v.val.counter64->high) << 32) |
                             (v.val.counter64->low & 0xFFFFFFFFu);
      }
      break;
    case ASN_OCTET_STR:
    case ASN_IPADDRESS:
    case ASN_OPAQUE:
      if (v.val.string != nullptr) {
        out.bytes.assign(reinterpret_cast<const char*>(v.val.string), v.val_len);
      }
      break;
    case ASN_OBJECT_ID:
      if (v.val.objid != nullptr) {
        Oid value;
        for (size_t i = 0; i < v.val_len / sizeof(oid); ++i) {
          if (v.val.objid[i] > kMaxSubIdentifier) return false;
          value.push_back(static_cast<uint32_t>(v.val.objid[i]));
        }
        out.bytes = FormatOid(value);
      }
      break;
    default:
      break;  // NULL, exceptions, or a type SNMP does not define: the tag says it all
  }
  return true;
}

struct PduDeleter {
  void operator()(netsnmp_pdu* pdu) const { snmp_free_pdu(pdu); }
};

}  // namespace

size_t AppendVarbinds(const variable_list* variables, std::vector<Varbind>& out) {
  size_t malformed = 0;
  for (const netsnmp_variable_list* v = variables; v != nullptr; v = v->next_variable) {
    Varbind vb;
    if (ConvertVarbind(*v, vb)) {
      out.push_back(std::move(vb));
    } else {
      ++malformed;
    }
  }
  return malformed;
}

std::optional<DecodedSnmpMessage> DecodeCommunityMessage(std::span<const uint8_t> bytes) {
  // net-snmp's parsers take a non-const pointer but only read.
  auto* data = const_cast<u_char*>(bytes.data());
  size_t length = bytes.size();
  u_char community[256];
  size_t community_length = sizeof community;
  long version = -1;
  u_char* pdu_data = snmp_comstr_parse(data, &length, community, &community_length, &version);
  if (pdu_data == nullptr) return std::nullopt;
  if (version != SNMP_VERSION_1 && version != SNMP_VERSION_2c) return std::nullopt;
  // snmp_pdu_parse fills a zeroed PDU (as net-snmp's own fuzzers give it) and allocates the
  // varbinds, which snmp_free_pdu releases whatever the parse got to.
  std::unique_ptr<netsnmp_pdu, PduDeleter> pdu(
      static_cast<netsnmp_pdu*>(calloc(1, sizeof(netsnmp_pdu))));
  if (!pdu) return std::nullopt;
  pdu->version = version;
  if (snmp_pdu_parse(pdu.get(), pdu_data, &length) != 0) return std::nullopt;
  DecodedSnmpMessage message;
  message.version = version;
  message.community.assign(reinterpret_cast<const char*>(community), community_length);
  message.command = pdu->command;
  message.request_id = pdu->reqid;
  message.error_status = pdu->errstat;
  message.error_index = pdu->errindex;
  message.malformed_varbinds = AppendVarbinds(pdu->variables, message.varbinds);
  return message;
}

}  // namespace netif
