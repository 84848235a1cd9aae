// A memory-limited cgroup for a test's child process, so that a test can show the exporter stays
// within a container's limit instead of being OOM-killed. cgroup v2 where the unified hierarchy
// at /sys/fs/cgroup has the memory controller (memory.max, memory.peak, memory.events), else the
// v1 memory controller at /sys/fs/cgroup/memory (memory.limit_in_bytes, memory.max_usage_in_bytes,
// memory.oom_control). v1 does not count socket buffers against the limit; v2 does.
//
// Thread-safety: REQUIRES external synchronization.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace netif::testing_support {

class MemoryCgroup {
 public:
  // Creates a fresh cgroup with `limit_bytes` (and no swap). Throws std::runtime_error with the
  // reason when it cannot (not root, no memory controller): tests fail loudly, never skip.
  explicit MemoryCgroup(uint64_t limit_bytes);
  // Removes the cgroup; its processes must be gone by then (it retries briefly while the kernel
  // finishes reaping them).
  ~MemoryCgroup();
  MemoryCgroup(const MemoryCgroup&) = delete;
  MemoryCgroup& operator=(const MemoryCgroup&) = delete;

  const std::string& path() const { return path_; }
  bool v2() const { return v2_; }

  // argv that runs `argv` inside this cgroup from its first instruction: a shell writes its own
  // pid into cgroup.procs and execs it (same pid), so everything it allocates is counted here.
  std::vector<std::string> Wrap(const std::vector<std::string>& argv) const;

  // The most memory the cgroup has used (memory.peak needs Linux 5.19 on v2); nullopt when the
  // kernel does not say.
  std::optional<uint64_t> PeakBytes() const;
  // How many processes the OOM killer killed in it; nullopt when the kernel does not say.
  std::optional<uint64_t> OomKills() const;

 private:
  std::string Read(const std::string& file) const;
  std::string path_;
  bool v2_ = false;
};

}  // namespace netif::testing_support
