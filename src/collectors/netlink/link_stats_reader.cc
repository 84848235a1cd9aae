#include "collectors/netlink/link_stats_reader.h"

#include <linux/netlink.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string_view>

namespace netif {
namespace {

std::string DumpName(bool stats) { return stats ? "RTM_GETSTATS" : "RTM_GETLINK"; }

}  // namespace

// One dump in flight, or none (kEvents: reading what is queued, which is link events only).
struct LinkStatsReader::Dump {
  enum class Kind : uint8_t { kEvents, kNames, kStats };
  Kind kind = Kind::kEvents;
  uint32_t seq = 0;
  bool done = false;
  // NLM_F_DUMP_INTR on a reply, or a datagram lost (it may have held replies).
  bool interrupted = false;
  int refused_errno = 0;  // NLMSG_ERROR answering the request
  std::size_t bytes = 0;
  std::vector<rtnl::ParseError>* parse_errors = nullptr;
  std::vector<std::pair<uint32_t, rtnl::LinkStats64>>* stats = nullptr;  // kStats
};

LinkStatsReader::LinkStatsReader(Options options, SocketOpener open_socket)
    : options_(options), open_socket_(std::move(open_socket)) {}

LinkStatsReader::~LinkStatsReader() = default;

Status LinkStatsReader::Read(std::vector<LinkCounters>& out,
                             std::vector<rtnl::ParseError>& parse_errors) {
  const Clock::time_point deadline = Clock::now() + options_.timeout;
  interrupted_ = false;
  if (!socket_) {
    Status status;
    if (open_socket_) {
      socket_ = open_socket_(&status);
    } else {
      RtnetlinkSocketOptions socket_options;
      socket_options.receive_buffer_bytes = options_.receive_buffer_bytes;
      socket_ = OpenKernelRtnetlinkSocket(socket_options, &status);
    }
    if (!socket_) return status.ok() ? Status::Error("cannot open a netlink socket") : status;
    names_.clear();
    names_valid_ = false;
  }
  Status status = ReadOpen(out, parse_errors, deadline);
  if (!status.ok() && !interrupted_) {
    // A dump left half-read would make the next request EBUSY; a new socket starts clean. (An
    // interrupted dump was read to its end: the socket is fine.)
    socket_.reset();
    names_valid_ = false;
  }
  return status;
}

bool LinkStatsReader::ListedNames(std::unordered_set<std::string>& out) {
  if (!socket_ || !names_valid_) return false;
  std::vector<rtnl::ParseError> ignored;  // counted when the next Read() sees the same socket
  Dump events;
  events.parse_errors = &ignored;
  if (!DrainEvents(events, Clock::now() + options_.timeout).ok() || !names_valid_) return false;
  out.reserve(out.size() + names_.size());
  for (const auto& entry : names_) out.insert(entry.second);
  return true;
}

Status LinkStatsReader::ReadOpen(std::vector<LinkCounters>& out,
                                 std::vector<rtnl::ParseError>& parse_errors,
                                 Clock::time_point deadline) {
  Dump events;
  events.parse_errors = &parse_errors;
  if (Status status = DrainEvents(events, deadline); !status.ok()) return status;
  bool refreshed = false;
  if (!names_valid_) {
    if (Status status = RefreshNames(parse_errors, deadline); !status.ok()) return status;
    refreshed = true;
  }
  std::vector<std::pair<uint32_t, rtnl::LinkStats64>> stats;
  if (Status status = DumpStats(stats, parse_errors, deadline); !status.ok()) return status;
  // Renames and deletions up to now: every link of the dump is named as it is at its end.
  if (Status status = DrainEvents(events, deadline); !status.ok()) return status;
  const bool unknown_link = std::any_of(stats.begin(), stats.end(),
                                        [&](const auto& link) { return !FindName(link.first); });
  if ((!names_valid_ || unknown_link) && !refreshed) {
    if (Status status = RefreshNames(parse_errors, deadline); !status.ok()) return status;
  }
  out.reserve(out.size() + stats.size());
  for (auto& [ifindex, link_stats] : stats) {
    const std::string* name = FindName(ifindex);
    if (name == nullptr) continue;  // deleted since the dump listed it
    out.push_back({*name, link_stats});
  }
  return Status::Ok();
}

Status LinkStatsReader::DrainEvents(Dump& dump, Clock::time_point deadline) {
  while (true) {
    const RtnetlinkSocket::Received received = socket_->Receive();
    switch (received.status) {
      case RtnetlinkSocket::ReceiveStatus::kData:
        OnDatagram(received.bytes, dump);
        break;
      case RtnetlinkSocket::ReceiveStatus::kWouldBlock:
        return Status::Ok();
      case RtnetlinkSocket::ReceiveStatus::kOverflow:
      case RtnetlinkSocket::ReceiveStatus::kTruncated:
        names_valid_ = false;  // events lost: the names are rebuilt from a dump
        break;
      case RtnetlinkSocket::ReceiveStatus::kError:
        return Status::Error(received.error);
    }
    // An endless storm of events must not hold the pass.
    if (Clock::now() >= deadline) return Status::Error("netlink events did not stop in time");
  }
}

Status LinkStatsReader::RunDump(Dump& dump, Clock::time_point deadline) {
  const bool stats = dump.kind == Dump::Kind::kStats;
  if (++seq_ == 0) ++seq_;  // 0 is what kernel notifications carry
  dump.seq = seq_;
  const Status sent = stats ? socket_->RequestStatsDump(dump.seq) : socket_->RequestDump(dump.seq);
  if (!sent.ok()) return sent;
  while (!dump.done) {
    const RtnetlinkSocket::Received received = socket_->Receive();
    switch (received.status) {
      case RtnetlinkSocket::ReceiveStatus::kData:
        dump.bytes += received.bytes.size();
        if (dump.bytes > options_.max_bytes) {
          return Status::Error(DumpName(stats) + " dump larger than " +
                               std::to_string(options_.max_bytes) + " bytes");
        }
        OnDatagram(received.bytes, dump);
        break;
      case RtnetlinkSocket::ReceiveStatus::kWouldBlock: {
        const auto left =
            std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0) {
          return Status::Error(DumpName(stats) + " dump did not finish within " +
                               std::to_string(options_.timeout.count()) + " ms");
        }
        pollfd readable{socket_->fd(), POLLIN, 0};
        if (poll(&readable, 1, static_cast<int>(left)) < 0 && errno != EINTR) {
          return Status::Error(std::string("poll: ") + std::strerror(errno));
        }
        break;
      }
      case RtnetlinkSocket::ReceiveStatus::kOverflow:
        names_valid_ = false;  // events were dropped; the dump itself goes on
        break;
      case RtnetlinkSocket::ReceiveStatus::kTruncated:
        names_valid_ = false;     // the lost datagram may have been an event
        dump.interrupted = true;  // or replies of this dump
        break;
      case RtnetlinkSocket::ReceiveStatus::kError:
        return Status::Error(received.error);
    }
  }
  if (dump.refused_errno != 0) {
    return Status::Error("the kernel refused the " + DumpName(stats) +
                         " dump: " + std::strerror(dump.refused_errno));
  }
  return Status::Ok();
}

