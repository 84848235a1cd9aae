#include "collectors/procfs/net_dev_parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/file_reader.h"

namespace netif {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

constexpr uint64_t kMax = UINT64_MAX;

// The text of src/collectors/procfs/testdata/<name>.
std::string Fixture(std::string_view name) {
  const std::string path =
      std::string(NETIF_SOURCE_DIR) + "/src/collectors/procfs/testdata/" + std::string(name);
  const auto text = RealFileReader().ReadFile(path, 64 << 20);
  EXPECT_TRUE(text.has_value()) << "missing fixture " << path;
  return text.value_or("");
}

std::vector<std::string> Names(const NetDevParseResult& result) {
  std::vector<std::string> names;
  for (const auto& record : result.records) names.push_back(record.name);
  return names;
}

std::vector<uint64_t> Values(const InterfaceRecord& record) {
  std::vector<uint64_t> values;
  for (std::size_t i = 0; i < kProcNetDevCounterCount; ++i) {
    values.push_back(record.counters.ValueOr(static_cast<Counter>(i), 0xDEAD));
  }
  return values;
}

const InterfaceRecord* Find(const NetDevParseResult& result, std::string_view name) {
  for (const auto& record : result.records) {
    if (record.name == name) return &record;
  }
  return nullptr;
}

std::vector<uint64_t> OneToSixteen() {
  std::vector<uint64_t> values;
  for (uint64_t v = 1; v <= 16; ++v) values.push_back(v);
  return values;
}

// Every error is one line of printable ASCII, starting "line N: ".
void ExpectWellFormedErrors(const NetDevParseResult& result) {
  for (const auto& error : result.errors) {
    EXPECT_THAT(error, StartsWith("line "));
    for (const char c : error) {
      EXPECT_TRUE(c >= 0x20 && c <= 0x7E)
          << "raw byte " << int(static_cast<unsigned char>(c)) << " in error: " << error;
    }
  }
}

// --- Real captures -------------------------------------------------------------------------------

TEST(ParseNetDevTest, RealHostCapture) {
  const auto result = ParseNetDev(Fixture("real_host.txt"));
  EXPECT_THAT(result.errors, IsEmpty());
  EXPECT_THAT(Names(result), ElementsAre("lo", "ifb0", "ifb1", "eth0"));
  const auto* eth0 = Find(result, "eth0");
  ASSERT_NE(eth0, nullptr);
  EXPECT_THAT(Values(*eth0),
              ElementsAre(58318530, 1320, 0, 0, 0, 0, 0, 0, 62597, 742, 0, 0, 0, 0, 0, 0));
}

TEST(ParseNetDevTest, RealCaptureOfNamespaceWithVethPairsAndOddNames) {
  // Captured in a private netns with veth pairs named to stress the parser: 15-byte names that
  // push the colon right, quotes, backslashes, '|' and a 0xFF byte (all accepted by the kernel).
  const auto result = ParseNetDev(Fixture("real_netns_veth.txt"));
  EXPECT_THAT(result.errors, IsEmpty());
  EXPECT_THAT(Names(result), ElementsAre("lo", "veth0p", "veth0", "vethpeerlong015",
                                         "vethlongname015", "br0", "p\\q\"", "q\"b\\s", "p\xff",
                                         "bad\xff"
                                         "0",
                                         "c|d", "a|b"));
  // A veth pair's counters mirror each other: what one receives the other transmitted.
  const auto* veth0 = Find(result, "veth0");
  const auto* veth0p = Find(result, "veth0p");
  ASSERT_NE(veth0, nullptr);
  ASSERT_NE(veth0p, nullptr);
  EXPECT_EQ(veth0->counters.Get(Counter::kReceiveBytes), 766u);
  EXPECT_EQ(veth0p->counters.Get(Counter::kTransmitBytes), 766u);
  EXPECT_EQ(veth0->counters.Get(Counter::kTransmitPackets), 16u);
  EXPECT_EQ(veth0p->counters.Get(Counter::kReceivePackets), 16u);
  const auto* br0 = Find(result, "br0");
  ASSERT_NE(br0, nullptr);
  EXPECT_EQ(br0->counters.Get(Counter::kReceiveMulticast), 9u);
}

TEST(ParseNetDevTest, RecordsCarryKeyLabelsAndAll16CountersAs64Bit) {
  const auto result = ParseNetDev(Fixture("real_netns_veth.txt"));
  ASSERT_FALSE(result.records.empty());
  for (const auto& record : result.records) {
    EXPECT_EQ(record.key.source, kLocalSource);
    EXPECT_EQ(record.key.id, record.name);
    EXPECT_EQ(record.labels, LocalDeviceLabels(record.name));
    EXPECT_EQ(record.attributes, LinkAttributes{}) << "procfs knows no link attributes";
    for (std::size_t i = 0; i < kCounterCount; ++i) {
      const auto counter = static_cast<Counter>(i);
      EXPECT_EQ(record.counters.Has(counter), i < kProcNetDevCounterCount) << i;
      EXPECT_FALSE(record.counters.WrapsAt32Bits(counter)) << i;
    }
  }
}

// --- Layout --------------------------------------------------------------------------------------

TEST(ParseNetDevTest, CountersFollowCounterEnumOrder) {
  const auto result = ParseNetDev("eth0: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n");
  ASSERT_EQ(result.records.size(), 1u);
  const auto& counters = result.records[0].counters;
  EXPECT_EQ(counters.Get(Counter::kReceiveBytes), 1u);
  EXPECT_EQ(counters.Get(Counter::kReceivePackets), 2u);
  EXPECT_EQ(counters.Get(Counter::kReceiveErrors), 3u);
  EXPECT_EQ(counters.Get(Counter::kReceiveDrop), 4u);
  EXPECT_EQ(counters.Get(Counter::kReceiveFifo), 5u);
  EXPECT_EQ(counters.Get(Counter::kReceiveFrame), 6u);
  EXPECT_EQ(counters.Get(Counter::kReceiveCompressed), 7u);
  EXPECT_EQ(counters.Get(Counter::kReceiveMulticast), 8u);
  EXPECT_EQ(counters.Get(Counter::kTransmitBytes), 9u);
  EXPECT_EQ(counters.Get(Counter::kTransmitPackets), 10u);
  EXPECT_EQ(counters.Get(Counter::kTransmitErrors), 11u);
  EXPECT_EQ(counters.Get(Counter::kTransmitDrop), 12u);
  EXPECT_EQ(counters.Get(Counter::kTransmitFifo), 13u);
  EXPECT_EQ(counters.Get(Counter::kTransmitColls), 14u);
  EXPECT_EQ(counters.Get(Counter::kTransmitCarrier), 15u);
  EXPECT_EQ(counters.Get(Counter::kTransmitCompressed), 16u);
}

TEST(ParseNetDevTest, EmptyFileGivesNothing) {
  const auto result = ParseNetDev(Fixture("empty.txt"));
  EXPECT_THAT(result.records, IsEmpty());
  EXPECT_THAT(result.errors, IsEmpty());
}

TEST(ParseNetDevTest, HeaderOnlyGivesNothing) {
  const auto result = ParseNetDev(Fixture("header_only.txt"));
  EXPECT_THAT(result.records, IsEmpty());
  EXPECT_THAT(result.errors, IsEmpty());
}

TEST(ParseNetDevTest, FileWithoutHeaderIsParsed) {
  const auto result = ParseNetDev(Fixture("no_header.txt"));
  EXPECT_THAT(result.errors, IsEmpty());
  EXPECT_THAT(Names(result), ElementsAre("lo", "eth0"));
  EXPECT_EQ(Values(result.records[1])[15], 160u);
}

TEST(ParseNetDevTest, GarbledHeaderIsToleratedByShape) {
  const auto result = ParseNetDev(Fixture("garbled_header.txt"));
  EXPECT_THAT(result.errors, IsEmpty());
  EXPECT_THAT(Names(result), ElementsAre("eth0"));
}

TEST(ParseNetDevTest, HeaderShapedLineAfterTheHeaderIsAnError) {
  const auto result = ParseNetDev(
      "eth0: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n"
      "eth1: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n"
      " face |bytes\n");
  EXPECT_THAT(Names(result), ElementsAre("eth0", "eth1"));
  EXPECT_THAT(result.errors,
              ElementsAre("line 3: missing ':' after the interface name in \"face |bytes\""));
}

TEST(ParseNetDevTest, GluedNamesAndOtherWhitespace) {
  const auto result = ParseNetDev(Fixture("glued_names.txt"));
  EXPECT_THAT(result.errors, IsEmpty());
  EXPECT_THAT(Names(result), ElementsAre("eth0", "vethlongname015", "tabbed"));
  EXPECT_EQ(result.records[0].counters.Get(Counter::kReceiveBytes), 123456789u);
  EXPECT_EQ(result.records[0].counters.Get(Counter::kTransmitBytes), 987654321u);
  EXPECT_EQ(result.records[1].counters.Get(Counter::kReceiveBytes), 0u);
  EXPECT_EQ(result.records[1].counters.Get(Counter::kTransmitCompressed), 5u);
}

TEST(ParseNetDevTest, CrLfLineEndingsAndBlankLines) {
  const auto result = ParseNetDev(Fixture("blank_and_crlf.txt"));
  EXPECT_THAT(Names(result), ElementsAre("eth0", "eth1"));
  EXPECT_EQ(result.records[0].counters.Get(Counter::kTransmitCompressed), 16u);
  EXPECT_THAT(result.errors, ElementsAre("line 4: blank line", "line 5: blank line"));
}

// --- Values --------------------------------------------------------------------------------------

TEST(ParseNetDevTest, AcceptsMaxUint64AndRejectsOverflow) {
  const auto result = ParseNetDev(Fixture("max_values.txt"));
  EXPECT_THAT(Names(result), ElementsAre("max0", "after"));
  EXPECT_EQ(Values(result.records[0]), std::vector<uint64_t>(16, kMax));
  EXPECT_EQ(Values(result.records[1]), OneToSixteen());
  EXPECT_THAT(result.errors, ElementsAre("line 4: counter 1 (receive_bytes) exceeds 2^64-1: "
                                         "\"18446744073709551616\"",
                                         "line 5: counter 16 (transmit_compressed) exceeds 2^64-1: "
                                         "\"99999999999999999999999\""));
}

TEST(ParseNetDevTest, RejectsNonDecimalCounters) {
  const auto result = ParseNetDev(Fixture("non_numeric.txt"));
  EXPECT_THAT(Names(result), ElementsAre("good"));
  EXPECT_THAT(result.errors,
              ElementsAre("line 3: counter 1 (receive_bytes) is not a decimal number: \"-1\"",
                          "line 4: counter 1 (receive_bytes) is not a decimal number: \"+1\"",
                          "line 5: counter 1 (receive_bytes) is not a decimal number: \"0x10\"",
                          "line 6: counter 1 (receive_bytes) is not a decimal number: \"1.5\"",
                          "line 7: counter 16 (transmit_compressed) is not a decimal number: "
                          "\"16x\"",
                          "line 8: counter 7 (receive_compressed) is not a decimal number: "
                          "\"7\\x008\""));
}

TEST(ParseNetDevTest, RejectsWrongNumberOfCounters) {
  const auto result = ParseNetDev(Fixture("field_count.txt"));
  EXPECT_THAT(Names(result), ElementsAre("good"));
  EXPECT_THAT(result.errors, ElementsAre("line 3: expected 16 counters, found 15",
                                         "line 4: expected 16 counters, found 17",
                                         "line 5: expected 16 counters, found 0"));
}

TEST(ParseNetDevTest, TruncatedLastLineIsSkipped) {
  const auto result = ParseNetDev(Fixture("truncated_last_line.txt"));
  EXPECT_THAT(Names(result), ElementsAre("eth0"));
  EXPECT_THAT(result.errors, ElementsAre("line 4: expected 16 counters, found 5"));
}

TEST(ParseNetDevTest, CompleteLastLineWithoutNewlineIsParsed) {
  const auto result = ParseNetDev(Fixture("complete_last_line_no_newline.txt"));
  EXPECT_THAT(result.errors, IsEmpty());
  EXPECT_THAT(Names(result), ElementsAre("eth0", "eth1"));
  EXPECT_EQ(result.records[1].counters.Get(Counter::kTransmitCompressed), 16000u);
}

TEST(ParseNetDevTest, DuplicateInterfaceKeepsTheFirstLineWithoutAnError) {
  // Interface churn between the kernel's chunks can repeat a line: not malformed input.
  const auto result = ParseNetDev(Fixture("duplicates.txt"));
  EXPECT_THAT(Names(result), ElementsAre("eth0", "eth1"));
  EXPECT_EQ(Values(result.records[0]), OneToSixteen());
  EXPECT_THAT(result.errors, IsEmpty());
}

// --- Names ---------------------------------------------------------------------------------------

TEST(ParseNetDevTest, AcceptsAnyNameTheKernelAllows) {
  const auto result = ParseNetDev(Fixture("odd_names.txt"));
  EXPECT_THAT(result.errors, IsEmpty());
  EXPECT_THAT(Names(result),
              ElementsAre("bad\xff"
                          "0",
                          "q\"b\\s", "p\\q\"", "a|b", "\xc3\xa9th0", "\xc3(x", "x\x01y"));
  for (const auto& record : result.records) {
    EXPECT_EQ(record.labels, LocalDeviceLabels(record.name)) << "label keeps the raw bytes";
    EXPECT_EQ(Values(record), OneToSixteen());
  }
}

TEST(ParseNetDevTest, RejectsNamesTheKernelForbids) {
  const auto result = ParseNetDev(Fixture("invalid_names.txt"));
  EXPECT_THAT(Names(result), ElementsAre("ok0"));
  EXPECT_THAT(result.errors,
              ElementsAre("line 3: interface name longer than 15 bytes: \"sixteenbyteslong\"",
                          "line 4: empty interface name", "line 5: invalid interface name \".\"",
                          "line 6: invalid interface name \"..\"",
                          "line 7: invalid interface name \"nb\\xa0x\"",
                          "line 8: invalid interface name \"two words\"",
                          "line 9: invalid interface name \"n\\x00l\"",
                          "line 10: invalid interface name \"eth0 \""));
}

TEST(ParseNetDevTest, GarbageAndNulBytesInventNothing) {
  const auto result = ParseNetDev(Fixture("garbage.bin"));
  // Only the one well-formed line survives; everything else is an escaped error.
  EXPECT_THAT(Names(result), ElementsAre("eth0"));
  EXPECT_EQ(Values(result.records[0]), OneToSixteen());
  EXPECT_FALSE(result.errors.empty());
  ExpectWellFormedErrors(result);
}

TEST(ParseNetDevTest, ErrorsFromEveryFixtureArePrintableSingleLines) {
  for (const char* name :
       {"invalid_names.txt", "non_numeric.txt", "odd_names.txt", "garbage.bin",
        "truncated_last_line.txt", "field_count.txt", "max_values.txt", "blank_and_crlf.txt"}) {
    SCOPED_TRACE(name);
    ExpectWellFormedErrors(ParseNetDev(Fixture(name)));
  }
}

TEST(ParseNetDevTest, LongGarbageIsShortenedInTheError) {
  const std::string line(1000, 'x');
  const auto result = ParseNetDev(line);
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0],
            "line 1: missing ':' after the interface name in \"" + std::string(32, 'x') + "\"...");
}

