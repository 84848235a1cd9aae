// Host-name resolution: the scheduler's policy (cache, one lookup per name, limits, deadlines) on
// the test's clock, and the threaded resolver over a fake lookup that blocks until the test lets
// it go: a dead name delays no live one, and the resolver goes away while a lookup is stuck.
#include "collectors/snmp/resolver.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace netif {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

SnmpAddress Udp(const std::string& host, uint16_t port = 161) {
  return SnmpAddress{SnmpTransport::kUdp, host, port};
}

HostAnswer Address(const std::string& literal) {
  return *ResolveNumeric(SnmpAddress{SnmpTransport::kUdp, literal, 0});
}

HostAnswer NotFound(const std::string& host) {
  return "cannot resolve " + host + ": Name or service not known";
}

// id -> what it got: the peer ("udp:192.0.2.7:161") or the error.
std::map<size_t, std::string> Outcomes(const std::vector<HostLookupResult>& results) {
  std::map<size_t, std::string> outcomes;
  for (const HostLookupResult& result : results) {
    outcomes[result.id] = result.resolved ? result.resolved->peer : result.error;
  }
  return outcomes;
}

TEST(ResolverTest, NumericAddressesResolveAtOnceWithTheirPortAndTransport) {
  ASSERT_TRUE(ResolveNumeric(Udp("192.0.2.1", 1161)).has_value());
  EXPECT_EQ(ResolveNumeric(Udp("192.0.2.1", 1161))->peer, "udp:192.0.2.1:1161");
  EXPECT_EQ(ResolveNumeric({SnmpTransport::kTcp, "2001:db8::1", 161})->peer,
            "tcp6:[2001:db8::1]:161");
  EXPECT_FALSE(ResolveNumeric(Udp("sw1.example.net")).has_value());
}

TEST(LookupSchedulerTest, AnAnswerIsCachedAndServesEveryPortOfTheName) {
  LookupScheduler scheduler;
  scheduler.Request(1, Udp("sw1"), 0);
  EXPECT_THAT(scheduler.TakeStarts(), ElementsAre("sw1"));
  EXPECT_THAT(scheduler.TakeAnswers(), IsEmpty());
  scheduler.Finished("sw1", Address("192.0.2.7"), 0.1);
  EXPECT_THAT(Outcomes(scheduler.TakeAnswers()),
              ElementsAre(std::pair<const size_t, std::string>(1, "udp:192.0.2.7:161")));

  // Within the positive TTL: answered at once, no lookup.
  scheduler.Request(2, {SnmpTransport::kTcp, "sw1", 1161}, 60);
  EXPECT_THAT(scheduler.TakeStarts(), IsEmpty());
  EXPECT_THAT(Outcomes(scheduler.TakeAnswers()),
              ElementsAre(std::pair<const size_t, std::string>(2, "tcp:192.0.2.7:1161")));
  // Past it: looked up again.
  scheduler.Request(3, Udp("sw1"), 60.1);
  EXPECT_THAT(scheduler.TakeStarts(), ElementsAre("sw1"));
  EXPECT_THAT(scheduler.TakeAnswers(), IsEmpty());
}

TEST(LookupSchedulerTest, AFailureIsCachedForTheShorterNegativeTtl) {
  LookupScheduler scheduler;
  scheduler.Request(1, Udp("gone"), 0);
  ASSERT_THAT(scheduler.TakeStarts(), ElementsAre("gone"));
  scheduler.Finished("gone", NotFound("gone"), 1);
  EXPECT_THAT(Outcomes(scheduler.TakeAnswers())[1], HasSubstr("Name or service not known"));

  scheduler.Request(1, Udp("gone"), 10.9);
  EXPECT_THAT(scheduler.TakeStarts(), IsEmpty());
  EXPECT_THAT(Outcomes(scheduler.TakeAnswers())[1], HasSubstr("Name or service not known"));
  scheduler.Request(1, Udp("gone"), 11);
  EXPECT_THAT(scheduler.TakeStarts(), ElementsAre("gone"));
}

