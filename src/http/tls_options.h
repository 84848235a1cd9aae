// The TLS settings of the HTTP server, in the terms of Prometheus' exporter-toolkit web config
// (Go's crypto/tls names), and their translation into a GnuTLS priority string. The http room
// may not include config/: the app copies the web config into these.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace netif {

enum class TlsVersion { kTls10, kTls11, kTls12, kTls13 };

// Go's tls.ClientAuthType, same names and meaning.
enum class ClientAuth {
  kNoClientCert,               // no certificate asked for
  kRequestClientCert,          // asked for, not required, not verified
  kRequireAnyClientCert,       // required, not verified
  kVerifyClientCertIfGiven,    // not required; verified against client_ca_pem when sent
  kRequireAndVerifyClientCert  // required and verified against client_ca_pem
};

struct HttpTlsOptions {
  std::string cert_pem;       // the server's certificate chain
  std::string key_pem;        // its private key
  std::string client_ca_pem;  // CAs a client certificate must chain to (the verify modes)
  ClientAuth client_auth = ClientAuth::kNoClientCert;
  TlsVersion min_version = TlsVersion::kTls12;  // the toolkit's default
  TlsVersion max_version = TlsVersion::kTls13;
  // IANA names as Go spells them (TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256); empty: GnuTLS' defaults.
  // As in Go they restrict TLS 1.0-1.2 only; TLS 1.3 suite names are accepted and ignored.
  std::vector<std::string> cipher_suites;
  bool prefer_server_cipher_suites = false;
  // Key exchange groups in Go's names (CurveP256, CurveP384, CurveP521, X25519); empty: GnuTLS'
  // defaults. GnuTLS takes them as the set allowed (its own order decides among them).
  std::vector<std::string> curves;

  bool operator==(const HttpTlsOptions&) const = default;
};

// The GnuTLS priority string for `options`, or nullopt with the reason in `error` (an unknown
// suite name, one GnuTLS lacks, min above max).
//
// How exact: a priority string enables key exchanges, ciphers and MACs, not suites, so the
// suites allowed are every suite GnuTLS has whose three parts are each among those of the listed
// suites (listing ECDHE_RSA+AES_128_GCM and RSA+AES_256_CBC also allows ECDHE_RSA+AES_256_CBC).
// And since TLS 1.3 needs the AEAD ciphers, when max_version is 1.3 AES-GCM and ChaCha20 stay
// enabled, which admits those ciphers for TLS 1.2 with the listed key exchanges too.
std::optional<std::string> TlsPriorityString(const HttpTlsOptions& options, std::string* error);

}  // namespace netif
