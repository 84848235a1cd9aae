#include "collectors/snmp/if_mib_parser.h"

#include <array>
#include <cmath>
#include <map>
#include <utility>

namespace netif {
namespace {

constexpr uint64_t kMax32 = 0xFFFFFFFFull;
constexpr uint64_t kTwoTo32 = 0x100000000ull;
constexpr double kTicksPerSecond = 100;
constexpr uint32_t kSpeedSaturated = 0xFFFFFFFFu;  // ifSpeed's "see ifHighSpeed" value

std::string* TextSlot(IfColumn column, IfPortValues& port) {
  switch (column) {
    case IfColumn::kDescr:
      return &port.descr;
    case IfColumn::kName:
      return &port.name;
    case IfColumn::kAlias:
      return &port.alias;
    case IfColumn::kPhysAddress:
      return &port.phys_address;
    default:
      return nullptr;
  }
}

std::string WantType(SnmpType want, const Varbind& vb) {
  return "want " + SnmpTypeName(static_cast<uint8_t>(want)) + ", got " + SnmpTypeName(vb.type);
}

// Checks `vb` against what the MIB says `info`'s column holds and stores it in `port`. Returns
// why it was refused, or "" when stored.
std::string StoreValue(const IfColumnInfo& info, const Varbind& vb, IfPortValues& port) {
  const auto unsigned_in = [&](SnmpType type, uint64_t max) -> std::string {
    if (!vb.Is(type)) return WantType(type, vb);
    if (vb.unsigned_value > max)
      return "value " + std::to_string(vb.unsigned_value) + " out of range";
    port.numbers[IfColumnIndex(info.column)] = vb.unsigned_value;
    return "";
  };
  const auto integer_in = [&](int64_t min, int64_t max) -> std::string {
    if (!vb.Is(SnmpType::kInteger)) return WantType(SnmpType::kInteger, vb);
    if (vb.integer < min || vb.integer > max) {
      return "value " + std::to_string(vb.integer) + " out of range " + std::to_string(min) + ".." +
             std::to_string(max);
    }
    port.numbers[IfColumnIndex(info.column)] = static_cast<uint64_t>(vb.integer);
    return "";
  };
  const auto octets_up_to = [&](size_t max_bytes, bool trim_nuls) -> std::string {
    if (!vb.Is(SnmpType::kOctetString)) return WantType(SnmpType::kOctetString, vb);
    if (vb.bytes.size() > max_bytes) {
      return std::to_string(vb.bytes.size()) + " octets, more than " + std::to_string(max_bytes);
    }
    std::string text = vb.bytes;
    // Some agents count a C string's terminating NUL in a DisplayString.
    while (trim_nuls && !text.empty() && text.back() == '\0') text.pop_back();
    *TextSlot(info.column, port) = std::move(text);
    return "";
  };
  switch (info.kind) {
    case IfValueKind::kDisplayString:
      return octets_up_to(kMaxDisplayStringBytes, true);
    case IfValueKind::kPhysAddress:
      return octets_up_to(kMaxPhysAddressBytes, false);
    case IfValueKind::kIfType:
      return integer_in(1, 2147483647);
    case IfValueKind::kMtu:
      return integer_in(0, 2147483647);
    case IfValueKind::kAdminStatus:
      return integer_in(1, 3);
    case IfValueKind::kOperStatus:
      return integer_in(1, 7);
    case IfValueKind::kGauge32:
      return unsigned_in(SnmpType::kGauge32, kMax32);
    case IfValueKind::kTimeTicks:
      return unsigned_in(SnmpType::kTimeTicks, kMax32);
    case IfValueKind::kCounter32:
      return unsigned_in(SnmpType::kCounter32, kMax32);
    case IfValueKind::kCounter64:
      return unsigned_in(SnmpType::kCounter64, UINT64_MAX);
  }
  return "unknown column kind";
}

// Turns the ports' values into records; notes which columns ended up in some record.
class RecordBuilder {
 public:
  RecordBuilder(const IfMibParseOptions& options, std::optional<uint32_t> sys_uptime_ticks,
                IfMibParseResult& result)
      : options_(options), sys_uptime_ticks_(sys_uptime_ticks), result_(result) {}

