// netif_anomaly_replay: feeds a NAB-style CSV through the AnomalyDetector (default settings unless
// --set changes one).
//
//   netif_anomaly_replay [--stats] [--set NAME=VALUE]... IN.csv OUT.csv
//
// --set overrides one AnomalySettings field for this run (bench/nab/loco.py tunes through it; the
// exporter never does): any numeric field by its C++ name, e.g. --set alarm_surprise=5.
// A value of `gap` (or an empty value) replays a missing sample: MarkGap, flag 0, as the exporter
// does on a counter reset or a failed collection (bench/nab/synth_traffic.py writes them).
//
// IN.csv has the header `timestamp,value` and rows like `2014-04-01 00:00:00,20.5` (UTC; an
// optional fractional part of the seconds is accepted). OUT.csv gets the header
// `timestamp,value,anomaly_score,flag` and one row per input row, in order, with the timestamp
// and value copied verbatim and flag = 1 when the verdict is anomalous. --stats prints the number
// of rows and the detector's cost per sample (timed on an in-memory replay) to stderr.
// Bad input prints one line on stderr and exits non-zero; nothing is written then.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "analytics/anomaly_detector.h"

namespace {

struct Row {
  std::string timestamp;  // verbatim
  std::string value;      // verbatim
  double seconds = 0;     // unix time, UTC
  double number = 0;
  bool gap = false;  // value `gap` or empty: a missing sample
};

// The numeric AnomalySettings fields --set may change, by their C++ names.
double* SettingField(netif::AnomalySettings& s, std::string_view name) {
  struct Field {
    std::string_view name;
    double netif::AnomalySettings::*member;
  };
  static constexpr Field kFields[] = {
      {"min_noise", &netif::AnomalySettings::min_noise},
      {"level_seconds", &netif::AnomalySettings::level_seconds},
      {"noise_seconds", &netif::AnomalySettings::noise_seconds},
      {"daily_profile_seconds", &netif::AnomalySettings::daily_profile_seconds},
      {"weekly_profile_seconds", &netif::AnomalySettings::weekly_profile_seconds},
      {"range_seconds", &netif::AnomalySettings::range_seconds},
      {"warmup_seconds", &netif::AnomalySettings::warmup_seconds},
      {"alarm_surprise", &netif::AnomalySettings::alarm_surprise},
      {"extreme_surprise", &netif::AnomalySettings::extreme_surprise},
      {"sustained_surprise", &netif::AnomalySettings::sustained_surprise},
      {"sustained_seconds", &netif::AnomalySettings::sustained_seconds},
      {"release_surprise", &netif::AnomalySettings::release_surprise},
      {"surprise_memory_seconds", &netif::AnomalySettings::surprise_memory_seconds},
      {"max_alarm_seconds", &netif::AnomalySettings::max_alarm_seconds},
      {"update_clip", &netif::AnomalySettings::update_clip},
      {"min_traffic", &netif::AnomalySettings::min_traffic},
  };
  for (const Field& f : kFields) {
    if (f.name == name) return &(s.*f.member);
  }
  return nullptr;
}

// Applies one `NAME=VALUE`; on error sets *error.
bool ApplySetting(netif::AnomalySettings& s, std::string_view assignment, std::string* error) {
  const size_t eq = assignment.find('=');
  double* field =
      eq == std::string_view::npos ? nullptr : SettingField(s, assignment.substr(0, eq));
  if (field == nullptr) {
    *error = "--set wants NAME=VALUE with a numeric AnomalySettings field, got '" +
             std::string(assignment) + "'";
    return false;
  }
  char* end = nullptr;
  const std::string value(assignment.substr(eq + 1));
  const double v = std::strtod(value.c_str(), &end);
  if (value.empty() || end != value.c_str() + value.size() || !std::isfinite(v)) {
    *error = "--set: bad number in '" + std::string(assignment) + "'";
    return false;
  }
  *field = v;
  return true;
}

netif::AnomalyVerdict Replay(netif::AnomalyDetector& detector, const Row& row) {
  if (row.gap) {
    detector.MarkGap(row.seconds);
    return {};
  }
  return detector.Observe(row.seconds, row.number);
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
long long DaysFromCivil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long long>(doe) - 719468;
}

// Parses `YYYY-MM-DD HH:MM:SS[.fraction]` (also with a `T` separator) as UTC.
std::optional<double> ParseTimestamp(std::string_view s) {
  int y, mo, d, h, mi, sec, used = 0;
  const std::string str(s);
  if (std::sscanf(str.c_str(), "%4d-%2d-%2d%*1[ T]%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec,
                  &used) != 6) {
    return std::nullopt;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60 || h < 0 || mi < 0 ||
      sec < 0) {
    return std::nullopt;
  }
  double fraction = 0;
  std::string_view rest = s.substr(used);
  if (!rest.empty()) {
    if (rest[0] != '.' || rest.size() < 2) return std::nullopt;
    double scale = 0.1;
    for (char c : rest.substr(1)) {
      if (c < '0' || c > '9') return std::nullopt;
      fraction += (c - '0') * scale;
      scale /= 10;
    }
  }
  return static_cast<double>(DaysFromCivil(y, mo, d)) * 86400.0 + h * 3600.0 + mi * 60.0 + sec +
         fraction;
}

std::optional<double> ParseNumber(const std::string& s) {
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  // NAB values are finite reals: "nan", "inf" or an overflowing literal is malformed input.
  if (end != s.c_str() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == ' ')) s.remove_suffix(1);
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  return s;
}

