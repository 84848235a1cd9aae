// netif_exporter: Prometheus exporter for network interfaces.
#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <string>
#include <vector>

#include "app/exporter.h"
#include "config/config.h"
#include "util/log.h"

namespace {

constexpr int kExitUsage = 2;

// SIGTERM and SIGINT are blocked in every thread and taken by sigwait() in main, so shutdown runs
// in ordinary code rather than in a signal handler.
sigset_t BlockShutdownSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  // A scraper that hangs up mid-response must not kill the process.
  signal(SIGPIPE, SIG_IGN);
  return signals;
}

netif::LogSeverity ToLogSeverity(netif::LogLevel level) {
  switch (level) {
    case netif::LogLevel::kDebug:
      return netif::LogSeverity::kDebug;
    case netif::LogLevel::kWarn:
      return netif::LogSeverity::kWarn;
    case netif::LogLevel::kError:
      return netif::LogSeverity::kError;
    case netif::LogLevel::kInfo:
      break;
  }
  return netif::LogSeverity::kInfo;
}

netif::LogLineFormat ToLogLineFormat(netif::LogFormat format) {
  return format == netif::LogFormat::kJson ? netif::LogLineFormat::kJson
                                           : netif::LogLineFormat::kLogfmt;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  auto parsed = netif::ParseCommandLine(args);
  if (auto* error = std::get_if<std::string>(&parsed)) {
    std::fprintf(stderr, "%s\n", error->c_str());
    return kExitUsage;
  }
  const auto& cli = std::get<netif::CommandLine>(parsed);
  if (cli.show_help) {
    std::fputs(netif::HelpText().c_str(), stdout);
    return 0;
  }
  if (cli.show_version) {
    std::printf("netif_exporter, version %s (revision: %s)\n", NETIF_VERSION, NETIF_REVISION);
    return 0;
  }
  auto loaded = netif::LoadConfig(cli);
  if (auto* error = std::get_if<std::string>(&loaded)) {
    std::fprintf(stderr, "%s\n", error->c_str());
    return kExitUsage;
  }
  netif::Config config = std::move(std::get<netif::Config>(loaded));
  if (cli.check_config) {
    std::printf("netif_exporter: configuration is valid\n");
    return 0;
  }

  netif::ConfigureLogging(ToLogSeverity(config.log.level), ToLogLineFormat(config.log.format));
  const sigset_t shutdown_signals = BlockShutdownSignals();

  netif::Exporter exporter(std::move(config));
  if (const std::string error = exporter.Start(); !error.empty()) {
    netif::LogError("cannot start", {{"error", error}});
    exporter.Stop();
    return 1;
  }
  int signal_number = 0;
  sigwait(&shutdown_signals, &signal_number);
  netif::LogInfo("shutting down", {{"signal", signal_number == SIGTERM ? "SIGTERM" : "SIGINT"}});
  exporter.Stop();
  netif::LogInfo("stopped");
  return 0;
}
