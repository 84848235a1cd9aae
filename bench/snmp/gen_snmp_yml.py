#!/usr/bin/env python3
"""Writes snmp_exporter 0.21's snmp.yml with an `if_mib` module, in the generator's output format.

Debian packages snmp_exporter without its generator, so this script writes by hand what the
generator makes of upstream's generator.yml `if_mib` module: walk `interfaces` (ifNumber +
ifTable) and `ifXTable`, get sysUpTime.0, one metric per column with the ifIndex index, and the
ifAlias/ifDescr/ifName lookups (which the generator then drops as metrics of their own).

Usage: gen_snmp_yml.py COMMUNITY > snmp.yml
"""
import sys

IF_TABLE = "1.3.6.1.2.1.2.2.1"
IF_X_TABLE = "1.3.6.1.2.1.31.1.1.1"

# (name, oid, type) in the order the generator emits them.
COLUMNS = [
    ("ifIndex", f"{IF_TABLE}.1", "gauge"),
    ("ifType", f"{IF_TABLE}.3", "gauge"),
    ("ifMtu", f"{IF_TABLE}.4", "gauge"),
    ("ifSpeed", f"{IF_TABLE}.5", "gauge"),
    ("ifPhysAddress", f"{IF_TABLE}.6", "PhysAddress48"),
    ("ifAdminStatus", f"{IF_TABLE}.7", "gauge"),
    ("ifOperStatus", f"{IF_TABLE}.8", "gauge"),
    ("ifLastChange", f"{IF_TABLE}.9", "gauge"),
    ("ifInOctets", f"{IF_TABLE}.10", "counter"),
    ("ifInUcastPkts", f"{IF_TABLE}.11", "counter"),
    ("ifInNUcastPkts", f"{IF_TABLE}.12", "counter"),
    ("ifInDiscards", f"{IF_TABLE}.13", "counter"),
    ("ifInErrors", f"{IF_TABLE}.14", "counter"),
    ("ifInUnknownProtos", f"{IF_TABLE}.15", "counter"),
    ("ifOutOctets", f"{IF_TABLE}.16", "counter"),
    ("ifOutUcastPkts", f"{IF_TABLE}.17", "counter"),
    ("ifOutNUcastPkts", f"{IF_TABLE}.18", "counter"),
    ("ifOutDiscards", f"{IF_TABLE}.19", "counter"),
    ("ifOutErrors", f"{IF_TABLE}.20", "counter"),
    ("ifOutQLen", f"{IF_TABLE}.21", "gauge"),
    ("ifInMulticastPkts", f"{IF_X_TABLE}.2", "counter"),
    ("ifInBroadcastPkts", f"{IF_X_TABLE}.3", "counter"),
    ("ifOutMulticastPkts", f"{IF_X_TABLE}.4", "counter"),
    ("ifOutBroadcastPkts", f"{IF_X_TABLE}.5", "counter"),
    ("ifHCInOctets", f"{IF_X_TABLE}.6", "counter"),
    ("ifHCInUcastPkts", f"{IF_X_TABLE}.7", "counter"),
    ("ifHCInMulticastPkts", f"{IF_X_TABLE}.8", "counter"),
    ("ifHCInBroadcastPkts", f"{IF_X_TABLE}.9", "counter"),
    ("ifHCOutOctets", f"{IF_X_TABLE}.10", "counter"),
    ("ifHCOutUcastPkts", f"{IF_X_TABLE}.11", "counter"),
    ("ifHCOutMulticastPkts", f"{IF_X_TABLE}.12", "counter"),
    ("ifHCOutBroadcastPkts", f"{IF_X_TABLE}.13", "counter"),
    ("ifLinkUpDownTrapEnable", f"{IF_X_TABLE}.14", "gauge"),
    ("ifHighSpeed", f"{IF_X_TABLE}.15", "gauge"),
    ("ifPromiscuousMode", f"{IF_X_TABLE}.16", "gauge"),
    ("ifConnectorPresent", f"{IF_X_TABLE}.17", "gauge"),
    ("ifCounterDiscontinuityTime", f"{IF_X_TABLE}.19", "gauge"),
]

LOOKUPS = [
    ("ifAlias", f"{IF_X_TABLE}.18"),
    ("ifDescr", f"{IF_TABLE}.2"),
    ("ifName", f"{IF_X_TABLE}.1"),
]


def main() -> None:
    community = sys.argv[1] if len(sys.argv) > 1 else "public"
    out = ["# Written by bench/snmp/gen_snmp_yml.py in snmp_exporter 0.21's generator format.",
           "if_mib:",
           "  walk:",
           "  - 1.3.6.1.2.1.2",
           "  - 1.3.6.1.2.1.31.1.1",
           "  get:",
           "  - 1.3.6.1.2.1.1.3.0",
           "  metrics:",
           "  - name: sysUpTime",
           "    oid: 1.3.6.1.2.1.1.3",
           "    type: gauge",
           "    help: The time since the network management portion of the system was last "
           "re-initialized. - 1.3.6.1.2.1.1.3",
           "  - name: ifNumber",
           "    oid: 1.3.6.1.2.1.2.1",
           "    type: gauge",
           "    help: The number of network interfaces present on this system. - 1.3.6.1.2.1.2.1"]
    for name, oid, kind in COLUMNS:
        out += [f"  - name: {name}",
                f"    oid: {oid}",
                f"    type: {kind}",
                f"    help: IF-MIB {name} - {oid}",
                "    indexes:",
                "    - labelname: ifIndex",
                "      type: gauge",
                "    lookups:"]
        for label, lookup_oid in LOOKUPS:
            out += ["    - labels:",
                    "      - ifIndex",
                    f"      labelname: {label}",
                    f"      oid: {lookup_oid}",
                    "      type: DisplayString"]
    out += ["  version: 2",
            "  max_repetitions: 25",
            "  retries: 3",
            "  timeout: 5s",
            "  auth:",
            f"    community: {community}"]
    print("\n".join(out))


if __name__ == "__main__":
    main()
