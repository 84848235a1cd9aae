#include "http/basic_auth.h"

#include <crypt.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <random>

namespace netif {
namespace {

constexpr std::array<int8_t, 256> MakeDecodeTable() {
  std::array<int8_t, 256> table{};
  for (auto& entry : table) entry = -1;
  constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (std::size_t i = 0; i < kAlphabet.size(); ++i) {
    table[static_cast<unsigned char>(kAlphabet[i])] = static_cast<int8_t>(i);
  }
  return table;
}

constexpr std::array<int8_t, 256> kDecode = MakeDecodeTable();

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// Any 22 characters of bcrypt's base64 will do: the decoy's output is never compared with
// anything that could match.
constexpr std::string_view kDecoySalt = "N3tifExp0rterDecoySalt";
constexpr int kDefaultDecoyCost = 10;

// The cost of a validated "$2y$10$..." hash; 0 when it is not one.
int BcryptCost(std::string_view hash) {
  if (hash.size() < 7 || hash[0] != '$' || hash[1] != '2' || hash[3] != '$' || hash[6] != '$') {
    return 0;
  }
  if (hash[4] < '0' || hash[4] > '9' || hash[5] < '0' || hash[5] > '9') return 0;
  return (hash[4] - '0') * 10 + (hash[5] - '0');
}

// A setting for the decoy bcrypt that costs as much as the dearest configured hash, so an
// unknown user takes no less time than a known one.
std::string DecoySetting(const BasicAuthUsers::Users& users) {
  int cost = 0;
  for (const auto& [user, hash] : users) cost = std::max(cost, BcryptCost(hash));
  if (cost < 4 || cost > 31) cost = kDefaultDecoyCost;
  std::string setting = "$2b$";
  setting += static_cast<char>('0' + cost / 10);
  setting += static_cast<char>('0' + cost % 10);
  setting += '$';
  setting += kDecoySalt;
  return setting;
}

// Compares in time that depends on the lengths only, never on where the first difference is.
bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  unsigned char difference = a.size() == b.size() ? 0 : 1;
  const size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    difference |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return difference == 0;
}

void AppendLengthPrefixed(std::string& out, std::string_view part) {
  const uint64_t size = part.size();
  for (int shift = 0; shift < 64; shift += 8) out += static_cast<char>((size >> shift) & 0xff);
  out.append(part);
}

}  // namespace

std::optional<std::string> DecodeBase64(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    int padding = 0;
    uint32_t bits = 0;
    for (std::size_t j = 0; j < 4; ++j) {
      const char c = text[i + j];
      // '=' only at the end of the last quantum, at most two of them.
      if (c == '=' && last && j >= 2 && (j == 3 || text[i + 3] == '=')) {
        ++padding;
        bits <<= 6;
        continue;
      }
      const int8_t value = kDecode[static_cast<unsigned char>(c)];
      if (value < 0 || padding > 0) return std::nullopt;
      bits = (bits << 6) | static_cast<uint32_t>(value);
    }
    const char bytes[3] = {static_cast<char>(bits >> 16), static_cast<char>((bits >> 8) & 0xff),
                           static_cast<char>(bits & 0xff)};
    // Go's StdEncoding rejects set bits in the padding ("illegal base64 data"): so do we.
    if ((padding == 1 && bytes[2] != 0) || (padding == 2 && (bytes[1] != 0 || bytes[2] != 0))) {
      return std::nullopt;
    }
    out.append(bytes, static_cast<std::size_t>(3 - padding));
  }
  return out;
}

std::optional<BasicCredentials> ParseBasicAuthorization(std::string_view value) {
  constexpr std::string_view kScheme = "Basic ";
  if (value.size() < kScheme.size() || !EqualsIgnoringCase(value.substr(0, 6), kScheme)) {
    return std::nullopt;
  }
  std::string_view encoded = value.substr(kScheme.size());
  while (!encoded.empty() && encoded.front() == ' ') encoded.remove_prefix(1);
  while (!encoded.empty() && encoded.back() == ' ') encoded.remove_suffix(1);
  const auto decoded = DecodeBase64(encoded);
  if (!decoded) return std::nullopt;
  const auto colon = decoded->find(':');
  if (colon == std::string::npos) return std::nullopt;
  return BasicCredentials{decoded->substr(0, colon), decoded->substr(colon + 1)};
}

