// The seam between collectors and the file system, so parsers and readers run on in-memory trees
// in tests and on /proc, /sys or a host's mounts (--path.procfs, --path.sysfs) in production.
//
// Every read is bounded: a file of outside input (a procfs or sysfs file, a configuration file,
// a certificate) is opened non-blocking, must be a regular file, and is read up to a cap its
// caller chooses per kind of file. A FIFO, a device, a socket or a directory in its place, or a
// file that never ends, is refused at once (FileReadStatus) instead of blocking the reader or
// growing without limit.
//
// Thread-safety: RealFileReader and ReadRegularFile are stateless and safe for concurrent use;
// InMemoryFileReader requires external synchronization while it is being modified.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace netif {

enum class FileReadStatus : uint8_t {
  kOk,
  // open(), fstat() or read() failed: missing, no permission, or EINVAL from a sysfs attribute
  // of a link that has no such value. Ordinary for procfs and sysfs; error_number says why.
  kUnavailable,
  // Not a regular file (a FIFO, a character or block device, a socket, a directory): refused
  // without reading, since reading it could block forever or never end.
  kNotRegularFile,
  // More than the caller's cap: refused, nothing kept.
  kTooLarge,
};

// The outcome of one bounded read.
struct FileRead {
  FileReadStatus status = FileReadStatus::kUnavailable;
  int error_number = 0;       // errno, for kUnavailable
  mode_t file_type = 0;       // st_mode & S_IFMT, for kNotRegularFile
  std::size_t max_bytes = 0;  // the cap the read was made with
  std::string contents;       // the whole file, for kOk only

  bool ok() const { return status == FileReadStatus::kOk; }
  // The file is there but is not what a reader of outside input accepts (not a regular file, or
  // over the cap): unlike a missing file, this is a problem to count and report.
  bool refused() const {
    return status == FileReadStatus::kNotRegularFile || status == FileReadStatus::kTooLarge;
  }
  // Why there are no contents, for a log line or an error message: "No such file or directory",
  // "not a regular file (a FIFO)", "larger than 4096 bytes". Empty when ok().
  std::string Describe() const;
  // A label value for a refusal: "not_regular_file" or "too_large" ("" otherwise).
  std::string_view RefusalReason() const;
};

// A read a reader refused, handed to the caller that counts and logs it (util reports, it does
// not count).
struct RefusedRead {
  std::string path;
  std::string why;          // FileRead::Describe()
  std::string_view reason;  // FileRead::RefusalReason(): a static label value
};

// Reads `path` whole when it is a regular file of at most `max_bytes` bytes. Opened with
// O_NONBLOCK | O_CLOEXEC | O_NOCTTY, so a FIFO or a device in its place neither blocks the open
// nor becomes the controlling terminal; fstat() then refuses anything but a regular file. The
// size fstat() reports is not trusted: procfs files say 0 and sysfs attributes a page, so the
// file is read until end of file or one byte past the cap.
FileRead ReadRegularFile(const std::string& path, std::size_t max_bytes);

class FileReader {
 public:
  virtual ~FileReader() = default;
  // A bounded read of `path` (see ReadRegularFile).
  virtual FileRead Read(const std::string& path, std::size_t max_bytes) const = 0;
  // Names in a directory (without "." and ".."), or nullopt when it cannot be listed.
  virtual std::optional<std::vector<std::string>> ListDirectory(const std::string& path) const = 0;
  virtual bool Exists(const std::string& path) const = 0;
  // The target of the symbolic link at `path` as it is written (readlink(2): "../br0"), or nullopt
  // when `path` is no symbolic link, cannot be read, or holds a target longer than PATH_MAX.
  virtual std::optional<std::string> ReadLink(const std::string& path) const = 0;

  // The contents of Read(), or nullopt for any failure, for callers that need no reason.
  std::optional<std::string> ReadFile(const std::string& path, std::size_t max_bytes) const {
    FileRead read = Read(path, max_bytes);
    if (!read.ok()) return std::nullopt;
    return std::move(read.contents);
  }
};

class RealFileReader final : public FileReader {
 public:
  FileRead Read(const std::string& path, std::size_t max_bytes) const override;
  std::optional<std::vector<std::string>> ListDirectory(const std::string& path) const override;
  bool Exists(const std::string& path) const override;
  std::optional<std::string> ReadLink(const std::string& path) const override;
};

// Files and directories held in memory; directories are implied by the files below them.
class InMemoryFileReader final : public FileReader {
 public:
  void AddFile(const std::string& path, std::string contents);
  void AddDirectory(const std::string& path);
  // A path that exists but is not a regular file (`file_type`, e.g. S_IFIFO or S_IFCHR): Read()
  // refuses it as RealFileReader refuses a FIFO or a device.
  void AddSpecialFile(const std::string& path, mode_t file_type);
  // A symbolic link at `path` whose target is `target` (not resolved: ReadLink returns it as is,
  // and Read() of the link finds nothing, as of a dangling link).
  void AddSymlink(const std::string& path, std::string target);
  FileRead Read(const std::string& path, std::size_t max_bytes) const override;
  std::optional<std::vector<std::string>> ListDirectory(const std::string& path) const override;
  bool Exists(const std::string& path) const override;
  std::optional<std::string> ReadLink(const std::string& path) const override;

 private:
  std::map<std::string, std::string> files_;
  std::map<std::string, std::string> symlinks_;
  std::map<std::string, mode_t> special_files_;
  std::map<std::string, bool> directories_;
};

}  // namespace netif
