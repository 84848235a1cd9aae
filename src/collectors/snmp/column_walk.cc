#include "collectors/snmp/column_walk.h"

#include <algorithm>
#include <utility>

namespace netif {

ColumnWalk::ColumnWalk(std::vector<Oid> columns, std::vector<Oid> scalars, Limits limits)
    : scalars_(std::move(scalars)), limits_(limits) {
  columns_.reserve(columns.size());
  for (Oid& prefix : columns) {
    Column column;
    column.cursor = prefix;
    column.prefix = std::move(prefix);
    columns_.push_back(std::move(column));
  }
}

bool ColumnWalk::done() const {
  if (limit_crossed_ != Limit::kNone) return true;
  return scalars_.empty() &&
         std::all_of(columns_.begin(), columns_.end(), [](const Column& c) { return c.done; });
}

size_t ColumnWalk::FewestRowsUnfinished() const {
  size_t fewest = 0;
  bool any = false;
  for (const Column& c : columns_) {
    if (c.done) continue;
    fewest = any ? std::min(fewest, c.rows) : c.rows;
    any = true;
  }
  return fewest;
}

uint32_t ColumnWalk::Repetitions(std::optional<size_t> expected_rows,
                                 uint32_t max_repetitions) const {
  if (!expected_rows) return std::min(max_repetitions, kRowsBeforeSizeIsKnown);
  // One row past the last to see each column end. A table that grew past the expected size has
  // an unknown size again: ask for as many rows as it grew by, doubling each time, so a large
  // growth (or an endless table) is not read two rows a request.
  const size_t done = FewestRowsUnfinished();
  const size_t wanted =
      *expected_rows + 1 > done ? *expected_rows + 1 - done : done - *expected_rows;
  return static_cast<uint32_t>(
      std::clamp<size_t>(wanted, kMinRepetitions, std::max<size_t>(1, max_repetitions)));
}

ColumnWalk::Request ColumnWalk::NextRequest(size_t max_columns) const {
  Request request;
  // GETNEXT semantics: an object's OID yields its one instance, e.g. sysUpTime.0.
  request.oids = scalars_;
  request.non_repeaters = scalars_.size();
  const size_t width = std::max<size_t>(1, max_columns);
  for (size_t i = 0; i < columns_.size() && request.columns.size() < width; ++i) {
    if (columns_[i].done) continue;
    request.oids.push_back(columns_[i].cursor);
    request.columns.push_back(i);
  }
  return request;
}

bool ColumnWalk::Advance(Column& c, const Varbind& vb, Outcome& outcome) {
  if (c.done) {
    // Normally the rows after a column's end lie beyond it; one inside it is the agent
    // answering past the end, and re-opening the column could loop.
    if (!vb.IsException() && OidStartsWith(vb.oid, c.prefix) && vb.oid.size() > c.prefix.size()) {
      ++outcome.past_column_end;
    }
    return false;
  }
  if (vb.IsException()) {  // endOfMibView (or a misplaced noSuch*): nothing further
    c.done = true;
    return true;
  }
  const std::strong_ordering order = CompareOids(vb.oid, c.cursor);
  if (order == std::strong_ordering::equal && c.rows > 0) {
    // The same instance again (the agent repeats rows): skip it; a column that only ever
    // repeats ends below, so this cannot loop.
    ++outcome.repeated_oids;
    return false;
  }
  if (order != std::strong_ordering::greater) {
    // The agent answered with an OID at or before the one asked for: following it would loop.
    ++outcome.oid_order_errors;
    c.done = true;
    return true;
  }
  if (!OidStartsWith(vb.oid, c.prefix) || vb.oid.size() == c.prefix.size()) {
    c.done = true;  // walked past the column: the normal end
    return true;
  }
  if (c.rows >= limits_.max_rows_per_column) {
    // One row more than the target may have: the agent is fabricating rows, or the device is
    // bigger than the limit allows. Either way, reading on would only cost memory.
    Stop(Limit::kRows, outcome);
    return true;
  }
  if (!Keep(vb, outcome)) return true;
  c.cursor = vb.oid;
  ++c.rows;
  return true;
}

bool ColumnWalk::Keep(const Varbind& vb, Outcome& outcome) {
  if (accepted_ >= limits_.max_varbinds) {
    Stop(Limit::kVarbinds, outcome);
    return false;
  }
  varbinds_.push_back(vb);
  ++accepted_;
  ++outcome.accepted;
  return true;
}

void ColumnWalk::Stop(Limit limit, Outcome& outcome) {
  limit_crossed_ = limit;
  outcome.limit = limit;
  outcome.progress = true;
  for (Column& c : columns_) c.done = true;
  scalars_.clear();
}

ColumnWalk::Outcome ColumnWalk::OnResponse(const Request& request,
                                           std::span<const Varbind> varbinds) {
  Outcome outcome;
  // The scalars asked for are answered (or not) by this response: either way, done with them.
  for (size_t k = 0; k < request.non_repeaters && k < varbinds.size(); ++k) {
    const Varbind& vb = varbinds[k];
    const Oid& scalar = request.oids[k];
    const bool instance =
        vb.oid.size() == scalar.size() + 1 && vb.oid.back() == 0 && OidStartsWith(vb.oid, scalar);
    if (!vb.IsException() && instance && !Keep(vb, outcome)) return outcome;
  }
  if (request.non_repeaters > 0 && !scalars_.empty()) {
    scalars_.clear();
    outcome.progress = true;
  }
  const size_t width = request.columns.size();
  if (width == 0) return outcome;
  const size_t rows_sent = varbinds.size() > request.non_repeaters
                               ? (varbinds.size() - request.non_repeaters + width - 1) / width
                               : 0;
  if (rows_sent > std::max<uint32_t>(1, request.repetitions)) outcome.ignored_max_repetitions = 1;
  for (size_t c : request.columns) columns_[c].answered = columns_[c].moved = false;
  for (size_t k = request.non_repeaters, i = 0; k < varbinds.size(); ++k, ++i) {
    Column& column = columns_[request.columns[i % width]];
    column.answered = true;
    if (Advance(column, varbinds[k], outcome)) {
      outcome.progress = true;
      column.moved = true;
    }
    if (limit_crossed_ != Limit::kNone) return outcome;
  }
  if (outcome.repeated_oids > 0) EndStuckColumns(request, outcome);
  return outcome;
}

void ColumnWalk::EndStuckColumns(const Request& request, Outcome& outcome) {
  for (size_t c : request.columns) {
    Column& column = columns_[c];
    if (column.answered && !column.moved && !column.done) {
      // Every answer was the cursor again: asking again would get the same.
      column.done = true;
      ++outcome.oid_order_errors;
      outcome.progress = true;
    }
  }
}

void ColumnWalk::EndAt(const Request& request, size_t index) {
  if (index < request.non_repeaters) {
    std::erase(scalars_, request.oids[index]);
    return;
  }
  const size_t i = index - request.non_repeaters;
  if (i < request.columns.size()) columns_[request.columns[i]].done = true;
}

}  // namespace netif
