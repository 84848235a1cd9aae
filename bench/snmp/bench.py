#!/usr/bin/env python3
"""SNMP poll benchmark: netif_exporter against snmp_exporter 0.21, on one net-snmp agent.

Runs inside the benchmark's network namespace (run_bench.sh sets it up and calls this with
`ip netns exec`). Standard library only.

  bench.py poll --agent 127.0.0.1:PORT --agent-pid PID ...
      One target, the full poll of a 1,000-interface agent: wall time and CPU time per poll for
      snmp_exporter (one /snmp request = one poll) and for netif_exporter (full walks, and its
      steady state of fast walks), plus the agent's CPU per poll.
  bench.py capacity --agent-ports P1,P2,... --agent-pid PID ...
      How many 48-port targets one netif_exporter polls within a 10 s interval.
"""
import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process, in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, timeout: float = 60) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read()


def wait_http(url: str, limit: float = 15) -> None:
    end = time.monotonic() + limit
    while time.monotonic() < end:
        try:
            get(url, 2)
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer")


def mean(values):
    return sum(values) / len(values) if values else float("nan")


class Process:
    """A child process whose stderr is kept in a file; killed on exit."""

    def __init__(self, argv, log_path):
        self.log_path = log_path
        self.log = open(log_path, "w")
        self.proc = subprocess.Popen(argv, stdout=self.log, stderr=subprocess.STDOUT)

    def text(self) -> str:
        self.log.flush()
        with open(self.log_path) as f:
            return f.read()

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


# ---- snmp_exporter ----

def bench_snmp_exporter(args, work: str) -> dict:
    port = free_port()
    exporter = Process([args.snmp_exporter, f"--config.file={args.snmp_yml}",
                        f"--web.listen-address=127.0.0.1:{port}"],
                       os.path.join(work, "snmp_exporter.log"))
    try:
        base = f"http://127.0.0.1:{port}"
        wait_http(base + "/")
        url = f"{base}/snmp?target={args.agent}&module=if_mib"
        for _ in range(2):  # warm-up: agent caches, Go runtime
            get(url)
        walls, packets, series = [], [], 0
        cpu0, agent0 = cpu_seconds(exporter.proc.pid), cpu_seconds(args.agent_pid)
        for _ in range(args.polls):
            start = time.monotonic()
            body = get(url).decode()
            walls.append(time.monotonic() - start)
            packets.append(float(re.search(r"^snmp_scrape_packets_sent (\S+)", body, re.M)[1]))
            series = sum(1 for line in body.splitlines() if line and not line.startswith("#"))
        cpu = (cpu_seconds(exporter.proc.pid) - cpu0) / args.polls
        agent_cpu = (cpu_seconds(args.agent_pid) - agent0) / args.polls
        return {"wall": mean(walls), "wall_min": min(walls), "cpu": cpu, "agent_cpu": agent_cpu,
                "requests": mean(packets), "series": series}
    finally:
        exporter.stop()


# ---- netif_exporter ----

POLL_DONE = re.compile(r'msg="SNMP poll done" target=(\S+) metadata=(\w+) requests=(\d+) '
                       r'varbinds=(\d+) ports=(\d+) duration_seconds=(\S+)')


def polls_done(text: str):
    return [(m[1], m[2] == "true", int(m[3]), int(m[4]), int(m[5]), float(m[6]))
            for m in POLL_DONE.finditer(text)]


def start_netif(args, work: str, name: str, targets_yaml: str, interval: str,
                metadata_every: int) -> Process:
    config = os.path.join(work, f"{name}.yml")
    with open(config, "w") as f:
        f.write("local:\n  enabled: false\n  netlink: false\n"
                f"snmp:\n  defaults: {{interval: {interval}, timeout: 5s, retries: 1, "
                f"metadata_every: {metadata_every}}}\n  targets:\n{targets_yaml}")
    port = free_port()
    process = Process([args.exporter, f"--config.file={config}", "--log.level=debug",
                       f"--web.listen-address=127.0.0.1:{port}"], os.path.join(work, name + ".log"))
    process.port = port
    wait_http(f"http://127.0.0.1:{port}/-/healthy")
    return process


def bench_netif(args, work: str, metadata_every: int, scrape_each_poll: bool) -> dict:
    """Polls of one target; CPU measured between the 2nd and the last poll."""
    target = f"    - {{name: bench, address: \"{args.agent}\", community: {args.community}}}\n"
    name = f"netif_m{metadata_every}_s{int(scrape_each_poll)}"
    exporter = start_netif(args, work, name, target, args.interval, metadata_every)
    try:
        wanted = args.polls + 2
        deadline = time.monotonic() + wanted * 60
        seen, cpu_start, agent_start = 0, None, None
        while time.monotonic() < deadline:
            done = polls_done(exporter.text())
            if len(done) > seen:
                seen = len(done)
                if seen == 2:  # warm: sessions open, caches filled
                    cpu_start = cpu_seconds(exporter.proc.pid)
                    agent_start = cpu_seconds(args.agent_pid)
                if scrape_each_poll and seen >= 2:
                    get(f"http://127.0.0.1:{exporter.port}/metrics")
                if seen >= wanted:
                    break
            time.sleep(0.02)
        cpu = cpu_seconds(exporter.proc.pid) - cpu_start
        agent_cpu = cpu_seconds(args.agent_pid) - agent_start
        done = polls_done(exporter.text())[2:wanted]
        metrics = get(f"http://127.0.0.1:{exporter.port}/metrics").decode()
        series = sum(1 for line in metrics.splitlines()
                     if 'target="bench"' in line and not line.startswith("#"))
        full = [d for d in done if d[1]]
        fast = [d for d in done if not d[1]]
        pick = full if metadata_every == 1 else fast
        return {"wall": mean([d[5] for d in pick]), "wall_min": min(d[5] for d in pick),
                "cpu": cpu / len(done), "agent_cpu": agent_cpu / len(done),
                "requests": mean([d[2] for d in pick]), "varbinds": mean([d[3] for d in pick]),
                "ports": done[-1][4], "series": series, "polls": len(done)}
    finally:
        exporter.stop()


