// Gives back to the kernel what collection and the scrapes freed: scrape chunks kept for the next
// scrape once scrapes have paused for a second, then whatever malloc holds free (malloc_trim).
//
// It runs right after each periodic pass, on that source's thread (AfterPass), where nothing else
// of ours allocates: trims on a clock of their own landed mid-pass and mid-scrape and measured
// worse (bench/scale/PROFILE.md). Its own thread (`netif-housekeep`, every second) acts only when
// no pass has done so lately, as in an exporter that polls SNMP alone.
//
// Thread-safety: AfterPass() from any thread; Start()/Stop() from the app's thread.
#pragma once

#include <atomic>
#include <memory>

#include "util/periodic_thread.h"

namespace netif {

class Housekeeper {
 public:
  Housekeeper() = default;
  ~Housekeeper();

  void Start();
  void Stop();
  // A periodic pass just ended: give idle memory back now.
  void AfterPass();

 private:
  void ReturnIdleMemory();

  std::atomic<double> last_return_{0};  // monotonic seconds
  std::unique_ptr<PeriodicThread> thread_;
};

}  // namespace netif
