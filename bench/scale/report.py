#!/usr/bin/env python3
"""Merges bench.py's per-size JSON files, prints the one table (Markdown) and the checks, and
writes the merged JSON. Python 3 standard library only.

  report.py --exporter PATH --json OUT.json PART.json...
"""

import argparse
import json
import os
import platform
import subprocess
import time


def machine(exporter):
    info = {"nproc": os.cpu_count(), "kernel": platform.release()}
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                info["memory_gib"] = round(int(line.split()[1]) / 1024 / 1024, 1)
    for key, cmd in (("exporter_version", [exporter, "--version"]),
                     ("node_exporter_version", ["prometheus-node-exporter", "--version"])):
        try:
            out = subprocess.run(cmd, capture_output=True, text=True, timeout=10)
            info[key] = (out.stdout + out.stderr).strip().splitlines()[0]
        except (OSError, IndexError, subprocess.TimeoutExpired):
            info[key] = None
    info["exporter"] = exporter
    try:
        info["exporter_mtime"] = time.strftime("%Y-%m-%d %H:%M:%S",
                                               time.localtime(os.path.getmtime(exporter)))
    except OSError:
        pass
    info["date"] = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    return info


def ms(seconds):
    return "-" if seconds is None else f"{seconds * 1000:.1f}"


def ratio(ours, theirs):
    if ours is None or theirs is None or theirs == 0:
        return "-"
    r = ours / theirs
    if r <= 0:
        return "~0"
    return f"1/{1 / r:.0f}" if r < 1 else f"{r:.2f}"


def size(nbytes):
    if nbytes is None:
        return "-"
    return f"{nbytes / 1e6:.2f} MB" if nbytes >= 1e5 else f"{nbytes / 1e3:.1f} kB"


def rows(run):
    """(label, ours, theirs, ours_value, theirs_value) rows for one size."""
    p, g = run["plain"], run["gzip"]
    idle = run["idle"]
    rss = run["rss_kb"]

    def cpu(series, who):
        s = series[who]
        return s.get("cpu_per_scrape_workers") if who == "ours" else s["cpu_per_scrape_idle_subtracted"]

    out = []
    for label, key, series in (("scrape p50, plain (ms)", "p50_seconds", p),
                               ("scrape p99, plain (ms)", "p99_seconds", p),
                               ("scrape p50, gzip (ms)", "p50_seconds", g),
                               ("scrape p99, gzip (ms)", "p99_seconds", g)):
        o, t = series["ours"][key], series["theirs"][key]
        out.append((label, ms(o), ms(t), ratio(o, t)))
    for label, series in (("CPU per scrape, plain (ms)", p), ("CPU per scrape, gzip (ms)", g)):
        o, t = cpu(series, "ours"), cpu(series, "theirs")
        out.append((label, ms(o), ms(t), ratio(o, t)))
    for label, series in (("bytes per scrape, plain", p), ("bytes per scrape, gzip", g)):
        o, t = series["ours"]["bytes"], series["theirs"]["bytes"]
        out.append((label, size(o), size(t), ratio(o, t)))
    o, t = rss["ours"] / 1024, rss["theirs"] / 1024
    out.append(("RSS after the series, median of 2 s (MB)", f"{o:.1f}", f"{t:.1f}", ratio(o, t)))
    o, t = idle["ours_cpu_per_second"], idle["theirs_cpu_per_second"]
    out.append(("collection, idle (% of a core)", f"{o * 100:.2f}", f"{t * 100:.2f}", "-"))
    out.append(("scrapes measured (plain+gzip)",
                str(p["ours"]["scrapes"] + g["ours"]["scrapes"]),
                str(p["theirs"]["scrapes"] + g["theirs"]["scrapes"]), ""))
    return out


def print_table(runs):
    sized = [r for r in runs if "plain" in r]
    header = "| |"
    rule = "|---|"
    for r in sized:
        header += f" ours, {r['interfaces']:,} | node_exporter | ours/theirs |"
        rule += "---:|---:|---:|"
    print(header)
    print(rule)
    tables = [rows(r) for r in sized]
    for i in range(len(tables[0])):
        line = f"| {tables[0][i][0]} |"
        for t in tables:
            line += f" {t[i][1]} | {t[i][2]} | {t[i][3]} |"
        print(line)
    loads = " | ".join(
        f"{r['interfaces']:,}: {r['loadavg_start'][0]:.1f} -> {r['loadavg_end'][0]:.1f}"
        for r in sized)
    print(f"\nLoad average (1 min) at start -> end of each size: {loads}")
    print("ours CPU per scrape = HTTP server threads + netif-scrape pool threads (collection excluded exactly); "
          "node_exporter = process CPU minus its idle rate. p99 is nearest-rank.")


