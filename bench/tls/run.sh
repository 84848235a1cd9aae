#!/usr/bin/env bash
# TLS benchmark: scrapes of /metrics over plain HTTP, TLS, and TLS with basic auth, for our
# exporter and node_exporter (the anchor, with the same web config file) side by side, in a
# network namespace holding N veth pairs. See bench/README.md ("TLS").
#
#   sudo bench/tls/run.sh [--pairs 2500] [--scrapes 40] [--exporter PATH] [--node-exporter PATH]
#
# Each scraper keeps its connection open, as Prometheus does, so the figures are the steady-state
# cost of encryption (and of the basic auth check) per scrape, not of handshakes. Cleans up on exit.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
pairs=2500
scrapes=40
exporter="$root/build/release/netif_exporter"
node_exporter="prometheus-node-exporter"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --pairs) pairs="$2"; shift 2 ;;
    --scrapes) scrapes="$2"; shift 2 ;;
    --exporter) exporter="$2"; shift 2 ;;
    --node-exporter) node_exporter="$2"; shift 2 ;;
    *) echo "run.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
[[ $EUID -eq 0 ]] || { echo "run.sh: must run as root (network namespaces)" >&2; exit 1; }
for tool in ip openssl htpasswd "$node_exporter"; do
  command -v "$tool" >/dev/null || { echo "run.sh: missing $tool (scripts/install-deps.sh)" >&2; exit 1; }
done

workdir="$(mktemp -d /tmp/netif-bench-tls.XXXXXX)"
ns="netif-bench-tls-$$"
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
  ip netns del "$ns" 2>/dev/null || true
  rm -rf "$workdir"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ip netns add "$ns"
ip netns exec "$ns" sh -c 'sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1'
ip -n "$ns" link set lo up
{
  for ((i = 0; i < pairs; i++)); do echo "link add veth$i type veth peer name veth${i}p"; done
  for ((i = 0; i < pairs; i++)); do echo "link set veth$i up"; echo "link set veth${i}p up"; done
} | ip -n "$ns" -batch -

timeout --signal=TERM --kill-after=30 900 \
  ip netns exec "$ns" /usr/bin/python3 "$here/bench.py" --ours "$exporter" \
    --theirs "$(command -v "$node_exporter")" --workdir "$workdir" --scrapes "$scrapes" \
    --interfaces $((2 * pairs + 1))
