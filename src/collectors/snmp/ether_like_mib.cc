#include "collectors/snmp/ether_like_mib.h"

#include <utility>

namespace netif {
namespace {

constexpr uint64_t kMax32 = 0xFFFFFFFFull;
constexpr uint32_t kMaxIndex = 2147483647;
constexpr size_t kMaxProblems = 8;

#define NETIF_DOT3(var, metric, help)                                    \
  constexpr ExtraCounterDefinition var{"netif_dot3_" metric "_total",    \
                                       "EtherLike-MIB " help             \
                                       " (SNMP dot3StatsTable), as the " \
                                       "agent reports it."};
NETIF_DOT3(kAlignment, "alignment_errors",
           "dot3StatsAlignmentErrors: frames with a bad FCS and a non-whole number of octets")
NETIF_DOT3(kFcs, "fcs_errors",
           "dot3StatsFCSErrors: frames of a whole number of octets with a bad FCS")
NETIF_DOT3(kSingleCollision, "single_collision_frames",
           "dot3StatsSingleCollisionFrames: frames sent after exactly one collision")
NETIF_DOT3(kMultipleCollision, "multiple_collision_frames",
           "dot3StatsMultipleCollisionFrames: frames sent after more than one collision")
NETIF_DOT3(kSqeTest, "sqe_test_errors", "dot3StatsSQETestErrors: SQE TEST ERROR messages")
NETIF_DOT3(kDeferred, "deferred_transmissions",
           "dot3StatsDeferredTransmissions: frames delayed because the medium was busy")
NETIF_DOT3(kLateCollision, "late_collisions",
           "dot3StatsLateCollisions: collisions detected later than 512 bit times into a frame")
NETIF_DOT3(kExcessiveCollision, "excessive_collisions",
           "dot3StatsExcessiveCollisions: frames not sent because of excessive collisions")
NETIF_DOT3(
    kMacTransmit, "internal_mac_transmit_errors",
    "dot3StatsInternalMacTransmitErrors: frames not sent because of an internal MAC transmit error")
NETIF_DOT3(
    kCarrierSense, "carrier_sense_errors",
    "dot3StatsCarrierSenseErrors: times the carrier was lost or never asserted while sending")
NETIF_DOT3(kFrameTooLong, "frame_too_longs",
           "dot3StatsFrameTooLongs: frames received longer than the maximum frame size")
NETIF_DOT3(kMacReceive, "internal_mac_receive_errors",
           "dot3StatsInternalMacReceiveErrors: frames lost to an internal MAC receive error")
NETIF_DOT3(kSymbol, "symbol_errors",
           "dot3StatsSymbolErrors: times an invalid data symbol was received")
#undef NETIF_DOT3

constexpr std::array<Dot3CounterColumn, kDot3CounterCount> kColumns = {{
    {2, "dot3StatsAlignmentErrors", &kAlignment},
    {3, "dot3StatsFCSErrors", &kFcs},
    {4, "dot3StatsSingleCollisionFrames", &kSingleCollision},
    {5, "dot3StatsMultipleCollisionFrames", &kMultipleCollision},
    {6, "dot3StatsSQETestErrors", &kSqeTest},
    {7, "dot3StatsDeferredTransmissions", &kDeferred},
    {8, "dot3StatsLateCollisions", &kLateCollision},
    {9, "dot3StatsExcessiveCollisions", &kExcessiveCollision},
    {10, "dot3StatsInternalMacTransmitErrors", &kMacTransmit},
    {11, "dot3StatsCarrierSenseErrors", &kCarrierSense},
    {13, "dot3StatsFrameTooLongs", &kFrameTooLong},
    {16, "dot3StatsInternalMacReceiveErrors", &kMacReceive},
    {18, "dot3StatsSymbolErrors", &kSymbol},
}};

constexpr std::array<const ExtraCounterDefinition*, kDot3CounterCount> kMetrics = {
    &kAlignment,   &kFcs,          &kSingleCollision, &kMultipleCollision,
    &kSqeTest,     &kDeferred,     &kLateCollision,   &kExcessiveCollision,
    &kMacTransmit, &kCarrierSense, &kFrameTooLong,    &kMacReceive,
    &kSymbol};

// Column number -> position in kColumns (-1: not read).
std::optional<size_t> CounterPosition(uint32_t number) {
  for (size_t i = 0; i < kColumns.size(); ++i) {
    if (kColumns[i].number == number) return i;
  }
  return std::nullopt;
}

}  // namespace

const std::array<Dot3CounterColumn, kDot3CounterCount>& Dot3CounterColumns() { return kColumns; }

std::span<const ExtraCounterDefinition* const> Dot3ExtraCounters() { return kMetrics; }

std::vector<Oid> Dot3ColumnOids() {
  std::vector<Oid> oids;
  const auto column_oid = [](uint32_t number) {
    Oid oid(kDot3StatsEntryOid.begin(), kDot3StatsEntryOid.end());
    oid.push_back(number);
    return oid;
  };
  for (const Dot3CounterColumn& column : kColumns) oids.push_back(column_oid(column.number));
  oids.push_back(column_oid(kDot3DuplexStatusColumn));
  return oids;
}

void Dot3Walk::Add(std::span<const Varbind> varbinds) {
  for (const Varbind& vb : varbinds) Accept(vb);
}

void Dot3Walk::Problem(std::string text) {
  ++malformed_;
  if (problems_.size() < kMaxProblems) problems_.push_back(std::move(text));
}

void Dot3Walk::Accept(const Varbind& vb) {
  if (vb.IsException() || vb.Is(SnmpType::kNull)) return;
  const size_t entry = kDot3StatsEntryOid.size();
  if (!OidStartsWith(vb.oid, kDot3StatsEntryOid) || vb.oid.size() <= entry) return;
  const uint32_t number = vb.oid[entry];
  const std::optional<size_t> position = CounterPosition(number);
  if (!position && number != kDot3DuplexStatusColumn) return;
  if (vb.oid.size() != entry + 2 || vb.oid.back() == 0 || vb.oid.back() > kMaxIndex) {
    Problem(FormatOid(vb.oid) + ": not a valid dot3StatsIndex instance");
    return;
  }
  const uint32_t index = vb.oid.back();
  // Built only for a message: most varbinds need none.
  const auto where = [&] {
    return (position ? std::string(kColumns[*position].name) : "dot3StatsDuplexStatus") + "." +
           std::to_string(index);
  };
  if (!position) {
    if (!vb.Is(SnmpType::kInteger) || vb.integer < 1 || vb.integer > 3) {
      Problem(where() + ": want INTEGER 1..3, got " + SnmpTypeName(vb.type));
      return;
    }
    static constexpr std::array<Duplex, 3> kDuplex = {Duplex::kUnknown, Duplex::kHalf,
                                                      Duplex::kFull};
    ports_[index].duplex = kDuplex[static_cast<size_t>(vb.integer - 1)];
    return;
  }
  const auto quirk = [&](SnmpQuirk kind) {
    quirks_.Add(kind,
                quirks_.Count(kind) == 0 ? where() + ": " + SnmpTypeName(vb.type) : std::string());
  };
  uint64_t value = vb.unsigned_value;
  if (vb.Is(SnmpType::kCounter32)) {
    if (value > kMax32) {
      Problem(where() + ": value out of range");
      return;
    }
  } else if (vb.Is(SnmpType::kCounter64)) {
    quirk(SnmpQuirk::kCounter64InCounter32);
  } else if (vb.Is(SnmpType::kGauge32) && value <= kMax32) {
    quirk(SnmpQuirk::kGaugeAsCounter);
  } else if (vb.Is(SnmpType::kInteger) && vb.integer >= 0 &&
             static_cast<uint64_t>(vb.integer) <= kMax32) {
    value = static_cast<uint64_t>(vb.integer);
    quirk(SnmpQuirk::kIntegerAsCounter);
  } else {
    Problem(where() + ": want Counter32, got " + SnmpTypeName(vb.type));
    return;
  }
  Dot3PortValues& port = ports_[index];
  port.counters[*position] = value;
  port.present.set(*position);
}

uint64_t Dot3Walk::TakeMalformed(std::vector<std::string>* problems) {
  if (problems != nullptr) {
    for (std::string& problem : problems_) problems->push_back(std::move(problem));
  }
  problems_.clear();
  return std::exchange(malformed_, 0);
}

void ApplyDot3(const Dot3Ports& ports, InterfaceRecords& records) {
  if (ports.empty()) return;
  for (InterfaceRecord& record : records) {
    if (!record.attributes.ifindex) continue;
    const auto it = ports.find(*record.attributes.ifindex);
    if (it == ports.end()) continue;
    const Dot3PortValues& port = it->second;
    record.extra_counters.Reserve(port.present.count());
    for (size_t i = 0; i < kDot3CounterCount; ++i) {
      if (port.present.test(i)) record.extra_counters.Set(*kColumns[i].metric, port.counters[i]);
    }
    if (port.duplex) record.attributes.duplex = port.duplex;
  }
}

}  // namespace netif