def cmd_poll(args) -> None:
    work = tempfile.mkdtemp(prefix="netif-snmp-bench-")
    try:
        poll_table(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def poll_table(args, work: str) -> None:
    results = {
        "snmp_exporter 0.21 (one /snmp request)": bench_snmp_exporter(args, work),
        "netif_exporter, full walk (metadata_every 1)": bench_netif(args, work, 1, False),
        "netif_exporter, full walk + one scrape per poll": bench_netif(args, work, 1, True),
        "netif_exporter, steady state (metadata_every 10)": bench_netif(args, work, 10, False),
    }
    base = results["snmp_exporter 0.21 (one /snmp request)"]
    print(f"\nAgent {args.agent}, {args.polls} polls each\n")
    print("| poller | wall s/poll (mean, min) | CPU s/poll | vs snmp_exporter wall / CPU | "
          "requests/poll | agent CPU s/poll | series |")
    print("|---|---|---|---|---|---|---|")
    for name, r in results.items():
        print(f"| {name} | {r['wall']:.3f}, {r['wall_min']:.3f} | {r['cpu']:.4f} | "
              f"{r['wall'] / base['wall']:.2f} / {r['cpu'] / base['cpu']:.3f} | "
              f"{r['requests']:.0f} | {r['agent_cpu']:.3f} | {r['series']} |")
    sys.stdout.flush()


def cmd_capacity(args) -> None:
    work = tempfile.mkdtemp(prefix="netif-snmp-capacity-")
    try:
        capacity_table(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def capacity_table(args, work: str) -> None:
    """N targets (round-robin over the agent's ports), interval 10s, for `rounds` intervals."""
    ports = args.agent_ports.split(",")
    print("\n| targets | rounds | polls done / expected | timeouts | slowest poll s | "
          "exporter CPU s per target-poll | agent CPU busy |")
    print("|---|---|---|---|---|---|---|")
    for count in [int(n) for n in args.targets.split(",")]:
        targets = "".join(
            f"    - {{name: t{i}, address: \"127.0.0.1:{ports[i % len(ports)]}\", "
            f"community: {args.community}}}\n" for i in range(count))
        exporter = start_netif(args, work, f"capacity{count}", targets, "10s", 10)
        try:
            time.sleep(10.5)  # the first round (spread over the first interval) and its full walks
            cpu0, agent0, t0 = (cpu_seconds(exporter.proc.pid), cpu_seconds(args.agent_pid),
                                time.monotonic())
            before = len(polls_done(exporter.text()))
            time.sleep(10.0 * args.rounds)
            elapsed = time.monotonic() - t0
            cpu = cpu_seconds(exporter.proc.pid) - cpu0
            agent = cpu_seconds(args.agent_pid) - agent0
            done = polls_done(exporter.text())[before:]
            metrics = get(f"http://127.0.0.1:{exporter.port}/metrics").decode()
            timeouts = sum(float(v) for v in
                           re.findall(r"^netif_snmp_timeouts_total\{[^}]*\} (\S+)", metrics, re.M))
            slowest = max((d[5] for d in done), default=float("nan"))
            print(f"| {count} | {args.rounds} | {len(done)} / {count * args.rounds} | "
                  f"{timeouts:.0f} | {slowest:.2f} | {cpu / max(1, len(done)):.5f} | "
                  f"{agent / elapsed:.0%} |")
            sys.stdout.flush()
        finally:
            exporter.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("poll", "capacity"):
        p = sub.add_parser(name)
        p.add_argument("--exporter", required=True, help="netif_exporter binary")
        p.add_argument("--agent-pid", type=int, required=True)
        p.add_argument("--community", default="public")
    poll = sub.choices["poll"]
    poll.add_argument("--agent", required=True, help="host:port")
    poll.add_argument("--snmp-exporter", default="prometheus-snmp-exporter")
    poll.add_argument("--snmp-yml", required=True)
    poll.add_argument("--polls", type=int, default=10)
    poll.add_argument("--interval", default="5s", help="netif_exporter's poll interval")
    capacity = sub.choices["capacity"]
    capacity.add_argument("--agent-ports", required=True)
    capacity.add_argument("--targets", default="100,200,400,800")
    capacity.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    {"poll": cmd_poll, "capacity": cmd_capacity}[args.command](args)


if __name__ == "__main__":
    main()
