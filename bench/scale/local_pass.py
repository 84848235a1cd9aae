#!/usr/bin/env python3
"""The local pass at N interfaces: counters from one RTM_GETSTATS dump against /proc/net/dev
(issue 17), with node_exporter's netdev collector as the anchor, all in one run.

Run inside a namespace that holds the interfaces (local_pass.sh makes one and calls this):

    ip netns exec NS python3 local_pass.py --ours build/release/netif_exporter [--seconds 20]

Starts, side by side on loopback, with a 1 s collection interval:
  - ours with netlink counters (the default: --path.procfs is /proc),
  - ours reading /proc/net/dev (--path.procfs=/proc/. : the same files, but not "/proc", so the
    local source takes its counters from the files as before issue 17),
  - optionally a second binary (--before, e.g. main's build) with its defaults,
  - node_exporter 1.5 with only its netdev collector (RTM_GETLINK with stats through netlink,
    its default) and, separately, with --no-collector.netdev.netlink (/proc/net/dev).
For ours: CPU of the netif-local thread per pass (schedstat, ns) over the idle period, and the
median of the counters collector's netif_scrape_collector_duration_seconds (the counters step
alone) and of sysfs's. For node_exporter: the median netdev collector duration over scrapes
(node_scrape_collector_duration_seconds) and process CPU per scrape. Prints a table and JSON.
Every request and wait is bounded; the processes are killed at exit.
"""
import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import time
import urllib.request

CLK_TCK = os.sysconf("SC_CLK_TCK")


def get(port, path="/metrics", timeout=60):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout) as r:
        return r.read().decode("utf-8", "replace")


def value(body, family, labels):
    wanted = ",".join(f'{k}="{v}"' for k, v in labels.items())
    m = re.search(rf"^{family}{{{re.escape(wanted)}}} (\S+)$", body, re.M)
    return float(m.group(1)) if m else None


def thread_cpu_ns(pid, name):
    total = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                if f.read().strip() != name:
                    continue
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                total += int(f.read().split()[0])
        except FileNotFoundError:
            pass
    return total


def process_cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return None


def wait_ready(port, deadline_s=60):
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        try:
            get(port, "/metrics", timeout=30)
            return True
        except Exception:
            time.sleep(0.2)
    return False


def measure_ours(label, proc, port, counters_collector, seconds):
    samples = {"counters": [], "sysfs": []}
    cpu0, t0 = thread_cpu_ns(proc.pid, "netif-local"), time.monotonic()
    passes0 = None
    end = t0 + seconds
    while time.monotonic() < end:
        body = get(port)
        for key, collector in (("counters", counters_collector), ("sysfs", "sysfs")):
            v = value(body, "netif_scrape_collector_duration_seconds", {"collector": collector})
            if v is not None:
                samples[key].append(v * 1000)
        time.sleep(1.0)
    cpu1, t1 = thread_cpu_ns(proc.pid, "netif-local"), time.monotonic()
    body = get(port)
    passes = t1 - t0  # one pass a second; the overruns counter says if any was missed
    overruns = value(body, "netif_scrape_collector_overruns_total", {"collector": counters_collector}) or 0
    devices = len(re.findall(r"^netif_receive_bytes_total\{", body, re.M))
    return {
        "label": label,
        "counters_collector": counters_collector,
        "devices": devices,
        "local_thread_cpu_ms_per_pass": (cpu1 - cpu0) / 1e6 / max(1.0, passes - overruns),
        "counters_step_ms_median": statistics.median(samples["counters"]) if samples["counters"] else None,
        "sysfs_step_ms_median": statistics.median(samples["sysfs"]) if samples["sysfs"] else None,
        "overruns": overruns,
        "rss_mb": rss_mb(proc.pid),
        "detailed_families": sorted(set(re.findall(r"^(netif_(?:receive|transmit)_\w+_errors_total|netif_receive_nohandler_total)\{", body, re.M))),
    }


