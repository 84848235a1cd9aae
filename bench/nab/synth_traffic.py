#!/usr/bin/env python3
"""Seeded synthetic network traffic with labelled incidents, and its evaluation of the detector.

    bench/nab/synth_traffic.py [--replay PATH] [--series N] [--days D] [--seed S]
                               [--set NAME=VALUE]... [--compare NAME=VALUE,...]
                               [--write DIR]

Generates N interfaces' total (rx + tx) bits/s every 10 s for D days, streams each through
netif_anomaly_replay (the exporter's detector; --set passes settings on) and prints:
  - false-alarm events per series-day (a run of flagged samples outside every incident's region
    counts once), per device class and overall, and scaled to a node with 5,000 interfaces of the
    same mix, both with the detector on for every class and with the exporter's default classes
    (physical and snmp);
  - the same for flag runs held at least 120 s (what the shipped alert rule, `for: 2m`, fires on);
  - per incident kind: how many were caught (a flag inside its detection window) and the median
    delay from its first sample to the first flag, in samples.
--write DIR also writes each series as DIR/<n>.csv (NAB layout: timestamp,value; `gap` for a
missing sample) and DIR/labels.json, for inspection; nothing is written by default.

Reproducible: series n is drawn from random.Random(seed * 1_000_003 + n) alone, so a series does
not change when N changes, and the same seed gives the same numbers. Standard library only.

The generator (every figure below is drawn per series, uniformly unless stated):
  classes     physical 35 % (server NIC), snmp 10 % (switch port), veth-active 25 %, veth-idle 30 %
  level       log-uniform: physical 1 Mb/s-3 Gb/s, snmp 10 Mb/s-3 Gb/s, veth-active 30 kb/s-30 Mb/s
  daily       x exp(a cos(2 pi (hour - peak) / 24)), a 0.2-1.2, peak hour 10-18 (UTC)
  weekly      Saturday and Sunday x 0.3-1.0
  noise       AR(1) in log (rho 0.8-0.98, sigma 0.05-0.3) plus white log noise 0.02-0.15
  bursts      Poisson 0-6 a day, 10 s-10 min (exponential, mean 60 s), x1.6-6; 30 % of physical
              ports also run a nightly backup at a fixed hour, 20-60 min, x3-10
  veth-idle   Poisson packets (0.05-2 per 10 s) of ~100 bytes, plus 0-3 short sessions a day of
              3 kb/s-300 kb/s lasting 10 s-5 min: the near-idle veths the minimum-traffic floor is for
  resets      Poisson 0.3 a week: one missing sample (the exporter marks a counter reset as a gap)
  gaps        Poisson 1 a week: 1-30 missing samples (failed collections)
  incidents   half of the non-idle series get one, starting between day 2 and day D - 0.5:
    saturation  10-60 min flat at 93-100 % of a capacity 2-20x the usual daily peak
    loss        5-60 min at 0-5 % of the usual traffic
    step_up     x2-5 from the start to the end of the series
    step_down   x0.1-0.4 from the start to the end of the series
    slow_leak   rises linearly to x3-8 over 2-12 h, then stays
    flapping    10-40 min of link flaps: 20-60 s down (ramping down over 1-3 samples, up over 3-6)
  Detection window: the incident's span, for steps the first hour, for the leak its ramp plus an
  hour. Flags up to 2 h after the window (the detector holding, or re-learning the new level) are
  neither caught nor false. Series-days are counted after the first day (the detector's warm-up).
"""
import argparse
import datetime
import json
import math
import os
import random
import subprocess
import sys

STEP = 10  # seconds between samples
START = datetime.datetime(2026, 1, 5)  # a Monday, 00:00 UTC
CLASSES = [("physical", 0.35), ("snmp", 0.10), ("veth-active", 0.25), ("veth-idle", 0.30)]
DEFAULT_CLASSES = ("physical", "snmp")  # the exporter's default analytics.anomaly.classes
KINDS = ["saturation", "loss", "step_up", "step_down", "slow_leak", "flapping"]
NODE_INTERFACES = 5000
# The shipped alert (deploy/prometheus/rules, NetifTrafficAnomaly) fires on a flag held this long.
ALERT_FOR_SECONDS = 120
# Other holding times whose alert counts are printed too (choosing the rule's `for:`).
FOR_CHOICES = (60, 120, 300, 600, 900)


def pick(rng, weighted):
    r = rng.random()
    for name, weight in weighted:
        r -= weight
        if r < 0:
            return name
    return weighted[-1][0]


