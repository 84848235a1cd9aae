// The seam between the netlink readers and the kernel: a NETLINK_ROUTE socket subscribed to
// link events (RTMGRP_LINK), which can also ask for a full RTM_GETLINK dump or an RTM_GETSTATS
// dump. Tests substitute a fake that serves captured or synthetic datagrams.
//
// Needs no privilege: any process may listen to rtnetlink multicast groups and dump links in its
// network namespace.
//
// Thread-safety: REQUIRES external synchronization (one collector thread uses a socket).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "util/status.h"

namespace netif {

class RtnetlinkSocket {
 public:
  enum class ReceiveStatus : uint8_t {
    kData,        // `bytes` holds one datagram
    kWouldBlock,  // nothing queued now; poll fd() for more
    kOverflow,    // ENOBUFS: the receive buffer overflowed and events were dropped
    kTruncated,   // a datagram was larger than the buffer; its tail is lost
    kError,       // the socket failed; `error` says why. Close it and open a new one.
  };
  struct Received {
    ReceiveStatus status = ReceiveStatus::kWouldBlock;
    std::span<const uint8_t> bytes;  // valid until the next Receive()
    std::string error;
  };

  virtual ~RtnetlinkSocket() = default;
  // Readable (POLLIN) when Receive() has something to report.
  virtual int fd() const = 0;
  // The port id the kernel assigned: dump replies carry it in nlmsg_pid.
  virtual uint32_t port_id() const = 0;
  // Sends RTM_GETLINK with NLM_F_DUMP and sequence number `seq`.
  virtual Status RequestDump(uint32_t seq) = 0;
  // Sends RTM_GETSTATS with NLM_F_DUMP, asking for IFLA_STATS_LINK_64 only (one struct
  // rtnl_link_stats64 per link, ~230 bytes: a sixth of what an RTM_GETLINK reply carries). A
  // socket that cannot (a test's fake of the link events) says so.
  virtual Status RequestStatsDump(uint32_t /*seq*/) {
    return Status::Error("this socket does not send RTM_GETSTATS");
  }
  // Reads one datagram without blocking.
  virtual Received Receive() = 0;
};

struct RtnetlinkSocketOptions {
  // Receive buffer asked for. SO_RCVBUFFORCE is tried first (it needs CAP_NET_ADMIN and may go
  // beyond net.core.rmem_max), then SO_RCVBUF (capped by rmem_max); the kernel doubles the value
  // for its bookkeeping. 4 MiB holds the events of several thousand links changing at once.
  int receive_buffer_bytes = 4 << 20;
};

// Opens the kernel socket, non-blocking and close-on-exec, bound to RTMGRP_LINK. Returns null and
// sets `status` when the socket cannot be created or bound.
std::unique_ptr<RtnetlinkSocket> OpenKernelRtnetlinkSocket(const RtnetlinkSocketOptions& options,
                                                           Status* status);

}  // namespace netif