TEST(ParseNetDevTest, SurvivesAwkwardInputs) {
  for (const std::string_view text :
       {std::string_view("\n"), std::string_view(":"), std::string_view("::::\n"),
        std::string_view("\0", 1), std::string_view("a:"), std::string_view("a: "),
        std::string_view(" \t\r\n\n"), std::string_view("|"), std::string_view("a:\xff\xfe")}) {
    const auto result = ParseNetDev(text);
    EXPECT_THAT(result.records, IsEmpty()) << QuoteForMessage(text);
    ExpectWellFormedErrors(result);
  }
}

// --- Helpers -------------------------------------------------------------------------------------

TEST(IsValidInterfaceNameTest, FollowsTheKernelRules) {
  EXPECT_TRUE(IsValidInterfaceName("eth0"));
  EXPECT_TRUE(IsValidInterfaceName("a"));
  EXPECT_TRUE(IsValidInterfaceName("fifteen-bytes15"));
  EXPECT_TRUE(IsValidInterfaceName("bad\xff"));
  EXPECT_TRUE(IsValidInterfaceName("a|b\"c\\"));
  EXPECT_TRUE(IsValidInterfaceName("..."));
  EXPECT_FALSE(IsValidInterfaceName(""));
  EXPECT_FALSE(IsValidInterfaceName("sixteen-bytes-16"));
  EXPECT_FALSE(IsValidInterfaceName("."));
  EXPECT_FALSE(IsValidInterfaceName(".."));
  EXPECT_FALSE(IsValidInterfaceName("a/b"));
  EXPECT_FALSE(IsValidInterfaceName("a:b"));
  EXPECT_FALSE(IsValidInterfaceName("a b"));
  EXPECT_FALSE(IsValidInterfaceName("a\tb"));
  EXPECT_FALSE(IsValidInterfaceName("a\vb"));
  EXPECT_FALSE(IsValidInterfaceName("a\xa0"));
  EXPECT_FALSE(IsValidInterfaceName(std::string_view("a\0b", 3)));
}

TEST(QuoteForMessageTest, EscapesEverythingButPrintableAscii) {
  EXPECT_EQ(QuoteForMessage("eth0"), "\"eth0\"");
  EXPECT_EQ(QuoteForMessage("q\"b\\s"), "\"q\\\"b\\\\s\"");
  EXPECT_EQ(QuoteForMessage("\xff\n\x7f"), "\"\\xff\\x0a\\x7f\"");
  EXPECT_EQ(QuoteForMessage(std::string_view("\0", 1)), "\"\\x00\"");
  EXPECT_EQ(QuoteForMessage("abcdef", 3), "\"abc\"...");
  EXPECT_EQ(QuoteForMessage("abc", 3), "\"abc\"");
  EXPECT_EQ(QuoteForMessage(""), "\"\"");
}

}  // namespace
}  // namespace netif
