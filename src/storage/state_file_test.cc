#include "storage/state_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

namespace netif {
namespace {

std::span<const uint8_t> Bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

StateFile Sample() {
  StateFile file;
  file.saved_unix_seconds = 1'764'000'000.5;
  file.saved_monotonic_seconds = 12'345.25;
  file.analytics_settings = EncodeAnalyticsSettings(AnalyticsSettings());
  file.interfaces.push_back({{"local", "eth0"}, 2, std::string("state-of-eth0")});
  file.interfaces.push_back({{"snmp/sw1", "7"}, std::nullopt, std::string(300, '\x07')});
  file.interfaces.push_back({{"local", "veth-a"}, 40, ""});
  return file;
}

// Rewrites the checksum, so that a test of another check is not caught by the CRC instead.
void Reseal(std::string& bytes) {
  const uLong crc = crc32(crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(bytes.data()),
                          static_cast<uInt>(bytes.size() - 4));
  for (int i = 0; i < 4; ++i)
    bytes[bytes.size() - 4 + i] = static_cast<char>((crc >> (8 * i)) & 0xFF);
}

std::string ErrorOf(const std::string& bytes) {
  auto parsed = ParseStateFile(Bytes(bytes));
  auto* error = std::get_if<std::string>(&parsed);
  return error ? *error : "";
}

TEST(StateFileTest, RoundTrips) {
  const StateFile file = Sample();
  const std::string bytes = EncodeStateFile(file);
  EXPECT_EQ(bytes.substr(0, 8), "NETIFST1");
  auto parsed = ParseStateFile(Bytes(bytes));
  ASSERT_TRUE(std::holds_alternative<StateFile>(parsed)) << std::get<std::string>(parsed);
  const StateFile& back = std::get<StateFile>(parsed);
  EXPECT_EQ(back.saved_unix_seconds, file.saved_unix_seconds);
  EXPECT_EQ(back.saved_monotonic_seconds, file.saved_monotonic_seconds);
  EXPECT_EQ(back.analytics_settings, file.analytics_settings);
  ASSERT_EQ(back.interfaces.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(back.interfaces[i].key, file.interfaces[i].key);
    EXPECT_EQ(back.interfaces[i].ifindex, file.interfaces[i].ifindex);
    EXPECT_EQ(back.interfaces[i].state, file.interfaces[i].state);
  }
  // One spelling: encoding what was parsed gives the same bytes.
  EXPECT_EQ(EncodeStateFile(back), bytes);
}

TEST(StateFileTest, EveryTruncationIsRejected) {
  const std::string bytes = EncodeStateFile(Sample());
  for (std::size_t size = 0; size < bytes.size(); ++size) {
    EXPECT_FALSE(ErrorOf(bytes.substr(0, size)).empty()) << size;
  }
  EXPECT_FALSE(ErrorOf(bytes + '\0').empty());  // and a longer file
}

TEST(StateFileTest, EveryBitFlipIsRejected) {
  const std::string bytes = EncodeStateFile(Sample());
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string flipped = bytes;
      flipped[i] = static_cast<char>(flipped[i] ^ (1 << bit));
      EXPECT_FALSE(ErrorOf(flipped).empty()) << "byte " << i << " bit " << bit;
    }
  }
  // Past the header, it is the checksum that catches it.
  std::string flipped = bytes;
  flipped[40] = static_cast<char>(flipped[40] ^ 1);
  EXPECT_EQ(ErrorOf(flipped), "bad checksum");
}

TEST(StateFileTest, FutureVersionIsRejected) {
  std::string bytes = EncodeStateFile(Sample());
  bytes[8] = 2;
  Reseal(bytes);
  EXPECT_EQ(ErrorOf(bytes), "format version 2, this exporter reads version 1");
}

TEST(StateFileTest, ForeignFilesAreRejected) {
  std::string bytes = EncodeStateFile(Sample());
  bytes[0] = 'X';
  Reseal(bytes);
  EXPECT_EQ(ErrorOf(bytes), "not a netif_exporter state file (magic)");
  EXPECT_EQ(ErrorOf(""), "not a netif_exporter state file (magic)");
  EXPECT_EQ(ErrorOf("global:\n  scrape_interval: 15s\n"),
            "not a netif_exporter state file (magic)");
  // The right magic and random rest.
  std::mt19937 random(7);
  for (int round = 0; round < 200; ++round) {
    std::string garbage = "NETIFST1";
    const int length = static_cast<int>(random() % 200);
    for (int i = 0; i < length; ++i) garbage.push_back(static_cast<char>(random()));
    EXPECT_FALSE(ErrorOf(garbage).empty());
  }
}

TEST(StateFileTest, AResealedPayloadThatDoesNotParseIsRejected) {
  std::string bytes = EncodeStateFile(Sample());
  // The interface count (after the two times and the settings string) claims far more.
  const std::size_t count_at = 24 + 16 + 4 + Sample().analytics_settings.size();
  bytes[count_at + 3] = 0x7F;
  Reseal(bytes);
  EXPECT_EQ(ErrorOf(bytes), "bad interface count");
}

class StateFileOnDiskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/netif_state_test.XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
};

TEST_F(StateFileOnDiskTest, WritesAtomicallyAndLoads) {
  const std::string path = dir_ + "/state";
  ASSERT_TRUE(WriteFileAtomically(path, EncodeStateFile(Sample())).ok());
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  auto loaded = LoadStateFile(path);
  ASSERT_TRUE(loaded.has_value());
  EXPECT_EQ(loaded->interfaces.size(), 3u);
  // Replaced whole.
  StateFile smaller = Sample();
  smaller.interfaces.resize(1);
  ASSERT_TRUE(WriteFileAtomically(path, EncodeStateFile(smaller)).ok());
  loaded = LoadStateFile(path);
  ASSERT_TRUE(loaded.has_value());
  EXPECT_EQ(loaded->interfaces.size(), 1u);
}

TEST_F(StateFileOnDiskTest, MissingCorruptAndUnreadableFilesGiveNoState) {
  EXPECT_FALSE(LoadStateFile(dir_ + "/missing").has_value());
  const std::string path = dir_ + "/state";
  std::string bytes = EncodeStateFile(Sample());
  bytes[bytes.size() / 2] ^= 0x10;
  ASSERT_TRUE(WriteFileAtomically(path, bytes).ok());
  EXPECT_FALSE(LoadStateFile(path).has_value());
  EXPECT_FALSE(LoadStateFile(dir_).has_value());  // a directory: read fails
}

// A FIFO (nobody writing) or an endless device in place of the state file: refused at once, never
// waited on or read without end.
TEST_F(StateFileOnDiskTest, AFifoOrAnEndlessDeviceIsRefusedWithoutBlocking) {
  const std::string fifo = dir_ + "/fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_FALSE(LoadStateFile(fifo).has_value());
  const std::string endless = dir_ + "/endless";
  ASSERT_EQ(::symlink("/dev/zero", endless.c_str()), 0);
  EXPECT_FALSE(LoadStateFile(endless).has_value());
}

TEST_F(StateFileOnDiskTest, WriteIntoAMissingDirectoryFails) {
  const Status status = WriteFileAtomically(dir_ + "/no/such/dir/state", "x");
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("open"), std::string::npos);
}

}  // namespace
}  // namespace netif
