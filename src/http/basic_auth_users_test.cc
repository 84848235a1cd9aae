// BasicAuthUsers against hashes htpasswd made ($2y$; the same hash as $2a$ and $2b$), unknown
// users, the cache and concurrent checks. The header parser's tests are in basic_auth_test.cc.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "http/basic_auth.h"

namespace netif {
namespace {

// `htpasswd -nbBC 4 alice 's3cret pass'` and `htpasswd -nbBC 4 bob 'b0b:with:colons'`: cost 4
// keeps the suite fast; the cost-10 hash is `htpasswd -nbBC 10 user pass`, as the docs make them.
constexpr char kAliceHash[] = "$2y$04$j/PgJ.93OCrXzoLHHe25w.R4vMHjnPl2iIw.BEvxHW8uanOjk2ki6";
constexpr char kBobHash[] = "$2y$04$y0fHpyHzeE4V4/y2W2mtiuWUeuDV9xDwoLM2oUEWbwE/9NCqq3YiW";
constexpr char kUserHash10[] = "$2y$10$oWSSVH.fZj4.CqtB8aJKfujiFdS5Y5p8oP5bicmlnbucS7ccmivKW";

std::string WithPrefix(std::string hash, char variant) {
  hash[2] = variant;
  return hash;
}

TEST(BasicAuthUsersTest, HtpasswdHashes) {
  const BasicAuthUsers users(BasicAuthUsers::Users{{"alice", kAliceHash}, {"bob", kBobHash}});
  EXPECT_FALSE(users.empty());
  EXPECT_TRUE(users.Check("alice", "s3cret pass"));
  EXPECT_TRUE(users.Check("bob", "b0b:with:colons"));
  EXPECT_FALSE(users.Check("alice", "s3cret pas"));
  EXPECT_FALSE(users.Check("alice", "s3cret pass "));
  EXPECT_FALSE(users.Check("alice", ""));
  EXPECT_FALSE(users.Check("alice", "b0b:with:colons"));  // bob's password is not alice's
  EXPECT_FALSE(users.Check("Alice", "s3cret pass"));      // user names are case-sensitive
}

TEST(BasicAuthUsersTest, CostTenHash) {
  const BasicAuthUsers users(BasicAuthUsers::Users{{"user", kUserHash10}});
  EXPECT_TRUE(users.Check("user", "pass"));
  EXPECT_FALSE(users.Check("user", "Pass"));
}

TEST(BasicAuthUsersTest, TheSameHashUnderEachBcryptPrefix) {
  for (const char variant : {'a', 'b', 'y'}) {
    const BasicAuthUsers users(BasicAuthUsers::Users{{"alice", WithPrefix(kAliceHash, variant)}});
    EXPECT_TRUE(users.Check("alice", "s3cret pass")) << variant;
    EXPECT_FALSE(users.Check("alice", "wrong")) << variant;
  }
}

TEST(BasicAuthUsersTest, UnknownUserStillCostsOneBcrypt) {
  const BasicAuthUsers users(BasicAuthUsers::Users{{"alice", kAliceHash}});
  EXPECT_FALSE(users.Check("mallory", "s3cret pass"));
  EXPECT_EQ(users.counters().bcrypt_runs, 1u);
  // An unknown user with the decoy's own... anything: never a match.
  EXPECT_FALSE(users.Check("", ""));
  EXPECT_EQ(users.counters().bcrypt_runs, 2u);
}

TEST(BasicAuthUsersTest, NoUsersMatchesNobody) {
  const BasicAuthUsers users(BasicAuthUsers::Users{});
  EXPECT_TRUE(users.empty());
  EXPECT_FALSE(users.Check("alice", "s3cret pass"));
}

TEST(BasicAuthUsersTest, PasswordWithNulNeverMatches) {
  // crypt sees a C string: "s3cret pass\0tail" would otherwise pass as "s3cret pass".
  const BasicAuthUsers users(BasicAuthUsers::Users{{"alice", kAliceHash}});
  EXPECT_FALSE(users.Check("alice", std::string("s3cret pass\0tail", 16)));
  EXPECT_TRUE(users.Check("alice", "s3cret pass"));
}

TEST(BasicAuthUsersTest, CacheAnswersRepeatedChecks) {
  const BasicAuthUsers users(BasicAuthUsers::Users{{"alice", kAliceHash}});
  EXPECT_TRUE(users.Check("alice", "s3cret pass"));
  EXPECT_EQ(users.counters().bcrypt_runs, 1u);
  EXPECT_EQ(users.counters().cache_hits, 0u);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(users.Check("alice", "s3cret pass"));
  EXPECT_EQ(users.counters().bcrypt_runs, 1u);
  EXPECT_EQ(users.counters().cache_hits, 5u);
  // Failures are remembered too, and never turn into a success.
  EXPECT_FALSE(users.Check("alice", "wrong"));
  EXPECT_FALSE(users.Check("alice", "wrong"));
  EXPECT_EQ(users.counters().bcrypt_runs, 2u);
  EXPECT_EQ(users.counters().cached, 2u);
  // Another password is another key, whatever the cache holds.
  EXPECT_FALSE(users.Check("alice", "s3cret pass!"));
  EXPECT_EQ(users.counters().bcrypt_runs, 3u);
}

TEST(BasicAuthUsersTest, CacheIsBounded) {
  const BasicAuthUsers users(BasicAuthUsers::Users{{"alice", kAliceHash}}, /*cache_capacity=*/2);
  EXPECT_TRUE(users.Check("alice", "s3cret pass"));
  EXPECT_FALSE(users.Check("alice", "a"));
  EXPECT_FALSE(users.Check("alice", "b"));  // evicts the oldest, the good password
  EXPECT_EQ(users.counters().cached, 2u);
  EXPECT_TRUE(users.Check("alice", "s3cret pass"));
  EXPECT_EQ(users.counters().bcrypt_runs, 4u);
  EXPECT_EQ(users.counters().cache_hits, 0u);
}

TEST(BasicAuthUsersTest, CacheCanBeTurnedOff) {
  const BasicAuthUsers users(BasicAuthUsers::Users{{"alice", kAliceHash}}, /*cache_capacity=*/0);
  EXPECT_TRUE(users.Check("alice", "s3cret pass"));
  EXPECT_TRUE(users.Check("alice", "s3cret pass"));
  EXPECT_EQ(users.counters().bcrypt_runs, 2u);
  EXPECT_EQ(users.counters().cached, 0u);
}

TEST(BasicAuthUsersTest, ConcurrentChecks) {
  const BasicAuthUsers users(BasicAuthUsers::Users{{"alice", kAliceHash}, {"bob", kBobHash}});
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        const bool good =
            users.Check(t % 2 ? "alice" : "bob", t % 2 ? "s3cret pass" : "b0b:with:colons");
        const bool bad = users.Check("alice", "guess" + std::to_string(i % 3));
        if (!good || bad) ++wrong;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
  // Two good pairs and three bad ones: each hashed once, every other check from the cache.
  EXPECT_EQ(users.counters().bcrypt_runs, 5u);
  EXPECT_EQ(users.counters().cache_hits, 8u * 40u - 5u);
}

}  // namespace
}  // namespace netif
