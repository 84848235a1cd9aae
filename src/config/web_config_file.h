// The web config file (--web.config.file): TLS and basic auth, in the format of the Prometheus
// exporter-toolkit, so the file users already have for node_exporter works here unchanged (as
// long as it uses only the keys honoured below; the others are refused with a one-line error).
//
// Honoured:
//   tls_server_config: cert_file, key_file, client_auth_type, client_ca_file, min_version,
//                      max_version, cipher_suites, prefer_server_cipher_suites, curve_preferences
//   http_server_config: headers (the toolkit's five, with its value rules), http2 (accepted and
//                       ignored: the server speaks HTTP/1.1 only)
//   basic_auth_users: name -> bcrypt hash ($2a$, $2b$, $2y$)
// Refused as "not supported": tls_server_config.cert / key / client_ca (inline PEM),
// tls_server_config.client_allowed_sans, rate_limit. Any other key is an unknown key.
//
// Relative file names are taken relative to the web config file's folder, as the toolkit does.
// Nothing here ever puts a hash (or any other secret) into an error message.
//
// Thread-safety: plain values and pure functions (LoadWebConfigFile reads files); safe for
// concurrent use.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace netif {

// TLS protocol versions by their wire value, as Go's tls.VersionTLS1x.
inline constexpr uint16_t kTls10 = 0x0301;
inline constexpr uint16_t kTls11 = 0x0302;
inline constexpr uint16_t kTls12 = 0x0303;
inline constexpr uint16_t kTls13 = 0x0304;

// Go's crypto/tls ClientAuthType, by the names the toolkit accepts.
enum class ClientAuthType : uint8_t {
  kNoClientCert,                // no certificate asked for (default)
  kRequestClientCert,           // asked for, not required, not verified
  kRequireAnyClientCert,        // required, not verified ("RequireClientCert" is an alias)
  kVerifyClientCertIfGiven,     // not required; verified against client_ca_file when sent
  kRequireAndVerifyClientCert,  // required and verified against client_ca_file: real mTLS
};

std::string_view ClientAuthTypeName(ClientAuthType type);  // "RequireAndVerifyClientCert", ...
// True for the two types that verify a client certificate against client_ca_file.
bool ClientAuthVerifies(ClientAuthType type);

// "TLS12" for 0x0303; "" for a value that is none of the four.
std::string_view TlsVersionName(uint16_t version);
// Go's IANA name ("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256") of a suite id; "" when unknown.
std::string_view CipherSuiteName(uint16_t id);
// Go's curve name ("X25519", "CurveP256", ...) of an IANA named-group id; "" when unknown.
std::string_view CurveName(uint16_t id);

struct TlsServerConfig {
  // Absolute paths (a relative name in the file is joined to the file's folder). Both set.
  std::string cert_file;
  std::string key_file;  // the private key: its path may be logged, its content never
  ClientAuthType client_auth_type = ClientAuthType::kNoClientCert;
  std::string client_ca_file;  // "" when not given; required when client_auth_type verifies
  uint16_t min_version = kTls12;
  uint16_t max_version = kTls13;
  // IANA ids in the order written (the server's preference order); empty = the TLS library's
  // defaults. Only names Go knows (tls.CipherSuites(), plus the four TLS_RSA_* it listed up to
  // Go 1.21) are accepted.
  std::vector<uint16_t> cipher_suites;
  bool prefer_server_cipher_suites = true;
  // IANA named-group ids (23 P-256, 24 P-384, 25 P-521, 29 X25519) in preference order; empty =
  // the TLS library's defaults.
  std::vector<uint16_t> curve_preferences;

  bool operator==(const TlsServerConfig&) const = default;
};

// The parsed web config file. Default-constructed (no file): plain HTTP, no auth, no headers.
struct WebSecurityConfig {
  std::optional<TlsServerConfig> tls;  // nullopt: plain HTTP
  // Extra response headers in the order written (names as the toolkit spells them).
  std::vector<std::pair<std::string, std::string>> headers;
  // user -> bcrypt hash; empty: no authentication. A secret: never log the values.
  std::map<std::string, std::string, std::less<>> basic_auth_users;

  bool operator==(const WebSecurityConfig&) const = default;
};

// Why a file named in the config cannot be used, or nullopt when it can. Injected so the parser
// stays pure (the fuzz target and most tests pass none, and no file is touched).
using WebFileCheck = std::function<std::optional<std::string>(const std::string& path)>;

// The most of a certificate, key or CA bundle file read (here and when TLS is loaded): far above
// any certificate chain, so a web config cannot make the exporter read a huge file.
inline constexpr size_t kMaxPemFileBytes = 1 << 20;

// The real check: the file is a regular file of at most kMaxPemFileBytes (read with the bounded
// reader, so a FIFO never blocks) and holds a PEM block ("-----BEGIN "). The reason names the
// file and never quotes its content.
std::optional<std::string> CheckPemFileReadable(const std::string& path);

// Parses the web config YAML; `file_name` names it in messages and gives the folder relative
// names are joined to. With `check_file`, every cert_file/key_file/client_ca_file is checked
// with it (an error at that key). An empty document is the default (no TLS, no auth). On error
// returns the one-line message, prefixed "netif_exporter: config error: FILE:LINE: KEY: ".
std::variant<WebSecurityConfig, std::string> ParseWebConfigYaml(
    std::string_view yaml_text, std::string_view file_name, const WebFileCheck& check_file = {});

// Reads `path` and parses it with CheckPemFileReadable: what LoadConfig() does for
// --web.config.file. A missing or unreadable file is the one-line error too.
std::variant<WebSecurityConfig, std::string> LoadWebConfigFile(const std::string& path);

}  // namespace netif
