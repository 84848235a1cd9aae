// Child processes for tests: spawn an argv (posix_spawn, its own process group, stdin from
// /dev/null or a file), capture stdout and stderr through pipes drained by one background thread,
// wait with a timeout, send signals, and kill + reap whatever is left on destruction.
//
// Wrapping a command in a network namespace is the caller's business: prefix the argv with
// {"ip", "netns", "exec", NS} (see NetworkNamespace::ExecPrefix()).
//
// Thread-safety: Stdout()/Stderr()/WaitForOutput() are safe to call from any thread while the
// reader thread runs; Wait()/Signal()/Kill() REQUIRE external synchronization (one owner thread).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace netif::testing_support {

using namespace std::chrono_literals;

// Exit status in the shell's convention: the exit code, or 128 + N when killed by signal N.
using ExitCode = int;

class Subprocess {
 public:
  struct Options {
    // stdin is read from this file when set, from /dev/null otherwise (a test never blocks on a
    // child waiting for a terminal).
    std::optional<std::string> stdin_path;
  };

  // Spawns argv[0] (looked up in PATH) with argv. Throws std::runtime_error when the pipes cannot
  // be made or the program cannot be started (not found, not executable).
  explicit Subprocess(const std::vector<std::string>& argv) : Subprocess(argv, Options{}) {}
  Subprocess(const std::vector<std::string>& argv, const Options& options);
  // Kills the process group with SIGKILL if the child still runs, reaps it, joins the reader.
  ~Subprocess();
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  pid_t pid() const { return pid_; }
  const std::vector<std::string>& argv() const { return argv_; }

  // Sends `signal` to the child (not its group). False when the child has already been reaped.
  bool Signal(int signal);
  // Waits up to `timeout` for the child to exit and reaps it. nullopt: still running.
  std::optional<ExitCode> Wait(std::chrono::milliseconds timeout);
  // True until the child has exited and been reaped by Wait()/Kill().
  bool Running();
  // SIGKILL to the whole process group, then reap. Returns the exit status.
  ExitCode Kill();

  // What the child has written so far.
  std::string Stdout() const;
  std::string Stderr() const;
  // Blocks until `done(stdout, stderr)` holds, both streams are closed, or `timeout` passes;
  // returns whether `done` held. `done` runs under the output lock: keep it cheap, no callbacks.
  bool WaitForOutput(
      const std::function<bool(const std::string& out, const std::string& err)>& done,
      std::chrono::milliseconds timeout) const;
  // Waits (bounded) until the reader has seen end-of-file on both pipes, i.e. the output is whole.
  bool WaitForOutputClosed(std::chrono::milliseconds timeout) const;

 private:
  void ReadLoop(int stdout_fd, int stderr_fd);

  std::vector<std::string> argv_;
  pid_t pid_ = -1;
  std::optional<ExitCode> exit_code_;

  mutable std::mutex mutex_;
  mutable std::condition_variable output_changed_;
  std::string stdout_;
  std::string stderr_;
  bool output_closed_ = false;
  bool stop_reader_ = false;
  std::thread reader_;
};

struct CommandResult {
  ExitCode exit_code = -1;  // -1 when it timed out (then it was killed)
  bool timed_out = false;
  std::string stdout_text;
  std::string stderr_text;

  // "exit 2, stderr: ..." for assertion messages.
  std::string Describe() const;
};

// Runs argv to completion (killing it after `timeout`) and returns its status and output.
// Throws std::runtime_error only when the program cannot be started at all.
CommandResult RunCommand(const std::vector<std::string>& argv,
                         std::chrono::milliseconds timeout = 30s,
                         const Subprocess::Options& options = {});

// Splits "ip link add vA type veth" on runs of spaces (no quoting: tests keep commands simple).
std::vector<std::string> SplitWords(const std::string& command);

}  // namespace netif::testing_support
