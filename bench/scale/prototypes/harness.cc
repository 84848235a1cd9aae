// Scratch harness (not part of the project): times the scrape path and the collection path of the
// real code on the real /proc and /sys of the current network namespace, and counts allocations.
//   harness [collect_runs=5] [render_runs=30]
#include <malloc.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include "analytics/analytics_settings.h"
#include "app/local_sampler.h"
#include "exposition/renderer.h"
#include "exposition/self_metrics.h"
#include "http/gzip.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/file_reader.h"

static std::atomic<long> g_allocs{0};
static std::atomic<long> g_bytes{0};
void* operator new(std::size_t n) {
  g_allocs.fetch_add(1, std::memory_order_relaxed);
  g_bytes.fetch_add(static_cast<long>(n), std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return operator new(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

// Thread CPU time, not wall time: the machine is shared and busy, CPU time is what we can compare.
struct Clock {
  using duration = std::chrono::nanoseconds;
  using time_point = std::chrono::nanoseconds;
  static time_point now() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return std::chrono::nanoseconds(ts.tv_sec * 1000000000LL + ts.tv_nsec);
  }
};
static double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

struct Stat {
  std::vector<double> ms;
  std::vector<long> allocs;
  void Add(double m, long a) {
    ms.push_back(m);
    allocs.push_back(a);
  }
  void Print(const char* name) {
    std::sort(ms.begin(), ms.end());
    std::sort(allocs.begin(), allocs.end());
    std::printf("%-28s CPU median %8.2f ms  min %8.2f ms  allocs %ld\n", name, ms[ms.size() / 2],
                ms.front(), allocs[allocs.size() / 2]);
  }
};

int main(int argc, char** argv) {
  const int collect_runs = argc > 1 ? std::atoi(argv[1]) : 5;
  const int render_runs = argc > 2 ? std::atoi(argv[2]) : 30;
  netif::RealFileReader fs;
  netif::SelfMetrics self_metrics;
  netif::Store store(std::make_shared<const netif::AnalyticsSettings>());
  netif::LocalSampler sampler(netif::LocalSampler::Options{}, fs, store, self_metrics);

  Stat collect;
  for (int i = 0; i < collect_runs; ++i) {
    const long a0 = g_allocs;
    const auto t0 = Clock::now();
    sampler.RunOnce();
    collect.Add(Ms(Clock::now() - t0), g_allocs - a0);
  }
  collect.Print("collect (RunOnce)");
  std::printf("heap in use after collection: %.1f MB (%zu interfaces)\n",
              mallinfo2().uordblks / 1e6, store.Current()->interfaces.size());

  {
    // The store alone: one sample's records (procfs + sysfs, as RunOnce builds them) applied again.
    netif::ProcfsCollector procfs(fs, "/proc");
    netif::SysfsReader sysfs(fs, "/sys");
    std::vector<netif::InterfaceRecord> records;
    std::vector<std::string> errors;
    procfs.Collect(records, errors);
    for (auto& r : records) sysfs.ReadAttributes(r.name, {}, r.attributes);
    Stat apply;
    for (int i = 0; i < std::max(collect_runs, 3); ++i) {
      auto copy = records;
      for (auto& r : copy) {
        r.counters.Set(netif::Counter::kReceiveBytes,
                       r.counters.ValueOr(netif::Counter::kReceiveBytes, 0) + 1000 * (i + 1));
      }
      const long a0 = g_allocs;
      const auto t0 = Clock::now();
      store.ApplySample(netif::kLocalSource, std::move(copy), netif::NowSampleTime());
      apply.Add(Ms(Clock::now() - t0), g_allocs - a0);
    }
    apply.Print("Store::ApplySample");
  }

  std::string body, compressed;
  Stat render, self, gz, total;
  std::size_t bytes = 0, gz_bytes = 0;
  for (int i = 0; i < render_runs; ++i) {
    body.clear();
    const long a0 = g_allocs;
    const auto t0 = Clock::now();
    const auto snapshot = store.Current();
    netif::RenderInterfaces(*snapshot, body);
    const auto t1 = Clock::now();
    const long a1 = g_allocs;
    self_metrics.Render(body);
    const auto t2 = Clock::now();
    const long a2 = g_allocs;
    netif::GzipCompress(body, compressed);
    const auto t3 = Clock::now();
    render.Add(Ms(t1 - t0), a1 - a0);
    self.Add(Ms(t2 - t1), a2 - a1);
    gz.Add(Ms(t3 - t2), g_allocs - a2);
    total.Add(Ms(t3 - t0), g_allocs - a0);
    bytes = body.size();
    gz_bytes = compressed.size();
  }
  std::printf("interfaces %zu, body %zu bytes, gzip %zu bytes\n",
              store.Current()->interfaces.size(), bytes, gz_bytes);
  render.Print("RenderInterfaces");
  self.Print("SelfMetrics::Render");
  gz.Print("GzipCompress");
  total.Print("render+self+gzip");
  std::printf(
      "heap in use after rendering: %.1f MB (body capacity %.1f MB, gzip capacity %.1f MB)\n",
      mallinfo2().uordblks / 1e6, body.capacity() / 1e6, compressed.capacity() / 1e6);
  if (const char* out = std::getenv("HARNESS_DUMP")) {
    if (FILE* f = std::fopen(out, "w")) {
      std::fwrite(body.data(), 1, body.size(), f);
      std::fclose(f);
    }
  }
  return 0;
}
