// Scratch measurement (not built by the project): what choosing families (issue 17) costs the
// render. A Store fed two synthetic samples of N veths plus lo (as bench/scale's namespace: veth
// kind, speed 10G, all up), then RenderInterfaces() serially into a discarding ChunkedBuffer, in
// thread CPU time, best of R runs, for:
//   none     no filter (the renderer as before issue 17: every family to every interface)
//   full     a FamilyFilter from metrics.profile full: every mask covers every class present
//   split    full for veths, default for lo: 26 families test each line's class
//   default  the default profile
//   compact  the compact profile
// Build against a release tree (B=build/release):
//   g++ -O2 -std=c++20 -Isrc bench/scale/prototypes/family_filter_cost.cc $B/libnetif.a \
//     $B/libnetif_build_info.a -lprometheus-cpp-core -lyaml-cpp -lnetsnmp -lmicrohttpd \
//     -lgnutls -lre2 -lz -lcrypt -pthread -o /tmp/family_filter_cost
//   /tmp/family_filter_cost [interfaces=5001] [runs=30]
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "app/family_filter_from_config.h"
#include "config/config.h"
#include "exposition/renderer.h"
#include "store/store.h"

namespace {

double ThreadCpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

netif::InterfaceRecord Veth(const std::string& name, uint64_t step, bool lo) {
  netif::InterfaceRecord record;
  record.key = {std::string(netif::kLocalSource), name};
  record.name = name;
  record.labels = netif::LocalDeviceLabels(name);
  for (int c = 0; c < 16; ++c) {
    record.counters.Set(static_cast<netif::Counter>(c), 1000 * step + static_cast<uint64_t>(c));
  }
  auto& a = record.attributes;
  a.mtu = lo ? 65536 : 1500;
  a.ifindex = static_cast<uint32_t>(std::hash<std::string>{}(name) % 100000);
  a.iflink = a.ifindex;
  a.type = lo ? 772 : 1;
  a.oper_state = lo ? netif::OperState::kUnknown : netif::OperState::kUp;
  a.admin_up = true;
  a.carrier = true;
  a.carrier_changes = 2;
  a.carrier_up_count = 1;
  a.carrier_down_count = 1;
  a.address = "02:00:00:00:00:01";
  a.kind = lo ? std::optional<std::string>() : std::optional<std::string>("veth");
  a.is_virtual = true;
  if (!lo) a.speed_bps = 10'000'000'000ULL;
  a.duplex = netif::Duplex::kFull;
  return record;
}

netif::InterfaceRecords Sample(int interfaces, uint64_t step) {
  netif::InterfaceRecords records;
  records.push_back(Veth("lo", step, true));
  for (int i = 1; i < interfaces; ++i) {
    records.push_back(Veth("veth" + std::to_string(i / 2) + (i % 2 ? "" : "p"), step, false));
  }
  return records;
}

netif::MetricsConfig Metrics(const std::string& yaml) {
  auto parsed = netif::ParseConfigYaml(yaml, "bench.yml");
  if (auto* error = std::get_if<std::string>(&parsed)) {
    std::fprintf(stderr, "%s\n", error->c_str());
    std::exit(1);
  }
  return std::get<netif::Config>(parsed).metrics;
}

}  // namespace

int main(int argc, char** argv) {
  const int interfaces = argc > 1 ? std::atoi(argv[1]) : 5001;
  const int runs = argc > 2 ? std::atoi(argv[2]) : 30;
  netif::Store store(std::make_shared<const netif::AnalyticsSettings>(), nullptr,
                     netif::RenderLabelBlock);
  store.ApplySample(netif::kLocalSource, Sample(interfaces, 1), {1000, 1.7e9});
  store.ApplySample(netif::kLocalSource, Sample(interfaces, 2), {1001, 1.7e9 + 1});
  const auto snapshot = store.Current();

  struct Case {
    const char* name;
    std::shared_ptr<const netif::FamilyFilter> filter;
  };
  const std::vector<Case> cases = {
      {"none", nullptr},
      {"full", netif::FamilyFilterFromConfig(Metrics("metrics: {profile: full}\n"))},
      {"split", netif::FamilyFilterFromConfig(
                    Metrics("metrics: {profile: full, classes: {virtual-other: default}}\n"))},
      {"default", netif::FamilyFilterFromConfig(Metrics(""))},
      {"compact", netif::FamilyFilterFromConfig(Metrics("metrics: {profile: compact}\n"))},
  };
  for (int round = 0; round < 2; ++round) {  // the first round warms caches; the second is printed
    for (const Case& c : cases) {
      double best = 1e18;
      std::size_t bytes = 0;
      for (int r = 0; r < runs; ++r) {
        bytes = 0;
        netif::ChunkedBuffer out(64 * 1024,
                                 [&bytes](std::string_view piece) { bytes += piece.size(); });
        const double start = ThreadCpuMs();
        netif::RenderInterfaces(*snapshot, out, netif::RenderOptions{c.filter.get(), {}});
        out.Flush();
        best = std::min(best, ThreadCpuMs() - start);
      }
      if (round == 1) {
        std::printf("%-8s %8.2f MB  %6.2f ms (best of %d, thread CPU)  %5.0f bytes/interface\n",
                    c.name, bytes / 1e6, best, runs, static_cast<double>(bytes) / interfaces);
      }
    }
  }
}