  // `slow`: where the port's slow columns come from (the port itself on a full walk).
  std::optional<InterfaceRecord> Build(uint32_t if_index, const IfPortValues& port,
                                       const IfPortValues& slow) {
    const std::string index_text = std::to_string(if_index);
    const std::string& shown_name = !slow.name.empty() ? slow.name : slow.descr;
    // Counters and attributes first: they mark the columns in use even for unselected ports.
    CounterSet counters = Counters(port);
    LinkAttributes attributes = Attributes(if_index, port, slow);
    if (options_.selected && !options_.selected(shown_name, slow.descr, slow.alias)) {
      return std::nullopt;
    }
    InterfaceRecord record;
    record.key = InterfaceKey{options_.source, index_text};
    record.name = options_.target + "/" + (shown_name.empty() ? index_text : shown_name);
    record.labels = {{"target", options_.target},
                     {"ifIndex", index_text},
                     {"ifName", shown_name},
                     {"ifDescr", slow.descr},
                     {"ifAlias", slow.alias}};
    record.labels.insert(record.labels.end(), options_.static_labels.begin(),
                         options_.static_labels.end());
    record.attributes = std::move(attributes);
    record.counters = counters;
    return record;
  }

 private:
  // The 64-bit column if the port has it, else the 32-bit one (wrapping at 2^32).
  void SetCounter(const IfPortValues& port, CounterSet& counters, Counter counter, IfColumn hc,
                  std::optional<IfColumn> narrow) {
    if (auto value = port.Number(hc)) {
      counters.Set(counter, *value, false);
      Use(hc);
    } else if (narrow) {
      if (auto value32 = port.Number(*narrow)) {
        counters.Set(counter, *value32, true);
        Use(*narrow);
      }
    }
  }

  void SetCounter32(const IfPortValues& port, CounterSet& counters, Counter counter, IfColumn c) {
    if (auto value = port.Number(c)) {
      counters.Set(counter, *value, true);
      Use(c);
    }
  }

  // A packet-count part as a 32-bit counter: its HC column modulo 2^32, else its 32-bit column.
  struct Part32 {
    std::optional<uint64_t> value;
    std::optional<IfColumn> column;  // the column it came from
  };
  static Part32 PartOf(const IfPortValues& port, IfColumn hc, IfColumn narrow) {
    if (auto value = port.Number(hc)) return {*value % kTwoTo32, hc};
    if (auto value = port.Number(narrow)) return {*value, narrow};
    return {};
  }

  // Unicast + multicast + broadcast (64-bit when all three are HC), else unicast + non-unicast,
  // each modulo 2^32 when a part is 32-bit. See the header for why the modulo keeps deltas right.
  void SetPacketSum(const IfPortValues& port, CounterSet& counters, Counter counter,
                    std::array<IfColumn, 3> hc, std::array<IfColumn, 3> narrow,
                    IfColumn non_unicast) {
    if (port.Has(hc[0]) && port.Has(hc[1]) && port.Has(hc[2])) {
      uint64_t sum = 0;  // wraps modulo 2^64 like each part
      for (IfColumn c : hc) {
        sum += *port.Number(c);
        Use(c);
      }
      counters.Set(counter, sum, false);
      return;
    }
    const Part32 unicast = PartOf(port, hc[0], narrow[0]);
    const Part32 multicast = PartOf(port, hc[1], narrow[1]);
    const Part32 broadcast = PartOf(port, hc[2], narrow[2]);
    if (!unicast.value) return;
    if (multicast.value && broadcast.value) {
      counters.Set(counter, (*unicast.value + *multicast.value + *broadcast.value) % kTwoTo32,
                   true);
      for (const Part32* part : {&unicast, &multicast, &broadcast}) Use(*part->column);
    } else if (auto non_unicast_value = port.Number(non_unicast)) {
      counters.Set(counter, (*unicast.value + *non_unicast_value) % kTwoTo32, true);
      Use(*unicast.column);
      Use(non_unicast);
    }
  }

  void Use(IfColumn c) { result_.used_columns.set(IfColumnIndex(c)); }

