#include "util/file_reader.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>

namespace netif {
namespace {

using ::testing::ElementsAre;

TEST(InMemoryFileReaderTest, ReadsFilesAndListsImpliedDirectories) {
  InMemoryFileReader fs;
  fs.AddFile("/sys/class/net/eth0/mtu", "1500\n");
  fs.AddFile("/sys/class/net/lo/mtu", "65536\n");
  fs.AddDirectory("/sys/devices/virtual/net/lo");
  EXPECT_EQ(fs.ReadFile("/sys/class/net/eth0/mtu", 4096), "1500\n");
  EXPECT_FALSE(fs.ReadFile("/sys/class/net/eth0/speed", 4096).has_value());
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
  EXPECT_EQ(fs.ReadFile((dir / "a").string(), 4096), "hello");
  EXPECT_FALSE(fs.ReadFile((dir / "missing").string(), 4096).has_value());
  EXPECT_THAT(*fs.ListDirectory(dir.string()), ElementsAre("a"));
  EXPECT_TRUE(fs.Exists((dir / "a").string()));
  std::filesystem::remove_all(dir);
  EXPECT_FALSE(fs.ListDirectory(dir.string()).has_value());
}

TEST(RealFileReaderTest, ReadLinkGivesTheTargetAsWrittenAndNothingForOtherFiles) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("netif_rl_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "br0");
  std::filesystem::create_directory_symlink("../br0", dir / "master");
  std::filesystem::create_symlink("nowhere", dir / "dangling");
  std::ofstream(dir / "plain") << "1\n";
  RealFileReader fs;
  EXPECT_EQ(fs.ReadLink((dir / "master").string()), "../br0");
  EXPECT_EQ(fs.ReadLink((dir / "dangling").string()), "nowhere");
  EXPECT_FALSE(fs.ReadLink((dir / "plain").string()).has_value());
  EXPECT_FALSE(fs.ReadLink((dir / "missing").string()).has_value());
  std::filesystem::remove_all(dir);
}

TEST(InMemoryFileReaderTest, ReadLinkGivesTheTargetOfASymlinkOnly) {
  InMemoryFileReader fs;
  fs.AddSymlink("/sys/class/net/veth0/master", "../br0");
  fs.AddFile("/sys/class/net/veth0/mtu", "1500\n");
  EXPECT_EQ(fs.ReadLink("/sys/class/net/veth0/master"), "../br0");
  EXPECT_FALSE(fs.ReadLink("/sys/class/net/veth0/mtu").has_value());
  EXPECT_FALSE(fs.ReadFile("/sys/class/net/veth0/master", 4096).has_value());
  EXPECT_TRUE(fs.Exists("/sys/class/net/veth0/master"));
  EXPECT_THAT(*fs.ListDirectory("/sys/class/net/veth0"), ElementsAre("master", "mtu"));
}

TEST(RealFileReaderTest, ReadsProcFilesWhoseSizeIsZeroInStat) {
  RealFileReader fs;
  const auto contents = fs.ReadFile("/proc/self/stat", 1 << 16);
  ASSERT_TRUE(contents.has_value());
  EXPECT_FALSE(contents->empty());
}

TEST(RealFileReaderTest, ReadsFilesOfEverySizeAroundItsBufferWhole) {
  // Files are read through an 8 KiB stack buffer: the sizes around it and several times past it
  // must all come back byte for byte.
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
    EXPECT_EQ(fs.ReadFile(path.string(), 1 << 20), bytes) << size << " bytes";
  }
  std::filesystem::remove_all(dir);
}

TEST(RealFileReaderTest, ReadsALargeProcFileWhole) {
  // /proc/self/smaps is served by seq_file like /proc/net/dev, and is larger than the stack
  // buffer: it comes in several reads. Every line ends with '\n'.
  RealFileReader fs;
  const auto contents = fs.ReadFile("/proc/self/smaps", 64 << 20);
  ASSERT_TRUE(contents.has_value());
  ASSERT_GT(contents->size(), 8192u);
  EXPECT_EQ(contents->back(), '\n');
  EXPECT_EQ(contents->find('\0'), std::string::npos);
}

// A scratch directory for one test, removed at the end.
class ScratchDirectory {
 public:
  explicit ScratchDirectory(const std::string& name)
      : path_(std::filesystem::temp_directory_path() /
              ("netif_fr_" + name + "_" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDirectory() { std::filesystem::remove_all(path_); }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

TEST(ReadRegularFileTest, ReadsUpToTheCapAndRefusesOneByteMore) {
  const ScratchDirectory dir("cap");
  std::ofstream(dir / "exact") << std::string(100, 'x');
  const FileRead exact = ReadRegularFile(dir / "exact", 100);
  EXPECT_EQ(exact.status, FileReadStatus::kOk);
  EXPECT_EQ(exact.contents, std::string(100, 'x'));

  const FileRead over = ReadRegularFile(dir / "exact", 99);
  EXPECT_EQ(over.status, FileReadStatus::kTooLarge);
  EXPECT_TRUE(over.refused());
  EXPECT_TRUE(over.contents.empty());
  EXPECT_EQ(over.Describe(), "larger than 99 bytes");
  EXPECT_EQ(over.RefusalReason(), "too_large");

  // Past the stack buffer too.
  std::ofstream(dir / "big") << std::string(100'000, 'y');
  EXPECT_EQ(ReadRegularFile(dir / "big", 50'000).status, FileReadStatus::kTooLarge);
  EXPECT_EQ(ReadRegularFile(dir / "big", 100'000).contents.size(), 100'000u);
}

TEST(ReadRegularFileTest, AMissingFileIsUnavailableNotRefused) {
  const ScratchDirectory dir("missing");
  const FileRead missing = ReadRegularFile(dir / "nope", 4096);
  EXPECT_EQ(missing.status, FileReadStatus::kUnavailable);
  EXPECT_EQ(missing.error_number, ENOENT);
  EXPECT_FALSE(missing.refused());
  EXPECT_EQ(missing.Describe(), "No such file or directory");
}

TEST(ReadRegularFileTest, RefusesAFifoAtOnceInsteadOfWaitingForAWriter) {
  const ScratchDirectory dir("fifo");
  const std::string fifo = dir / "fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  auto read = std::async(std::launch::async, [&] { return ReadRegularFile(fifo, 4096); });
  if (read.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
    // A blocking open() waits for a writer: be one, so the reader returns and the test ends.
    const int writer = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
    if (writer >= 0) ::close(writer);
    FAIL() << "reading a FIFO blocked for 10 s";
  }
  const FileRead result = read.get();
  EXPECT_EQ(result.status, FileReadStatus::kNotRegularFile);
  EXPECT_TRUE(result.refused());
  EXPECT_EQ(result.Describe(), "not a regular file (a FIFO)");
  EXPECT_EQ(result.RefusalReason(), "not_regular_file");
}

TEST(ReadRegularFileTest, RefusesAnEndlessDeviceAndADirectory) {
  // /dev/zero never ends: reading it whole would exhaust memory.
  const ScratchDirectory dir("device");
  std::filesystem::create_symlink("/dev/zero", dir / "zero");
  const FileRead zero = ReadRegularFile(dir / "zero", 4096);
  EXPECT_EQ(zero.status, FileReadStatus::kNotRegularFile);
  EXPECT_EQ(zero.Describe(), "not a regular file (a character device)");

  const FileRead directory = ReadRegularFile(dir / ".", 4096);
  EXPECT_EQ(directory.status, FileReadStatus::kNotRegularFile);
  EXPECT_EQ(directory.Describe(), "not a regular file (a directory)");
}

TEST(ReadRegularFileTest, ReadsPseudoFilesWhoseStatSizeIsNotTheirLength) {
  // procfs says 0 bytes, sysfs a page: both are read to their end, within the cap.
  const FileRead proc = ReadRegularFile("/proc/self/status", 1 << 16);
  ASSERT_EQ(proc.status, FileReadStatus::kOk) << proc.Describe();
  EXPECT_NE(proc.contents.find("Name:"), std::string::npos);
  const FileRead mtu = ReadRegularFile("/sys/class/net/lo/mtu", 4096);
  ASSERT_EQ(mtu.status, FileReadStatus::kOk) << mtu.Describe();
  EXPECT_EQ(mtu.contents.back(), '\n');
}

TEST(InMemoryFileReaderTest, RefusesSpecialFilesDirectoriesAndFilesOverTheCap) {
  InMemoryFileReader fs;
  fs.AddFile("/proc/net/dev", "12345");
  fs.AddSpecialFile("/sys/class/net/eth0/mtu", S_IFIFO);
  EXPECT_EQ(fs.Read("/proc/net/dev", 5).status, FileReadStatus::kOk);
  EXPECT_EQ(fs.Read("/proc/net/dev", 4).status, FileReadStatus::kTooLarge);
  const FileRead fifo = fs.Read("/sys/class/net/eth0/mtu", 4096);
  EXPECT_EQ(fifo.status, FileReadStatus::kNotRegularFile);
  EXPECT_EQ(fifo.Describe(), "not a regular file (a FIFO)");
  EXPECT_EQ(fs.Read("/sys/class/net", 4096).status, FileReadStatus::kNotRegularFile);
  EXPECT_TRUE(fs.Exists("/sys/class/net/eth0/mtu"));
  EXPECT_THAT(*fs.ListDirectory("/sys/class/net/eth0"), ElementsAre("mtu"));
  EXPECT_EQ(fs.Read("/nope", 4096).status, FileReadStatus::kUnavailable);
}

}  // namespace
}  // namespace netif
