#include "collectors/netlink/rtnetlink_socket.h"

#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "util/log.h"

namespace netif {
namespace {

// Dump datagrams are at most 32 KiB (the kernel caps its dump allocation there); a single link
// message with many SR-IOV VFs can be larger, so the buffer grows on MSG_TRUNC up to this.
constexpr std::size_t kInitialBufferBytes = 64 * 1024;
constexpr std::size_t kMaxBufferBytes = 1024 * 1024;

std::string ErrnoText(std::string_view what, int error) {
  return std::string(what) + ": " + std::strerror(error);
}

RtnetlinkSocket::Received Result(RtnetlinkSocket::ReceiveStatus status,
                                 std::span<const uint8_t> bytes = {}, std::string error = "") {
  RtnetlinkSocket::Received received;
  received.status = status;
  received.bytes = bytes;
  received.error = std::move(error);
  return received;
}

class KernelRtnetlinkSocket final : public RtnetlinkSocket {
 public:
  KernelRtnetlinkSocket(int fd, uint32_t port_id)
      : fd_(fd), port_id_(port_id), buffer_(kInitialBufferBytes) {}
  ~KernelRtnetlinkSocket() override { close(fd_); }
  KernelRtnetlinkSocket(const KernelRtnetlinkSocket&) = delete;
  KernelRtnetlinkSocket& operator=(const KernelRtnetlinkSocket&) = delete;

  int fd() const override { return fd_; }
  uint32_t port_id() const override { return port_id_; }

  Status RequestDump(uint32_t seq) override {
    struct {
      nlmsghdr header;
      ifinfomsg link;
    } request{};
    request.header.nlmsg_len = sizeof(request);
    request.header.nlmsg_type = RTM_GETLINK;
    request.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    request.header.nlmsg_seq = seq;
    request.link.ifi_family = AF_UNSPEC;
    return Send(&request, sizeof(request), "RTM_GETLINK");
  }

  Status RequestStatsDump(uint32_t seq) override {
    struct {
      nlmsghdr header;
      if_stats_msg stats;
    } request{};
    request.header.nlmsg_len = sizeof(request);
    request.header.nlmsg_type = RTM_GETSTATS;
    request.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    request.header.nlmsg_seq = seq;
    request.stats.family = AF_UNSPEC;
    request.stats.filter_mask = IFLA_STATS_FILTER_BIT(IFLA_STATS_LINK_64);
    return Send(&request, sizeof(request), "RTM_GETSTATS");
  }

  Received Receive() override {
    while (true) {
      sockaddr_nl sender{};
      iovec vector{buffer_.data(), buffer_.size()};
      msghdr header{};
      header.msg_name = &sender;
      header.msg_namelen = sizeof(sender);
      header.msg_iov = &vector;
      header.msg_iovlen = 1;
      const ssize_t length = recvmsg(fd_, &header, MSG_DONTWAIT);
      if (length < 0) {
        switch (errno) {
          case EINTR:
            continue;
          case EAGAIN:
            return {};
          case ENOBUFS:
            return Result(ReceiveStatus::kOverflow);
          default:
            return Result(ReceiveStatus::kError, {}, ErrnoText("recvmsg", errno));
        }
      }
      if (sender.nl_pid != 0) {
        // Only the kernel speaks for links; another process in the namespace may unicast to
        // our port id, and what it says is dropped.
        continue;
      }
      if (header.msg_flags & MSG_TRUNC) {
        if (buffer_.size() < kMaxBufferBytes) buffer_.resize(buffer_.size() * 2);
        return Result(ReceiveStatus::kTruncated);
      }
      return Result(ReceiveStatus::kData,
                    std::span<const uint8_t>(buffer_.data(), static_cast<std::size_t>(length)));
    }
  }

 private:
  Status Send(const void* request, std::size_t size, std::string_view what) {
    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    while (true) {
      const ssize_t sent =
          sendto(fd_, request, size, 0, reinterpret_cast<const sockaddr*>(&kernel), sizeof(kernel));
      if (sent == static_cast<ssize_t>(size)) return Status::Ok();
      if (sent < 0 && errno == EINTR) continue;
      return Status::Error(sent < 0 ? ErrnoText("send " + std::string(what), errno)
                                    : "send " + std::string(what) + ": short write");
    }
  }

  const int fd_;
  const uint32_t port_id_;
  std::vector<uint8_t> buffer_;
};

// Sets the receive buffer, trying the privileged option first. Falls back silently: a smaller
// buffer only means overflows (and resyncs) come sooner under an event storm.
void SetReceiveBuffer(int fd, int bytes) {
  if (bytes <= 0) return;
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof(bytes)) == 0) return;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(bytes));
}

}  // namespace

std::unique_ptr<RtnetlinkSocket> OpenKernelRtnetlinkSocket(const RtnetlinkSocketOptions& options,
                                                           Status* status) {
  const int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);
  if (fd < 0) {
    *status = Status::Error(ErrnoText("socket(AF_NETLINK, NETLINK_ROUTE)", errno));
    return nullptr;
  }
  SetReceiveBuffer(fd, options.receive_buffer_bytes);
  sockaddr_nl local{};
  local.nl_family = AF_NETLINK;
  local.nl_groups = RTMGRP_LINK;
  socklen_t local_length = sizeof(local);
  if (bind(fd, reinterpret_cast<const sockaddr*>(&local), sizeof(local)) < 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_length) < 0) {
    *status = Status::Error(ErrnoText("bind netlink socket to RTMGRP_LINK", errno));
    close(fd);
    return nullptr;
  }
  int granted = 0;
  socklen_t granted_length = sizeof(granted);
  getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &granted, &granted_length);
  LogDebug("netlink socket open",
           {{"collector", "netlink"}, {"port_id", local.nl_pid}, {"rcvbuf_bytes", granted}});
  *status = Status::Ok();
  return std::make_unique<KernelRtnetlinkSocket>(fd, local.nl_pid);
}

}  // namespace netif
