// TLS end to end: certificates made with the openssl CLI at test time, curl as the client.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>

#include "http/http_server.h"
#include "support/temp_dir.h"

namespace netif {
namespace {

using ::testing::HasSubstr;

struct CommandResult {
  int status = -1;
  std::string output;
};

CommandResult RunCommand(const std::string& command) {
  CommandResult result;
  FILE* pipe = ::popen((command + " 2>/dev/null").c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  std::size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) result.output.append(buffer, n);
  result.status = ::pclose(pipe);
  return result;
}

// A CA, a server certificate for 127.0.0.1 and a client certificate it signed, and a client
// certificate from another CA.
class Certificates {
 public:
  Certificates() {
    const std::string d = dir_.path();
    const std::string ec = " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes ";
    dir_.WriteFile("server.ext", "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
    dir_.WriteFile("client.ext", "extendedKeyUsage=clientAuth\n");
    for (const std::string ca : {"ca", "rogue_ca"}) {
      Check("openssl req -x509" + ec + "-keyout " + d + "/" + ca + ".key -out " + d + "/" + ca +
            ".pem -days 2 -subj /CN=" + ca);
    }
    const auto issue = [&](const std::string& name, const std::string& ca, const std::string& ext) {
      Check("openssl req" + ec + "-keyout " + d + "/" + name + ".key -out " + d + "/" + name +
            ".csr -subj /CN=" + name);
      Check("openssl x509 -req -in " + d + "/" + name + ".csr -CA " + d + "/" + ca +
            ".pem -CAkey " + d + "/" + ca + ".key -CAcreateserial -days 2 -out " + d + "/" + name +
            ".pem -extfile " + d + "/" + ext);
    };
    issue("server", "ca", "server.ext");
    issue("client", "ca", "client.ext");
    issue("rogue", "rogue_ca", "client.ext");
  }
  std::string Path(const std::string& name) const { return dir_.path() + "/" + name; }
  std::string Read(const std::string& name) const {
    return testing_support::ReadFileOrThrow(Path(name));
  }

 private:
  void Check(const std::string& command) {
    const auto result = RunCommand(command);
    if (result.status != 0) throw std::runtime_error("failed: " + command);
  }
  testing_support::TempDir dir_;
};

class HttpTlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { certificates_ = new Certificates(); }
  static void TearDownTestSuite() {
    delete certificates_;
    certificates_ = nullptr;
  }

  HttpTlsOptions Tls() const {
    HttpTlsOptions tls;
    tls.cert_pem = certificates_->Read("server.pem");
    tls.key_pem = certificates_->Read("server.key");
    tls.client_ca_pem = certificates_->Read("ca.pem");
    return tls;
  }

  void StartServer(std::optional<HttpTlsOptions> tls) {
    HttpCallbacks callbacks;
    callbacks.render_metrics = [this](SegmentedBody& out, const MetricsQuery&) {
      out.text().Append(body_);
    };
    options_.listen_addresses = {"127.0.0.1:0"};
    options_.tls = std::move(tls);
    auto started = HttpServer::Start(options_, std::move(callbacks));
    ASSERT_EQ(started.index(), 0u) << std::get<1>(started);
    server_ = std::move(std::get<0>(started));
    port_ = server_->BoundPorts().front();
  }

  // curl's HTTP status ("200"), or "000" when the connection or the handshake failed.
  std::string Curl(const std::string& flags, const std::string& scheme = "https") const {
    const auto result = RunCommand("curl -s -o /dev/null -w '%{http_code}' --max-time 5 --cacert " +
                                   certificates_->Path("ca.pem") + " " + flags + " " + scheme +
                                   "://127.0.0.1:" + std::to_string(port_) + "/metrics");
    return result.output;
  }
  std::string WithClientCert(const std::string& name) const {
    return "--cert " + certificates_->Path(name + ".pem") + " --key " +
           certificates_->Path(name + ".key");
  }

