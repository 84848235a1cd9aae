// The collectors watched for staleness (CollectorRuns built with a `stale_after` bound) and the
// check run over them from a thread that is not theirs: the app's watch thread every second and
// each /-/ready.
//
// Thread-safety: safe for concurrent use by multiple threads.
#pragma once

#include <mutex>
#include <string>
#include <vector>

namespace netif {

class CollectorRuns;

class CollectorWatch {
 public:
  void Add(CollectorRuns* runs);
  void Remove(CollectorRuns* runs);
  // Checks every watched collector now; returns the names of those stuck.
  std::vector<std::string> CheckStuck();

 private:
  std::mutex
      mutex_;  // guards watched_; held while checking, so a collector cannot go away mid-check
  std::vector<CollectorRuns*> watched_;
};

}  // namespace netif
