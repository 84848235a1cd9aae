#include "util/log.h"

#include <gtest/gtest.h>

namespace netif {
namespace {

TEST(LogFormatTest, LogfmtQuotesOnlyWhenNeeded) {
  const auto line = FormatLogLine(LogLineFormat::kLogfmt, LogSeverity::kInfo, "T", "link event",
                                  {{"device", "eth0"}, {"up", 1}, {"alias", "a \"b\""}});
  EXPECT_EQ(line, "ts=T level=info msg=\"link event\" device=eth0 up=1 alias=\"a \\\"b\\\"\"");
}

TEST(LogFormatTest, HostileValuesCannotForgeALine) {
  const auto line = FormatLogLine(LogLineFormat::kLogfmt, LogSeverity::kWarn, "T", "m",
                                  {{"device", "x\nlevel=error \xFF"}});
  EXPECT_EQ(line, "ts=T level=warn msg=m device=\"x\\nlevel=error \xEF\xBF\xBD\"");
}

TEST(LogFormatTest, JsonKeepsNumbersBare) {
  const auto line = FormatLogLine(LogLineFormat::kJson, LogSeverity::kError, "T", "m",
                                  {{"device", "e\"0"}, {"count", uint64_t{3}}, {"ok", false}});
  EXPECT_EQ(line,
            "{\"ts\":\"T\",\"level\":\"error\",\"msg\":\"m\",\"device\":\"e\\\"0\",\"count\":3,"
            "\"ok\":false}");
}

TEST(LogLevelTest, LevelFiltersLowerSeverities) {
  ConfigureLogging(LogSeverity::kWarn, LogLineFormat::kLogfmt);
  EXPECT_FALSE(LogEnabled(LogSeverity::kInfo));
  EXPECT_TRUE(LogEnabled(LogSeverity::kError));
  ConfigureLogging(LogSeverity::kInfo, LogLineFormat::kLogfmt);
  EXPECT_TRUE(LogEnabled(LogSeverity::kInfo));
}

}  // namespace
}  // namespace netif
