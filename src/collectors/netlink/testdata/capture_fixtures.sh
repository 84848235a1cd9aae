#!/bin/sh
# Recaptures the rtnetlink fixtures of this folder in a private network namespace (needs root).
#
#   src/collectors/netlink/testdata/capture_fixtures.sh BUILD_DIR [OUT_DIR]
#
# BUILD_DIR holds src/collectors/netlink/rtnetlink_capture (built with the tests). OUT_DIR
# defaults to a new temporary folder, so the checked-in fixtures are only replaced by hand: the
# tests name the ifindexes, MAC addresses and counter values of the current capture, so a new
# capture means updating rtnetlink_parser_test.cc and link_state_sync_test.cc too.
set -eu

build=$1
out=${2:-$(mktemp -d)}
mkdir -p "$out"
capture="$build/src/collectors/netlink/rtnetlink_capture"
[ -x "$capture" ] || { echo "no $capture (build the tests first)" >&2; exit 2; }
ns="netif-capture-$$"
trap 'ip netns del "$ns" 2>/dev/null || true' EXIT INT TERM
ip netns add "$ns"
n() { ip -n "$ns" "$@"; }

# Events: capture while one step runs, one file per datagram.
during() {
  name=$1
  shift
  ip netns exec "$ns" "$capture" "$out/$name" 1.0 2>/dev/null &
  sleep 0.3
  "$@"
  wait
}

# dump_*: lo, a veth pair with an alias and a 9000 MTU, a bridge with a veth port, macvlan,
# vxlan, tap.
n link add name veth0 type veth peer name veth0p
n link set veth0 alias 'uplink "core" 1'
n link set veth0p mtu 9000
n link set veth0p up
n link set veth0 up
n link add name br0 type bridge
n link add name veth1 type veth peer name veth1p
n link set veth1 master br0
n link set br0 up
n link set veth1 up
n link add name mv0 link veth0 type macvlan
n link add name vx0 type vxlan id 5 dstport 4789
n tuntap add t0 mode tap
sleep 1
ip netns exec "$ns" "$capture" "$out/dump" 1 dump 2>/dev/null

during ev_create n link add name veth2 type veth peer name veth2p
during ev_flap sh -c "ip -n $ns link set veth0 down; ip -n $ns link set veth0 up"
during ev_rename n link set veth2 name wan0
during ev_bridge sh -c "ip -n $ns link set veth2p master br0; ip -n $ns link set veth2p nomaster"
during ev_delete n link del wan0

# stats_*: a dump and /proc/net/dev read back to back in a quiet namespace (IPv6 off, traffic
# sent before, counters settled), so both sources must agree exactly.
ip netns del "$ns"
ip netns add "$ns"
ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
n link add name a0 type veth peer name a1
n link add name br0 type bridge
n addr add 10.9.0.1/24 dev a0
n addr add 10.9.0.2/24 dev a1
for dev in lo a0 a1 br0; do n link set "$dev" up; done
ip netns exec "$ns" python3 -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, 25, b'a0')  # SO_BINDTODEVICE
for _ in range(7): s.sendto(b'x' * 100, ('10.9.0.2', 9999))
l = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(5): l.sendto(b'z' * 10, ('127.0.0.1', 9))"
n link set a1 down
ip netns exec "$ns" python3 -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, 25, b'a0')
for _ in range(3): s.sendto(b'q' * 20, ('10.9.0.2', 9999))"
sleep 5
ip netns exec "$ns" cat /proc/net/dev >"$out/stats_before.txt"
ip netns exec "$ns" "$capture" "$out/stats_dump" 0.5 dump 2>/dev/null
ip netns exec "$ns" cat /proc/net/dev >"$out/stats_proc_net_dev.txt"
cmp -s "$out/stats_before.txt" "$out/stats_proc_net_dev.txt" ||
  echo "warning: counters moved during the stats capture; run again" >&2
rm "$out/stats_before.txt"

# getstats_*: the same quiet namespace, after raw frames of EtherType 0x88B5 (no handler on the
# receiving side: a0's rx_nohandler) out of a1; an RTM_GETSTATS dump with `ip -s -s -j link` and
# /proc/net/dev read at the same moment.
n link set a1 up
sleep 1
ip netns exec "$ns" python3 -c "
import socket
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(('a1', 0))
for _ in range(4): s.send(b'\xff' * 6 + b'\x02\x00\x00\x00\x00\x01' + b'\x88\xb5' + b'\x00' * 46)"
sleep 5
ip netns exec "$ns" cat /proc/net/dev >"$out/stats_before.txt"
ip netns exec "$ns" "$capture" "$out/getstats_dump" 0.5 stats 2>/dev/null
ip netns exec "$ns" cat /proc/net/dev >"$out/getstats_proc_net_dev.txt"
ip -n "$ns" -s -s -j link >"$out/getstats_ip_link.json"
cmp -s "$out/stats_before.txt" "$out/getstats_proc_net_dev.txt" ||
  echo "warning: counters moved during the getstats capture; run again" >&2
rm "$out/stats_before.txt"
echo "fixtures in $out"
