// net-snmp's decoding of response datagrams, session-less: the recordings encoded by the tests'
// own BER codec come back as the same varbinds; cut or corrupted datagrams are refused or yield
// what the parser can take, never a crash. The same inputs run through what snmp_response_fuzz
// checks, so its path is exercised on every CI run (under ASan in the sanitizer build).
#include "collectors/snmp/netsnmp_pdu.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "collectors/snmp/if_mib_fuzz_check.h"
#include "support/snmp/ber.h"
#include "support/snmp/snmprec.h"

namespace netif {
namespace {

using testing_support::EncodeSnmpMessage;
using testing_support::SnmpMessage;

std::span<const uint8_t> Bytes(const std::string& text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

std::vector<Varbind> CiscoVarbinds() {
  return testing_support::ReadSnmprecFile(
             testing_support::SharedSnmprec(testing_support::kCiscoRecording))
      .varbinds;
}

void ExpectSame(const Varbind& got, const Varbind& want) {
  EXPECT_EQ(got.oid, want.oid);
  EXPECT_EQ(got.type, want.type) << FormatOid(want.oid);
  switch (static_cast<SnmpType>(want.type)) {
    case SnmpType::kInteger:
      EXPECT_EQ(got.integer, want.integer) << FormatOid(want.oid);
      break;
    case SnmpType::kCounter32:
    case SnmpType::kGauge32:
    case SnmpType::kTimeTicks:
    case SnmpType::kCounter64:
      EXPECT_EQ(got.unsigned_value, want.unsigned_value) << FormatOid(want.oid);
      break;
    default:
      EXPECT_EQ(got.bytes, want.bytes) << FormatOid(want.oid);
  }
}

TEST(NetSnmpPduTest, ARecordedDeviceRoundTripsThroughNetSnmpsParser) {
  const std::vector<Varbind> all = CiscoVarbinds();
  ASSERT_GT(all.size(), 1000u);
  for (size_t first = 0; first < all.size(); first += 100) {
    SnmpMessage message;
    message.request_id = 4242;
    message.varbinds.assign(
        all.begin() + static_cast<std::ptrdiff_t>(first),
        all.begin() + static_cast<std::ptrdiff_t>(std::min(all.size(), first + 100)));
    const std::string datagram = EncodeSnmpMessage(message);
    const std::optional<DecodedSnmpMessage> decoded = DecodeCommunityMessage(Bytes(datagram));
    ASSERT_TRUE(decoded.has_value()) << "at varbind " << first;
    EXPECT_EQ(decoded->version, 1);
    EXPECT_EQ(decoded->community, "public");
    EXPECT_EQ(decoded->command, 0xA2);
    EXPECT_EQ(decoded->request_id, 4242);
    EXPECT_EQ(decoded->malformed_varbinds, 0u);
    ASSERT_EQ(decoded->varbinds.size(), message.varbinds.size());
    for (size_t i = 0; i < message.varbinds.size(); ++i) {
      ExpectSame(decoded->varbinds[i], message.varbinds[i]);
    }
  }
}

TEST(NetSnmpPduTest, ExceptionsAndErrorStatusAreDecoded) {
  SnmpMessage message;
  message.error_status = 2;
  message.error_index = 1;
  Varbind end;
  end.oid = {1, 3, 6, 1, 2, 1, 2, 2, 1, 2, 99};
  end.type = static_cast<uint8_t>(SnmpType::kEndOfMibView);
  message.varbinds = {end};
  const auto decoded = DecodeCommunityMessage(Bytes(EncodeSnmpMessage(message)));
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->error_status, 2);
  EXPECT_EQ(decoded->error_index, 1);
  ASSERT_EQ(decoded->varbinds.size(), 1u);
  EXPECT_TRUE(decoded->varbinds[0].IsException());
}

TEST(NetSnmpPduTest, GarbageAndSnmpV3AreRefused) {
  EXPECT_FALSE(DecodeCommunityMessage({}).has_value());
  EXPECT_FALSE(DecodeCommunityMessage(Bytes("\x30\x82\xff\xff\x02\x01\x09garbage")).has_value());
  SnmpMessage v3;
  v3.version = 3;
  EXPECT_FALSE(DecodeCommunityMessage(Bytes(EncodeSnmpMessage(v3))).has_value());
}

// Every prefix and a byte flipped at every position of a real response: decoded or refused, and
// what decodes goes through the walk and the parser with their promises kept (an abort fails the
// test binary).
TEST(NetSnmpPduTest, CutAndCorruptedResponsesNeverBreakTheDecoderOrTheParser) {
  SnmpMessage message;
  const std::vector<Varbind> all = CiscoVarbinds();
  message.varbinds.assign(all.begin() + 200, all.begin() + 240);
  const std::string datagram = EncodeSnmpMessage(message);
  size_t decoded_count = 0;
  for (size_t length = 0; length <= datagram.size(); ++length) {
    const std::string cut = datagram.substr(0, length);
    if (auto decoded = DecodeCommunityMessage(Bytes(cut))) {
      ++decoded_count;
      fuzz::WalkAndParse(decoded->varbinds);
    }
  }
  EXPECT_EQ(decoded_count, 1u);  // only the whole datagram
  for (size_t i = 0; i < datagram.size(); ++i) {
    for (uint8_t flip : {0x01, 0x80, 0xFF}) {
      std::string corrupted = datagram;
      corrupted[i] = static_cast<char>(corrupted[i] ^ flip);
      if (auto decoded = DecodeCommunityMessage(Bytes(corrupted))) {
        fuzz::WalkAndParse(decoded->varbinds);
      }
    }
  }
}

}  // namespace
}  // namespace netif