def measure_node(label, proc, port, scrapes):
    durations = []
    cpu0 = process_cpu_seconds(proc.pid)
    for _ in range(scrapes):
        body = get(port, timeout=120)
        v = value(body, "node_scrape_collector_duration_seconds", {"collector": "netdev"})
        if v is not None:
            durations.append(v * 1000)
        time.sleep(0.2)
    cpu1 = process_cpu_seconds(proc.pid)
    devices = len(re.findall(r"^node_network_receive_bytes_total\{", body, re.M))
    return {
        "label": label,
        "devices": devices,
        "netdev_collector_ms_median": statistics.median(durations) if durations else None,
        "process_cpu_ms_per_scrape": (cpu1 - cpu0) * 1000 / scrapes,
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ours", required=True)
    ap.add_argument("--before", help="another build of ours, run with its defaults")
    ap.add_argument("--node-exporter", default="prometheus-node-exporter")
    ap.add_argument("--seconds", type=int, default=20)
    ap.add_argument("--scrapes", type=int, default=10)
    ap.add_argument("--json")
    args = ap.parse_args()

    procs = []

    def start(argv):
        p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             start_new_session=True)
        procs.append(p)
        return p

    def stop_all():
        for p in procs:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait(timeout=10)

    results = {"machine": {"nproc": os.cpu_count(), "loadavg_start": open("/proc/loadavg").read().split()[:3]}}
    try:
        common = ["--log.level=warn", "--collection.interval=1s"]
        ours = [
            ("ours, netlink counters", start([args.ours, "--web.listen-address=127.0.0.1:10181"] + common), 10181, "netlink_stats"),
            ("ours, /proc/net/dev", start([args.ours, "--web.listen-address=127.0.0.1:10182", "--path.procfs=/proc/."] + common), 10182, "procfs"),
        ]
        if args.before:
            ours.append(("before (--before binary)", start([args.before, "--web.listen-address=127.0.0.1:10183"] + common), 10183, "procfs"))
        for _, _, port, _ in ours:
            if not wait_ready(port):
                sys.exit(f"exporter on {port} not ready")
        time.sleep(5)  # the first passes read sysfs at first sight
        results["ours"] = [measure_ours(label, p, port, c, args.seconds) for label, p, port, c in ours]
        for _, p, _, _ in ours:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait(timeout=10)

        node = [
            ("node_exporter netdev (netlink)", [], 10191),
            ("node_exporter netdev (/proc/net/dev)", ["--no-collector.netdev.netlink"], 10192),
        ]
        results["node_exporter"] = []
        for label, extra, port in node:
            p = start([args.node_exporter, f"--web.listen-address=127.0.0.1:{port}",
                       "--collector.disable-defaults", "--collector.netdev", "--log.level=warn"] + extra)
            if not wait_ready(port, 120):
                sys.exit(f"node_exporter on {port} not ready")
            results["node_exporter"].append(measure_node(label, p, port, args.scrapes))
            os.killpg(p.pid, signal.SIGKILL)
            p.wait(timeout=10)
    finally:
        stop_all()
    results["machine"]["loadavg_end"] = open("/proc/loadavg").read().split()[:3]

    print(f"load average {results['machine']['loadavg_start']} -> {results['machine']['loadavg_end']}")
    print(f"{'exporter':34} {'devices':>7} {'local CPU/pass ms':>18} {'counters step ms':>17} {'sysfs step ms':>14} {'RSS MB':>7}")
    for r in results["ours"]:
        print(f"{r['label']:34} {r['devices']:7d} {r['local_thread_cpu_ms_per_pass']:18.2f} "
              f"{r['counters_step_ms_median'] or float('nan'):17.2f} {r['sysfs_step_ms_median'] or float('nan'):14.2f} {r['rss_mb']:7.1f}")
        print(f"{'':34} detailed families: {len(r['detailed_families'])}, overruns {r['overruns']:.0f}")
    for r in results["node_exporter"]:
        print(f"{r['label']:34} {r['devices']:7d} netdev collector {r['netdev_collector_ms_median']:.1f} ms, "
              f"process CPU {r['process_cpu_ms_per_scrape']:.1f} ms per scrape")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
