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

TEST(RealFileReaderTest, ReadsFilesOfEverySizeAroundItsBufferWhole) {
  // Small files are read through a stack buffer, larger ones straight into the string: the sizes
  // around the switch (8 KiB) and several doublings past it must all come back byte for byte.
  const auto dir =
      std::filesystem::temp_directory_path() / ("netif_fr_sizes_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  RealFileReader fs;
  for (const std::size_t size : {0u, 1u, 8191u, 8192u, 8193u, 16384u, 16385u, 700001u}) {
    std::string bytes(size, '\0');
    for (std::size_t i = 0; i < size; ++i)
      bytes[i] = static_cast<char>('a' + (i * 7 + i / 13) % 26);
    const auto path = dir / ("f" + std::to_string(size));
    std::ofstream(path, std::ios::binary) << bytes;
    EXPECT_EQ(fs.ReadFile(path.string()), bytes) << size << " bytes";
  }
  std::filesystem::remove_all(dir);
}

TEST(RealFileReaderTest, ReadsALargeProcFileWhole) {
  // /proc/self/smaps is served by seq_file like /proc/net/dev, and is larger than the stack
  // buffer: it comes in several reads. Every line ends with '\n'.
  RealFileReader fs;
  const auto contents = fs.ReadFile("/proc/self/smaps");
  ASSERT_TRUE(contents.has_value());
  ASSERT_GT(contents->size(), 8192u);
  EXPECT_EQ(contents->back(), '\n');
  EXPECT_EQ(contents->find('\0'), std::string::npos);
}

}  // namespace
}  // namespace netif