TEST(LookupSchedulerTest, ConcurrentRequestsForOneNameShareOneLookup) {
  LookupScheduler scheduler;
  scheduler.Request(1, Udp("sw1"), 0);
  scheduler.Request(2, Udp("sw1", 1161), 0.5);
  scheduler.Request(3, Udp("sw2"), 0.5);
  EXPECT_THAT(scheduler.TakeStarts(), ElementsAre("sw1", "sw2"));
  EXPECT_EQ(scheduler.running(), 2u);
  scheduler.Finished("sw1", Address("192.0.2.7"), 1);
  EXPECT_THAT(Outcomes(scheduler.TakeAnswers()),
              UnorderedElementsAre(std::pair<const size_t, std::string>(1, "udp:192.0.2.7:161"),
                                   std::pair<const size_t, std::string>(2, "udp:192.0.2.7:1161")));
  EXPECT_EQ(scheduler.running(), 1u);
}

TEST(LookupSchedulerTest, ALookupPastItsTimeoutFailsAtTheDeadlineAndIsNotRepeated) {
  LookupScheduler scheduler;  // timeout 5 s
  scheduler.Request(1, Udp("dead"), 0);
  ASSERT_THAT(scheduler.TakeStarts(), ElementsAre("dead"));
  EXPECT_EQ(scheduler.NextDeadline(), 5);
  scheduler.Expire(4.9);
  EXPECT_THAT(scheduler.TakeAnswers(), IsEmpty());
  scheduler.Expire(5);
  EXPECT_THAT(Outcomes(scheduler.TakeAnswers()),
              ElementsAre(std::pair<const size_t, std::string>(
                  1, "cannot resolve dead: no answer within 5s")));
  EXPECT_EQ(scheduler.NextDeadline(), std::numeric_limits<double>::infinity());

  // The stuck lookup is a cached failure meanwhile; once that expires a new request joins the
  // lookup still running rather than starting another.
  scheduler.Request(2, Udp("dead"), 6);
  EXPECT_THAT(Outcomes(scheduler.TakeAnswers())[2], HasSubstr("no answer within 5s"));
  scheduler.Request(3, Udp("dead"), 16);
  EXPECT_THAT(scheduler.TakeAnswers(), IsEmpty());
  EXPECT_THAT(scheduler.TakeStarts(), IsEmpty());
  EXPECT_EQ(scheduler.running(), 1u);
  EXPECT_EQ(scheduler.NextDeadline(), 21);

  // Its late answer is an answer all the same (and is cached).
  scheduler.Finished("dead", Address("192.0.2.9"), 18);
  EXPECT_EQ(Outcomes(scheduler.TakeAnswers())[3], "udp:192.0.2.9:161");
  EXPECT_EQ(scheduler.running(), 0u);
  scheduler.Request(4, Udp("dead"), 19);
  EXPECT_EQ(Outcomes(scheduler.TakeAnswers())[4], "udp:192.0.2.9:161");
}

TEST(LookupSchedulerTest, KnownDeadNamesGoLastAndHoldAtMostTheSuspectSlots) {
  LookupScheduler scheduler({.timeout = 5,
                             .max_lookups = 4,
                             .max_suspect_lookups = 1,
                             .positive_ttl = 60,
                             .negative_ttl = 10});
  for (const char* dead : {"dead1", "dead2", "dead3"}) {
    scheduler.Request(0, Udp(dead), 0);
    ASSERT_THAT(scheduler.TakeStarts(), ElementsAre(dead));
    scheduler.Finished(dead, NotFound(dead), 1);
  }
  scheduler.TakeAnswers();

  // Their failures expired: the three dead names ask again before a live one, yet only one of
  // them gets a lookup, and the live name gets one at once.
  scheduler.Request(1, Udp("dead1"), 20);
  scheduler.Request(2, Udp("dead2"), 20);
  scheduler.Request(3, Udp("dead3"), 20);
  scheduler.Request(4, Udp("live"), 20);
  EXPECT_THAT(scheduler.TakeStarts(), ElementsAre("dead1", "live"));
  scheduler.Finished("live", Address("192.0.2.10"), 20.01);
  EXPECT_EQ(Outcomes(scheduler.TakeAnswers())[4], "udp:192.0.2.10:161");
  scheduler.Finished("dead1", NotFound("dead1"), 21);
  EXPECT_THAT(scheduler.TakeStarts(), ElementsAre("dead2"));
}