def poisson(rng, lam):
    # Knuth's method; lam stays small here.
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def normal_traffic(rng, klass, n):
    """The usual traffic of one series (bits/s per sample) and its daily peak level."""
    if klass == "veth-idle":
        lam = rng.uniform(0.05, 2)
        values = [poisson(rng, lam) * 100 * 8 / STEP for _ in range(n)]
        for _ in range(poisson(rng, rng.uniform(0, 3) * n * STEP / 86400)):
            start, length = rng.randrange(n), max(1, int(rng.uniform(10, 300) / STEP))
            rate = 10 ** rng.uniform(3.5, 5.5)
            for i in range(start, min(n, start + length)):
                values[i] += rate * math.exp(rng.gauss(0, 0.3))
        return values, max(values) or 1.0
    low, high = {"physical": (6, 9.5), "snmp": (7, 9.5), "veth-active": (4.5, 7.5)}[klass]
    level = 10 ** rng.uniform(low, high)
    amplitude, peak = rng.uniform(0.2, 1.2), rng.uniform(10, 18)
    weekend = rng.uniform(0.3, 1.0)
    rho, sigma = rng.uniform(0.8, 0.98), rng.uniform(0.05, 0.3)
    white = rng.uniform(0.02, 0.15)
    innovation = sigma * math.sqrt(1 - rho * rho)
    log_mult = [0.0] * n
    for _ in range(poisson(rng, rng.uniform(0, 6) * n * STEP / 86400)):
        start = rng.randrange(n)
        length = max(1, int(min(600, rng.expovariate(1 / 60)) / STEP))
        boost = math.log(10 ** rng.uniform(0.2, 0.8))
        for i in range(start, min(n, start + length)):
            log_mult[i] = max(log_mult[i], boost)
    if klass == "physical" and rng.random() < 0.3:
        hour, length = rng.uniform(0, 6), int(rng.uniform(20, 60) * 60 / STEP)
        boost = math.log(rng.uniform(3, 10))
        for day in range(int(n * STEP / 86400) + 1):
            first = int((day * 86400 + hour * 3600) / STEP)
            for i in range(first, min(n, first + length)):
                log_mult[i] = max(log_mult[i], boost)
    values, ar = [], 0.0
    two_pi = 2 * math.pi
    for i in range(n):
        t = i * STEP
        hour = (t % 86400) / 3600
        weekday = (t // 86400) % 7  # 0 = Monday
        m = amplitude * math.cos(two_pi * (hour - peak) / 24)
        if weekday >= 5:
            m += math.log(weekend)
        ar = rho * ar + innovation * rng.gauss(0, 1)
        values.append(level * math.exp(m + ar + white * rng.gauss(0, 1) + log_mult[i]))
    return values, level * math.exp(amplitude)


def inject(rng, values, peak, n):
    """Injects one incident; returns its label (kind, first sample, window end, region end)."""
    kind = rng.choice(KINDS)
    start = rng.randrange(int(2 * 86400 / STEP), n - int(0.5 * 86400 / STEP))
    minutes = lambda lo, hi: int(rng.uniform(lo, hi) * 60 / STEP)
    if kind == "saturation":
        end = min(n, start + minutes(10, 60))
        capacity = peak * rng.uniform(2, 20)
        for i in range(start, end):
            values[i] = capacity * rng.uniform(0.93, 1.0)
        window = end
    elif kind == "loss":
        end = min(n, start + minutes(5, 60))
        for i in range(start, end):
            values[i] *= rng.uniform(0, 0.05)
        window = end
    elif kind in ("step_up", "step_down"):
        factor = rng.uniform(2, 5) if kind == "step_up" else rng.uniform(0.1, 0.4)
        for i in range(start, n):
            values[i] *= factor
        window = min(n, start + minutes(60, 60))
    elif kind == "slow_leak":
        ramp, factor = minutes(120, 720), rng.uniform(3, 8)
        for i in range(start, n):
            values[i] *= 1 + (factor - 1) * min(1.0, (i - start) / ramp)
        window = min(n, start + ramp + minutes(60, 60))
    else:  # flapping
        end = min(n, start + minutes(10, 40))
        i = start
        while i < end:
            i += int(rng.uniform(60, 300) / STEP)  # up for a while
            down_from = i
            down, fall, rise = int(rng.uniform(20, 60) / STEP), rng.randint(1, 3), rng.randint(3, 6)
            for k in range(fall):
                if down_from + k < n:
                    values[down_from + k] *= 1 - (k + 1) / fall
            for k in range(down):
                if down_from + fall + k < n:
                    values[down_from + fall + k] = 0.0
            for k in range(rise):
                if down_from + fall + down + k < n:
                    values[down_from + fall + down + k] *= (k + 1) / (rise + 1)
            i = down_from + fall + down + rise
        window = min(n, max(end, i))
    return {"kind": kind, "start": start, "window_end": window,
            "region_end": min(n, window + int(2 * 3600 / STEP))}


def add_gaps(rng, values, n):
    weeks = n * STEP / (7 * 86400)
    for _ in range(poisson(rng, 0.3 * weeks)):  # counter resets: one missing sample each
        values[rng.randrange(n)] = None
    for _ in range(poisson(rng, 1.0 * weeks)):  # failed collections
        start = rng.randrange(n)
        for i in range(start, min(n, start + rng.randint(1, 30))):
            values[i] = None


def generate(seed, index, n):
    rng = random.Random(seed * 1_000_003 + index)
    klass = pick(rng, CLASSES)
    values, peak = normal_traffic(rng, klass, n)
    incident = None
    if klass != "veth-idle" and rng.random() < 0.5:
        incident = inject(rng, values, peak, n)
    add_gaps(rng, values, n)
    return klass, values, incident


def run_replay(replay, settings, timestamps, values):
    lines = ["timestamp,value"]
    lines += [f"{ts},gap" if v is None else f"{ts},{v:.1f}" for ts, v in zip(timestamps, values)]
    args = [replay]
    for s in settings:
        args += ["--set", s]
    out = subprocess.run(args + ["/dev/stdin", "/dev/stdout"], input="\n".join(lines) + "\n",
                         capture_output=True, text=True, check=True).stdout
    return [line.endswith(",1") for line in out.splitlines()[1:]]


def alarm_starts(flags, excluded, min_samples=1):
    """Runs of the flag outside the excluded samples that last at least min_samples."""
    count, run = 0, 0
    for i, flag in enumerate(flags):
        if flag and not excluded[i]:
            run += 1
            count += run == min_samples
        else:
            run = 0
    return count


def median(xs):
    xs = sorted(xs)
    if not xs:
        return float("nan")
    mid = len(xs) // 2
    return xs[mid] if len(xs) % 2 else (xs[mid - 1] + xs[mid]) / 2


def find_replay():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    for build in sorted(os.listdir(root)):
        for sub in ("src/tools/netif_anomaly_replay", "release/src/tools/netif_anomaly_replay"):
            path = os.path.join(root, build, sub)
            if build.startswith("build") and os.access(path, os.X_OK):
                return path
    sys.exit("synth_traffic.py: no netif_anomaly_replay under build*/; build it or pass --replay")


class Tally:
    """What one detector configuration did over the series."""

    def __init__(self, label, settings):
        self.label, self.settings = label, settings
        self.fa = {c: 0 for c, _ in CLASSES}
        self.held = {s: {c: 0 for c, _ in CLASSES} for s in FOR_CHOICES}
        self.held_caught = {s: {k: 0 for k in KINDS} for s in FOR_CHOICES}
        self.days = {c: 0.0 for c, _ in CLASSES}
        self.caught = {k: [0, 0] for k in KINDS}
        self.delays = {k: [] for k in KINDS}

    def add(self, klass, incident, flags, warmup):
        n = len(flags)
        excluded = [i < warmup for i in range(n)]
        if incident:
            for i in range(incident["start"], incident["region_end"]):
                excluded[i] = True
            kind = incident["kind"]
            self.caught[kind][1] += 1
            hit = next((i for i in range(incident["start"], incident["window_end"]) if flags[i]),
                       None)
            if hit is not None:
                self.caught[kind][0] += 1
                self.delays[kind].append(hit - incident["start"])
            outside = [not incident["start"] <= i < incident["window_end"] for i in range(n)]
        self.fa[klass] += alarm_starts(flags, excluded)
        for seconds in FOR_CHOICES:
            need = int(seconds / STEP) + 1
            self.held[seconds][klass] += alarm_starts(flags, excluded, need)
            if incident:
                self.held_caught[seconds][incident["kind"]] += alarm_starts(flags, outside, need) > 0
        self.days[klass] += sum(not e for e in excluded) * STEP / 86400

    def report(self):
        print(f"--- {self.label}" + (f" (--set {' '.join(self.settings)})" if self.settings else ""))
        alert = self.held[ALERT_FOR_SECONDS]
        print(f"{'class':12s} {'series-days':>11s} {'FA events':>9s} {'FA/series-day':>13s} "
              f"{'alerts >= ' + str(ALERT_FOR_SECONDS) + ' s':>15s} {'per series-day':>14s}")
        for klass, _ in CLASSES:
            d = self.days[klass] or float("nan")
            print(f"{klass:12s} {self.days[klass]:11.1f} {self.fa[klass]:9d} "
                  f"{self.fa[klass] / d:13.5f} {alert[klass]:15d} {alert[klass] / d:14.5f}")
        total_days = sum(self.days.values())
        default_days = sum(self.days[c] for c in DEFAULT_CLASSES)
        share = default_days / total_days if total_days else 0
        print(f"{'all':12s} {total_days:11.1f} {sum(self.fa.values()):9d} "
              f"{sum(self.fa.values()) / total_days:13.5f} {sum(alert.values()):15d} "
              f"{sum(alert.values()) / total_days:14.5f}")

        def per_node(counts):
            every = NODE_INTERFACES * sum(counts.values()) / total_days
            default = NODE_INTERFACES * share * sum(counts[c] for c in DEFAULT_CLASSES) / max(
                default_days, 1e-9)
            return every, default

        every, default = per_node(self.fa)
        print(f"node of {NODE_INTERFACES} interfaces (this mix): flag starts {every:.1f} per "
              f"node-day with every class on, {default:.1f} with the default classes "
              f"({'+'.join(DEFAULT_CLASSES)})")
        total = sum(t for _, t in self.caught.values())
        print(f"alert rule `for:` -> alerts per node-day (default classes / every class on), "
              f"incidents the alert catches")
        for seconds in FOR_CHOICES:
            every, default = per_node(self.held[seconds])
            got = self.held_caught[seconds]
            print(f"  for {seconds:4d} s: {default:8.1f} / {every:8.1f}   caught "
                  f"{sum(got.values())}/{total}  " + " ".join(f"{k} {got[k]}" for k in KINDS))
        print(f"{'incident':12s} {'caught':>9s} {'share':>6s} {'median delay (samples)':>23s}")
        all_caught = 0
        for kind in KINDS:
            c, t = self.caught[kind]
            all_caught += c
            share_kind = 100 * c / t if t else float("nan")
            print(f"{kind:12s} {c:4d}/{t:<4d} {share_kind:5.0f}% "
                  f"{median(self.delays[kind]):23.1f}")
        print(f"{'all':12s} {all_caught:4d}/{total:<4d} {100 * all_caught / max(total, 1):5.0f}%")


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--replay", default=None)
    ap.add_argument("--series", type=int, default=300)
    ap.add_argument("--days", type=float, default=7)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--set", action="append", default=[], metavar="NAME=VALUE")
    ap.add_argument("--compare", action="append", default=[], metavar="NAME=VALUE,...",
                    help="also replay every series with these settings instead (one configuration "
                         "per --compare; '' = the detector's defaults)")
    ap.add_argument("--write", default=None, metavar="DIR")
    args = ap.parse_args()
    replay = None if args.write else (args.replay or find_replay())
    n = int(args.days * 86400 / STEP)
    timestamps = [(START + datetime.timedelta(seconds=i * STEP)).strftime("%Y-%m-%d %H:%M:%S")
                  for i in range(n)]
    warmup = int(86400 / STEP)
    tallies = [Tally("main", args.set)]
    tallies += [Tally(f"compare {i + 1}", [x for x in c.split(",") if x])
                for i, c in enumerate(args.compare)]

    labels = {}
    for index in range(args.series):
        klass, values, incident = generate(args.seed, index, n)
        if args.write:
            os.makedirs(args.write, exist_ok=True)
            with open(os.path.join(args.write, f"{index}.csv"), "w") as f:
                f.write("timestamp,value\n")
                for ts, v in zip(timestamps, values):
                    f.write(f"{ts},gap\n" if v is None else f"{ts},{v:.1f}\n")
            labels[index] = {"class": klass, "incident": incident}
            continue
        for tally in tallies:
            tally.add(klass, incident, run_replay(replay, tally.settings, timestamps, values),
                      warmup)
        if (index + 1) % 25 == 0:
            print(f"# {index + 1}/{args.series} series", file=sys.stderr, flush=True)
    if args.write:
        with open(os.path.join(args.write, "labels.json"), "w") as f:
            json.dump(labels, f, indent=1)
        return

    print(f"Synthetic traffic: {args.series} series x {args.days:g} days of 10 s samples, "
          f"seed {args.seed}")
    for tally in tallies:
        tally.report()


if __name__ == "__main__":
    main()
