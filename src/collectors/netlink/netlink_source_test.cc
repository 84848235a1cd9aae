// The collector's thread, poll loop, resync and failure handling against a fake socket (no
// privileges, no namespaces); the real kernel socket is exercised by
// tests/integration/netlink_test.cc and, read-only, by KernelSocket* below.
#include "collectors/netlink/netlink_source.h"

#include <gtest/gtest.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <deque>
#include <map>
#include <thread>

#include "collectors/netlink/rtnetlink_test_util.h"
#include "store/store.h"

namespace netif {
namespace {

using namespace std::chrono_literals;
using rtnl::testing::Bytes;
using rtnl::testing::LinkMessageBytes;
using rtnl::testing::MessageBuilder;

constexpr uint8_t kOperDown = 2;
constexpr uint8_t kOperUp = 6;
constexpr uint32_t kPortId = 4711;

// A pretend kernel: a set of links that a dump lists, and a queue of datagrams and conditions
// that Receive() hands out. Its fd is an eventfd that is readable while the queue is not empty.
// Thread-safety: every method locks; the test thread and the collector's thread both use it.
class FakeKernel {
 public:
  FakeKernel() : fd_(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}
  ~FakeKernel() { close(fd_); }

  void SetLink(int32_t index, const std::string& name, uint8_t operstate) {
    std::lock_guard lock(mutex_);
    links_[index] = {name, operstate};
  }
  void DeleteLink(int32_t index) {
    std::lock_guard lock(mutex_);
    links_.erase(index);
  }
  // An event as the kernel multicasts it (port id 0, sequence 0).
  void Event(uint16_t type, int32_t index, const std::string& name, uint8_t operstate) {
    Push({RtnetlinkSocket::ReceiveStatus::kData,
          LinkMessageBytes(type, index, name, operstate, operstate == kOperUp ? 0x11043 : 0x1002)});
  }
  void Overflow() { Push({RtnetlinkSocket::ReceiveStatus::kOverflow, {}}); }
  void SocketError() { Push({RtnetlinkSocket::ReceiveStatus::kError, {}}); }
  void RefuseNextDump() {
    std::lock_guard lock(mutex_);
    refuse_dump_ = true;
  }

  // What a socket does.
  Status RequestDump(uint32_t seq) {
    std::lock_guard lock(mutex_);
    ++dumps_;
    if (refuse_dump_) {
      refuse_dump_ = false;
      PushLocked({RtnetlinkSocket::ReceiveStatus::kData,
                  MessageBuilder(NLMSG_ERROR, 0, seq, kPortId).I32(-EPERM).Finish()});
      return Status::Ok();
    }
    // One datagram per link, like a small kernel dump, then NLMSG_DONE.
    for (const auto& [index, link] : links_) {
      PushLocked({RtnetlinkSocket::ReceiveStatus::kData,
                  LinkMessageBytes(RTM_NEWLINK, index, link.first, link.second, 0x1003, seq,
                                   NLM_F_MULTI, kPortId)});
    }
    PushLocked({RtnetlinkSocket::ReceiveStatus::kData,
                MessageBuilder(NLMSG_DONE, NLM_F_MULTI, seq, kPortId).I32(0).Finish()});
    return Status::Ok();
  }
  RtnetlinkSocket::Received Receive() {
    std::lock_guard lock(mutex_);
    if (queue_.empty()) {
      uint64_t drained;
      [[maybe_unused]] auto n = read(fd_, &drained, sizeof(drained));
      return {};
    }
    current_ = std::move(queue_.front());
    queue_.pop_front();
    RtnetlinkSocket::Received received;
    received.status = current_.status;
    received.bytes = current_.bytes;
    if (received.status == RtnetlinkSocket::ReceiveStatus::kError) received.error = "fake failure";
    return received;
  }
  int fd() const { return fd_; }
  int dumps() {
    std::lock_guard lock(mutex_);
    return dumps_;
  }

