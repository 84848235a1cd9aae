#include "util/log_writer.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <string>
#include <thread>

namespace netif {
namespace {

// Reads whatever `fd` holds now (non-blocking).
std::string Drain(int fd) {
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  std::string out;
  char buffer[65536];
  while (true) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n <= 0) break;
    out.append(buffer, static_cast<std::size_t>(n));
  }
  return out;
}

// Every line of `text` is `line`, whole; returns how many.
std::size_t WholeLines(const std::string& text, const std::string& line) {
  std::size_t count = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    EXPECT_NE(end, std::string::npos) << "a partial line at the end";
    if (end == std::string::npos) break;
    EXPECT_EQ(text.substr(start, end - start), line);
    ++count;
    start = end + 1;
  }
  return count;
}

void StalledReaderCostsDroppedLinesNotABlockedLogger(int write_fd, int read_fd) {
  const std::string line(100, 'x');
  constexpr int kLines = 100'000;  // 10 MB: far beyond the pipe and the queue
  LogWriter writer(write_fd, 64 * 1024);
  int accepted = 0;
  for (int i = 0; i < kLines; ++i) accepted += writer.Push(line) ? 1 : 0;
  EXPECT_LT(accepted, kLines);
  // Nobody reads: Stop() gives up at its deadline instead of waiting for a reader.
  writer.Stop(std::chrono::milliseconds(300));
  EXPECT_FALSE(writer.Push(line)) << "lines after Stop() are dropped";
  const std::size_t written = WholeLines(Drain(read_fd), line);
  EXPECT_GT(written, 0u);
  EXPECT_EQ(written + writer.dropped(), static_cast<std::size_t>(kLines) + 1);
}

TEST(LogWriterTest, PipeNobodyReadsDropsAndCounts) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  StalledReaderCostsDroppedLinesNotABlockedLogger(fds[1], fds[0]);
  ::close(fds[0]);
  ::close(fds[1]);
}

TEST(LogWriterTest, SocketNobodyReadsDropsAndCounts) {
  int fds[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  StalledReaderCostsDroppedLinesNotABlockedLogger(fds[1], fds[0]);
  ::close(fds[0]);
  ::close(fds[1]);
}

TEST(LogWriterTest, EveryLineArrivesWhenTheReaderKeepsUp) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  std::string received;
  std::thread reader([&] {
    char buffer[65536];
    ssize_t n;
    while ((n = ::read(fds[0], buffer, sizeof buffer)) > 0) received.append(buffer, n);
  });
  const std::string line = "level=info msg=\"link event\" device=veth1";
  constexpr int kLines = 20'000;
  {
    LogWriter writer(fds[1]);  // the default 1 MiB queue holds them all
    for (int i = 0; i < kLines; ++i) ASSERT_TRUE(writer.Push(line));
    writer.Stop(std::chrono::seconds(30));
    EXPECT_EQ(writer.dropped(), 0u);
  }
  ::close(fds[1]);
  reader.join();
  ::close(fds[0]);
  EXPECT_EQ(WholeLines(received, line), static_cast<std::size_t>(kLines));
}

TEST(LogWriterTest, ClosedReaderEndsTheWriter) {
  ::signal(SIGPIPE, SIG_IGN);  // as main() does: EPIPE rather than death
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ::close(fds[0]);
  LogWriter writer(fds[1]);
  for (int i = 0; i < 10; ++i) writer.Push("x");
  writer.Stop(std::chrono::seconds(5));
  EXPECT_EQ(writer.dropped(), 10u);
  ::close(fds[1]);
}

}  // namespace
}  // namespace netif
