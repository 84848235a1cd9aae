#include "collectors/procfs/procfs_reader.h"

#include <iterator>
#include <utility>

#include "collectors/procfs/net_dev_parser.h"

namespace netif {
namespace {

// Appends `from` to `to` by moving, or steals the buffer when `to` is empty (the usual case).
template <typename Vector>
void MoveAppend(Vector& from, Vector& to) {
  if (to.empty()) {
    to = std::move(from);
    return;
  }
  to.reserve(to.size() + from.size());
  to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
}

}  // namespace

ProcfsReader::ProcfsReader(const FileReader& fs, std::string procfs_root) : fs_(fs) {
  // Joined once here, not on every Collect(). Trailing slashes are dropped so "/proc/" and "/"
  // give "/proc/net/dev" and "/net/dev".
  while (!procfs_root.empty() && procfs_root.back() == '/') procfs_root.pop_back();
  net_dev_path_ = std::move(procfs_root) + "/net/dev";
}

Status ProcfsReader::Collect(InterfaceRecords& out, std::vector<std::string>& parse_errors,
                             std::vector<RefusedRead>* refused) const {
  const FileRead read = fs_.Read(net_dev_path_, kMaxNetDevBytes);
  if (!read.ok()) {
    if (refused != nullptr && read.refused()) {
      refused->push_back({net_dev_path_, read.Describe(), read.RefusalReason()});
    }
    return Status::Error("cannot read " + net_dev_path_ + ": " + read.Describe());
  }
  NetDevParseResult parsed = ParseNetDev(read.contents);
  MoveAppend(parsed.records, out);
  MoveAppend(parsed.errors, parse_errors);
  return Status::Ok();
}

}  // namespace netif