size_t BasicAuthUsers::DigestHash::operator()(const Digest& digest) const {
  size_t h = 0;
  std::memcpy(&h, digest.data(), sizeof(h));  // already uniformly random
  return h;
}

BasicAuthUsers::BasicAuthUsers(Users users, size_t cache_capacity)
    : users_(std::move(users)),
      decoy_(DecoySetting(users_)),
      cache_capacity_(cache_capacity),
      crypt_data_(std::make_unique<crypt_data>()) {  // value-initialised: zeroed, as crypt wants
  if (gnutls_rnd(GNUTLS_RND_KEY, hmac_key_.data(), hmac_key_.size()) != 0) {
    // Not expected; a key from std::random_device still keeps passwords out of the cache.
    std::random_device random;
    for (uint8_t& byte : hmac_key_) byte = static_cast<uint8_t>(random());
  }
}

BasicAuthUsers::~BasicAuthUsers() {
  // Leave no password-derived state behind in freed memory.
  if (crypt_data_) explicit_bzero(crypt_data_.get(), sizeof(crypt_data));
  explicit_bzero(hmac_key_.data(), hmac_key_.size());
}

BasicAuthUsers::Digest BasicAuthUsers::CacheKey(std::string_view user, std::string_view hash,
                                                std::string_view password) const {
  std::string message;
  message.reserve(24 + user.size() + hash.size() + password.size());
  AppendLengthPrefixed(message, user);
  AppendLengthPrefixed(message, hash);
  AppendLengthPrefixed(message, password);
  Digest digest{};
  gnutls_hmac_fast(GNUTLS_MAC_SHA256, hmac_key_.data(), hmac_key_.size(), message.data(),
                   message.size(), digest.data());
  explicit_bzero(message.data(), message.size());
  return digest;
}

std::optional<bool> BasicAuthUsers::Lookup(const Digest& key) const {
  std::lock_guard lock(cache_mutex_);
  const auto it = cache_.find(key);
  if (it == cache_.end()) return std::nullopt;
  ++cache_hits_;
  return it->second;
}

void BasicAuthUsers::Remember(const Digest& key, bool result) const {
  std::lock_guard lock(cache_mutex_);
  ++bcrypt_runs_;
  if (cache_capacity_ == 0) return;
  if (!cache_.emplace(key, result).second) return;
  cache_order_.push_back(key);
  while (cache_.size() > cache_capacity_) {
    cache_.erase(cache_order_.front());
    cache_order_.pop_front();
  }
}

bool BasicAuthUsers::BcryptMatches(const std::string& password, const std::string& hash) const {
  const char* output = crypt_rn(password.c_str(), hash.c_str(), crypt_data_.get(),
                                static_cast<int>(sizeof(crypt_data)));
  // nullptr: a setting libxcrypt refuses (never for a validated hash; always false).
  return output != nullptr && ConstantTimeEquals(output, hash);
}

bool BasicAuthUsers::Check(std::string_view user, std::string_view password) const {
  const auto found = users_.find(user);
  const std::string& hash = found == users_.end() ? decoy_ : found->second;
  const Digest key = CacheKey(user, hash, password);
  if (const std::optional<bool> cached = Lookup(key)) return *cached;

  std::lock_guard bcrypt_lock(bcrypt_mutex_);
  // Another thread may have checked the same credentials while this one waited.
  if (const std::optional<bool> cached = Lookup(key)) return *cached;
  std::string terminated(password);
  bool matches = BcryptMatches(terminated, hash);
  explicit_bzero(terminated.data(), terminated.size());
  matches = matches && found != users_.end() && password.find('\0') == std::string_view::npos;
  Remember(key, matches);
  return matches;
}

BasicAuthUsers::Counters BasicAuthUsers::counters() const {
  std::lock_guard lock(cache_mutex_);
  return Counters{bcrypt_runs_, cache_hits_, cache_.size()};
}

}  // namespace netif
