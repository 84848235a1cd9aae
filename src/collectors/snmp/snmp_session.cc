#include "collectors/snmp/snmp_session.h"

// net-snmp-config.h must come first, then net-snmp-includes.h, then the library headers.
// clang-format off
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/library/keytools.h>
#include <net-snmp/library/large_fd_set.h>
#include <net-snmp/library/snmp_client.h>
#include <net-snmp/library/snmpusm.h>
#include <net-snmp/library/transform_oids.h>
// clang-format on

#include <clocale>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "collectors/snmp/netsnmp_pdu.h"
#include "util/log.h"

namespace netif {
namespace {

// net-snmp logs through its callback log handler at debug level: its messages ("Cannot find
// module", transport chatter) are diagnostics, and what matters reaches the log as our own
// per-target lines.
int ForwardNetSnmpLog(int /*major*/, int /*minor*/, void* server_arg, void* /*client_arg*/) {
  const auto* message = static_cast<const snmp_log_message*>(server_arg);
  if (message == nullptr || message->msg == nullptr) return 0;
  std::string_view text = message->msg;
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  if (!text.empty()) LogDebug("net-snmp", {{"priority", message->priority}, {"text", text}});
  return 0;
}

std::string NetSnmpError(int snmp_errno) {
  const char* text = snmp_api_errstring(snmp_errno);
  return text != nullptr ? text : "net-snmp error " + std::to_string(snmp_errno);
}

// The reason snmp_sess_open failed, from the session struct it was given.
std::string OpenError(netsnmp_session* session) {
  int library_errno = 0;
  int snmp_errno = 0;
  char* text = nullptr;
  snmp_error(session, &library_errno, &snmp_errno, &text);
  std::string reason = text != nullptr ? text : NetSnmpError(snmp_errno);
  std::free(text);
  return reason;
}

struct AuthProtocolOid {
  const oid* id;
  size_t length;
};

AuthProtocolOid AuthOid(SnmpAuthProtocol protocol) {
  switch (protocol) {
    case SnmpAuthProtocol::kMd5:
      return {usmHMACMD5AuthProtocol, std::size(usmHMACMD5AuthProtocol)};
    case SnmpAuthProtocol::kSha:
      return {usmHMACSHA1AuthProtocol, std::size(usmHMACSHA1AuthProtocol)};
    case SnmpAuthProtocol::kSha224:
      return {usmHMAC128SHA224AuthProtocol, std::size(usmHMAC128SHA224AuthProtocol)};
    case SnmpAuthProtocol::kSha256:
      return {usmHMAC192SHA256AuthProtocol, std::size(usmHMAC192SHA256AuthProtocol)};
    case SnmpAuthProtocol::kSha384:
      return {usmHMAC256SHA384AuthProtocol, std::size(usmHMAC256SHA384AuthProtocol)};
    case SnmpAuthProtocol::kSha512:
      return {usmHMAC384SHA512AuthProtocol, std::size(usmHMAC384SHA512AuthProtocol)};
  }
  return {usmHMACSHA1AuthProtocol, std::size(usmHMACSHA1AuthProtocol)};
}

AuthProtocolOid PrivOid(SnmpPrivProtocol protocol) {
  switch (protocol) {
    case SnmpPrivProtocol::kDes:
      return {usmDESPrivProtocol, std::size(usmDESPrivProtocol)};
    case SnmpPrivProtocol::kAes:
      return {usmAESPrivProtocol, std::size(usmAESPrivProtocol)};
    case SnmpPrivProtocol::kAes192:
      return {usmAES192PrivProtocol, std::size(usmAES192PrivProtocol)};
    case SnmpPrivProtocol::kAes256:
      return {usmAES256PrivProtocol, std::size(usmAES256PrivProtocol)};
  }
  return {usmAESPrivProtocol, std::size(usmAESPrivProtocol)};
}

// Counters net-snmp raises when it drops a datagram it could not decode or match.
uint64_t DroppedPacketStatistics() {
  uint64_t sum = 0;
  for (int which :
       {STAT_SNMPINASNPARSEERRS, STAT_SNMPINBADVERSIONS, STAT_SNMPINVALIDMSGS,
        STAT_SNMPUNKNOWNSECURITYMODELS, STAT_SNMPUNKNOWNPDUHANDLERS, STAT_USMSTATSUNKNOWNENGINEIDS,
        STAT_USMSTATSWRONGDIGESTS, STAT_USMSTATSDECRYPTIONERRORS}) {
    sum += snmp_get_statistic(which);
  }
  return sum;
}

SnmpReport ReportOf(int snmp_errno) {
  switch (snmp_errno) {
    case SNMPERR_NOT_IN_TIME_WINDOW:
      return SnmpReport::kNotInTimeWindow;
    case SNMPERR_UNKNOWN_USER_NAME:
      return SnmpReport::kUnknownUserName;
    case SNMPERR_AUTHENTICATION_FAILURE:
      return SnmpReport::kWrongDigest;
    case SNMPERR_DECRYPTION_ERR:
      return SnmpReport::kDecryptionError;
    case SNMPERR_UNSUPPORTED_SEC_LEVEL:
      return SnmpReport::kUnsupportedSecLevel;
    case SNMPERR_UNKNOWN_ENG_ID:
      return SnmpReport::kUnknownEngineId;
    default:
      return SnmpReport::kOther;
  }
}

// Whether `user` (already in net-snmp's USM table) holds the keys `session` would create: the
// same protocols and the same localized keys (a privacy key may have been extended; its first
// bytes are the localized key).
bool SameUsmKeys(const usmUser& user, const netsnmp_session& session) {
  const auto same_oid = [](const oid* a, size_t a_length, const oid* b, size_t b_length) {
    return a != nullptr && b != nullptr && snmp_oid_compare(a, a_length, b, b_length) == 0;
  };
  const auto localized = [&](const u_char* ku, size_t ku_length) {
    std::vector<u_char> kul(USM_AUTH_KU_LEN + USM_PRIV_KU_LEN);
    size_t kul_length = kul.size();
    if (generate_kul(session.securityAuthProto, static_cast<u_int>(session.securityAuthProtoLen),
                     session.securityEngineID, session.securityEngineIDLen, ku, ku_length,
                     kul.data(), &kul_length) != SNMPERR_SUCCESS) {
      kul_length = 0;
    }
    kul.resize(kul_length);
    return kul;
  };
  const auto same_key = [](const std::vector<u_char>& ours, const u_char* theirs,
                           size_t their_length) {
    return !ours.empty() && theirs != nullptr && their_length >= ours.size() &&
           std::memcmp(ours.data(), theirs, ours.size()) == 0;
  };
  if (session.securityLevel >= SNMP_SEC_LEVEL_AUTHNOPRIV) {
    if (!same_oid(user.authProtocol, user.authProtocolLen, session.securityAuthProto,
                  session.securityAuthProtoLen) ||
        !same_key(localized(session.securityAuthKey, session.securityAuthKeyLen), user.authKey,
                  user.authKeyLen)) {
      return false;
    }
  }
  if (session.securityLevel >= SNMP_SEC_LEVEL_AUTHPRIV) {
    if (!same_oid(user.privProtocol, user.privProtocolLen, session.securityPrivProto,
                  session.securityPrivProtoLen) ||
        !same_key(localized(session.securityPrivKey, session.securityPrivKeyLen), user.privKey,
                  user.privKeyLen)) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string SnmpErrorStatusName(long error_status) {
  const char* text = snmp_errstring(static_cast<int>(error_status));
  return text != nullptr ? text : "error-status " + std::to_string(error_status);
}

void InitNetSnmp() {
  static std::once_flag once;
  std::call_once(once, [] {
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_LOAD_HOST_FILES, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_NO_TOKEN_WARNINGS, 1);
    netsnmp_ds_set_int(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_MIB_WARNINGS, 0);
    // Numeric OIDs only: no MIB module is loaded and no MIB directory is read (or indexed).
    ::setenv("MIBS", "", 1);
    netsnmp_set_mib_directory("");
    snmp_register_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_LOGGING, ForwardNetSnmpLog,
                           nullptr);
    netsnmp_register_loghandler(NETSNMP_LOGHANDLER_CALLBACK, LOG_DEBUG);
    // init_snmp switches LC_CTYPE to the environment's locale; the exporter keeps "C".
    const char* previous = std::setlocale(LC_CTYPE, nullptr);
    const std::string saved_locale = previous != nullptr ? previous : "C";
    init_snmp("netif_exporter");
    std::setlocale(LC_CTYPE, saved_locale.c_str());
  });
}

// What net-snmp's callback writes to. REQUIRES: standard layout with `scratch` first: on a Report,
// net-snmp 5.9's _sess_process_packet writes ((struct synch_state *)magic)->waiting = 0 into
// whatever callback argument the request carries, so that first int must be ours to lose.
struct SnmpSession::Cookie {
  synch_state scratch{};
  bool closing = false;
  std::vector<SnmpEvent>* events =
      nullptr;  // the session's queue (a pointer keeps the layout plain)

