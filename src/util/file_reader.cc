#include "util/file_reader.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstring>
#include <set>
#include <utility>

namespace netif {
namespace {

std::string_view FileTypeName(mode_t file_type) {
  switch (file_type) {
    case S_IFIFO:
      return "a FIFO";
    case S_IFCHR:
      return "a character device";
    case S_IFBLK:
      return "a block device";
    case S_IFSOCK:
      return "a socket";
    case S_IFDIR:
      return "a directory";
    default:
      return "not a plain file";
  }
}

class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// One read() that retries on EINTR; -1 with errno on failure.
ssize_t ReadSome(int fd, char* into, std::size_t size) {
  for (;;) {
    const ssize_t n = ::read(fd, into, size);
    if (n >= 0 || errno != EINTR) return n;
  }
}

FileRead Unavailable(FileRead read, int error_number) {
  read.status = FileReadStatus::kUnavailable;
  read.error_number = error_number;
  read.contents.clear();
  return read;
}

FileRead TooLarge(FileRead read) {
  read.status = FileReadStatus::kTooLarge;
  read.contents = std::string();  // a refused file keeps no memory
  return read;
}

}  // namespace

std::string FileRead::Describe() const {
  switch (status) {
    case FileReadStatus::kOk:
      return "";
    case FileReadStatus::kUnavailable:
      return std::strerror(error_number);
    case FileReadStatus::kNotRegularFile:
      return "not a regular file (" + std::string(FileTypeName(file_type)) + ")";
    case FileReadStatus::kTooLarge:
      return "larger than " + std::to_string(max_bytes) + " bytes";
  }
  return "";
}

std::string_view FileRead::RefusalReason() const {
  switch (status) {
    case FileReadStatus::kNotRegularFile:
      return "not_regular_file";
    case FileReadStatus::kTooLarge:
      return "too_large";
    default:
      return "";
  }
}

FileRead ReadRegularFile(const std::string& path, std::size_t max_bytes) {
  FileRead read;
  read.max_bytes = max_bytes;
  // open/read/close instead of iostreams: sysfs and procfs files are small and this runs for
  // every attribute of every interface each interval.
  const FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
  if (fd.get() < 0) return Unavailable(std::move(read), errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return Unavailable(std::move(read), errno);
  if (!S_ISREG(st.st_mode)) {
    read.status = FileReadStatus::kNotRegularFile;
    read.file_type = st.st_mode & S_IFMT;
    return read;
  }
  // One byte past the cap is read, so a file of exactly max_bytes is accepted and a longer one
  // is told apart without reading it all. A short read is not the end of the file (seq_file
  // returns what fits its page): only a read of 0 bytes is.
  const std::size_t limit = max_bytes == SIZE_MAX ? max_bytes : max_bytes + 1;
  char buffer[8192];
  while (read.contents.size() < limit) {
    const std::size_t want = std::min(sizeof buffer, limit - read.contents.size());
    const ssize_t n = ReadSome(fd.get(), buffer, want);
    if (n < 0) return Unavailable(std::move(read), errno);
    if (n == 0) break;
    read.contents.append(buffer, static_cast<std::size_t>(n));
  }
  if (read.contents.size() > max_bytes) return TooLarge(std::move(read));
  read.status = FileReadStatus::kOk;
  return read;
}

FileRead RealFileReader::Read(const std::string& path, std::size_t max_bytes) const {
  return ReadRegularFile(path, max_bytes);
}

std::optional<std::vector<std::string>> RealFileReader::ListDirectory(
    const std::string& path) const {
  DIR* dir = ::opendir(path.c_str());
  if (dir == nullptr) return std::nullopt;
  std::vector<std::string> names;
  while (const dirent* entry = ::readdir(dir)) {
    const std::string_view name(entry->d_name);
    if (name == "." || name == "..") continue;
    names.emplace_back(name);
  }
  ::closedir(dir);
  return names;
}

bool RealFileReader::Exists(const std::string& path) const {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

std::optional<std::string> RealFileReader::ReadLink(const std::string& path) const {
  std::string target(PATH_MAX, '\0');
  const ssize_t n = ::readlink(path.c_str(), target.data(), target.size());
  // n == size: the target may have been cut short, so it is not trusted.
  if (n < 0 || static_cast<std::size_t>(n) >= target.size()) return std::nullopt;
  target.resize(static_cast<std::size_t>(n));
  return target;
}

void InMemoryFileReader::AddFile(const std::string& path, std::string contents) {
  files_[path] = std::move(contents);
  for (auto slash = path.rfind('/'); slash != std::string::npos && slash > 0;
       slash = path.rfind('/', slash - 1)) {
    directories_[path.substr(0, slash)] = true;
  }
}

void InMemoryFileReader::AddDirectory(const std::string& path) {
  directories_[path] = true;
  AddFile(path + "/.keep-directory", "");
  files_.erase(path + "/.keep-directory");
}

void InMemoryFileReader::AddSpecialFile(const std::string& path, mode_t file_type) {
  AddFile(path, "");
  files_.erase(path);
  special_files_[path] = file_type;
}

void InMemoryFileReader::AddSymlink(const std::string& path, std::string target) {
  AddFile(path, "");
  files_.erase(path);
  symlinks_[path] = std::move(target);
}

FileRead InMemoryFileReader::Read(const std::string& path, std::size_t max_bytes) const {
  FileRead read;
  read.max_bytes = max_bytes;
  if (const auto special = special_files_.find(path); special != special_files_.end()) {
    read.status = FileReadStatus::kNotRegularFile;
    read.file_type = special->second;
    return read;
  }
  if (directories_.contains(path)) {
    read.status = FileReadStatus::kNotRegularFile;
    read.file_type = S_IFDIR;
    return read;
  }
  const auto it = files_.find(path);
  if (it == files_.end()) return Unavailable(std::move(read), ENOENT);
  if (it->second.size() > max_bytes) return TooLarge(std::move(read));
  read.status = FileReadStatus::kOk;
  read.contents = it->second;
  return read;
}

std::optional<std::vector<std::string>> InMemoryFileReader::ListDirectory(
    const std::string& path) const {
  if (!directories_.contains(path)) return std::nullopt;
  std::set<std::string> names;
  const std::string prefix = path + "/";
  auto collect = [&](const std::string& entry) {
    if (entry.compare(0, prefix.size(), prefix) != 0) return;
    const auto rest = entry.substr(prefix.size());
    names.insert(rest.substr(0, rest.find('/')));
  };
  for (const auto& [file, unused] : files_) collect(file);
  for (const auto& [file, unused] : special_files_) collect(file);
  for (const auto& [link, unused] : symlinks_) collect(link);
  for (const auto& [dir, unused] : directories_) collect(dir);
  return std::vector<std::string>(names.begin(), names.end());
}

bool InMemoryFileReader::Exists(const std::string& path) const {
  return files_.contains(path) || special_files_.contains(path) || directories_.contains(path) ||
         symlinks_.contains(path);
}

std::optional<std::string> InMemoryFileReader::ReadLink(const std::string& path) const {
  const auto link = symlinks_.find(path);
  if (link == symlinks_.end()) return std::nullopt;
  return link->second;
}

}  // namespace netif
