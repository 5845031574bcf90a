# Generated from spec/blocks/connectivity_table_memdiver.yaml by `msl codegen`.
# Do not edit: change the YAML and regenerate.
"""Connectivity Table (memdiver) (block type 0x0055, spec cat:6.14, since memdiver-1.0.2).

memdiver's Connectivity Table: the same host-wide network snapshot as connectivity_table
(0x0054), written and read by the pre-1.1 MemDiver tree and memdiver 1.0.2 under type code
0x0055, which memslicer and 1.1 use for the Kernel Symbol Bundle (D8). memdiver 1.0.2's own 1.1
document says the reader accepts both codes and the writer uses 0x0054; the shipped code does
neither (D9): it ignores memslicer's 0x0054 and mis-parses memslicer's Kernel Symbol Bundle as a
Connectivity Table. This file shares code 0x0055 with kernel_symbol_bundle; the dialect sets are
disjoint, so the file's dialect picks one. Top-level (ParentUUID zero); memdiver assigns no
capability bit and sets no TableBitmap bit for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from struct import Struct
from typing import Any, ClassVar

from memslice.generated._support import (
    FieldInfo,
    Finding,
    MslError,
    check_count,
    encode_str,
    need,
    nest,
    read_str,
    sized,
)

BLOCK_TYPE = 0x0055
BLOCK_ID = "connectivity_table_memdiver"
TITLE = "Connectivity Table (memdiver)"
STATUS = "defined"
NAMESPACE = "capture"
CAP_BIT = None
PARENT = None
IN_EXTENSION = False

_MD_CONNECTIVITY_ROW_ROW_TYPE_TO_LEN_BODY = {"<": Struct("<BH"), ">": Struct(">BH")}
_MD_STRING_LEN_VALUE = {"<": Struct("<H"), ">": Struct(">H")}
_MD_IPV4_ROUTE_ROW_DEST_TO_MTU = {"<": Struct("<4s4s4sHII"), ">": Struct(">4s4s4sHII")}
_MD_IPV6_ROUTE_ROW_DEST_TO_FLAGS = {"<": Struct("<16sB16sII"), ">": Struct(">16sB16sII")}
_MD_NEIGHBOUR_ROW_FAMILY_TO_HW_ADDR = {"<": Struct("<B4sHH6s"), ">": Struct(">B4sHH6s")}
_MD_PACKET_SOCKET_ROW_PID_TO_RMEM = {"<": Struct("<IQHIIQ"), ">": Struct(">IQHIIQ")}
_MD_INTERFACE_STATS_ROW_RX_BYTES_TO_TX_DROP = {"<": Struct("<QQQQQQQQ"), ">": Struct(">QQQQQQQQ")}
_MD_SOCKET_FAMILY_AGGREGATE_ROW_FAMILY_TO_MEM = {"<": Struct("<BIIQ"), ">": Struct(">BIIQ")}
_MD_SNMP_COUNTER_ROW_VALUE = {"<": Struct("<Q"), ">": Struct(">Q")}
_CONNECTIVITY_TABLE_MEMDIVER_NUM_ROWS_TO_RESERVED = {"<": Struct("<II"), ">": Struct(">II")}


@dataclass(slots=True)
class MdConnectivityRow:
    """Structure ``md_connectivity_row``.

    One tagged row - RowType u8, RowLen u16 (unaligned), then RowLen body bytes.

    Spec: 1.1:6.6. Source: blocks/connectivity_table_memdiver.yaml:types.md_connectivity_row.

    Attributes:
        row_type: Kind of row; selects the body layout. (RowType, +0x00, spec 1.1:6.6.)
        len_body: Byte length of body. (RowLen, +0x01, spec 1.1:6.6.)
        body: Row body; raw bytes (skipped by length) for an unknown row type. (Body, +0x03, spec
            1.1:6.6.)
    """

    FIELDS: ClassVar[tuple[FieldInfo, ...]] = (
        FieldInfo(id="row_type", kind="int", enum="connectivity_row_type", orig="RowType", offset=0x00, size=1),
        FieldInfo(id="len_body", kind="int", orig="RowLen", offset=0x01, size=2),
        FieldInfo(id="body", kind="switch", orig="Body", offset=0x03),
    )

    row_type: int = 0
    len_body: int | None = None
    body: Any = b""

    @classmethod
    def decode(cls, data: bytes | bytearray | memoryview, endian: str = "<") -> MdConnectivityRow:
        """Decode a whole buffer as one MdConnectivityRow.

        Args:
            data: The bytes (a payload, or the structure alone).
            endian: "<" for little-endian files, ">" for big-endian ones.

        Returns:
            The decoded structure.

        Raises:
            TruncatedError: The data ends inside the structure.
            ConstraintError: A field has a value a consumer must reject.
        """
        view = memoryview(data)
        obj, _ = cls.decode_at(view, 0, len(view), endian)
        return obj

    @classmethod
    def decode_at(cls, view: memoryview, pos: int, end: int, endian: str) -> tuple[MdConnectivityRow, int]:
        """Decode at ``pos`` without reading past ``end``; return it and the position after it."""
        need(view, pos, 3, end, "MdConnectivityRow.row_type")
        (f_row_type, f_len_body) = _MD_CONNECTIVITY_ROW_ROW_TYPE_TO_LEN_BODY[endian].unpack_from(view, pos)
        pos += 3
        sub_end = pos + f_len_body
        need(view, pos, sub_end - pos, end, "MdConnectivityRow.body")
        cases: dict[int, Any] = {
            1: MdIpv4RouteRow,
            2: MdIpv6RouteRow,
            3: MdNeighbourRow,
            4: MdPacketSocketRow,
            5: MdInterfaceStatsRow,
            6: MdSocketFamilyAggregateRow,
            7: MdSnmpCounterRow,
        }
        case = cases.get(f_row_type)
        if case is None:
            f_body = bytes(view[pos:sub_end])
        else:
            f_body, _ = case.decode_at(view, pos, sub_end, endian)
        pos = sub_end
        obj = cls(row_type=f_row_type, len_body=f_len_body, body=f_body)
        return obj, pos

    def encode(self, endian: str = "<") -> bytes:
        """Encode to bytes (length and count fields left as None are computed)."""
        return b"".join(self.encode_parts(endian))

    def encode_parts(self, endian: str = "<") -> list[bytes | memoryview]:
        """Encode as a list of byte chunks, without copying large data such as page bytes."""
        parts: list[bytes | memoryview] = []
        raw_body = self.body if isinstance(self.body, (bytes, bytearray, memoryview)) else self.body.encode(endian)
        f_row_type = self.row_type
        f_len_body = self.len_body
        if f_len_body is None:
            f_len_body = len(raw_body)
        parts.append(_MD_CONNECTIVITY_ROW_ROW_TYPE_TO_LEN_BODY[endian].pack(f_row_type, f_len_body))
        parts.append(sized(raw_body, f_len_body, "MdConnectivityRow.body"))
        return parts

    def check(self) -> list[Finding]:
        """Constraints from the schema that this value breaks (reserved fields, ranges, ...)."""
        found: list[Finding] = []
        return found


@dataclass(slots=True)
class MdString:
    """Structure ``md_string``.

    memdiver row string - u16 byte length including the NUL, then the UTF-8 bytes and the NUL (no
    padding); an empty string is length 0 and no bytes.

    Spec: cat:6.14. Source: blocks/connectivity_table_memdiver.yaml:types.md_string.

    Attributes:
        len_value: Byte length of value including its NUL; 0 = empty. (Len, +0x00, spec cat:6.14.)
        value: The string (UTF-8, NUL-terminated, unpadded). (Value, +0x02, spec cat:6.14.)
    """

    FIELDS: ClassVar[tuple[FieldInfo, ...]] = (
        FieldInfo(id="len_value", kind="int", orig="Len", offset=0x00, size=2),
        FieldInfo(id="value", kind="str", orig="Value", offset=0x02),
    )

    len_value: int | None = None
    value: str | None = None

    @classmethod
    def decode(cls, data: bytes | bytearray | memoryview, endian: str = "<") -> MdString:
        """Decode a whole buffer as one MdString.

        Args:
            data: The bytes (a payload, or the structure alone).
            endian: "<" for little-endian files, ">" for big-endian ones.

        Returns:
            The decoded structure.

        Raises:
            TruncatedError: The data ends inside the structure.
            ConstraintError: A field has a value a consumer must reject.
        """
        view = memoryview(data)
        obj, _ = cls.decode_at(view, 0, len(view), endian)
        return obj

    @classmethod
    def decode_at(cls, view: memoryview, pos: int, end: int, endian: str) -> tuple[MdString, int]:
        """Decode at ``pos`` without reading past ``end``; return it and the position after it."""
        need(view, pos, 2, end, "MdString.len_value")
        (f_len_value,) = _MD_STRING_LEN_VALUE[endian].unpack_from(view, pos)
        pos += 2
        f_value, pos = read_str(view, pos, f_len_value, end, False, "nul", "MdString.value")
        obj = cls(len_value=f_len_value, value=f_value)
        return obj, pos

    def encode(self, endian: str = "<") -> bytes:
        """Encode to bytes (length and count fields left as None are computed)."""
        return b"".join(self.encode_parts(endian))

    def encode_parts(self, endian: str = "<") -> list[bytes | memoryview]:
        """Encode as a list of byte chunks, without copying large data such as page bytes."""
        parts: list[bytes | memoryview] = []
        raw_value = encode_str(self.value, "nul")
        f_len_value = self.len_value
        if f_len_value is None:
            f_len_value = len(raw_value)
        parts.append(_MD_STRING_LEN_VALUE[endian].pack(f_len_value))
        parts.append(sized(raw_value, f_len_value, "MdString.value"))
        return parts

    def check(self) -> list[Finding]:
        """Constraints from the schema that this value breaks (reserved fields, ranges, ...)."""
        found: list[Finding] = []
        return found


@dataclass(slots=True)
class MdIpv4RouteRow:
    """Structure ``md_ipv4_route_row``.

    Row 0x01, an IPv4 route.

    Spec: 1.1:6.6. Source: blocks/connectivity_table_memdiver.yaml:types.md_ipv4_route_row.

    Attributes:
        iface: Interface name. (Iface, +0x00, spec 1.1:6.6.)
        dest: Destination (network byte order). (Dest, variable offset, spec 1.1:6.6.)
        gateway: Gateway (network byte order). (Gateway, variable offset, spec 1.1:6.6.)
        mask: Netmask (network byte order). (Mask, variable offset, spec 1.1:6.6.)
        flags: Route flags (RTF_* as /proc/net/route reports them). (Flags, variable offset, spec
            1.1:6.6.)
        metric: Route metric. (Metric, variable offset, spec 1.1:6.6.)
        mtu: Route MTU. (MTU, variable offset, spec 1.1:6.6.)
    """

    FIELDS: ClassVar[tuple[FieldInfo, ...]] = (
        FieldInfo(id="iface", kind="struct", orig="Iface", offset=0x00),
        FieldInfo(id="dest", kind="bytes", orig="Dest", size=4),
        FieldInfo(id="gateway", kind="bytes", orig="Gateway", size=4),
        FieldInfo(id="mask", kind="bytes", orig="Mask", size=4),
        FieldInfo(id="flags", kind="int", format="hex", orig="Flags", size=2),
        FieldInfo(id="metric", kind="int", orig="Metric", size=4),
        FieldInfo(id="mtu", kind="int", orig="MTU", size=4),
    )

    iface: MdString = field(default_factory=MdString)
    dest: bytes = bytes(4)
    gateway: bytes = bytes(4)
    mask: bytes = bytes(4)
    flags: int = 0
    metric: int = 0
    mtu: int = 0

    @classmethod
    def decode(cls, data: bytes | bytearray | memoryview, endian: str = "<") -> MdIpv4RouteRow:
        """Decode a whole buffer as one MdIpv4RouteRow.

        Args:
            data: The bytes (a payload, or the structure alone).
            endian: "<" for little-endian files, ">" for big-endian ones.

        Returns:
            The decoded structure.

        Raises:
            TruncatedError: The data ends inside the structure.
            ConstraintError: A field has a value a consumer must reject.
        """
        view = memoryview(data)
        obj, _ = cls.decode_at(view, 0, len(view), endian)
        return obj

    @classmethod
    def decode_at(cls, view: memoryview, pos: int, end: int, endian: str) -> tuple[MdIpv4RouteRow, int]:
        """Decode at ``pos`` without reading past ``end``; return it and the position after it."""
        f_iface, pos = MdString.decode_at(view, pos, end, endian)
        need(view, pos, 22, end, "MdIpv4RouteRow.dest")
        (
            f_dest,
            f_gateway,
            f_mask,
            f_flags,
            f_metric,
            f_mtu,
        ) = _MD_IPV4_ROUTE_ROW_DEST_TO_MTU[endian].unpack_from(view, pos)
        pos += 22
        obj = cls(
            iface=f_iface,
            dest=f_dest,
            gateway=f_gateway,
            mask=f_mask,
            flags=f_flags,
            metric=f_metric,
            mtu=f_mtu,
        )
        return obj, pos

    def encode(self, endian: str = "<") -> bytes:
        """Encode to bytes (length and count fields left as None are computed)."""
        return b"".join(self.encode_parts(endian))

    def encode_parts(self, endian: str = "<") -> list[bytes | memoryview]:
        """Encode as a list of byte chunks, without copying large data such as page bytes."""
        parts: list[bytes | memoryview] = []
        f_flags = self.flags
        f_metric = self.metric
        f_mtu = self.mtu
        parts += self.iface.encode_parts(endian)
        parts.append(_MD_IPV4_ROUTE_ROW_DEST_TO_MTU[endian].pack(
            self.dest,
            self.gateway,
            self.mask,
            f_flags,
            f_metric,
            f_mtu,
        ))
        return parts

    def check(self) -> list[Finding]:
        """Constraints from the schema that this value breaks (reserved fields, ranges, ...)."""
        found: list[Finding] = []
        return found


@dataclass(slots=True)
class MdIpv6RouteRow:
    """Structure ``md_ipv6_route_row``.

    Row 0x02, an IPv6 route.

    Spec: 1.1:6.6. Source: blocks/connectivity_table_memdiver.yaml:types.md_ipv6_route_row.

    Attributes:
        iface: Interface name. (Iface, +0x00, spec 1.1:6.6.)
        dest: Destination (network byte order). (Dest, variable offset, spec 1.1:6.6.)
        dest_prefix: Destination prefix length in bits. (DestPrefix, variable offset, spec 1.1:6.6.)
        next_hop: Next hop (network byte order). (NextHop, variable offset, spec 1.1:6.6.)
        metric: Route metric. (Metric, variable offset, spec 1.1:6.6.)
        flags: Route flags. (Flags, variable offset, spec 1.1:6.6.)
    """

    FIELDS: ClassVar[tuple[FieldInfo, ...]] = (
        FieldInfo(id="iface", kind="struct", orig="Iface", offset=0x00),
        FieldInfo(id="dest", kind="bytes", orig="Dest", size=16),
        FieldInfo(id="dest_prefix", kind="int", orig="DestPrefix", size=1),
        FieldInfo(id="next_hop", kind="bytes", orig="NextHop", size=16),
        FieldInfo(id="metric", kind="int", orig="Metric", size=4),
        FieldInfo(id="flags", kind="int", format="hex", orig="Flags", size=4),
    )

    iface: MdString = field(default_factory=MdString)
    dest: bytes = bytes(16)
    dest_prefix: int = 0
    next_hop: bytes = bytes(16)
    metric: int = 0
    flags: int = 0

    @classmethod
    def decode(cls, data: bytes | bytearray | memoryview, endian: str = "<") -> MdIpv6RouteRow:
        """Decode a whole buffer as one MdIpv6RouteRow.

        Args:
            data: The bytes (a payload, or the structure alone).
            endian: "<" for little-endian files, ">" for big-endian ones.

        Returns:
            The decoded structure.

        Raises:
            TruncatedError: The data ends inside the structure.
            ConstraintError: A field has a value a consumer must reject.
        """
        view = memoryview(data)
        obj, _ = cls.decode_at(view, 0, len(view), endian)
        return obj

    @classmethod
    def decode_at(cls, view: memoryview, pos: int, end: int, endian: str) -> tuple[MdIpv6RouteRow, int]:
        """Decode at ``pos`` without reading past ``end``; return it and the position after it."""
        f_iface, pos = MdString.decode_at(view, pos, end, endian)
        need(view, pos, 41, end, "MdIpv6RouteRow.dest")
        (
            f_dest,
            f_dest_prefix,
            f_next_hop,
            f_metric,
            f_flags,
        ) = _MD_IPV6_ROUTE_ROW_DEST_TO_FLAGS[endian].unpack_from(view, pos)
        pos += 41
        obj = cls(
            iface=f_iface,
            dest=f_dest,
            dest_prefix=f_dest_prefix,
            next_hop=f_next_hop,
            metric=f_metric,
            flags=f_flags,
        )
        return obj, pos

    def encode(self, endian: str = "<") -> bytes:
        """Encode to bytes (length and count fields left as None are computed)."""
        return b"".join(self.encode_parts(endian))

    def encode_parts(self, endian: str = "<") -> list[bytes | memoryview]:
        """Encode as a list of byte chunks, without copying large data such as page bytes."""
        parts: list[bytes | memoryview] = []
        f_dest_prefix = self.dest_prefix
        f_metric = self.metric
        f_flags = self.flags
        parts += self.iface.encode_parts(endian)
        parts.append(_MD_IPV6_ROUTE_ROW_DEST_TO_FLAGS[endian].pack(
            self.dest,
            f_dest_prefix,
            self.next_hop,
            f_metric,
            f_flags,
        ))
        return parts

    def check(self) -> list[Finding]:
        """Constraints from the schema that this value breaks (reserved fields, ranges, ...)."""
        found: list[Finding] = []
        return found


@dataclass(slots=True)
class MdNeighbourRow:
    """Structure ``md_neighbour_row``.

    Row 0x03, an ARP / neighbour entry.

    Spec: 1.1:6.6. Source: blocks/connectivity_table_memdiver.yaml:types.md_neighbour_row.

    Attributes:
        family: Address family (0x02). (Family, +0x00, spec 1.1:6.6.)
        ip: IPv4 address (network byte order). (IP, +0x01, spec 1.1:6.6.)
        hw_type: Hardware type (ARPHRD_*). (HwType, +0x05, spec 1.1:6.6.)
        flags: Neighbour flags (ATF_*). (Flags, +0x07, spec 1.1:6.6.)
        hw_addr: Hardware (MAC) address. (HwAddr, +0x09, spec 1.1:6.6.)
        iface: Interface name. (Iface, +0x0F, spec 1.1:6.6.)
    """

    FIELDS: ClassVar[tuple[FieldInfo, ...]] = (
        FieldInfo(id="family", kind="int", enum="address_family", orig="Family", offset=0x00, size=1),
        FieldInfo(id="ip", kind="bytes", orig="IP", offset=0x01, size=4),
        FieldInfo(id="hw_type", kind="int", orig="HwType", offset=0x05, size=2),
        FieldInfo(id="flags", kind="int", format="hex", orig="Flags", offset=0x07, size=2),
        FieldInfo(id="hw_addr", kind="bytes", orig="HwAddr", offset=0x09, size=6),
        FieldInfo(id="iface", kind="struct", orig="Iface", offset=0x0F),
    )

    family: int = 0
    ip: bytes = bytes(4)
    hw_type: int = 0
    flags: int = 0
    hw_addr: bytes = bytes(6)
    iface: MdString = field(default_factory=MdString)

    @classmethod
    def decode(cls, data: bytes | bytearray | memoryview, endian: str = "<") -> MdNeighbourRow:
        """Decode a whole buffer as one MdNeighbourRow.

        Args:
            data: The bytes (a payload, or the structure alone).
            endian: "<" for little-endian files, ">" for big-endian ones.

        Returns:
            The decoded structure.

        Raises:
            TruncatedError: The data ends inside the structure.
            ConstraintError: A field has a value a consumer must reject.
        """
        view = memoryview(data)
        obj, _ = cls.decode_at(view, 0, len(view), endian)
        return obj

    @classmethod
    def decode_at(cls, view: memoryview, pos: int, end: int, endian: str) -> tuple[MdNeighbourRow, int]:
        """Decode at ``pos`` without reading past ``end``; return it and the position after it."""
        need(view, pos, 15, end, "MdNeighbourRow.family")
        (
            f_family,
            f_ip,
            f_hw_type,
            f_flags,
            f_hw_addr,
        ) = _MD_NEIGHBOUR_ROW_FAMILY_TO_HW_ADDR[endian].unpack_from(view, pos)
        pos += 15
        f_iface, pos = MdString.decode_at(view, pos, end, endian)
        obj = cls(
            family=f_family,
            ip=f_ip,
            hw_type=f_hw_type,
            flags=f_flags,
            hw_addr=f_hw_addr,
            iface=f_iface,
        )
        return obj, pos

    def encode(self, endian: str = "<") -> bytes:
        """Encode to bytes (length and count fields left as None are computed)."""
        return b"".join(self.encode_parts(endian))

    def encode_parts(self, endian: str = "<") -> list[bytes | memoryview]:
        """Encode as a list of byte chunks, without copying large data such as page bytes."""
        parts: list[bytes | memoryview] = []
        f_family = self.family
        f_hw_type = self.hw_type
        f_flags = self.flags
        parts.append(_MD_NEIGHBOUR_ROW_FAMILY_TO_HW_ADDR[endian].pack(
            f_family,
            self.ip,
            f_hw_type,
            f_flags,
            self.hw_addr,
        ))
        parts += self.iface.encode_parts(endian)
        return parts

    def check(self) -> list[Finding]:
        """Constraints from the schema that this value breaks (reserved fields, ranges, ...)."""
        found: list[Finding] = []
        return found


@dataclass(slots=True)
class MdPacketSocketRow:
    """Structure ``md_packet_socket_row``.

    Row 0x04, a packet socket (30 bytes).

    Spec: 1.1:6.6. Source: blocks/connectivity_table_memdiver.yaml:types.md_packet_socket_row.

    Attributes:
        pid: Owning process id; 0 if unattributed. (PID, +0x00, spec 1.1:6.6.)
        inode: Socket inode. (Inode, +0x04, spec 1.1:6.6.)
        proto: Protocol (EtherType) as the kernel reports it. (Proto, +0x0C, spec 1.1:6.6.)
        iface_index: Interface index. (IfaceIndex, +0x0E, spec 1.1:6.6.)
        user: Owning user id. (User, +0x12, spec 1.1:6.6.)
        rmem: Receive-queue memory in bytes (memdiver: mem). (Rmem, +0x16, spec 1.1:6.6.)
    """

    FIELDS: ClassVar[tuple[FieldInfo, ...]] = (
        FieldInfo(id="pid", kind="int", orig="PID", offset=0x00, size=4),
        FieldInfo(id="inode", kind="int", orig="Inode", offset=0x04, size=8),
        FieldInfo(id="proto", kind="int", format="hex", orig="Proto", offset=0x0C, size=2),
        FieldInfo(id="iface_index", kind="int", orig="IfaceIndex", offset=0x0E, size=4),
        FieldInfo(id="user", kind="int", orig="User", offset=0x12, size=4),
        FieldInfo(id="rmem", kind="int", orig="Rmem", offset=0x16, size=8),
    )

    pid: int = 0
    inode: int = 0
    proto: int = 0
    iface_index: int = 0
    user: int = 0
    rmem: int = 0

    @classmethod
    def decode(cls, data: bytes | bytearray | memoryview, endian: str = "<") -> MdPacketSocketRow:
        """Decode a whole buffer as one MdPacketSocketRow.

        Args:
            data: The bytes (a payload, or the structure alone).
            endian: "<" for little-endian files, ">" for big-endian ones.

        Returns:
            The decoded structure.

        Raises:
            TruncatedError: The data ends inside the structure.
            ConstraintError: A field has a value a consumer must reject.
        """
        view = memoryview(data)
        obj, _ = cls.decode_at(view, 0, len(view), endian)
        return obj

    @classmethod
    def decode_at(cls, view: memoryview, pos: int, end: int, endian: str) -> tuple[MdPacketSocketRow, int]:
        """Decode at ``pos`` without reading past ``end``; return it and the position after it."""
        need(view, pos, 30, end, "MdPacketSocketRow.pid")
        (
            f_pid,
            f_inode,
            f_proto,
            f_iface_index,
            f_user,
            f_rmem,
        ) = _MD_PACKET_SOCKET_ROW_PID_TO_RMEM[endian].unpack_from(view, pos)
        pos += 30
        obj = cls(
            pid=f_pid,
            inode=f_inode,
            proto=f_proto,
            iface_index=f_iface_index,
            user=f_user,
            rmem=f_rmem,
        )
        return obj, pos

    def encode(self, endian: str = "<") -> bytes:
        """Encode to bytes (length and count fields left as None are computed)."""
        return b"".join(self.encode_parts(endian))

    def encode_parts(self, endian: str = "<") -> list[bytes | memoryview]:
        """Encode as a list of byte chunks, without copying large data such as page bytes."""
        parts: list[bytes | memoryview] = []
        f_pid = self.pid
        f_inode = self.inode
        f_proto = self.proto
        f_iface_index = self.iface_index
        f_user = self.user
        f_rmem = self.rmem
        parts.append(_MD_PACKET_SOCKET_ROW_PID_TO_RMEM[endian].pack(
            f_pid,
            f_inode,
            f_proto,
            f_iface_index,
            f_user,
            f_rmem,
        ))
        return parts

    def check(self) -> list[Finding]:
        """Constraints from the schema that this value breaks (reserved fields, ranges, ...)."""
        found: list[Finding] = []
        return found


@dataclass(slots=True)
class MdInterfaceStatsRow:
    """Structure ``md_interface_stats_row``.

    Row 0x05, interface counters.

    Spec: 1.1:6.6. Source: blocks/connectivity_table_memdiver.yaml:types.md_interface_stats_row.

    Attributes:
        iface: Interface name. (Iface, +0x00, spec 1.1:6.6.)
        rx_bytes: Bytes received. (RxBytes, variable offset, spec 1.1:6.6.)
        rx_packets: Packets received. (RxPackets, variable offset, spec 1.1:6.6.)
        rx_errs: Receive errors. (RxErrs, variable offset, spec 1.1:6.6.)
        rx_drop: Received packets dropped. (RxDrop, variable offset, spec 1.1:6.6.)
        tx_bytes: Bytes sent. (TxBytes, variable offset, spec 1.1:6.6.)
        tx_packets: Packets sent. (TxPackets, variable offset, spec 1.1:6.6.)
        tx_errs: Transmit errors. (TxErrs, variable offset, spec 1.1:6.6.)
        tx_drop: Outgoing packets dropped. (TxDrop, variable offset, spec 1.1:6.6.)
    """

    FIELDS: ClassVar[tuple[FieldInfo, ...]] = (
        FieldInfo(id="iface", kind="struct", orig="Iface", offset=0x00),
        FieldInfo(id="rx_bytes", kind="int", orig="RxBytes", size=8),
        FieldInfo(id="rx_packets", kind="int", orig="RxPackets", size=8),
        FieldInfo(id="rx_errs", kind="int", orig="RxErrs", size=8),
        FieldInfo(id="rx_drop", kind="int", orig="RxDrop", size=8),
        FieldInfo(id="tx_bytes", kind="int", orig="TxBytes", size=8),
        FieldInfo(id="tx_packets", kind="int", orig="TxPackets", size=8),
        FieldInfo(id="tx_errs", kind="int", orig="TxErrs", size=8),
        FieldInfo(id="tx_drop", kind="int", orig="TxDrop", size=8),
    )

    iface: MdString = field(default_factory=MdString)
    rx_bytes: int = 0
    rx_packets: int = 0
    rx_errs: int = 0
    rx_drop: int = 0
    tx_bytes: int = 0
    tx_packets: int = 0
    tx_errs: int = 0
    tx_drop: int = 0

    @classmethod
    def decode(cls, data: bytes | bytearray | memoryview, endian: str = "<") -> MdInterfaceStatsRow:
        """Decode a whole buffer as one MdInterfaceStatsRow.

        Args:
            data: The bytes (a payload, or the structure alone).
            endian: "<" for little-endian files, ">" for big-endian ones.

        Returns:
            The decoded structure.

        Raises:
            TruncatedError: The data ends inside the structure.
            ConstraintError: A field has a value a consumer must reject.
        """
        view = memoryview(data)
        obj, _ = cls.decode_at(view, 0, len(view), endian)
        return obj

    @classmethod
    def decode_at(cls, view: memoryview, pos: int, end: int, endian: str) -> tuple[MdInterfaceStatsRow, int]:
        """Decode at ``pos`` without reading past ``end``; return it and the position after it."""
        f_iface, pos = MdString.decode_at(view, pos, end, endian)
        need(view, pos, 64, end, "MdInterfaceStatsRow.rx_bytes")
        (
            f_rx_bytes,
            f_rx_packets,
            f_rx_errs,
            f_rx_drop,
            f_tx_bytes,
            f_tx_packets,
            f_tx_errs,
            f_tx_drop,
        ) = _MD_INTERFACE_STATS_ROW_RX_BYTES_TO_TX_DROP[endian].unpack_from(view, pos)
        pos += 64
        obj = cls(
            iface=f_iface,
            rx_bytes=f_rx_bytes,
            rx_packets=f_rx_packets,
            rx_errs=f_rx_errs,
            rx_drop=f_rx_drop,
            tx_bytes=f_tx_bytes,
            tx_packets=f_tx_packets,
            tx_errs=f_tx_errs,
            tx_drop=f_tx_drop,
        )
        return obj, pos

    def encode(self, endian: str = "<") -> bytes:
        """Encode to bytes (length and count fields left as None are computed)."""
        return b"".join(self.encode_parts(endian))

    def encode_parts(self, endian: str = "<") -> list[bytes | memoryview]:
        """Encode as a list of byte chunks, without copying large data such as page bytes."""
        parts: list[bytes | memoryview] = []
        f_rx_bytes = self.rx_bytes
        f_rx_packets = self.rx_packets
        f_rx_errs = self.rx_errs
        f_rx_drop = self.rx_drop
        f_tx_bytes = self.tx_bytes
        f_tx_packets = self.tx_packets
        f_tx_errs = self.tx_errs
        f_tx_drop = self.tx_drop
        parts += self.iface.encode_parts(endian)
        parts.append(_MD_INTERFACE_STATS_ROW_RX_BYTES_TO_TX_DROP[endian].pack(
            f_rx_bytes,
            f_rx_packets,
            f_rx_errs,
            f_rx_drop,
            f_tx_bytes,
            f_tx_packets,
            f_tx_errs,
            f_tx_drop,
        ))
        return parts

    def check(self) -> list[Finding]:
        """Constraints from the schema that this value breaks (reserved fields, ranges, ...)."""
        found: list[Finding] = []
        return found


@dataclass(slots=True)
class MdSocketFamilyAggregateRow:
    """Structure ``md_socket_family_aggregate_row``.

    Row 0x06, per-family socket counts (/proc/net/sockstat; 17 bytes).

    Spec: 1.1:6.6. Source: blocks/connectivity_table_memdiver.yaml:types.md_socket_family_aggregate_row.

    Attributes:
        family: Section tag of the sockstat line. (Family, +0x00, spec cat:6.14.)
        in_use: Sockets in use. (InUse, +0x01, spec 1.1:6.6.)
        alloc: Sockets allocated. (Alloc, +0x05, spec 1.1:6.6.)
        mem: Memory used (as the kernel reports it). (Mem, +0x09, spec 1.1:6.6.)
    """

    FIELDS: ClassVar[tuple[FieldInfo, ...]] = (
        FieldInfo(id="family", kind="int", enum="sockstat_family", orig="Family", offset=0x00, size=1),
        FieldInfo(id="in_use", kind="int", orig="InUse", offset=0x01, size=4),
        FieldInfo(id="alloc", kind="int", orig="Alloc", offset=0x05, size=4),
        FieldInfo(id="mem", kind="int", orig="Mem", offset=0x09, size=8),
    )

    family: int = 0
    in_use: int = 0
    alloc: int = 0
    mem: int = 0

    @classmethod
    def decode(cls, data: bytes | bytearray | memoryview, endian: str = "<") -> MdSocketFamilyAggregateRow:
        """Decode a whole buffer as one MdSocketFamilyAggregateRow.

        Args:
            data: The bytes (a payload, or the structure alone).
            endian: "<" for little-endian files, ">" for big-endian ones.

        Returns:
            The decoded structure.

        Raises:
            TruncatedError: The data ends inside the structure.
            ConstraintError: A field has a value a consumer must reject.
        """
        view = memoryview(data)
        obj, _ = cls.decode_at(view, 0, len(view), endian)
        return obj

    @classmethod
    def decode_at(cls, view: memoryview, pos: int, end: int, endian: str) -> tuple[MdSocketFamilyAggregateRow, int]:
        """Decode at ``pos`` without reading past ``end``; return it and the position after it."""
        need(view, pos, 17, end, "MdSocketFamilyAggregateRow.family")
        (
            f_family,
            f_in_use,
            f_alloc,
            f_mem,
        ) = _MD_SOCKET_FAMILY_AGGREGATE_ROW_FAMILY_TO_MEM[endian].unpack_from(view, pos)
        pos += 17
        obj = cls(family=f_family, in_use=f_in_use, alloc=f_alloc, mem=f_mem)
        return obj, pos

    def encode(self, endian: str = "<") -> bytes:
        """Encode to bytes (length and count fields left as None are computed)."""
        return b"".join(self.encode_parts(endian))

    def encode_parts(self, endian: str = "<") -> list[bytes | memoryview]:
        """Encode as a list of byte chunks, without copying large data such as page bytes."""
        parts: list[bytes | memoryview] = []
        f_family = self.family
        f_in_use = self.in_use
        f_alloc = self.alloc
        f_mem = self.mem
        parts.append(_MD_SOCKET_FAMILY_AGGREGATE_ROW_FAMILY_TO_MEM[endian].pack(
            f_family,
            f_in_use,
            f_alloc,
            f_mem,
        ))
        return parts

    def check(self) -> list[Finding]:
        """Constraints from the schema that this value breaks (reserved fields, ranges, ...)."""
        found: list[Finding] = []
        return found


@dataclass(slots=True)
class MdSnmpCounterRow:
    """Structure ``md_snmp_counter_row``.

    Row 0x07, an SNMP / MIB counter.

    Spec: 1.1:6.6. Source: blocks/connectivity_table_memdiver.yaml:types.md_snmp_counter_row.

    Attributes:
        mib: MIB name (e.g. Tcp). (Mib, +0x00, spec 1.1:6.6.)
        counter: Counter name (e.g. MaxConn). (Counter, variable offset, spec 1.1:6.6.)
        value: Counter value (memdiver packs it unsigned). (Value, variable offset, spec cat:6.14.)
    """

    FIELDS: ClassVar[tuple[FieldInfo, ...]] = (
        FieldInfo(id="mib", kind="struct", orig="Mib", offset=0x00),
        FieldInfo(id="counter", kind="struct", orig="Counter"),
        FieldInfo(id="value", kind="int", orig="Value", size=8),
    )

    mib: MdString = field(default_factory=MdString)
    counter: MdString = field(default_factory=MdString)
    value: int = 0

    @classmethod
    def decode(cls, data: bytes | bytearray | memoryview, endian: str = "<") -> MdSnmpCounterRow:
        """Decode a whole buffer as one MdSnmpCounterRow.

        Args:
            data: The bytes (a payload, or the structure alone).
            endian: "<" for little-endian files, ">" for big-endian ones.

        Returns:
            The decoded structure.

        Raises:
            TruncatedError: The data ends inside the structure.
            ConstraintError: A field has a value a consumer must reject.
        """
        view = memoryview(data)
        obj, _ = cls.decode_at(view, 0, len(view), endian)
        return obj

    @classmethod
    def decode_at(cls, view: memoryview, pos: int, end: int, endian: str) -> tuple[MdSnmpCounterRow, int]:
        """Decode at ``pos`` without reading past ``end``; return it and the position after it."""
        f_mib, pos = MdString.decode_at(view, pos, end, endian)
        f_counter, pos = MdString.decode_at(view, pos, end, endian)
        need(view, pos, 8, end, "MdSnmpCounterRow.value")
        (f_value,) = _MD_SNMP_COUNTER_ROW_VALUE[endian].unpack_from(view, pos)
        pos += 8
        obj = cls(mib=f_mib, counter=f_counter, value=f_value)
        return obj, pos

    def encode(self, endian: str = "<") -> bytes:
        """Encode to bytes (length and count fields left as None are computed)."""
        return b"".join(self.encode_parts(endian))

    def encode_parts(self, endian: str = "<") -> list[bytes | memoryview]:
        """Encode as a list of byte chunks, without copying large data such as page bytes."""
        parts: list[bytes | memoryview] = []
        f_value = self.value
        parts += self.mib.encode_parts(endian)
        parts += self.counter.encode_parts(endian)
        parts.append(_MD_SNMP_COUNTER_ROW_VALUE[endian].pack(f_value))
        return parts

    def check(self) -> list[Finding]:
        """Constraints from the schema that this value breaks (reserved fields, ranges, ...)."""
        found: list[Finding] = []
        return found


@dataclass(slots=True)
class ConnectivityTableMemdiver:
    """Payload layout ``connectivity_table_memdiver`` of block connectivity_table_memdiver (dialects: memdiver-1.0.2).

    RowCount, Reserved, then RowCount rows with no alignment. Field order of every row body is
    identical to memslicer's; strings are u16 length including the NUL, then the bytes and the NUL,
    unpadded (md_string). memdiver counts the rows written.

    Spec: cat:6.14. Source: blocks/connectivity_table_memdiver.yaml:layouts[0].

    Attributes:
        num_rows: Number of rows. (RowCount, +0x00, spec cat:6.14.)
        reserved: Reserved; zero. (Reserved, +0x04, spec cat:6.14.)
        rows: The rows, packed back to back. (Rows, +0x08, spec cat:6.14.)
    """

    BLOCK_TYPE: ClassVar[int] = 0x0055
    BLOCK_ID: ClassVar[str] = "connectivity_table_memdiver"
    LAYOUT_ID: ClassVar[str] = "connectivity_table_memdiver"
    DIALECTS: ClassVar[tuple[str, ...]] = ("memdiver-1.0.2",)
    PAYLOAD_VERSIONS: ClassVar[tuple[int, ...]] = (1,)
    FIELDS: ClassVar[tuple[FieldInfo, ...]] = (
        FieldInfo(id="num_rows", kind="int", orig="RowCount", offset=0x00, size=4),
        FieldInfo(id="reserved", kind="int", reserved=True, orig="Reserved", offset=0x04, size=4),
        FieldInfo(id="rows", kind="list", orig="Rows", offset=0x08),
    )

    num_rows: int | None = None
    reserved: int = 0
    rows: list[MdConnectivityRow] = field(default_factory=list)

    @classmethod
    def decode(cls, data: bytes | bytearray | memoryview, endian: str = "<") -> ConnectivityTableMemdiver:
        """Decode a whole buffer as one ConnectivityTableMemdiver.

        Args:
            data: The bytes (a payload, or the structure alone).
            endian: "<" for little-endian files, ">" for big-endian ones.

        Returns:
            The decoded structure.

        Raises:
            TruncatedError: The data ends inside the structure.
            ConstraintError: A field has a value a consumer must reject.
        """
        view = memoryview(data)
        obj, _ = cls.decode_at(view, 0, len(view), endian)
        return obj

    @classmethod
    def decode_at(cls, view: memoryview, pos: int, end: int, endian: str) -> tuple[ConnectivityTableMemdiver, int]:
        """Decode at ``pos`` without reading past ``end``; return it and the position after it."""
        need(view, pos, 8, end, "ConnectivityTableMemdiver.num_rows")
        (
            f_num_rows,
            f_reserved,
        ) = _CONNECTIVITY_TABLE_MEMDIVER_NUM_ROWS_TO_RESERVED[endian].unpack_from(view, pos)
        pos += 8
        f_rows = []
        check_count(f_num_rows, 3, pos, end, "ConnectivityTableMemdiver.rows")
        for _ in range(f_num_rows):
            try:
                item, pos = MdConnectivityRow.decode_at(view, pos, end, endian)
            except MslError as exc:
                raise nest(exc, f"ConnectivityTableMemdiver.rows[{len(f_rows)}]") from None
            f_rows.append(item)
        obj = cls(num_rows=f_num_rows, reserved=f_reserved, rows=f_rows)
        return obj, pos

    def encode(self, endian: str = "<") -> bytes:
        """Encode to bytes (length and count fields left as None are computed)."""
        return b"".join(self.encode_parts(endian))

    def encode_parts(self, endian: str = "<") -> list[bytes | memoryview]:
        """Encode as a list of byte chunks, without copying large data such as page bytes."""
        parts: list[bytes | memoryview] = []
        f_num_rows = self.num_rows
        if f_num_rows is None:
            f_num_rows = len(self.rows)
        f_reserved = self.reserved or 0
        parts.append(_CONNECTIVITY_TABLE_MEMDIVER_NUM_ROWS_TO_RESERVED[endian].pack(f_num_rows, f_reserved))
        for item in self.rows:
            parts += item.encode_parts(endian)
        return parts

    def check(self) -> list[Finding]:
        """Constraints from the schema that this value breaks (reserved fields, ranges, ...)."""
        found: list[Finding] = []
        if self.reserved != 0:
            found.append(Finding("reserved", "P5", "reserved field is not zero"))
        for item in self.rows or ():
            found += item.check()
        return found


LAYOUTS = (ConnectivityTableMemdiver, )
"""Payload layouts of this block type, each with the dialects and payload versions it serves."""
