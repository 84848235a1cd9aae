#include "util/log.h"

#include <unistd.h>

#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <mutex>

#include "util/log_writer.h"

namespace netif {
namespace {

std::atomic<LogSeverity> g_level{LogSeverity::kInfo};
std::atomic<LogLineFormat> g_format{LogLineFormat::kLogfmt};

std::string_view LevelName(LogSeverity level) {
  switch (level) {
    case LogSeverity::kDebug:
      return "debug";
    case LogSeverity::kInfo:
      return "info";
    case LogSeverity::kWarn:
      return "warn";
    case LogSeverity::kError:
      return "error";
  }
  return "info";
}

// Replaces invalid UTF-8 with U+FFFD and, for JSON, escapes what JSON requires; for logfmt,
// escapes quotes, backslashes and control characters.
void AppendEscaped(std::string& out, std::string_view raw) {
  for (std::size_t i = 0; i < raw.size();) {
    const auto c = static_cast<unsigned char>(raw[i]);
    std::size_t length = c < 0x80                   ? 1
                         : (c >= 0xC2 && c <= 0xDF) ? 2
                         : (c >= 0xE0 && c <= 0xEF) ? 3
                         : (c >= 0xF0 && c <= 0xF4) ? 4
                                                    : 0;
    bool valid = length > 0 && i + length <= raw.size();
    for (std::size_t k = 1; valid && k < length; ++k) {
      valid = (static_cast<unsigned char>(raw[i + k]) & 0xC0) == 0x80;
    }
    if (!valid) {
      out.append("\xEF\xBF\xBD");
      ++i;
      continue;
    }
    if (length > 1) {
      out.append(raw.substr(i, length));
      i += length;
      continue;
    }
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\t':
        out.append("\\t");
        break;
      case '\r':
        out.append("\\r");
        break;
      default:
        if (c < 0x20 || c == 0x7F) {
          char buffer[8];
          std::snprintf(buffer, sizeof buffer, "\\u%04x", c);
          out.append(buffer);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
    ++i;
  }
}

bool NeedsQuotes(std::string_view value) {
  if (value.empty()) return true;
  for (const char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= ' ' || c == '"' || c == '=' || c == '\\' || u >= 0x7F) return true;
  }
  return false;
}

void AppendLogfmtPair(std::string& out, std::string_view key, std::string_view value) {
  out.push_back(' ');
  out.append(key).push_back('=');
  if (NeedsQuotes(value)) {
    out.push_back('"');
    AppendEscaped(out, value);
    out.push_back('"');
  } else {
    out.append(value);
  }
}

void AppendJsonPair(std::string& out, std::string_view key, std::string_view value, bool quoted) {
  out.append(",\"").append(key).append("\":");
  if (quoted) {
    out.push_back('"');
    AppendEscaped(out, value);
    out.push_back('"');
  } else {
    out.append(value);
  }
}

std::string NowTimestamp() {
  const auto now = std::chrono::system_clock::now();
  const auto seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[96];  // generous: the compiler cannot bound every int field
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(millis));
  return buffer;
}

// Hidden, for tests only: a small queue fills at once (the default holds any real burst).
constexpr const char* kQueueBytesEnv = "NETIF_LOG_QUEUE_BYTES";

std::size_t QueueBytes() {
  const char* value = std::getenv(kQueueBytesEnv);
  std::size_t bytes = 0;
  if (value == nullptr ||
      std::from_chars(value, value + std::strlen(value), bytes).ec != std::errc() || bytes == 0) {
    return LogWriter::kDefaultQueueBytes;
  }
  return bytes;
}

// Never destroyed: threads may log until the process ends. Flushed (bounded) at exit.
LogWriter& Writer() {
  static LogWriter* writer = [] {
    auto* created = new LogWriter(STDERR_FILENO, QueueBytes());
    std::atexit([] { FlushLogs(std::chrono::seconds(1)); });
    return created;
  }();
  return *writer;
}

}  // namespace

LogField::LogField(std::string_view k, double v) : key(k), quoted(false) {
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, v);
  value.assign(buffer, result.ptr);
}

void ConfigureLogging(LogSeverity level, LogLineFormat format) {
  g_level = level;
  g_format = format;
}

uint64_t LogMessagesDropped() { return Writer().dropped(); }

void FlushLogs(std::chrono::milliseconds timeout) { Writer().Stop(timeout); }

bool LogEnabled(LogSeverity level) { return level >= g_level.load(); }

std::string FormatLogLine(LogLineFormat format, LogSeverity level, std::string_view timestamp,
                          std::string_view message, std::initializer_list<LogField> fields) {
  std::string line;
  line.reserve(128);
  if (format == LogLineFormat::kJson) {
    line.append("{\"ts\":\"").append(timestamp).append("\"");
    AppendJsonPair(line, "level", LevelName(level), true);
    AppendJsonPair(line, "msg", message, true);
    for (const auto& field : fields) AppendJsonPair(line, field.key, field.value, field.quoted);
    line.push_back('}');
  } else {
    line.append("ts=").append(timestamp);
    AppendLogfmtPair(line, "level", LevelName(level));
    AppendLogfmtPair(line, "msg", message);
    for (const auto& field : fields) AppendLogfmtPair(line, field.key, field.value);
  }
  return line;
}

void Log(LogSeverity level, std::string_view message, std::initializer_list<LogField> fields) {
  if (!LogEnabled(level)) return;
  Writer().Push(FormatLogLine(g_format.load(), level, NowTimestamp(), message, fields));
}

}  // namespace netif
