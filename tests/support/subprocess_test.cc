#include "support/subprocess.h"

#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "support/exporter_process.h"
#include "support/temp_dir.h"

namespace netif::testing_support {
namespace {

bool IsZombie(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  std::getline(stat, text);
  const auto close = text.rfind(')');
  return close != std::string::npos && close + 2 < text.size() && text[close + 2] == 'Z';
}

TEST(SubprocessTest, RunCommandCapturesBothStreamsAndTheExitCode) {
  const CommandResult r = RunCommand({"sh", "-c", "echo out; echo err >&2; exit 3"});
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.stdout_text, "out\n");
  EXPECT_EQ(r.stderr_text, "err\n");
}

TEST(SubprocessTest, RunCommandKillsAProcessThatOverrunsItsTimeout) {
  const auto start = std::chrono::steady_clock::now();
  const CommandResult r = RunCommand({"sleep", "30"}, 200ms);
  EXPECT_TRUE(r.timed_out);
  EXPECT_EQ(r.exit_code, -1);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);  // sanity bound only
}

TEST(SubprocessTest, StdinComesFromTheGivenFile) {
  TempDir dir;
  Subprocess::Options options;
  options.stdin_path = dir.WriteFile("in.txt", "hello\n");
  EXPECT_EQ(RunCommand({"cat"}, 10s, options).stdout_text, "hello\n");
  // Without a file, stdin is /dev/null: cat ends at once instead of waiting on a terminal.
  EXPECT_EQ(RunCommand({"cat"}, 10s).exit_code, 0);
}

TEST(SubprocessTest, AMissingProgramThrows) {
  EXPECT_THROW(Subprocess({"/nonexistent/program"}), std::runtime_error);
}

TEST(SubprocessTest, SignalWaitAndShellStyleStatus) {
  Subprocess sleeper({"sleep", "30"});
  EXPECT_TRUE(sleeper.Running());
  EXPECT_EQ(sleeper.Wait(50ms), std::nullopt);
  ASSERT_TRUE(sleeper.Signal(SIGTERM));
  EXPECT_EQ(sleeper.Wait(10s), 128 + SIGTERM);
  EXPECT_FALSE(sleeper.Running());
  EXPECT_FALSE(sleeper.Signal(SIGTERM));  // reaped: its pid is no longer ours to signal
}

TEST(SubprocessTest, WaitForOutputSeesLinesAsTheyArrive) {
  Subprocess talker({"sh", "-c", "echo first >&2; sleep 30"});
  EXPECT_TRUE(talker.WaitForOutput(
      [](const std::string&, const std::string& err) { return err == "first\n"; }, 10s));
  EXPECT_FALSE(talker.WaitForOutput(
      [](const std::string&, const std::string& err) { return err.size() > 6; }, 100ms));
  // The destructor kills the group (sh and its sleep) and reaps it.
}

TEST(SubprocessTest, DestructorKillsTheWholeGroup) {
  pid_t grandchild = 0;
  {
    Subprocess parent({"sh", "-c", "sleep 30 & echo $!; wait"});
    ASSERT_TRUE(
        parent.WaitForOutput([](const std::string& out,
                                const std::string&) { return out.find('\n') != std::string::npos; },
                             10s));
    grandchild = std::stoi(parent.Stdout());
    ASSERT_EQ(::kill(grandchild, 0), 0);
  }
  // The grandchild was re-parented to init, which reaps it when it gets round to it: a zombie
  // counts as dead.
  bool gone = false;
  for (int i = 0; i < 250 && !gone; ++i) {
    gone = ::kill(grandchild, 0) != 0 || IsZombie(grandchild);
    if (!gone) std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(gone) << "grandchild " << grandchild << " survived";
}

TEST(SubprocessTest, SplitWords) {
  EXPECT_EQ(SplitWords("  ip link  add vA "),
            (std::vector<std::string>{"ip", "link", "add", "vA"}));
}

TEST(ExporterProcessTest, FindListeningPortInLogfmtAndJson) {
  EXPECT_EQ(FindListeningPort("ts=x level=debug msg=other port=1\n"
                              "ts=2026-01-01T00:00:00Z level=info msg=listening "
                              "address=127.0.0.1:0 port=40123\n"),
            40123);
  EXPECT_EQ(FindListeningPort("{\"ts\":\"x\",\"level\":\"info\",\"msg\":\"listening\","
                              "\"address\":\"127.0.0.1:0\",\"port\":5555}\n"),
            5555);
  EXPECT_EQ(FindListeningPort("ts=x level=info msg=starting\n"), std::nullopt);
}

}  // namespace
}  // namespace netif::testing_support
