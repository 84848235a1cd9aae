// A scripted NETLINK_ROUTE kernel for the tests of LinkStatsReader and of the local source that
// uses it: links (ifindex -> name, counter base) that RTM_GETLINK and RTM_GETSTATS dumps list, a
// queue of datagrams Receive() hands out, and hooks to act while a dump is answered.
//
// Thread-safety: none; one test thread.
#pragma once

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <deque>
#include <functional>
#include <map>
#include <string>
#include <utility>

#include "collectors/netlink/rtnetlink_socket.h"
#include "collectors/netlink/rtnetlink_test_util.h"

namespace netif::rtnl::testing {

inline constexpr uint32_t kPortId = 4711;
inline constexpr uint8_t kOperUp = 6;

// A pretend kernel for one thread: links (ifindex -> name, counter base) that dumps list, and a
// queue of datagrams Receive() hands out. Hooks let a test act while a dump is being answered.
class ScriptedKernel {
 public:
  ScriptedKernel() : fd_(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}
  ~ScriptedKernel() { close(fd_); }

  void SetLink(int32_t index, const std::string& name, uint64_t base) {
    links_[index] = {name, base};
  }
  void DeleteLink(int32_t index) { links_.erase(index); }
  void Push(RtnetlinkSocket::ReceiveStatus status, Bytes bytes = {}) {
    queue_.push_back({status, std::move(bytes)});
  }
  void Event(uint16_t type, int32_t index, const std::string& name, uint8_t family = 0) {
    Push(RtnetlinkSocket::ReceiveStatus::kData,
         MessageBuilder(type).Ifinfo(index, 0x1043, 1, family).String(IFLA_IFNAME, name).Finish());
  }

  Status RequestDump(uint32_t seq) {
    ++link_dumps;
    Bytes datagram;
    for (const auto& [index, link] : links_) {
      datagram = Concat({datagram, LinkMessageBytes(RTM_NEWLINK, index, link.first, kOperUp, 0x1043,
                                                    seq, NLM_F_MULTI, kPortId)});
    }
    Push(RtnetlinkSocket::ReceiveStatus::kData,
         Concat({datagram, MessageBuilder(NLMSG_DONE, NLM_F_MULTI, seq, kPortId).I32(0).Finish()}));
    return Status::Ok();
  }

  Status RequestStatsDump(uint32_t seq) {
    ++stats_dumps;
    if (refuse_stats_errno != 0) {
      Push(RtnetlinkSocket::ReceiveStatus::kData,
           MessageBuilder(NLMSG_ERROR, 0, seq, kPortId).I32(-refuse_stats_errno).Finish());
      return Status::Ok();
    }
    const uint16_t flags = NLM_F_MULTI | (interrupt_stats_dumps > 0 ? NLM_F_DUMP_INTR : 0);
    if (interrupt_stats_dumps > 0) --interrupt_stats_dumps;
    // Two datagrams, with whatever the test wants the kernel to say in between.
    Bytes first;
    Bytes second;
    std::size_t i = 0;
    for (const auto& [index, link] : links_) {
      Bytes& datagram = i++ % 2 == 0 ? first : second;
      datagram = Concat(
          {datagram, StatsMessageBytes(index, link.second, stats_fields, seq, flags, kPortId)});
    }
    Push(RtnetlinkSocket::ReceiveStatus::kData, first);
    if (between_stats_datagrams) between_stats_datagrams();
    if (withhold_done) return Status::Ok();
    Push(RtnetlinkSocket::ReceiveStatus::kData,
         Concat({second, MessageBuilder(NLMSG_DONE, flags, seq, kPortId).I32(0).Finish()}));
    return Status::Ok();
  }

  RtnetlinkSocket::Received Receive() {
    if (queue_.empty()) return {};
    current_ = std::move(queue_.front());
    queue_.pop_front();
    RtnetlinkSocket::Received received;
    received.status = current_.first;
    received.bytes = current_.second;
    if (received.status == RtnetlinkSocket::ReceiveStatus::kError) received.error = "fake failure";
    return received;
  }
  int fd() const { return fd_; }

  int link_dumps = 0;
  int stats_dumps = 0;
  int interrupt_stats_dumps = 0;
  int refuse_stats_errno = 0;
  std::size_t stats_fields = 25;
  bool withhold_done = false;
  std::function<void()> between_stats_datagrams;

 private:
  const int fd_;  // never readable: a wait for more ends at the reader's deadline
  std::map<int32_t, std::pair<std::string, uint64_t>> links_;
  std::deque<std::pair<RtnetlinkSocket::ReceiveStatus, Bytes>> queue_;
  std::pair<RtnetlinkSocket::ReceiveStatus, Bytes> current_;
};

class ScriptedSocket final : public RtnetlinkSocket {
 public:
  explicit ScriptedSocket(ScriptedKernel& kernel) : kernel_(kernel) {}
  int fd() const override { return kernel_.fd(); }
  uint32_t port_id() const override { return kPortId; }
  Status RequestDump(uint32_t seq) override { return kernel_.RequestDump(seq); }
  Status RequestStatsDump(uint32_t seq) override { return kernel_.RequestStatsDump(seq); }
  Received Receive() override { return kernel_.Receive(); }

 private:
  ScriptedKernel& kernel_;
};

}  // namespace netif::rtnl::testing
