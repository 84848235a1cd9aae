#include "collectors/netlink/link_state_sync.h"

#include <linux/netlink.h>
#include <sys/socket.h>

#include <algorithm>
#include <utility>

#include "util/clock.h"
#include "util/log.h"
#include "util/log_rate_limit.h"

namespace netif {
namespace {

InterfaceKey LocalKey(const std::string& name) { return {std::string(kLocalSource), name}; }

// 1/0 as in the metrics, or "unknown" when the source did not say.
LogField FlagField(std::string_view key, std::optional<bool> value) {
  if (!value) return LogField(key, "unknown");
  return LogField(key, *value ? 1 : 0);
}

// Every link change is counted in the metrics; the log shows a burst in full (a node's veths
// coming up at boot) and thins a flood (churn of thousands of pods) to a steady rate, the next
// line saying how many it left out.
LogRateLimit& LinkEventLines() {
  static LogRateLimit limit(/*per_second=*/10, /*burst=*/200);
  return limit;
}

void LogLinkChange(const LinkChange& change, uint32_t ifindex) {
  uint64_t suppressed = 0;
  if (!LinkEventLines().Allow(MonotonicSeconds(), &suppressed)) return;
  if (suppressed > 0) LogInfo("link event lines suppressed", {{"count", suppressed}});
  LogInfo("link event",
          {{"device", change.name},
           {"ifindex", ifindex},
           {"from", change.from ? OperStateName(*change.from) : std::string_view("unknown")},
           {"to", OperStateName(change.to)},
           FlagField("up", change.admin_up),
           FlagField("running", change.to == OperState::kUp),
           FlagField("carrier", change.carrier)});
}

}  // namespace

LinkStateSync::LinkStateSync(DeviceFilter filter, RecordSink& sink, SelfMetrics& self_metrics,
                             LinkEventObserver on_link_event)
    : filter_(std::move(filter)),
      sink_(sink),
      on_link_event_(std::move(on_link_event)),
      events_(self_metrics.Counter("netif_netlink_events_total")),
      errors_truncated_(
          self_metrics.Counter("netif_netlink_errors_total", {{"reason", "truncated"}})),
      errors_malformed_(
          self_metrics.Counter("netif_netlink_errors_total", {{"reason", "malformed"}})),
      self_metrics_(self_metrics) {}

void LinkStateSync::Reset() {
  dump_.reset();
  dump_needed_ = true;
}

void LinkStateSync::DumpRequested(uint32_t seq, uint32_t port_id, const SampleTime& time) {
  dump_.emplace();
  dump_->seq = seq;
  dump_->port_id = port_id;
  dump_->started = time;
  dump_needed_ = false;
  self_metrics_.Counter("netif_netlink_resyncs_total").Increment();
}

void LinkStateSync::OnLostEvents(std::string_view reason) {
  self_metrics_.Counter("netif_netlink_errors_total", {{"reason", std::string(reason)}})
      .Increment();
  dump_needed_ = true;
  if (!overflow_logged_) {
    // An event storm overflows the socket many times; one line per episode is enough, the
    // counter has the rest.
    LogWarn("netlink events lost, taking a full link dump",
            {{"collector", "netlink"}, {"reason", reason}});
    overflow_logged_ = true;
  }
}

bool LinkStateSync::IsDumpReply(const rtnl::Message& message) const {
  // Events caused by another process carry that process's port id and sequence number, so both
  // must match ours.
  return dump_ && message.seq == dump_->seq && message.pid == dump_->port_id;
}

LinkStateSync::Outcome LinkStateSync::OnDatagram(std::span<const uint8_t> bytes,
                                                 const SampleTime& time) {
  const rtnl::DatagramParseResult parsed = rtnl::ParseDatagram(bytes);
  for (const rtnl::ParseError error : parsed.errors) CountParseError(error);
  // Every link is applied in order (transitions stay exact); the snapshot is published once.
  const SinkBatch batch(sink_);
  for (const rtnl::Message& message : parsed.messages) {
    switch (message.kind) {
      case rtnl::Message::Kind::kLink:
        events_.Increment();
        if (IsDumpReply(message) && (message.flags & NLM_F_DUMP_INTR)) dump_->interrupted = true;
        OnLink(message.link, time);
        break;
      case rtnl::Message::Kind::kDone:
        if (!IsDumpReply(message)) break;
        if (message.flags & NLM_F_DUMP_INTR) dump_->interrupted = true;
        OnDumpDone();
        break;
      case rtnl::Message::Kind::kError:
        if (!IsDumpReply(message) || message.error == 0) break;
        LogWarn("netlink dump request failed",
                {{"collector", "netlink"}, {"errno", static_cast<int>(-message.error)}});
        dump_.reset();
        dump_needed_ = true;
        return Outcome::kDumpFailed;
      case rtnl::Message::Kind::kOverrun:
        OnLostEvents("enobufs");  // the kernel's other way of saying "receive buffer overrun"
        break;
      case rtnl::Message::Kind::kStats:  // never asked for on this socket
      case rtnl::Message::Kind::kOther:
        break;
    }
  }
  return Outcome::kOk;
}

void LinkStateSync::OnLink(const rtnl::LinkMessage& link, const SampleTime& time) {
  // AF_BRIDGE messages describe a bridge port, not the link: the AF_UNSPEC message about the
  // same change carries the link state.
  if (link.family != AF_UNSPEC) return;
  if (link.deleted) {
    OnDelLink(link, time);
  } else {
    OnNewLink(link, time);
  }
}

void LinkStateSync::OnNewLink(const rtnl::LinkMessage& link, const SampleTime& time) {
  if (dump_) dump_->listed.insert(link.ifindex);
  const auto known = names_.find(link.ifindex);
  const bool first_sight = known == names_.end();
  std::optional<std::string> old_name;
  if (first_sight) {
    names_.emplace(link.ifindex, link.name);
  } else if (known->second != link.name) {
    old_name = std::exchange(known->second, link.name);
  }
  // A master may be filtered out and still name exported ports.
  if (first_sight || old_name) NoteMasterNamed(link.ifindex);

  if (!filter_.Allows(link.name)) {
    masters_.erase(link.ifindex);
    // Renamed out of the exported set (or never in it): make sure nothing is left under the
    // old name. Only then, so that events of excluded links cost no store work.
    if ((old_name && filter_.Allows(*old_name)) || first_sight) {
      sink_.RemoveInterface(LocalKey(link.name), link.ifindex, time);
    }
    return;
  }
  NoteMaster(link);
  InterfaceRecord record = rtnl::ToInterfaceRecord(link);
  record.attributes.master = MasterName(link);
  // Before the store: an observer that feeds samples (the local sampler) then never holds
  // settings older than what the store shows.
  if (on_link_event_) on_link_event_(record);
  const auto change = sink_.ApplyLinkEvent(std::move(record), time);
  if (old_name) {
    LogInfo("link renamed",
            {{"device", link.name}, {"ifindex", link.ifindex}, {"old_device", *old_name}});
  }
  if (change) LogLinkChange(*change, link.ifindex);
}

std::optional<std::string> LinkStateSync::MasterName(const rtnl::LinkMessage& link) const {
  if (!link.master || *link.master == 0) return std::nullopt;
  const auto known = names_.find(*link.master);
  if (known == names_.end()) return std::nullopt;
  return known->second;
}

void LinkStateSync::NoteMaster(const rtnl::LinkMessage& link) {
  if (link.master && *link.master != 0) {
    masters_.insert_or_assign(link.ifindex, *link.master);
  } else {
    masters_.erase(link.ifindex);
  }
}

void LinkStateSync::NoteMasterNamed(uint32_t ifindex) {
  if (dump_needed_) return;
  const bool names_a_port =
      std::any_of(masters_.begin(), masters_.end(),
                  [ifindex](const auto& port_master) { return port_master.second == ifindex; });
  if (!names_a_port) return;
  dump_needed_ = true;
  LogDebug("a master's name changed for ports already reported, taking a link dump",
           {{"collector", "netlink"}, {"ifindex", ifindex}});
}

void LinkStateSync::OnDelLink(const rtnl::LinkMessage& link, const SampleTime& time) {
  if (dump_) dump_->listed.erase(link.ifindex);
  names_.erase(link.ifindex);
  masters_.erase(link.ifindex);
  sink_.RemoveInterface(LocalKey(link.name), link.ifindex, time);
  LogDebug("link removed", {{"device", link.name}, {"ifindex", link.ifindex}});
}

void LinkStateSync::OnDumpDone() {
  Dump dump = std::move(*dump_);
  dump_.reset();
  if (dump.interrupted) {
    // Links changed while the kernel walked them: the listing may have skipped one. Take
    // another rather than remove a link that exists.
    dump_needed_ = true;
    LogDebug("netlink dump interrupted, retaking it", {{"collector", "netlink"}});
    return;
  }
  std::erase_if(names_, [&](const auto& entry) { return !dump.listed.contains(entry.first); });
  std::erase_if(masters_, [&](const auto& entry) { return !dump.listed.contains(entry.first); });
  std::set<std::string> present;
  for (const auto& [ifindex, name] : names_) present.insert(name);
  sink_.ReconcileSource(kLocalSource, present, dump.started);
  ++complete_dumps_;
  if (!dump_needed_) overflow_logged_ = false;  // the episode is over
}

void LinkStateSync::CountParseError(rtnl::ParseError error) {
  (error == rtnl::ParseError::kTruncated ? errors_truncated_ : errors_malformed_).Increment();
  if (logged_parse_errors_.insert(error).second) {
    // Once per reason for the process' life: a kernel that sends something this parser rejects
    // will keep sending it.
    LogWarn("skipped malformed netlink message",
            {{"collector", "netlink"}, {"reason", rtnl::ParseErrorReason(error)}});
  }
}

}  // namespace netif
