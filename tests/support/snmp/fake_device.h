// A made-up IF-MIB device in a TableAgent: ports with names, alias, speed and 64-bit counters,
// sysUpTime.0 and ifNumber.0, changed between polls the way real devices change (a port added or
// removed, a counter moved, the agent restarted). Header-only.
//
// Thread-safety: REQUIRES external synchronization.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "collectors/snmp/if_mib.h"
#include "collectors/snmp/varbind.h"
#include "support/snmp/table_agent.h"

namespace netif::testing_support {

struct FakePort {
  uint32_t if_index = 1;
  std::string name = "Gi0/1";
  std::string alias = "uplink";
  uint32_t high_speed_mbps = 1000;
  uint64_t in_octets = 1000;
  uint64_t out_octets = 2000;
  int64_t oper_status = 1;  // up
};

inline Varbind MakeVarbind(Oid oid, SnmpType type) {
  Varbind vb;
  vb.oid = std::move(oid);
  vb.type = static_cast<uint8_t>(type);
  return vb;
}

inline Oid IfInstanceOid(IfColumn column, uint32_t if_index) {
  Oid oid = IfColumnOid(column);
  oid.push_back(if_index);
  return oid;
}

class FakeDevice {
 public:
  FakeDevice() {
    SetUptime(100000);
    SetIfNumber(0);
  }

  TableAgent& agent() { return agent_; }

  void SetUptime(uint32_t ticks) {
    Varbind vb = MakeVarbind(Oid(kSysUpTimeInstance.begin(), kSysUpTimeInstance.end()),
                             SnmpType::kTimeTicks);
    vb.unsigned_value = ticks;
    agent_.Set(std::move(vb));
  }
  void SetIfNumber(int64_t ports) {
    Varbind vb =
        MakeVarbind(Oid(kIfNumberInstance.begin(), kIfNumberInstance.end()), SnmpType::kInteger);
    vb.integer = ports;
    agent_.Set(std::move(vb));
  }

  void SetText(IfColumn column, uint32_t if_index, std::string text) {
    Varbind vb = MakeVarbind(IfInstanceOid(column, if_index), SnmpType::kOctetString);
    vb.bytes = std::move(text);
    agent_.Set(std::move(vb));
  }
  void SetInteger(IfColumn column, uint32_t if_index, int64_t value) {
    Varbind vb = MakeVarbind(IfInstanceOid(column, if_index), SnmpType::kInteger);
    vb.integer = value;
    agent_.Set(std::move(vb));
  }
  void SetUnsigned(IfColumn column, uint32_t if_index, SnmpType type, uint64_t value) {
    Varbind vb = MakeVarbind(IfInstanceOid(column, if_index), type);
    vb.unsigned_value = value;
    agent_.Set(std::move(vb));
  }

  // Every column the exporter reads except the 32-bit twins of the HC counters.
  void AddPort(const FakePort& port) {
    const uint32_t i = port.if_index;
    SetText(IfColumn::kDescr, i, "descr " + port.name);
    SetInteger(IfColumn::kType, i, 6);
    SetInteger(IfColumn::kMtu, i, 1500);
    SetUnsigned(IfColumn::kSpeed, i, SnmpType::kGauge32, 0xFFFFFFFFu);
    SetText(IfColumn::kPhysAddress, i, std::string("\x00\x11\x22\x33\x44", 5) + char(i));
    SetInteger(IfColumn::kAdminStatus, i, 1);
    SetInteger(IfColumn::kOperStatus, i, port.oper_status);
    SetUnsigned(IfColumn::kLastChange, i, SnmpType::kTimeTicks, 50);
    SetUnsigned(IfColumn::kInDiscards, i, SnmpType::kCounter32, 0);
    SetUnsigned(IfColumn::kInErrors, i, SnmpType::kCounter32, 0);
    SetUnsigned(IfColumn::kOutDiscards, i, SnmpType::kCounter32, 0);
    SetUnsigned(IfColumn::kOutErrors, i, SnmpType::kCounter32, 0);
    SetText(IfColumn::kName, i, port.name);
    SetUnsigned(IfColumn::kHCInOctets, i, SnmpType::kCounter64, port.in_octets);
    SetUnsigned(IfColumn::kHCOutOctets, i, SnmpType::kCounter64, port.out_octets);
    for (IfColumn c : {IfColumn::kHCInUcastPkts, IfColumn::kHCInMulticastPkts,
                       IfColumn::kHCInBroadcastPkts, IfColumn::kHCOutUcastPkts,
                       IfColumn::kHCOutMulticastPkts, IfColumn::kHCOutBroadcastPkts}) {
      SetUnsigned(c, i, SnmpType::kCounter64, 10);
    }
    SetUnsigned(IfColumn::kHighSpeed, i, SnmpType::kGauge32, port.high_speed_mbps);
    SetText(IfColumn::kAlias, i, port.alias);
  }

  void RemovePort(uint32_t if_index) {
    for (const IfColumnInfo& info : kIfColumns) {
      agent_.objects().erase(IfInstanceOid(info.column, if_index));
    }
  }

 private:
  TableAgent agent_;
};

}  // namespace netif::testing_support