Status LinkStatsReader::RefreshNames(std::vector<rtnl::ParseError>& parse_errors,
                                     Clock::time_point deadline) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    // Replies and events are applied in the order they come, so the map ends as the kernel's
    // list is at the dump's end.
    names_.clear();
    names_valid_ = true;
    Dump dump;
    dump.kind = Dump::Kind::kNames;
    dump.parse_errors = &parse_errors;
    const Status status = RunDump(dump, deadline);
    ++name_dumps_;
    if (!status.ok()) {
      names_valid_ = false;
      return status;
    }
    if (!dump.interrupted && names_valid_) return Status::Ok();
  }
  names_valid_ = false;
  interrupted_ = true;
  return Status::Error("RTM_GETLINK dump interrupted twice by link changes");
}

Status LinkStatsReader::DumpStats(std::vector<std::pair<uint32_t, rtnl::LinkStats64>>& stats,
                                  std::vector<rtnl::ParseError>& parse_errors,
                                  Clock::time_point deadline) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    stats.clear();
    stats.reserve(last_link_count_);  // a few percent of the read's CPU went to regrowing it
    Dump dump;
    dump.kind = Dump::Kind::kStats;
    dump.parse_errors = &parse_errors;
    dump.stats = &stats;
    if (Status status = RunDump(dump, deadline); !status.ok()) return status;
    // An interrupted walk may have skipped a link, which would then vanish for a pass.
    if (!dump.interrupted) {
      last_link_count_ = stats.size();
      return Status::Ok();
    }
  }
  interrupted_ = true;
  return Status::Error("RTM_GETSTATS dump interrupted twice by link changes");
}

void LinkStatsReader::OnDatagram(std::span<const uint8_t> bytes, Dump& dump) {
  const uint32_t port = socket_->port_id();
  rtnl::WalkDatagram(
      bytes,
      [&](const rtnl::Message& message) {
        const bool ours = message.pid == port && port != 0;
        const bool reply = ours && dump.kind != Dump::Kind::kEvents && message.seq == dump.seq;
        if (ours && !reply) return;  // a reply to an earlier dump of ours
        switch (message.kind) {
          case rtnl::Message::Kind::kLink:
            // Dump replies and events alike: each states the link's current name.
            if (reply && (message.flags & NLM_F_DUMP_INTR)) dump.interrupted = true;
            OnLink(message.link);
            break;
          case rtnl::Message::Kind::kStats:
            if (!reply || dump.kind != Dump::Kind::kStats) break;
            if (message.flags & NLM_F_DUMP_INTR) dump.interrupted = true;
            if (message.stats.stats64)
              dump.stats->emplace_back(message.stats.ifindex, *message.stats.stats64);
            break;
          case rtnl::Message::Kind::kDone:
            if (!reply) break;
            if (message.flags & NLM_F_DUMP_INTR) dump.interrupted = true;
            dump.done = true;
            break;
          case rtnl::Message::Kind::kError:
            if (!reply || message.error == 0) break;
            dump.refused_errno = -message.error;
            dump.done = true;
            break;
          case rtnl::Message::Kind::kOverrun:
            names_valid_ = false;
            break;
          case rtnl::Message::Kind::kOther:
            break;
        }
      },
      *dump.parse_errors);
}

void LinkStatsReader::OnLink(const rtnl::LinkMessage& link) {
  // AF_BRIDGE messages describe bridge-port state; their RTM_DELLINK is no deletion.
  if (link.family != AF_UNSPEC) return;
  auto it = std::lower_bound(names_.begin(), names_.end(), link.ifindex,
                             [](const auto& entry, uint32_t index) { return entry.first < index; });
  const bool found = it != names_.end() && it->first == link.ifindex;
  if (link.deleted) {
    if (found) names_.erase(it);
  } else if (found) {
    it->second = link.name;
  } else {
    names_.emplace(it, link.ifindex, link.name);
  }
}

const std::string* LinkStatsReader::FindName(uint32_t ifindex) const {
  auto it = std::lower_bound(names_.begin(), names_.end(), ifindex,
                             [](const auto& entry, uint32_t index) { return entry.first < index; });
  return it != names_.end() && it->first == ifindex ? &it->second : nullptr;
}

}  // namespace netif
