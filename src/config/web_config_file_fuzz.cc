// libFuzzer entry point: ParseWebConfigYaml must turn any bytes into a WebSecurityConfig or one
// line of error, never crash, never touch a file (no check_file is passed), and never quote a
// bcrypt hash. Every hash it accepts is 60 characters of the bcrypt alphabet. A broken promise
// aborts, which libFuzzer reports.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>

#include "config/web_config_file.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

bool IsBcryptShaped(std::string_view h) {
  if (h[0] != '$' || h[1] != '2' || h[3] != '$' || h[6] != '$') return false;
  for (size_t i = 7; i < h.size(); ++i) {
    const char c = h[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '/';
    if (!ok) return false;
  }
  return true;
}

// True when `tail` occurs in `text` somewhere other than as the last 53 characters of a
// bcrypt-shaped hash.
bool OccursOutsideHashes(std::string_view text, std::string_view tail) {
  for (size_t at = text.find(tail); at != std::string_view::npos; at = text.find(tail, at + 1)) {
    if (at < 7 || !IsBcryptShaped(text.substr(at - 7, 60))) return true;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::variant<netif::WebSecurityConfig, std::string> parsed =
      netif::ParseWebConfigYaml(text, "/fuzz/web.yml");
  if (const auto* error = std::get_if<std::string>(&parsed)) {
    Check(error->starts_with("netif_exporter: config error: /fuzz/web.yml"));
    Check(error->find('\n') == std::string::npos);
    // A bcrypt hash in the input ("$2y$10$" and 53 characters of its alphabet) must never come
    // back in the message, wherever a broken document puts it. Its last 53 characters must not
    // either, unless the input also holds them outside any hash (an unknown key may be quoted).
    for (size_t at = text.find("$2"); at != std::string_view::npos; at = text.find("$2", at + 1)) {
      if (text.size() - at >= 60 && IsBcryptShaped(text.substr(at, 60))) {
        Check(error->find(text.substr(at, 60)) == std::string::npos);
        if (!OccursOutsideHashes(text, text.substr(at + 7, 53))) {
          Check(error->find(text.substr(at + 7, 53)) == std::string::npos);
        }
      }
    }
    return 0;
  }
  const netif::WebSecurityConfig& web = std::get<netif::WebSecurityConfig>(parsed);
  for (const auto& [user, hash] : web.basic_auth_users) {
    Check(user.find(':') == std::string::npos);
    Check(hash.size() == 60 && hash.starts_with("$2"));
  }
  if (web.tls) {
    Check(!web.tls->cert_file.empty() && !web.tls->key_file.empty());
    Check(web.tls->min_version <= web.tls->max_version);
    Check(!netif::TlsVersionName(web.tls->min_version).empty());
    for (const uint16_t id : web.tls->cipher_suites) Check(!netif::CipherSuiteName(id).empty());
    for (const uint16_t id : web.tls->curve_preferences) Check(!netif::CurveName(id).empty());
  }
  return 0;
}
