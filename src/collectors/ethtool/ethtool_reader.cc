#include "collectors/ethtool/ethtool_reader.h"

#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace netif {

static_assert(sizeof(ethtool_drvinfo) == kEthtoolDriverInfoBytes);
static_assert(sizeof(ethtool_gstrings) == kEthtoolStringsHeaderBytes);
static_assert(sizeof(ethtool_stats) == kEthtoolStatsHeaderBytes);
static_assert(ETH_GSTRING_LEN == kEthtoolStringBytes);

namespace {

// The kernel's internal "not supported" (ENOTSUPP, 524) reaches user space from some drivers.
constexpr int kKernelNotSupported = 524;

bool Unsupported(int error) { return error == EOPNOTSUPP || error == kKernelNotSupported; }

bool Gone(int error) { return error == ENODEV || error == ENXIO; }

std::string CommandName(uint32_t command) {
  switch (command) {
    case ETHTOOL_GDRVINFO:
      return "ETHTOOL_GDRVINFO";
    case ETHTOOL_GSTRINGS:
      return "ETHTOOL_GSTRINGS";
    case ETHTOOL_GSTATS:
      return "ETHTOOL_GSTATS";
    default:
      return "ethtool command " + std::to_string(command);
  }
}

}  // namespace

KernelEthtoolIoctl::~KernelEthtoolIoctl() {
  if (fd_ >= 0) close(fd_);
}

int KernelEthtoolIoctl::Open() {
  if (fd_ >= 0) return 0;
  fd_ = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  return fd_ < 0 ? errno : 0;
}

int KernelEthtoolIoctl::Call(const std::string& device, std::span<uint8_t> buffer) {
  if (fd_ < 0) return EBADF;
  if (device.empty() || device.size() >= IFNAMSIZ) return ENODEV;
  ifreq request{};
  std::memcpy(request.ifr_name, device.data(), device.size());
  request.ifr_data = reinterpret_cast<char*>(buffer.data());
  return ioctl(fd_, SIOCETHTOOL, &request) < 0 ? errno : 0;
}

bool EthtoolReader::Run(const std::string& device, uint32_t command, uint32_t argument,
                        std::size_t bytes, std::unique_ptr<uint8_t[]>& buffer,
                        EthtoolDeviceRead& read) {
  // Not value-initialized: only the header is written here, and the kernel writes what it
  // returns; the rest of a large buffer stays untouched (and unmapped).
  buffer.reset(new uint8_t[bytes]);
  std::memset(buffer.get(), 0, std::min<std::size_t>(bytes, kEthtoolDriverInfoBytes));
  std::memcpy(buffer.get(), &command, sizeof command);
  if (command == ETHTOOL_GSTRINGS) std::memcpy(buffer.get() + 4, &argument, sizeof argument);
  if (command == ETHTOOL_GSTATS) std::memcpy(buffer.get() + 4, &argument, sizeof argument);
  const int error = ioctl_.Call(device, {buffer.get(), bytes});
  if (error == 0) return true;
  if (Unsupported(error)) {
    read.outcome = EthtoolDeviceRead::Outcome::kUnsupported;
  } else if (Gone(error)) {
    read.outcome = EthtoolDeviceRead::Outcome::kGone;
  } else {
    read.outcome = EthtoolDeviceRead::Outcome::kError;
    read.error_number = error;
    read.detail = CommandName(command);
  }
  return false;
}

EthtoolDeviceRead EthtoolReader::Read(const std::string& device) {
  EthtoolDeviceRead read;
  std::unique_ptr<uint8_t[]> buffer;
  auto malformed = [&](const Status& status) {
    read.outcome = EthtoolDeviceRead::Outcome::kMalformed;
    read.detail = status.message();
    return read;
  };
  if (!Run(device, ETHTOOL_GDRVINFO, 0, kEthtoolDriverInfoBytes, buffer, read)) return read;
  if (Status s = ParseEthtoolDriverInfo({buffer.get(), kEthtoolDriverInfoBytes}, read.info);
      !s.ok()) {
    return malformed(s);
  }
  const std::size_t count = read.info.n_stats;
  if (count == 0) return read;  // a driver without statistics: the facts alone
  if (count > kMaxEthtoolStatsPerDevice) {
    read.outcome = EthtoolDeviceRead::Outcome::kTooMany;
    read.detail = std::to_string(count) + " statistics, over the limit of " +
                  std::to_string(kMaxEthtoolStatsPerDevice);
    return read;
  }
  const std::size_t strings_bytes =
      kEthtoolStringsHeaderBytes + kEthtoolBufferStats * kEthtoolStringBytes;
  if (!Run(device, ETHTOOL_GSTRINGS, ETH_SS_STATS, strings_bytes, buffer, read)) {
    // Statistics the driver does not name are none to export; the facts still are.
    if (read.outcome == EthtoolDeviceRead::Outcome::kUnsupported) {
      read.outcome = EthtoolDeviceRead::Outcome::kOk;
    }
    return read;
  }
  if (Status s = ParseEthtoolStrings({buffer.get(), strings_bytes}, read.names); !s.ok()) {
    return malformed(s);
  }
  const std::size_t stats_bytes = kEthtoolStatsHeaderBytes + kEthtoolBufferStats * sizeof(uint64_t);
  if (!Run(device, ETHTOOL_GSTATS, static_cast<uint32_t>(read.names.size()), stats_bytes, buffer,
           read)) {
    read.names.clear();
    if (read.outcome == EthtoolDeviceRead::Outcome::kUnsupported) {
      read.outcome = EthtoolDeviceRead::Outcome::kOk;
    }
    return read;
  }
  if (Status s = ParseEthtoolStats({buffer.get(), stats_bytes}, read.values); !s.ok()) {
    read.names.clear();
    return malformed(s);
  }
  if (read.values.size() != read.names.size()) {
    read.outcome = EthtoolDeviceRead::Outcome::kChanged;
    read.names.clear();
    read.values.clear();
  }
  return read;
}

}  // namespace netif
