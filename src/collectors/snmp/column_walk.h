// Walks several table columns side by side, the way an efficient poller reads IF-MIB: every
// request carries the cursor of each unfinished column (one GETBULK whose repeaters are the
// columns, max-repetitions rows each; or, for SNMPv1, one GETNEXT row per column), and each column
// ends on its own when the agent answers with an OID outside it or endOfMibView. Compared with
// walking ifTable and ifXTable subtree by subtree, a poll needs far fewer round trips and reads
// only the columns it uses. Scalars (sysUpTime.0, ifNumber.0) ride along in the first request as
// non-repeaters.
//
// Pure protocol logic: requests out, decoded varbinds in, no I/O. A buggy agent cannot make it
// loop or grow without bound: an OID that goes backwards ends its column (counted), an OID
// repeated in place is skipped (a quirk) but a column that a response moves only in place ends
// (counted), an OID outside the column ends it, a response that advances nothing is reported to
// the caller, and a walk that crosses its Limits (rows in one column, varbinds kept) stops at
// once, accepts nothing more and says which limit it crossed: the caller fails the poll. Rows
// beyond the repetitions asked for are read (a quirk: the agent ignored max-repetitions);
// varbinds of a column that already ended in the same response are ignored (a quirk).
//
// Thread-safety: REQUIRES external synchronization (one walk per target, on the poller thread).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "collectors/snmp/oid.h"
#include "collectors/snmp/varbind.h"

namespace netif {

// The limits of a walk built without any: more ports than any device has. The poller passes the
// target's own (max_interfaces, max_varbinds).
inline constexpr size_t kMaxRowsPerColumn = 100000;
// GETBULK repetitions are sized to the rows a walk still needs (ifNumber.0, or the ports the last
// walk found, plus one row to see each column end), so a small device is not sent rows of the
// next columns it never asked for. Until the size is known, a walk asks for this many rows.
inline constexpr uint32_t kRowsBeforeSizeIsKnown = 4;
inline constexpr size_t kMinRepetitions = 2;

// What one walk may read before it stops (outside ColumnWalk so that it can be a default
// argument of its constructor).
struct ColumnWalkLimits {
  size_t max_rows_per_column = kMaxRowsPerColumn;
  size_t max_varbinds = SIZE_MAX;  // varbinds accepted (scalars included)
};

class ColumnWalk {
 public:
  using Limits = ColumnWalkLimits;
  // Which limit ended the walk.
  enum class Limit : uint8_t { kNone, kRows, kVarbinds };

  struct Request {
    std::vector<Oid> oids;        // the non-repeaters first, then one cursor per column
    size_t non_repeaters = 0;     // the scalars (first request only)
    std::vector<size_t> columns;  // the column each cursor belongs to
    uint32_t repetitions = 1;     // GETBULK max-repetitions as sent (GETNEXT: one row)
  };

  struct Outcome {
    size_t accepted = 0;          // varbinds kept
    size_t oid_order_errors = 0;  // columns ended because the agent went backwards
    bool progress = false;        // some column advanced or ended, or the scalars were answered
    Limit limit = Limit::kNone;   // this response crossed a limit: the walk is over
    // Quirks of the agent, forgiven (SnmpQuirk): more rows than asked for (0 or 1), varbinds
    // of a column after it ended, OIDs sent again in place.
    size_t ignored_max_repetitions = 0;
    size_t past_column_end = 0;
    size_t repeated_oids = 0;
  };

  // `columns`: the column OIDs to walk (e.g. 1.3.6.1.2.1.31.1.1.1.6). `scalars`: object OIDs
  // (e.g. sysUpTime, 1.3.6.1.2.1.1.3) whose single instance (.0) the first request also asks
  // for, as non-repeaters.
  explicit ColumnWalk(std::vector<Oid> columns, std::vector<Oid> scalars = {}, Limits limits = {});

  // Every column and scalar finished, or a limit crossed.
  bool done() const;
  // The limit the walk crossed, if any (then done(), and nothing more is accepted).
  Limit limit_crossed() const { return limit_crossed_; }
  // The next request: the scalars (first request only), then the cursors of up to `max_columns`
  // unfinished columns (at least one). REQUIRES: !done().
  Request NextRequest(size_t max_columns) const;
  // The response's varbinds, in the order the agent sent them: non-repeaters, then rows of one
  // varbind per requested column (GETNEXT is one row).
  Outcome OnResponse(const Request& request, std::span<const Varbind> varbinds);
  // SNMPv1's noSuchName for the request's varbind at `index` (0-based): there is nothing after it,
  // so that column (or scalar) is finished.
  void EndAt(const Request& request, size_t index);
  // Rows read so far by the unfinished column that has read the fewest (0 when none is left):
  // with the number of rows expected, it tells how many repetitions the next request needs.
  size_t FewestRowsUnfinished() const;
  // GETBULK max-repetitions for the next request: the rows still needed when `expected_rows` is
  // known, within [kMinRepetitions, max_repetitions].
  uint32_t Repetitions(std::optional<size_t> expected_rows, uint32_t max_repetitions) const;

  // Everything accepted since the last call, in arrival order; the walk keeps nothing
  // afterwards (the poller takes them after each response, so a walk holds one response's worth).
  std::vector<Varbind> TakeVarbinds() { return std::exchange(varbinds_, {}); }
  // Varbinds accepted over the whole walk (taken or not).
  size_t accepted() const { return accepted_; }

 private:
  struct Column {
    Oid prefix;
    Oid cursor;  // the last OID read (the prefix before the first)
    size_t rows = 0;
    bool done = false;
    // In the response being read: whether it had varbinds for this column, and moved it.
    bool answered = false;
    bool moved = false;
  };
  // One varbind for column `c`; returns whether the column moved (advanced or ended).
  bool Advance(Column& c, const Varbind& vb, Outcome& outcome);
  // Ends the columns of `request` that got varbinds in this response but only repeats.
  void EndStuckColumns(const Request& request, Outcome& outcome);
  // Keeps `vb` unless that crosses max_varbinds; false when the walk is over.
  bool Keep(const Varbind& vb, Outcome& outcome);
  void Stop(Limit limit, Outcome& outcome);

  std::vector<Column> columns_;
  std::vector<Oid> scalars_;  // still wanted
  std::vector<Varbind> varbinds_;
  Limits limits_;
  size_t accepted_ = 0;
  Limit limit_crossed_ = Limit::kNone;
};

}  // namespace netif
