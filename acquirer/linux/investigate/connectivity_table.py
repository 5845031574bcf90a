"""Connectivity Table (0x0054): the host's network state from ``/proc/net``.

Routes, neighbours, packet sockets, interface counters, socket counts and SNMP counters,
in memslicer 0.5.2's row order.

SNMP counters: at most :data:`MAX_PER_MIB` per MIB (as memslicer), negative kernel values
stored two's complement (Tcp.MaxConn = -1).
"""

from __future__ import annotations

import socket
import struct

from memslice.acquirer.linux.investigate._common import Collected, fit, read_str
from memslice.acquirer.linux.investigate.sockets import SocketOwners
from memslice.generated.blocks.connectivity_table import (
    ConnectivityRow,
    ConnectivityTable,
    InterfaceStatsRow,
    Ipv4RouteRow,
    Ipv6RouteRow,
    MsString,
    NeighbourRow,
    PacketSocketRow,
    SnmpCounterRow,
    SocketFamilyAggregateRow,
)
from memslice.generated.enums import AddressFamily, ConnectivityRowType, SockstatFamily

MAX_PER_MIB = 50
_U64 = (1 << 64) - 1
_SOCKSTAT = {"TCP": SockstatFamily.TCP, "UDP": SockstatFamily.UDP, "RAW": SockstatFamily.RAW,
             "FRAG": SockstatFamily.FRAG, "TCP6": SockstatFamily.TCP6, "UDP6": SockstatFamily.UDP6,
             "RAW6": SockstatFamily.RAW6, "FRAG6": SockstatFamily.FRAG6}


def _ms(value: str) -> MsString:
    return MsString(value=fit(value, 4096))  # row bodies have a u16 length: keep room


def _v4(hex_word: str) -> bytes:
    return struct.pack("=I", int(hex_word, 16))


def _lines(path: str) -> list[str]:
    body = read_str(path, 16 << 20)
    return [] if body is None else body.splitlines()


def ipv4_routes() -> list[Ipv4RouteRow]:
    """IPv4 routes (``/proc/net/route``)."""
    rows = []
    for line in _lines("/proc/net/route")[1:]:
        f = line.split()
        try:
            rows.append(Ipv4RouteRow(iface=_ms(f[0]), dest=_v4(f[1]), gateway=_v4(f[2]), mask=_v4(f[7]),
                                     flags=int(f[3], 16) & 0xFFFF, metric=int(f[6]) & 0xFFFFFFFF,
                                     mtu=int(f[8]) & 0xFFFFFFFF))
        except (ValueError, IndexError, struct.error):
            continue
    return rows


def ipv6_routes() -> list[Ipv6RouteRow]:
    """IPv6 routes (``/proc/net/ipv6_route``)."""
    rows = []
    for line in _lines("/proc/net/ipv6_route"):
        f = line.split()
        try:
            dest, hop = bytes.fromhex(f[0]), bytes.fromhex(f[4])
            if len(dest) != 16 or len(hop) != 16:
                continue
            rows.append(Ipv6RouteRow(iface=_ms(f[9]), dest=dest, dest_prefix=int(f[1], 16) & 0xFF, next_hop=hop,
                                     metric=int(f[5], 16) & 0xFFFFFFFF, flags=int(f[8], 16) & 0xFFFFFFFF))
        except (ValueError, IndexError):
            continue
    return rows


def neighbours() -> list[NeighbourRow]:
    """Complete ARP entries (``/proc/net/arp``)."""
    rows = []
    for line in _lines("/proc/net/arp")[1:]:
        f = line.split()
        try:
            mac = bytes(int(p, 16) for p in f[3].split(":"))
            if len(mac) != 6 or mac == bytes(6):
                continue
            rows.append(NeighbourRow(family=int(AddressFamily.IPV4), ip=socket.inet_aton(f[0]),
                                     hw_type=int(f[1], 16) & 0xFFFF, flags=int(f[2], 16) & 0xFFFF, hw_addr=mac,
                                     iface=_ms(f[5])))
        except (ValueError, IndexError, OSError):
            continue
    return rows


