// netif_exporter: Prometheus exporter for network interfaces.
#include <malloc.h>
#include <pthread.h>
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "app/exporter.h"
#include "app/shutdown_deadline.h"
#include "config/config.h"
#include "util/build_info.h"
#include "util/log.h"

namespace {

constexpr int kExitUsage = 2;

// SIGTERM ends the process within 2 s whatever it is waiting for (a container runtime's grace
// period is longer; an operator's patience is not): past this, ShutdownDeadline ends it.
constexpr std::chrono::milliseconds kShutdownLimit{1500};

// SIGTERM, SIGINT and SIGHUP are blocked in every thread and taken by sigwait() in main, so
// shutdown and reload run in ordinary code rather than in a signal handler.
sigset_t BlockHandledSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  // A scraper that hangs up mid-response must not kill the process.
  signal(SIGPIPE, SIG_IGN);
  // Their default action ends the process without a word; nothing here uses them.
  signal(SIGUSR1, SIG_IGN);
  signal(SIGUSR2, SIG_IGN);
  return signals;
}

// glibc's allocator defaults cost more than the data at 5,000 interfaces (bench/scale/PROFILE.md,
// "Memory"). Called before any thread starts.
void ConfigureAllocator() {
  // One arena per thread (up to 8 per core) left each thread's freed views and records resident
  // in its own heap, about twice the live data. Two arenas keep the local pass and the scrapes
  // from serializing on one lock.
  mallopt(M_ARENA_MAX, 2);
  // A fixed threshold (which also turns off glibc's dynamic one, that rises to 32 MiB after the
  // first large free): the per-pass vector of records and the scrape's 256 KiB chunks are
  // mapped and unmapped, not left in the heap.
  mallopt(M_MMAP_THRESHOLD, 128 * 1024);
  mallopt(M_TRIM_THRESHOLD, 256 * 1024);
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
    std::printf("netif_exporter, version %s (revision: %s)\n",
                std::string(netif::BuildVersion()).c_str(),
                std::string(netif::BuildRevision()).c_str());
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
  ConfigureAllocator();
  netif::ApplyLogConfig(config.log);
  const sigset_t handled_signals = BlockHandledSignals();

  netif::Exporter exporter(std::move(config), cli);
  if (const std::string error = exporter.Start(); !error.empty()) {
    netif::LogError("cannot start", {{"error", error}});
    exporter.Stop();
    return 1;
  }
  int signal_number = 0;
  while (sigwait(&handled_signals, &signal_number) == 0 && signal_number == SIGHUP) {
    netif::LogInfo("reloading the configuration", {{"signal", "SIGHUP"}});
    exporter.Reload();  // logs its outcome; an invalid file leaves the old configuration
  }
  netif::LogInfo("shutting down", {{"signal", signal_number == SIGTERM ? "SIGTERM" : "SIGINT"}});
  {
    netif::ShutdownDeadline deadline(kShutdownLimit, [&exporter] { return exporter.StopStage(); });
    exporter.Stop();
  }
  netif::LogInfo("stopped");
  netif::FlushLogs(std::chrono::seconds(1));  // a stalled stderr must not hold the exit
  return 0;
}
