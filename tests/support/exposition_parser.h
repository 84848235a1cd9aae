// A strict-enough parser of the Prometheus text exposition format (0.0.4) for tests: samples
// with their labels (escapes \\ \" \n undone) and value, and each family's HELP and TYPE.
// Problems (a malformed line, a TYPE after the family's samples, a duplicate series) are
// collected in `errors` rather than thrown, so a test can print every one of them.
//
// Thread-safety: plain values; ParseExposition is a pure function.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace netif::testing_support {

using Labels = std::map<std::string, std::string>;

struct Sample {
  std::string name;
  Labels labels;
  double value = 0;
  std::string value_text;  // as written: exact for counters above 2^53
  int line = 0;            // 1-based line number in the input
};

struct FamilyInfo {
  std::string help;  // unescaped
  std::string type;  // "counter", "gauge", ... ("" when no TYPE line)
};

struct Exposition {
  std::vector<Sample> samples;
  std::map<std::string, FamilyInfo> families;  // from HELP/TYPE lines, by family name
  std::vector<std::string> errors;             // "line 7: ..." for each problem found

  // Samples named `name` whose labels include every pair of `subset`.
  std::vector<const Sample*> Find(std::string_view name, const Labels& subset = {}) const;
  // The value of the only sample that matches; nullopt when none or more than one match.
  std::optional<double> Value(std::string_view name, const Labels& subset = {}) const;
  // The family a sample belongs to: its own name when declared, else the name without a
  // _bucket/_sum/_count/_total suffix when that is declared, else the name itself.
  std::string FamilyOf(const Sample& sample) const;
  // Every family that has at least one sample.
  std::set<std::string> SampledFamilies() const;
};

Exposition ParseExposition(std::string_view text);

// `name{a="x",b="y"}` with labels sorted, for messages.
std::string FormatSeries(const Sample& sample);

// Every series (a name and a label set, as Prometheus identifies it after unescaping) that occurs
// more than once, as "name{...} on lines 3, 9"; empty when every series is unique. Prometheus
// keeps one of such samples and drops the others (with a "duplicate sample" error).
std::vector<std::string> DuplicateSeries(const Exposition& exposition);

// For EXPECT_TRUE/ASSERT_TRUE on any scrape: fails listing every duplicate series.
::testing::AssertionResult HasNoDuplicateSeries(const Exposition& exposition);

}  // namespace netif::testing_support
