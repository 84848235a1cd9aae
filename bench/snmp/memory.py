#!/usr/bin/env python3
"""Memory of netif_exporter per SNMP target and per SNMP interface (port).

Not a test: a measurement, rerun by hand (numbers in bench/snmp/README.md, "Memory"). No root
needed: the agents are snmp_synthetic_agent (tests/support/snmp), which serves a made-up IF-MIB of
any size on 127.0.0.1, fast enough that the agent never limits the exporter.

  bench/snmp/memory.py --build build/release

For each scenario (targets x ports per target), one exporter with the local collectors off polls
the targets (interval 5 s; every target of a scenario points at one agent of that size) until each
has had a full (metadata) poll and two fast polls, is scraped once (the scrape's buffers count
too), and its VmRSS and VmHWM are read from /proc. Per port and per target are the slopes between
scenarios, so the exporter's fixed cost drops out.
"""
import argparse
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
    try:
        deadline = time.monotonic() + 120
        text = ""
        while time.monotonic() < deadline:
            time.sleep(1)
            try:
                text = get(url)
            except OSError:
                continue
            ups = values(text, "netif_snmp_target_up")
            if len(ups) == targets and all(u == 1 for u in ups):
                time.sleep(11)  # two more polls of every target (interval 5 s)
                text = get(url)
                break
        else:
            raise RuntimeError(f"targets not all up after 120 s ({targets} x {ports})")
        interfaces = sum(values(text, "netif_snmp_interfaces"))
        return {
            "targets": targets, "ports": ports, "interfaces": int(interfaces),
            "series": sum(1 for line in text.splitlines() if line and not line.startswith("#")),
            "scrape_bytes": len(text),
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
                  f"{row['interfaces']:>6} interfaces, {row['series']:>8} series, "
                  f"scrape {row['scrape_bytes'] / 1e6:7.1f} MB, RSS {row['rss_kib'] / 1024:7.1f} MiB, "
                  f"peak {row['hwm_kib'] / 1024:7.1f} MiB", flush=True)

        def slope(a, b, key):
            return (b["rss_kib"] - a["rss_kib"]) / (b[key] - a[key])
        one_port = next(r for r in rows if r["targets"] == 1 and r["ports"] == 1)
        biggest = max((r for r in rows if r["targets"] == 1), key=lambda r: r["ports"])
        print(f"per SNMP interface (1 target, {one_port['ports']} -> {biggest['ports']} ports): "
              f"{slope(one_port, biggest, 'interfaces'):.1f} KiB")
        few = min((r for r in rows if r["ports"] == 48), key=lambda r: r["targets"])
        many = max((r for r in rows if r["ports"] == 48), key=lambda r: r["targets"])
        print(f"per 48-port target ({few['targets']} -> {many['targets']} targets): "
              f"{slope(few, many, 'targets'):.1f} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
