// An SNMP agent on 127.0.0.1 serving a SyntheticIfMib (synthetic_if_mib.h) over UDP, v1 and v2c,
// from a thread of the test process: a device of any number of ports, or one whose ifTable never
// ends, without snmpd's need for real interfaces or snmpsimd's speed. Its messages are encoded by
// the tests' own BER codec (ber.h), not by net-snmp.
//
// Thread-safety: construct and destroy on one thread; the counters may be read from any.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>

#include "support/snmp/synthetic_if_mib.h"

namespace netif::testing_support {

class SyntheticAgent {
 public:
  struct Options {
    uint32_t ports = 48;  // SyntheticIfMib::kEndless: an ifTable that never ends
    std::string community = "public";
    int port = 0;            // 0: the kernel picks
    std::string alias = {};  // every port's ifAlias ("": "port ethN")
  };

  explicit SyntheticAgent(Options options);
  ~SyntheticAgent();  // stops and joins
  SyntheticAgent(const SyntheticAgent&) = delete;
  SyntheticAgent& operator=(const SyntheticAgent&) = delete;

  int port() const { return port_; }
  std::string Address() const { return "127.0.0.1:" + std::to_string(port_); }
  uint64_t requests() const { return requests_.load(); }
  uint64_t varbinds_sent() const { return varbinds_sent_.load(); }

 private:
  void Run();

  Options options_;
  SyntheticIfMib mib_;
  int fd_ = -1;
  int stop_fd_ = -1;
  int port_ = 0;
  std::atomic<uint64_t> requests_{0};
  std::atomic<uint64_t> varbinds_sent_{0};
  std::thread thread_;
};

}  // namespace netif::testing_support
