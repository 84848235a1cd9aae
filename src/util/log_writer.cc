#include "util/log_writer.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "util/thread_name.h"

namespace netif {
namespace {

// A pipe takes up to PIPE_BUF bytes whenever poll() says it is writable (a free page), so writes
// of this size never block on a blocking pipe; a socket is written with MSG_DONTWAIT instead.
constexpr std::size_t kPieceBytes = 4096;
// How long the writer waits for the descriptor before looking at the stop flag again.
constexpr int kPollMilliseconds = 100;
// After the stop deadline, how long a line already partly written may take to finish.
constexpr std::chrono::milliseconds kFinishLineGrace{500};

// Where the piece that starts at `from` ends: after the last whole line within kPieceBytes, or
// after the line when that one line is longer (it then goes out in several writes).
std::size_t PieceEnd(std::string_view text, std::size_t from) {
  const std::size_t last = text.substr(from, kPieceBytes).rfind('\n');
  if (last != std::string_view::npos) return from + last + 1;
  const std::size_t line_end = text.find('\n', from);
  return line_end == std::string_view::npos ? text.size() : line_end + 1;
}

std::size_t CountLines(std::string_view text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

}  // namespace

LogWriter::LogWriter(int fd, std::size_t queue_bytes) : fd_(fd), queue_bytes_(queue_bytes) {
  struct stat info {};
  is_socket_ = ::fstat(fd_, &info) == 0 && S_ISSOCK(info.st_mode);
}

LogWriter::~LogWriter() { Stop(std::chrono::seconds(1)); }

bool LogWriter::Push(std::string_view line) {
  std::lock_guard lock(mutex_);
  if (stopping_ || queue_.size() + line.size() + 1 > queue_bytes_) {
    ++dropped_;
    return false;
  }
  queue_.append(line).push_back('\n');
  if (!thread_.joinable()) thread_ = std::thread([this] { Run(); });
  wake_.notify_one();
  return true;
}

void LogWriter::Stop(std::chrono::milliseconds timeout) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      stopping_ = true;
      stop_deadline_ = std::chrono::steady_clock::now() + timeout;
    }
    wake_.notify_one();
  }
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

void LogWriter::Drain(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  drained_.wait_for(lock, timeout, [this] { return queue_.empty() && !writing_; });
}

uint64_t LogWriter::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

void LogWriter::Run() {
  NameThisThread("netif-log");
  std::string batch;
  std::unique_lock lock(mutex_);
  while (true) {
    drained_.notify_all();
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and everything written
    batch.swap(queue_);
    writing_ = true;
    const auto deadline = stopping_ ? stop_deadline_ : std::chrono::steady_clock::time_point::max();
    lock.unlock();
    const std::size_t written = WriteAll(batch, deadline);
    lock.lock();
    writing_ = false;
    if (written < batch.size()) {
      // Only when stopping (the deadline passed) or the descriptor failed: what is left is lost.
      dropped_ += CountLines(std::string_view(batch).substr(written));
      if (!stopping_) {
        stopping_ = true;
        stop_deadline_ = std::chrono::steady_clock::now();
      }
    }
    batch.clear();
  }
}

std::size_t LogWriter::WriteAll(std::string_view text,
                                std::chrono::steady_clock::time_point deadline) {
  std::size_t done = 0;
  std::size_t piece_start = 0;
  std::size_t piece_end = 0;  // always after a '\n'
  while (done < text.size()) {
    // Pieces end at a line's end, so giving up before a piece starts never leaves half a line.
    if (done == piece_end) {
      piece_start = done;
      piece_end = PieceEnd(text, done);
    }
    const bool between_pieces = done == piece_start;
    // Before a stop there is no deadline: the writer waits for a stalled reader as long as it
    // takes, while Push() drops what does not fit. Once stopping, the deadline bounds the wait,
    // with a little grace to finish a line already partly out.
    {
      std::lock_guard lock(mutex_);
      if (stopping_) deadline = std::min(deadline, stop_deadline_);
    }
    if (deadline != std::chrono::steady_clock::time_point::max()) {
      const auto now = std::chrono::steady_clock::now();
      if (now >= deadline + (between_pieces ? std::chrono::milliseconds(0) : kFinishLineGrace)) {
        return done;
      }
    }
    pollfd fd{fd_, POLLOUT, 0};
    const int ready = ::poll(&fd, 1, kPollMilliseconds);
    if (ready < 0 && errno != EINTR) return done;
    if (ready <= 0) continue;
    if ((fd.revents & (POLLERR | POLLNVAL)) != 0) return done;
    const std::string_view piece = text.substr(done, std::min(piece_end - done, kPieceBytes));
    const ssize_t n = is_socket_
                          ? ::send(fd_, piece.data(), piece.size(), MSG_DONTWAIT | MSG_NOSIGNAL)
                          : ::write(fd_, piece.data(), piece.size());
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) continue;
      return done;  // EPIPE, EBADF: nobody will ever read it
    }
    done += static_cast<std::size_t>(n);
  }
  return done;
}

}  // namespace netif
