#include "util/file_reader.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <set>

namespace netif {

std::optional<std::string> RealFileReader::ReadFile(const std::string& path) const {
  // open/read/close instead of iostreams: sysfs and procfs files are small and this runs for every
  // attribute of every interface each interval.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string contents;
  char buffer[8192];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      return std::nullopt;
    }
    if (n == 0) break;
    contents.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return contents;
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

std::optional<std::string> InMemoryFileReader::ReadFile(const std::string& path) const {
  const auto it = files_.find(path);
  if (it == files_.end()) return std::nullopt;
  return it->second;
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
  for (const auto& [dir, unused] : directories_) collect(dir);
  return std::vector<std::string>(names.begin(), names.end());
}

bool InMemoryFileReader::Exists(const std::string& path) const {
  return files_.contains(path) || directories_.contains(path);
}

}  // namespace netif
