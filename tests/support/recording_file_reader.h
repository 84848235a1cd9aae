// A FileReader that passes every call to another one and records the paths asked for, so a
// reader's or a source's test can check which files a pass touched.
//
// Thread-safety: REQUIRES external synchronization (the records are plain vectors).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "util/file_reader.h"

namespace netif::testing_support {

class RecordingFileReader final : public FileReader {
 public:
  // `inner` must outlive this reader.
  explicit RecordingFileReader(const FileReader& inner) : inner_(inner) {}

  FileRead Read(const std::string& path, std::size_t max_bytes) const override {
    reads.push_back(path);
    return inner_.Read(path, max_bytes);
  }
  std::optional<std::vector<std::string>> ListDirectory(const std::string& path) const override {
    return inner_.ListDirectory(path);
  }
  bool Exists(const std::string& path) const override {
    exists_checks.push_back(path);
    return inner_.Exists(path);
  }
  // Recorded with the reads: following a link is reading the file system too.
  std::optional<std::string> ReadLink(const std::string& path) const override {
    reads.push_back(path);
    return inner_.ReadLink(path);
  }

  // The files under /sys/ read since the last call; forgets every read.
  std::vector<std::string> TakeSysfsReads() {
    std::vector<std::string> sysfs;
    for (const auto& path : reads) {
      if (path.starts_with("/sys/")) sysfs.push_back(path);
    }
    reads.clear();
    return sysfs;
  }

  mutable std::vector<std::string> reads;          // Read() and ReadLink() paths, in order
  mutable std::vector<std::string> exists_checks;  // Exists() paths, in order

 private:
  const FileReader& inner_;
};

}  // namespace netif::testing_support
