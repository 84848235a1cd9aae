#!/usr/bin/env bash
# SNMP benchmark (not a test): netif_exporter vs snmp_exporter 0.21 (Debian
# prometheus-snmp-exporter) on Debian's snmpd. Needs root (network namespaces), snmpd,
# prometheus-snmp-exporter and a built netif_exporter. Results: bench/snmp/README.md.
#
#   sudo bench/snmp/run_bench.sh [BUILD_DIR] [POLLS]
#
# 1. One target, a 1,000-interface agent: snmpd in a private network namespace holding 500 veth
#    pairs; wall and CPU time per poll for each exporter (bench.py poll).
# 2. Capacity: snmpd in a namespace with 24 veth pairs (48 ports + lo) listening on 50 UDP ports;
#    how many such targets one netif_exporter polls within a 10 s interval (bench.py capacity).
# Everything runs on loopback inside the namespaces, which are deleted on exit.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:-build}
POLLS=${2:-10}
EXPORTER=$ROOT/$BUILD/netif_exporter
[[ -x $EXPORTER ]] || EXPORTER=$(realpath "$BUILD")/netif_exporter
[[ -x $EXPORTER ]] || { echo "no netif_exporter in $BUILD" >&2; exit 2; }
for tool in snmpd prometheus-snmp-exporter ip python3; do
  command -v "$tool" > /dev/null || { echo "missing $tool" >&2; exit 2; }
done
[[ $(id -u) == 0 ]] || { echo "needs root (network namespaces)" >&2; exit 2; }

WORK=$(mktemp -d /tmp/netif-snmp-bench.XXXXXX)
NAMESPACES=()
AGENTS=()
cleanup() {
  for pid in "${AGENTS[@]}"; do kill "$pid" 2> /dev/null || true; done
  for pid in "${AGENTS[@]}"; do wait "$pid" 2> /dev/null || true; done
  for ns in "${NAMESPACES[@]}"; do ip netns del "$ns" 2> /dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

# make_namespace NAME PAIRS: a namespace with lo and PAIRS veth pairs, all up, IPv6 off.
make_namespace() {
  local ns=$1 pairs=$2
  ip netns add "$ns"
  NAMESPACES+=("$ns")
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  { for ((i = 0; i < pairs; i++)); do echo "link add a$i type veth peer name b$i"; done
    echo "link set lo up"
    for ((i = 0; i < pairs; i++)); do echo "link set a$i up"; echo "link set b$i up"; done
  } > "$WORK/$ns.batch"
  ip -n "$ns" -batch "$WORK/$ns.batch"
}

# start_snmpd NS ADDRESSES: snmpd -f in NS answering community "public" on ADDRESSES.
start_snmpd() {
  local ns=$1 addresses=$2 dir=$WORK/snmpd-$1
  mkdir -p "$dir/persist"
  printf 'agentAddress %s\nrocommunity public default\n' "$addresses" > "$dir/snmpd.conf"
  ip netns exec "$ns" env MIBS= SNMP_PERSISTENT_DIR="$dir/persist" \
    snmpd -f -Lf "$dir/snmpd.log" -C -c "$dir/snmpd.conf" &
  AGENTS+=($!)
  local first=${addresses%%,*}
  for _ in $(seq 50); do
    ip netns exec "$ns" env MIBS= snmpget -v2c -c public -t 1 -r 0 "$first" \
      1.3.6.1.2.1.1.3.0 > /dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "snmpd in $ns did not answer" >&2
  exit 1
}

echo "== netif_exporter $("$EXPORTER" --version | head -1)"
echo "== $(prometheus-snmp-exporter --version 2>&1 | head -1)"
echo "== $(snmpd -v | grep -m1 version)"
echo "== $(nproc) CPUs: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"

# 1. One 1,000-interface agent.
NS1=netif-snmpbench-$$
make_namespace "$NS1" 500
start_snmpd "$NS1" udp:127.0.0.1:11161
AGENT1=${AGENTS[-1]}
python3 "$ROOT/bench/snmp/gen_snmp_yml.py" public > "$WORK/snmp.yml"
echo "== interfaces in the agent's namespace: $(ip -n "$NS1" -o link | wc -l)"
ip netns exec "$NS1" python3 "$ROOT/bench/snmp/bench.py" poll --exporter "$EXPORTER" \
  --agent 127.0.0.1:11161 --agent-pid "$AGENT1" --snmp-yml "$WORK/snmp.yml" --polls "$POLLS"

# 2. 48-port targets: one snmpd, 50 UDP ports, N targets round-robin over them.
NS2=netif-snmpcap-$$
make_namespace "$NS2" 24
PORTS=$(seq -s, 20000 20049)
start_snmpd "$NS2" "$(seq -f 'udp:127.0.0.1:%g' -s, 20000 20049)"
AGENT2=${AGENTS[-1]}
ip netns exec "$NS2" python3 "$ROOT/bench/snmp/bench.py" capacity --exporter "$EXPORTER" \
  --agent-ports "$PORTS" --agent-pid "$AGENT2" --targets "${TARGETS:-100,200,400,800,1200}"
