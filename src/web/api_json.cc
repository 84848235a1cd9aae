#include "web/api_json.h"

#include <algorithm>
#include <array>

#include "web/json_writer.h"

namespace netif {
namespace {

void AppendKey(std::string& out, std::string_view key) {
  AppendJsonString(out, key);
  out += ':';
}

void AppendHeader(std::string& out, double now_unix_seconds) {
  out += "{\"api_version\":";
  AppendJsonNumber(out, kApiVersion);
  out += ",\"generated_unix_seconds\":";
  AppendJsonNumber(out, now_unix_seconds, 13);
}

std::optional<double> Sum(MaybeDouble a, MaybeDouble b) {
  if (!a && !b) return std::nullopt;
  return a.value_or(0) + b.value_or(0);
}

void AppendAnomaly(std::string& out, const AnomalyStatus& anomaly) {
  out += "\"anomaly\":[";
  bool first = true;
  for (const AnomalyKind kind : kAnomalyKinds) {
    if (!anomaly.active.Has(kind)) continue;
    if (!first) out += ',';
    first = false;
    AppendJsonString(out, AnomalyKindName(kind));
  }
  out += "],\"anomaly_score\":";
  AppendJsonNumber(out, anomaly.score.get(), 3);
}

void AppendInterface(std::string& out, const InterfaceView& view, const HistoryBook* history,
                     double now_unix_seconds) {
  const InterfaceRecord& record = view.record;
  const LinkAttributes& a = record.attributes;
  const DerivedMetrics& d = view.derived;
  out += "{\"source\":";
  AppendJsonString(out, record.key.source);
  out += ",\"id\":";
  AppendJsonString(out, record.key.id);
  out += ",\"name\":";
  AppendJsonString(out, record.name);
  out += ",\"alias\":";
  if (a.alias && !a.alias->empty()) {
    AppendJsonString(out, *a.alias);
  } else {
    out += "null";
  }
  out += ",\"admin_up\":";
  AppendJsonBool(out, a.admin_up);
  out += ",\"oper\":";
  if (a.oper_state) {
    AppendJsonString(out, OperStateName(*a.oper_state));
  } else {
    out += "null";
  }
  out += ",\"carrier\":";
  AppendJsonBool(out, a.carrier);
  out += ",\"speed_bps\":";
  AppendJsonNumber(
      out, a.speed_bps ? std::optional<double>(static_cast<double>(*a.speed_bps)) : std::nullopt);
  out += ",\"rx_bps\":";
  AppendJsonNumber(out, d.receive.bits_per_second.get());
  out += ",\"tx_bps\":";
  AppendJsonNumber(out, d.transmit.bits_per_second.get());
  out += ",\"utilization\":";
  AppendJsonNumber(out, d.utilization.get(), 4);
  out += ",\"errors_per_second\":";
  AppendJsonNumber(out, Sum(d.receive.errors_per_second, d.transmit.errors_per_second));
  out += ",\"drops_per_second\":";
  AppendJsonNumber(out, Sum(d.receive.drops_per_second, d.transmit.drops_per_second));
  out += ',';
  AppendAnomaly(out, d.anomaly);
  out += ",\"flaps_1h\":";
  std::optional<HistoryBook::Entry> entry;
  if (history != nullptr) entry = history->Find(record.key, now_unix_seconds);
  AppendJsonNumber(out, entry ? std::optional<double>(entry->link_downs) : std::nullopt);
  out += ",\"transitions_down_total\":";
  AppendJsonNumber(out, static_cast<double>(view.link.transitions_down));
  out += ",\"last_change_unix_seconds\":";
  AppendJsonNumber(out, view.link.last_change_unix_seconds, 13);
  out += '}';
}

template <typename Values>
void AppendSeries(std::string& out, std::string_view name, const Values& values) {
  AppendKey(out, name);
  out += '[';
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i != 0) out += ',';
    AppendJsonNumber(out, values[i], 3);
  }
  out += ']';
}

const prometheus::ClientMetric::Label* FindLabel(const prometheus::ClientMetric& metric,
                                                 std::string_view name) {
  for (const auto& label : metric.label) {
    if (label.name == name) return &label;
  }
  return nullptr;
}

double ValueOf(const prometheus::MetricFamily& family, const prometheus::ClientMetric& metric) {
  return family.type == prometheus::MetricType::Counter ? metric.counter.value : metric.gauge.value;
}

// Whether any minute of the hour holds a rate or a utilization: an interface without is left out
// of /history (most virtual devices' idle hour would otherwise be 180 nulls each).
bool HasAnyValue(const std::array<HistoryPoint, RateHistory::kPoints>& points) {
  return std::any_of(points.begin(), points.end(), [](const HistoryPoint& point) {
    return point.receive != kAbsentPoint || point.transmit != kAbsentPoint ||
           point.utilization != kAbsentPoint;
  });
}

}  // namespace

std::string RenderInterfacesJson(const Snapshot& snapshot, const HistoryBook* history,
                                 double now_unix_seconds) {
  std::string out;
  out.reserve(snapshot.interfaces.size() * 420 + 128);
  AppendHeader(out, now_unix_seconds);
  out += ",\"interfaces\":[";
  bool first = true;
  for (const auto& view : snapshot.interfaces) {
    if (!first) out += ',';
    first = false;
    AppendInterface(out, *view, history, now_unix_seconds);
  }
  out += "]}\n";
  return out;
}

