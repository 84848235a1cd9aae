// One target's poll cycle end to end over fakes: a made-up device behind a fake session (opened
// through TargetPoller::Seams, with net-snmp's retry timer played on the test's clock), a
// recording sink, a recorded host lookup, and the loop of SnmpSource played by the test. Real
// agents are in tests/integration/snmp_*_test.cc.
#include "collectors/snmp/target_poller.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <poll.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "support/snmp/agents.h"
#include "support/snmp/fake_device.h"
#include "support/snmp/recording_sink.h"
#include "support/snmp/synthetic_if_mib.h"
#include "util/log.h"

namespace netif {
namespace {

using ::testing::HasSubstr;
using testing_support::FakeDevice;
using testing_support::FakePort;
using testing_support::LabelValue;
using testing_support::RecordingSink;

constexpr int kFakeFd = 1000;  // never polled: the test plays the loop

// What the fake sessions of one test share: the device, the clock, what was sent, and how the
// agent behaves right now.
struct FakeAgent {
  struct Request {
    enum class Kind { kProbe, kGetBulk, kGetNext } kind;
    std::vector<Oid> oids;
    size_t non_repeaters = 0;
  };

  FakeDevice device;
  const double* now = nullptr;
  bool silent = false;      // requests get no answer: net-snmp resends, then times out
  double answer_delay = 0;  // seconds each answer takes
  // When set, the agent serves this computed IF-MIB (e.g. an endless ifTable) instead of `device`.
  std::optional<testing_support::SyntheticIfMib> synthetic;
  bool v3 = false;  // a session needs the engine ID (a probe) before its requests
  std::optional<std::string> open_error;
  int sessions_opened = 0;
  std::vector<Request> requests;
  std::vector<SnmpEvent>* queue = nullptr;  // the live session's pending events

  size_t Count(Request::Kind kind) const {
    return static_cast<size_t>(std::count_if(requests.begin(), requests.end(),
                                             [&](const Request& r) { return r.kind == kind; }));
  }
};

// An AgentSession in front of FakeAgent: answers at once (the poller reads the answer on its
// next OnReady), or, when the agent is silent, resends after `timeout` and gives up after
// `retries` resends, as net-snmp does.
class FakeSession final : public AgentSession {
 public:
  FakeSession(FakeAgent& agent, const SnmpSessionOptions& options)
      : agent_(agent),
        timeout_(std::chrono::duration<double>(options.timeout).count()),
        retries_(options.retries) {
    agent_.queue = &events_;
  }
  ~FakeSession() override { agent_.queue = nullptr; }

  int fd() const override { return kFakeFd; }
  bool NeedsEngineId() const override { return agent_.v3 && !discovered_; }
  std::variant<int, std::string> SendEngineProbe() override {
    return Send({FakeAgent::Request::Kind::kProbe, {}, 0}, [](SnmpEvent& event) {
      event.kind = SnmpEvent::Kind::kReport;
      event.report = SnmpReport::kUnknownEngineId;
    });
  }
  std::variant<int, std::string> SendGetBulk(std::span<const Oid> oids, size_t non_repeaters,
                                             uint32_t max_repetitions) override {
    return Send({FakeAgent::Request::Kind::kGetBulk, {oids.begin(), oids.end()}, non_repeaters},
                [&](SnmpEvent& event) {
                  event.varbinds =
                      agent_.synthetic
                          ? agent_.synthetic->Bulk(oids, non_repeaters, max_repetitions)
                          : agent_.device.agent().Bulk(oids, non_repeaters, max_repetitions);
                });
  }
  std::variant<int, std::string> SendGetNext(std::span<const Oid> oids) override {
    return Send({FakeAgent::Request::Kind::kGetNext, {oids.begin(), oids.end()}, 0},
                [&](SnmpEvent& event) {
                  event.varbinds = agent_.synthetic ? agent_.synthetic->GetNext(oids)
                                                    : agent_.device.agent().GetNext(oids);
                });
  }
  std::optional<std::string> OnEngineDiscovered() override {
    discovered_ = true;
    return std::nullopt;
  }
  SnmpReadResult Read() override {
    SnmpReadResult result;
    result.events.swap(events_);
    return result;
  }
  std::vector<SnmpEvent> HandleTimeouts() override {
    std::vector<SnmpEvent> events;
    // A slow agent's answers arrive once their time has come (the loop then reads them).
    while (!delayed_.empty() && delayed_.front().first <= *agent_.now) {
      events_.push_back(std::move(delayed_.front().second));
      delayed_.erase(delayed_.begin());
    }
    if (pending_ == 0 || *agent_.now < deadline_) return events;
    SnmpEvent event;
    event.request_id = pending_;
    if (attempts_ <= retries_) {
      ++attempts_;
      deadline_ = *agent_.now + timeout_;
      event.kind = SnmpEvent::Kind::kResend;
    } else {
      pending_ = 0;
      event.kind = SnmpEvent::Kind::kTimeout;
    }
    events.push_back(std::move(event));
    return events;
  }
  std::optional<double> TimeUntilTimeout() override {
    std::optional<double> left;
    if (pending_ != 0) left = std::max(0.0, deadline_ - *agent_.now);
    if (!delayed_.empty()) {
      const double answer = std::max(0.0, delayed_.front().first - *agent_.now);
      left = left ? std::min(*left, answer) : answer;
    }
    return left;
  }

