// The seam between collectors and the file system, so parsers and readers run on in-memory trees
// in tests and on /proc, /sys or a host's mounts (--path.procfs, --path.sysfs) in production.
//
// Thread-safety: RealFileReader is stateless and safe for concurrent use; InMemoryFileReader
// requires external synchronization while it is being modified.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace netif {

class FileReader {
 public:
  virtual ~FileReader() = default;
  // The whole file, or nullopt when it is missing or unreadable (EINVAL from a sysfs attribute of a
  // link that has no such value, ENOENT from an interface that just vanished, ...).
  virtual std::optional<std::string> ReadFile(const std::string& path) const = 0;
  // Names in a directory (without "." and ".."), or nullopt when it cannot be listed.
  virtual std::optional<std::vector<std::string>> ListDirectory(const std::string& path) const = 0;
  virtual bool Exists(const std::string& path) const = 0;
};

class RealFileReader final : public FileReader {
 public:
  std::optional<std::string> ReadFile(const std::string& path) const override;
  std::optional<std::vector<std::string>> ListDirectory(const std::string& path) const override;
  bool Exists(const std::string& path) const override;
};

// Files and directories held in memory; directories are implied by the files below them.
class InMemoryFileReader final : public FileReader {
 public:
  void AddFile(const std::string& path, std::string contents);
  void AddDirectory(const std::string& path);
  std::optional<std::string> ReadFile(const std::string& path) const override;
  std::optional<std::vector<std::string>> ListDirectory(const std::string& path) const override;
  bool Exists(const std::string& path) const override;

 private:
  std::map<std::string, std::string> files_;
  std::map<std::string, bool> directories_;
};

}  // namespace netif
