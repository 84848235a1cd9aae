#include "collectors/procfs/procfs_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <string>
#include <tuple>
#include <vector>

#include "util/file_reader.h"

namespace netif {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr char kNetDev[] =
    "Inter-|   Receive                                                |  Transmit\n"
    " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs "
    "drop fifo colls carrier compressed\n"
    "    lo:    3267      29    0    0    0     0          0         0     3267      29    0    0 "
    "   0     0       0          0\n"
    "  eth0: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n"
    "  eth1: 1 2 3\n";

std::vector<std::string> Names(const InterfaceRecords& records) {
  std::vector<std::string> names;
  for (const auto& record : records) names.push_back(record.name);
  return names;
}

TEST(ProcfsReaderTest, ReadsNetDevUnderTheRoot) {
  InMemoryFileReader fs;
  fs.AddFile("/host/proc/net/dev", kNetDev);
  const ProcfsReader collector(fs, "/host/proc");
  InterfaceRecords records;
  std::vector<std::string> errors;
  const Status status = collector.Collect(records, errors);
  EXPECT_TRUE(status.ok()) << status.message();
  EXPECT_THAT(Names(records), ElementsAre("lo", "eth0"));
  EXPECT_EQ(records[0].counters.Get(Counter::kReceiveBytes), 3267u);
  EXPECT_EQ(records[1].key, (InterfaceKey{"local", "eth0"}));
  // A malformed line is reported but does not fail the collection.
  EXPECT_THAT(errors, ElementsAre("line 5: expected 16 counters, found 3"));
}

TEST(ProcfsReaderTest, AppendsToWhatTheCallerAlreadyHas) {
  InMemoryFileReader fs;
  fs.AddFile("/proc/net/dev", kNetDev);
  const ProcfsReader collector(fs, "/proc");
  InterfaceRecords records(1);
  records[0].name = "earlier";
  std::vector<std::string> errors = {"earlier error"};
  ASSERT_TRUE(collector.Collect(records, errors).ok());
  EXPECT_THAT(Names(records), ElementsAre("earlier", "lo", "eth0"));
  EXPECT_THAT(errors, ElementsAre("earlier error", "line 5: expected 16 counters, found 3"));
}

TEST(ProcfsReaderTest, TrailingSlashesOnTheRootAreTolerated) {
  InMemoryFileReader fs;
  EXPECT_EQ(ProcfsReader(fs, "/proc/").net_dev_path(), "/proc/net/dev");
  EXPECT_EQ(ProcfsReader(fs, "/proc//").net_dev_path(), "/proc/net/dev");
  EXPECT_EQ(ProcfsReader(fs, "/").net_dev_path(), "/net/dev");
  EXPECT_EQ(ProcfsReader(fs, "fixtures/proc").net_dev_path(), "fixtures/proc/net/dev");
}

TEST(ProcfsReaderTest, UnreadableFileIsAnErrorAndAddsNothing) {
  InMemoryFileReader fs;
  const ProcfsReader collector(fs, "/nonexistent");
  InterfaceRecords records;
  std::vector<std::string> errors;
  const Status status = collector.Collect(records, errors);
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(status.message(), "cannot read /nonexistent/net/dev: No such file or directory");
  EXPECT_THAT(records, IsEmpty());
  EXPECT_THAT(errors, IsEmpty());
}

TEST(ProcfsReaderTest, AFifoOrAnOversizedFileIsRefusedAndReported) {
  InMemoryFileReader fs;
  fs.AddSpecialFile("/fifo/net/dev", S_IFIFO);
  fs.AddFile("/huge/net/dev", std::string(kMaxNetDevBytes + 1, ' '));
  for (const auto& [root, why, reason] :
       {std::tuple{"/fifo", "not a regular file (a FIFO)", "not_regular_file"},
        std::tuple{"/huge", "larger than 67108864 bytes", "too_large"}}) {
    InterfaceRecords records;
    std::vector<std::string> errors;
    std::vector<RefusedRead> refused;
    const Status status = ProcfsReader(fs, root).Collect(records, errors, &refused);
    EXPECT_EQ(status.message(), "cannot read " + std::string(root) + "/net/dev: " + why);
    ASSERT_EQ(refused.size(), 1u) << root;
    EXPECT_EQ(refused[0].path, std::string(root) + "/net/dev");
    EXPECT_EQ(refused[0].why, why);
    EXPECT_EQ(refused[0].reason, reason);
    EXPECT_THAT(records, IsEmpty());
  }
  // A missing file is not a refusal: nothing to count beyond the collector's failure.
  InterfaceRecords records;
  std::vector<std::string> errors;
  std::vector<RefusedRead> refused;
  EXPECT_FALSE(ProcfsReader(fs, "/missing").Collect(records, errors, &refused).ok());
  EXPECT_THAT(refused, IsEmpty());
}

TEST(ProcfsReaderTest, EmptyFileIsNotAnError) {
  InMemoryFileReader fs;
  fs.AddFile("/proc/net/dev", "");
  InterfaceRecords records;
  std::vector<std::string> errors;
  EXPECT_TRUE(ProcfsReader(fs, "/proc").Collect(records, errors).ok());
  EXPECT_THAT(records, IsEmpty());
  EXPECT_THAT(errors, IsEmpty());
}

TEST(ProcfsReaderTest, ReadsTheHostFixtureTree) {
  const RealFileReader fs;
  const ProcfsReader collector(fs, std::string(NETIF_SOURCE_DIR) + "/tests/fixtures/host1/proc");
  InterfaceRecords records;
  std::vector<std::string> errors;
  const Status status = collector.Collect(records, errors);
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_THAT(errors, IsEmpty());
  EXPECT_THAT(Names(records), ElementsAre("lo", "eth0", "eth1", "veth7a3f", "br0",
                                          "bad\xff"
                                          "0"));
}

TEST(ProcfsReaderTest, ReadsThisMachinesProcNetDev) {
  // Whatever the machine running the tests has, it parses without errors and lists lo.
  const RealFileReader fs;
  InterfaceRecords records;
  std::vector<std::string> errors;
  const Status status = ProcfsReader(fs, "/proc").Collect(records, errors);
  if (!status.ok()) GTEST_SKIP() << status.message();
  EXPECT_THAT(errors, IsEmpty());
  EXPECT_THAT(Names(records), ::testing::Contains("lo"));
}

}  // namespace
}  // namespace netif