def packet_sockets(owners: SocketOwners) -> list[PacketSocketRow]:
    """Packet sockets with their owners (``/proc/net/packet``)."""
    rows = []
    for line in _lines("/proc/net/packet")[1:]:
        f = line.split()
        try:
            inode = int(f[8])
            rows.append(PacketSocketRow(pid=owners.owners.get(inode, 0), inode=inode, proto=int(f[3], 16) & 0xFFFF,
                                        iface_index=int(f[4]) & 0xFFFFFFFF, user=int(f[7]) & 0xFFFFFFFF,
                                        rmem=int(f[6]) & _U64))
        except (ValueError, IndexError):
            continue
    return rows


def interface_stats() -> list[InterfaceStatsRow]:
    """Interface counters (``/proc/net/dev``)."""
    rows = []
    for line in _lines("/proc/net/dev")[2:]:
        name, sep, rest = line.partition(":")
        c = rest.split()
        if not sep or len(c) < 16:
            continue
        try:
            n = [int(x) & _U64 for x in c]
        except ValueError:
            continue
        rows.append(InterfaceStatsRow(iface=_ms(name.strip()), rx_bytes=n[0], rx_packets=n[1], rx_errs=n[2],
                                      rx_drop=n[3], tx_bytes=n[8], tx_packets=n[9], tx_errs=n[10], tx_drop=n[11]))
    return rows


def _pairs(rest: str) -> dict[str, int]:
    tokens = rest.split()
    out: dict[str, int] = {}
    for key, value in zip(tokens[::2], tokens[1::2], strict=False):
        try:
            out[key] = int(value)
        except ValueError:
            continue
    return out


def socket_counts() -> list[SocketFamilyAggregateRow]:
    """Per-family socket counts (``/proc/net/sockstat[6]``)."""
    rows = []
    for path in ("/proc/net/sockstat", "/proc/net/sockstat6"):
        for line in _lines(path):
            head, _, rest = line.partition(":")
            head = head.strip()
            kv = _pairs(rest)
            if head == "sockets":
                rows.append(SocketFamilyAggregateRow(family=int(SockstatFamily.SOCKETS_USED),
                                                     in_use=kv.get("used", 0) & 0xFFFFFFFF, alloc=0, mem=0))
            elif head in _SOCKSTAT:
                rows.append(SocketFamilyAggregateRow(
                    family=int(_SOCKSTAT[head]), in_use=kv.get("inuse", 0) & 0xFFFFFFFF,
                    alloc=kv.get("alloc", 0) & 0xFFFFFFFF, mem=kv.get("mem", kv.get("memory", 0)) & _U64))
    return rows


def snmp_counters() -> list[SnmpCounterRow]:
    """SNMP / MIB counters (``/proc/net/snmp``, ``netstat``)."""
    rows = []
    for path in ("/proc/net/snmp", "/proc/net/netstat"):
        lines = _lines(path)
        i = 0
        while i + 1 < len(lines):
            hp, _, hrest = lines[i].partition(":")
            dp, _, drest = lines[i + 1].partition(":")
            if not (hp and hp == dp and hrest and drest):
                i += 1
                continue
            emitted = 0
            for name, value in zip(hrest.split(), drest.split(), strict=False):
                if emitted >= MAX_PER_MIB:
                    break
                try:
                    number = int(value)
                except ValueError:
                    continue
                rows.append(SnmpCounterRow(mib=_ms(hp.strip()), counter=_ms(name), value=number & _U64))
                emitted += 1
            i += 2
    return rows


def collect(owners: SocketOwners) -> Collected:
    """The whole snapshot; absent when ``/proc/net`` gave no row at all."""
    groups = ((ConnectivityRowType.IPV4_ROUTE, ipv4_routes()), (ConnectivityRowType.IPV6_ROUTE, ipv6_routes()),
              (ConnectivityRowType.NEIGHBOUR, neighbours()),
              (ConnectivityRowType.PACKET_SOCKET, packet_sockets(owners)),
              (ConnectivityRowType.INTERFACE_STATS, interface_stats()),
              (ConnectivityRowType.SOCKET_FAMILY_AGGREGATE, socket_counts()),
              (ConnectivityRowType.SNMP_COUNTER, snmp_counters()))
    rows = [ConnectivityRow(row_type=int(kind), body=body) for kind, bodies in groups for body in bodies]
    if not rows:
        return Collected(None, reason="/proc/net gave no routes, neighbours, interfaces or counters")
    return Collected(ConnectivityTable(rows=rows), rows=len(rows))