def print_checks(runs):
    for r in runs:
        n = r.get("interfaces")
        for who, c in r.get("body_check", {}).items():
            pt = c["promtool"]
            print(f"- body check at {n:,}, {who}: {c['samples']:,} samples, {c['devices']:,} "
                  f"devices, problems: {c['problems'] or 'none'}; promtool check metrics: "
                  f"{'ok' if pt.get('ok') else 'FAIL'}"
                  + (f" ({pt['findings']} findings: {pt['distinct'][:3]})" if pt.get("findings") else ""))
        conc = r.get("concurrency")
        if conc:
            idle_reads = r["idle"]["ours_collector_reads_per_second"]
            for label in ("wrk_plain", "wrk_gzip"):
                w = conc.get(label, {})
                if "requests" not in w:
                    print(f"- {label} at {n:,}: {w}")
                    continue
                print(f"- {label.replace('_', ' ')} -c 8 at {n:,}: {w['requests']} requests, "
                      f"{w.get('requests_per_second', 0):.1f}/s, p50 {ms(w.get('p50_seconds'))} ms, "
                      f"p99 {ms(w.get('p99_seconds'))} ms, non-2xx {w['non_2xx']}, "
                      f"socket errors: {w['socket_errors'] or 'none'}; collector reads/s "
                      f"{w['collector_reads_per_second']:.0f} vs idle {idle_reads:.0f} "
                      f"(ratio {w['collector_reads_per_second'] / idle_reads:.2f}), collection "
                      f"CPU {w['collection_cpu_per_second'] * 100:.1f}% of a core")
            v = conc["validators"]
            print(f"- 8 validating scrapers at {n:,} for {v['seconds']:.1f} s: {v['scrapes']} "
                  f"scrapes (plain and gzip alternating), {v['bad']} bad "
                  f"{v['problems'] or ''}; p50 {ms(v['p50_seconds'])} ms, max "
                  f"{ms(v['max_seconds'])} ms; lo counter took {v['lo_distinct_values']} distinct "
                  f"values over {v['lo_span_seconds']:.1f} s (one per collection: interval kept "
                  f"if ~1/s); collector reads/s {v['collector_reads_per_second']:.0f} vs idle "
                  f"{idle_reads:.0f}; max netif_scrape_collector_duration_seconds seen "
                  f"{v['max_collector_duration_seconds']}")
        ch = r.get("churn")
        if ch:
            print(f"- churn at {n:,}: {ch['pairs']} veth pairs created in "
                  f"{ch['create_seconds']:.1f} s and deleted in {ch['delete_seconds']:.1f} s "
                  f"while 2 scrapers ran ({ch['scrapes_during']} scrapes, "
                  f"{ch['bad_scrapes_during']} bad {ch['problems_during'] or ''}); devices in "
                  f"scrape during {ch['devices_during']:,}, after {ch['devices_after']:,} vs ip "
                  f"link {ch['ip_link_after']:,}: {ch['stale_or_missing'] or 'no stale series'}; "
                  f"RSS {ch['rss_before_kb'] / 1024:.1f} -> peak {ch['rss_peak_kb'] / 1024:.1f} "
                  f"-> after {ch['rss_after_kb'] / 1024:.1f} MB "
                  f"({(ch['rss_growth_ratio'] - 1) * 100:+.1f}%)")
        if "plain" not in r and "idle" in r:
            print(f"- idle at {n} interfaces over {r['idle']['seconds']:.0f} s: ours "
                  f"{r['idle']['ours_cpu_per_second'] * 100:.3f}% of a core, RSS "
                  f"{r['rss_kb']['ours'] / 1024:.1f} MB (load average {r['loadavg_start'][0]:.1f})")


def print_family_sets(runs):
    """Bytes and series per interface of each family set measured (issue 17)."""
    for r in runs:
        sets = r.get("family_sets")
        if not sets or "node_exporter" not in sets:
            continue
        anchor = sets["node_exporter"]["bytes_per_interface"]
        print(f"\nFamily sets at {r['interfaces']:,} interfaces (plain body, all of it, over the "
              f"interfaces; series = samples with a device label):")
        print("| set | bytes per interface | series per interface | families | body | vs node_exporter |")
        print("|---|---:|---:|---:|---:|---:|")
        for name in ("compact", "default", "full", "node_exporter"):
            s = sets.get(name)
            if not s or "bytes" not in s:
                continue
            label = name if name == "node_exporter" else f"ours, {name}"
            print(f"| {label} | {s['bytes_per_interface']:,.0f} | {s['series_per_interface']:.1f} | "
                  f"{s['families']} | {size(s['bytes'])} | "
                  f"{s['bytes_per_interface'] / anchor:.2f} |")
        for name in ("compact", "full"):
            pt = sets.get(name, {}).get("promtool")
            if pt:
                print(f"- promtool check metrics on the {name} body: "
                      f"{'ok' if pt.get('ok') else 'FAIL'}")


