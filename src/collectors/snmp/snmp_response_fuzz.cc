// libFuzzer entry point: arbitrary bytes as an SNMP response datagram. net-snmp's own BER parser
// decodes them without a session (DecodeCommunityMessage, as for a v1/v2c message), and the
// varbinds it yields go through the column walk and the IF-MIB parser (if_mib_fuzz_check.h
// checks their promises). Neither may crash or read outside the bytes; AddressSanitizer watches
// our code (net-snmp itself is the system library, not instrumented: its own project fuzzes it).
//
// Seeds: snmp_fuzz_seeds (a test helper program) encodes the snmprec recordings of
// ../shared/testdata as Response datagrams; see this folder's README.
#include <cstddef>
#include <cstdint>
#include <span>

#include "collectors/snmp/if_mib_fuzz_check.h"
#include "collectors/snmp/netsnmp_pdu.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::optional<netif::DecodedSnmpMessage> message =
      netif::DecodeCommunityMessage(std::span<const uint8_t>(data, size));
  if (!message) return 0;
  netif::fuzz::Check(message->version == 0 || message->version == 1);
  // Each varbind takes at least a few bytes of the datagram.
  netif::fuzz::Check(message->varbinds.size() + message->malformed_varbinds <= size);
  netif::fuzz::WalkAndParse(message->varbinds);
  return 0;
}
