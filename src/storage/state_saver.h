// Saves the store's analytics state to the state file (state_file.h) every `interval` on its own
// thread, `netif-saver`, and once more on request (the final save at shutdown).
//
// A save takes the state from `collect` (the app passes Store::SaveState: the store encodes each
// interface under its writer mutex, briefly, without I/O), then builds the file and writes it
// atomically on this thread, outside any lock of the store, so scrapes and collection never wait
// on the disk. A failed save is logged once (warn) until a save succeeds again (info); the file on
// disk stays the previous good one.
//
// Thread-safety: SaveNow() and Stop() may be called from any thread; saves never overlap.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "analytics/analytics_state.h"
#include "util/periodic_thread.h"
#include "util/status.h"

namespace netif {

class StateSaver {
 public:
  using Collect = std::function<std::vector<SavedInterfaceState>()>;

  // `directory`: --storage.path (created if missing, one level); the file is
  // directory/kStateFileName. `analytics_settings`: EncodeAnalyticsSettings of the running
  // settings, written with each save.
  StateSaver(std::string directory, std::string analytics_settings, Collect collect);
  ~StateSaver();
  StateSaver(const StateSaver&) = delete;
  StateSaver& operator=(const StateSaver&) = delete;

  const std::string& path() const { return path_; }

  // Starts the periodic saves (the first one `interval` from now).
  void Start(std::chrono::milliseconds interval);
  // Stops the periodic saves; a save in progress finishes first.
  void Stop();
  // One save on the calling thread.
  Status SaveNow();
  // The settings written with the next saves (a config reload changed the analytics settings:
  // state learned from now on is under the new ones).
  void SetAnalyticsSettings(std::string analytics_settings);

  // Statistics of the latest save (for logs and the bench).
  struct LastSave {
    std::size_t interfaces = 0;
    std::size_t bytes = 0;
    double collect_seconds = 0;  // under the store's lock
    double write_seconds = 0;    // encode + write + fsync + rename, outside it
  };
  LastSave last_save() const;

 private:
  const std::string directory_;
  const std::string path_;
  const Collect collect_;
  mutable std::mutex mutex_;  // one save at a time; guards the fields below
  std::string analytics_settings_;
  LastSave last_save_;
  bool failing_ = false;
  std::unique_ptr<PeriodicThread> thread_;
};

}  // namespace netif
