#!/usr/bin/env python3
"""Memory of netif_exporter per SNMP target and per SNMP interface (port).

Not a test: a measurement, rerun by hand (numbers in bench/snmp/README.md, "Memory"). No root
needed: the agents are snmp_synthetic_agent (tests/support/snmp), which serves a made-up IF-MIB of
any size on 127.0.0.1, fast enough that the agent never limits the exporter.

  bench/snmp/memory.py --build build/release

For each scenario (targets x ports per target), one exporter with the local collectors off polls
the targets (interval 5 s; every target of a scenario points at one agent of that size) until each
has had a full (metadata) poll and two fast polls; VmRSS and VmHWM (peak) are read from /proc
then ("polled": what polling costs), and again after one gzip scrape (what rendering adds). Per
port and per target are the slopes between scenarios, so the exporter's fixed cost drops out.
"""
import argparse
import gzip
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

SCENARIOS = [  # (targets, ports per target)
    (1, 1), (1, 1000), (1, 5000), (1, 10000),
    (10, 48), (100, 48), (400, 48),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, timeout: float = 60) -> str:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read().decode()


def status_kib(pid: int, field: str) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} for {pid}")


def start_agent(binary: str, ports: int) -> tuple:
    process = subprocess.Popen([binary, "--ports", str(ports)], stdout=subprocess.PIPE, text=True)
    line = process.stdout.readline().strip()
    if not line.startswith("listening "):
        raise RuntimeError(f"agent: {line!r}")
    return process, line.split()[1]


def values(text: str, metric: str) -> list:
    return [float(m.group(1)) for m in re.finditer(rf"^{metric}{{[^}}]*}} (\S+)$", text, re.M)]


def measure(build: str, work: str, targets: int, ports: int) -> dict:
    agent, address = start_agent(os.path.join(build, "tests", "snmp_synthetic_agent"), ports)
    config = os.path.join(work, f"config-{targets}-{ports}.yml")
    with open(config, "w") as f:
        f.write("local:\n  enabled: false\n  netlink: false\nsnmp:\n"
                "  defaults: {interval: 5s, timeout: 5s, retries: 1, max_repetitions: 50}\n"
                "  targets:\n")
        for i in range(targets):
            f.write(f"    - {{name: t{i}, address: \"{address}\", community: public}}\n")
    port = free_port()
    log = open(os.path.join(work, f"exporter-{targets}-{ports}.log"), "w")
    exporter = subprocess.Popen([os.path.join(build, "netif_exporter"), f"--config.file={config}",
                                 f"--web.listen-address=127.0.0.1:{port}"],
                                stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/metrics"
    log_path = log.name
    try:
        # Wait for every target's first success in the log (no scrape yet: its buffers would
        # count in the peak), then two more polls of each (interval 5 s).
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            time.sleep(1)
            with open(log_path) as f:
                if f.read().count('msg="SNMP target up"') >= targets:
                    break
        else:
            raise RuntimeError(f"targets not all up after 180 s ({targets} x {ports})")
        time.sleep(11)
        polled = {"rss_kib": status_kib(exporter.pid, "VmRSS"),
                  "hwm_kib": status_kib(exporter.pid, "VmHWM")}
        # One scrape as Prometheus sends it (gzip), then the same readings.
        request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request, timeout=120) as response:
            body = response.read()
        text = gzip.decompress(body).decode() if body[:2] == b"\x1f\x8b" else body.decode()
        ups = values(text, "netif_snmp_target_up")
        if len(ups) != targets or not all(u == 1 for u in ups):
            raise RuntimeError(f"not every target up at the scrape ({targets} x {ports})")
        return {
            "targets": targets, "ports": ports,
            "interfaces": int(sum(values(text, "netif_snmp_interfaces"))),
            "series": sum(1 for line in text.splitlines() if line and not line.startswith("#")),
            "scrape_bytes": len(text), "gzip_bytes": len(body),
            "polled_rss_kib": polled["rss_kib"], "polled_hwm_kib": polled["hwm_kib"],
            "rss_kib": status_kib(exporter.pid, "VmRSS"),
            "hwm_kib": status_kib(exporter.pid, "VmHWM"),
        }
    finally:
        exporter.terminate()
        exporter.wait(10)
        agent.terminate()
        agent.wait(10)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", default="build/release", help="build directory")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        rows = []
        for targets, ports in SCENARIOS:
            row = measure(args.build, work, targets, ports)
            rows.append(row)
            print(f"{row['targets']:>4} targets x {row['ports']:>5} ports: "
                  f"{row['interfaces']:>6} interfaces, {row['series']:>8} series; polled: RSS "
                  f"{row['polled_rss_kib'] / 1024:6.1f} MiB, peak {row['polled_hwm_kib'] / 1024:6.1f}"
                  f" MiB; after one gzip scrape ({row['gzip_bytes'] / 1e6:.1f} MB, "
                  f"{row['scrape_bytes'] / 1e6:.1f} MB plain): RSS {row['rss_kib'] / 1024:6.1f} "
                  f"MiB, peak {row['hwm_kib'] / 1024:6.1f} MiB", flush=True)

        def slope(a, b, key, field):
            return (b[field] - a[field]) / (b[key] - a[key])
        one_port = next(r for r in rows if r["targets"] == 1 and r["ports"] == 1)
        biggest = max((r for r in rows if r["targets"] == 1), key=lambda r: r["ports"])
        few = min((r for r in rows if r["ports"] == 48), key=lambda r: r["targets"])
        many = max((r for r in rows if r["ports"] == 48), key=lambda r: r["targets"])
        for field in ("polled_rss_kib", "polled_hwm_kib", "rss_kib", "hwm_kib"):
            print(f"{field}: per SNMP interface (1 target, {one_port['ports']} -> "
                  f"{biggest['ports']} ports) {slope(one_port, biggest, 'interfaces', field):.2f} "
                  f"KiB; per 48-port target ({few['targets']} -> {many['targets']} targets) "
                  f"{slope(few, many, 'targets', field):.1f} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
