#include "collectors/snmp/if_mib_poll_plan.h"

#include <algorithm>
#include <string_view>
#include <utility>
#include <vector>

namespace netif {
namespace {

IfColumnSet AllIfColumns() { return IfColumnSet().set(); }

// Status columns are walked on every poll, whatever the last full walk found.
IfColumnSet AlwaysWalked() {
  IfColumnSet set;
  for (IfColumn c : {IfColumn::kAdminStatus, IfColumn::kOperStatus, IfColumn::kLastChange}) {
    set.set(IfColumnIndex(c));
  }
  return set;
}

std::vector<Oid> ColumnOids(const IfColumnSet& columns) {
  std::vector<Oid> oids;
  for (const IfColumnInfo& info : kIfColumns) {
    if (columns.test(IfColumnIndex(info.column))) oids.push_back(IfColumnOid(info.column));
  }
  return oids;
}

bool SameIndexes(const IfPorts& a, const IfPorts& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](const auto& x, const auto& y) { return x.first == y.first; });
}

}  // namespace

IfMibPollPlan::IfMibPollPlan(const SnmpTargetConfig& config, std::string source)
    : metadata_every_(config.settings.metadata_every),
      max_interfaces_(config.settings.max_interfaces),
      max_varbinds_(config.settings.max_varbinds) {
  options_.source = std::move(source);
  options_.target = config.name;
  options_.static_labels.assign(config.labels.begin(), config.labels.end());
  options_.selected = [&config](std::string_view name, std::string_view descr,
                                std::string_view alias) {
    return config.InterfaceSelected(name, descr, alias);
  };
}

ColumnWalk IfMibPollPlan::StartPoll() {
  metadata_ = !have_metadata_ || polls_since_metadata_ + 1 >= metadata_every_;
  first_walk_ = true;
  walked_ = metadata_ ? AllIfColumns() : fast_columns_;
  expected_rows_.reset();
  if (have_metadata_) expected_rows_ = slow_values_.size();
  walk_.Clear();
  return ColumnWalk(ColumnOids(walked_),
                    {Oid(kSysUpTimeObject.begin(), kSysUpTimeObject.end()),
                     Oid(kIfNumberObject.begin(), kIfNumberObject.end())},
                    WalkLimits());
}

ColumnWalk::Limits IfMibPollPlan::WalkLimits() const {
  ColumnWalk::Limits limits;
  limits.max_rows_per_column = max_interfaces_;
  const size_t used = walk_.varbinds_added();
  limits.max_varbinds = used < max_varbinds_ ? max_varbinds_ - used : 0;
  return limits;
}

void IfMibPollPlan::OnScalars(std::span<const Varbind> scalars) {
  if (expected_rows_) return;
  if (const std::optional<uint32_t> ports = ParseIfNumber(scalars)) {
    expected_rows_ = std::min<size_t>(*ports, max_interfaces_);
  }
}

std::optional<ColumnWalk> IfMibPollPlan::OnWalkDone(std::span<const Varbind> varbinds) {
  if (walking_dot3_) {
    dot3_walk_.Add(varbinds);
    walking_dot3_ = false;
    return std::nullopt;
  }
  walk_.Add(varbinds);
  if (std::optional<ColumnWalk> next = NextIfMibWalk()) return next;
  return Dot3WalkIfDue();
}

std::optional<ColumnWalk> IfMibPollPlan::NextIfMibWalk() {
  const bool first = std::exchange(first_walk_, false);
  if (metadata_ || !first) return std::nullopt;
  const std::optional<uint32_t> uptime = walk_.sys_uptime_ticks();
  const bool restarted = uptime && last_uptime_ticks_ && *uptime < *last_uptime_ticks_;
  if (!restarted && SameIndexes(walk_.ports(), slow_values_)) return std::nullopt;
  // Ports came or went (or were renumbered), or may have been: read the slow columns now, not on
  // a later poll, so no port is ever exported without its name, or with another port's.
  metadata_ = true;
  expected_rows_ = walk_.ports().size();
  const IfColumnSet remaining = AllIfColumns() & ~walked_;
  walked_ = AllIfColumns();
  return ColumnWalk(ColumnOids(remaining), {}, WalkLimits());
}

std::optional<ColumnWalk> IfMibPollPlan::Dot3WalkIfDue() {
  if (!metadata_ || dot3_walked_ || has_dot3_ == false) return std::nullopt;
  walking_dot3_ = true;
  dot3_walked_ = true;
  dot3_walk_.Clear();
  return ColumnWalk(Dot3ColumnOids(), {}, WalkLimits());
}

void IfMibPollPlan::FinishDot3(IfMibParseResult& parsed) {
  if (dot3_walked_) {
    std::vector<std::string> problems;
    parsed.malformed += dot3_walk_.TakeMalformed(&problems);
    for (std::string& problem : problems) {
      if (parsed.problems.size() < kMaxReportedProblems)
        parsed.problems.push_back(std::move(problem));
    }
    parsed.quirks.Merge(dot3_walk_.TakeQuirks());
    dot3_values_ = dot3_walk_.TakePorts();
    has_dot3_ = !dot3_values_.empty();
    dot3_walk_.Clear();
    dot3_walked_ = false;
  }
  ApplyDot3(dot3_values_, parsed.records);
}

IfMibParseResult IfMibPollPlan::Finish(double poll_unix_seconds) {
  options_.poll_unix_seconds = poll_unix_seconds;
  options_.agent_epoch_unix_seconds.reset();
  if (const std::optional<uint32_t> uptime = walk_.sys_uptime_ticks()) {
    options_.agent_epoch_unix_seconds = agent_epoch_.Update(*uptime, poll_unix_seconds);
    last_uptime_ticks_ = uptime;
  }
  IfMibParseResult parsed = walk_.Finish(options_, metadata_ ? nullptr : &slow_values_);
  FinishDot3(parsed);
  if (metadata_) {
    slow_values_ = walk_.TakePorts();
    fast_columns_ = (parsed.used_columns & FastIfColumns()) | AlwaysWalked();
    have_metadata_ = true;
    polls_since_metadata_ = 0;
  } else {
    ++polls_since_metadata_;
  }
  walk_.Clear();
  return parsed;
}

}  // namespace netif
