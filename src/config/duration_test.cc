#include "config/duration.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace netif {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;
using ::testing::HasSubstr;

milliseconds ParseOk(std::string_view text) {
  OrError<milliseconds> parsed = ParseDuration(text);
  if (auto* error = std::get_if<std::string>(&parsed)) {
    ADD_FAILURE() << "ParseDuration(\"" << text << "\"): " << *error;
    return milliseconds(-1);
  }
  return std::get<milliseconds>(parsed);
}

std::string ParseError(std::string_view text) {
  OrError<milliseconds> parsed = ParseDuration(text);
  if (auto* error = std::get_if<std::string>(&parsed)) return *error;
  ADD_FAILURE() << "ParseDuration(\"" << text << "\") unexpectedly succeeded";
  return "";
}

TEST(ParseDurationTest, AcceptsPrometheusSpellings) {
  EXPECT_EQ(ParseOk("1s"), seconds(1));
  EXPECT_EQ(ParseOk("500ms"), milliseconds(500));
  EXPECT_EQ(ParseOk("1m30s"), seconds(90));
  EXPECT_EQ(ParseOk("1h"), hours(1));
  EXPECT_EQ(ParseOk("2d"), days(2));
  EXPECT_EQ(ParseOk("1w"), days(7));
  EXPECT_EQ(ParseOk("1y"), days(365));
  EXPECT_EQ(ParseOk("1h2m3s4ms"), hours(1) + minutes(2) + seconds(3) + milliseconds(4));
  EXPECT_EQ(ParseOk("0s"), milliseconds(0));
  EXPECT_EQ(ParseOk("90s"), seconds(90));  // a term may exceed the next unit, as in Prometheus
}

TEST(ParseDurationTest, BareNumberGetsAHint) {
  EXPECT_EQ(ParseError("5"), "duration \"5\" has no unit; write e.g. \"5s\" or \"5ms\"");
  EXPECT_THAT(ParseError("0"), HasSubstr("has no unit"));
}

TEST(ParseDurationTest, RefusesFractions) {
  EXPECT_EQ(ParseError("1.5s"),
            "invalid duration \"1.5s\": fractions are not allowed; combine units instead, e.g. "
            "\"1m30s\" or \"1s500ms\"");
  EXPECT_THAT(ParseError("1.5"), HasSubstr("fractions are not allowed"));
}

TEST(ParseDurationTest, RefusesUnitsOutOfOrderOrRepeated) {
  EXPECT_EQ(
      ParseError("30s1m"),
      "invalid duration \"30s1m\": units must go from largest to smallest, each at most once");
  EXPECT_THAT(ParseError("1s1s"), HasSubstr("each at most once"));
  EXPECT_THAT(ParseError("1ms1s"), HasSubstr("largest to smallest"));
}

TEST(ParseDurationTest, RefusesGarbage) {
  const std::string want_tail = "; want e.g. \"500ms\", \"1s\", \"1m30s\", \"2d\"";
  EXPECT_EQ(ParseError("1x"), "invalid duration \"1x\"" + want_tail);
  EXPECT_EQ(ParseError("-1s"), "invalid duration \"-1s\"" + want_tail);
  EXPECT_EQ(ParseError("s"), "invalid duration \"s\"" + want_tail);
  EXPECT_EQ(ParseError("1m30"), "invalid duration \"1m30\"" + want_tail);
  EXPECT_EQ(ParseError(" 1s"), "invalid duration \" 1s\"" + want_tail);
  EXPECT_EQ(ParseError("1S"), "invalid duration \"1S\"" + want_tail);
  EXPECT_EQ(ParseError(""), "empty duration; want e.g. \"1s\" or \"500ms\"");
}

TEST(ParseDurationTest, RefusesOverflow) {
  EXPECT_EQ(ParseError("99999999999999999999s"), "duration \"99999999999999999999s\" is too long");
  EXPECT_EQ(ParseError("999999999y"), "duration \"999999999y\" is too long");
}

TEST(FormatDurationTest, CanonicalSpellingRoundTrips) {
  EXPECT_EQ(FormatDuration(milliseconds(0)), "0s");
  EXPECT_EQ(FormatDuration(milliseconds(500)), "500ms");
  EXPECT_EQ(FormatDuration(seconds(90)), "1m30s");
  EXPECT_EQ(FormatDuration(minutes(60)), "1h");
  EXPECT_EQ(FormatDuration(days(7)), "7d");
  EXPECT_EQ(FormatDuration(days(1) + milliseconds(1)), "1d1ms");
  for (const char* text : {"1s", "500ms", "1m30s", "1h", "2d", "1h2m3s4ms"}) {
    EXPECT_EQ(FormatDuration(ParseOk(text)), text);
  }
}

TEST(CheckDurationRangeTest, NamesTheViolatedBound) {
  EXPECT_EQ(CheckDurationRange(seconds(1), milliseconds(100), hours(1)), std::nullopt);
  EXPECT_EQ(CheckDurationRange(milliseconds(100), milliseconds(100), hours(1)), std::nullopt);
  EXPECT_EQ(CheckDurationRange(hours(1), milliseconds(100), hours(1)), std::nullopt);
  EXPECT_EQ(CheckDurationRange(milliseconds(10), milliseconds(100), hours(1)),
            "10ms is below the minimum 100ms");
  EXPECT_EQ(CheckDurationRange(hours(2), milliseconds(100), hours(1)),
            "2h is above the maximum 1h");
}

}  // namespace
}  // namespace netif
