#include "support/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace netif::testing_support {
namespace {

std::string ErrnoText(const std::string& what, int error) {
  return what + ": " + std::strerror(error);
}

ExitCode DecodeStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

// posix_spawn's attribute and file-action objects, destroyed on every path out.
class SpawnSetup {
 public:
  SpawnSetup() {
    posix_spawnattr_init(&attributes_);
    posix_spawn_file_actions_init(&actions_);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions_);
    posix_spawnattr_destroy(&attributes_);
  }
  posix_spawnattr_t* attributes() { return &attributes_; }
  posix_spawn_file_actions_t* actions() { return &actions_; }

 private:
  posix_spawnattr_t attributes_;
  posix_spawn_file_actions_t actions_;
};

}  // namespace

Subprocess::Subprocess(const std::vector<std::string>& argv, const Options& options) : argv_(argv) {
  if (argv.empty()) throw std::runtime_error("Subprocess: empty argv");
  int out_pipe[2];
  int err_pipe[2];
  // O_CLOEXEC: no other child spawned concurrently inherits our ends and holds them open.
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) throw std::runtime_error(ErrnoText("pipe2", errno));
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
    const int error = errno;
    ::close(out_pipe[0]);
    ::close(out_pipe[1]);
    throw std::runtime_error(ErrnoText("pipe2", error));
  }

  SpawnSetup setup;
  posix_spawn_file_actions_addopen(setup.actions(), STDIN_FILENO,
                                   options.stdin_path ? options.stdin_path->c_str() : "/dev/null",
                                   O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(setup.actions(), out_pipe[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(setup.actions(), err_pipe[1], STDERR_FILENO);
  // Its own process group, so Kill() can take any helper it forked along with it. Default
  // signal dispositions and an empty mask: the child must not inherit the test's.
  sigset_t empty_mask;
  sigemptyset(&empty_mask);
  sigset_t defaults;
  sigemptyset(&defaults);
  for (int s : {SIGTERM, SIGINT, SIGPIPE, SIGHUP, SIGCHLD}) sigaddset(&defaults, s);
  posix_spawnattr_setpgroup(setup.attributes(), 0);
  posix_spawnattr_setsigmask(setup.attributes(), &empty_mask);
  posix_spawnattr_setsigdefault(setup.attributes(), &defaults);
  posix_spawnattr_setflags(setup.attributes(),
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  std::vector<char*> raw_argv;
  for (const auto& arg : argv_) raw_argv.push_back(const_cast<char*>(arg.c_str()));
  raw_argv.push_back(nullptr);
  const int spawn_error = ::posix_spawnp(&pid_, raw_argv[0], setup.actions(), setup.attributes(),
                                         raw_argv.data(), environ);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  if (spawn_error != 0) {
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    pid_ = -1;
    throw std::runtime_error(ErrnoText("cannot start " + argv_[0], spawn_error));
  }
  reader_ = std::thread([this, out = out_pipe[0], err = err_pipe[0]] { ReadLoop(out, err); });
}

Subprocess::~Subprocess() {
  if (Running()) Kill();
  // Normally the pipes close when the process group dies; the bound keeps a child that leaked
  // its stdout to an escaped grandchild from hanging the test.
  WaitForOutputClosed(2s);
  {
    std::lock_guard lock(mutex_);
    stop_reader_ = true;
  }
  if (reader_.joinable()) reader_.join();
}

void Subprocess::ReadLoop(int stdout_fd, int stderr_fd) {
  pollfd fds[2] = {{stdout_fd, POLLIN, 0}, {stderr_fd, POLLIN, 0}};
  std::string* sinks[2] = {&stdout_, &stderr_};
  int open_count = 2;
  char buffer[8192];
  while (open_count > 0) {
    {
      std::lock_guard lock(mutex_);
      if (stop_reader_) break;
    }
    // A bounded poll so a stop request is noticed even when no output ever arrives.
    const int ready = ::poll(fds, 2, 100);
    if (ready < 0 && errno != EINTR) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      const ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      std::lock_guard lock(mutex_);
      if (n > 0) {
        sinks[i]->append(buffer, static_cast<size_t>(n));
      } else {
        ::close(fds[i].fd);
        fds[i].fd = -1;  // poll ignores negative descriptors
        --open_count;
      }
      output_changed_.notify_all();
    }
  }
  for (auto& fd : fds) {
    if (fd.fd >= 0) ::close(fd.fd);
  }
  std::lock_guard lock(mutex_);
  output_closed_ = true;
  output_changed_.notify_all();
}

bool Subprocess::Signal(int signal) {
  if (pid_ <= 0 || exit_code_) return false;
  return ::kill(pid_, signal) == 0;
}

std::optional<ExitCode> Subprocess::Wait(std::chrono::milliseconds timeout) {
  if (exit_code_) return exit_code_;
  if (pid_ <= 0) return std::nullopt;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto pause = 1ms;
  for (;;) {
    // WNOWAIT: look without reaping, so the group id stays ours while we clean the group up.
    siginfo_t info{};
    if (::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
        info.si_pid == pid_) {
      // The leader is gone; take down anything it left behind in its group, then reap.
      ::kill(-pid_, SIGKILL);
      int status = 0;
      if (::waitpid(pid_, &status, 0) == pid_) exit_code_ = DecodeStatus(status);
      return exit_code_;
    }
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(pause);
    pause = std::min<std::chrono::milliseconds>(pause * 2, 20ms);
  }
}

bool Subprocess::Running() { return pid_ > 0 && !Wait(0ms).has_value(); }

ExitCode Subprocess::Kill() {
  if (exit_code_) return *exit_code_;
  // The leader is not reaped yet, so its pid (= the group id) cannot have been reused.
  ::kill(-pid_, SIGKILL);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  exit_code_ = DecodeStatus(status);
  return *exit_code_;
}

std::string Subprocess::Stdout() const {
  std::lock_guard lock(mutex_);
  return stdout_;
}

std::string Subprocess::Stderr() const {
  std::lock_guard lock(mutex_);
  return stderr_;
}

bool Subprocess::WaitForOutput(
    const std::function<bool(const std::string& out, const std::string& err)>& done,
    std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  output_changed_.wait_for(lock, timeout, [&] { return done(stdout_, stderr_) || output_closed_; });
  return done(stdout_, stderr_);
}

bool Subprocess::WaitForOutputClosed(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return output_changed_.wait_for(lock, timeout, [&] { return output_closed_; });
}

std::string CommandResult::Describe() const {
  std::ostringstream text;
  if (timed_out) {
    text << "timed out";
  } else {
    text << "exit " << exit_code;
  }
  if (!stdout_text.empty()) text << ", stdout: " << stdout_text;
  if (!stderr_text.empty()) text << ", stderr: " << stderr_text;
  return text.str();
}

CommandResult RunCommand(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                         const Subprocess::Options& options) {
  Subprocess process(argv, options);
  CommandResult result;
  if (auto code = process.Wait(timeout)) {
    result.exit_code = *code;
  } else {
    process.Kill();
    result.timed_out = true;
  }
  process.WaitForOutputClosed(2s);
  result.stdout_text = process.Stdout();
  result.stderr_text = process.Stderr();
  return result;
}

std::vector<std::string> SplitWords(const std::string& command) {
  std::vector<std::string> words;
  std::istringstream stream(command);
  for (std::string word; stream >> word;) words.push_back(word);
  return words;
}

}  // namespace netif::testing_support
