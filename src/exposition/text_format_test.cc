#include "exposition/text_format.h"

#include <gtest/gtest.h>

#include <limits>
#include <map>
#include <string>
#include <vector>

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

// What a Prometheus parser reads back from an escaped label value: the format's three escapes
// undone.
std::string ReadBack(std::string_view escaped) {
  std::string value;
  for (std::size_t i = 0; i < escaped.size(); ++i) {
    if (escaped[i] != '\\' || i + 1 == escaped.size()) {
      value += escaped[i];
      continue;
    }
    const char next = escaped[++i];
    value += next == 'n' ? '\n' : next;
  }
  return value;
}

// The inverse of the label value mapping (text_format.h): "\xHH" back to its byte when the value
// is in the hex-escaped form (it holds "\x"), the value itself otherwise.
std::string Decode(std::string_view value) {
  if (value.find("\\x") == std::string_view::npos) return std::string(value);
  std::string raw;
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '\\' && i + 3 < value.size() && value[i + 1] == 'x') {
      raw += static_cast<char>(std::stoi(std::string(value.substr(i + 2, 2)), nullptr, 16));
      i += 3;
    } else {
      raw += value[i];
    }
  }
  return raw;
}

bool IsValidUtf8(std::string_view s) {
  // The escaped form of a value is valid UTF-8 exactly when the sanitizer leaves it alone.
  return SanitizeUtf8(s) == s;
}

TEST(LabelValueEscapingTest, WritesInvalidBytesAsUppercaseHexEscapes) {
  EXPECT_EQ(ReadBack(Escaped("bad\xFF")), "bad\\xFF");
  EXPECT_EQ(Escaped("bad\xFF"), "bad\\\\xFF");    // the backslash escaped for the exposition
  EXPECT_EQ(ReadBack(Escaped("\xC3")), "\\xC3");  // truncated sequence
  EXPECT_EQ(ReadBack(Escaped("\xC0\xAF")), "\\xC0\\xAF");           // overlong '/'
  EXPECT_EQ(ReadBack(Escaped("\xED\xA0\x80")), "\\xED\\xA0\\x80");  // surrogate
  EXPECT_EQ(ReadBack(Escaped("\xF4\x90\x80\x80x")), "\\xF4\\x90\\x80\\x80x");
  // Valid sequences next to an invalid byte stay as they are.
  EXPECT_EQ(ReadBack(Escaped("\xC3\xA9\xFE")), "\xC3\xA9\\xFE");
}

TEST(LabelValueEscapingTest, NamesThatDifferOnlyInInvalidBytesStayDistinct) {
  // They were both "x<U+FFFD>1": two series with one label set, one of them dropped by Prometheus.
  EXPECT_EQ(ReadBack(Escaped("x\xFF"
                             "1")),
            "x\\xFF1");
  EXPECT_EQ(ReadBack(Escaped("x\xFE"
                             "1")),
            "x\\xFE1");
}

TEST(LabelValueEscapingTest, ABackslashIsEscapedTooWhenTheValueIsHexEscaped) {
  // Else the name holding the text "\xFF" and the one holding the byte 0xFF would collide.
  EXPECT_EQ(ReadBack(Escaped("a\\b\xFF")), "a\\x5Cb\\xFF");
  EXPECT_EQ(ReadBack(Escaped("lit\\xFF")), "lit\\x5CxFF");
  EXPECT_EQ(ReadBack(Escaped("lit\xFF")), "lit\\xFF");
  // A backslash not followed by 'x' in valid UTF-8 stays a plain backslash.
  EXPECT_EQ(ReadBack(Escaped("a\\b")), "a\\b");
  EXPECT_EQ(ReadBack(Escaped("a\\")), "a\\");
}

TEST(LabelValueEscapingTest, DistinctByteStringsGiveDistinctValidLabelValues) {
  // Every string of up to 4 bytes over an alphabet holding the pieces of an escape, invalid
  // bytes and a valid two-byte sequence's halves: each label value is valid UTF-8, decodes back
  // to its input, and no two inputs share one.
  const std::string alphabet = std::string("\\xF5") + "\xFF" + "\xC3\xA9" + "\"";
  std::vector<std::string> inputs = {""};
  for (std::size_t start = 0, length = 0; length < 4; ++length) {
    const std::size_t end = inputs.size();
    for (std::size_t i = start; i < end; ++i) {
      for (const char c : alphabet) inputs.push_back(inputs[i] + c);
    }
    start = end;
  }
  std::map<std::string, std::string> input_of_value;
  for (const auto& input : inputs) {
    const std::string value = ReadBack(Escaped(input));
    ASSERT_TRUE(IsValidUtf8(value)) << ::testing::PrintToString(input);
    ASSERT_EQ(Decode(value), input) << ::testing::PrintToString(value);
    const auto [it, fresh] = input_of_value.emplace(value, input);
    ASSERT_TRUE(fresh) << ::testing::PrintToString(input) << " and "
                       << ::testing::PrintToString(it->second) << " both give "
                       << ::testing::PrintToString(value);
  }
  EXPECT_EQ(input_of_value.size(), inputs.size());
}

TEST(LabelValueEscapingTest, NeverWritesMoreThanTheBoundPerByte) {
  for (const std::string& raw : {std::string(64, '\xFF'), std::string(64, '\\') + "\xFF",
                                 std::string(64, '"'), std::string(64, '\n')}) {
    EXPECT_LE(Escaped(raw).size(), kMaxEscapedBytesPerByte * raw.size());
  }
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