  static int OnCallback(int operation, netsnmp_session* session, int request_id, netsnmp_pdu* pdu,
                        void* magic);
};

int SnmpSession::Cookie::OnCallback(int operation, netsnmp_session* session, int request_id,
                                    netsnmp_pdu* pdu, void* magic) {
  auto* cookie = static_cast<Cookie*>(magic);
  if (cookie == nullptr || cookie->closing) return 1;
  SnmpEvent event;
  event.request_id = request_id;
  switch (operation) {
    case NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE:
      if (pdu == nullptr) return 1;
      if (pdu->command == SNMP_MSG_REPORT) {
        event.kind = SnmpEvent::Kind::kReport;
        const int report = snmpv3_get_report_type(pdu);
        event.report = ReportOf(report);
        event.detail = NetSnmpError(report);
      } else {
        event.kind = SnmpEvent::Kind::kResponse;
        event.error_status = pdu->errstat;
        event.error_index = pdu->errindex;
      }
      event.malformed_varbinds = AppendVarbinds(pdu->variables, event.varbinds);
      break;
    case NETSNMP_CALLBACK_OP_RESEND:
      event.kind = SnmpEvent::Kind::kResend;
      break;
    case NETSNMP_CALLBACK_OP_TIMED_OUT:
      event.kind = SnmpEvent::Kind::kTimeout;
      break;
    case NETSNMP_CALLBACK_OP_SEND_FAILED:
      event.kind = SnmpEvent::Kind::kFailed;
      event.detail = "send failed: " + NetSnmpError(session ? session->s_snmp_errno : 0);
      break;
    case NETSNMP_CALLBACK_OP_DISCONNECT:
      event.kind = SnmpEvent::Kind::kFailed;
      event.detail = "the agent closed the connection";
      break;
    case NETSNMP_CALLBACK_OP_SEC_ERROR:
      event.kind = SnmpEvent::Kind::kSecurityError;
      event.detail = "security processing failed";
      if (session != nullptr && session->s_snmp_errno != 0) {
        event.detail += ": " + NetSnmpError(session->s_snmp_errno);
      }
      break;
    default:
      return 1;  // CONNECT and anything newer: nothing to do
  }
  cookie->events->push_back(std::move(event));
  return 1;
}

static_assert(std::is_standard_layout_v<SnmpSession::Cookie>);
static_assert(offsetof(SnmpSession::Cookie, scratch) == 0);

std::variant<std::unique_ptr<SnmpSession>, std::string> SnmpSession::Open(const Options& options) {
  InitNetSnmp();
  // The session object exists before net-snmp's: the callback argument must be stable.
  std::unique_ptr<SnmpSession> self(new SnmpSession(options.version));

  netsnmp_session config{};
  snmp_sess_init(&config);
  std::string peer = options.peer;
  config.peername = peer.data();
  config.timeout = static_cast<long>(
      std::chrono::duration_cast<std::chrono::microseconds>(options.timeout).count());
  config.retries = static_cast<int>(options.retries);
  config.callback = &Cookie::OnCallback;
  config.callback_magic = self->cookie_.get();
  const SnmpCredentials& credentials = options.credentials;
  std::string community = credentials.community;
  std::string username = credentials.username;
  std::string context = credentials.context_name;
  switch (options.version) {
    case SnmpVersion::kV1:
    case SnmpVersion::kV2c:
      config.version = options.version == SnmpVersion::kV1 ? SNMP_VERSION_1 : SNMP_VERSION_2c;
      config.community = reinterpret_cast<u_char*>(community.data());
      config.community_len = community.size();
      break;
    case SnmpVersion::kV3: {
      config.version = SNMP_VERSION_3;
      config.securityModel = SNMP_SEC_MODEL_USM;
      config.securityName = username.data();
      config.securityNameLen = username.size();
      config.contextName = context.data();
      config.contextNameLen = context.size();
      config.flags |= SNMP_FLAGS_DONT_PROBE;  // discovery is ours, asynchronous
      switch (credentials.security_level) {
        case SnmpSecurityLevel::kNoAuthNoPriv:
          config.securityLevel = SNMP_SEC_LEVEL_NOAUTH;
          break;
        case SnmpSecurityLevel::kAuthNoPriv:
          config.securityLevel = SNMP_SEC_LEVEL_AUTHNOPRIV;
          break;
        case SnmpSecurityLevel::kAuthPriv:
          config.securityLevel = SNMP_SEC_LEVEL_AUTHPRIV;
          break;
      }
      const AuthProtocolOid auth = AuthOid(credentials.auth_protocol);
      config.securityAuthProto = const_cast<oid*>(auth.id);
      config.securityAuthProtoLen = auth.length;
      if (credentials.security_level != SnmpSecurityLevel::kNoAuthNoPriv) {
        config.securityAuthKeyLen = USM_AUTH_KU_LEN;
        if (generate_Ku(auth.id, static_cast<u_int>(auth.length),
                        reinterpret_cast<const u_char*>(credentials.auth_password.data()),
                        credentials.auth_password.size(), config.securityAuthKey,
                        &config.securityAuthKeyLen) != SNMPERR_SUCCESS) {
          return std::string("cannot derive the authentication key from auth_password");
        }
      }
      if (credentials.security_level == SnmpSecurityLevel::kAuthPriv) {
        const AuthProtocolOid priv = PrivOid(credentials.priv_protocol);
        config.securityPrivProto = const_cast<oid*>(priv.id);
        config.securityPrivProtoLen = priv.length;
        config.securityPrivKeyLen = USM_PRIV_KU_LEN;
        // USM derives the privacy key with the authentication protocol's hash (RFC 3414 2.6).
        if (generate_Ku(auth.id, static_cast<u_int>(auth.length),
                        reinterpret_cast<const u_char*>(credentials.priv_password.data()),
                        credentials.priv_password.size(), config.securityPrivKey,
                        &config.securityPrivKeyLen) != SNMPERR_SUCCESS) {
          return std::string("cannot derive the privacy key from priv_password");
        }
      }
      break;
    }
  }
  self->handle_ = snmp_sess_open(&config);
  if (self->handle_ == nullptr) {
    return "cannot open an SNMP session to " + options.peer + ": " + OpenError(&config);
  }
  // snmp_sess_open clears the flag once opened; without it the first send would probe
  // synchronously.
  if (options.version == SnmpVersion::kV3) {
    snmp_sess_session(self->handle_)->flags |= SNMP_FLAGS_DONT_PROBE;
  }
  return self;
}

SnmpSession::SnmpSession(SnmpVersion version)
    : cookie_(std::make_unique<Cookie>()), version_(version) {
  cookie_->events = &events_;
}

SnmpSession::~SnmpSession() {
  // snmp_sess_close reports every pending request as timed out; nobody is listening any more.
  cookie_->closing = true;
  if (handle_ != nullptr) snmp_sess_close(handle_);
}

int SnmpSession::fd() const {
  const netsnmp_transport* transport = snmp_sess_transport(handle_);
  return transport != nullptr ? transport->sock : -1;
}

bool SnmpSession::NeedsEngineId() const {
  return version_ == SnmpVersion::kV3 && snmp_sess_session(handle_)->securityEngineIDLen == 0;
}

std::variant<int, std::string> SnmpSession::Send(void* raw_pdu) {
  auto* pdu = static_cast<netsnmp_pdu*>(raw_pdu);
  const int request_id = snmp_sess_async_send(handle_, pdu, &Cookie::OnCallback, cookie_.get());
  if (request_id == 0) {
    const int snmp_errno = snmp_sess_session(handle_)->s_snmp_errno;
    snmp_free_pdu(pdu);
    return "cannot send: " + NetSnmpError(snmp_errno);
  }
  return request_id;
}

std::variant<int, std::string> SnmpSession::SendEngineProbe() {
  // RFC 3414 4: an unauthenticated request from an unknown user; the agent answers with a
  // usmStatsUnknownEngineIDs Report that carries its engine ID (net-snmp records it).
  netsnmp_pdu* pdu = snmp_pdu_create(SNMP_MSG_GET);
  pdu->version = SNMP_VERSION_3;
  pdu->securityName = strdup("");
  pdu->securityNameLen = 0;
  pdu->securityLevel = SNMP_SEC_LEVEL_NOAUTH;
  pdu->securityModel = SNMP_SEC_MODEL_USM;
  // USM encodes even this probe through a user entry: the empty user, as net-snmp's own probe
  // creates it.
  if (usm_get_user(nullptr, 0, pdu->securityName) == nullptr) {
    auto* user = static_cast<usmUser*>(std::calloc(1, sizeof(usmUser)));
    user->name = strdup("");
    user->secName = strdup("");
    user->authProtocolLen = std::size(usmNoAuthProtocol);
    user->authProtocol = snmp_duplicate_objid(usmNoAuthProtocol, user->authProtocolLen);
    user->privProtocolLen = std::size(usmNoPrivProtocol);
    user->privProtocol = snmp_duplicate_objid(usmNoPrivProtocol, user->privProtocolLen);
    usm_add_user(user);
  }
  return Send(pdu);
}

std::variant<int, std::string> SnmpSession::SendGetBulk(std::span<const Oid> oids,
                                                        size_t non_repeaters,
                                                        uint32_t max_repetitions) {
  netsnmp_pdu* pdu = snmp_pdu_create(SNMP_MSG_GETBULK);
  pdu->non_repeaters = static_cast<long>(non_repeaters);
  pdu->max_repetitions = static_cast<long>(max_repetitions);
  std::vector<oid> name;
  for (const Oid& id : oids) {
    name.assign(id.begin(), id.end());
    snmp_add_null_var(pdu, name.data(), name.size());
  }
  return Send(pdu);
}

std::variant<int, std::string> SnmpSession::SendGetNext(std::span<const Oid> oids) {
  netsnmp_pdu* pdu = snmp_pdu_create(SNMP_MSG_GETNEXT);
  std::vector<oid> name;
  for (const Oid& id : oids) {
    name.assign(id.begin(), id.end());
    snmp_add_null_var(pdu, name.data(), name.size());
  }
  return Send(pdu);
}

std::optional<std::string> SnmpSession::OnEngineDiscovered() {
  netsnmp_session* session = snmp_sess_session(handle_);
  if (session->securityEngineIDLen == 0) {
    return std::string("the agent's Report to the engine ID probe carried no engine ID");
  }
  // net-snmp keeps one USM user per (engine ID, user name) for the whole process: a second
  // target naming the same user on the same agent would silently use the first one's keys.
  const usmUser* existing =
      usm_get_user(session->securityEngineID, session->securityEngineIDLen, session->securityName);
  if (existing != nullptr && !SameUsmKeys(*existing, *session)) {
    return "another target already uses SNMPv3 user \"" + std::string(session->securityName) +
           "\" on this agent (same engine ID) with other credentials; net-snmp holds one set "
           "per engine ID and user";
  }
  if (create_user_from_session(session) != SNMPERR_SUCCESS) {
    return std::string("cannot localize the USM keys for the agent's engine ID");
  }
  return std::nullopt;
}

std::vector<SnmpEvent> SnmpSession::TakeEvents() {
  std::vector<SnmpEvent> events;
  events.swap(events_);
  return events;
}

SnmpSession::ReadResult SnmpSession::Read() {
  ReadResult result;
  const int socket = fd();
  if (socket < 0) return result;
  netsnmp_large_fd_set readable;
  netsnmp_large_fd_set_init(&readable, socket + 1);
  NETSNMP_LARGE_FD_SET(socket, &readable);
  const uint64_t dropped_before = DroppedPacketStatistics();
  const int rc = snmp_sess_read2(handle_, &readable);
  netsnmp_large_fd_set_cleanup(&readable);
  const uint64_t dropped = DroppedPacketStatistics() - dropped_before;
  const netsnmp_session* session = snmp_sess_session(handle_);
  if (rc != 0 && session->s_snmp_errno == SNMPERR_BAD_RECVFROM) {
    result.receive_error = "receive failed: " + std::string(std::strerror(session->s_errno));
  } else if (rc != 0 || dropped > 0) {
    result.bad_packets = 1;  // one datagram per read
  }
  result.events = TakeEvents();
  return result;
}

std::vector<SnmpEvent> SnmpSession::HandleTimeouts() {
  snmp_sess_timeout(handle_);
  return TakeEvents();
}

std::optional<double> SnmpSession::TimeUntilTimeout() {
  const int socket = fd();
  netsnmp_large_fd_set ignored;
  netsnmp_large_fd_set_init(&ignored, socket >= 0 ? socket + 1 : 1);
  int fds = 0;
  int block = 1;
  timeval timeout{};
  snmp_sess_select_info2_flags(handle_, &fds, &ignored, &timeout, &block, NETSNMP_SELECT_NOALARMS);
  netsnmp_large_fd_set_cleanup(&ignored);
  if (block != 0) return std::nullopt;  // no request pending
  return static_cast<double>(timeout.tv_sec) + static_cast<double>(timeout.tv_usec) / 1e6;
}

}  // namespace netif
