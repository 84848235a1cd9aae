// snmp_synthetic_agent: SyntheticAgent as a program, for benchmarks (bench/snmp/memory.py).
//   snmp_synthetic_agent --ports N [--port P] [--community C]
// N = 0 serves an endless ifTable. Prints "listening 127.0.0.1:PORT" once ready; runs until
// SIGTERM or SIGINT.
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "support/snmp/synthetic_agent.h"

int main(int argc, char** argv) {
  netif::testing_support::SyntheticAgent::Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const char* value = argv[i + 1];
    if (flag == "--ports") {
      const unsigned long ports = std::strtoul(value, nullptr, 10);
      options.ports = ports == 0 ? netif::testing_support::SyntheticIfMib::kEndless
                                 : static_cast<uint32_t>(ports);
    } else if (flag == "--port") {
      options.port = std::atoi(value);
    } else if (flag == "--community") {
      options.community = value;
    } else {
      std::fprintf(stderr, "usage: %s --ports N [--port P] [--community C]\n", argv[0]);
      return 2;
    }
  }
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // before the agent's thread starts
  netif::testing_support::SyntheticAgent agent(options);
  std::printf("listening %s\n", agent.Address().c_str());
  std::fflush(stdout);
  int signal = 0;
  sigwait(&signals, &signal);
  return 0;
}
