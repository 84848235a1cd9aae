#include "collectors/kubernetes/kubernetes_source.h"

#include <algorithm>
#include <utility>

#include "util/log.h"
#include "util/thread_name.h"

namespace netif {
namespace {

// Bound on what is remembered to log only once: past it, still counted, no longer logged.
constexpr std::size_t kMaxLoggedOnce = 1000;

// The shortest time between two reconciles that link events asked for.
constexpr std::chrono::seconds kMinEarlyGap{1};

InterfaceSupplement Supplement(kubernetes::VethIdentity veth) {
  InterfaceSupplement supplement;
  supplement.key = {std::string(kLocalSource), std::move(veth.device)};
  supplement.pod = std::move(veth.identity);
  return supplement;
}

}  // namespace

KubernetesSource::KubernetesSource(Options options, const FileReader& fs, RecordSink& sink,
                                   SelfMetrics& self_metrics,
                                   std::unique_ptr<kubernetes::NetnsKernel> kernel)
    : options_(std::move(options)),
      sink_(sink),
      self_metrics_(self_metrics),
      kernel_(kernel ? std::move(kernel) : std::make_unique<kubernetes::KernelNetns>()),
      mapper_(options_.mapper, fs, *kernel_),
      runs_(self_metrics, "kubernetes", StaleAfter(options_.reconcile_interval)),
      mapped_(self_metrics.Gauge("netif_kubernetes_veths_mapped", {})) {}

KubernetesSource::~KubernetesSource() { Stop(); }

void KubernetesSource::Start() {
  if (thread_.joinable()) return;
  RunOnce();
  {
    std::lock_guard lock(mutex_);
    stopping_ = false;
  }
  thread_ = std::thread([this] { Loop(); });
}

void KubernetesSource::Stop() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  sink_.ApplySupplements(kKubernetesSupplier, {});
}

void KubernetesSource::Loop() {
  NameThisThread("netif-kubernetes");
  std::unique_lock lock(mutex_);
  auto last_run = std::chrono::steady_clock::now();
  while (true) {
    const auto deadline = last_run + options_.reconcile_interval;
    // A link event asks for a reconcile at once, but a storm of them (a host-local veth pair
    // flapping, which no reconcile maps) gets at most one a second.
    const auto earliest = last_run + kMinEarlyGap;
    while (!stopping_) {
      const auto now = std::chrono::steady_clock::now();
      if (now >= deadline || (early_ && now >= earliest)) break;
      // Woken at least every 5 s to show progress: the reconcile interval may be long.
      auto until = std::min(deadline, now + std::chrono::seconds(5));
      if (early_) until = std::min(until, earliest);
      wake_.wait_until(lock, until);
      runs_.Progress();
    }
    if (stopping_) return;
    early_ = false;
    lock.unlock();
    RunOnce();
    last_run = std::chrono::steady_clock::now();
    lock.lock();
  }
}

void KubernetesSource::OnLinkEvent(const InterfaceRecord& record) {
  if (record.attributes.kind != "veth") return;
  {
    std::lock_guard lock(mutex_);
    if (known_.count(record.name)) return;
    early_ = true;
  }
  wake_.notify_all();
}

bool KubernetesSource::RunOnce() {
  kubernetes::ScanResult result;
  const Status status = runs_.Time([&] {
    result = mapper_.Scan();
    return result.ok ? Status::Ok() : Status::Error(result.error);
  });
  Report(result.problems);
  if (!status.ok()) return false;
  std::set<std::string> known;
  std::vector<InterfaceSupplement> supplements;
  supplements.reserve(result.veths.size());
  for (kubernetes::VethIdentity& veth : result.veths) {
    known.insert(veth.device);
    supplements.push_back(Supplement(std::move(veth)));
  }
  mapped_.Set(static_cast<double>(supplements.size()));
  sink_.ApplySupplements(kKubernetesSupplier, std::move(supplements));
  std::lock_guard lock(mutex_);
  known_ = std::move(known);
  return true;
}

void KubernetesSource::Report(const std::vector<kubernetes::ScanProblem>& problems) {
  for (const kubernetes::ScanProblem& problem : problems) {
    self_metrics_.Counter("netif_kubernetes_scan_errors_total", {{"reason", problem.reason}})
        .Increment();
    // A process that exits mid-scan is ordinary on a busy node: counted, never logged.
    if (problem.reason == "process_exited") continue;
    if (logged_.size() >= kMaxLoggedOnce) continue;
    if (logged_.insert(problem.reason + " " + problem.what).second) {
      LogWarn("kubernetes source skipped an item",
              {{"reason", problem.reason}, {"item", problem.what}});
    }
  }
}

std::unique_ptr<Source> MakeKubernetesSource(const Config& config, SourceContext& context) {
  if (!config.kubernetes.enabled) return nullptr;
  KubernetesSource::Options options;
  options.mapper.procfs = config.local.path_procfs;
  options.mapper.pod_logs = config.kubernetes.path_pod_logs;
  options.mapper.netns_dirs = config.kubernetes.netns_dirs;
  options.reconcile_interval = config.kubernetes.reconcile_interval;
  auto source = std::make_unique<KubernetesSource>(std::move(options), context.fs, context.sink,
                                                   context.self_metrics);
  KubernetesSource* listener = source.get();
  context.link_events.Subscribe(
      [listener](const InterfaceRecord& record) { listener->OnLinkEvent(record); });
  return source;
}

}  // namespace netif
