#!/usr/bin/env bash
# Scale benchmark: our exporter against node_exporter 1.5 (netdev + netclass collectors) in a
# network namespace holding N veth pairs, side by side in one run. See bench/README.md.
#
#   sudo bench/scale/run.sh [--pairs 500,2500] [--scrapes 30] [--json out.json]
#                           [--exporter PATH] [--node-exporter PATH] [--theirs-budget SECONDS]
#                           [--idle-seconds 10] [--no-concurrency] [--no-churn]
#                           [--churn-pairs 1000] [--no-idle-check] [--profiles compact,full]
#                           [--keep]
#
# For each N it builds namespace netif-bench-<pid> with N veth pairs (2N+1 interfaces with lo),
# all up, IPv6 off; runs both exporters inside it on loopback and runs bench.py inside it. The
# concurrency and churn checks run at the largest N; the 10-interface idle check runs last. Prints
# one table (report.py) and writes the merged JSON. Cleans up on any exit.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

pairs_list="500,2500"
scrapes=30
json_out=""
exporter="$root/build/release/netif_exporter"
node_exporter="prometheus-node-exporter"
theirs_budget=40
idle_seconds=10
concurrency=1
churn=1
churn_pairs=1000
idle_check=1
keep=0
profiles="compact,full"

usage() { sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --pairs) pairs_list="$2"; shift 2 ;;
    --scrapes) scrapes="$2"; shift 2 ;;
    --json) json_out="$2"; shift 2 ;;
    --exporter) exporter="$2"; shift 2 ;;
    --node-exporter) node_exporter="$2"; shift 2 ;;
    --theirs-budget) theirs_budget="$2"; shift 2 ;;
    --idle-seconds) idle_seconds="$2"; shift 2 ;;
    --no-concurrency) concurrency=0; shift ;;
    --no-churn) churn=0; shift ;;
    --churn-pairs) churn_pairs="$2"; shift 2 ;;
    --no-idle-check) idle_check=0; shift ;;
    --profiles) profiles="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done

die() { echo "run.sh: $*" >&2; exit 1; }
[[ $EUID -eq 0 ]] || die "must run as root (network namespaces)"
# The stdlib python3 of the system, not a user's pyenv shim (ip netns exec keeps PATH anyway).
python=/usr/bin/python3
[[ -x $python ]] || python="$(command -v python3)"
for tool in ip curl wrk promtool "$node_exporter"; do
  command -v "$tool" >/dev/null || die "missing $tool (scripts/install-deps.sh installs it)"
done
if [[ ! -x "$exporter" ]]; then
  if [[ "$exporter" == "$root/build/release/netif_exporter" ]]; then
    echo "run.sh: building $exporter" >&2
    "$root/scripts/build.sh" release >&2
  else
    die "no exporter binary at $exporter"
  fi
fi
if [[ "$exporter" == "$root/build/release/netif_exporter" ]] &&
   [[ -n "$(find "$root/src" -newer "$exporter" -type f -print -quit 2>/dev/null)" ]]; then
  echo "run.sh: warning: $exporter is older than src/; run scripts/build.sh release first" >&2
fi

workdir="$(mktemp -d /tmp/netif-bench.XXXXXX)"
ns=""
helper_ns=""
driver_pid=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ -n "$driver_pid" ]] && kill -0 "$driver_pid" 2>/dev/null; then
    kill -TERM "$driver_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$driver_pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$driver_pid" 2>/dev/null || true
  fi
  # Anything still running in our namespaces is ours: kill it by pid before deleting them.
  for n in $ns $helper_ns; do
    for pid in $(ip netns pids "$n" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
    ip netns del "$n" 2>/dev/null || true
  done
  if [[ $keep -eq 1 ]]; then echo "run.sh: kept $workdir" >&2; else rm -rf "$workdir"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

make_ns() {  # make_ns NAME PAIRS
  local name=$1 n=$2
  ip netns add "$name"
  # IPv6 off before the links exist: no DAD, router solicitations or MLD reports from thousands
  # of links, so both exporters read quiet, reproducible counters.
  ip netns exec "$name" sh -c 'sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1'
  ip -n "$name" link set lo up
  {
    for ((i = 0; i < n; i++)); do echo "link add veth$i type veth peer name veth${i}p"; done
    for ((i = 0; i < n; i++)); do echo "link set veth$i up"; echo "link set veth${i}p up"; done
  } | ip -n "$name" -batch -
}

run_driver() {  # run_driver NS ARGS... (in the background, so the EXIT trap can stop it)
  local name=$1; shift
  timeout --signal=TERM --kill-after=30 900 \
    ip netns exec "$name" "$python" "$here/bench.py" --ours "$exporter" \
      --theirs "$(command -v "$node_exporter")" --workdir "$workdir" "$@" &
  driver_pid=$!
  wait "$driver_pid"
  driver_pid=""
}

IFS=, read -r -a pairs_array <<<"$pairs_list"
largest=0
for p in "${pairs_array[@]}"; do (( p > largest )) && largest=$p; done

parts=()
for p in "${pairs_array[@]}"; do
  ns="netif-bench-$$"
  echo "run.sh: $p veth pairs ($((2 * p + 1)) interfaces), load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  start_ms=$(( $(date +%s%N) / 1000000 ))
  make_ns "$ns" "$p"
  echo "run.sh: namespace ready in $(( $(date +%s%N) / 1000000 - start_ms )) ms" >&2
  extra=()
  if (( p == largest )); then
    (( concurrency )) && extra+=(--concurrency)
    (( churn )) && extra+=(--churn-pairs "$churn_pairs")
    [[ -n "$profiles" ]] && extra+=(--profiles "$profiles")
  fi
  run_driver "$ns" --pairs "$p" --scrapes "$scrapes" --theirs-budget "$theirs_budget" \
    --idle-seconds "$idle_seconds" --json "$workdir/part-$p.json" "${extra[@]}"
  parts+=("$workdir/part-$p.json")
  ip netns del "$ns"
  ns=""
done

if (( idle_check )); then
  # 10 interfaces: lo, 4 veth pairs, and one veth whose peer lives in a helper namespace.
  ns="netif-bench-$$"
  helper_ns="netif-bench-$$-peer"
  echo "run.sh: 10-interface idle check (30 s), load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  make_ns "$ns" 4
  ip netns add "$helper_ns"
  ip -n "$ns" link add veth4 type veth peer name veth4p netns "$helper_ns"
  ip -n "$ns" link set veth4 up
  run_driver "$ns" --pairs 4 --only-idle --idle-seconds 30 --json "$workdir/part-idle.json"
  parts+=("$workdir/part-idle.json")
  ip netns del "$ns"; ns=""
  ip netns del "$helper_ns"; helper_ns=""
fi

"$python" "$here/report.py" --exporter "$exporter" --json "${json_out:-$workdir/bench.json}" "${parts[@]}"
