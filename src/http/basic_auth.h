// HTTP basic authentication: parsing of the `Authorization` header value (RFC 7617), kept apart
// from the server so that it is unit-tested and fuzzed on its own, and BasicAuthUsers, the
// exporter-toolkit's check of those credentials against bcrypt hashes (from --web.config.file's
// basic_auth_users), which the app can put behind the server's `authenticate` hook.
//
// BasicAuthUsers keeps and logs no password: its cache is keyed by an HMAC-SHA-256 (with a key
// drawn at construction) of the user, the stored hash and the password. Callers must not log the
// Authorization header or a password either (a user name is fine).
//
// Thread-safety: ParseBasicAuthorization() and DecodeBase64() are pure. BasicAuthUsers::Check()
// and counters() may be called from any number of threads at once (scrapes run concurrently);
// bcrypt runs one at a time, as in the toolkit, so a flood of bad passwords costs one core, not
// all of them, and cache hits never wait for a bcrypt.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

struct crypt_data;  // <crypt.h>, about 32 KiB: kept on the heap, never on a stack

namespace netif {

struct BasicCredentials {
  std::string user;
  std::string password;
};

// The user and password of a `Basic <base64(user:password)>` value, or nullopt when the value is
// another scheme, is not padded standard base64, or decodes without a colon. The scheme is
// case-insensitive; the password may hold colons (the first colon splits), as Go's
// Request.BasicAuth reads it.
std::optional<BasicCredentials> ParseBasicAuthorization(std::string_view header_value);

// Standard base64 (RFC 4648 section 4) with padding, strictly: nullopt on any other byte, on a
// length that is not a multiple of 4, or on non-zero bits after the last byte.
std::optional<std::string> DecodeBase64(std::string_view text);

class BasicAuthUsers {
 public:
  // user -> bcrypt hash ($2a$, $2b$, $2y$), as WebSecurityConfig::basic_auth_users holds them
  // (already validated there; a hash libxcrypt still refuses just never matches).
  using Users = std::map<std::string, std::string, std::less<>>;

  static constexpr size_t kDefaultCacheCapacity = 1024;

  // `cache_capacity` bounds the remembered results (successes and failures alike); the oldest is
  // dropped first. 0 disables the cache (every Check() runs bcrypt).
  explicit BasicAuthUsers(Users users, size_t cache_capacity = kDefaultCacheCapacity);
  ~BasicAuthUsers();
  BasicAuthUsers(const BasicAuthUsers&) = delete;
  BasicAuthUsers& operator=(const BasicAuthUsers&) = delete;

  // No users: the server should not ask for authentication at all.
  bool empty() const { return users_.empty(); }

  // True when `user` exists and `password` matches its hash. An unknown user costs one bcrypt
  // too (against a decoy hash of the highest configured cost), so response times do not tell
  // which user names exist; the hash comparison is constant-time. A password holding a NUL byte
  // never matches (crypt would see only what comes before it). bcrypt reads at most 72 bytes of
  // a password, so longer ones match on their first 72, as with every bcrypt implementation.
  bool Check(std::string_view user, std::string_view password) const;

  // For tests and telemetry: how often bcrypt ran, how often the cache answered.
  struct Counters {
    uint64_t bcrypt_runs = 0;
    uint64_t cache_hits = 0;
    size_t cached = 0;  // results held now
  };
  Counters counters() const;

 private:
  using Digest = std::array<uint8_t, 32>;
  struct DigestHash {
    size_t operator()(const Digest& digest) const;
  };

  Digest CacheKey(std::string_view user, std::string_view hash, std::string_view password) const;
  std::optional<bool> Lookup(const Digest& key) const;  // locks cache_mutex_
  void Remember(const Digest& key, bool result) const;  // locks cache_mutex_
  // Runs bcrypt over `password` with `hash` as its setting; true when the output equals `hash`
  // (compared in constant time). Called with bcrypt_mutex_ held.
  bool BcryptMatches(const std::string& password, const std::string& hash) const;

  const Users users_;
  const std::string decoy_;  // "$2b$NN$" + salt: what an unknown user's password is hashed with
  const size_t cache_capacity_;
  std::array<uint8_t, 32> hmac_key_{};

  mutable std::mutex bcrypt_mutex_;
  std::unique_ptr<crypt_data> crypt_data_;  // guarded by bcrypt_mutex_

  mutable std::mutex cache_mutex_;
  mutable std::unordered_map<Digest, bool, DigestHash> cache_;  // guarded by cache_mutex_
  mutable std::deque<Digest> cache_order_;                      // oldest first
  mutable uint64_t bcrypt_runs_ = 0;                            // guarded by cache_mutex_
  mutable uint64_t cache_hits_ = 0;                             // guarded by cache_mutex_
};

}  // namespace netif