  CounterSet Counters(const IfPortValues& port) {
    CounterSet c;
    using C = IfColumn;
    SetCounter(port, c, Counter::kReceiveBytes, C::kHCInOctets, C::kInOctets);
    SetCounter(port, c, Counter::kReceiveUnicast, C::kHCInUcastPkts, C::kInUcastPkts);
    SetCounter(port, c, Counter::kReceiveMulticast, C::kHCInMulticastPkts, C::kInMulticastPkts);
    SetCounter(port, c, Counter::kReceiveBroadcast, C::kHCInBroadcastPkts, C::kInBroadcastPkts);
    SetPacketSum(port, c, Counter::kReceivePackets,
                 {C::kHCInUcastPkts, C::kHCInMulticastPkts, C::kHCInBroadcastPkts},
                 {C::kInUcastPkts, C::kInMulticastPkts, C::kInBroadcastPkts}, C::kInNUcastPkts);
    SetCounter32(port, c, Counter::kReceiveErrors, C::kInErrors);
    SetCounter32(port, c, Counter::kReceiveDrop, C::kInDiscards);
    SetCounter32(port, c, Counter::kReceiveUnknownProtos, C::kInUnknownProtos);
    SetCounter(port, c, Counter::kTransmitBytes, C::kHCOutOctets, C::kOutOctets);
    SetCounter(port, c, Counter::kTransmitUnicast, C::kHCOutUcastPkts, C::kOutUcastPkts);
    SetCounter(port, c, Counter::kTransmitMulticast, C::kHCOutMulticastPkts, C::kOutMulticastPkts);
    SetCounter(port, c, Counter::kTransmitBroadcast, C::kHCOutBroadcastPkts, C::kOutBroadcastPkts);
    SetPacketSum(port, c, Counter::kTransmitPackets,
                 {C::kHCOutUcastPkts, C::kHCOutMulticastPkts, C::kHCOutBroadcastPkts},
                 {C::kOutUcastPkts, C::kOutMulticastPkts, C::kOutBroadcastPkts}, C::kOutNUcastPkts);
    SetCounter32(port, c, Counter::kTransmitErrors, C::kOutErrors);
    SetCounter32(port, c, Counter::kTransmitDrop, C::kOutDiscards);
    return c;
  }

  std::optional<double> LastChange(const IfPortValues& port) const {
    const std::optional<uint64_t> ticks = port.Number(IfColumn::kLastChange);
    // 0 means "before the agent (re)started": no known time, rather than the agent's start.
    if (!ticks || *ticks == 0 || !sys_uptime_ticks_) return std::nullopt;
    const uint64_t now_ticks = *sys_uptime_ticks_;
    const double epoch = options_.agent_epoch_unix_seconds.value_or(
        options_.poll_unix_seconds - static_cast<double>(now_ticks) / kTicksPerSecond);
    // A change later than "now" happened before sysUpTime last wrapped.
    const double change_ticks =
        *ticks <= now_ticks ? static_cast<double>(*ticks) : static_cast<double>(*ticks) - kTwoTo32;
    return epoch + change_ticks / kTicksPerSecond;
  }

  LinkAttributes Attributes(uint32_t if_index, const IfPortValues& port, const IfPortValues& slow) {
    LinkAttributes a;
    a.ifindex = if_index;
    if (auto type = slow.Number(IfColumn::kType)) a.type = static_cast<uint32_t>(*type);
    if (auto mtu = slow.Number(IfColumn::kMtu)) a.mtu = static_cast<uint32_t>(*mtu);
    const std::optional<uint64_t> speed = slow.Number(IfColumn::kSpeed);
    const std::optional<uint64_t> high_speed = slow.Number(IfColumn::kHighSpeed);
    if (speed && *speed != kSpeedSaturated) {
      if (*speed > 0) a.speed_bps = *speed;
    } else if (high_speed && *high_speed > 0) {
      a.speed_bps = *high_speed * 1'000'000;
    }
    if (auto admin = port.Number(IfColumn::kAdminStatus)) {
      a.admin_up = *admin == 1;
      Use(IfColumn::kAdminStatus);
    }
    if (auto oper = port.Number(IfColumn::kOperStatus)) {
      static constexpr std::array<OperState, 8> kStates = {
          OperState::kUnknown,    OperState::kUp,
          OperState::kDown,       OperState::kTesting,
          OperState::kUnknown,    OperState::kDormant,
          OperState::kNotPresent, OperState::kLowerLayerDown};
      a.oper_state = kStates[*oper];
      Use(IfColumn::kOperStatus);
    }
    if (port.Has(IfColumn::kLastChange)) {
      a.last_change_seconds = LastChange(port);
      Use(IfColumn::kLastChange);
    }
    if (!slow.phys_address.empty()) a.address = FormatPhysAddress(slow.phys_address);
    if (slow.Has(IfColumn::kAlias)) a.alias = slow.alias;
    return a;
  }

