#include "util/log.h"

#include <gtest/gtest.h>

namespace netif {
namespace {

TEST(LogFormatTest, LogfmtQuotesOnlyWhenNeeded) {
  const auto line = FormatLogLine(LogFormat::kLogfmt, LogLevel::kInfo, "T", "link event",
                                  {{"device", "eth0"}, {"up", 1}, {"alias", "a \"b\""}});
  EXPECT_EQ(line, "ts=T level=info msg=\"link event\" device=eth0 up=1 alias=\"a \\\"b\\\"\"");
}

TEST(LogFormatTest, HostileValuesCannotForgeALine) {
  const auto line = FormatLogLine(LogFormat::kLogfmt, LogLevel::kWarn, "T", "m",
                                  {{"device", "x\nlevel=error \xFF"}});
  EXPECT_EQ(line, "ts=T level=warn msg=m device=\"x\\nlevel=error \xEF\xBF\xBD\"");
}

TEST(LogFormatTest, JsonKeepsNumbersBare) {
  const auto line = FormatLogLine(LogFormat::kJson, LogLevel::kError, "T", "m",
                                  {{"device", "e\"0"}, {"count", uint64_t{3}}, {"ok", false}});
  EXPECT_EQ(line,
            "{\"ts\":\"T\",\"level\":\"error\",\"msg\":\"m\",\"device\":\"e\\\"0\",\"count\":3,"
            "\"ok\":false}");
}

TEST(LogLevelTest, LevelFiltersLowerSeverities) {
  ConfigureLogging(LogLevel::kWarn, LogFormat::kLogfmt);
  EXPECT_FALSE(LogEnabled(LogLevel::kInfo));
  EXPECT_TRUE(LogEnabled(LogLevel::kError));
  ConfigureLogging(LogLevel::kInfo, LogFormat::kLogfmt);
  EXPECT_TRUE(LogEnabled(LogLevel::kInfo));
}

}  // namespace
}  // namespace netif
