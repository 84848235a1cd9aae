#!/usr/bin/python3
"""Static checks of grafana/dashboards/*.json (what keeps them loadable by file provisioning and
consistent; promql_test.py evaluates their queries for real):
  * valid JSON, a unique uid, a title, the netif_exporter tag, no __inputs (which breaks file
    provisioning), a "datasource" variable of type datasource (prometheus);
  * every panel and every query uses the ${datasource} variable, never a fixed datasource;
  * unique panel ids, panels inside the 24-column grid and not overlapping;
  * every query-bearing panel sets a unit, and the units fit the queries: byte counters and byte
    rates as bits/s (bps, and the query multiplies by 8), utilization (a gauge, or a byte rate over
    netif_speed_bytes) as percentunit, packet
    counters as pps;
  * every dashboard links to the others (a dashboards link by tag), and every /d/<uid> URL in a
    data link names an existing dashboard;
  * the four dashboards of issue 7 and the Pods dashboard of issue 18 exist;
  * every netif_* metric named by a dashboard or a rule file is documented in docs/metrics.md
    (which tests/integration/docs_test.cc keeps equal to the exporter's catalogue), or is in
    PENDING below: announced by an open issue, not documented yet (a PENDING name that is
    documented is reported as a note, to be removed from the list). promql_test.py cannot tell a
    misspelt name from one not implemented yet (both are simply not served); this can.
Standard library only. The last line is "N passed, N failed".
"""

import argparse
import glob
import json
import os
import re
import sys

from report import Report

REQUIRED_UIDS = {"netif-host-overview", "netif-interface", "netif-snmp", "netif-exporter-health", "netif-pods"}
DS_REF = "${datasource}"
# Metric names the dashboards and rules use ahead of their documentation, by issue. Remove a name
# when it lands in docs/metrics.md (this test prints a note); rename it here and in grafana/ and
# deploy/prometheus/ if it lands under another name. The SNMP self-metrics are declared in
# src/telemetry/self_metrics.cc under these names but not yet in docs/metrics.md.
PENDING = {
    # issue 5 (SNMP): per-target poll statistics.
    "netif_snmp_targets": 5,
    "netif_snmp_target_up": 5,
    "netif_snmp_interfaces": 5,
    "netif_snmp_poll_duration_seconds": 5,
    "netif_snmp_pdus_sent_total": 5,
    "netif_snmp_pdus_received_total": 5,
    "netif_snmp_retries_total": 5,
    "netif_snmp_timeouts_total": 5,
    "netif_snmp_errors_total": 5,
    "netif_snmp_last_success_timestamp_seconds": 5,
}
NOT_METRICS = {"netif_exporter", "netif_exporter_snmp"}  # job names, tags
NAME = re.compile(r"(?<![\w:.-])netif_[a-z0-9_]*[a-z0-9](?![\w:*])")
UNIT_RULES = [  # (pattern in a query, the unit its panel must have); the first that matches
    # A rate over the link speed is a utilization, whatever it divides.
    (re.compile(r"/\s*\(?\s*netif_speed_bytes"), "percentunit"),
    (re.compile(r"rate\(netif_(receive|transmit)_bytes_total"), "bps"),
    (re.compile(r"netif_(receive|transmit)_bytes_per_second"), "bps"),
    (re.compile(r"netif_\w*utilization\w*_ratio"), "percentunit"),
    (re.compile(r"rate\(netif_(receive|transmit)_packets_total"), "pps"),
]


