// Reads snmpsim's .snmprec recordings into Varbinds, so the parser's tests run on real device
// walks without any agent. Format: one `OID|TAG|VALUE` per line; TAG is the BER type number (2
// Integer, 4 OCTET STRING, 5 Null, 6 OID, 64 IpAddress, 65 Counter32, 66 Gauge32, 67 TimeTicks,
// 68 Opaque, 70 Counter64), a trailing `x` means VALUE is hex, and a `:variation` suffix (snmpsim
// variation modules) is ignored. Lenient as the data needs: blank lines and a comment line
// (`#...`) are skipped, and a repeated OID keeps its first value.
//
// Thread-safety: pure functions (ReadSnmprecFile reads the file).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "collectors/snmp/varbind.h"

namespace netif::testing_support {

struct SnmprecRecording {
  std::vector<Varbind> varbinds;      // in file order
  std::vector<std::string> problems;  // lines that could not be read ("line 7: ...")
};

SnmprecRecording ParseSnmprec(std::string_view text);
// Throws std::runtime_error when the file cannot be read.
SnmprecRecording ReadSnmprecFile(const std::string& path);

// The shared recordings: $NETIF_SHARED_DIR/testdata/snmprec when set, else
// <source tree>/../shared/testdata/snmprec. Throws when the directory does not exist: a test that
// needs them fails loudly rather than skipping.
std::string SharedSnmprecDir();
std::string SharedSnmprec(const std::string& file_name);  // dir + "/" + name, checked to exist

// The recordings SOURCES.md lists.
inline constexpr char kCiscoRecording[] = "cisco-catalyst-c3560-48port-switch.snmprec";
inline constexpr char kUbiquitiRecording[] = "ubiquiti-airmax-m5-32bit-only-no-ifxtable.snmprec";
inline constexpr char kLinuxRecording[] = "linux-centos7-netsnmp-host.snmprec";

}  // namespace netif::testing_support
