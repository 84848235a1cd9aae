#!/usr/bin/env python3
"""Inner driver of bench/netlink/run.sh: runs INSIDE the benchmark's network namespace.

run.sh creates the namespace with one veth pair (bA <-> bB, both up), starts our exporter and
node_exporter 1.5 in it, then runs this script with `ip netns exec`. Two measurements:

 1. Event-to-exposition latency: `ip link set bA down` (or up); from the moment the command
    returns, scrape our /metrics back to back until it shows the change. Repeated --flaps times.
    "down" waits for netif_admin_up{device="bA"} 0 (admin state, in the kernel's first notification);
    "up" waits for netif_oper_up{device="bA"} 1 (oper state, which the kernel reports a little
    later, after its linkwatch work runs). The resolution is one scrape round trip, which is
    measured on its own and printed too. A probe socket of this script's own (RTMGRP_LINK, read
    between scrapes) notes when the kernel's notification arrived, which separates the kernel's
    delay (linkwatch runs in a workqueue) from the exporter's.

 2. Short flaps between two scrapes, side by side: scrape both exporters, flap bA N times with
    `ip -batch` (as fast as iproute2 can), wait for the kernel to settle, scrape both again, and
    print what each one reports: ours netif_link_transitions_total deltas; node_exporter's
    node_network_carrier_changes_total delta (the kernel's own counter, which counts carrier off
    and on, so 2 per flap) and the changes() view of node_network_up across the two scrapes,
    which is what a PromQL changes() over the scrapes could see.

Python 3 standard library only; every wait is bounded.
"""

import argparse
import http.client
import re
import select
import socket
import statistics
import struct
import subprocess
import sys
import time

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)', re.M)


def scrape(port, timeout=5.0):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", "/metrics")
        response = connection.getresponse()
        body = response.read().decode("utf-8", "replace")
        if response.status != 200:
            raise RuntimeError(f"scrape of port {port}: HTTP {response.status}")
        return body
    finally:
        connection.close()


def value(body, name, labels):
    """The value of the series `name` whose label set contains every pair of `labels`."""
    for match in SAMPLE.finditer(body):
        if match.group(1) != name:
            continue
        label_text = match.group(2) or ""
        if all(f'{key}="{val}"' in label_text for key, val in labels.items()):
            return float(match.group(3))
    return None


RTM_NEWLINK = 16
IFLA_IFNAME = 3
IFLA_OPERSTATE = 16
IFF_UP = 1
IF_OPER_UP = 6


class Probe:
    """This script's own RTMGRP_LINK listener: when did the kernel tell about bA?"""

    def __init__(self):
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
        self.sock.bind((0, 1))  # RTMGRP_LINK

    def drain(self):
        while select.select([self.sock], [], [], 0)[0]:
            self.sock.recv(65536)

    def seen(self, wanted):
        """True when a queued message about bA satisfies wanted(flags, operstate)."""
        found = False
        while select.select([self.sock], [], [], 0)[0]:
            data = self.sock.recv(65536)
            offset = 0
            while offset + 16 <= len(data):
                length, kind = struct.unpack_from("IH", data, offset)
                if length < 16:
                    break
                if kind == RTM_NEWLINK and length >= 32:
                    flags = struct.unpack_from("I", data, offset + 24)[0]
                    name, operstate, attr = None, None, offset + 32
                    while attr + 4 <= offset + length:
                        attr_length, attr_type = struct.unpack_from("HH", data, attr)
                        if attr_length < 4:
                            break
                        if attr_type == IFLA_IFNAME:
                            name = data[attr + 4:attr + attr_length].split(b"\0")[0]
                        elif attr_type == IFLA_OPERSTATE:
                            operstate = data[attr + 4]
                        attr += (attr_length + 3) & ~3
                    if name == b"bA" and wanted(flags, operstate):
                        found = True
                offset += (length + 3) & ~3
        return found


def ip(*args):
    subprocess.run(["ip", *args], check=True)


def wait_for(port, predicate, probe, kernel_said, limit=2.0):
    """Scrapes back to back until predicate(body) holds. Returns (seconds, scrapes, seconds until
    the probe saw the kernel's notification, checked before each scrape)."""
    start = time.perf_counter()
    scrapes = 0
    kernel = None
    while True:
        if kernel is None and probe.seen(kernel_said):
            kernel = time.perf_counter() - start
        body = scrape(port)
        scrapes += 1
        elapsed = time.perf_counter() - start
        if predicate(body):
            if kernel is None and probe.seen(kernel_said):
                kernel = elapsed  # it came during the last scrape
            return elapsed, scrapes, elapsed if kernel is None else kernel
        if elapsed > limit:
            raise RuntimeError("timed out waiting for the exporter to show the change")


