#include "collectors/ethtool/ethtool_source.h"

#include <cstring>
#include <utility>

#include "model/sample_time.h"

namespace netif {
namespace {

// Bound on what is remembered to log only once: past it, still counted, no longer logged.
constexpr std::size_t kMaxLoggedOnce = 1000;

constexpr ExtraCounterDefinition kStatisticsPattern{
    "netif_ethtool_<stat>",
    "A driver statistic (ethtool -S), as the driver reports it; one family per statistic name.",
    MetricType::kUntyped};
constexpr const ExtraCounterDefinition* kDeclared[] = {&kStatisticsPattern};

std::string_view ErrorReason(EthtoolDeviceRead::Outcome outcome) {
  switch (outcome) {
    case EthtoolDeviceRead::Outcome::kMalformed:
      return "malformed";
    case EthtoolDeviceRead::Outcome::kTooMany:
      return "too_many_stats";
    default:
      return "ioctl";
  }
}

}  // namespace

EthtoolSource::EthtoolSource(Options options, const FileReader& fs, RecordSink& sink,
                             SelfMetrics& self_metrics, std::unique_ptr<EthtoolIoctl> ioctl,
                             EthtoolFamilies* families)
    : options_(std::move(options)),
      physical_only_(options_.device_include.empty()),
      filter_(options_.device_include, options_.device_exclude),
      fs_(fs),
      sink_(sink),
      self_metrics_(self_metrics),
      ioctl_(ioctl ? std::move(ioctl) : std::make_unique<KernelEthtoolIoctl>()),
      reader_(*ioctl_),
      families_(families ? *families : EthtoolFamilies::Process()),
      runs_(self_metrics, "ethtool", StaleAfter(options_.interval)),
      dropped_collisions_(
          self_metrics.Gauge("netif_ethtool_stats_dropped", {{"reason", "collision"}})),
      dropped_limit_(self_metrics.Gauge("netif_ethtool_stats_dropped", {{"reason", "limit"}})) {}

EthtoolSource::~EthtoolSource() { Stop(); }

void EthtoolSource::Start() {
  if (thread_) return;
  RunOnce();
  thread_ = std::make_unique<PeriodicThread>(
      options_.interval, [this] { RunOnce(); }, "netif-ethtool",
      [this](uint64_t missed) { runs_.CountOverruns(missed); });
}

void EthtoolSource::Stop() {
  if (!thread_) return;
  thread_->Stop();
  thread_.reset();
  sink_.ApplySupplements(kEthtoolSupplier, {});
}

std::optional<std::vector<std::string>> EthtoolSource::SelectDevices() {
  const std::string class_net = options_.sysfs_root + "/class/net";
  auto listed = fs_.ListDirectory(class_net);
  if (!listed) return std::nullopt;
  std::vector<std::string> devices;
  for (std::string& device : *listed) {
    if (!filter_.Allows(device)) continue;
    if (physical_only_ && !fs_.Exists(class_net + "/" + device + "/device")) continue;
    devices.push_back(std::move(device));
  }
  return devices;
}

bool EthtoolSource::RunOnce() {
  std::vector<InterfaceSupplement> supplements;
  std::size_t collisions = 0;
  std::size_t over_limit = 0;
  const Status status = runs_.Time([&] {
    if (const int error = ioctl_->Open(); error != 0) {
      return Status::Error(std::string("cannot open a socket for the ethtool ioctl: ") +
                           std::strerror(error));
    }
    auto devices = SelectDevices();
    if (!devices) {
      return Status::Error("cannot list " + options_.sysfs_root + "/class/net");
    }
    for (const std::string& device : *devices) {
      const EthtoolDeviceRead read = reader_.Read(device);
      switch (read.outcome) {
        case EthtoolDeviceRead::Outcome::kOk:
          supplements.push_back(MakeSupplement(device, read, collisions, over_limit));
          break;
        case EthtoolDeviceRead::Outcome::kUnsupported:
        case EthtoolDeviceRead::Outcome::kGone:
        case EthtoolDeviceRead::Outcome::kChanged:
          LogDebug("ethtool skipped a device",
                   {{"device", device},
                    {"why", read.outcome == EthtoolDeviceRead::Outcome::kUnsupported ? "unsupported"
                            : read.outcome == EthtoolDeviceRead::Outcome::kGone
                                ? "gone"
                                : "statistics changed while read"}});
          break;
        case EthtoolDeviceRead::Outcome::kTooMany:
        case EthtoolDeviceRead::Outcome::kError:
        case EthtoolDeviceRead::Outcome::kMalformed:
          ReportError(device, read);
          break;
      }
    }
    return Status::Ok();
  });
  if (!status.ok()) return false;
  dropped_collisions_.Set(static_cast<double>(collisions));
  dropped_limit_.Set(static_cast<double>(over_limit));
  sink_.ApplySupplements(kEthtoolSupplier, std::move(supplements));
  return true;
}

InterfaceSupplement EthtoolSource::MakeSupplement(const std::string& device,
                                                  const EthtoolDeviceRead& read,
                                                  std::size_t& collisions,
                                                  std::size_t& over_limit) {
  InterfaceSupplement supplement;
  supplement.key = {std::string(kLocalSource), device};
  // Empty fields are what the driver left blank: absent, as for a driver that says nothing.
  auto fact = [](const std::string& value) {
    return value.empty() ? std::nullopt : std::optional<std::string>(value);
  };
  supplement.driver = fact(read.info.driver);
  supplement.driver_version = fact(read.info.version);
  supplement.firmware_version = fact(read.info.firmware_version);
  supplement.bus_info = fact(read.info.bus_info);
  const EthtoolNaming naming = NameEthtoolStats(read.names);
  if (naming.collisions > 0) {
    collisions += naming.collisions;
    LogOnce("collision " + device, "ethtool statistics dropped: their names collide",
            {{"device", device}, {"count", static_cast<uint64_t>(naming.collisions)}});
  }
  for (std::size_t i = 0; i < naming.families.size(); ++i) {
    if (naming.families[i].empty()) continue;
    const ExtraCounterDefinition* definition = families_.Intern(naming.families[i], read.names[i]);
    if (definition == nullptr) {
      ++over_limit;
      LogOnce("limit", "ethtool statistics dropped: too many distinct statistic names",
              {{"device", device},
               {"limit", static_cast<uint64_t>(kMaxEthtoolFamilies)},
               {"first_dropped", naming.families[i]}});
      continue;
    }
    supplement.counters.Set(*definition, read.values[i]);
  }
  return supplement;
}

void EthtoolSource::ReportError(const std::string& device, const EthtoolDeviceRead& read) {
  const std::string_view reason = ErrorReason(read.outcome);
  self_metrics_.Counter("netif_ethtool_errors_total", {{"reason", std::string(reason)}})
      .Increment();
  std::string why = read.detail;
  if (read.outcome == EthtoolDeviceRead::Outcome::kError) {
    why += ": ";
    why += std::strerror(read.error_number);
  }
  LogOnce("error " + device + " " + why, "ethtool read failed",
          {{"device", device}, {"reason", reason}, {"error", why}});
}

void EthtoolSource::LogOnce(std::string key, std::string_view message,
                            std::initializer_list<LogField> fields) {
  if (logged_.size() >= kMaxLoggedOnce) return;
  if (logged_.insert(std::move(key)).second) LogWarn(message, fields);
}

std::unique_ptr<Source> MakeEthtoolSource(const Config& config, SourceContext& context) {
  if (!config.local.ethtool.enabled) return nullptr;
  EthtoolSource::Options options;
  options.sysfs_root = config.local.path_sysfs;
  options.interval = config.local.ethtool.interval;
  options.device_include = config.local.ethtool.device_include.pattern();
  options.device_exclude = config.local.ethtool.device_exclude.pattern();
  return std::make_unique<EthtoolSource>(std::move(options), context.fs, context.sink,
                                         context.self_metrics);
}

std::span<const ExtraCounterDefinition* const> EthtoolCounters() { return kDeclared; }

}  // namespace netif
