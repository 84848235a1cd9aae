#include "storage/state_saver.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "storage/state_file.h"
#include "util/clock.h"
#include "util/log.h"

namespace netif {

StateSaver::StateSaver(std::string directory, std::string analytics_settings, Collect collect)
    : directory_(std::move(directory)),
      path_(directory_ + (directory_.ends_with('/') ? "" : "/") + std::string(kStateFileName)),
      collect_(std::move(collect)),
      analytics_settings_(std::move(analytics_settings)) {}

void StateSaver::SetAnalyticsSettings(std::string analytics_settings) {
  std::lock_guard lock(mutex_);
  analytics_settings_ = std::move(analytics_settings);
}

StateSaver::~StateSaver() { Stop(); }

void StateSaver::Start(std::chrono::milliseconds interval) {
  thread_ = std::make_unique<PeriodicThread>(
      interval, [this] { SaveNow(); }, "netif-saver");
}

void StateSaver::Stop() {
  if (thread_) thread_->Stop();
  thread_.reset();
}

Status StateSaver::SaveNow() {
  std::lock_guard lock(mutex_);
  const double started = MonotonicSeconds();
  StateFile file;
  file.saved_unix_seconds = UnixSeconds();
  file.saved_monotonic_seconds = started;
  file.analytics_settings = analytics_settings_;
  file.interfaces = collect_();
  const double collected = MonotonicSeconds();
  const std::string bytes = EncodeStateFile(file);
  if (::mkdir(directory_.c_str(), 0700) != 0 && errno != EEXIST) {
    // WriteFileAtomically reports the failure in its own words below.
  }
  const Status status = WriteFileAtomically(path_, bytes);
  last_save_ = {file.interfaces.size(), bytes.size(), collected - started,
                MonotonicSeconds() - collected};
  if (!status.ok() && !failing_) {
    LogWarn("cannot save the analytics state", {{"path", path_}, {"error", status.message()}});
  } else if (status.ok() && failing_) {
    LogInfo("saving the analytics state again", {{"path", path_}});
  }
  failing_ = !status.ok();
  if (status.ok()) {
    LogDebug("analytics state saved", {{"path", path_},
                                       {"interfaces", static_cast<uint64_t>(last_save_.interfaces)},
                                       {"bytes", static_cast<uint64_t>(last_save_.bytes)},
                                       {"collect_seconds", last_save_.collect_seconds},
                                       {"write_seconds", last_save_.write_seconds}});
  }
  return status;
}

StateSaver::LastSave StateSaver::last_save() const {
  std::lock_guard lock(mutex_);
  return last_save_;
}

}  // namespace netif