std::string RenderHistoryJson(const Snapshot& snapshot, const HistoryBook& history,
                              double now_unix_seconds) {
  std::string out;
  out.reserve(snapshot.interfaces.size() * 64 + 128);
  AppendHeader(out, now_unix_seconds);
  out += ",\"step_seconds\":60,\"points\":";
  AppendJsonNumber(out, RateHistory::kPoints);
  out += ",\"interfaces\":[";
  bool first = true;
  for (const auto& view : snapshot.interfaces) {
    const auto entry = history.Find(view->record.key, now_unix_seconds);
    if (!entry || !HasAnyValue(entry->points)) continue;
    if (!first) out += ',';
    first = false;
    std::array<std::optional<double>, RateHistory::kPoints> rx, tx, utilization;
    for (std::size_t i = 0; i < entry->points.size(); ++i) {
      rx[i] = DequantizeRate(entry->points[i].receive);
      tx[i] = DequantizeRate(entry->points[i].transmit);
      utilization[i] = DequantizeUtilization(entry->points[i].utilization);
    }
    out += "{\"source\":";
    AppendJsonString(out, view->record.key.source);
    out += ",\"id\":";
    AppendJsonString(out, view->record.key.id);
    out += ',';
    AppendSeries(out, "rx_bps", rx);
    out += ',';
    AppendSeries(out, "tx_bps", tx);
    out += ',';
    AppendSeries(out, "utilization", utilization);
    out += '}';
  }
  out += "]}\n";
  return out;
}

std::string RenderEventsJson(const std::vector<PageEvent>& events, double now_unix_seconds) {
  std::string out;
  AppendHeader(out, now_unix_seconds);
  out += ",\"events\":[";
  for (std::size_t i = 0; i < events.size(); ++i) {
    const PageEvent& event = events[i];
    if (i != 0) out += ',';
    out += "{\"sequence\":";
    AppendJsonNumber(out, static_cast<double>(event.sequence));
    out += ",\"unix_seconds\":";
    AppendJsonNumber(out, event.unix_seconds, 13);
    out += ",\"source\":";
    AppendJsonString(out, event.key.source);
    out += ",\"id\":";
    AppendJsonString(out, event.key.id);
    out += ",\"name\":";
    AppendJsonString(out, event.name);
    out += ",\"kind\":";
    AppendJsonString(out, event.kind);
    out += ",\"from\":";
    AppendJsonString(out, event.from);
    out += ",\"to\":";
    AppendJsonString(out, event.to);
    out += '}';
  }
  out += "]}\n";
  return out;
}

std::vector<TargetStatus> TargetsFromSelfMetrics(
    const std::vector<prometheus::MetricFamily>& families) {
  std::map<std::string, TargetStatus> targets;
  for (const auto& family : families) {
    if (family.name.rfind("netif_snmp_", 0) != 0) continue;
    for (const auto& metric : family.metric) {
      const auto* target = FindLabel(metric, "target");
      if (target == nullptr) continue;
      TargetStatus& status = targets[target->value];
      status.name = target->value;
      const double value = ValueOf(family, metric);
      if (family.name == "netif_snmp_target_up") {
        status.up = value != 0;
      } else if (family.name == "netif_snmp_last_success_timestamp_seconds") {
        if (value > 0) status.last_success_unix_seconds = value;
      } else if (family.name == "netif_snmp_poll_duration_seconds") {
        status.poll_duration_seconds = value;
      } else if (family.name == "netif_snmp_interfaces") {
        status.interfaces = value;
      } else if (family.name == "netif_snmp_errors_total") {
        const auto* kind = FindLabel(metric, "kind");
        status.errors[kind ? kind->value : ""] += value;
      }
    }
  }
  std::vector<TargetStatus> out;
  out.reserve(targets.size());
  for (auto& [name, status] : targets) out.push_back(std::move(status));
  return out;
}

std::string RenderTargetsJson(const std::vector<TargetStatus>& targets, double now_unix_seconds) {
  std::string out;
  AppendHeader(out, now_unix_seconds);
  out += ",\"targets\":[";
  for (std::size_t i = 0; i < targets.size(); ++i) {
    const TargetStatus& target = targets[i];
    if (i != 0) out += ',';
    out += "{\"name\":";
    AppendJsonString(out, target.name);
    out += ",\"up\":";
    AppendJsonBool(out, target.up);
    out += ",\"last_success_unix_seconds\":";
    AppendJsonNumber(out, target.last_success_unix_seconds, 13);
    out += ",\"poll_duration_seconds\":";
    AppendJsonNumber(out, target.poll_duration_seconds, 4);
    out += ",\"interfaces\":";
    AppendJsonNumber(out, target.interfaces);
    out += ",\"errors\":{";
    bool first = true;
    for (const auto& [kind, count] : target.errors) {
      if (!first) out += ',';
      first = false;
      AppendKey(out, kind);
      AppendJsonNumber(out, count);
    }
    out += "}}";
  }
  out += "]}\n";
  return out;
}

std::string RenderStatusJson(const NamedValues& build, const NamedValues& config,
                             double now_unix_seconds) {
  std::string out;
  AppendHeader(out, now_unix_seconds);
  for (const auto& [section, values] : {std::pair{"build", &build}, std::pair{"config", &config}}) {
    out += ',';
    AppendKey(out, section);
    out += '[';
    for (std::size_t i = 0; i < values->size(); ++i) {
      if (i != 0) out += ',';
      out += "{\"name\":";
      AppendJsonString(out, (*values)[i].first);
      out += ",\"value\":";
      AppendJsonString(out, (*values)[i].second);
      out += '}';
    }
    out += ']';
  }
  out += "}\n";
  return out;
}

}  // namespace netif
