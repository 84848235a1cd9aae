#include "http/tls_options.h"

#include <gnutls/gnutls.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <string_view>

namespace netif {
namespace {

struct GoSuite {
  std::string_view name;
  uint8_t id[2];  // the IANA code point
};

// Every suite Go's crypto/tls knows (tls.CipherSuites() and tls.InsecureCipherSuites()), with the
// legacy aliases Go still accepts.
constexpr std::array<GoSuite, 28> kGoSuites = {{
    {"TLS_RSA_WITH_RC4_128_SHA", {0x00, 0x05}},
    {"TLS_RSA_WITH_3DES_EDE_CBC_SHA", {0x00, 0x0a}},
    {"TLS_RSA_WITH_AES_128_CBC_SHA", {0x00, 0x2f}},
    {"TLS_RSA_WITH_AES_256_CBC_SHA", {0x00, 0x35}},
    {"TLS_RSA_WITH_AES_128_CBC_SHA256", {0x00, 0x3c}},
    {"TLS_RSA_WITH_AES_128_GCM_SHA256", {0x00, 0x9c}},
    {"TLS_RSA_WITH_AES_256_GCM_SHA384", {0x00, 0x9d}},
    {"TLS_ECDHE_ECDSA_WITH_RC4_128_SHA", {0xc0, 0x07}},
    {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", {0xc0, 0x09}},
    {"TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", {0xc0, 0x0a}},
    {"TLS_ECDHE_RSA_WITH_RC4_128_SHA", {0xc0, 0x11}},
    {"TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", {0xc0, 0x12}},
    {"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", {0xc0, 0x13}},
    {"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", {0xc0, 0x14}},
    {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", {0xc0, 0x23}},
    {"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", {0xc0, 0x27}},
    {"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", {0xc0, 0x2f}},
    {"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", {0xc0, 0x2b}},
    {"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", {0xc0, 0x30}},
    {"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", {0xc0, 0x2c}},
    {"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", {0xcc, 0xa8}},
    {"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", {0xcc, 0xa9}},
    {"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305", {0xcc, 0xa8}},
    {"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305", {0xcc, 0xa9}},
    // TLS 1.3: not configurable in Go; accepted and ignored.
    {"TLS_AES_128_GCM_SHA256", {0x13, 0x01}},
    {"TLS_AES_256_GCM_SHA384", {0x13, 0x02}},
    {"TLS_CHACHA20_POLY1305_SHA256", {0x13, 0x03}},
    {"TLS_FALLBACK_SCSV", {0x56, 0x00}},
}};

const char* VersionKeyword(TlsVersion version) {
  switch (version) {
    case TlsVersion::kTls10:
      return "VERS-TLS1.0";
    case TlsVersion::kTls11:
      return "VERS-TLS1.1";
    case TlsVersion::kTls12:
      return "VERS-TLS1.2";
    case TlsVersion::kTls13:
      return "VERS-TLS1.3";
  }
  return "VERS-TLS1.2";
}

void AddOnce(std::vector<std::string>& list, std::string keyword) {
  if (std::find(list.begin(), list.end(), keyword) == list.end()) list.push_back(keyword);
}

}  // namespace

std::optional<std::string> TlsPriorityString(const HttpTlsOptions& options, std::string* error) {
  if (options.min_version > options.max_version) {
    *error = "min_version is above max_version";
    return std::nullopt;
  }
  std::string priority = "NORMAL:-VERS-ALL";
  for (int v = static_cast<int>(options.min_version); v <= static_cast<int>(options.max_version);
       ++v) {
    priority += std::string(":+") + VersionKeyword(static_cast<TlsVersion>(v));
  }
  std::vector<std::string> kxs, ciphers, macs;
  for (const std::string& name : options.cipher_suites) {
    const auto go = std::find_if(kGoSuites.begin(), kGoSuites.end(),
                                 [&](const GoSuite& suite) { return suite.name == name; });
    if (go == kGoSuites.end()) {
      *error = "unknown cipher suite \"" + name + "\"";
      return std::nullopt;
    }
    if (go->id[0] == 0x13 || go->id[0] == 0x56) continue;  // TLS 1.3 / SCSV: ignored, as in Go
    bool found = false;
    unsigned char id[2];
    gnutls_kx_algorithm_t kx;
    gnutls_cipher_algorithm_t cipher;
    gnutls_mac_algorithm_t mac;
    gnutls_protocol_t min_version;
    for (std::size_t i = 0;
         gnutls_cipher_suite_info(i, id, &kx, &cipher, &mac, &min_version) != nullptr; ++i) {
      if (id[0] != go->id[0] || id[1] != go->id[1]) continue;
      AddOnce(kxs, std::string("+") + gnutls_kx_get_name(kx));
      AddOnce(ciphers, std::string("+") + gnutls_cipher_get_name(cipher));
      AddOnce(macs, std::string("+") + gnutls_mac_get_name(mac));
      found = true;
      break;
    }
    if (!found) {
      *error = "cipher suite \"" + name + "\" is not supported by GnuTLS";
      return std::nullopt;
    }
  }
  if (!kxs.empty()) {
    if (options.max_version == TlsVersion::kTls13) {
      for (const char* aead : {"+AES-128-GCM", "+AES-256-GCM", "+CHACHA20-POLY1305"}) {
        AddOnce(ciphers, aead);
      }
      AddOnce(macs, "+AEAD");
    }
    priority += ":-KX-ALL:-CIPHER-ALL:-MAC-ALL";
    for (const auto* list : {&kxs, &ciphers, &macs}) {
      for (const std::string& keyword : *list) priority += ":" + keyword;
    }
  }
  if (!options.curves.empty()) {
    priority += ":-GROUP-ALL";
    for (const std::string& curve : options.curves) {
      const char* keyword = curve == "CurveP256"   ? "GROUP-SECP256R1"
                            : curve == "CurveP384" ? "GROUP-SECP384R1"
                            : curve == "CurveP521" ? "GROUP-SECP521R1"
                            : curve == "X25519"    ? "GROUP-X25519"
                                                   : nullptr;
      if (keyword == nullptr) {
        *error = "unknown curve \"" + curve + "\"";
        return std::nullopt;
      }
      priority += std::string(":+") + keyword;
    }
  }
  if (options.prefer_server_cipher_suites) priority += ":%SERVER_PRECEDENCE";
  // Checked here so that a bad combination is a start-up error, not a failure of every handshake.
  const char* error_position = nullptr;
  gnutls_priority_t parsed;
  if (gnutls_priority_init(&parsed, priority.c_str(), &error_position) != GNUTLS_E_SUCCESS) {
    *error = "GnuTLS rejects priority \"" + priority + "\"";
    return std::nullopt;
  }
  gnutls_priority_deinit(parsed);
  return priority;
}

}  // namespace netif
