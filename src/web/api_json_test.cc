#include "web/api_json.h"

#include <gtest/gtest.h>

#include <memory>

namespace netif {
namespace {

std::shared_ptr<const InterfaceView> Interface() {
  auto view = std::make_shared<InterfaceView>();
  view->record.key = {"local", "eth\xff\"0"};
  view->record.name = "eth\xff\"0";
  view->record.attributes.alias = "uplink <core>";
  view->record.attributes.admin_up = true;
  view->record.attributes.oper_state = OperState::kUp;
  view->record.attributes.carrier = true;
  view->record.attributes.speed_bps = 1000000000;
  view->derived.receive.bits_per_second = 1.5e6;
  view->derived.transmit.bits_per_second = 250;
  view->derived.receive.errors_per_second = 1;
  view->derived.transmit.errors_per_second = 0.5;
  view->derived.utilization = 0.0015;
  view->derived.anomaly.active.Set(AnomalyKind::kSpike, true);
  view->derived.anomaly.score = 0.91234;
  view->link.transitions_down = 3;
  view->link.last_change_unix_seconds = 1765000000.25;
  return view;
}

TEST(InterfacesJsonTest, RendersEveryColumnEscaped) {
  Snapshot snapshot;
  snapshot.interfaces = {Interface()};
  EXPECT_EQ(
      RenderInterfacesJson(snapshot, nullptr, 1765000001),
      "{\"api_version\":1,\"generated_unix_seconds\":1765000001,\"interfaces\":["
      "{\"source\":\"local\",\"id\":\"eth\xEF\xBF\xBD\\\"0\",\"name\":\"eth\xEF\xBF\xBD\\\"0\","
      "\"alias\":\"uplink \\u003ccore>\",\"admin_up\":true,\"oper\":\"up\",\"carrier\":true,"
      "\"speed_bps\":1000000000,\"rx_bps\":1500000,\"tx_bps\":250,\"utilization\":0.0015,"
      "\"errors_per_second\":1.5,\"drops_per_second\":null,\"anomaly\":[\"spike\"],"
      "\"anomaly_score\":0.912,\"flaps_1h\":null,\"transitions_down_total\":3,"
      "\"last_change_unix_seconds\":1765000000.25}]}\n");
}

TEST(InterfacesJsonTest, UnknownFieldsAreNull) {
  auto view = std::make_shared<InterfaceView>();
  view->record.key = {"sw1", "7"};
  view->record.name = "Gi0/7";
  Snapshot snapshot;
  snapshot.interfaces = {view};
  HistoryBook book;
  book.Record(snapshot, 120);
  const std::string json = RenderInterfacesJson(snapshot, &book, 130);
  EXPECT_NE(json.find("\"alias\":null,\"admin_up\":null,\"oper\":null,\"carrier\":null,"
                      "\"speed_bps\":null,\"rx_bps\":null"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find("\"anomaly\":[],\"anomaly_score\":null,\"flaps_1h\":0"), std::string::npos)
      << json;
}

TEST(HistoryJsonTest, SixtyPointsOldestFirst) {
  Snapshot snapshot;
  snapshot.interfaces = {Interface()};
  HistoryBook book;
  book.Record(snapshot, 6000);
  const std::string json = RenderHistoryJson(snapshot, book, 6030);
  std::string nulls;
  for (int i = 0; i < 59; ++i) nulls += "null,";
  EXPECT_NE(json.find("\"rx_bps\":[" + nulls + "1.5e+06]"), std::string::npos) << json;
  EXPECT_NE(json.find("\"tx_bps\":[" + nulls + "250]"), std::string::npos) << json;
  EXPECT_NE(json.find("\"utilization\":[" + nulls + "0.0015]"), std::string::npos) << json;
  EXPECT_NE(json.find("\"step_seconds\":60,\"points\":60"), std::string::npos);
}

TEST(EventsJsonTest, RendersEachEvent) {
  EventLog log(2);
  log.Add({0, 10.5, {"local", "veth0"}, "veth0", "link", "up", "down"});
  log.Add({0, 11, {"local", "veth0"}, "veth0", "link", "down", "up"});
  log.Add({0, 12, {"sw1", "3"}, "Gi0/3", "anomaly", "", "spike"});
  const auto events = log.Events();
  ASSERT_EQ(events.size(), 2u);  // the oldest left
  EXPECT_EQ(RenderEventsJson(events, 13),
            "{\"api_version\":1,\"generated_unix_seconds\":13,\"events\":["
            "{\"sequence\":2,\"unix_seconds\":11,\"source\":\"local\",\"id\":\"veth0\","
            "\"name\":\"veth0\",\"kind\":\"link\",\"from\":\"down\",\"to\":\"up\"},"
            "{\"sequence\":3,\"unix_seconds\":12,\"source\":\"sw1\",\"id\":\"3\","
            "\"name\":\"Gi0/3\",\"kind\":\"anomaly\",\"from\":\"\",\"to\":\"spike\"}]}\n");
}

prometheus::MetricFamily Family(
    std::string name, prometheus::MetricType type,
    std::vector<std::pair<prometheus::ClientMetric::Label, double>> series) {
  prometheus::MetricFamily family{name, "", type, {}};
  for (auto& [label, value] : series) {
    prometheus::ClientMetric metric;
    metric.label.push_back(label);
    metric.gauge.value = value;
    metric.counter.value = value;
    family.metric.push_back(metric);
  }
  return family;
}

TEST(TargetsJsonTest, GathersEachTargetsSelfMetrics) {
  std::vector<prometheus::MetricFamily> families = {
      Family("netif_snmp_target_up", prometheus::MetricType::Gauge,
             {{{"target", "sw2"}, 0}, {{"target", "sw1"}, 1}}),
      Family("netif_snmp_last_success_timestamp_seconds", prometheus::MetricType::Gauge,
             {{{"target", "sw1"}, 1765000000}, {{"target", "sw2"}, 0}}),
      Family("netif_snmp_poll_duration_seconds", prometheus::MetricType::Gauge,
             {{{"target", "sw1"}, 0.125}}),
      Family("netif_build_info", prometheus::MetricType::Gauge, {{{"target", "x"}, 1}}),
  };
  prometheus::MetricFamily errors{
      "netif_snmp_errors_total", "", prometheus::MetricType::Counter, {}};
  prometheus::ClientMetric timeout;
  timeout.label = {{"target", "sw2"}, {"kind", "timeout"}};
  timeout.counter.value = 4;
  errors.metric.push_back(timeout);
  families.push_back(errors);
  const auto targets = TargetsFromSelfMetrics(families);
  ASSERT_EQ(targets.size(), 2u);
  EXPECT_EQ(RenderTargetsJson(targets, 5),
            "{\"api_version\":1,\"generated_unix_seconds\":5,\"targets\":["
            "{\"name\":\"sw1\",\"up\":true,\"last_success_unix_seconds\":1765000000,"
            "\"poll_duration_seconds\":0.125,\"interfaces\":null,\"errors\":{}},"
            "{\"name\":\"sw2\",\"up\":false,\"last_success_unix_seconds\":null,"
            "\"poll_duration_seconds\":null,\"interfaces\":null,\"errors\":{\"timeout\":4}}]}\n");
}

TEST(StatusJsonTest, NamedValuesInOrder) {
  EXPECT_EQ(RenderStatusJson({{"version", "1.0"}}, {{"snmp community", "<redacted>"}}, 1),
            "{\"api_version\":1,\"generated_unix_seconds\":1,\"build\":[{\"name\":\"version\","
            "\"value\":\"1.0\"}],\"config\":[{\"name\":\"snmp community\",\"value\":"
            "\"\\u003credacted>\"}]}\n");
}

}  // namespace
}  // namespace netif
