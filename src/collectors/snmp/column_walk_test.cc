// The column walker against an in-memory table agent loaded from a recorded device: GETBULK and
// GETNEXT semantics over a sorted map, so every request shape and truncation can be tried
// without a network.
#include "collectors/snmp/column_walk.h"

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <set>

#include "collectors/snmp/if_mib.h"
#include "support/snmp/snmprec.h"
#include "support/snmp/table_agent.h"

namespace netif {
namespace {

using testing_support::kCiscoRecording;
using testing_support::ReadSnmprecFile;
using testing_support::SharedSnmprec;
using testing_support::TableAgent;

Oid SysUpTime() { return Oid(kSysUpTimeObject.begin(), kSysUpTimeObject.end()); }

std::vector<Oid> AllColumns() {
  std::vector<Oid> columns;
  for (const IfColumnInfo& info : kIfColumns) columns.push_back(IfColumnOid(info.column));
  return columns;
}

std::vector<Varbind> Recording() {
  return ReadSnmprecFile(SharedSnmprec(kCiscoRecording)).varbinds;
}

// What a correct walk of AllColumns() plus sysUpTime.0 must collect.
std::set<Oid> Wanted(const std::vector<Varbind>& recording) {
  std::set<Oid> wanted;
  for (const Varbind& vb : recording) {
    bool malformed = false;
    if (IfInstanceOf(vb.oid, &malformed)) wanted.insert(vb.oid);
    if (CompareOids(vb.oid, kSysUpTimeInstance) == std::strong_ordering::equal) {
      wanted.insert(vb.oid);
    }
  }
  return wanted;
}

struct WalkRun {
  std::set<Oid> collected;
  int requests = 0;
  ColumnWalk::Outcome totals;
};

// Runs a walk to the end; `shape` may rewrite each response (truncate, corrupt).
WalkRun Walk(const TableAgent& agent, size_t max_columns, uint32_t repetitions,
             const std::function<void(std::vector<Varbind>&)>& shape = nullptr) {
  ColumnWalk walk(AllColumns(), {SysUpTime()});
  WalkRun run;
  while (!walk.done() && run.requests < 10000) {
    const ColumnWalk::Request request = walk.NextRequest(max_columns);
    EXPECT_LE(request.columns.size(), std::max<size_t>(1, max_columns));
    std::vector<Varbind> response = agent.Bulk(request, repetitions);
    if (shape) shape(response);
    const ColumnWalk::Outcome outcome = walk.OnResponse(request, response);
    run.totals.accepted += outcome.accepted;
    run.totals.oid_order_errors += outcome.oid_order_errors;
    if (!outcome.progress) break;
    ++run.requests;
  }
  for (const Varbind& vb : walk.TakeVarbinds()) {
    EXPECT_TRUE(run.collected.insert(vb.oid).second) << FormatOid(vb.oid) << " twice";
  }
  return run;
}

TEST(ColumnWalkTest, CollectsEveryColumnOfARealSwitch) {
  const auto recording = Recording();
  const TableAgent agent(recording);
  const WalkRun run = Walk(agent, kIfColumnCount, 25);
  EXPECT_EQ(run.collected, Wanted(recording));
  // 57 ports: three rounds of 25 rows cover every column in 3 requests.
  EXPECT_EQ(run.requests, 3);
}

TEST(ColumnWalkTest, SameResultWhateverTheRequestShape) {
  const auto recording = Recording();
  const TableAgent agent(recording);
  const auto wanted = Wanted(recording);
  EXPECT_EQ(Walk(agent, 3, 1).collected, wanted);
  EXPECT_EQ(Walk(agent, 1, 100).collected, wanted);
  EXPECT_EQ(Walk(agent, 40, 7).collected, wanted);
}

TEST(ColumnWalkTest, AgentsThatAnswerWithFewerRows) {
  // RFC 3416 lets an agent return fewer varbinds to fit its message size.
  const auto recording = Recording();
  const TableAgent agent(recording);
  const WalkRun run = Walk(agent, kIfColumnCount, 25, [](std::vector<Varbind>& response) {
    if (response.size() > 11) response.resize(11);
  });
  EXPECT_EQ(run.collected, Wanted(recording));
  EXPECT_GT(run.requests, 100);
}

TEST(ColumnWalkTest, AnAgentGoingBackwardsEndsTheColumn) {
  const auto recording = Recording();
  const TableAgent agent(recording);
  int round = 0;
  const WalkRun run = Walk(agent, kIfColumnCount, 25, [&](std::vector<Varbind>& response) {
    // The second response sends the first column (ifDescr) back to its first row.
    if (++round == 2 && !response.empty()) {
      response[0].oid = IfColumnOid(IfColumn::kDescr);
      response[0].oid.push_back(1);
    }
  });
  EXPECT_GE(run.totals.oid_order_errors, 1u);
  EXPECT_LT(run.collected.size(), Wanted(recording).size());
}

TEST(ColumnWalkTest, AnAgentRepeatingItselfCannotLoop) {
  const auto recording = Recording();
  const TableAgent agent(recording);
  std::vector<Varbind> first;
  int round = 0;
  const WalkRun run = Walk(agent, kIfColumnCount, 25, [&](std::vector<Varbind>& response) {
    if (++round == 1) {
      first = response;
    } else {
      response = first;  // the same answer forever
    }
  });
  EXPECT_GT(run.totals.oid_order_errors, 0u);
  EXPECT_LT(run.requests, 5);
}

// Runs a walk to the end against `agent`, each response rewritten by `shape` given the request.
struct QuirkRun {
  std::set<Oid> collected;
  int requests = 0;
  ColumnWalk::Outcome totals;
};
QuirkRun WalkShaped(
    const TableAgent& agent, uint32_t asked, uint32_t sent,
    const std::function<void(const ColumnWalk::Request&, std::vector<Varbind>&)>& shape) {
  ColumnWalk walk(AllColumns(), {SysUpTime()});
  QuirkRun run;
  while (!walk.done() && run.requests < 10000) {
    ColumnWalk::Request request = walk.NextRequest(kIfColumnCount);
    request.repetitions = asked;
    std::vector<Varbind> response = agent.Bulk(request, sent);
    if (shape) shape(request, response);
    const ColumnWalk::Outcome outcome = walk.OnResponse(request, response);
    run.totals.oid_order_errors += outcome.oid_order_errors;
    run.totals.ignored_max_repetitions += outcome.ignored_max_repetitions;
    run.totals.past_column_end += outcome.past_column_end;
    run.totals.repeated_oids += outcome.repeated_oids;
    ++run.requests;
    if (!outcome.progress) break;
  }
  for (const Varbind& vb : walk.TakeVarbinds()) run.collected.insert(vb.oid);
  return run;
}

TEST(ColumnWalkQuirksTest, AnAgentIgnoringMaxRepetitionsIsReadWhole) {
  const auto recording = Recording();
  const TableAgent agent(recording);
  const QuirkRun honest = WalkShaped(agent, 10, 10, nullptr);
  EXPECT_EQ(honest.totals.ignored_max_repetitions, 0u);
  const QuirkRun run = WalkShaped(agent, 10, 60, nullptr);  // asked 10 rows, got 60
  EXPECT_EQ(run.collected, Wanted(recording));
  EXPECT_GE(run.totals.ignored_max_repetitions, 1u);
  EXPECT_EQ(run.totals.oid_order_errors, 0u);
  EXPECT_LT(run.requests, honest.requests);
}

TEST(ColumnWalkQuirksTest, RepeatedRowsAreSkippedNotFollowed) {
  const auto recording = Recording();
  const TableAgent agent(recording);
  // Every row sent twice in a row: each OID repeats its column's cursor once.
  const QuirkRun run =
      WalkShaped(agent, 25, 25, [](const ColumnWalk::Request& request, std::vector<Varbind>& r) {
        const size_t width = request.columns.size();
        std::vector<Varbind> doubled(r.begin(), r.begin() + request.non_repeaters);
        for (size_t row = request.non_repeaters; row < r.size(); row += width) {
          const size_t end = std::min(r.size(), row + width);
          for (int twice = 0; twice < 2; ++twice)
            doubled.insert(doubled.end(), r.begin() + row, r.begin() + end);
        }
        r = std::move(doubled);
      });
  EXPECT_EQ(run.collected, Wanted(recording));
  EXPECT_GT(run.totals.repeated_oids, 0u);
  EXPECT_EQ(run.totals.oid_order_errors, 0u);
}

TEST(ColumnWalkQuirksTest, AnAgentRepeatingOneRowForeverEndsThatColumnOnly) {
  const auto recording = Recording();
  const TableAgent agent(recording);
  ColumnWalk walk({IfColumnOid(IfColumn::kDescr), IfColumnOid(IfColumn::kType)});
  // The first response: two rows of each column.
  ColumnWalk::Request request = walk.NextRequest(2);
  walk.OnResponse(request, agent.Bulk(request, 2));
  // From now on ifDescr's cursor comes back again and again; ifType moves on.
  int requests = 0;
  size_t stuck_ends = 0;
  while (!walk.done() && ++requests < 1000) {
    request = walk.NextRequest(2);
    std::vector<Varbind> response = agent.Bulk(request, 1);
    if (request.columns[0] == 0) response[0].oid = request.oids[0];
    const ColumnWalk::Outcome outcome = walk.OnResponse(request, response);
    stuck_ends += outcome.oid_order_errors;
    ASSERT_TRUE(outcome.progress);
  }
  EXPECT_TRUE(walk.done());
  EXPECT_EQ(stuck_ends, 1u);
  size_t types = 0;
  for (const Varbind& vb : walk.TakeVarbinds()) {
    if (OidStartsWith(vb.oid, IfColumnOid(IfColumn::kType))) ++types;
  }
  size_t recorded_types = 0;
  for (const Oid& oid : Wanted(recording)) {
    if (OidStartsWith(oid, IfColumnOid(IfColumn::kType))) ++recorded_types;
  }
  EXPECT_EQ(types, recorded_types);  // the other column read to its end
}

TEST(ColumnWalkQuirksTest, AColumnAnsweredPastItsEndStaysEnded) {
  const Oid descr = IfColumnOid(IfColumn::kDescr);
  ColumnWalk walk({descr});
  ColumnWalk::Request request = walk.NextRequest(1);
  request.repetitions = 3;
  const auto at = [](Oid oid, uint32_t index) {
    oid.push_back(index);
    Varbind vb;
    vb.oid = std::move(oid);
    vb.type = static_cast<uint8_t>(SnmpType::kOctetString);
    return vb;
  };
  // ifDescr.1, then the next column (the end of ifDescr), then ifDescr.2 again.
  const std::vector<Varbind> response = {at(descr, 1), at(IfColumnOid(IfColumn::kType), 1),
                                         at(descr, 2)};
  const ColumnWalk::Outcome outcome = walk.OnResponse(request, response);
  EXPECT_EQ(outcome.past_column_end, 1u);
  EXPECT_EQ(outcome.accepted, 1u);
  EXPECT_TRUE(walk.done());
}

TEST(ColumnWalkTest, ScalarsRideInTheFirstRequestOnly) {
  const auto recording = Recording();
  const TableAgent agent(recording);
  const Oid if_number = Oid(kIfNumberObject.begin(), kIfNumberObject.end());
  ColumnWalk walk({IfColumnOid(IfColumn::kDescr)}, {SysUpTime(), if_number});
  const ColumnWalk::Request first = walk.NextRequest(8);
  EXPECT_EQ(first.non_repeaters, 2u);
  EXPECT_EQ(walk.FewestRowsUnfinished(), 0u);
  walk.OnResponse(first, agent.Bulk(first, 10));
  EXPECT_EQ(walk.FewestRowsUnfinished(), 10u);
  const ColumnWalk::Request second = walk.NextRequest(8);
  EXPECT_EQ(second.non_repeaters, 0u);
  while (!walk.done()) {
    const ColumnWalk::Request next = walk.NextRequest(8);
    walk.OnResponse(next, agent.Bulk(next, 10));
  }
  const std::vector<Varbind> got = walk.TakeVarbinds();
  ASSERT_GE(got.size(), 2u);
  EXPECT_EQ(FormatOid(got[0].oid), "1.3.6.1.2.1.1.3.0");
  EXPECT_EQ(FormatOid(got[1].oid), "1.3.6.1.2.1.2.1.0");
  EXPECT_EQ(got.size(), 2u + 57u);  // and the 57 ifDescr rows
}

TEST(ColumnWalkTest, AnEmptyResponseIsNoProgress) {
  ColumnWalk walk(AllColumns());
  const ColumnWalk::Request request = walk.NextRequest(kIfColumnCount);
  EXPECT_FALSE(walk.OnResponse(request, {}).progress);
  EXPECT_FALSE(walk.done());
}

TEST(ColumnWalkTest, SnmpV1EndOfMibPerVarbind) {
  ColumnWalk walk({IfColumnOid(IfColumn::kDescr), IfColumnOid(IfColumn::kHCInOctets)},
                  {SysUpTime()});
  const ColumnWalk::Request request = walk.NextRequest(16);
  ASSERT_EQ(request.oids.size(), 3u);
  EXPECT_EQ(request.non_repeaters, 1u);
  walk.EndAt(request, 0);  // sysUpTime: noSuchName
  walk.EndAt(request, 2);  // ifHCInOctets: v1 agents skip Counter64
  const ColumnWalk::Request next = walk.NextRequest(16);
  ASSERT_EQ(next.oids.size(), 1u);
  EXPECT_EQ(next.oids[0], IfColumnOid(IfColumn::kDescr));
  walk.EndAt(next, 0);
  EXPECT_TRUE(walk.done());
}

TEST(ColumnWalkTest, RepetitionsAreSizedToTheRowsStillNeeded) {
  ColumnWalk walk(AllColumns());
  EXPECT_EQ(walk.Repetitions(std::nullopt, 25), kRowsBeforeSizeIsKnown);  // size unknown
  EXPECT_EQ(walk.Repetitions(std::nullopt, 3), 3u);
  EXPECT_EQ(walk.Repetitions(10, 25), 11u);  // one more row to see each column end
  EXPECT_EQ(walk.Repetitions(48, 25), 25u);  // capped at max_repetitions
  EXPECT_EQ(walk.Repetitions(0, 25), kMinRepetitions);
}

// ---- limits ----

// Runs `walk` against `agent` until done; returns the varbinds taken and the requests sent.
std::pair<std::vector<Varbind>, int> WalkToTheEnd(ColumnWalk& walk, const TableAgent& agent,
                                                  uint32_t repetitions) {
  std::vector<Varbind> taken;
  int requests = 0;
  while (!walk.done() && requests < 10000) {
    const ColumnWalk::Request request = walk.NextRequest(kIfColumnCount);
    walk.OnResponse(request, agent.Bulk(request, repetitions));
    for (Varbind& vb : walk.TakeVarbinds()) taken.push_back(std::move(vb));
    ++requests;
  }
  return {std::move(taken), requests};
}

TEST(ColumnWalkTest, ARowPastTheRowLimitEndsTheWalk) {
  const TableAgent agent(Recording());  // 57 ports
  ColumnWalk::Limits limits;
  limits.max_rows_per_column = 20;
  ColumnWalk walk(AllColumns(), {SysUpTime()}, limits);
  const auto [taken, requests] = WalkToTheEnd(walk, agent, 8);
  EXPECT_TRUE(walk.done());
  EXPECT_EQ(walk.limit_crossed(), ColumnWalk::Limit::kRows);
  EXPECT_EQ(requests, 3);  // rows 17..24 hold row 21
  // Nothing past row 20 of any column, and nothing at all after the first crossing.
  EXPECT_LE(taken.size(), 1 + 20 * kIfColumnCount);
  std::map<IfColumn, int> rows;
  for (const Varbind& vb : taken) {
    bool malformed = false;
    if (const auto instance = IfInstanceOf(vb.oid, &malformed)) ++rows[instance->column];
  }
  for (const auto& [column, count] : rows) EXPECT_LE(count, 20) << IfColumnIndex(column);
  // Once crossed, a late response is not taken either.
  const ColumnWalk::Request request = walk.NextRequest(kIfColumnCount);
  const ColumnWalk::Outcome late = walk.OnResponse(request, agent.Bulk(request, 8));
  EXPECT_EQ(late.accepted, 0u);
  EXPECT_TRUE(walk.TakeVarbinds().empty());
}

TEST(ColumnWalkTest, AWalkKeepsNoMoreThanMaxVarbinds) {
  const TableAgent agent(Recording());
  ColumnWalk::Limits limits;
  limits.max_varbinds = 100;
  ColumnWalk walk(AllColumns(), {SysUpTime()}, limits);
  const auto [taken, requests] = WalkToTheEnd(walk, agent, 25);
  EXPECT_EQ(walk.limit_crossed(), ColumnWalk::Limit::kVarbinds);
  EXPECT_EQ(taken.size(), 100u);
  EXPECT_EQ(walk.accepted(), 100u);
  EXPECT_EQ(requests, 1);  // the first response already held more
}

TEST(ColumnWalkTest, AWalkWithinItsLimitsEndsNormally) {
  const auto recording = Recording();
  const TableAgent agent(recording);
  ColumnWalk::Limits limits;
  limits.max_rows_per_column = 57;  // exactly the recording's ports
  limits.max_varbinds = Wanted(recording).size();
  ColumnWalk walk(AllColumns(), {SysUpTime()}, limits);
  const auto [taken, requests] = WalkToTheEnd(walk, agent, 25);
  EXPECT_EQ(walk.limit_crossed(), ColumnWalk::Limit::kNone);
  EXPECT_EQ(taken.size(), Wanted(recording).size());
}

}  // namespace
}  // namespace netif