def all_panels(panels):
    for p in panels:
        yield p
        yield from all_panels(p.get("panels", []))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--source-dir", required=True)
    args = p.parse_args()
    report = Report(print_passes=False)
    files = sorted(glob.glob(os.path.join(args.source_dir, "grafana/dashboards/*.json")))
    dashboards = {}
    for path in files:
        name = os.path.basename(path)
        try:
            dash = json.load(open(path))
        except ValueError as e:
            report.check(False, f"{name}: valid JSON", str(e))
            continue
        uid = dash.get("uid")
        report.check(uid and uid not in dashboards, f"{name}: has a unique uid", uid)
        dashboards[uid] = (name, dash)
    report.check(REQUIRED_UIDS <= set(dashboards), "the required dashboards exist",
                 f"missing {sorted(REQUIRED_UIDS - set(dashboards))}")

    for uid, (name, dash) in dashboards.items():
        report.check(bool(dash.get("title")), f"{name}: has a title")
        report.check("netif_exporter" in dash.get("tags", []), f"{name}: tagged netif_exporter", dash.get("tags"))
        report.check("__inputs" not in dash, f"{name}: no __inputs (file provisioning cannot fill them)")
        variables = dash.get("templating", {}).get("list", [])
        ds_vars = [v for v in variables if v.get("name") == "datasource"]
        report.check(len(ds_vars) == 1 and ds_vars[0].get("type") == "datasource"
                     and ds_vars[0].get("query") == "prometheus",
                     f"{name}: a 'datasource' variable of type datasource (prometheus)", ds_vars)
        for v in variables:
            if v.get("type") == "query":
                report.check((v.get("datasource") or {}).get("uid") == DS_REF,
                             f"{name}: variable ${v.get('name')} uses ${{datasource}}", v.get("datasource"))
        ids = set()
        cells = {}
        for panel in all_panels(dash.get("panels", [])):
            pid = panel.get("id")
            what = f"{name}: panel {pid} {panel.get('title')!r}"
            report.check(pid is not None and pid not in ids, f"{what}: unique id")
            ids.add(pid)
            g = panel.get("gridPos", {})
            ok = all(isinstance(g.get(k), int) for k in "hwxy") and g["x"] >= 0 and g["x"] + g["w"] <= 24
            if report.check(ok, f"{what}: inside the 24-column grid", g):
                for x in range(g["x"], g["x"] + g["w"]):
                    for y in range(g["y"], g["y"] + g["h"]):
                        other = cells.setdefault((x, y), pid)
                        if other != pid:
                            report.check(False, f"{what}: does not overlap panel {other}", g)
                            break
                    else:
                        continue
                    break
            if panel.get("type") == "row":
                continue
            targets = panel.get("targets", [])
            report.check(bool(targets), f"{what}: has queries")
            report.check((panel.get("datasource") or {}).get("uid") == DS_REF, f"{what}: uses ${{datasource}}",
                         panel.get("datasource"))
            for t in targets:
                report.check((t.get("datasource") or {}).get("uid") == DS_REF and t.get("expr"),
                             f"{what} query {t.get('refId')}: an expr on ${{datasource}}", t.get("datasource"))
            unit = panel.get("fieldConfig", {}).get("defaults", {}).get("unit")
            if panel.get("type") in ("timeseries", "stat", "bargauge", "gauge"):
                report.check(bool(unit), f"{what}: sets a unit")
            for t in targets:
                expr = t.get("expr", "")
                for pattern, want in UNIT_RULES:
                    if pattern.search(expr):
                        report.check(unit == want, f"{what}: unit {want} for {pattern.pattern}", unit)
                        if want == "bps":
                            report.check(re.search(r"\*\s*8\b|\b8\s*\*", expr) is not None,
                                         f"{what} query {t.get('refId')}: bytes times 8 for bits/s", expr)
                        break
            for link in panel.get("fieldConfig", {}).get("defaults", {}).get("links", []):
                m = re.match(r"/d/([^/?]+)", link.get("url", ""))
                report.check(m and m.group(1) in dashboards, f"{what}: data link to an existing dashboard",
                             link.get("url"))
        report.check(any(l.get("type") == "dashboards" and "netif_exporter" in l.get("tags", [])
                         for l in dash.get("links", [])), f"{name}: links to the other netif_exporter dashboards")

    # Names against the catalogue's documentation.
    docs = open(os.path.join(args.source_dir, "docs/metrics.md")).read()
    documented = set(re.findall(r"^\|\s*`(netif_[a-z0-9_]+)`", docs, re.M))
    report.check(len(documented) > 20, "docs/metrics.md lists the exporter's metrics", len(documented))
    stale_pending = set()
    sources = files + sorted(glob.glob(os.path.join(args.source_dir, "deploy/prometheus/rules/*.yml")))
    for path in sources:
        used = set(NAME.findall(open(path).read())) - NOT_METRICS
        for name in sorted(used):
            where = f"{os.path.relpath(path, args.source_dir)}: {name}"
            if name in PENDING:
                report.check(True, f"{where} (pending, issue {PENDING[name]})")
                if name in documented:
                    stale_pending.add(name)
            else:
                report.check(name in documented, f"{where} is documented in docs/metrics.md",
                             "unknown metric (misspelt, renamed, or add it to PENDING with its issue)")

    for name in sorted(stale_pending):
        print(f"note  {name} is documented now: remove it from PENDING in tests/deploy/dashboards_test.py")

    sys.exit(report.finish())


if __name__ == "__main__":
    main()
