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

// What StoreValue made of a varbind: stored (perhaps forgiving a quirk), or refused and why.
struct Stored {
  std::string refused;  // "" when stored
  std::optional<SnmpQuirk> quirk;
};
Stored Refused(std::string why) { return {std::move(why), std::nullopt}; }

std::string OutOfRange(uint64_t value) {
  return "value " + std::to_string(value) + " out of range";
}

// ifSpeed as decimal digits in an OCTET STRING (some agents render it as text); nullopt unless
// the whole string (trailing NULs and spaces aside) is a number that fits 64 bits.
std::optional<uint64_t> DecimalText(std::string_view text) {
  while (!text.empty() && (text.back() == '\0' || text.back() == ' ')) text.remove_suffix(1);
  if (text.empty() || text.size() > 20) return std::nullopt;
  uint64_t value = 0;
  for (char ch : text) {
    if (ch < '0' || ch > '9') return std::nullopt;
    const uint64_t digit = static_cast<uint64_t>(ch - '0');
    if (value > (UINT64_MAX - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

// A counter column's value. The MIB's own type is stored as it is; a Counter64 in a Counter32
// column is a 64-bit counter (the agent counts in 64 bits); a Gauge32, or an INTEGER from 0 to
// 2^32-1, is a 32-bit counter whatever the column (the agent's counter is no wider than what it
// sends). A negative INTEGER or any other type has no clear meaning.
Stored CounterValue(const IfColumnInfo& info, const Varbind& vb, IfPortValues& port) {
  const size_t i = IfColumnIndex(info.column);
  const SnmpType want =
      info.kind == IfValueKind::kCounter64 ? SnmpType::kCounter64 : SnmpType::kCounter32;
  std::optional<SnmpQuirk> quirk;
  bool wide = false;
  uint64_t value = vb.unsigned_value;
  if (vb.Is(want)) {
    wide = want == SnmpType::kCounter64;
    if (!wide && value > kMax32) return Refused(OutOfRange(value));
  } else if (vb.Is(SnmpType::kCounter64)) {
    wide = true;
    quirk = SnmpQuirk::kCounter64InCounter32;
  } else if (vb.Is(SnmpType::kGauge32)) {
    if (value > kMax32) return Refused(OutOfRange(value));
    quirk = SnmpQuirk::kGaugeAsCounter;
  } else if (vb.Is(SnmpType::kInteger)) {
    if (vb.integer < 0 || static_cast<uint64_t>(vb.integer) > kMax32) {
      return Refused("INTEGER " + std::to_string(vb.integer) + " is no counter value");
    }
    value = static_cast<uint64_t>(vb.integer);
    quirk = SnmpQuirk::kIntegerAsCounter;
  } else {
    return Refused(WantType(want, vb));
  }
  port.numbers[i] = value;
  port.wide.set(i, wide);
  return {"", quirk};
}

// ifSpeed (bits per second) and ifHighSpeed (Mbit/s): a Gauge32, or the same number as another
// integer type; ifSpeed also as decimal text, and above 2^32-1 (a 10G port's speed where the
// agent ignored the saturation rule). A negative INTEGER or text that is not a number is unclear.
Stored SpeedValue(const IfColumnInfo& info, const Varbind& vb, IfPortValues& port) {
  const bool if_speed = info.kind == IfValueKind::kSpeed;
  std::optional<uint64_t> value;
  std::optional<SnmpQuirk> quirk;
  if (vb.Is(SnmpType::kGauge32)) {
    value = vb.unsigned_value;
  } else if (vb.Is(SnmpType::kCounter32) || vb.Is(SnmpType::kCounter64)) {
    value = vb.unsigned_value;
    quirk = SnmpQuirk::kSpeedWrongType;
  } else if (vb.Is(SnmpType::kInteger) && vb.integer >= 0) {
    value = static_cast<uint64_t>(vb.integer);
    quirk = SnmpQuirk::kSpeedWrongType;
  } else if (if_speed && vb.Is(SnmpType::kOctetString)) {
    value = DecimalText(vb.bytes);
    if (!value) return Refused("OCTET STRING that is not a decimal number");
    quirk = SnmpQuirk::kSpeedOctetString;
  } else {
    return Refused(WantType(SnmpType::kGauge32, vb));
  }
  if (*value > kMax32) {
    if (!if_speed) return Refused(OutOfRange(*value));
    quirk = SnmpQuirk::kSpeedOutOfRange;
  }
  port.numbers[IfColumnIndex(info.column)] = *value;
  return {"", quirk};
}

// Checks `vb` against what the MIB says `info`'s column holds and stores it in `port`.
Stored StoreValue(const IfColumnInfo& info, const Varbind& vb, IfPortValues& port) {
  const auto unsigned_in = [&](SnmpType type, uint64_t max) -> Stored {
    if (!vb.Is(type)) return Refused(WantType(type, vb));
    if (vb.unsigned_value > max) return Refused(OutOfRange(vb.unsigned_value));
    port.numbers[IfColumnIndex(info.column)] = vb.unsigned_value;
    return {};
  };
  const auto integer_in = [&](int64_t min, int64_t max) -> Stored {
    if (!vb.Is(SnmpType::kInteger)) return Refused(WantType(SnmpType::kInteger, vb));
    if (vb.integer < min || vb.integer > max) {
      return Refused("value " + std::to_string(vb.integer) + " out of range " +
                     std::to_string(min) + ".." + std::to_string(max));
    }
    port.numbers[IfColumnIndex(info.column)] = static_cast<uint64_t>(vb.integer);
    return {};
  };
  const auto octets_up_to = [&](size_t max_bytes, bool trim_nuls) -> Stored {
    if (!vb.Is(SnmpType::kOctetString)) return Refused(WantType(SnmpType::kOctetString, vb));
    if (vb.bytes.size() > max_bytes) {
      return Refused(std::to_string(vb.bytes.size()) + " octets, more than " +
                     std::to_string(max_bytes));
    }
    std::string text = vb.bytes;
    // Some agents count a C string's terminating NUL in a DisplayString.
    while (trim_nuls && !text.empty() && text.back() == '\0') text.pop_back();
    *TextSlot(info.column, port) = std::move(text);
    return {};
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
    case IfValueKind::kSpeed:
      return SpeedValue(info, vb, port);
    case IfValueKind::kTimeTicks:
      return unsigned_in(SnmpType::kTimeTicks, kMax32);
    case IfValueKind::kCounter32:
    case IfValueKind::kCounter64:
      return CounterValue(info, vb, port);
  }
  return Refused("unknown column kind");
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
      counters.Set(counter, *value, !port.wide.test(IfColumnIndex(hc)));
      Use(hc);
    } else if (narrow) {
      if (auto value32 = port.Number(*narrow)) {
        counters.Set(counter, *value32, !port.wide.test(IfColumnIndex(*narrow)));
        Use(*narrow);
      }
    }
  }

  void SetCounter32(const IfPortValues& port, CounterSet& counters, Counter counter, IfColumn c) {
    if (auto value = port.Number(c)) {
      counters.Set(counter, *value, !port.wide.test(IfColumnIndex(c)));
      Use(c);
    }
  }

  // A packet-count part: its HC column, else its 32-bit column; `wide` when it is 64-bit.
  struct Part {
    std::optional<uint64_t> value;
    std::optional<IfColumn> column;  // the column it came from
    bool wide = false;
  };
  static Part PartOf(const IfPortValues& port, std::optional<IfColumn> hc, IfColumn narrow) {
    for (std::optional<IfColumn> c : {hc, std::optional<IfColumn>(narrow)}) {
      if (!c) continue;
      if (auto value = port.Number(*c)) return {*value, *c, port.wide.test(IfColumnIndex(*c))};
    }
    return {};
  }

  // Unicast + multicast + broadcast, else unicast + non-unicast: 64-bit when every part is, else
  // each part and the sum modulo 2^32. See the header for why the modulo keeps deltas right.
  void SetPacketSum(const IfPortValues& port, CounterSet& counters, Counter counter,
                    std::array<IfColumn, 3> hc, std::array<IfColumn, 3> narrow,
                    IfColumn non_unicast) {
    const Part unicast = PartOf(port, hc[0], narrow[0]);
    const Part multicast = PartOf(port, hc[1], narrow[1]);
    const Part broadcast = PartOf(port, hc[2], narrow[2]);
    if (!unicast.value) return;
    std::array<Part, 3> parts;
    size_t count = 0;
    if (multicast.value && broadcast.value) {
      parts = {unicast, multicast, broadcast};
      count = 3;
    } else if (const Part other = PartOf(port, std::nullopt, non_unicast); other.value) {
      parts = {unicast, other, Part{}};
      count = 2;
    } else {
      return;
    }
    bool wide = true;
    for (size_t i = 0; i < count; ++i) wide = wide && parts[i].wide;
    uint64_t sum = 0;  // a 64-bit sum wraps modulo 2^64 like each part
    for (size_t i = 0; i < count; ++i) {
      sum += wide ? *parts[i].value : *parts[i].value % kTwoTo32;
      Use(*parts[i].column);
    }
    counters.Set(counter, wide ? sum : sum % kTwoTo32, !wide);
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
  port.answered.set(IfColumnIndex(instance->column));
  const Stored stored = StoreValue(info, vb, port);
  const auto where = [&] {
    return std::string(info.name) + "." + std::to_string(instance->if_index);
  };
  if (!stored.refused.empty()) {
    Problem(where() + ": " + stored.refused);
    return;
  }
  if (stored.quirk) {
    // Only the first of a kind is described: a quirky agent repeats it on every row.
    const bool first = quirks_.Count(*stored.quirk) == 0;
    quirks_.Add(*stored.quirk, first ? where() + ": " + SnmpTypeName(vb.type) : std::string());
  }
  port.present.set(IfColumnIndex(instance->column));
}

void IfMibWalk::CountPortQuirks() {
  IfColumnSet columns;  // every column some port of this walk answered
  for (const auto& entry : ports_) columns |= entry.second.answered;
  const auto add = [this](SnmpQuirk quirk, auto describe) {
    quirks_.Add(quirk, quirks_.Count(quirk) == 0 ? describe() : std::string());
  };
  for (const auto& [if_index, port] : ports_) {
    const uint32_t index = if_index;
    if (port.Has(IfColumn::kName) && port.name.empty()) {
      add(SnmpQuirk::kEmptyIfName, [&] { return "ifName." + std::to_string(index); });
    }
    if (port.Number(IfColumn::kSpeed) == kSpeedSaturated &&
        port.Number(IfColumn::kHighSpeed) == 0) {
      add(SnmpQuirk::kHighSpeedZero, [&] { return "ifIndex " + std::to_string(index); });
    }
    const IfColumnSet missing = columns & ~port.answered;
    if (missing.none()) continue;
    add(SnmpQuirk::kTableHole, [&] {
      for (const IfColumnInfo& info : kIfColumns) {
        if (missing.test(IfColumnIndex(info.column))) {
          return std::string(info.name) + "." + std::to_string(index) + " missing";
        }
      }
      return std::string();
    });
  }
}

IfMibParseResult IfMibWalk::Finish(const IfMibParseOptions& options, const IfPorts* slow) {
  IfMibParseResult result;
  result.sys_uptime_ticks = sys_uptime_ticks_;
  result.malformed = malformed_;
  result.problems = std::move(problems_);
  malformed_ = 0;
  problems_.clear();
  CountPortQuirks();
  result.quirks = std::move(quirks_);
  quirks_.Clear();
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
  quirks_.Clear();
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
