// rtnetlink_capture: writes the rtnetlink link datagrams the kernel sends, one file per datagram,
// for the parser's test fixtures (testdata/capture_fixtures.sh drives it in a private namespace).
//
//   rtnetlink_capture OUT_PREFIX SECONDS [dump|stats]
//
// Listens to RTMGRP_LINK for SECONDS (after asking for an RTM_GETLINK dump with "dump", or an
// RTM_GETSTATS dump of IFLA_STATS_LINK_64 with "stats") through the same socket code the
// collectors use, and writes OUT_PREFIX_00.bin, OUT_PREFIX_01.bin, ...
// Prints "ready" on stderr once it listens, and the number of datagrams at the end.
#include <poll.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "collectors/netlink/rtnetlink_socket.h"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s OUT_PREFIX SECONDS [dump|stats]\n", argv[0]);
    return 2;
  }
  const std::string prefix = argv[1];
  const double seconds = std::atof(argv[2]);
  const bool dump = argc > 3 && std::string(argv[3]) == "dump";
  const bool stats = argc > 3 && std::string(argv[3]) == "stats";

  netif::Status status;
  auto socket = netif::OpenKernelRtnetlinkSocket({}, &status);
  if (!socket) {
    std::fprintf(stderr, "%s\n", status.message().c_str());
    return 1;
  }
  if (dump && !(status = socket->RequestDump(1)).ok()) {
    std::fprintf(stderr, "%s\n", status.message().c_str());
    return 1;
  }
  if (stats && !(status = socket->RequestStatsDump(1)).ok()) {
    std::fprintf(stderr, "%s\n", status.message().c_str());
    return 1;
  }
  std::fprintf(stderr, "ready\n");
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  int written = 0;
  while (std::chrono::steady_clock::now() < end) {
    pollfd readable{socket->fd(), POLLIN, 0};
    if (poll(&readable, 1, 50) <= 0) continue;
    const auto received = socket->Receive();
    if (received.status != netif::RtnetlinkSocket::ReceiveStatus::kData) {
      if (received.status != netif::RtnetlinkSocket::ReceiveStatus::kWouldBlock) {
        std::fprintf(stderr, "receive failed (status %d) %s\n", static_cast<int>(received.status),
                     received.error.c_str());
      }
      continue;
    }
    char suffix[16];
    std::snprintf(suffix, sizeof(suffix), "_%02d.bin", written++);
    std::ofstream out(prefix + suffix, std::ios::binary);
    out.write(reinterpret_cast<const char*>(received.bytes.data()),
              static_cast<std::streamsize>(received.bytes.size()));
  }
  std::fprintf(stderr, "%d datagrams\n", written);
  return 0;
}
