// Reads one device's driver facts and statistics through the ethtool ioctl (SIOCETHTOOL):
// ETHTOOL_GDRVINFO (driver, versions, bus, and how many statistics), ETHTOOL_GSTRINGS with
// ETH_SS_STATS (their names) and ETHTOOL_GSTATS (their values), parsed by ethtool_parser.h.
//
// Why the ioctl and not ethtool's generic netlink family: the driver's own statistics (what
// `ethtool -S` shows) exist only as ETHTOOL_GSTATS; the netlink ETHTOOL_MSG_STATS_GET carries
// only the standard groups (IEEE 802.3 MAC/PHY counters, RMON), which many drivers do not fill,
// and the ethtool program itself still reads -S through the ioctl.
//
// The ioctl writes as many names and values as the driver has at that moment, whatever the
// buffer's size, so the buffers are sized for kEthtoolBufferStats entries while a device with
// more than kMaxEthtoolStatsPerDevice is refused: a count that grows between two commands
// (channels reconfigured) cannot overrun them. The buffers' pages the kernel does not write are
// never touched. Names and values of different lengths (the count changed between the two
// commands) fail the read as kChanged, to be taken again next pass.
//
// Thread-safety: an EthtoolReader REQUIRES external synchronization (the source's thread).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "collectors/ethtool/ethtool_parser.h"

namespace netif {

inline constexpr std::size_t kMaxEthtoolStatsPerDevice = 8192;
inline constexpr std::size_t kEthtoolBufferStats = 2 * kMaxEthtoolStatsPerDevice;

// The kernel behind a seam: one SIOCETHTOOL call on `device` with the command's buffer, which
// the kernel reads and fills in place. Returns 0 or an errno.
class EthtoolIoctl {
 public:
  virtual ~EthtoolIoctl() = default;
  // Makes Call() usable: 0 or an errno. Idempotent.
  virtual int Open() { return 0; }
  virtual int Call(const std::string& device, std::span<uint8_t> buffer) = 0;
};

// The real one: a datagram socket (AF_INET, else AF_UNIX when the host has no IPv4) in the
// exporter's network namespace. Open() fails with the socket's errno.
class KernelEthtoolIoctl final : public EthtoolIoctl {
 public:
  KernelEthtoolIoctl() = default;
  ~KernelEthtoolIoctl() override;
  KernelEthtoolIoctl(const KernelEthtoolIoctl&) = delete;
  KernelEthtoolIoctl& operator=(const KernelEthtoolIoctl&) = delete;

  int Open() override;
  int Call(const std::string& device, std::span<uint8_t> buffer) override;

 private:
  int fd_ = -1;
};

struct EthtoolDeviceRead {
  enum class Outcome {
    kOk,           // info read; names and values too when the driver has statistics
    kUnsupported,  // the driver answers none of it (EOPNOTSUPP): nothing to export
    kGone,         // the device vanished (ENODEV) between listing and reading
    kChanged,      // the number of statistics changed between two commands: next pass
    kTooMany,      // more statistics than kMaxEthtoolStatsPerDevice: refused
    kError,        // the kernel refused a command otherwise (`error_number`)
    kMalformed,    // a reply the parsers rejected (`detail`)
  };
  Outcome outcome = Outcome::kOk;
  EthtoolDriverInfo info;
  std::vector<std::string> names;  // ETH_SS_STATS, in the driver's order
  std::vector<uint64_t> values;    // the same length as names
  int error_number = 0;            // kError: the errno; the command in `detail`
  std::string detail;              // kError, kMalformed, kTooMany: what went wrong
};

class EthtoolReader {
 public:
  explicit EthtoolReader(EthtoolIoctl& ioctl) : ioctl_(ioctl) {}
  EthtoolDeviceRead Read(const std::string& device);

 private:
  // Runs `command` into a fresh buffer of `bytes`; fills `read` and returns false on failure.
  bool Run(const std::string& device, uint32_t command, uint32_t argument, std::size_t bytes,
           std::unique_ptr<uint8_t[]>& buffer, EthtoolDeviceRead& read);

  EthtoolIoctl& ioctl_;
};

}  // namespace netif
