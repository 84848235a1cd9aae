#!/usr/bin/env python3
"""Leave-one-category-out (LOCO) evaluation of the anomaly detector on the shared NAB files.

    bench/nab/loco.py [--replay PATH] [--grid default|none] [--keep]

For each category of the shared NAB data (artificialNoAnomaly, artificialWithAnomaly,
realKnownCause, realTraffic), the detector's tunable constants are chosen on the OTHER categories
only: every point of a small grid of settings (passed to netif_anomaly_replay with --set) is scored
on the union of the other categories' files with NAB's standard profile, the best one is kept
(ties: the earlier grid point, i.e. the shipped defaults first), and that choice is scored on the
held-out category. Nothing is tuned on the files it is scored on. artificialNoAnomaly has no label
window, so its NAB score is undefined: it is held out for its false alarms only (the mean and the
worst are over the other categories), and it counts in the training sets of the others, where its
false alarms cost points.

Printed per held-out category: the chosen grid point, its training score, the held-out NAB
standard score (fixed threshold = the detector's own flag), label windows hit and false-alarm
events per series-day; then the mean and the worst category. A last table scores the shipped
defaults themselves per category (no tuning at all), for comparison.

Scoring is ../shared/tools/nab_score.py, run as a subprocess on a folder holding only the files in
question; the data are read from ../shared/testdata/nab ($NETIF_SHARED_DIR) and never copied.
Everything runs one process at a time (the machine is shared).
"""
import argparse
import csv
import datetime
import itertools
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = subprocess.run(["git", "-C", os.path.dirname(os.path.abspath(__file__)), "rev-parse",
                       "--show-toplevel"], capture_output=True, text=True, check=True).stdout.strip()
SHARED = os.environ.get("NETIF_SHARED_DIR", os.path.join(ROOT, "..", "shared"))
NAB = os.path.join(SHARED, "testdata", "nab")
DATA = os.path.join(NAB, "data")
LABELS = os.path.join(NAB, "combined_windows.json")
SCORER = os.path.join(SHARED, "tools", "nab_score.py")
WINDOWS = {}  # "<category>/<name>.csv" -> label windows, from LABELS

# Grids over the decision constants (the learning time constants stay as shipped). The first
# point of each grid is the shipped defaults (an empty override).
GRIDS = {
    "none": {"alarm_surprise": [6]},  # the defaults only: a quick check
    "default": {
        "alarm_surprise": [6, 5, 8],
        "sustained_surprise": [3.5, 5],
        "surprise_memory_seconds": [2 * 86400, 4 * 86400],
    },
}


def find_replay():
    for build in sorted(os.listdir(ROOT)):
        for sub in ("src/tools/netif_anomaly_replay", "release/src/tools/netif_anomaly_replay"):
            path = os.path.join(ROOT, build, sub)
            if build.startswith("build") and os.access(path, os.X_OK):
                return path
    sys.exit("loco.py: no netif_anomaly_replay binary under build*/; build it or pass --replay")


def fmt(score):
    return "n/a" if score is None else f"{score:.1f}"


def grid_points(grid):
    names = list(grid)
    for values in itertools.product(*(grid[n] for n in names)):
        yield tuple((n, v) for n, v in zip(names, values))


def label(point, defaults):
    changed = [f"{n}={v:g}" for (n, v), (_, d) in zip(point, defaults) if v != d]
    return ",".join(changed) or "defaults"


def replay_all(replay, point, files, out_dir):
    args = []
    for name, value in point:
        args += ["--set", f"{name}={value:g}"]
    for rel in files:
        dest = os.path.join(out_dir, rel)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        subprocess.run([replay, *args, os.path.join(DATA, rel), dest], check=True)


def false_alarms_without_windows(results_dir, files):
    """False-alarm events per series-day of files without label windows, by nab_score.py's rule
    (a run of flagged rows after the probation period counts once); their NAB score is undefined
    (no window: nab_score.py divides by zero), so only false alarms are reported."""
    events, days = 0, 0.0
    for rel in files:
        with open(os.path.join(results_dir, rel)) as f:
            rows = list(csv.DictReader(f))
        n = len(rows)
        probation = min(math.floor(0.15 * n), 0.15 * 5000)
        prev = False
        for i, row in enumerate(rows):
            now = row["flag"] == "1" and i >= probation
            events += now and not prev
            prev = now
        first, last = (datetime.datetime.fromisoformat(rows[k]["timestamp"]) for k in (0, -1))
        days += (last - first).total_seconds() / 86400
    return events / days