 private:
  template <typename Answer>
  std::variant<int, std::string> Send(FakeAgent::Request request, Answer&& answer) {
    agent_.requests.push_back(std::move(request));
    const int id = next_id_++;
    if (agent_.silent) {
      pending_ = id;
      attempts_ = 1;
      deadline_ = *agent_.now + timeout_;
    } else {
      SnmpEvent event;
      event.kind = SnmpEvent::Kind::kResponse;
      event.request_id = id;
      answer(event);
      if (agent_.answer_delay > 0) {
        delayed_.emplace_back(*agent_.now + agent_.answer_delay, std::move(event));
      } else {
        events_.push_back(std::move(event));
      }
    }
    return id;
  }

  FakeAgent& agent_;
  const double timeout_;
  const uint32_t retries_;
  bool discovered_ = false;
  int next_id_ = 1;
  int pending_ = 0;  // the request net-snmp would be retrying
  uint32_t attempts_ = 0;
  double deadline_ = 0;
  std::vector<SnmpEvent> events_;
  std::vector<std::pair<double, SnmpEvent>> delayed_;  // (when it arrives, the answer)
};

class RecordingLookup final : public HostLookup {
 public:
  void Request(size_t id, SnmpAddress address) override {
    requests.emplace_back(id, std::move(address));
  }
  std::vector<std::pair<size_t, SnmpAddress>> requests;
};

class TargetPollerTest : public ::testing::Test {
 protected:
  TargetPollerTest() {
    agent_.now = &now_;
    agent_.device.AddPort({.if_index = 1, .name = "Gi0/1", .alias = "uplink"});
    agent_.device.AddPort({.if_index = 2, .name = "Gi0/2", .alias = "server"});
    agent_.device.SetIfNumber(2);
    config_.name = "sw1";
    config_.address.host = "192.0.2.1";
    config_.settings.interval = std::chrono::seconds(10);
    config_.settings.timeout = std::chrono::seconds(1);
    config_.settings.retries = 2;
    config_.settings.metadata_every = 10;
  }

