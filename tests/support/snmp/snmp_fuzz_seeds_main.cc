// snmp_fuzz_seeds DIR: writes seed inputs for snmp_response_fuzz into DIR, made at build or test
// time from the snmprec recordings of ../shared/testdata (never copied into the project): each
// recording's IF-MIB varbinds as SNMPv2c Response datagrams of a walk (in file order, 40 varbinds
// a datagram, as a GETBULK answer), one SNMPv1 datagram, and one ending in endOfMibView.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "collectors/snmp/oid.h"
#include "support/snmp/ber.h"
#include "support/snmp/snmprec.h"

namespace {

using netif::testing_support::EncodeSnmpMessage;
using netif::testing_support::SnmpMessage;

void Write(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DIR\n", argv[0]);
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  std::filesystem::create_directories(dir);
  int written = 0;
  for (const char* name :
       {netif::testing_support::kCiscoRecording, netif::testing_support::kUbiquitiRecording,
        netif::testing_support::kLinuxRecording}) {
    const std::vector<netif::Varbind> all =
        netif::testing_support::ReadSnmprecFile(netif::testing_support::SharedSnmprec(name))
            .varbinds;
    const std::string stem = std::filesystem::path(name).stem().string();
    constexpr size_t kPerDatagram = 40;
    for (size_t first = 0, n = 0; first < all.size() && n < 200; first += kPerDatagram, ++n) {
      SnmpMessage message;
      message.request_id = static_cast<int64_t>(n + 1);
      message.varbinds.assign(
          all.begin() + static_cast<std::ptrdiff_t>(first),
          all.begin() + static_cast<std::ptrdiff_t>(std::min(all.size(), first + kPerDatagram)));
      if (first + kPerDatagram >= all.size()) {
        netif::Varbind end;
        end.oid = message.varbinds.back().oid;
        end.type = static_cast<uint8_t>(netif::SnmpType::kEndOfMibView);
        message.varbinds.push_back(end);
      }
      Write(dir / (stem + "-" + std::to_string(n)), EncodeSnmpMessage(message));
      ++written;
      if (n == 0) {
        message.version = 0;
        Write(dir / (stem + "-v1"), EncodeSnmpMessage(message));
        ++written;
      }
    }
  }
  std::printf("%d seeds in %s\n", written, dir.c_str());
  return 0;
}