def percentile(values, p):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, int(round(p / 100.0 * len(ordered) + 0.5)) - 1))
    return ordered[index]


def ms(seconds):
    return f"{seconds * 1000:7.3f} ms"


def latency(ours, flaps):
    device = {"device": "bA"}
    round_trips = []
    for _ in range(50):
        start = time.perf_counter()
        scrape(ours)
        round_trips.append(time.perf_counter() - start)
    probe = Probe()
    down, up, scrapes_down, scrapes_up, after_kernel = [], [], [], [], []
    for _ in range(flaps):
        probe.drain()
        ip("link", "set", "bA", "down")
        seconds, scrapes, kernel = wait_for(ours, lambda b: value(b, "netif_admin_up", device) == 0,
                                            probe, lambda flags, _: not flags & IFF_UP)
        down.append(seconds)
        scrapes_down.append(scrapes)
        after_kernel.append(seconds - kernel)
        probe.drain()
        ip("link", "set", "bA", "up")
        seconds, scrapes, kernel = wait_for(ours, lambda b: value(b, "netif_oper_up", device) == 1,
                                            probe, lambda _, operstate: operstate == IF_OPER_UP)
        up.append(seconds)
        scrapes_up.append(scrapes)
        after_kernel.append(seconds - kernel)
    print(f"== event-to-exposition latency, {flaps} flaps (from `ip link set` returning) ==")
    print(f"scrape round trip alone : p50 {ms(statistics.median(round_trips))}  "
          f"p99 {ms(percentile(round_trips, 99))}")
    for label, values in (("down (netif_admin_up 0)     ", down), ("up (netif_oper_up 1)  ", up),
                          ("after the kernel said ", after_kernel)):
        print(f"{label}  : p50 {ms(statistics.median(values))}  p99 {ms(percentile(values, 99))}"
              f"  max {ms(max(values))}")
    for label, values, scrapes in (("down", down, scrapes_down), ("up", up, scrapes_up)):
        first = sum(1 for n in scrapes if n == 1)
        worst = max(range(len(values)), key=values.__getitem__)
        print(f"{label:4}: seen by the very first scrape after the command {first}/{flaps}; "
              f"slowest {ms(values[worst])} took {scrapes[worst]} scrape(s)")
    return percentile(down, 99)


def snapshot(ours, theirs):
    device = {"device": "bA"}
    body_ours = scrape(ours)
    body_theirs = scrape(theirs)
    return {
        "ours_down": value(body_ours, "netif_link_transitions_total",
                           {"device": "bA", "direction": "down"}),
        "ours_up": value(body_ours, "netif_link_transitions_total",
                         {"device": "bA", "direction": "up"}),
        "ours_carrier_changes": value(body_ours, "netif_carrier_changes_total", device),
        "node_carrier_changes": value(body_theirs, "node_network_carrier_changes_total", device),
        "node_up": value(body_theirs, "node_network_up", device),
    }


def side_by_side(ours, theirs, counts):
    print()
    print("== N short flaps of bA between two scrapes ==")
    print(f"{'N':>5} | {'ours: transitions down/up':>26} | {'node: carrier_changes delta':>28} "
          f"| {'node: changes(node_network_up)':>30}")
    for n in counts:
        before = snapshot(ours, theirs)
        commands = "".join("link set bA down\nlink set bA up\n" for _ in range(n))
        subprocess.run(["ip", "-batch", "-"], input=commands.encode(), check=True)
        time.sleep(0.5)  # the kernel reports oper-up after its linkwatch work; let it settle
        after = snapshot(ours, theirs)
        ours_down = after["ours_down"] - before["ours_down"]
        ours_up = after["ours_up"] - before["ours_up"]
        node_changes = after["node_carrier_changes"] - before["node_carrier_changes"]
        node_up_changes = 0 if after["node_up"] == before["node_up"] else 1
        print(f"{n:>5} | {f'{ours_down:.0f} / {ours_up:.0f}':>26} | "
              f"{f'{node_changes:.0f} (= {node_changes / 2:.0f} flaps)':>28} | "
              f"{node_up_changes:>30}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ours", type=int, required=True, help="our exporter's port")
    parser.add_argument("--theirs", type=int, required=True, help="node_exporter's port")
    parser.add_argument("--flaps", type=int, default=200)
    parser.add_argument("--counts", default="1,5,20,100,500")
    args = parser.parse_args()
    p99 = latency(args.ours, args.flaps)
    side_by_side(args.ours, args.theirs, [int(n) for n in args.counts.split(",")])
    print()
    print(f"goal p99 < 5 ms for down: {'met' if p99 < 0.005 else 'NOT met'} ({ms(p99)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
