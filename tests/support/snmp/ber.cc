#include "support/snmp/ber.h"

#include <utility>

#include "collectors/snmp/oid.h"

namespace netif::testing_support {
namespace {

constexpr uint8_t kSequence = 0x30;
constexpr uint8_t kInteger = 0x02;
constexpr uint8_t kOctetString = 0x04;
constexpr uint8_t kObjectId = 0x06;

void AppendLength(std::string& out, size_t length) {
  if (length < 0x80) {
    out.push_back(static_cast<char>(length));
    return;
  }
  std::string bytes;
  for (size_t n = length; n > 0; n >>= 8) bytes.insert(bytes.begin(), static_cast<char>(n & 0xFF));
  out.push_back(static_cast<char>(0x80 | bytes.size()));
  out += bytes;
}

std::string Tlv(uint8_t tag, std::string_view content) {
  std::string out(1, static_cast<char>(tag));
  AppendLength(out, content.size());
  out.append(content);
  return out;
}

// Two's complement, shortest form (X.690 8.3).
std::string SignedContent(int64_t value) {
  std::string bytes;
  for (int i = 7; i >= 0; --i) {
    bytes.push_back(static_cast<char>((static_cast<uint64_t>(value) >> (8 * i)) & 0xFF));
  }
  size_t skip = 0;
  while (skip + 1 < bytes.size()) {
    const auto first = static_cast<uint8_t>(bytes[skip]);
    const auto next = static_cast<uint8_t>(bytes[skip + 1]);
    if ((first == 0x00 && (next & 0x80) == 0) || (first == 0xFF && (next & 0x80) != 0)) {
      ++skip;
    } else {
      break;
    }
  }
  return bytes.substr(skip);
}

// An unsigned value as a non-negative INTEGER: a leading 0 when the top bit is set.
std::string UnsignedContent(uint64_t value) {
  std::string bytes;
  for (uint64_t n = value; n > 0; n >>= 8) bytes.insert(bytes.begin(), static_cast<char>(n & 0xFF));
  if (bytes.empty() || (static_cast<uint8_t>(bytes[0]) & 0x80) != 0) bytes.insert(bytes.begin(), 0);
  return bytes;
}

void AppendBase128(std::string& out, uint64_t value) {
  std::string bytes(1, static_cast<char>(value & 0x7F));
  for (uint64_t n = value >> 7; n > 0; n >>= 7) {
    bytes.insert(bytes.begin(), static_cast<char>(0x80 | (n & 0x7F)));
  }
  out += bytes;
}

std::string OidContent(const Oid& oid) {
  std::string out;
  if (oid.size() < 2) {
    AppendBase128(out, oid.empty() ? 0 : oid[0] * 40ull);
    return out;
  }
  AppendBase128(out, oid[0] * 40ull + oid[1]);
  for (size_t i = 2; i < oid.size(); ++i) AppendBase128(out, oid[i]);
  return out;
}

std::string ValueTlv(const Varbind& vb) {
  switch (static_cast<SnmpType>(vb.type)) {
    case SnmpType::kInteger:
      return Tlv(vb.type, SignedContent(vb.integer));
    case SnmpType::kCounter32:
    case SnmpType::kGauge32:
    case SnmpType::kTimeTicks:
    case SnmpType::kCounter64:
      return Tlv(vb.type, UnsignedContent(vb.unsigned_value));
    case SnmpType::kOctetString:
    case SnmpType::kIpAddress:
    case SnmpType::kOpaque:
      return Tlv(vb.type, vb.bytes);
    case SnmpType::kObjectId:
      return Tlv(vb.type, OidContent(ParseOid(vb.bytes).value_or(Oid{0, 0})));
    default:
      return Tlv(vb.type, "");
  }
}

// Reads BER one TLV at a time from a string view.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : rest_(bytes) {}
  bool empty() const { return rest_.empty(); }

  // The next TLV's tag and content; false when there is none or it is cut short.
  bool Next(uint8_t& tag, std::string_view& content) {
    if (rest_.size() < 2) return false;
    tag = static_cast<uint8_t>(rest_[0]);
    size_t length = static_cast<uint8_t>(rest_[1]);
    size_t header = 2;
    if (length & 0x80) {
      const size_t octets = length & 0x7F;
      if (octets == 0 || octets > 4 || rest_.size() < 2 + octets) return false;
      length = 0;
      for (size_t i = 0; i < octets; ++i)
        length = (length << 8) | static_cast<uint8_t>(rest_[2 + i]);
      header += octets;
    }
    if (rest_.size() - header < length) return false;
    content = rest_.substr(header, length);
    rest_.remove_prefix(header + length);
    return true;
  }
  bool Expect(uint8_t want, std::string_view& content) {
    uint8_t tag = 0;
    return Next(tag, content) && tag == want;
  }

