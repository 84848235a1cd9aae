// What both SNMP fuzz targets check after feeding varbinds to the IF-MIB parser: the promises of
// if_mib_parser.h, each broken one an abort that libFuzzer reports. Header-only; included by the
// *_fuzz.cc files only.
#pragma once

#include <cstdlib>
#include <span>
#include <string>

#include "collectors/snmp/column_walk.h"
#include "collectors/snmp/if_mib.h"
#include "collectors/snmp/if_mib_parser.h"
#include "collectors/snmp/varbind.h"

namespace netif::fuzz {

inline void Check(bool condition) {
  if (!condition) std::abort();
}

inline IfMibParseOptions FuzzParseOptions() {
  IfMibParseOptions options;
  options.source = "snmp/fuzz";
  options.target = "fuzz";
  options.static_labels = {{"site", "lab"}};
  options.poll_unix_seconds = 1'700'000'000;
  return options;
}

// Records and problems as if_mib_parser.h promises them, for `varbinds_in` varbinds read.
inline void CheckParse(const IfMibParseResult& result, size_t varbinds_in) {
  Check(result.malformed <= varbinds_in);
  Check(result.problems.size() <= kMaxReportedProblems);
  Check(result.problems.size() <= result.malformed);
  for (const std::string& problem : result.problems) {
    for (char c : problem) Check(c >= 0x20 && c <= 0x7E);  // one printable log line
  }
  for (const InterfaceRecord& record : result.records) {
    Check(record.key.source == "snmp/fuzz");
    Check(!record.key.id.empty() && record.key.id.size() <= 10);
    for (char c : record.key.id) Check(c >= '0' && c <= '9');
    Check(record.name.starts_with("fuzz/"));
    Check(record.labels.size() == 5 + 1);  // target, ifIndex, ifName, ifDescr, ifAlias; site
    Check(record.labels[0].first == "target" && record.labels[0].second == "fuzz");
    Check(record.labels[1].first == "ifIndex" && record.labels[1].second == record.key.id);
    Check(record.labels.back().first == "site");
    for (const auto& [name, value] : record.labels) {
      Check(value.size() <= kMaxDisplayStringBytes);
    }
  }
}

// The varbinds as one poll's walk and parse: through a ColumnWalk of every IF-MIB column with
// small limits (as the poller's first response would be), then the parser, whole and as two
// polls (the second reusing the first's slow columns).
inline void WalkAndParse(std::span<const Varbind> varbinds) {
  std::vector<Oid> columns;
  for (const IfColumnInfo& info : kIfColumns) columns.push_back(IfColumnOid(info.column));
  ColumnWalk::Limits limits;
  limits.max_rows_per_column = 64;
  limits.max_varbinds = 1024;
  ColumnWalk walk(std::move(columns),
                  {Oid(kSysUpTimeObject.begin(), kSysUpTimeObject.end()),
                   Oid(kIfNumberObject.begin(), kIfNumberObject.end())},
                  limits);
  const ColumnWalk::Request request = walk.NextRequest(kIfColumnCount);
  const ColumnWalk::Outcome outcome = walk.OnResponse(request, varbinds);
  Check(outcome.accepted <= varbinds.size());
  Check(outcome.accepted <= limits.max_varbinds);
  const std::vector<Varbind> kept = walk.TakeVarbinds();
  Check(kept.size() == outcome.accepted);
  Check(outcome.limit == ColumnWalk::Limit::kNone || walk.done());
  (void)ParseIfNumber(varbinds.first(std::min<size_t>(2, varbinds.size())));

  const IfMibParseOptions options = FuzzParseOptions();
  IfMibParseResult whole = ParseIfMib(varbinds, options);
  CheckParse(whole, varbinds.size());
  Check(whole.if_indexes.size() <= varbinds.size());
  Check(whole.records.size() <= whole.if_indexes.size());

  IfMibWalk first;
  first.Add(kept);
  CheckParse(first.Finish(options), kept.size());
  const IfPorts slow = first.TakePorts();
  IfMibWalk second;
  second.Add(varbinds);
  CheckParse(second.Finish(options, &slow), varbinds.size());
}

}  // namespace netif::fuzz
