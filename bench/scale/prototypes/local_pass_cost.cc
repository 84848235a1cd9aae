// Scratch (issue 17): thread CPU of the local pass's counters step and of the whole pass at the
// interfaces of the current network namespace, counters from one RTM_GETSTATS dump against
// /proc/net/dev, in one process. Median of RUNS each:
//   - ProcfsReader::Collect (read and parse /proc/net/dev into records),
//   - LinkStatsReader::Read (the dump, names from events) and Read + making the same records,
//   - LocalSource::RunOnce with netlink counters off and on, twice each, alternating (with
//     netlink owning link state and sysfs read only at first sight, as in the exporter's
//     default; the store's ApplySample included).
// Build against a release build of the library (from the repository root):
//   B=build/release; g++ -O2 -std=c++20 -Isrc bench/scale/prototypes/local_pass_cost.cc \
//     $B/libnetif.a $B/libnetif_build_info.a -l:libprometheus-cpp-core.so.1.0.1 -lre2 \
//     -l:libyaml-cpp.so.0.7.0 -lz -lmicrohttpd -lgnutls -lnetsnmp -lcrypt -lpthread -o /tmp/lpc
//   ip netns exec NS /tmp/lpc [RUNS]
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <vector>

#include "analytics/analytics_settings.h"
#include "collectors/local/link_error_counters.h"
#include "collectors/local/local_source.h"
#include "collectors/netlink/link_stats_reader.h"
#include "collectors/procfs/procfs_reader.h"
#include "store/store.h"
#include "util/file_reader.h"

using namespace netif;

static double CpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

template <typename F>
double Median(int runs, F f) {
  std::vector<double> v;
  for (int i = 0; i < runs; ++i) {
    const double t = CpuMs();
    f();
    v.push_back(CpuMs() - t);
  }
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

int main(int argc, char** argv) {
  const int runs = argc > 1 ? std::atoi(argv[1]) : 30;
  RealFileReader fs;
  ProcfsReader procfs(fs, "/proc");
  LinkStatsReader reader({});
  std::vector<rtnl::ParseError> errors;
  std::vector<LinkStatsReader::LinkCounters> first;
  if (!reader.Read(first, errors).ok()) return 1;
  std::printf("links %zu\n", first.size());
  std::printf("%-44s %7.2f ms\n", "/proc/net/dev: ProcfsReader::Collect", Median(runs, [&] {
                InterfaceRecords records;
                std::vector<std::string> parse_errors;
                procfs.Collect(records, parse_errors);
              }));
  std::printf("%-44s %7.2f ms\n", "RTM_GETSTATS: LinkStatsReader::Read", Median(runs, [&] {
                std::vector<LinkStatsReader::LinkCounters> links;
                reader.Read(links, errors);
              }));
  std::printf("%-44s %7.2f ms\n", "RTM_GETSTATS: Read + records (16 + 8)", Median(runs, [&] {
                std::vector<LinkStatsReader::LinkCounters> links;
                reader.Read(links, errors);
                InterfaceRecords records;
                records.reserve(links.size());
                for (const auto& link : links) {
                  InterfaceRecord& record = records.emplace_back();
                  record.name = link.name;
                  record.key.source.assign(kLocalSource);
                  record.key.id = link.name;
                  record.labels = LocalDeviceLabels(link.name);
                  record.counters = rtnl::ProcNetDevCounters(link.stats);
                  SetLinkErrorCounters(link.stats, record.extra_counters);
                }
              }));
  for (const bool netlink : {false, true, false, true}) {
    Store store{std::make_shared<const AnalyticsSettings>()};
    SelfMetrics self_metrics;
    LocalSource::Options options;
    options.netlink_runs = true;
    options.counters_from_netlink = netlink;
    options.attribute_refresh_passes = 300;
    LocalSource source(options, fs, store, self_metrics);
    source.RunOnce();  // first sight: sysfs
    source.RunOnce();
    std::printf("LocalSource::RunOnce, counters from %-8s %7.2f ms\n",
                netlink ? "netlink" : "procfs", Median(runs, [&] { source.RunOnce(); }));
  }
  return 0;
}