def score(results_dir, files):
    """NAB standard score (fixed threshold), windows hit and false alarms per series-day; the score
    is None for files without any label window."""
    if not any(WINDOWS[rel] for rel in files):
        return None, "0/0", false_alarms_without_windows(results_dir, files)
    with tempfile.TemporaryDirectory(prefix="netif_loco_score.") as sub:
        for rel in files:
            dest = os.path.join(sub, rel)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            os.symlink(os.path.join(results_dir, rel), dest)
        out = subprocess.run([sys.executable, SCORER, "--data", DATA, "--labels", LABELS,
                              "--results", sub], capture_output=True, text=True, check=True).stdout
    standard = float(re.search(r"^standard\s+fixed-threshold\s+(-?[\d.]+)", out, re.M).group(1))
    hit = re.search(r"windows hit (\d+)/(\d+)", out)
    fp = float(re.search(r"false-alarm events per series-day ([\d.]+)", out).group(1))
    return standard, f"{hit.group(1)}/{hit.group(2)}", fp


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--replay", default=None)
    ap.add_argument("--grid", default="default", choices=sorted(GRIDS))
    ap.add_argument("--keep", action="store_true", help="keep (and print) the results folder")
    args = ap.parse_args()
    replay = args.replay or find_replay()
    for needed in (DATA, LABELS, SCORER):
        if not os.path.exists(needed):
            sys.exit(f"loco.py: missing {needed} (set NETIF_SHARED_DIR)")

    WINDOWS.update(json.load(open(LABELS)))
    files = {}
    for category in sorted(os.listdir(DATA)):
        path = os.path.join(DATA, category)
        if os.path.isdir(path):
            files[category] = sorted(os.path.join(category, f) for f in os.listdir(path)
                                     if f.endswith(".csv"))
    grid = GRIDS[args.grid]
    points = list(grid_points(grid))
    defaults = points[0]
    work = tempfile.mkdtemp(prefix="netif_loco.")
    try:
        # Per grid point: replay every file once, then score each category and each "all but one".
        per_category = {}  # (point, category) -> (score, hit, fp)
        training = {}      # (point, held-out category) -> score on the other categories
        all_files = [f for fs in files.values() for f in fs]
        for i, point in enumerate(points):
            out_dir = os.path.join(work, str(i))
            replay_all(replay, point, all_files, out_dir)
            for category in files:
                per_category[point, category] = score(out_dir, files[category])
                others = [f for c, fs in files.items() if c != category for f in fs]
                training[point, category] = score(out_dir, others)[0]
            print(f"# grid point {i + 1}/{len(points)} {label(point, defaults)}: " + "  ".join(
                f"{c} {fmt(per_category[point, c][0])}/{per_category[point, c][2]:.3f}"
                for c in files), file=sys.stderr)

        print(f"Leave-one-category-out, NAB standard profile, fixed threshold (own flag); grid "
              f"'{args.grid}' of {len(points)} points over {', '.join(grid)}")
        print(f"{'held-out category':24s} {'chosen on the others':54s} {'train':>6s} "
              f"{'held-out':>8s} {'windows':>7s} {'FA/series-day':>13s}")
        held = []
        for category in files:
            best = max(points, key=lambda p: (training[p, category], -points.index(p)))
            s, hit, fp = per_category[best, category]
            held.append((category, s, fp))
            print(f"{category:24s} {label(best, defaults):54s} {training[best, category]:6.1f} "
                  f"{fmt(s):>8s} {hit:>7s} {fp:13.3f}")
        scored = [h for h in held if h[1] is not None]
        mean = sum(s for _, s, _ in scored) / len(scored)
        worst = min(scored, key=lambda h: h[1])
        worst_fp = max(held, key=lambda h: h[2])
        print(f"LOCO mean {mean:.1f}   worst {worst[1]:.1f} ({worst[0]})   "
              f"worst false alarms {worst_fp[2]:.3f}/series-day ({worst_fp[0]})")

        print()
        print("Shipped defaults, no tuning, per category")
        scores = []
        for category in files:
            s, hit, fp = per_category[defaults, category]
            if s is not None:
                scores.append(s)
            print(f"{category:24s} {fmt(s):>8s} {hit:>7s} {fp:13.3f}")
        print(f"mean of categories {sum(scores) / len(scores):.1f}   worst {min(scores):.1f}")
        if args.keep:
            print(f"results kept in {work}")
    finally:
        if not args.keep:
            shutil.rmtree(work)


if __name__ == "__main__":
    main()
