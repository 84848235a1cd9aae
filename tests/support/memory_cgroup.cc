#include "support/memory_cgroup.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace netif::testing_support {
namespace {

constexpr char kUnifiedRoot[] = "/sys/fs/cgroup";
constexpr char kV1MemoryRoot[] = "/sys/fs/cgroup/memory";

bool Exists(const std::string& path) {
  struct stat status {};
  return ::stat(path.c_str(), &status) == 0;
}

std::string ReadWhole(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void WriteOrThrow(const std::string& path, const std::string& value) {
  std::ofstream out(path);
  out << value;
  out.flush();
  if (!out) {
    throw std::runtime_error("cannot write \"" + value + "\" to " + path + ": " +
                             std::strerror(errno));
  }
}

bool HasWord(const std::string& text, const std::string& word) {
  std::istringstream words(text);
  std::string each;
  while (words >> each) {
    if (each == word) return true;
  }
  return false;
}

// The value after `key` in a "key value" per line file, or nullopt.
std::optional<uint64_t> KeyedValue(const std::string& text, const std::string& key) {
  std::istringstream lines(text);
  std::string name;
  uint64_t value = 0;
  while (lines >> name >> value) {
    if (name == key) return value;
  }
  return std::nullopt;
}

}  // namespace

MemoryCgroup::MemoryCgroup(uint64_t limit_bytes) {
  if (::geteuid() != 0) throw std::runtime_error("a memory cgroup needs root");
  const std::string name =
      "netif-test-" + std::to_string(::getpid()) + "-" +
      std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
  const std::string unified = std::string(kUnifiedRoot) + "/cgroup.controllers";
  if (Exists(unified)) {
    if (!HasWord(ReadWhole(unified), "memory")) {
      throw std::runtime_error("cgroup v2 at /sys/fs/cgroup has no memory controller");
    }
    const std::string subtree = std::string(kUnifiedRoot) + "/cgroup.subtree_control";
    if (!HasWord(ReadWhole(subtree), "memory")) WriteOrThrow(subtree, "+memory");
    v2_ = true;
    path_ = std::string(kUnifiedRoot) + "/" + name;
  } else if (Exists(std::string(kV1MemoryRoot) + "/memory.limit_in_bytes")) {
    path_ = std::string(kV1MemoryRoot) + "/" + name;
  } else {
    throw std::runtime_error(
        "no cgroup memory controller (neither v2 nor v1) under /sys/fs/cgroup");
  }
  if (::mkdir(path_.c_str(), 0755) != 0) {
    throw std::runtime_error("cannot create " + path_ + ": " + std::strerror(errno));
  }
  try {
    if (v2_) {
      WriteOrThrow(path_ + "/memory.max", std::to_string(limit_bytes));
      if (Exists(path_ + "/memory.swap.max")) WriteOrThrow(path_ + "/memory.swap.max", "0");
    } else {
      WriteOrThrow(path_ + "/memory.limit_in_bytes", std::to_string(limit_bytes));
      if (Exists(path_ + "/memory.memsw.limit_in_bytes")) {
        WriteOrThrow(path_ + "/memory.memsw.limit_in_bytes", std::to_string(limit_bytes));
      }
    }
  } catch (...) {
    ::rmdir(path_.c_str());
    throw;
  }
}

MemoryCgroup::~MemoryCgroup() {
  // A killed process leaves the cgroup only once the kernel has finished with it.
  for (int attempt = 0; attempt < 50; ++attempt) {
    if (::rmdir(path_.c_str()) == 0 || errno == ENOENT) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

std::vector<std::string> MemoryCgroup::Wrap(const std::vector<std::string>& argv) const {
  std::vector<std::string> wrapped = {
      "/bin/sh", "-c", "echo $$ > '" + path_ + "/cgroup.procs' && exec \"$@\"", "sh"};
  wrapped.insert(wrapped.end(), argv.begin(), argv.end());
  return wrapped;
}

std::string MemoryCgroup::Read(const std::string& file) const {
  return ReadWhole(path_ + "/" + file);
}

std::optional<uint64_t> MemoryCgroup::PeakBytes() const {
  const std::string text = Read(v2_ ? "memory.peak" : "memory.max_usage_in_bytes");
  if (text.empty()) return std::nullopt;
  return std::stoull(text);
}

std::optional<uint64_t> MemoryCgroup::OomKills() const {
  return KeyedValue(Read(v2_ ? "memory.events" : "memory.oom_control"), "oom_kill");
}

}  // namespace netif::testing_support
