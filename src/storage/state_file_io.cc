// The state file's file-system side: the atomic write and the load that logs one warning.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "storage/state_file.h"
#include "util/file_reader.h"
#include "util/log.h"

namespace netif {
namespace {

std::string Errno(std::string_view what, int error) {
  return std::string(what) + ": " + std::strerror(error);
}

}  // namespace

Status WriteFileAtomically(const std::string& path, std::string_view bytes) {
  const std::string temp = path + ".tmp";
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status::Error(Errno("open " + temp, errno));
  std::size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int error = n < 0 ? errno : EIO;
      ::close(fd);
      ::unlink(temp.c_str());
      return Status::Error(Errno("write " + temp, error));
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    const int error = errno;
    ::close(fd);
    ::unlink(temp.c_str());
    return Status::Error(Errno("fsync " + temp, error));
  }
  if (::close(fd) != 0) {
    const int error = errno;
    ::unlink(temp.c_str());
    return Status::Error(Errno("close " + temp, error));
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    const int error = errno;
    ::unlink(temp.c_str());
    return Status::Error(Errno("rename " + temp, error));
  }
  // The rename is durable once the directory is.
  const std::size_t slash = path.rfind('/');
  const std::string directory = slash == std::string::npos ? "." : path.substr(0, slash + 1);
  const int dir = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) return Status::Error(Errno("open " + directory, errno));
  const int synced = ::fsync(dir);
  const int error = errno;
  ::close(dir);
  if (synced != 0) return Status::Error(Errno("fsync " + directory, error));
  return Status::Ok();
}

std::optional<StateFile> LoadStateFile(const std::string& path) {
  // Bounded and non-blocking like every read of outside input: a FIFO or a device in its place
  // is refused rather than waited on at start.
  const FileRead read = ReadRegularFile(path, kMaxStateFileBytes + 64);
  if (!read.ok()) {
    if (read.status == FileReadStatus::kUnavailable && read.error_number == ENOENT) {
      LogInfo("no saved state, analytics start fresh", {{"path", path}});
    } else {
      LogWarn("cannot read the saved state, analytics start fresh",
              {{"path", path}, {"error", read.Describe()}});
    }
    return std::nullopt;
  }
  const std::string& bytes = read.contents;
  auto parsed = ParseStateFile(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
  if (auto* why = std::get_if<std::string>(&parsed)) {
    LogWarn("ignoring the saved state file, analytics start fresh",
            {{"path", path}, {"error", *why}});
    return std::nullopt;
  }
  return std::get<StateFile>(std::move(parsed));
}

}  // namespace netif
