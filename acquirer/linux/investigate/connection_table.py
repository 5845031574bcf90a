"""Connection Table (0x0052): TCP and UDP over IPv4 and IPv6, and Unix-domain sockets.

Rows come from ``/proc/net/{tcp,tcp6,udp,udp6,unix}`` of the collector's network
namespace; the owning PID from the socket inode (:mod:`.sockets`). Unix sockets are rows
with Family unix, Protocol none, State 0 and zero addresses, as memslicer 0.5.2 writes them
(the table has no field for a socket path). Malformed lines are skipped.
"""

from __future__ import annotations

import struct

from memslice.acquirer.linux.investigate._common import Collected, read_str
from memslice.acquirer.linux.investigate.sockets import SocketOwners
from memslice.generated.blocks.connection_table import ConnectionEntry, ConnectionTable
from memslice.generated.enums import AddressFamily, IpProtocol

_ADDR_BYTES = 16
_SOURCES = (("tcp", AddressFamily.IPV4, IpProtocol.TCP), ("tcp6", AddressFamily.IPV6, IpProtocol.TCP),
            ("udp", AddressFamily.IPV4, IpProtocol.UDP), ("udp6", AddressFamily.IPV6, IpProtocol.UDP))


def decode_address(hex_addr: str) -> bytes:
    """A ``/proc/net`` address (host-order 32-bit words in hex) in network byte order, 16 bytes.

    Raises:
        ValueError: Not 8 or 32 hex digits.
    """
    if len(hex_addr) not in (8, 32):
        raise ValueError(f"address {hex_addr!r} is neither IPv4 nor IPv6")
    words = [int(hex_addr[i:i + 8], 16) for i in range(0, len(hex_addr), 8)]
    raw = b"".join(struct.pack("=I", w) for w in words)
    return raw.ljust(_ADDR_BYTES, b"\0")


def parse_inet(body: str, family: int, protocol: int, owners: SocketOwners) -> list[ConnectionEntry]:
    """The rows of one ``/proc/net/{tcp,udp}[6]`` file."""
    rows: list[ConnectionEntry] = []
    for line in body.splitlines()[1:]:
        fields = line.split()
        if len(fields) < 10:
            continue
        try:
            local, lport = fields[1].split(":")
            remote, rport = fields[2].split(":")
            rows.append(ConnectionEntry(
                pid=owners.owners.get(int(fields[9]), 0), family=family, protocol=protocol,
                state=int(fields[3], 16) & 0xFF, local_addr=decode_address(local), local_port=int(lport, 16) & 0xFFFF,
                remote_addr=decode_address(remote), remote_port=int(rport, 16) & 0xFFFF))
        except ValueError:
            continue
    return rows


def parse_unix(body: str, owners: SocketOwners) -> list[ConnectionEntry]:
    """The rows of ``/proc/net/unix``."""
    rows: list[ConnectionEntry] = []
    for line in body.splitlines()[1:]:
        fields = line.split()
        if len(fields) < 7:
            continue
        try:
            inode = int(fields[6])
        except ValueError:
            continue
        rows.append(ConnectionEntry(pid=owners.owners.get(inode, 0), family=int(AddressFamily.UNIX),
                                    protocol=int(IpProtocol.NONE), state=0, local_addr=bytes(_ADDR_BYTES),
                                    local_port=0, remote_addr=bytes(_ADDR_BYTES), remote_port=0))
    return rows


def collect(owners: SocketOwners) -> Collected:
    """Every socket of the collector's network namespace."""
    rows: list[ConnectionEntry] = []
    partial: list[str] = []
    read_any = False
    for name, family, protocol in _SOURCES:
        body = read_str(f"/proc/net/{name}", 64 << 20)
        if body is None:
            partial.append(f"/proc/net/{name} unreadable")
            continue
        read_any = True
        rows += parse_inet(body, int(family), int(protocol), owners)
    body = read_str("/proc/net/unix", 64 << 20)
    if body is None:
        partial.append("/proc/net/unix unreadable")
    else:
        read_any = True
        rows += parse_unix(body, owners)
    if not read_any:
        return Collected(None, reason="no /proc/net socket file was readable")
    note = owners.note()
    if note:
        partial.append(note)
    return Collected(ConnectionTable(entries=rows), rows=len(rows), partial=partial)
