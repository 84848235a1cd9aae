#include "config/values.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "config/anchored_regex.h"
#include "config/config.h"

namespace netif {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

template <typename T>
T Ok(OrError<T> parsed) {
  if (auto* error = std::get_if<std::string>(&parsed)) {
    ADD_FAILURE() << "unexpected error: " << *error;
    return T{};
  }
  return std::get<T>(std::move(parsed));
}

template <typename T>
std::string Error(OrError<T> parsed) {
  if (auto* error = std::get_if<std::string>(&parsed)) return *error;
  ADD_FAILURE() << "unexpectedly parsed";
  return "";
}

TEST(LogLevelTest, ParsesEveryNameAndRoundTrips) {
  for (LogLevel level : {LogLevel::kDebug, LogLevel::kInfo, LogLevel::kWarn, LogLevel::kError}) {
    EXPECT_EQ(Ok(ParseLogLevel(LogLevelName(level))), level);
  }
  EXPECT_EQ(Error(ParseLogLevel("verbose")),
            "invalid log level \"verbose\"; want one of debug, info, warn, error");
  EXPECT_THAT(Error(ParseLogLevel("INFO")), StartsWith("invalid log level"));
}

TEST(LogFormatTest, ParsesEveryNameAndRoundTrips) {
  for (LogFormat format : {LogFormat::kLogfmt, LogFormat::kJson}) {
    EXPECT_EQ(Ok(ParseLogFormat(LogFormatName(format))), format);
  }
  EXPECT_EQ(Error(ParseLogFormat("text")), "invalid log format \"text\"; want one of logfmt, json");
}

TEST(ListenAddressTest, AcceptsTheThreeForms) {
  EXPECT_EQ(Ok(ParseListenAddress(":10100")), (ListenAddress{"", 10100}));
  EXPECT_EQ(Ok(ParseListenAddress("127.0.0.1:9")), (ListenAddress{"127.0.0.1", 9}));
  EXPECT_EQ(Ok(ParseListenAddress("[::1]:10100")), (ListenAddress{"::1", 10100}));
  EXPECT_EQ(Ok(ParseListenAddress("[::]:0")), (ListenAddress{"::", 0}));
  EXPECT_EQ(Ok(ParseListenAddress("localhost:65535")), (ListenAddress{"localhost", 65535}));
  EXPECT_EQ(Ok(ParseListenAddress("metrics.example-1.net:80")),
            (ListenAddress{"metrics.example-1.net", 80}));
}

TEST(ListenAddressTest, ToStringRoundTrips) {
  for (const char* text : {":10100", "127.0.0.1:9", "[::1]:10100", "localhost:0"}) {
    EXPECT_EQ(Ok(ParseListenAddress(text)).ToString(), text);
  }
}

TEST(ListenAddressTest, ExplainsBadAddresses) {
  const std::string forms = "want host:port, [v6]:port or :port, e.g. \":10100\"";
  EXPECT_EQ(Error(ParseListenAddress("10100")), "missing port in \"10100\"; " + forms);
  EXPECT_EQ(Error(ParseListenAddress("")), "empty address; " + forms);
  EXPECT_EQ(Error(ParseListenAddress(":")), "invalid port \"\" in \":\"; want 0..65535");
  EXPECT_EQ(Error(ParseListenAddress(":65536")),
            "invalid port \"65536\" in \":65536\"; want 0..65535");
  EXPECT_EQ(Error(ParseListenAddress(":http")),
            "invalid port \"http\" in \":http\"; want 0..65535");
  EXPECT_EQ(Error(ParseListenAddress(":-1")), "invalid port \"-1\" in \":-1\"; want 0..65535");
  EXPECT_EQ(Error(ParseListenAddress("::1:10100")),
            "IPv6 address in \"::1:10100\" needs brackets, e.g. \"[::1]:10100\"");
  EXPECT_EQ(Error(ParseListenAddress("[::1]10100")), "invalid address \"[::1]10100\"; " + forms);
  EXPECT_EQ(Error(ParseListenAddress("[::1")), "invalid address \"[::1\"; " + forms);
  EXPECT_EQ(Error(ParseListenAddress("[nope]:1")), "invalid IPv6 address \"nope\" in \"[nope]:1\"");
  EXPECT_EQ(Error(ParseListenAddress("1.2.3.999:1")),
            "invalid host \"1.2.3.999\" in \"1.2.3.999:1\"; want an IPv4 address, a [v6] address "
            "or a host name");
  EXPECT_THAT(Error(ParseListenAddress("bad_host:1")), StartsWith("invalid host \"bad_host\""));
  EXPECT_THAT(Error(ParseListenAddress("-a:1")), StartsWith("invalid host"));
}

TEST(ShardTest, ParsesIndexOverCount) {
  EXPECT_EQ(Ok(ParseShard("0/1")), (Shard{0, 1}));
  EXPECT_EQ(Ok(ParseShard("3/4")), (Shard{3, 4}));
  EXPECT_EQ(Ok(ParseShard("2/4")).ToString(), "2/4");
}

TEST(ShardTest, ExplainsBadShards) {
  const std::string want = "; want index/count, e.g. \"0/1\" or \"2/4\"";
  EXPECT_EQ(Error(ParseShard("1")), "invalid shard \"1\"" + want);
  EXPECT_EQ(Error(ParseShard("a/b")), "invalid shard \"a/b\"" + want);
  EXPECT_EQ(Error(ParseShard("-1/2")), "invalid shard \"-1/2\"" + want);
  EXPECT_EQ(Error(ParseShard("1/2/3")), "invalid shard \"1/2/3\"" + want);
  EXPECT_EQ(Error(ParseShard("0/0")), "invalid shard \"0/0\": the count must be at least 1");
  EXPECT_EQ(Error(ParseShard("4/4")),
            "invalid shard \"4/4\": the index must be below the count (0..3)");
  EXPECT_EQ(Error(ParseShard("0/1025")),
            "invalid shard \"0/1025\": the count must be at most 1024");
}

TEST(BitRateTest, ParsesNumbersAndSiSuffixes) {
  EXPECT_EQ(Ok(ParseBitRate("10G")), 10'000'000'000u);
  EXPECT_EQ(Ok(ParseBitRate("100M")), 100'000'000u);
  EXPECT_EQ(Ok(ParseBitRate("1.5G")), 1'500'000'000u);
  EXPECT_EQ(Ok(ParseBitRate("10k")), 10'000u);
  EXPECT_EQ(Ok(ParseBitRate("10K")), 10'000u);
  EXPECT_EQ(Ok(ParseBitRate("1T")), 1'000'000'000'000u);
  EXPECT_EQ(Ok(ParseBitRate("2P")), 2'000'000'000'000'000u);
  EXPECT_EQ(Ok(ParseBitRate("10000000000")), 10'000'000'000u);
  EXPECT_EQ(Ok(ParseBitRate("1e9")), 1'000'000'000u);
  EXPECT_EQ(Ok(ParseBitRate("0")), 0u);
}

TEST(BitRateTest, ExplainsBadBitRates) {
  const std::string want =
      "; want bits per second as a number or with an SI suffix (k, M, G, T, P), e.g. \"10G\", "
      "\"100M\", \"1.5G\"";
  EXPECT_EQ(Error(ParseBitRate("10Gbps")), "invalid bit rate \"10Gbps\"" + want);
  EXPECT_EQ(Error(ParseBitRate("10m")), "invalid bit rate \"10m\"" + want);
  EXPECT_EQ(Error(ParseBitRate("G")), "invalid bit rate \"G\"" + want);
  EXPECT_EQ(Error(ParseBitRate("")), "invalid bit rate \"\"" + want);
  EXPECT_EQ(Error(ParseBitRate("inf")), "invalid bit rate \"inf\"" + want);
  EXPECT_EQ(Error(ParseBitRate("-1G")), "invalid bit rate \"-1G\": must not be negative");
  EXPECT_EQ(Error(ParseBitRate("1000P")), "invalid bit rate \"1000P\": too large");
}

TEST(NumberTest, ParsesFiniteDecimals) {
  EXPECT_DOUBLE_EQ(Ok(ParseNumber("0.001")), 0.001);
  EXPECT_DOUBLE_EQ(Ok(ParseNumber("1e-4")), 0.0001);
  EXPECT_DOUBLE_EQ(Ok(ParseNumber("10")), 10);
  EXPECT_EQ(Error(ParseNumber("nan")), "invalid number \"nan\"");
  EXPECT_EQ(Error(ParseNumber("1%")), "invalid number \"1%\"");
  EXPECT_EQ(Error(ParseNumber("")), "invalid number \"\"");
}

TEST(BoolTest, AcceptsOnlyTrueAndFalse) {
  EXPECT_TRUE(Ok(ParseBool("true")));
  EXPECT_TRUE(Ok(ParseBool("True")));
  EXPECT_FALSE(Ok(ParseBool("false")));
  EXPECT_FALSE(Ok(ParseBool("FALSE")));
  EXPECT_EQ(Error(ParseBool("yes")), "invalid boolean \"yes\"; want true or false");
  EXPECT_EQ(Error(ParseBool("1")), "invalid boolean \"1\"; want true or false");
}

TEST(AnchoredRegexTest, MatchesTheWholeName) {
  const AnchoredRegex eth = Ok(AnchoredRegex::Compile("eth.*"));
  EXPECT_TRUE(eth.Matches("eth0"));
  EXPECT_FALSE(eth.Matches("veth0"));
  const AnchoredRegex either = Ok(AnchoredRegex::Compile("lo|veth.*"));
  EXPECT_TRUE(either.Matches("lo"));
  EXPECT_TRUE(either.Matches("veth12"));
  EXPECT_FALSE(either.Matches("lo0"));
  EXPECT_FALSE(either.Matches("eth0"));
}

TEST(AnchoredRegexTest, EmptyPatternMatchesNothing) {
  const AnchoredRegex empty = Ok(AnchoredRegex::Compile(""));
  EXPECT_TRUE(empty.empty());
  EXPECT_FALSE(empty.Matches(""));
  EXPECT_FALSE(empty.Matches("eth0"));
  EXPECT_EQ(empty, AnchoredRegex());
}

TEST(AnchoredRegexTest, ExplainsBadPatterns) {
  EXPECT_THAT(Error(AnchoredRegex::Compile("([")),
              StartsWith("invalid regular expression \"([\": "));
  // Must not become valid by being wrapped in a group.
  EXPECT_THAT(Error(AnchoredRegex::Compile("a)|(b")),
              StartsWith("invalid regular expression \"a)|(b\": "));
}

// std::regex took exponential time on this pair (a device controls its ifAlias): the SNMP thread
// never came back. RE2 answers in time linear in the text; a hang here is a test timeout.
TEST(AnchoredRegexTest, CatastrophicPatternAnswersAtOnce) {
  const AnchoredRegex nested = Ok(AnchoredRegex::Compile("(x*)*y"));
  EXPECT_FALSE(nested.Matches(std::string(40, 'x')));
  EXPECT_FALSE(nested.Matches(std::string(100'000, 'x')));
  EXPECT_TRUE(nested.Matches(std::string(40, 'x') + "y"));
}

TEST(AnchoredRegexTest, BytesNotCharacters) {
  // Names need not be valid UTF-8: '.' matches any byte but a newline.
  const AnchoredRegex dot = Ok(AnchoredRegex::Compile("x.1"));
  EXPECT_TRUE(
      dot.Matches("x\xff"
                  "1"));
  EXPECT_FALSE(dot.Matches("x\n1"));
  // A UTF-8 literal matches its own bytes.
  EXPECT_TRUE(Ok(AnchoredRegex::Compile("caf\xc3\xa9"
                                        ".*"))
                  .Matches("caf\xc3\xa9"
                           "-uplink"));
}

TEST(AnchoredRegexTest, BackreferencesAndLookaroundsAreRefused) {
  EXPECT_THAT(Error(AnchoredRegex::Compile("(a)\\1")), StartsWith("invalid regular expression"));
  EXPECT_THAT(Error(AnchoredRegex::Compile("(?!lo).*")), StartsWith("invalid regular expression"));
}

TEST(DeviceSelectedTest, ExcludeWinsOverInclude) {
  LocalConfig local;
  EXPECT_TRUE(local.DeviceSelected("eth0"));  // both empty: everything
  local.device_include = Ok(AnchoredRegex::Compile("eth.*|lo"));
  EXPECT_TRUE(local.DeviceSelected("eth0"));
  EXPECT_TRUE(local.DeviceSelected("lo"));
  EXPECT_FALSE(local.DeviceSelected("wlan0"));
  local.device_exclude = Ok(AnchoredRegex::Compile("eth1"));
  EXPECT_TRUE(local.DeviceSelected("eth0"));
  EXPECT_FALSE(local.DeviceSelected("eth1"));
  local.device_include = AnchoredRegex();
  EXPECT_TRUE(local.DeviceSelected("wlan0"));
  EXPECT_FALSE(local.DeviceSelected("eth1"));
}

}  // namespace
}  // namespace netif