// Reads the whole input; on error returns nullopt and sets *error to a one-line message.
std::optional<std::vector<Row>> ReadInput(const std::string& path, std::string* error) {
  std::ifstream in(path);
  if (!in) {
    *error = "cannot open " + path;
    return std::nullopt;
  }
  std::string line;
  if (!std::getline(in, line) || Trim(line) != "timestamp,value") {
    *error = path + ":1: expected the header 'timestamp,value'";
    return std::nullopt;
  }
  std::vector<Row> rows;
  for (long line_no = 2; std::getline(in, line); ++line_no) {
    const std::string_view text = Trim(line);
    if (text.empty()) continue;
    const size_t comma = text.find(',');
    const auto where = path + ":" + std::to_string(line_no) + ": ";
    if (comma == std::string_view::npos || text.find(',', comma + 1) != std::string_view::npos) {
      *error = where + "expected 'timestamp,value', got '" + std::string(text) + "'";
      return std::nullopt;
    }
    Row row;
    row.timestamp = std::string(Trim(text.substr(0, comma)));
    row.value = std::string(Trim(text.substr(comma + 1)));
    const auto seconds = ParseTimestamp(row.timestamp);
    if (!seconds) {
      *error = where + "bad timestamp '" + row.timestamp + "' (want YYYY-MM-DD HH:MM:SS)";
      return std::nullopt;
    }
    row.seconds = *seconds;
    if (row.value.empty() || row.value == "gap") {
      row.gap = true;
      rows.push_back(std::move(row));
      continue;
    }
    const auto number = ParseNumber(row.value);
    if (!number) {
      *error = where + "bad value '" + row.value + "'";
      return std::nullopt;
    }
    row.number = *number;
    rows.push_back(std::move(row));
  }
  if (in.bad()) {
    *error = "error reading " + path;
    return std::nullopt;
  }
  return rows;
}

// Detector cost per sample, replaying the rows from memory until about 0.2 s have passed.
double NanosPerSample(const std::vector<Row>& rows,
                      const std::shared_ptr<const netif::AnomalySettings>& settings) {
  using Clock = std::chrono::steady_clock;
  if (rows.empty()) return 0;
  long samples = 0;
  int flags = 0;  // consumed below so the loop is not optimized away
  const auto start = Clock::now();
  auto elapsed = Clock::duration::zero();
  while (elapsed < std::chrono::milliseconds(200)) {
    netif::AnomalyDetector detector(settings);
    for (const Row& row : rows) flags += Replay(detector, row).anomalous();
    samples += static_cast<long>(rows.size());
    elapsed = Clock::now() - start;
  }
  if (flags < 0) std::cerr << "";
  return std::chrono::duration<double, std::nano>(elapsed).count() / static_cast<double>(samples);
}

}  // namespace

int main(int argc, char** argv) {
  bool stats = false;
  std::vector<std::string> paths;
  netif::AnomalySettings settings;
  std::string error;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--stats") {
      stats = true;
    } else if (arg == "--set" && i + 1 < argc) {
      if (!ApplySetting(settings, argv[++i], &error)) {
        std::cerr << "netif_anomaly_replay: " << error << "\n";
        return 2;
      }
    } else {
      paths.push_back(arg);
    }
  }
  if (paths.size() != 2) {
    std::cerr << "usage: netif_anomaly_replay [--stats] [--set NAME=VALUE]... IN.csv OUT.csv\n";
    return 2;
  }
  const auto shared_settings = std::make_shared<const netif::AnomalySettings>(settings);
  const auto rows = ReadInput(paths[0], &error);
  if (!rows) {
    std::cerr << "netif_anomaly_replay: " << error << "\n";
    return 1;
  }

  std::ostringstream out;
  out << "timestamp,value,anomaly_score,flag\n";
  netif::AnomalyDetector detector(shared_settings);  // the defaults unless --set changed them
  long flagged = 0;
  char score[32];
  for (const Row& row : *rows) {
    const netif::AnomalyVerdict verdict = Replay(detector, row);
    std::snprintf(score, sizeof(score), "%.6f", verdict.score);
    out << row.timestamp << ',' << row.value << ',' << score << ',' << (verdict.anomalous() ? 1 : 0)
        << '\n';
    flagged += verdict.anomalous();
  }
  std::ofstream file(paths[1], std::ios::trunc);
  file << out.str();
  file.close();
  if (!file) {
    std::cerr << "netif_anomaly_replay: cannot write " << paths[1] << "\n";
    return 1;
  }
  if (stats) {
    std::cerr << "rows " << rows->size() << " flagged " << flagged << " ns_per_sample "
              << NanosPerSample(*rows, shared_settings) << " sizeof_detector "
              << sizeof(netif::AnomalyDetector) << "\n";
  }
  return 0;
}
