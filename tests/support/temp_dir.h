// A private temporary directory for one test (config files, scrape dumps), removed with all it
// holds when the object goes away.
//
// Thread-safety: REQUIRES external synchronization.
#pragma once

#include <string>

namespace netif::testing_support {

class TempDir {
 public:
  // Creates a fresh directory under $TMPDIR (or /tmp); throws std::runtime_error on failure.
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // Writes `contents` to path()/name and returns the full path; throws on failure.
  std::string WriteFile(const std::string& name, const std::string& contents) const;

 private:
  std::string path_;
};

// The whole file, or throws std::runtime_error naming it.
std::string ReadFileOrThrow(const std::string& path);

}  // namespace netif::testing_support
