// A made-up IF-MIB of any size, computed rather than stored: sysUpTime.0, ifNumber.0 and every
// column the exporter reads (if_mib.h), for ports 1..N, with GETNEXT/GETBULK as RFC 3416 defines
// them. N may be "endless" (every ifIndex up to 2^32-1, an agent whose ifTable never ends), which
// no stored table could hold. The poller's unit tests ask it directly; SyntheticAgent
// (synthetic_agent.h) serves it over UDP. Header-only.
//
// Thread-safety: REQUIRES external synchronization.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "collectors/snmp/if_mib.h"
#include "collectors/snmp/oid.h"
#include "collectors/snmp/varbind.h"

namespace netif::testing_support {

class SyntheticIfMib {
 public:
  static constexpr uint32_t kEndless = 0xFFFFFFFFu;

  // `ports`: ifIndexes 1..ports (kEndless: never ending). `if_number`: what ifNumber.0 says (an
  // endless agent claims a modest size, as a looping one would).
  explicit SyntheticIfMib(uint32_t ports, int64_t if_number = -1)
      : ports_(ports), if_number_(if_number >= 0 ? if_number : std::min<int64_t>(ports, 48)) {
    for (const IfColumnInfo& info : kIfColumns)
      columns_.push_back({IfColumnOid(info.column), &info});
    std::sort(columns_.begin(), columns_.end(), [](const Column& a, const Column& b) {
      return CompareOids(a.prefix, b.prefix) == std::strong_ordering::less;
    });
  }

  // Every port's ifAlias ("" keeps "port ethN"): a device controls this string, filters match it.
  void set_alias(std::string alias) { alias_ = std::move(alias); }

  // Counters move with this (e.g. the polls served so far), so rates are not all zero.
  void set_tick(uint64_t tick) { tick_ = tick; }

  // The first object after `oid`, or endOfMibView.
  Varbind Next(const Oid& oid) const {
    const Oid uptime(kSysUpTimeInstance.begin(), kSysUpTimeInstance.end());
    if (CompareOids(oid, uptime) == std::strong_ordering::less) {
      Varbind vb = Make(uptime, SnmpType::kTimeTicks);
      vb.unsigned_value = 100000 + tick_ * 100;
      return vb;
    }
    const Oid if_number(kIfNumberInstance.begin(), kIfNumberInstance.end());
    if (CompareOids(oid, if_number) == std::strong_ordering::less) {
      Varbind vb = Make(if_number, SnmpType::kInteger);
      vb.integer = if_number_;
      return vb;
    }
    for (const Column& column : columns_) {
      uint64_t row = 0;  // the row to return, if within this column
      if (CompareOids(oid, column.prefix) != std::strong_ordering::greater) {
        row = 1;
      } else if (OidStartsWith(oid, column.prefix)) {
        row = oid.size() == column.prefix.size() ? 1 : uint64_t{oid[column.prefix.size()]} + 1;
      } else {
        continue;  // past this column
      }
      if (row > ports_) continue;
      return Value(column, static_cast<uint32_t>(row));
    }
    Varbind end = Make(oid, SnmpType::kEndOfMibView);
    return end;
  }

  std::vector<Varbind> GetNext(std::span<const Oid> oids) const {
    std::vector<Varbind> out;
    for (const Oid& oid : oids) out.push_back(Next(oid));
    return out;
  }

  // RFC 3416 GetBulk, at most `max_varbinds` varbinds in whole rows (as an agent keeps its
  // response within its message size).
  std::vector<Varbind> Bulk(std::span<const Oid> oids, size_t non_repeaters, uint32_t repetitions,
                            size_t max_varbinds = 512) const {
    std::vector<Varbind> out;
    non_repeaters = std::min(non_repeaters, oids.size());
    for (size_t i = 0; i < non_repeaters; ++i) out.push_back(Next(oids[i]));
    std::vector<Oid> cursors(oids.begin() + static_cast<std::ptrdiff_t>(non_repeaters), oids.end());
    if (cursors.empty()) return out;
    const size_t rows_fit =
        std::max<size_t>(1, (max_varbinds - std::min(max_varbinds, out.size())) / cursors.size());
    for (size_t r = 0; r < std::min<size_t>(repetitions, rows_fit); ++r) {
      for (Oid& cursor : cursors) {
        Varbind vb = Next(cursor);
        cursor = vb.oid;
        out.push_back(std::move(vb));
      }
    }
    return out;
  }

 private:
  struct Column {
    Oid prefix;
    const IfColumnInfo* info;
  };
  std::string alias_;

  static Varbind Make(Oid oid, SnmpType type) {
    Varbind vb;
    vb.oid = std::move(oid);
    vb.type = static_cast<uint8_t>(type);
    return vb;
  }

  Varbind Value(const Column& column, uint32_t if_index) const {
    Oid oid = column.prefix;
    oid.push_back(if_index);
    const std::string name = "eth" + std::to_string(if_index);
    switch (column.info->kind) {
      case IfValueKind::kDisplayString: {
        Varbind vb = Make(std::move(oid), SnmpType::kOctetString);
        if (column.info->column == IfColumn::kAlias) {
          vb.bytes = alias_.empty() ? "port " + name : alias_;
        } else {
          vb.bytes = name;
        }
        return vb;
      }
      case IfValueKind::kPhysAddress: {
        Varbind vb = Make(std::move(oid), SnmpType::kOctetString);
        vb.bytes = std::string("\x02\x00", 2);
        for (int shift = 24; shift >= 0; shift -= 8) vb.bytes.push_back(char(if_index >> shift));
        return vb;
      }
      case IfValueKind::kIfType:
      case IfValueKind::kMtu:
      case IfValueKind::kAdminStatus:
      case IfValueKind::kOperStatus: {
        Varbind vb = Make(std::move(oid), SnmpType::kInteger);
        vb.integer = column.info->kind == IfValueKind::kIfType ? 6
                     : column.info->kind == IfValueKind::kMtu  ? 1500
                                                               : 1;
        return vb;
      }
      case IfValueKind::kGauge32:
      case IfValueKind::kSpeed: {
        Varbind vb = Make(std::move(oid), SnmpType::kGauge32);
        vb.unsigned_value = column.info->column == IfColumn::kHighSpeed ? 1000 : 1000000000;
        return vb;
      }
      case IfValueKind::kTimeTicks: {
        Varbind vb = Make(std::move(oid), SnmpType::kTimeTicks);
        vb.unsigned_value = 0;
        return vb;
      }
      case IfValueKind::kCounter32: {
        Varbind vb = Make(std::move(oid), SnmpType::kCounter32);
        vb.unsigned_value = (uint64_t{if_index} * 1000 + tick_ * 12345) & 0xFFFFFFFFu;
        return vb;
      }
      case IfValueKind::kCounter64: {
        Varbind vb = Make(std::move(oid), SnmpType::kCounter64);
        vb.unsigned_value = uint64_t{if_index} * 1000 + tick_ * 12345;
        return vb;
      }
    }
    return Make(std::move(oid), SnmpType::kNull);
  }

  uint32_t ports_;
  int64_t if_number_;
  uint64_t tick_ = 0;
  std::vector<Column> columns_;
};

}  // namespace netif::testing_support
