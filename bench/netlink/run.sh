#!/bin/sh
# Netlink benchmark: event-to-exposition latency and short flaps between two scrapes, ours next
# to node_exporter 1.5, in a private network namespace. See README.md.
#
# Usage (as root): bench/netlink/run.sh [path/to/netif_exporter] [bench_netlink.py flags...]
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
exporter=${1:-}
[ $# -gt 0 ] && shift
if [ -z "$exporter" ]; then
  exporter=$(ls -t "$root"/build*/netif_exporter 2>/dev/null | head -1 || true)
fi
[ -x "$exporter" ] || { echo "no netif_exporter binary (give its path)" >&2; exit 2; }
command -v prometheus-node-exporter >/dev/null ||
  { echo "needs prometheus-node-exporter (Debian package)" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "needs root (ip netns)" >&2; exit 2; }

ns="netif-bench-netlink-$$"
ours_port=10100
theirs_port=9100
logdir=$(mktemp -d)
cleanup() {
  # Kill only what this script started in its own namespace, then remove it.
  for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
  ip netns del "$ns" 2>/dev/null || true
  rm -rf "$logdir"
}
trap cleanup EXIT INT TERM

ip netns add "$ns"
ip -n "$ns" link set lo up
ip -n "$ns" link add name bA type veth peer name bB
ip -n "$ns" link set bB up
ip -n "$ns" link set bA up

ip netns exec "$ns" "$exporter" --web.listen-address=127.0.0.1:$ours_port \
  >"$logdir/ours.log" 2>&1 &
ip netns exec "$ns" prometheus-node-exporter --collector.disable-defaults --collector.netclass \
  --collector.netdev --web.listen-address=127.0.0.1:$theirs_port >"$logdir/theirs.log" 2>&1 &

# Both listening (bounded: 10 s).
i=0
until ip netns exec "$ns" python3 -c "
import socket, sys
for port in ($ours_port, $theirs_port):
    socket.create_connection(('127.0.0.1', port), timeout=1).close()" 2>/dev/null; do
  i=$((i + 1))
  [ $i -lt 100 ] || { echo "exporters did not start" >&2; cat "$logdir"/*.log >&2; exit 1; }
  sleep 0.1
done

echo "kernel $(uname -r), $(nproc) CPUs; ours: $exporter; theirs: $(prometheus-node-exporter --version 2>&1 | head -1)"
ip netns exec "$ns" python3 "$here/bench_netlink.py" --ours $ours_port --theirs $theirs_port "$@"
