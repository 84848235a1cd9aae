#include "config/duration.h"

#include <array>
#include <cstdint>
#include <limits>

namespace netif {
namespace {

using std::chrono::milliseconds;

struct DurationUnit {
  std::string_view suffix;
  int64_t millis;
};

// In the order a duration must use them (largest first); the index is the unit's rank.
constexpr std::array<DurationUnit, 7> kUnits = {{
    {"y", 365LL * 24 * 3600 * 1000},
    {"w", 7LL * 24 * 3600 * 1000},
    {"d", 24LL * 3600 * 1000},
    {"h", 3600LL * 1000},
    {"m", 60LL * 1000},
    {"s", 1000},
    {"ms", 1},
}};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::string Quote(std::string_view text) { return "\"" + std::string(text) + "\""; }

std::string Invalid(std::string_view text) {
  return "invalid duration " + Quote(text) + "; want e.g. \"500ms\", \"1s\", \"1m30s\", \"2d\"";
}

// The unit starting at text[pos], as its index in kUnits; "ms" is tried before "m".
std::optional<size_t> UnitAt(std::string_view text, size_t pos) {
  if (text.substr(pos, 2) == "ms") return kUnits.size() - 1;
  for (size_t rank = 0; rank + 1 < kUnits.size(); ++rank) {
    if (text.substr(pos, 1) == kUnits[rank].suffix) return rank;
  }
  return std::nullopt;
}

bool AllDigits(std::string_view text) {
  for (char c : text) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

}  // namespace

OrError<milliseconds> ParseDuration(std::string_view text) {
  if (text.empty()) return std::string("empty duration; want e.g. \"1s\" or \"500ms\"");
  if (AllDigits(text)) {
    return "duration " + Quote(text) + " has no unit; write e.g. \"" + std::string(text) +
           "s\" or \"" + std::string(text) + "ms\"";
  }
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  int64_t total = 0;
  size_t pos = 0;
  size_t next_rank = 0;  // units must strictly decrease, so each later term starts past the last
  while (pos < text.size()) {
    const size_t digits_begin = pos;
    int64_t number = 0;
    while (pos < text.size() && IsDigit(text[pos])) {
      if (number > (kMax - 9) / 10) return "duration " + Quote(text) + " is too long";
      number = number * 10 + (text[pos] - '0');
      ++pos;
    }
    if (pos == digits_begin) return Invalid(text);
    if (pos < text.size() && text[pos] == '.') {
      return "invalid duration " + Quote(text) +
             ": fractions are not allowed; combine units instead, e.g. \"1m30s\" or \"1s500ms\"";
    }
    const std::optional<size_t> rank = UnitAt(text, pos);
    if (!rank) return Invalid(text);
    if (*rank < next_rank) {
      return "invalid duration " + Quote(text) +
             ": units must go from largest to smallest, each at most once";
    }
    const int64_t unit = kUnits[*rank].millis;
    if (number > (kMax - total) / unit) return "duration " + Quote(text) + " is too long";
    total += number * unit;
    pos += kUnits[*rank].suffix.size();
    next_rank = *rank + 1;
  }
  return milliseconds(total);
}

std::string FormatDuration(milliseconds duration) {
  int64_t remaining = duration.count();
  if (remaining == 0) return "0s";
  std::string text;
  if (remaining < 0) {
    // Not produced by ParseDuration; spelled out anyway so a bug shows as "-1s", not garbage.
    text = "-";
    remaining = -remaining;
  }
  // y and w (ranks 0 and 1) are skipped: "1w" reads less clearly than "7d" in a config file.
  for (size_t rank = 2; rank < kUnits.size(); ++rank) {
    const int64_t count = remaining / kUnits[rank].millis;
    if (count == 0) continue;
    text += std::to_string(count);
    text += kUnits[rank].suffix;
    remaining -= count * kUnits[rank].millis;
  }
  return text;
}

std::optional<std::string> CheckDurationRange(milliseconds duration, milliseconds min,
                                              milliseconds max) {
  if (duration < min) {
    return FormatDuration(duration) + " is below the minimum " + FormatDuration(min);
  }
  if (duration > max) {
    return FormatDuration(duration) + " is above the maximum " + FormatDuration(max);
  }
  return std::nullopt;
}

}  // namespace netif