  const IfMibParseOptions& options_;
  const std::optional<uint32_t> sys_uptime_ticks_;
  IfMibParseResult& result_;
};

}  // namespace

void IfMibWalk::Add(std::span<const Varbind> varbinds) {
  varbinds_added_ += varbinds.size();
  for (const Varbind& vb : varbinds) Accept(vb);
}

void IfMibWalk::Problem(std::string text) {
  ++malformed_;
  if (problems_.size() < kMaxReportedProblems) problems_.push_back(std::move(text));
}

void IfMibWalk::Accept(const Varbind& vb) {
  if (vb.IsException() || vb.Is(SnmpType::kNull)) return;
  if (CompareOids(vb.oid, kSysUpTimeInstance) == std::strong_ordering::equal) {
    if (!vb.Is(SnmpType::kTimeTicks) || vb.unsigned_value > kMax32) {
      Problem("sysUpTime.0: " + WantType(SnmpType::kTimeTicks, vb));
    } else if (!sys_uptime_ticks_) {
      sys_uptime_ticks_ = static_cast<uint32_t>(vb.unsigned_value);
    }
    return;
  }
  bool malformed = false;
  const std::optional<IfInstance> instance = IfInstanceOf(vb.oid, &malformed);
  if (malformed) {
    Problem(FormatOid(vb.oid) + ": not a valid ifIndex instance");
    return;
  }
  if (!instance) return;
  const IfColumnInfo& info = InfoOf(instance->column);
  IfPortValues& port = ports_[instance->if_index];
  if (port.Has(instance->column)) {
    // A buggy agent; the first value stands.
    Problem(std::string(info.name) + "." + std::to_string(instance->if_index) + ": repeated");
    return;
  }
  if (std::string why = StoreValue(info, vb, port); !why.empty()) {
    Problem(std::string(info.name) + "." + std::to_string(instance->if_index) + ": " + why);
    return;
  }
  port.present.set(IfColumnIndex(instance->column));
}

IfMibParseResult IfMibWalk::Finish(const IfMibParseOptions& options, const IfPorts* slow) {
  IfMibParseResult result;
  result.sys_uptime_ticks = sys_uptime_ticks_;
  result.malformed = malformed_;
  result.problems = std::move(problems_);
  malformed_ = 0;
  problems_.clear();
  RecordBuilder builder(options, sys_uptime_ticks_, result);
  static const IfPortValues kNone;
  result.records.reserve(ports_.size());
  for (const auto& [if_index, port] : ports_) {
    const IfPortValues* slow_values = &port;
    if (slow != nullptr) {
      const auto it = slow->find(if_index);
      slow_values = it != slow->end() ? &it->second : &kNone;
    }
    if (auto record = builder.Build(if_index, port, *slow_values)) {
      result.records.push_back(std::move(*record));
    }
  }
  return result;
}

void IfMibWalk::Clear() {
  ports_.clear();
  sys_uptime_ticks_.reset();
  varbinds_added_ = 0;
  malformed_ = 0;
  problems_.clear();
}

IfMibParseResult ParseIfMib(std::span<const Varbind> varbinds, const IfMibParseOptions& options) {
  IfMibWalk walk;
  walk.Add(varbinds);
  IfMibParseResult result = walk.Finish(options);
  for (const auto& entry : walk.ports()) result.if_indexes.insert(entry.first);
  return result;
}

std::optional<uint32_t> ParseIfNumber(std::span<const Varbind> scalars) {
  for (const Varbind& vb : scalars) {
    if (vb.Is(SnmpType::kInteger) && vb.integer >= 0 && vb.integer <= INT32_MAX &&
        CompareOids(vb.oid, kIfNumberInstance) == std::strong_ordering::equal) {
      return static_cast<uint32_t>(vb.integer);
    }
  }
  return std::nullopt;
}

std::string FormatPhysAddress(std::string_view octets) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text;
  for (size_t i = 0; i < octets.size(); ++i) {
    if (i > 0) text.push_back(':');
    const auto byte = static_cast<unsigned char>(octets[i]);
    text.push_back(kHex[byte >> 4]);
    text.push_back(kHex[byte & 0xF]);
  }
  return text;
}

double AgentEpoch::Update(uint32_t sys_uptime_ticks, double unix_seconds) {
  const double observed = unix_seconds - static_cast<double>(sys_uptime_ticks) / kTicksPerSecond;
  if (!epoch_ || std::fabs(observed - *epoch_) > tolerance_seconds_) epoch_ = observed;
  return *epoch_;
}

}  // namespace netif
