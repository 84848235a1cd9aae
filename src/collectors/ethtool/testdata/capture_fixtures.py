#!/usr/bin/env python3
"""Captures the ethtool ioctl's replies for one device as the fixtures of ethtool_parser_test.

  unshare -n sh -c 'ip link add veth0 type veth peer name veth1 &&
                    python3 capture_fixtures.py veth0 veth_'

writes <prefix>drvinfo.bin, <prefix>strings.bin and <prefix>stats.bin: each the whole buffer as
the kernel filled it (header included), trimmed to what the kernel wrote, in the host's byte order
(little-endian on the machines the fixtures were captured on).
"""
import fcntl
import socket
import struct
import sys

SIOCETHTOOL = 0x8946
ETHTOOL_GDRVINFO = 0x03
ETHTOOL_GSTRINGS = 0x1B
ETHTOOL_GSTATS = 0x1D
ETH_SS_STATS = 1
DRVINFO_BYTES = 196
STRING_BYTES = 32
CAPACITY = 16384


def call(sock, device, buffer):
    ifreq = struct.pack("16sP", device.encode(), buffer.buffer_info()[0])
    fcntl.ioctl(sock, SIOCETHTOOL, ifreq)


def main():
    import array
    device, prefix = sys.argv[1], sys.argv[2]
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    drvinfo = array.array("B", struct.pack("I", ETHTOOL_GDRVINFO) + bytes(DRVINFO_BYTES - 4))
    call(sock, device, drvinfo)
    n_stats = struct.unpack_from("I", drvinfo, 4 + 5 * 32 + 12 + 4)[0]
    strings = array.array("B", struct.pack("III", ETHTOOL_GSTRINGS, ETH_SS_STATS, 0) +
                          bytes(CAPACITY * STRING_BYTES))
    call(sock, device, strings)
    length = struct.unpack_from("I", strings, 8)[0]
    stats = array.array("B", struct.pack("II", ETHTOOL_GSTATS, n_stats) + bytes(CAPACITY * 8))
    call(sock, device, stats)
    count = struct.unpack_from("I", stats, 4)[0]
    with open(prefix + "drvinfo.bin", "wb") as f:
        f.write(drvinfo.tobytes())
    with open(prefix + "strings.bin", "wb") as f:
        f.write(strings.tobytes()[:12 + length * STRING_BYTES])
    with open(prefix + "stats.bin", "wb") as f:
        f.write(stats.tobytes()[:8 + count * 8])
    print(f"{device}: {n_stats} statistics, {length} names, {count} values")


if __name__ == "__main__":
    main()
