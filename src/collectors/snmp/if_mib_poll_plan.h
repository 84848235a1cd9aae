// The IF-MIB's part of a target's poll: which columns each poll walks, and what the varbinds
// become. The poller sends the requests; the plan decides what they ask for and keeps what the
// polls learned.
//
// Table-driven, as snmp_exporter's modules are: the columns, their OIDs, value kinds and cadence
// are the kIfColumns table (if_mib.h), the values are read by the parser (if_mib_parser.h), and
// this plan only combines them:
//  - a metadata poll (the first, then every `metadata_every`-th) walks every column;
//  - the polls in between walk the fast columns the last metadata poll found in use (the status
//    columns always; no 32-bit counters where every port has HC ones) and take the slow ones
//    (names, alias, speed, type, MTU, address) from what that poll parsed, kept per ifIndex;
//  - a fast walk that finds the set of ifIndexes changed, or the agent restarted (sysUpTime went
//    back: ifIndexes are only stable between restarts, RFC 2863 3.1.5), is followed at once by a
//    walk of the remaining columns, so no port is ever exported with another port's names.
// sysUpTime.0 and ifNumber.0 ride along in the first request: ifNumber.0 sizes the requests,
// sysUpTime.0 places ifLastChange in time (AgentEpoch) and shows restarts.
//
// EtherLike-MIB's dot3StatsTable (ether_like_mib.h) rides on the metadata polls: after their
// IF-MIB walks, one walk of its columns, as long as the agent has it. The first such walk is the
// probe: an agent that answers it with no row is not asked again (for the life of the plan). Its
// values (counters and duplex) are kept per ifIndex and added to every poll's records.
//
// Thread-safety: REQUIRES external synchronization (one per target, on the poller thread).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "collectors/snmp/column_walk.h"
#include "collectors/snmp/ether_like_mib.h"
#include "collectors/snmp/if_mib.h"
#include "collectors/snmp/if_mib_parser.h"
#include "collectors/snmp/varbind.h"
#include "config/snmp_config.h"

namespace netif {

class IfMibPollPlan {
 public:
  // `source`: the records' InterfaceKey::source. The target's name, static labels, port
  // selection and metadata_every come from `config`, which must outlive the plan.
  IfMibPollPlan(const SnmpTargetConfig& config, std::string source);
  // The plan keeps a reference to the config: a temporary would dangle.
  IfMibPollPlan(SnmpTargetConfig&& config, std::string source) = delete;

  // Begins a poll; returns its first walk: the columns, and the scalars as non-repeaters.
  ColumnWalk StartPoll();
  // Whether this poll walks (by now) every column.
  bool metadata() const { return metadata_; }
  // Rows each column should have, when known: ifNumber.0, or the ports the last walk found.
  std::optional<size_t> expected_rows() const { return expected_rows_; }
  // The scalars of the poll's first response.
  void OnScalars(std::span<const Varbind> scalars);
  // Varbinds of the walk in progress, as each response brings them: the walk itself keeps none,
  // so a poll holds its ports' parsed values and one response, never the whole walk's varbinds.
  void AddVarbinds(std::span<const Varbind> varbinds) {
    if (walking_dot3_) {
      dot3_walk_.Add(varbinds);
    } else {
      walk_.Add(varbinds);
    }
  }
  // More distinct ifIndexes read this poll than max_interfaces allows (each column's rows are
  // bounded by the walk itself; this also catches columns whose indexes differ).
  bool TooManyInterfaces() const { return walk_.ports().size() > max_interfaces_; }
  // A walk of this poll ended (with `varbinds` not added yet, if any); returns the walk the poll
  // needs next, if any.
  std::optional<ColumnWalk> OnWalkDone(std::span<const Varbind> varbinds = {});
  // Varbinds the poll's walks brought (for the log).
  size_t varbinds_read() const { return walk_.varbinds_added(); }
  // The poll's records; `poll_unix_seconds` is when its first request went out.
  IfMibParseResult Finish(double poll_unix_seconds);
  // The poll failed: nothing of it is kept, and its metadata poll is still due.
  void Abort() {
    walk_.Clear();
    dot3_walk_.Clear();
    walking_dot3_ = dot3_walked_ = false;
  }
  // Whether the agent has dot3StatsTable: nullopt until the first metadata poll asked.
  std::optional<bool> has_dot3() const { return has_dot3_; }

 private:
  // The limits each walk gets: rows per column, and the varbinds the poll has left.
  ColumnWalk::Limits WalkLimits() const;
  // The IF-MIB walk this poll needs after its first one, if any.
  std::optional<ColumnWalk> NextIfMibWalk();
  // The dot3StatsTable walk, on metadata polls of an agent that has (or may have) the table.
  std::optional<ColumnWalk> Dot3WalkIfDue();
  // Takes this poll's dot3 walk (if any) into what the plan keeps, and its problems into `parsed`.
  void FinishDot3(IfMibParseResult& parsed);

  const uint32_t metadata_every_;
  const size_t max_interfaces_;
  const size_t max_varbinds_;
  IfMibParseOptions options_;  // the poll's time and the agent's epoch are set by Finish()

  // This poll.
  bool metadata_ = false;
  bool first_walk_ = true;
  IfColumnSet walked_;
  std::optional<size_t> expected_rows_;
  IfMibWalk walk_;
  bool walking_dot3_ = false;
  bool dot3_walked_ = false;
  Dot3Walk dot3_walk_;

  // What earlier polls learned.
  std::optional<bool> has_dot3_;
  Dot3Ports dot3_values_;  // the last dot3 walk's ports
  bool have_metadata_ = false;
  uint32_t polls_since_metadata_ = 0;
  IfPorts slow_values_;       // the last metadata poll's ports
  IfColumnSet fast_columns_;  // the fast columns in use then
  AgentEpoch agent_epoch_;
  std::optional<uint32_t> last_uptime_ticks_;
};

}  // namespace netif