 private:
  struct Item {
    RtnetlinkSocket::ReceiveStatus status;
    Bytes bytes;
  };
  void Push(Item item) {
    std::lock_guard lock(mutex_);
    PushLocked(std::move(item));
  }
  void PushLocked(Item item) {
    queue_.push_back(std::move(item));
    const uint64_t one = 1;
    [[maybe_unused]] auto n = write(fd_, &one, sizeof(one));
  }

  const int fd_;
  std::mutex mutex_;
  std::map<int32_t, std::pair<std::string, uint8_t>> links_;
  std::deque<Item> queue_;
  Item current_;
  bool refuse_dump_ = false;
  int dumps_ = 0;
};

class FakeSocket final : public RtnetlinkSocket {
 public:
  explicit FakeSocket(FakeKernel& kernel) : kernel_(kernel) {}
  int fd() const override { return kernel_.fd(); }
  uint32_t port_id() const override { return kPortId; }
  Status RequestDump(uint32_t seq) override { return kernel_.RequestDump(seq); }
  Received Receive() override { return kernel_.Receive(); }

 private:
  FakeKernel& kernel_;
};

// Polls `condition` every millisecond for up to five seconds.
template <typename Condition>
bool Eventually(Condition condition) {
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(1ms);
  }
  return condition();
}

class NetlinkSourceTest : public ::testing::Test {
 protected:
  NetlinkSource::Options FastOptions() {
    NetlinkSource::Options options;
    options.initial_backoff = 5ms;
    options.max_backoff = 20ms;
    options.first_dump_timeout = 5s;
    return options;
  }
  std::unique_ptr<NetlinkSource> MakeCollector(int failures_before_open = 0) {
    failures_left_ = failures_before_open;
    return std::make_unique<NetlinkSource>(
        FastOptions(), store_, metrics_,
        [this](Status* status) -> std::unique_ptr<RtnetlinkSocket> {
          ++opens_;
          if (failures_left_ > 0) {
            --failures_left_;
            *status = Status::Error("fake: cannot open");
            return nullptr;
          }
          return std::make_unique<FakeSocket>(kernel_);
        });
  }

  // A shared view: the collector's thread may publish (and free) a new snapshot at any time.
  std::shared_ptr<const InterfaceView> Find(std::string_view name) const {
    const auto snapshot = store_.Current();
    for (const auto& view : snapshot->interfaces) {
      if (view->record.name == name) return view;
    }
    return nullptr;
  }
  double Success() {
    return metrics_.Gauge("netif_scrape_collector_success", {{"collector", "netlink"}}).Value();
  }
  double Counter(const std::string& name, const prometheus::Labels& labels = {}) {
    return metrics_.Counter(name, labels).Value();
  }

