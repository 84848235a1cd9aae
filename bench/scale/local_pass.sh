#!/usr/bin/env bash
# The local pass at 2N+1 interfaces, counters from netlink against /proc/net/dev (issue 17), with
# node_exporter's netdev collector as the anchor (local_pass.py says what is measured).
#   sudo bench/scale/local_pass.sh [--pairs 2500] [--exporter PATH] [--before PATH] [--seconds 20]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
pairs=2500
exporter="$here/../../build/release/netif_exporter"
extra=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --pairs) pairs=$2; shift 2 ;;
    --exporter) exporter=$2; shift 2 ;;
    --before) extra+=(--before "$(realpath "$2")"); shift 2 ;;
    --seconds | --scrapes | --json) extra+=("$1" "$2"); shift 2 ;;
    *) echo "local_pass.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
ns="netif-pass-$$"
trap 'ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null || true; ip netns del "$ns" 2>/dev/null || true' EXIT
ip netns add "$ns"
ip netns exec "$ns" sh -c 'sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1'
ip -n "$ns" link set lo up
{
  for ((i = 0; i < pairs; i++)); do echo "link add veth$i type veth peer name veth${i}p"; done
  for ((i = 0; i < pairs; i++)); do echo "link set veth$i up"; echo "link set veth${i}p up"; done
} | timeout 300 ip -n "$ns" -batch -
timeout --kill-after=30 900 ip netns exec "$ns" python3 "$here/local_pass.py" \
  --ours "$(realpath "$exporter")" "${extra[@]}"
