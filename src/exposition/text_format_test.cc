#include "exposition/text_format.h"

#include <gtest/gtest.h>

#include <limits>

namespace netif {
namespace {

std::string Escaped(std::string_view raw) {
  std::string out;
  AppendEscapedLabelValue(out, raw);
  return out;
}

TEST(LabelValueEscapingTest, EscapesBackslashQuoteAndNewline) {
  EXPECT_EQ(Escaped("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
}

TEST(LabelValueEscapingTest, KeepsValidUtf8) {
  EXPECT_EQ(Escaped("eth0-\xC3\xA9t\xC3\xA9-\xE2\x82\xAC-\xF0\x9F\x98\x80"),
            "eth0-\xC3\xA9t\xC3\xA9-\xE2\x82\xAC-\xF0\x9F\x98\x80");
}

TEST(LabelValueEscapingTest, ReplacesInvalidUtf8WithReplacementCharacter) {
  EXPECT_EQ(Escaped("bad\xFF"), "bad\xEF\xBF\xBD");
  EXPECT_EQ(Escaped("\xC3"), "\xEF\xBF\xBD");                                  // truncated sequence
  EXPECT_EQ(Escaped("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");                  // overlong '/'
  EXPECT_EQ(Escaped("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
  EXPECT_EQ(Escaped("\xF4\x90\x80\x80x"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBDx");
}

TEST(LabelValueEscapingTest, KeepsOtherControlBytesWhichTheFormatAllows) {
  EXPECT_EQ(Escaped(std::string_view("a\tb\0c", 5)), std::string("a\tb\0c", 5));
}

TEST(HelpEscapingTest, EscapesOnlyBackslashAndNewline) {
  std::string out;
  AppendEscapedHelp(out, "say \"hi\"\\\n");
  EXPECT_EQ(out, "say \"hi\"\\\\\\n");
}

TEST(LabelNameTest, ValidatesPrometheusLabelNames) {
  EXPECT_TRUE(IsValidLabelName("device"));
  EXPECT_TRUE(IsValidLabelName("_x9"));
  EXPECT_FALSE(IsValidLabelName(""));
  EXPECT_FALSE(IsValidLabelName("9x"));
  EXPECT_FALSE(IsValidLabelName("__name__"));
  EXPECT_FALSE(IsValidLabelName("if-name"));
}

TEST(ValueFormatTest, IntegersAreExactUpTo64Bits) {
  std::string out;
  AppendValue(out, std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(out, "18446744073709551615");
}

TEST(ValueFormatTest, DoublesAndSpecialValues) {
  std::string out;
  AppendValue(out, 0.25);
  out.push_back(' ');
  AppendValue(out, std::numeric_limits<double>::quiet_NaN());
  out.push_back(' ');
  AppendValue(out, std::numeric_limits<double>::infinity());
  out.push_back(' ');
  AppendValue(out, -std::numeric_limits<double>::infinity());
  EXPECT_EQ(out, "0.25 NaN +Inf -Inf");
}

TEST(SanitizeUtf8Test, ReplacesOnlyInvalidBytes) {
  EXPECT_EQ(SanitizeUtf8("ok\xFFok"), "ok\xEF\xBF\xBDok");
  EXPECT_EQ(SanitizeUtf8("plain"), "plain");
}

}  // namespace
}  // namespace netif
