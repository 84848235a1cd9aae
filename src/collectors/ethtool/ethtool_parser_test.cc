#include "collectors/ethtool/ethtool_parser.h"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace netif {
namespace {

// The bytes of src/collectors/ethtool/testdata/<name> (captured by capture_fixtures.py).
std::vector<uint8_t> Fixture(const std::string& name) {
  const std::string path =
      std::string(NETIF_SOURCE_DIR) + "/src/collectors/ethtool/testdata/" + name;
  std::ifstream file(path, std::ios::binary);
  EXPECT_TRUE(file) << "cannot read " << path;
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

void PutU32(std::vector<uint8_t>& bytes, std::size_t offset, uint32_t value) {
  std::memcpy(bytes.data() + offset, &value, sizeof value);
}

TEST(EthtoolParserTest, VethDriverInfo) {
  EthtoolDriverInfo info;
  ASSERT_TRUE(ParseEthtoolDriverInfo(Fixture("veth_drvinfo.bin"), info).ok());
  EXPECT_EQ(info.driver, "veth");
  EXPECT_EQ(info.version, "1.0");  // the bytes after the NUL are the kernel's leftovers
  EXPECT_EQ(info.firmware_version, "");
  EXPECT_EQ(info.bus_info, "");
  EXPECT_EQ(info.n_stats, 10u);
}

TEST(EthtoolParserTest, VirtioDriverInfo) {
  EthtoolDriverInfo info;
  ASSERT_TRUE(ParseEthtoolDriverInfo(Fixture("virtio_drvinfo.bin"), info).ok());
  EXPECT_EQ(info.driver, "virtio_net");
  EXPECT_EQ(info.version, "1.0.0");
  EXPECT_EQ(info.bus_info, "0000:00:03.0");
  EXPECT_EQ(info.n_stats, 20u);
}

TEST(EthtoolParserTest, VethStringsAndStats) {
  std::vector<std::string> names;
  ASSERT_TRUE(ParseEthtoolStrings(Fixture("veth_strings.bin"), names).ok());
  ASSERT_EQ(names.size(), 10u);
  EXPECT_EQ(names[0], "peer_ifindex");
  EXPECT_EQ(names[1], "rx_queue_0_xdp_packets");
  std::vector<uint64_t> values;
  ASSERT_TRUE(ParseEthtoolStats(Fixture("veth_stats.bin"), values).ok());
  ASSERT_EQ(values.size(), 10u);
  EXPECT_EQ(values[0], 2u);  // the peer's ifindex in the capturing namespace
}

TEST(EthtoolParserTest, AThirtyTwoByteNameHasNoNul) {
  std::vector<uint8_t> reply(12 + 2 * 32, 'a');
  PutU32(reply, 8, 2);
  reply[12 + 32 + 1] = 0;  // the second is "a"
  std::vector<std::string> names;
  ASSERT_TRUE(ParseEthtoolStrings(reply, names).ok());
  ASSERT_EQ(names.size(), 2u);
  EXPECT_EQ(names[0], std::string(32, 'a'));
  EXPECT_EQ(names[1], "a");
}

TEST(EthtoolParserTest, CountsTheBufferCannotHoldAreErrors) {
  std::vector<uint8_t> strings(12 + 3 * 32 + 31, 0);
  PutU32(strings, 8, 4);  // room for 3 only
  std::vector<std::string> names{"stale"};
  const Status s = ParseEthtoolStrings(strings, names);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "string set: 4 names announced, room for 3");
  EXPECT_TRUE(names.empty());

  std::vector<uint8_t> stats(8 + 2 * 8 + 7, 0);
  PutU32(stats, 4, 3);
  std::vector<uint64_t> values;
  EXPECT_FALSE(ParseEthtoolStats(stats, values).ok());
  PutU32(stats, 4, 0xFFFFFFFF);
  EXPECT_FALSE(ParseEthtoolStats(stats, values).ok());
  EXPECT_TRUE(values.empty());
}

TEST(EthtoolParserTest, CutHeadersAreErrors) {
  const std::vector<uint8_t> short_reply(7, 0);
  EthtoolDriverInfo info;
  EXPECT_EQ(ParseEthtoolDriverInfo(std::vector<uint8_t>(195, 0), info).message(),
            "driver info: need 196 bytes, the reply has 195");
  std::vector<std::string> names;
  EXPECT_FALSE(ParseEthtoolStrings(short_reply, names).ok());
  std::vector<uint64_t> values;
  EXPECT_FALSE(ParseEthtoolStats(short_reply, values).ok());
  EXPECT_TRUE(ParseEthtoolStats(std::vector<uint8_t>(8, 0), values).ok());  // none is fine
  EXPECT_TRUE(values.empty());
}

TEST(EthtoolParserTest, FieldsWithoutNulTakeAllTheirBytes) {
  std::vector<uint8_t> reply(196, 'x');
  EthtoolDriverInfo info;
  ASSERT_TRUE(ParseEthtoolDriverInfo(reply, info).ok());
  EXPECT_EQ(info.driver, std::string(32, 'x'));
  EXPECT_EQ(info.erom_version, std::string(32, 'x'));
}

}  // namespace
}  // namespace netif