TEST(LookupSchedulerTest, ALookupThatTimesOutBecomesASuspectHoldingASuspectSlot) {
  LookupScheduler scheduler({.timeout = 5,
                             .max_lookups = 3,
                             .max_suspect_lookups = 1,
                             .positive_ttl = 60,
                             .negative_ttl = 10});
  scheduler.Request(1, Udp("dead1"), 0);
  scheduler.Request(2, Udp("dead2"), 0);
  EXPECT_THAT(scheduler.TakeStarts(), ElementsAre("dead1", "dead2"));
  scheduler.Expire(5);  // both stuck past their timeout
  scheduler.TakeAnswers();
  scheduler.Request(3, Udp("dead3"), 5);  // never tried: may use the last slot
  EXPECT_THAT(scheduler.TakeStarts(), ElementsAre("dead3"));
  scheduler.Finished("dead3", NotFound("dead3"), 6);
  scheduler.TakeAnswers();
  // dead3 failed: a suspect now, and the two stuck suspects fill the suspect share already.
  scheduler.Request(4, Udp("dead3"), 17);
  EXPECT_THAT(scheduler.TakeStarts(), IsEmpty());
  scheduler.Request(5, Udp("live"), 17);
  EXPECT_THAT(scheduler.TakeStarts(), ElementsAre("live"));
}

TEST(LookupSchedulerTest, ARequestQueuedPastItsDeadlineFailsAndItsLookupNeverStarts) {
  LookupScheduler scheduler({.timeout = 5,
                             .max_lookups = 1,
                             .max_suspect_lookups = 1,
                             .positive_ttl = 60,
                             .negative_ttl = 10});
  scheduler.Request(1, Udp("slow"), 0);
  scheduler.Request(2, Udp("queued"), 1);
  EXPECT_THAT(scheduler.TakeStarts(), ElementsAre("slow"));
  scheduler.Expire(5);
  scheduler.TakeAnswers();
  EXPECT_EQ(scheduler.NextDeadline(), 6);
  scheduler.Expire(6);
  EXPECT_THAT(Outcomes(scheduler.TakeAnswers()),
              ElementsAre(std::pair<const size_t, std::string>(
                  2, "cannot resolve queued: no answer within 5s (every lookup slot busy)")));
  scheduler.Finished("slow", Address("192.0.2.1"), 7);
  EXPECT_THAT(scheduler.TakeStarts(), IsEmpty());  // nobody waits for "queued" any more
  // Not a suspect: it was never tried, and it is not cached.
  scheduler.Request(3, Udp("queued"), 8);
  EXPECT_THAT(scheduler.TakeStarts(), ElementsAre("queued"));
}

// ---- the threaded resolver, over a fake lookup ----

// A lookup function the test controls: names in `blocked` wait until Release(); others answer
// 192.0.2.<n> at once. Shared with the lookup threads, which may outlive the resolver.
struct FakeDns {
  std::mutex mutex;
  std::condition_variable changed;
  std::set<std::string> blocked;
  bool released = false;
  std::map<std::string, int> calls;
  int inside = 0;  // lookups inside the function now

  HostAnswer Lookup(const std::string& host) {
    std::unique_lock lock(mutex);
    ++calls[host];
    ++inside;
    changed.notify_all();
    if (blocked.contains(host)) {
      changed.wait_for(lock, std::chrono::seconds(30), [this] { return released; });
    }
    --inside;
    changed.notify_all();
    if (blocked.contains(host)) return NotFound(host);
    return Address("192.0.2." + std::to_string(host.size()));
  }
  void Release() {
    std::lock_guard lock(mutex);
    released = true;
    changed.notify_all();
  }
  bool WaitFor(const std::function<bool()>& done) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, std::chrono::seconds(10), done);
  }
};

