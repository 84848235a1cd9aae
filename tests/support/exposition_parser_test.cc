#include "support/exposition_parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

namespace netif::testing_support {
namespace {

TEST(ExpositionParserTest, ParsesFamiliesSamplesAndEscapedLabels) {
  const Exposition e = ParseExposition(
      "# HELP netif_info Interface attributes; a \\\\ backslash\n"
      "# TYPE netif_info gauge\n"
      "netif_info{device=\"eth0\",ifalias=\"uplink \\\"core\\\" \\\\ 1\\nx\"} 1\n"
      "# TYPE netif_receive_bytes_total counter\n"
      "netif_receive_bytes_total{device=\"eth0\"} 18446744073709551615\n"
      "netif_receive_bytes_total{device=\"lo\",} 7 1700000000000\n"
      "up +Inf\n");
  ASSERT_TRUE(e.errors.empty()) << ::testing::PrintToString(e.errors);
  ASSERT_EQ(e.samples.size(), 4u);
  EXPECT_EQ(e.families.at("netif_info").help, "Interface attributes; a \\ backslash");
  EXPECT_EQ(e.families.at("netif_receive_bytes_total").type, "counter");
  const auto info = e.Find("netif_info", {{"device", "eth0"}});
  ASSERT_EQ(info.size(), 1u);
  EXPECT_EQ(info[0]->labels.at("ifalias"), "uplink \"core\" \\ 1\nx");
  const auto eth0 = e.Find("netif_receive_bytes_total", {{"device", "eth0"}});
  ASSERT_EQ(eth0.size(), 1u);
  EXPECT_EQ(eth0[0]->value_text, "18446744073709551615");
  EXPECT_EQ(e.Value("netif_receive_bytes_total", {{"device", "lo"}}), 7);
  EXPECT_EQ(e.Value("netif_receive_bytes_total"), std::nullopt);  // two match: ambiguous
  EXPECT_TRUE(std::isinf(*e.Value("up")));
  EXPECT_EQ(e.SampledFamilies(),
            (std::set<std::string>{"netif_info", "netif_receive_bytes_total", "up"}));
}

TEST(ExpositionParserTest, ReportsEveryProblemWithItsLine) {
  const Exposition e = ParseExposition(
      "# TYPE a gauge\n"
      "a 1\n"
      "a 2\n"                   // duplicate series
      "b{x=\"1\" 3\n"           // unterminated label set
      "c{x=\"\\q\"} 1\n"        // invalid escape
      "d notanumber\n"          // bad value
      "# TYPE a counter\n"      // second TYPE, after samples
      "e{x=\"1\",x=\"2\"} 1\n"  // duplicate label
      "g 1\n"
      "a{y=\"1\"} 1\n"  // family a again, not contiguous
      "f 1");           // no final newline
  std::string all;
  for (const auto& error : e.errors) all += error + "\n";
  for (const char* expected :
       {"line 3: duplicate series", "line 4:", "line 5: invalid escape", "line 6: invalid value",
        "line 7: second TYPE", "line 7: TYPE after", "line 8: duplicate label",
        "line 10: samples of family a are not contiguous", "missing final newline"}) {
    EXPECT_NE(all.find(expected), std::string::npos) << "no \"" << expected << "\" in:\n" << all;
  }
}

TEST(ExpositionParserTest, DuplicateSeriesAreTheSameNameAndLabelsAfterUnescaping) {
  // Label order and escapes do not make two series: Prometheus compares the unescaped sets.
  const Exposition e = ParseExposition(
      "m{a=\"x\",b=\"1\"} 1\n"
      "m{b=\"1\",a=\"x\"} 2\n"
      "m{a=\"y\",b=\"1\"} 3\n"
      "n{a=\"\\\\\"} 1\n"
      "n{a=\"\\\\\"} 2\n");
  EXPECT_THAT(DuplicateSeries(e), ::testing::ElementsAre("m{a=\"x\",b=\"1\"} on lines 1, 2",
                                                         ::testing::StartsWith("n{")));
  EXPECT_FALSE(HasNoDuplicateSeries(e));
  EXPECT_TRUE(HasNoDuplicateSeries(ParseExposition("m{a=\"x\"} 1\nm{a=\"y\"} 1\n")));
}

TEST(ExpositionParserTest, FamilyOfStripsSuffixesOnlyForDeclaredStems) {
  const Exposition e = ParseExposition(
      "# TYPE rpc histogram\n"
      "rpc_bucket{le=\"+Inf\"} 1\n"
      "rpc_sum 2\n"
      "rpc_count 1\n"
      "# TYPE x_total counter\n"
      "x_total 1\n");
  ASSERT_TRUE(e.errors.empty()) << ::testing::PrintToString(e.errors);
  EXPECT_EQ(e.SampledFamilies(), (std::set<std::string>{"rpc", "x_total"}));
}

TEST(ExpositionParserTest, FormatSeriesSortsAndEscapes) {
  Sample s;
  s.name = "m";
  s.labels = {{"b", "q\"\\\n"}, {"a", "1"}};
  EXPECT_EQ(FormatSeries(s), "m{a=\"1\",b=\"q\\\"\\\\\\n\"}");
}

}  // namespace
}  // namespace netif::testing_support
