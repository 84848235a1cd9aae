// Structured logging: one line per event, as logfmt (the Prometheus exporters'
// default) or JSON, e.g.
//   ts=2026-11-25T14:00:00.123Z level=info msg="link event" device=eth0 up=1 running=0
// Keys are fixed identifiers; values are sanitized (invalid UTF-8 -> U+FFFD) and quoted when
// needed, so a hostile interface name cannot forge a log line.
//
// Lines go to stderr through a bounded queue and a writer thread (util/log_writer.h): logging
// never blocks, and a line that does not fit is dropped and counted (LogMessagesDropped).
//
// Thread-safety: safe for concurrent use by multiple threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace netif {

enum class LogSeverity { kDebug, kInfo, kWarn, kError };
enum class LogLineFormat { kLogfmt, kJson };

// Sets level and format; may be called again (tests, --log.level after config load).
void ConfigureLogging(LogSeverity level, LogLineFormat format);
bool LogEnabled(LogSeverity level);

// Lines dropped so far because stderr did not keep up (for netif_log_messages_dropped_total).
uint64_t LogMessagesDropped();
// Writes what is queued, waiting at most `timeout` for stderr; later lines are dropped. Runs at
// exit by itself; call it earlier to bound how long the exit waits.
void FlushLogs(std::chrono::milliseconds timeout);

struct LogField {
  LogField(std::string_view k, std::string_view v) : key(k), value(v) {}
  LogField(std::string_view k, const std::string& v) : key(k), value(v) {}
  LogField(std::string_view k, const char* v) : key(k), value(v) {}
  LogField(std::string_view k, int64_t v) : key(k), value(std::to_string(v)), quoted(false) {}
  LogField(std::string_view k, uint64_t v) : key(k), value(std::to_string(v)), quoted(false) {}
  LogField(std::string_view k, int v) : key(k), value(std::to_string(v)), quoted(false) {}
  LogField(std::string_view k, unsigned v) : key(k), value(std::to_string(v)), quoted(false) {}
  LogField(std::string_view k, double v);
  LogField(std::string_view k, bool v) : key(k), value(v ? "true" : "false"), quoted(false) {}
  std::string_view key;
  std::string value;
  bool quoted = true;  // JSON: a string; false: a bare number/bool
};

void Log(LogSeverity level, std::string_view message, std::initializer_list<LogField> fields = {});
inline void LogDebug(std::string_view m, std::initializer_list<LogField> f = {}) {
  Log(LogSeverity::kDebug, m, f);
}
inline void LogInfo(std::string_view m, std::initializer_list<LogField> f = {}) {
  Log(LogSeverity::kInfo, m, f);
}
inline void LogWarn(std::string_view m, std::initializer_list<LogField> f = {}) {
  Log(LogSeverity::kWarn, m, f);
}
inline void LogError(std::string_view m, std::initializer_list<LogField> f = {}) {
  Log(LogSeverity::kError, m, f);
}

// The line Log() would write, without the timestamp (pure; for tests).
std::string FormatLogLine(LogLineFormat format, LogSeverity level, std::string_view timestamp,
                          std::string_view message, std::initializer_list<LogField> fields);

}  // namespace netif
