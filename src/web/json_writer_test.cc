#include "web/json_writer.h"

#include <gtest/gtest.h>

#include <string>

namespace netif {
namespace {

std::string Quoted(std::string_view bytes) {
  std::string out;
  AppendJsonString(out, bytes);
  return out;
}

TEST(JsonStringTest, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(Quoted("eth0"), "\"eth0\"");
  EXPECT_EQ(Quoted("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(Quoted("a\nb\tc\r"), "\"a\\nb\\tc\\r\"");
  EXPECT_EQ(Quoted(std::string("\x01\x1f\x7f", 3)), "\"\\u0001\\u001f\\u007f\"");
  EXPECT_EQ(Quoted(std::string("a\0b", 3)), "\"a\\u0000b\"");
  EXPECT_EQ(Quoted("</script>"), "\"\\u003c/script>\"");
}

TEST(JsonStringTest, KeepsValidUtf8) {
  EXPECT_EQ(Quoted("Gi0/1 – uplink"), "\"Gi0/1 – uplink\"");
  EXPECT_EQ(Quoted("\xF0\x9F\x9A\x80"), "\"\xF0\x9F\x9A\x80\"");  // U+1F680
  EXPECT_EQ(Quoted("\xF4\x8F\xBF\xBF"), "\"\xF4\x8F\xBF\xBF\"");  // U+10FFFF
}

TEST(JsonStringTest, ReplacesEachByteOfAnInvalidSequence) {
  const std::string r = "\xEF\xBF\xBD";
  EXPECT_EQ(Quoted("a\xFF"
                   "b"),
            "\"a" + r + "b\"");                                        // never a lead byte
  EXPECT_EQ(Quoted("\x80"), "\"" + r + "\"");                          // stray continuation
  EXPECT_EQ(Quoted("\xC3"), "\"" + r + "\"");                          // truncated at the end
  EXPECT_EQ(Quoted("\xC3x"), "\"" + r + "x\"");                        // truncated in the middle
  EXPECT_EQ(Quoted("\xC0\xAF"), "\"" + r + r + "\"");                  // overlong '/'
  EXPECT_EQ(Quoted("\xE0\x80\xAF"), "\"" + r + r + r + "\"");          // overlong, 3 bytes
  EXPECT_EQ(Quoted("\xED\xA0\x80"), "\"" + r + r + r + "\"");          // a surrogate
  EXPECT_EQ(Quoted("\xF4\x90\x80\x80"), "\"" + r + r + r + r + "\"");  // past U+10FFFF
}

TEST(JsonNumberTest, WritesIntegersExactlyAndNullForWhatJsonCannotHold) {
  std::string out;
  AppendJsonNumber(out, 1e12);
  out += ' ';
  AppendJsonNumber(out, 0.123456789, 3);
  out += ' ';
  AppendJsonNumber(out, std::nullopt);
  out += ' ';
  AppendJsonNumber(out, std::numeric_limits<double>::quiet_NaN());
  out += ' ';
  AppendJsonNumber(out, std::numeric_limits<double>::infinity());
  out += ' ';
  AppendJsonNumber(out, -2.5);
  EXPECT_EQ(out, "1000000000000 0.123 null null null -2.5");
}

TEST(JsonBoolTest, WritesTrueFalseNull) {
  std::string out;
  AppendJsonBool(out, true);
  AppendJsonBool(out, false);
  AppendJsonBool(out, std::nullopt);
  EXPECT_EQ(out, "truefalsenull");
}

}  // namespace
}  // namespace netif
