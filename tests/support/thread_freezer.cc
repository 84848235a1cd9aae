#include "support/thread_freezer.h"

#include <dirent.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace netif::testing_support {
namespace {

std::string ReadFirstLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

// The number of the system call the stopped thread was in, -1 when it was in none.
long CurrentSyscall(pid_t pid, pid_t tid) {
  const std::string line =
      ReadFirstLine("/proc/" + std::to_string(pid) + "/task/" + std::to_string(tid) + "/syscall");
  std::istringstream fields(line);
  long number = -1;
  if (!(fields >> number)) return -1;  // "running" or empty
  return number;
}

}  // namespace

pid_t FindThread(pid_t pid, const std::string& thread_name) {
  const std::string tasks = "/proc/" + std::to_string(pid) + "/task";
  DIR* dir = ::opendir(tasks.c_str());
  if (dir == nullptr) return -1;
  pid_t found = -1;
  while (dirent* entry = ::readdir(dir)) {
    if (entry->d_name[0] == '.') continue;
    if (ReadFirstLine(tasks + "/" + entry->d_name + "/comm") == thread_name) {
      found = static_cast<pid_t>(std::stol(entry->d_name));
      break;
    }
  }
  ::closedir(dir);
  return found;
}

ThreadFreezer::ThreadFreezer(pid_t pid, const std::string& thread_name,
                             std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    tid_ = FindThread(pid, thread_name);
    if (tid_ < 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      continue;
    }
    if (::ptrace(PTRACE_SEIZE, tid_, nullptr, nullptr) != 0) {
      throw std::runtime_error("PTRACE_SEIZE " + thread_name + ": " + std::strerror(errno));
    }
    attached_ = true;
    int status = 0;
    if (::ptrace(PTRACE_INTERRUPT, tid_, nullptr, nullptr) != 0 ||
        ::waitpid(tid_, &status, __WALL) != tid_) {
      throw std::runtime_error("PTRACE_INTERRUPT " + thread_name + ": " + std::strerror(errno));
    }
    if (CurrentSyscall(pid, tid_) == SYS_futex) return;
    Thaw();  // caught mid-work: it may hold a lock; try again in a moment
    std::this_thread::sleep_for(std::chrono::milliseconds(7));
  }
  throw std::runtime_error("could not freeze thread " + thread_name + " in a futex wait");
}

ThreadFreezer::~ThreadFreezer() { Thaw(); }

void ThreadFreezer::Thaw() {
  if (!attached_) return;
  attached_ = false;
  ::ptrace(PTRACE_DETACH, tid_, nullptr, nullptr);
}

bool ThreadFreezer::WaitForExit(std::chrono::milliseconds timeout) {
  if (!attached_) return true;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    const pid_t reaped = ::waitpid(tid_, &status, __WALL | WNOHANG);
    if (reaped == tid_ && (WIFEXITED(status) || WIFSIGNALED(status))) {
      attached_ = false;
      return true;
    }
    if (reaped < 0 && errno == ECHILD) {
      attached_ = false;
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

}  // namespace netif::testing_support