class HostResolverTest : public ::testing::Test {
 protected:
  std::unique_ptr<HostResolver> Make(ResolverLimits limits) {
    return std::make_unique<HostResolver>(
        [this] { ++wakes_; }, limits,
        [dns = dns_](const std::string& host) { return dns->Lookup(host); });
  }
  // Results until `count` have arrived (at most 10 s).
  std::map<size_t, std::string> Collect(HostResolver& resolver, size_t count) {
    std::vector<HostLookupResult> all;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (all.size() < count && std::chrono::steady_clock::now() < deadline) {
      for (HostLookupResult& result : resolver.TakeResults()) all.push_back(std::move(result));
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return Outcomes(all);
  }

  std::shared_ptr<FakeDns> dns_ = std::make_shared<FakeDns>();
  std::atomic<int> wakes_{0};
};

TEST_F(HostResolverTest, ADeadNameDelaysNoLiveOneAndFailsAtItsDeadline) {
  dns_->blocked = {"dead1", "dead2", "dead3"};
  auto resolver = Make({.timeout = 0.3});
  resolver->Request(1, Udp("dead1"));
  resolver->Request(2, Udp("dead2"));
  resolver->Request(3, Udp("dead3"));
  resolver->Request(4, Udp("live"));
  // Every request is answered while the three dead lookups are still stuck: the live one by its
  // lookup, the dead ones at their deadline.
  const std::map<size_t, std::string> outcomes = Collect(*resolver, 4);
  EXPECT_EQ(dns_->inside, 3);
  EXPECT_EQ(outcomes,
            (std::map<size_t, std::string>{{1, "cannot resolve dead1: no answer within 300ms"},
                                           {2, "cannot resolve dead2: no answer within 300ms"},
                                           {3, "cannot resolve dead3: no answer within 300ms"},
                                           {4, "udp:192.0.2.4:161"}}));
  EXPECT_GE(wakes_.load(), 2);
  dns_->Release();
  EXPECT_TRUE(dns_->WaitFor([&] { return dns_->inside == 0; }));
}

TEST_F(HostResolverTest, ConcurrentRequestsShareOneLookupAndLaterOnesHitTheCache) {
  dns_->blocked = {"sw1"};
  auto resolver = Make({.timeout = 10});
  resolver->Request(1, Udp("sw1"));
  ASSERT_TRUE(dns_->WaitFor([&] { return dns_->inside == 1; }));
  resolver->Request(2, Udp("sw1", 1161));
  dns_->Release();
  const std::map<size_t, std::string> first = Collect(*resolver, 2);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_THAT(first.at(1), HasSubstr("Name or service not known"));
  EXPECT_EQ(first.at(2), first.at(1));
  resolver->Request(3, Udp("sw1"));
  EXPECT_EQ(Collect(*resolver, 1).at(3), first.at(1));
  EXPECT_EQ(dns_->calls["sw1"], 1);
}

TEST_F(HostResolverTest, GoesAwayAtOnceWhileALookupIsStuck) {
  dns_->blocked = {"dead"};
  auto resolver = Make({.timeout = 60});
  resolver->Request(1, Udp("dead"));
  ASSERT_TRUE(dns_->WaitFor([&] { return dns_->inside == 1; }));
  // Bounded: a destructor that waited for the lookup would wait 30 s (the fake's own limit).
  const auto before = std::chrono::steady_clock::now();
  resolver.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::seconds(5));
  const int wakes = wakes_.load();
  dns_->Release();
  ASSERT_TRUE(dns_->WaitFor([&] { return dns_->inside == 0; }));
  // The lookup's thread ends on its own; nothing is delivered to the gone resolver's owner.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(wakes_.load(), wakes);
}

TEST(GetAddrInfoTest, ResolvesLocalhostFromTheHostsFileAndExplainsAFailure) {
  const HostAnswer localhost = GetAddrInfo("localhost");
  ASSERT_TRUE(std::holds_alternative<ResolvedAddress>(localhost));
  const ResolvedAddress with_port = WithPort(std::get<ResolvedAddress>(localhost), Udp("x", 1161));
  EXPECT_THAT(with_port.numeric, ::testing::EndsWith(":1161"));
  // An empty name fails without asking DNS.
  const HostAnswer empty = GetAddrInfo("");
  ASSERT_TRUE(std::holds_alternative<std::string>(empty));
  EXPECT_THAT(std::get<std::string>(empty), HasSubstr("cannot resolve : "));
}

}  // namespace
}  // namespace netif
