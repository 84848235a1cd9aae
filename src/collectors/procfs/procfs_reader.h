// Reads <procfs_root>/net/dev through the FileReader seam and parses it with ParseNetDev.
//
// Thread-safety: Collect() is const and keeps no state; safe for concurrent use when the
// FileReader is (RealFileReader is).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "model/interface_record.h"
#include "util/file_reader.h"
#include "util/status.h"

namespace netif {

// The most of <procfs_root>/net/dev read. A line is at most about 360 bytes (a 15-byte name and
// 16 counters of up to 20 digits), so this holds 100,000 interfaces at their longest; anything
// larger is not that file.
inline constexpr std::size_t kMaxNetDevBytes = 64 << 20;

class ProcfsReader {
 public:
  // `fs` must outlive the collector. `procfs_root` is where procfs is mounted: "/proc", or a
  // host's /proc mounted elsewhere, or a fixture tree (--path.procfs).
  ProcfsReader(const FileReader& fs, std::string procfs_root);

  // Appends one record per interface to `out` and one "line N: <why>" per skipped line to
  // `parse_errors`; neither vector is cleared. Returns Status::Error("cannot read <path>: <why>")
  // when the file cannot be read, and leaves both vectors untouched then; when the read was
  // refused (not a regular file, or over kMaxNetDevBytes) it is also added to `refused`, when
  // given. Skipped lines do not fail the collection: the records that parsed are still good.
  Status Collect(InterfaceRecords& out, std::vector<std::string>& parse_errors,
                 std::vector<RefusedRead>* refused = nullptr) const;

  const std::string& net_dev_path() const { return net_dev_path_; }

 private:
  const FileReader& fs_;
  std::string net_dev_path_;
};

}  // namespace netif