  static Certificates* certificates_;
  std::string body_ = "up 1\n";
  HttpServerOptions options_;
  std::unique_ptr<HttpServer> server_;
  int port_ = 0;
};

Certificates* HttpTlsTest::certificates_ = nullptr;

TEST_F(HttpTlsTest, ServesHttpsAndNotPlainHttp) {
  StartServer(Tls());
  EXPECT_EQ(Curl(""), "200");
  EXPECT_EQ(Curl("--tls-max 1.2"), "200");  // the default minimum is TLS 1.2
  EXPECT_NE(Curl("", "http"), "200");
}

// A body too large to render as it is goes to a client without gzip inflated piece by piece from
// the compressed one the server holds; over TLS it arrives whole, with HTTP/1.0 and 1.1.
TEST_F(HttpTlsTest, ALargeBodyWithoutGzipArrivesWhole) {
  for (int i = 0; body_.size() < 3'000'000; ++i) {
    body_ += "netif_admin_up{device=\"veth" + std::to_string(i) + "\"} 1\n";
  }
  StartServer(Tls());
  const testing_support::TempDir dir;
  for (const std::string version : {"--http1.0", "--http1.1"}) {
    const std::string file = dir.path() + "/body";
    const auto result = RunCommand("curl -s -f --max-time 20 " + version + " --cacert " +
                                   certificates_->Path("ca.pem") + " -o " + file +
                                   " https://127.0.0.1:" + std::to_string(port_) + "/metrics");
    ASSERT_EQ(result.status, 0) << version;
    EXPECT_TRUE(testing_support::ReadFileOrThrow(file) == body_) << version;
  }
}

TEST_F(HttpTlsTest, MinimumVersionRefusesOlderClients) {
  HttpTlsOptions tls = Tls();
  tls.min_version = TlsVersion::kTls13;
  StartServer(tls);
  EXPECT_EQ(Curl("--tls-max 1.2"), "000");
  EXPECT_EQ(Curl("--tlsv1.3"), "200");
}

TEST_F(HttpTlsTest, CipherSuitesRestrictTls12) {
  HttpTlsOptions tls = Tls();
  tls.max_version = TlsVersion::kTls12;
  tls.cipher_suites = {"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"};
  StartServer(tls);
  EXPECT_EQ(Curl("--ciphers ECDHE-ECDSA-AES256-GCM-SHA384"), "200");
  EXPECT_EQ(Curl("--ciphers ECDHE-ECDSA-AES128-GCM-SHA256"), "000");
}

TEST_F(HttpTlsTest, RequireAndVerifyNeedsACertificateFromTheCa) {
  HttpTlsOptions tls = Tls();
  tls.client_auth = ClientAuth::kRequireAndVerifyClientCert;
  StartServer(tls);
  EXPECT_EQ(Curl(""), "000");
  EXPECT_EQ(Curl(WithClientCert("rogue")), "000");
  EXPECT_EQ(Curl(WithClientCert("client")), "200");
}

TEST_F(HttpTlsTest, VerifyIfGivenAcceptsNoneButNotABadOne) {
  HttpTlsOptions tls = Tls();
  tls.client_auth = ClientAuth::kVerifyClientCertIfGiven;
  StartServer(tls);
  EXPECT_EQ(Curl(""), "200");
  EXPECT_EQ(Curl(WithClientCert("rogue")), "000");
  EXPECT_EQ(Curl(WithClientCert("client")), "200");
}

TEST_F(HttpTlsTest, RequireAnyNeedsSomeCertificate) {
  HttpTlsOptions tls = Tls();
  tls.client_auth = ClientAuth::kRequireAnyClientCert;
  tls.client_ca_pem.clear();
  StartServer(tls);
  EXPECT_EQ(Curl(""), "000");
  EXPECT_EQ(Curl(WithClientCert("rogue")), "200");
}

TEST_F(HttpTlsTest, BadKeyIsAStartError) {
  HttpTlsOptions tls = Tls();
  tls.key_pem = "-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n";
  HttpServerOptions options;
  options.listen_addresses = {"127.0.0.1:0"};
  options.tls = tls;
  auto started = HttpServer::Start(options, HttpCallbacks{});
  EXPECT_EQ(started.index(), 1u);
}

TEST_F(HttpTlsTest, ReconfigureTurnsTlsOnAndOffOnTheSamePort) {
  StartServer(std::nullopt);
  EXPECT_EQ(Curl("", "http"), "200");
  HttpServerOptions options = options_;
  options.tls = Tls();
  ASSERT_EQ(server_->Reconfigure(options), "");
  EXPECT_EQ(server_->BoundPorts().front(), port_);
  EXPECT_EQ(Curl(""), "200");
  EXPECT_NE(Curl("", "http"), "200");
  // A key GnuTLS rejects leaves the running TLS in place.
  HttpServerOptions broken = options;
  broken.tls->key_pem = "garbage";
  EXPECT_NE(server_->Reconfigure(broken), "");
  EXPECT_EQ(Curl(""), "200");
  ASSERT_EQ(server_->Reconfigure(options_), "");
  EXPECT_EQ(Curl("", "http"), "200");
}

}  // namespace
}  // namespace netif