  FakeKernel kernel_;
  Store store_{std::make_shared<const AnalyticsSettings>()};
  SelfMetrics metrics_;
  std::atomic<int> opens_{0};
  std::atomic<int> failures_left_{0};
};

TEST_F(NetlinkSourceTest, StartReturnsAfterTheFirstDumpIsInTheStore) {
  kernel_.SetLink(1, "lo", 0);
  kernel_.SetLink(2, "eth0", kOperUp);
  auto collector = MakeCollector();
  collector->Start();
  ASSERT_TRUE(collector->first_dump_applied());
  ASSERT_NE(Find("eth0"), nullptr);
  EXPECT_EQ(Find("eth0")->record.attributes.oper_state, OperState::kUp);
  EXPECT_NE(Find("lo"), nullptr);
  EXPECT_EQ(Success(), 1);
  EXPECT_EQ(Counter("netif_netlink_resyncs_total"), 1);
  EXPECT_EQ(Counter("netif_netlink_events_total"), 2);
  EXPECT_EQ(Counter("netif_netlink_errors_total", {{"reason", "enobufs"}}), 0);
  collector->Stop();
}

TEST_F(NetlinkSourceTest, EveryEventIsAppliedInOrder) {
  kernel_.SetLink(2, "eth0", kOperUp);
  auto collector = MakeCollector();
  collector->Start();
  ASSERT_TRUE(collector->first_dump_applied());
  constexpr int kFlaps = 500;
  for (int i = 0; i < kFlaps; ++i) {
    kernel_.Event(RTM_NEWLINK, 2, "eth0", kOperDown);
    kernel_.Event(RTM_NEWLINK, 2, "eth0", kOperUp);
  }
  ASSERT_TRUE(Eventually([&] { return Counter("netif_netlink_events_total") == 1 + 2 * kFlaps; }));
  // The counter moves as each event is read; the snapshot is published when its datagram's batch
  // closes, a moment later (under ASan, long enough to see the last flap missing).
  ASSERT_TRUE(Eventually([&] {
    const auto eth0 = Find("eth0");
    return eth0 != nullptr && eth0->link.transitions_up >= static_cast<uint64_t>(kFlaps);
  }));
  EXPECT_EQ(Find("eth0")->link.transitions_down, static_cast<uint64_t>(kFlaps));
  EXPECT_EQ(Find("eth0")->link.transitions_up, static_cast<uint64_t>(kFlaps));
  collector->Stop();
}

TEST_F(NetlinkSourceTest, OverflowTriggersAResyncThatRemovesVanishedLinks) {
  kernel_.SetLink(2, "eth0", kOperUp);
  kernel_.SetLink(3, "eth1", kOperUp);
  auto collector = MakeCollector();
  collector->Start();
  ASSERT_TRUE(collector->first_dump_applied());
  ASSERT_NE(Find("eth1"), nullptr);
  // eth1 goes and eth0 goes down while the socket overflows: both events are lost.
  kernel_.DeleteLink(3);
  kernel_.SetLink(2, "eth0", kOperDown);
  kernel_.Overflow();
  ASSERT_TRUE(Eventually([&] { return Find("eth1") == nullptr; }));
  EXPECT_EQ(Find("eth0")->record.attributes.oper_state, OperState::kDown);
  EXPECT_EQ(Find("eth0")->link.transitions_down, 1u);
  EXPECT_EQ(Counter("netif_netlink_errors_total", {{"reason", "enobufs"}}), 1);
  EXPECT_EQ(Counter("netif_netlink_resyncs_total"), 2);
  EXPECT_EQ(kernel_.dumps(), 2);
  EXPECT_EQ(Success(), 1);
  collector->Stop();
}

TEST_F(NetlinkSourceTest, SocketFailureShowsAsZeroAndRecoversWithANewSocket) {
  kernel_.SetLink(2, "eth0", kOperUp);
  auto collector = MakeCollector();
  collector->Start();
  ASSERT_TRUE(collector->first_dump_applied());
  kernel_.SocketError();
  ASSERT_TRUE(Eventually([&] { return opens_ == 2 && kernel_.dumps() == 2; }));
  EXPECT_EQ(Counter("netif_netlink_errors_total", {{"reason", "socket"}}), 1);
  ASSERT_TRUE(Eventually([&] { return Success() == 1; }));
  // The store kept its state throughout.
  EXPECT_NE(Find("eth0"), nullptr);
  collector->Stop();
}

TEST_F(NetlinkSourceTest, OpenFailuresAreRetriedWithBackoff) {
  kernel_.SetLink(2, "eth0", kOperUp);
  auto collector = MakeCollector(/*failures_before_open=*/3);
  collector->Start();
  EXPECT_FALSE(collector->first_dump_applied()) << "the first attempt failed";
  EXPECT_EQ(Success(), 0);
  ASSERT_TRUE(Eventually([&] { return Find("eth0") != nullptr; }));
  EXPECT_EQ(opens_, 4);
  EXPECT_EQ(Counter("netif_netlink_errors_total", {{"reason", "socket"}}), 3);
  ASSERT_TRUE(Eventually([&] { return Success() == 1; }));
  collector->Stop();
}

TEST_F(NetlinkSourceTest, RefusedDumpIsTreatedAsASocketFailure) {
  kernel_.SetLink(2, "eth0", kOperUp);
  kernel_.RefuseNextDump();
  auto collector = MakeCollector();
  collector->Start();
  EXPECT_FALSE(collector->first_dump_applied());
  ASSERT_TRUE(Eventually([&] { return Find("eth0") != nullptr; }));
  EXPECT_EQ(Counter("netif_netlink_errors_total", {{"reason", "socket"}}), 1);
  EXPECT_EQ(opens_, 2);
  collector->Stop();
}

TEST_F(NetlinkSourceTest, StopWakesAnIdleCollectorAtOnce) {
  kernel_.SetLink(2, "eth0", kOperUp);
  auto collector = MakeCollector();
  collector->Start();
  ASSERT_TRUE(collector->first_dump_applied());
  const auto start = std::chrono::steady_clock::now();
  collector->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
  collector->Stop();  // idempotent
}

TEST_F(NetlinkSourceTest, StopInterruptsTheBackoffWait) {
  NetlinkSource::Options options = FastOptions();
  options.initial_backoff = 60s;
  NetlinkSource collector(options, store_, metrics_, [](Status* status) {
    *status = Status::Error("fake: never opens");
    return std::unique_ptr<RtnetlinkSocket>();
  });
  collector.Start();
  EXPECT_FALSE(collector.first_dump_applied());
  const auto start = std::chrono::steady_clock::now();
  collector.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
}

TEST_F(NetlinkSourceTest, ReceiveBufferSizeCanBeOverriddenForTests) {
  NetlinkSource::Options options;
  options.socket.receive_buffer_bytes = 12345;
  unsetenv(NetlinkSource::kReceiveBufferEnv);
  EXPECT_EQ(NetlinkSource::ReceiveBufferBytes(options), 12345);
  setenv(NetlinkSource::kReceiveBufferEnv, "4096", 1);
  EXPECT_EQ(NetlinkSource::ReceiveBufferBytes(options), 4096);
  for (const char* bad : {"", "-1", "0", "12k", "99999999999999"}) {
    setenv(NetlinkSource::kReceiveBufferEnv, bad, 1);
    EXPECT_EQ(NetlinkSource::ReceiveBufferBytes(options), 12345) << bad;
  }
  unsetenv(NetlinkSource::kReceiveBufferEnv);
}

// The real socket, read-only, in whatever namespace the test runs in: no privilege is needed to
// dump links, and every namespace has a loopback.
TEST(KernelRtnetlinkSocketTest, OpensUnprivilegedAndDumpsLoopback) {
  Status status;
  auto socket = OpenKernelRtnetlinkSocket({}, &status);
  ASSERT_NE(socket, nullptr) << status.message();
  EXPECT_GT(socket->port_id(), 0u);
  ASSERT_TRUE(socket->RequestDump(1).ok());
  bool saw_loopback = false;
  bool done = false;
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!done && std::chrono::steady_clock::now() < deadline) {
    const auto received = socket->Receive();
    if (received.status == RtnetlinkSocket::ReceiveStatus::kWouldBlock) {
      std::this_thread::sleep_for(1ms);
      continue;
    }
    ASSERT_EQ(received.status, RtnetlinkSocket::ReceiveStatus::kData);
    const auto parsed = rtnl::ParseDatagram(received.bytes);
    EXPECT_TRUE(parsed.errors.empty());
    for (const auto& message : parsed.messages) {
      if (message.seq != 1 || message.pid != socket->port_id()) continue;  // an event
      if (message.kind == rtnl::Message::Kind::kDone) done = true;
      if (message.kind == rtnl::Message::Kind::kLink && message.link.name == "lo") {
        saw_loopback = true;
      }
    }
  }
  EXPECT_TRUE(done);
  EXPECT_TRUE(saw_loopback);
}

TEST(KernelRtnetlinkSocketTest, CollectorFillsAStoreFromTheRealKernel) {
  Store store(std::make_shared<const AnalyticsSettings>());
  SelfMetrics metrics;
  NetlinkSource collector({}, store, metrics);
  collector.Start();
  ASSERT_TRUE(collector.first_dump_applied());
  bool has_loopback = false;
  const auto snapshot = store.Current();
  for (const auto& view : snapshot->interfaces) {
    if (view->record.name == "lo") has_loopback = view->record.attributes.oper_state.has_value();
  }
  EXPECT_TRUE(has_loopback);
  collector.Stop();
}

}  // namespace
}  // namespace netif