  void Start() {
    TargetPoller::Seams seams;
    seams.open_session = [this](const SnmpSessionOptions& options)
        -> std::variant<std::unique_ptr<AgentSession>, std::string> {
      if (agent_.open_error) return *agent_.open_error;
      ++agent_.sessions_opened;
      last_options_ = options;
      return std::unique_ptr<AgentSession>(std::make_unique<FakeSession>(agent_, options));
    };
    seams.clock = [this] { return SampleTime{now_, 1'700'000'000 + now_}; };
    poller_ = std::make_unique<TargetPoller>(0, config_, sink_, metrics_, runs_, lookup_,
                                             std::move(seams));
  }

  // Plays SnmpSource's loop on the test's clock until `until`: reads whatever the agent
  // answered, else jumps to the next deadline.
  void RunUntil(double until) {
    for (int steps = 0; steps < 100000; ++steps) {
      poller_->Advance(now_);
      const TargetPoller::Wait wait = poller_->NextWait();
      if (wait.fd == kFakeFd && agent_.queue != nullptr && !agent_.queue->empty()) {
        poller_->OnReady(POLLIN, now_);
        continue;
      }
      if (wait.deadline > until) break;
      now_ = std::max(now_, wait.deadline);
    }
    now_ = until;
    poller_->Advance(now_);
  }
  // The next poll, to its end. "sw1" polls at 7.54 s past each 10 s (its stable offset), and a
  // poll that times out ends 3 s later: 15 s, 25 s, ... fall between two polls.
  void NextPoll() {
    RunUntil(15 + 10 * polls_);
    ++polls_;
  }

  double Counter(const std::string& name) {
    return metrics_.Counter(name, {{"target", "sw1"}}).Value();
  }
  double Gauge(const std::string& name) {
    return metrics_.Gauge(name, {{"target", "sw1"}}).Value();
  }
  double ErrorCount(const std::string& kind) {
    return metrics_.Counter("netif_snmp_errors_total", {{"target", "sw1"}, {"kind", kind}}).Value();
  }
  // Whether request `i` asked for a slow column (a metadata walk).
  bool AsksForSlowColumns(size_t i) const {
    const Oid descr = IfColumnOid(IfColumn::kDescr);
    const Oid alias = IfColumnOid(IfColumn::kAlias);
    for (const Oid& oid : agent_.requests.at(i).oids) {
      if (OidStartsWith(oid, descr) || OidStartsWith(oid, alias)) return true;
    }
    return false;
  }
  bool PollAskedForSlowColumns(size_t first_request) const {
    for (size_t i = first_request; i < agent_.requests.size(); ++i) {
      if (AsksForSlowColumns(i)) return true;
    }
    return false;
  }

  double now_ = 0;
  int polls_ = 0;
  FakeAgent agent_;
  SnmpTargetConfig config_;
  std::optional<SnmpSessionOptions> last_options_;
  RecordingSink sink_;
  RecordingLookup lookup_;
  SelfMetrics metrics_;
  CollectorRuns runs_{metrics_, "snmp"};
  std::unique_ptr<TargetPoller> poller_;
};

TEST_F(TargetPollerTest, FirstPollWalksEverythingAndPublishesEveryPort) {
  Start();
  NextPoll();
  ASSERT_EQ(sink_.samples.size(), 1u);
  EXPECT_EQ(sink_.samples[0].source, "snmp/sw1");
  ASSERT_EQ(sink_.samples[0].records.size(), 2u);
  EXPECT_EQ(LabelValue(sink_.samples[0].records[1], "ifName"), "Gi0/2");
  EXPECT_EQ(LabelValue(sink_.samples[0].records[1], "ifAlias"), "server");
  EXPECT_TRUE(PollAskedForSlowColumns(0));
  EXPECT_EQ(agent_.sessions_opened, 1);
  ASSERT_TRUE(last_options_.has_value());
  EXPECT_EQ(last_options_->peer, "udp:192.0.2.1:161");
  EXPECT_EQ(Gauge("netif_snmp_target_up"), 1);
  EXPECT_EQ(Gauge("netif_snmp_interfaces"), 2);
  EXPECT_EQ(Counter("netif_snmp_pdus_sent_total"), static_cast<double>(agent_.requests.size()));
  EXPECT_EQ(Counter("netif_snmp_pdus_received_total"), static_cast<double>(agent_.requests.size()));
  // The first request asks for the scalars and a few rows; once ifNumber.0 is known the next ones
  // are sized by it.
  EXPECT_EQ(agent_.requests[0].non_repeaters, 2u);
}

TEST_F(TargetPollerTest, PollsBetweenMetadataPollsWalkOnlyFastColumnsAndKeepTheNames) {
  Start();
  NextPoll();
  const size_t before = agent_.requests.size();
  agent_.device.SetUnsigned(IfColumn::kHCInOctets, 1, SnmpType::kCounter64, 777);
  NextPoll();
  ASSERT_EQ(sink_.samples.size(), 2u);
  EXPECT_FALSE(PollAskedForSlowColumns(before));
  const InterfaceRecord& port1 = sink_.samples[1].records.at(0);
  EXPECT_EQ(LabelValue(port1, "ifName"), "Gi0/1");
  EXPECT_EQ(LabelValue(port1, "ifAlias"), "uplink");
  EXPECT_EQ(port1.attributes.speed_bps, 1'000'000'000u);
  EXPECT_EQ(port1.counters.Get(Counter::kReceiveBytes), 777u);
  EXPECT_EQ(agent_.sessions_opened, 1);  // the session stays open between polls
}

TEST_F(TargetPollerTest, ASilentAgentTimesOutAfterEveryRetry) {
  agent_.silent = true;
  Start();
  NextPoll();
  EXPECT_TRUE(sink_.samples.empty());
  EXPECT_EQ(agent_.requests.size(), 1u);  // resends are net-snmp's, not new requests
  EXPECT_EQ(Counter("netif_snmp_retries_total"), 2);
  EXPECT_EQ(Counter("netif_snmp_pdus_sent_total"), 3);
  EXPECT_EQ(Counter("netif_snmp_timeouts_total"), 1);
  EXPECT_EQ(ErrorCount("timeout"), 1);
  EXPECT_EQ(ErrorCount("transport"), 0);
  EXPECT_EQ(Gauge("netif_snmp_target_up"), 0);
}

TEST_F(TargetPollerTest, AFailedPollClosesTheSessionAndTheNextOneStartsAfresh) {
  Start();
  NextPoll();
  agent_.silent = true;
  NextPoll();
  EXPECT_EQ(Gauge("netif_snmp_target_up"), 0);
  agent_.silent = false;
  NextPoll();
  EXPECT_EQ(Gauge("netif_snmp_target_up"), 1);
  EXPECT_EQ(agent_.sessions_opened, 2);
  EXPECT_EQ(sink_.samples.size(), 2u);
}

TEST_F(TargetPollerTest, AnUnopenableSessionFailsAsTransport) {
  agent_.open_error = "cannot open an SNMP session";
  Start();
  NextPoll();
  EXPECT_EQ(ErrorCount("transport"), 1);
  EXPECT_EQ(Gauge("netif_snmp_target_up"), 0);
  EXPECT_TRUE(agent_.requests.empty());
}

TEST_F(TargetPollerTest, AnAgentRestartRewalksTheMetadataInTheSamePoll) {
  Start();
  NextPoll();
  agent_.device.SetUptime(101000);
  NextPoll();  // a fast poll: no restart
  // The agent restarts (sysUpTime goes back) and names its port 1 differently.
  agent_.device.SetUptime(300);
  agent_.device.SetText(IfColumn::kName, 1, "Te1/1");
  const size_t before = agent_.requests.size();
  NextPoll();
  EXPECT_TRUE(PollAskedForSlowColumns(before));
  ASSERT_EQ(sink_.samples.size(), 3u);
  EXPECT_EQ(LabelValue(sink_.samples[2].records.at(0), "ifName"), "Te1/1");
  // ifLastChange (50 ticks) is placed after the new start: 3 s before the poll, plus 0.5 s.
  const double poll_unix = sink_.samples[2].time.unix_seconds;
  ASSERT_TRUE(sink_.samples[2].records[0].attributes.last_change_seconds.has_value());
  EXPECT_NEAR(*sink_.samples[2].records[0].attributes.last_change_seconds, poll_unix - 2.5, 1e-6);
}

TEST_F(TargetPollerTest, ATableThatShrinksAndGrowsIsReadInFull) {
  Start();
  NextPoll();
  agent_.device.RemovePort(2);
  size_t before = agent_.requests.size();
  NextPoll();
  EXPECT_TRUE(PollAskedForSlowColumns(before));
  ASSERT_EQ(sink_.samples.size(), 2u);
  EXPECT_EQ(sink_.samples[1].records.size(), 1u);
  EXPECT_EQ(Gauge("netif_snmp_interfaces"), 1);

  agent_.device.AddPort({.if_index = 7, .name = "Gi0/7", .alias = "new"});
  before = agent_.requests.size();
  NextPoll();
  EXPECT_TRUE(PollAskedForSlowColumns(before));
  ASSERT_EQ(sink_.samples.size(), 3u);
  ASSERT_EQ(sink_.samples[2].records.size(), 2u);
  EXPECT_EQ(sink_.samples[2].records[1].key.id, "7");
  EXPECT_EQ(LabelValue(sink_.samples[2].records[1], "ifName"), "Gi0/7");

  // Unchanged again: back to fast polls.
  before = agent_.requests.size();
  NextPoll();
  EXPECT_FALSE(PollAskedForSlowColumns(before));
  EXPECT_EQ(sink_.samples[3].records.size(), 2u);
}

TEST_F(TargetPollerTest, SnmpV3DiscoversTheEngineIdAgainAfterAFailure) {
  agent_.v3 = true;
  config_.version = SnmpVersion::kV3;
  Start();
  NextPoll();
  EXPECT_EQ(agent_.Count(FakeAgent::Request::Kind::kProbe), 1u);
  EXPECT_EQ(agent_.requests[0].kind, FakeAgent::Request::Kind::kProbe);
  EXPECT_EQ(sink_.samples.size(), 1u);
  NextPoll();  // the session knows the engine ID: no probe
  EXPECT_EQ(agent_.Count(FakeAgent::Request::Kind::kProbe), 1u);

  agent_.silent = true;
  NextPoll();
  EXPECT_EQ(ErrorCount("timeout"), 1);
  agent_.silent = false;
  const size_t before = agent_.requests.size();
  NextPoll();
  EXPECT_EQ(agent_.Count(FakeAgent::Request::Kind::kProbe), 2u);
  EXPECT_EQ(agent_.requests.at(before).kind, FakeAgent::Request::Kind::kProbe);
  EXPECT_EQ(sink_.samples.size(), 3u);
  EXPECT_EQ(Gauge("netif_snmp_target_up"), 1);
}

TEST_F(TargetPollerTest, ASilentEngineIdProbeTimesOutAsTheProbe) {
  agent_.v3 = true;
  agent_.silent = true;
  config_.version = SnmpVersion::kV3;
  ConfigureLogging(LogSeverity::kInfo, LogLineFormat::kLogfmt);
  Start();
  ::testing::internal::CaptureStderr();
  NextPoll();
  DrainLogs(std::chrono::seconds(5));  // lines are written by the log thread
  const std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_THAT(log, HasSubstr("engine ID probe"));
  EXPECT_EQ(ErrorCount("timeout"), 1);
}

TEST_F(TargetPollerTest, SeriesAreRemovedOnceStaleAfterHasPassedSinceTheLastSuccess) {
  config_.settings.stale_after = std::chrono::seconds(35);
  Start();
  NextPoll();
  ASSERT_EQ(sink_.samples.size(), 1u);
  const double last_success = sink_.samples[0].time.monotonic_seconds;
  agent_.silent = true;
  RunUntil(last_success + 34.9);  // three failed polls
  EXPECT_EQ(ErrorCount("timeout"), 3);
  EXPECT_TRUE(sink_.removed_sources.empty());
  EXPECT_EQ(Gauge("netif_snmp_interfaces"), 2);
  RunUntil(last_success + 35);
  EXPECT_EQ(sink_.removed_sources, std::vector<std::string>{"snmp/sw1"});
  EXPECT_EQ(Gauge("netif_snmp_interfaces"), 0);
  RunUntil(now_ + 30);
  EXPECT_EQ(sink_.removed_sources.size(), 1u);  // once
}

TEST_F(TargetPollerTest, AHostNameIsResolvedThroughTheLookupEachTimeAfterAFailure) {
  config_.address.host = "sw1.example.net";
  Start();
  RunUntil(10);
  ASSERT_EQ(lookup_.requests.size(), 1u);
  EXPECT_EQ(lookup_.requests[0].first, 0u);
  EXPECT_EQ(lookup_.requests[0].second.host, "sw1.example.net");
  EXPECT_TRUE(agent_.requests.empty());  // waiting for the address

  HostResolver::Result result;
  result.id = 0;
  result.resolved = ResolveNumeric(SnmpAddress{SnmpTransport::kUdp, "192.0.2.7", 161});
  poller_->OnResolved(std::move(result), now_);
  RunUntil(15);
  ASSERT_EQ(sink_.samples.size(), 1u);
  ASSERT_TRUE(last_options_.has_value());
  EXPECT_EQ(last_options_->peer, "udp:192.0.2.7:161");

  // A failure forgets the address: the next poll asks again, and a failed lookup fails it.
  agent_.silent = true;
  RunUntil(25);
  agent_.silent = false;
  RunUntil(35);
  ASSERT_EQ(lookup_.requests.size(), 2u);
  HostResolver::Result failed;
  failed.id = 0;
  failed.error = "no such host";
  poller_->OnResolved(std::move(failed), now_);
  EXPECT_EQ(ErrorCount("transport"), 1);
}

TEST_F(TargetPollerTest, ARefusedTcpConnectFailsAsTransportBeforeAnySession) {
  // A loopback port nobody listens on.
  const int port = testing_support::FreeLoopbackPort(/*tcp=*/true);
  config_.address = {SnmpTransport::kTcp, "127.0.0.1", static_cast<uint16_t>(port)};
  Start();
  // The connect's outcome arrives on its socket: wait for it as SnmpSource does.
  for (int i = 0; i < 100 && ErrorCount("transport") == 0; ++i) {
    RunUntil(std::max(now_, 10.0));
    const TargetPoller::Wait wait = poller_->NextWait();
    if (wait.fd >= 0 && wait.events == POLLOUT) {
      pollfd pfd{wait.fd, POLLOUT, 0};
      if (::poll(&pfd, 1, 1000) == 1) poller_->OnReady(pfd.revents, now_);
    }
  }
  EXPECT_EQ(ErrorCount("transport"), 1);
  EXPECT_EQ(agent_.sessions_opened, 0);
}

TEST_F(TargetPollerTest, TooBigHalvesTheRequests) {
  Start();
  // The first request comes back tooBig (an agent may say so rather than send fewer rows); the
  // request is sent again asking for half the columns.
  RunUntil(0);
  ASSERT_TRUE(agent_.requests.empty());
  now_ = poller_->NextWait().deadline;  // the first poll is due
  poller_->Advance(now_);
  ASSERT_EQ(agent_.requests.size(), 1u);
  ASSERT_NE(agent_.queue, nullptr);
  ASSERT_EQ(agent_.queue->size(), 1u);
  (*agent_.queue)[0].error_status = kSnmpErrorTooBig;
  (*agent_.queue)[0].varbinds.clear();
  poller_->OnReady(POLLIN, now_);
  ASSERT_EQ(agent_.requests.size(), 2u);
  EXPECT_EQ(agent_.requests[1].oids.size() - agent_.requests[1].non_repeaters,
            kMaxColumnsPerRequest / 2);
  RunUntil(15);
  EXPECT_EQ(sink_.samples.size(), 1u);
  EXPECT_EQ(sink_.samples[0].records.size(), 2u);
  EXPECT_EQ(Gauge("netif_snmp_target_up"), 1);
}

// ---- per-target limits ----

// An agent whose ifTable never ends (every ifIndex up to 2^32-1): the walk stops one row past
// max_interfaces, the poll fails with too_many_interfaces, and nothing of it is published; the
// last good sample of the device stays the last one the sink saw.
TEST_F(TargetPollerTest, AnEndlessTableFailsThePollAtMaxInterfaces) {
  config_.settings.max_interfaces = 300;
  config_.settings.max_repetitions = 50;
  Start();
  NextPoll();
  ASSERT_EQ(sink_.samples.size(), 1u);  // the 2-port device, polled once
  agent_.synthetic.emplace(testing_support::SyntheticIfMib::kEndless);
  const size_t before = agent_.requests.size();
  NextPoll();
  EXPECT_EQ(sink_.samples.size(), 1u);
  EXPECT_EQ(ErrorCount("too_many_interfaces"), 1);
  EXPECT_EQ(Gauge("netif_snmp_target_up"), 0);
  EXPECT_EQ(Gauge("netif_snmp_interfaces"), 2);  // the last good poll's, until stale
  // A fast poll sized for the 2 ports it expects asks for more rows each request once past them
  // (2, 2, 4, 8, ... up to max_repetitions): the walk ends with the request that brings row 301,
  // not after 100,000 rows.
  EXPECT_LE(agent_.requests.size() - before, 20u);
  // It fails the same way every poll; the series go once stale_after has passed.
  NextPoll();
  NextPoll();
  EXPECT_EQ(ErrorCount("too_many_interfaces"), 3);
  EXPECT_EQ(sink_.samples.size(), 1u);
  NextPoll();
  EXPECT_THAT(sink_.removed_sources, ::testing::ElementsAre("snmp/sw1"));
}

TEST_F(TargetPollerTest, ADeviceAtExactlyMaxInterfacesIsPolled) {
  config_.settings.max_interfaces = 120;
  agent_.synthetic.emplace(120);
  Start();
  NextPoll();
  ASSERT_EQ(sink_.samples.size(), 1u);
  EXPECT_EQ(sink_.samples[0].records.size(), 120u);
  EXPECT_EQ(ErrorCount("too_many_interfaces"), 0);
  EXPECT_EQ(Gauge("netif_snmp_target_up"), 1);
  agent_.synthetic.emplace(121);  // one port more
  NextPoll();
  EXPECT_EQ(ErrorCount("too_many_interfaces"), 1);
  EXPECT_EQ(sink_.samples.size(), 1u);
}

TEST_F(TargetPollerTest, APollOverMaxVarbindsFailsAndPublishesNothing) {
  agent_.synthetic.emplace(100);
  config_.settings.max_varbinds = 1000;  // a full walk of 100 ports reads some 3,400
  Start();
  NextPoll();
  EXPECT_TRUE(sink_.samples.empty());
  EXPECT_EQ(ErrorCount("too_many_varbinds"), 1);
  EXPECT_EQ(ErrorCount("too_many_interfaces"), 0);
  EXPECT_EQ(Gauge("netif_snmp_target_up"), 0);
}

// An agent that answers, but so slowly that the walk would outlast its interval: the poll fails
// with walk_timeout once walk_timeout has passed since its first request, whatever each request
// took.
TEST_F(TargetPollerTest, AWalkThatOutlastsWalkTimeoutFails) {
  agent_.synthetic.emplace(1000);
  agent_.answer_delay = 0.5;  // within `timeout` (1 s): no request ever times out
  config_.settings.max_repetitions = 10;
  config_.settings.walk_timeout = std::chrono::seconds(4);
  Start();
  NextPoll();
  EXPECT_TRUE(sink_.samples.empty());
  EXPECT_EQ(ErrorCount("walk_timeout"), 1);
  EXPECT_EQ(ErrorCount("timeout"), 0);
  EXPECT_EQ(Gauge("netif_snmp_target_up"), 0);
  // 4 s of 0.5 s answers: about 8 requests, then the poll ended.
  EXPECT_GE(agent_.requests.size(), 7u);
  EXPECT_LE(agent_.requests.size(), 9u);
  // A device small enough to walk in time recovers on the next poll.
  agent_.synthetic.emplace(4);
  NextPoll();
  ASSERT_EQ(sink_.samples.size(), 1u);
  EXPECT_EQ(Gauge("netif_snmp_target_up"), 1);
}

// A poll longer than the interval skips the slots of the grid it overran, and counts them; a
// prompt one counts none.
TEST_F(TargetPollerTest, APollLongerThanItsIntervalCountsTheSlotsItSkipped) {
  const auto overruns = [this] {
    return metrics_.Counter("netif_scrape_collector_overruns_total", {{"collector", "snmp"}})
        .Value();
  };
  agent_.synthetic.emplace(4);
  Start();
  NextPoll();
  ASSERT_EQ(sink_.samples.size(), 1u);
  EXPECT_EQ(overruns(), 0);
  // 0.5 s per answer over a few hundred rows: many intervals (10 s), yet within walk_timeout.
  agent_.synthetic.emplace(300);
  agent_.answer_delay = 0.5;
  config_.settings.max_repetitions = 10;
  poller_.reset();
  config_.settings.walk_timeout = std::chrono::seconds(3600);
  Start();
  RunUntil(now_ + 1000);
  ASSERT_GE(sink_.samples.size(), 2u) << "the slow poll should have succeeded";
  EXPECT_GE(overruns(), 1);
}

}  // namespace
}  // namespace netif