 private:
  std::string_view rest_;
};

std::optional<int64_t> SignedOf(std::string_view content) {
  if (content.empty() || content.size() > 8) return std::nullopt;
  uint64_t value = (static_cast<uint8_t>(content[0]) & 0x80) ? ~0ull : 0;
  for (char c : content) value = (value << 8) | static_cast<uint8_t>(c);
  return static_cast<int64_t>(value);
}

std::optional<uint64_t> UnsignedOf(std::string_view content) {
  if (content.empty() || content.size() > 9) return std::nullopt;
  if (content.size() == 9 && content[0] != 0) return std::nullopt;
  uint64_t value = 0;
  for (char c : content) value = (value << 8) | static_cast<uint8_t>(c);
  return value;
}

std::optional<Oid> OidOf(std::string_view content) {
  Oid oid;
  uint64_t value = 0;
  for (size_t i = 0; i < content.size(); ++i) {
    value = (value << 7) | (static_cast<uint8_t>(content[i]) & 0x7F);
    if (value > 0xFFFFFFFFull * 40) return std::nullopt;
    if (static_cast<uint8_t>(content[i]) & 0x80) continue;
    if (oid.empty()) {
      const uint64_t first = value < 80 ? value / 40 : 2;
      oid.push_back(static_cast<uint32_t>(first));
      value -= first * 40;
    }
    if (value > 0xFFFFFFFFull) return std::nullopt;
    oid.push_back(static_cast<uint32_t>(value));
    value = 0;
  }
  if (oid.empty() || value != 0 || (static_cast<uint8_t>(content.back()) & 0x80)) {
    return std::nullopt;
  }
  return oid;
}

std::optional<Varbind> VarbindOf(std::string_view sequence) {
  Reader reader(sequence);
  std::string_view content;
  if (!reader.Expect(kObjectId, content)) return std::nullopt;
  Varbind vb;
  std::optional<Oid> oid = OidOf(content);
  if (!oid) return std::nullopt;
  vb.oid = std::move(*oid);
  uint8_t tag = 0;
  if (!reader.Next(tag, content) || !reader.empty()) return std::nullopt;
  vb.type = tag;
  switch (static_cast<SnmpType>(tag)) {
    case SnmpType::kInteger: {
      const std::optional<int64_t> value = SignedOf(content);
      if (!value) return std::nullopt;
      vb.integer = *value;
      break;
    }
    case SnmpType::kCounter32:
    case SnmpType::kGauge32:
    case SnmpType::kTimeTicks:
    case SnmpType::kCounter64: {
      const std::optional<uint64_t> value = UnsignedOf(content);
      if (!value) return std::nullopt;
      vb.unsigned_value = *value;
      break;
    }
    case SnmpType::kObjectId: {
      const std::optional<Oid> value = OidOf(content);
      if (!value) return std::nullopt;
      vb.bytes = FormatOid(*value);
      break;
    }
    default:
      vb.bytes = std::string(content);
      break;
  }
  return vb;
}

}  // namespace

std::string EncodeSnmpMessage(const SnmpMessage& message) {
  std::string varbinds;
  for (const Varbind& vb : message.varbinds) {
    varbinds += Tlv(kSequence, Tlv(kObjectId, OidContent(vb.oid)) + ValueTlv(vb));
  }
  const std::string pdu =
      Tlv(message.pdu_type, Tlv(kInteger, SignedContent(message.request_id)) +
                                Tlv(kInteger, SignedContent(message.error_status)) +
                                Tlv(kInteger, SignedContent(message.error_index)) +
                                Tlv(kSequence, varbinds));
  return Tlv(kSequence, Tlv(kInteger, SignedContent(message.version)) +
                            Tlv(kOctetString, message.community) + pdu);
}

std::optional<SnmpMessage> DecodeSnmpMessage(std::string_view bytes) {
  Reader outer(bytes);
  std::string_view message_content;
  if (!outer.Expect(kSequence, message_content) || !outer.empty()) return std::nullopt;
  Reader message_reader(message_content);
  std::string_view content;
  SnmpMessage message;
  if (!message_reader.Expect(kInteger, content)) return std::nullopt;
  const std::optional<int64_t> version = SignedOf(content);
  if (!version) return std::nullopt;
  message.version = *version;
  if (!message_reader.Expect(kOctetString, content)) return std::nullopt;
  message.community = std::string(content);
  std::string_view pdu;
  if (!message_reader.Next(message.pdu_type, pdu) || !message_reader.empty()) return std::nullopt;
  Reader pdu_reader(pdu);
  for (int64_t* field : {&message.request_id, &message.error_status, &message.error_index}) {
    if (!pdu_reader.Expect(kInteger, content)) return std::nullopt;
    const std::optional<int64_t> value = SignedOf(content);
    if (!value) return std::nullopt;
    *field = *value;
  }
  std::string_view list;
  if (!pdu_reader.Expect(kSequence, list) || !pdu_reader.empty()) return std::nullopt;
  Reader list_reader(list);
  while (!list_reader.empty()) {
    if (!list_reader.Expect(kSequence, content)) return std::nullopt;
    std::optional<Varbind> vb = VarbindOf(content);
    if (!vb) return std::nullopt;
    message.varbinds.push_back(std::move(*vb));
  }
  return message;
}

}  // namespace netif::testing_support
