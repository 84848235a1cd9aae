#include "util/file_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace netif {
namespace {

using ::testing::ElementsAre;

TEST(InMemoryFileReaderTest, ReadsFilesAndListsImpliedDirectories) {
  InMemoryFileReader fs;
  fs.AddFile("/sys/class/net/eth0/mtu", "1500\n");
  fs.AddFile("/sys/class/net/lo/mtu", "65536\n");
  fs.AddDirectory("/sys/devices/virtual/net/lo");
  EXPECT_EQ(fs.ReadFile("/sys/class/net/eth0/mtu"), "1500\n");
  EXPECT_FALSE(fs.ReadFile("/sys/class/net/eth0/speed").has_value());
  EXPECT_THAT(*fs.ListDirectory("/sys/class/net"), ElementsAre("eth0", "lo"));
  EXPECT_TRUE(fs.Exists("/sys/devices/virtual/net/lo"));
  EXPECT_FALSE(fs.Exists("/sys/devices/virtual/net/eth0"));
  EXPECT_FALSE(fs.ListDirectory("/nope").has_value());
}

TEST(RealFileReaderTest, ReadsListsAndReportsMissingFiles) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("netif_fr_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "a") << "hello";
  RealFileReader fs;
  EXPECT_EQ(fs.ReadFile((dir / "a").string()), "hello");
  EXPECT_FALSE(fs.ReadFile((dir / "missing").string()).has_value());
  EXPECT_THAT(*fs.ListDirectory(dir.string()), ElementsAre("a"));
  EXPECT_TRUE(fs.Exists((dir / "a").string()));
  std::filesystem::remove_all(dir);
  EXPECT_FALSE(fs.ListDirectory(dir.string()).has_value());
}

TEST(RealFileReaderTest, ReadsProcFilesWhoseSizeIsZeroInStat) {
  RealFileReader fs;
  const auto contents = fs.ReadFile("/proc/self/stat");
  ASSERT_TRUE(contents.has_value());
  EXPECT_FALSE(contents->empty());
}

}  // namespace
}  // namespace netif
