// The counters of every link from one RTM_GETSTATS dump (IFLA_STATS_LINK_64 only): the reader the
// local source takes its counters from each pass, in place of /proc/net/dev when it can.
//
// Why RTM_GETSTATS and not an RTM_GETLINK dump with IFLA_STATS64: at 5,001 links the kernel
// builds 1.2 MB of stats replies in ~2.5 ms of CPU, against 7.5 MB and ~15 ms for RTM_GETLINK
// (every attribute of every link) and ~10 ms for /proc/net/dev (bench/README.md, issue 17). Its
// replies carry an ifindex but no name, so the reader keeps ifindex -> name itself: its socket is
// subscribed to RTMGRP_LINK, every RTM_NEWLINK / RTM_DELLINK that arrives (between passes, or
// among the dump's replies, in the kernel's order) updates the map, and an RTM_GETLINK dump
// rebuilds it only at the first read, after lost events (ENOBUFS, a truncated datagram) and when
// a reply names an ifindex the map lacks. A rename is therefore seen before the counters that
// follow it.
//
// Bounded: one Read() waits at most `timeout` in all (poll with the time left) and takes at most
// `max_bytes` of replies. NLM_F_DUMP_INTR (links changed during the walk, which may have skipped
// one) retakes the dump once; interrupted again, the read fails with interrupted() true: links
// are being created or deleted right now (a storm of them), nothing is wrong, and the caller reads
// /proc/net/dev for this pass and tries again at the next. Messages the parser rejects are
// skipped and returned for counting. Any other failure closes the socket (a dump left half-read
// would make the next request EBUSY); the next Read() opens a new one and rebuilds the names.
//
// Thread-safety: REQUIRES external synchronization (the local source's thread owns it).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "collectors/netlink/rtnetlink_parser.h"
#include "collectors/netlink/rtnetlink_socket.h"
#include "util/status.h"

namespace netif {

class LinkStatsReader {
 public:
  struct Options {
    std::chrono::milliseconds timeout = std::chrono::seconds(2);
    // ~230 bytes a link: 64 MiB holds ~290,000 links, as /proc/net/dev's cap holds ~100,000.
    std::size_t max_bytes = 64 << 20;
    // Events queue here between reads; a storm that overflows it costs one RTM_GETLINK dump.
    int receive_buffer_bytes = 1 << 20;
  };
  // Opens a socket bound to RTMGRP_LINK (OpenKernelRtnetlinkSocket; tests pass a fake).
  using SocketOpener = std::function<std::unique_ptr<RtnetlinkSocket>(Status* status)>;

  struct LinkCounters {
    std::string name;
    rtnl::LinkStats64 stats;
  };

  explicit LinkStatsReader(Options options, SocketOpener open_socket = nullptr);
  ~LinkStatsReader();
  LinkStatsReader(const LinkStatsReader&) = delete;
  LinkStatsReader& operator=(const LinkStatsReader&) = delete;

  // Appends one entry per link of the dump to `out`, in the dump's order, and one entry per
  // rejected message to `parse_errors`. On failure `out` is left as it was.
  Status Read(std::vector<LinkCounters>& out, std::vector<rtnl::ParseError>& parse_errors);
  // The last Read() failed only because link changes interrupted its dump twice.
  bool interrupted() const { return interrupted_; }

  // Fills `out` with the names of the links the kernel lists now, as the events queued so far
  // tell (they are read first: the kernel sends a link's RTM_DELLINK before its sysfs directory
  // goes). False, with `out` unspecified, when there is no open socket or events were lost.
  bool ListedNames(std::unordered_set<std::string>& out);

  // RTM_GETLINK dumps taken to rebuild the names (for tests and logs).
  uint64_t name_dumps() const { return name_dumps_; }

 private:
  using Clock = std::chrono::steady_clock;
  struct Dump;  // one dump in flight (link_stats_reader.cc)

  Status ReadOpen(std::vector<LinkCounters>& out, std::vector<rtnl::ParseError>& parse_errors,
                  Clock::time_point deadline);
  // Reads what is queued now, without waiting: link events.
  Status DrainEvents(Dump& dump, Clock::time_point deadline);
  // Sends the request and reads until its NLMSG_DONE.
  Status RunDump(Dump& dump, Clock::time_point deadline);
  Status RefreshNames(std::vector<rtnl::ParseError>& parse_errors, Clock::time_point deadline);
  Status DumpStats(std::vector<std::pair<uint32_t, rtnl::LinkStats64>>& stats,
                   std::vector<rtnl::ParseError>& parse_errors, Clock::time_point deadline);
  // Applies one datagram's messages: replies to `dump`, link events to the names.
  void OnDatagram(std::span<const uint8_t> bytes, Dump& dump);
  void OnLink(const rtnl::LinkMessage& link);
  const std::string* FindName(uint32_t ifindex) const;

  const Options options_;
  const SocketOpener open_socket_;
  std::unique_ptr<RtnetlinkSocket> socket_;
  uint32_t seq_ = 0;
  uint64_t name_dumps_ = 0;
  std::size_t last_link_count_ = 0;  // of the last complete stats dump
  // ifindex -> name, sorted by ifindex (dumps list links in ifindex order, so a rebuild appends).
  std::vector<std::pair<uint32_t, std::string>> names_;
  // False until an RTM_GETLINK dump completed on this socket, and again once events were lost.
  bool names_valid_ = false;
  bool interrupted_ = false;
};

}  // namespace netif