def family_set_goals(runs):
    out = []
    for r in runs:
        sets = r.get("family_sets", {})
        if "node_exporter" not in sets:
            continue
        anchor = sets["node_exporter"]["bytes_per_interface"]
        n = f"{r['interfaces']:,}"
        if "bytes_per_interface" in sets.get("default", {}):
            d = sets["default"]["bytes_per_interface"]
            out.append((f"{n}: default bytes per interface <= node_exporter's (issue 17)",
                        f"{d:,.0f} vs {anchor:,.0f}", d <= anchor))
        if "bytes_per_interface" in sets.get("compact", {}):
            c = sets["compact"]["bytes_per_interface"]
            out.append((f"{n}: compact bytes per interface <= half node_exporter's (issue 17)",
                        f"{c:,.0f} vs {anchor / 2:,.0f}", c <= anchor / 2))
    return out


def goals(runs):
    """The issue's goals next to the measured values, at the largest and ~1,000 sizes."""
    sized = sorted((r for r in runs if "plain" in r), key=lambda r: r["interfaces"])
    out = []
    if sized:
        big = sized[-1]
        p, g = big["plain"], big["gzip"]
        n = f"{big['interfaces']:,}"
        for enc, s in (("plain", p), ("gzip", g)):
            out.append((f"{n}: scrape p50 <= 20 ms ({enc})", ms(s["ours"]["p50_seconds"]) + " ms",
                        s["ours"]["p50_seconds"] <= 0.020))
            out.append((f"{n}: scrape p99 <= 40 ms ({enc})", ms(s["ours"]["p99_seconds"]) + " ms",
                        s["ours"]["p99_seconds"] <= 0.040))
            x = s["theirs"]["p50_seconds"] / s["ours"]["p50_seconds"]
            out.append((f"{n}: >= 150x faster than node_exporter ({enc}, p50)", f"{x:.0f}x", x >= 150))
            co = s["ours"].get("cpu_per_scrape_workers")
            ct = s["theirs"]["cpu_per_scrape_idle_subtracted"]
            if co and ct:
                out.append((f"{n}: CPU per scrape <= 1/100 of node_exporter's ({enc})",
                            ratio(co, ct), co <= ct / 100))
        rss = big["rss_kb"]["ours"] / 1024
        out.append((f"{n}: RSS <= 25 MB (1 h windows)", f"{rss:.1f} MB", rss <= 25))
        c = big["idle"]["ours_cpu_per_second"] * 100
        out.append((f"{n}: collection at 1 s <= 5% of a core", f"{c:.1f}%", c <= 5))
        gp, pp = g["ours"]["p50_seconds"], p["ours"]["p50_seconds"]
        out.append((f"{n}: gzip scrape <= 2x plain (p50)", f"{gp / pp:.2f}x", gp <= 2 * pp))
        gc, pc = g["ours"].get("cpu_per_scrape_workers"), p["ours"].get("cpu_per_scrape_workers")
        if gc and pc:
            out.append((f"{n}: gzip scrape <= 2x plain (CPU)", f"{gc / pc:.2f}x", gc <= 2 * pc))
        small = min(sized, key=lambda r: abs(r["interfaces"] - 1000))
        if abs(small["interfaces"] - 1000) < 200:
            s = small["plain"]["ours"]["p50_seconds"]
            out.append((f"{small['interfaces']:,}: scrape p50 <= 5 ms (plain)", ms(s) + " ms",
                        s <= 0.005))
    for r in runs:
        if "plain" not in r and "idle" in r:
            c = r["idle"]["ours_cpu_per_second"] * 100
            out.append((f"{r['interfaces']}: idle CPU < 0.1% of a core", f"{c:.3f}%", c < 0.1))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--exporter", required=True)
    ap.add_argument("--json", required=True)
    ap.add_argument("parts", nargs="+")
    a = ap.parse_args()
    runs = []
    for path in a.parts:
        with open(path) as f:
            runs.append(json.load(f))
    m = machine(a.exporter)
    print(f"\nMachine: {m['nproc']} x {m.get('cpu')}, kernel {m['kernel']}, "
          f"{m.get('memory_gib')} GiB; {m['date']}")
    print(f"Ours: {m['exporter']} ({m.get('exporter_version')}, built {m.get('exporter_mtime')}); "
          f"theirs: {m.get('node_exporter_version')}\n")
    incomplete = [r for r in runs if "plain" not in r and "idle" not in r]
    for r in incomplete:
        print(f"INCOMPLETE run at {r.get('pairs')} pairs: {r}")
    sized = [r for r in runs if "plain" in r]
    if sized:
        print_table(sized)
    print("\nChecks:")
    print_checks(runs)
    print_family_sets(runs)
    g = goals(runs) + family_set_goals(runs)
    print("\nGoals (issue 6, issue 17):")
    print("| goal | measured | met |\n|---|---:|:---:|")
    for label, value, met in g:
        print(f"| {label} | {value} | {'yes' if met else 'NO'} |")
    with open(a.json, "w") as f:
        json.dump({"machine": m, "runs": runs,
                   "goals": [{"goal": l, "measured": v, "met": ok} for l, v, ok in g]}, f, indent=1)
    print(f"\nJSON: {a.json}")


if __name__ == "__main__":
    main()
