// process_* metrics in the shape every Prometheus client library exports them.
#include "exposition/process_metrics.h"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "exposition/text_format.h"
#include "util/file_reader.h"

namespace netif {
namespace {

void AppendGauge(std::string& out, std::string_view name, std::string_view type,
                 std::string_view help, double value) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n# TYPE ");
  out.append(name).append(" ").append(type).append("\n").append(name).append(" ");
  AppendValue(out, value);
  out.push_back('\n');
}

std::vector<std::string_view> SplitFields(std::string_view text) {
  std::vector<std::string_view> fields;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\n')) ++i;
    const std::size_t start = i;
    while (i < text.size() && text[i] != ' ' && text[i] != '\n') ++i;
    if (i > start) fields.push_back(text.substr(start, i - start));
  }
  return fields;
}

double ToDouble(std::string_view field) {
  uint64_t value = 0;
  std::from_chars(field.data(), field.data() + field.size(), value);
  return static_cast<double>(value);
}

std::size_t CountOpenFds() {
  DIR* dir = ::opendir("/proc/self/fd");
  if (dir == nullptr) return 0;
  std::size_t count = 0;
  while (const dirent* entry = ::readdir(dir)) {
    if (entry->d_name[0] != '.') ++count;
  }
  ::closedir(dir);
  return count > 0 ? count - 1 : 0;  // minus the descriptor opendir itself holds
}

// Caps for the bounded reads: /proc/stat grows with CPUs and interrupt lines, /proc/self/stat is
// one line of numbers.
constexpr std::size_t kMaxProcStatBytes = 4 << 20;
constexpr std::size_t kMaxProcSelfStatBytes = 64 << 10;

double BootTimeSeconds(const FileReader& fs) {
  const auto stat = fs.ReadFile("/proc/stat", kMaxProcStatBytes);
  if (!stat) return 0;
  const auto pos = stat->find("btime ");
  if (pos == std::string::npos) return 0;
  return ToDouble(std::string_view(*stat).substr(pos + 6, 20));
}

}  // namespace

void AppendProcessMetrics(std::string& out) {
  RealFileReader fs;
  const auto stat = fs.ReadFile("/proc/self/stat", kMaxProcSelfStatBytes);
  if (stat) {
    // The command name in parentheses may hold spaces; fields are counted after its ')'.
    const auto close = stat->rfind(')');
    if (close != std::string::npos) {
      const auto fields = SplitFields(std::string_view(*stat).substr(close + 1));
      // fields[0] is field 3 (state): utime=14, stime=15, starttime=22, vsize=23, rss=24.
      if (fields.size() > 22) {
        const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
        const double page = static_cast<double>(::sysconf(_SC_PAGESIZE));
        AppendGauge(out, "process_cpu_seconds_total", "counter",
                    "Total user and system CPU time spent in seconds.",
                    (ToDouble(fields[11]) + ToDouble(fields[12])) / ticks);
        AppendGauge(out, "process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.",
                    ToDouble(fields[20]));
        AppendGauge(out, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.",
                    ToDouble(fields[21]) * page);
        AppendGauge(out, "process_start_time_seconds", "gauge",
                    "Start time of the process since unix epoch in seconds.",
                    BootTimeSeconds(fs) + ToDouble(fields[19]) / ticks);
      }
    }
  }
  AppendGauge(out, "process_open_fds", "gauge", "Number of open file descriptors.",
              static_cast<double>(CountOpenFds()));
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    AppendGauge(out, "process_max_fds", "gauge", "Maximum number of open file descriptors.",
                static_cast<double>(limit.rlim_cur));
  }
}

}  // namespace netif
