// The netlink collector's logic without the socket: turns parsed rtnetlink datagrams into store
// updates, in arrival order, and keeps track of the dumps that make its view complete.
//
//   RTM_NEWLINK  -> the LinkEventObserver, if any, then Store::ApplyLinkEvent (a new ifindex under
//                   a new name is a rename; the store counts the oper-state transition and
//                   returns it for the log line)
//   RTM_DELLINK  -> Store::RemoveInterface by ifindex
//   dump done    -> Store::ReconcileSource: links the dump did not list are gone
// AF_BRIDGE messages (bridge-port state, whose RTM_DELLINK only means "left the bridge") are
// counted and ignored. Every message is applied on its own: none is coalesced, so a flap that
// lasts a millisecond is still two transitions.
//
// The DeviceFilter is applied by name on every message, so a rename can take a link into or out
// of the exported set. The sync keeps its own ifindex -> name view of every link (filtered or
// not) to know a link's previous name and to name a port's master (IFLA_MASTER is an ifindex;
// sysfs' `master` shows the name). A port listed before its master (a dump walks links by
// ifindex, and a bridge made after its port has the higher one) goes out without the master's
// name; when the master then appears, or a master is renamed, the sync asks for another dump,
// which states every port again with the name it now has. The kernel sends no event for a port
// when only its master's name changes, and a dump costs nothing in state kept per port.
//
// Thread-safety: REQUIRES external synchronization (the collector's thread owns one).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>

#include "collectors/netlink/rtnetlink_parser.h"
#include "model/record_sink.h"
#include "model/sample_time.h"
#include "telemetry/self_metrics.h"
#include "util/device_filter.h"

namespace netif {

// Told of every RTM_NEWLINK of an exported link (events and dump replies), on the thread that
// owns the sync, just before the store applies it; `record` is what the message says
// (rtnl::ToInterfaceRecord). The app hands it to the local sampler, which keeps the link settings
// netlink reports (mtu, address, ...) for its samples and re-reads the few sysfs attributes
// netlink lacks (speed, duplex). It must be cheap, and thread-safe towards its other users.
using LinkEventObserver = std::function<void(const InterfaceRecord& record)>;

class LinkStateSync {
 public:
  LinkStateSync(DeviceFilter filter, RecordSink& sink, SelfMetrics& self_metrics,
                LinkEventObserver on_link_event = nullptr);

  // What the datagram asks of the socket owner.
  enum class Outcome : uint8_t {
    kOk,
    // The kernel answered the dump request with an error: treat the socket as failed.
    kDumpFailed,
  };

  // Applies every message of one datagram, stamped `time` (when it was read).
  Outcome OnDatagram(std::span<const uint8_t> bytes, const SampleTime& time);

  // Events were lost (ENOBUFS, NLMSG_OVERRUN, a datagram cut short): counts it under `reason`
  // and asks for a new dump. Messages keep being applied meanwhile.
  void OnLostEvents(std::string_view reason);

  // The socket was (re)opened: nothing of the old one is pending, a dump is needed.
  void Reset();

  // True when a dump should be requested now: one is needed and none is running (the kernel runs
  // one dump per socket at a time).
  bool WantsDump() const { return dump_needed_ && !dump_.has_value(); }
  // The socket owner sent RTM_GETLINK with `seq` from port `port_id` at `time`.
  void DumpRequested(uint32_t seq, uint32_t port_id, const SampleTime& time);
  bool dump_in_progress() const { return dump_.has_value(); }
  // Dumps completed without interruption since construction.
  uint64_t complete_dumps() const { return complete_dumps_; }

 private:
  struct Dump {
    uint32_t seq = 0;
    uint32_t port_id = 0;
    SampleTime started;
    bool interrupted = false;   // NLM_F_DUMP_INTR: links changed while it ran
    std::set<uint32_t> listed;  // ifindexes listed (or announced by an event) during it
  };

  bool IsDumpReply(const rtnl::Message& message) const;
  // The name of `link`'s master, when it has one the sync knows.
  std::optional<std::string> MasterName(const rtnl::LinkMessage& link) const;
  // Notes which master an exported link has, for NoteMasterNamed.
  void NoteMaster(const rtnl::LinkMessage& link);
  // `ifindex` just got its name (first seen, or renamed): the ports already sent with it as master
  // carry no name or the old one, so a dump is needed to restate them.
  void NoteMasterNamed(uint32_t ifindex);
  void OnLink(const rtnl::LinkMessage& link, const SampleTime& time);
  void OnNewLink(const rtnl::LinkMessage& link, const SampleTime& time);
  void OnDelLink(const rtnl::LinkMessage& link, const SampleTime& time);
  void OnDumpDone();
  void CountParseError(rtnl::ParseError error);

  const DeviceFilter filter_;
  RecordSink& sink_;
  const LinkEventObserver on_link_event_;
  prometheus::Counter& events_;
  prometheus::Counter& errors_truncated_;
  prometheus::Counter& errors_malformed_;
  SelfMetrics& self_metrics_;

  std::map<uint32_t, std::string> names_;  // ifindex -> name of every link the kernel showed
  std::map<uint32_t, uint32_t> masters_;   // exported port's ifindex -> its master's ifindex
  std::optional<Dump> dump_;
  bool dump_needed_ = true;
  uint64_t complete_dumps_ = 0;
  bool overflow_logged_ = false;  // one warning per overflow episode, not one per overflow
  std::set<rtnl::ParseError> logged_parse_errors_;
};

}  // namespace netif
