# Generated from spec/blocks/connection_table.yaml by `msl codegen`.
# Do not edit: change the YAML and regenerate.
"""Connection Table (block type 0x0052, spec 1.1:6.4, since 1.1).

Host-wide socket table (investigation mode): fixed 48-byte entries attributing each TCP or UDP
endpoint to a PID. ParentUUID is the System Context; announced by TableBitmap bit 1 and
capability bit 13. memslicer and memdiver write the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from struct import Struct
from typing import ClassVar

from memslice.generated._support import FieldInfo, Finding, MslError, check_count, need, nest

BLOCK_TYPE = 0x0052
BLOCK_ID = "connection_table"
TITLE = "Connection Table"
STATUS = "defined"
NAMESPACE = "capture"
CAP_BIT = "system_network_table"
PARENT = "system_context"
IN_EXTENSION = False

_CONNECTION_ENTRY_PID_TO_RESERVED3 = {"<": Struct("<IBBBB16sHH16sHH"), ">": Struct(">IBBBB16sHH16sHH")}
_CONNECTION_TABLE_NUM_ENTRIES_TO_RESERVED = {"<": Struct("<II"), ">": Struct(">II")}


@dataclass(slots=True)
class ConnectionEntry:
    """Structure ``connection_entry``.

    One socket endpoint pair (48 bytes).

    Spec: 1.1:6.4. Source: blocks/connection_table.yaml:types.connection_entry.

    Attributes:
        pid: Owning process id. (PID, +0x00, spec 1.1:6.4.)
        family: Address family (0x02 IPv4, 0x0A IPv6). (Family, +0x04, spec 1.1:6.4.)
        protocol: Transport protocol (0x06 TCP, 0x11 UDP). (Protocol, +0x05, spec 1.1:6.4.)
        state: Linux TCP state code (values: enum tcp_state; 0x01 ESTABLISHED, 0x0A LISTEN, ...);
            0x00 = not applicable. (State, +0x06, spec cat:6.12.)
        reserved: Reserved; zero. (Reserved, +0x07, spec 1.1:6.4.)
        local_addr: Local address in network byte order; IPv4 in the first 4 bytes, rest zero.
            (LocalAddr, +0x08, spec 1.1:6.4.)
        local_port: Local port: a little-endian u16 holding the host-order port number (not network
            order). (LocalPort, +0x18, spec 1.1:6.4.)
        reserved2: Reserved; zero. (Reserved2, +0x1A, spec 1.1:6.4.)
        remote_addr: Remote address in network byte order; IPv4 in the first 4 bytes, rest zero.
            (RemoteAddr, +0x1C, spec 1.1:6.4.)
        remote_port: Remote port: a little-endian u16 holding the host-order port number.
            (RemotePort, +0x2C, spec 1.1:6.4.)
        reserved3: Reserved; zero. (Reserved3, +0x2E, spec 1.1:6.4.)
    """

    FIELDS: ClassVar[tuple[FieldInfo, ...]] = (
        FieldInfo(id="pid", kind="int", orig="PID", offset=0x00, size=4),
        FieldInfo(id="family", kind="int", enum="address_family", orig="Family", offset=0x04, size=1),
        FieldInfo(id="protocol", kind="int", enum="ip_protocol", orig="Protocol", offset=0x05, size=1),
        FieldInfo(id="state", kind="int", format="hex", orig="State", offset=0x06, size=1),
        FieldInfo(id="reserved", kind="int", reserved=True, orig="Reserved", offset=0x07, size=1),
        FieldInfo(id="local_addr", kind="bytes", orig="LocalAddr", offset=0x08, size=16),
        FieldInfo(id="local_port", kind="int", orig="LocalPort", offset=0x18, size=2),
        FieldInfo(id="reserved2", kind="int", reserved=True, orig="Reserved2", offset=0x1A, size=2),
        FieldInfo(id="remote_addr", kind="bytes", orig="RemoteAddr", offset=0x1C, size=16),
        FieldInfo(id="remote_port", kind="int", orig="RemotePort", offset=0x2C, size=2),
        FieldInfo(id="reserved3", kind="int", reserved=True, orig="Reserved3", offset=0x2E, size=2),
    )

    pid: int = 0
    family: int = 0
    protocol: int = 0
    state: int = 0
    reserved: int = 0
    local_addr: bytes = bytes(16)
    local_port: int = 0
    reserved2: int = 0
    remote_addr: bytes = bytes(16)
    remote_port: int = 0
    reserved3: int = 0

    @classmethod
    def decode(cls, data: bytes | bytearray | memoryview, endian: str = "<") -> ConnectionEntry:
        """Decode a whole buffer as one ConnectionEntry.

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
    def decode_at(cls, view: memoryview, pos: int, end: int, endian: str) -> tuple[ConnectionEntry, int]:
        """Decode at ``pos`` without reading past ``end``; return it and the position after it."""
        need(view, pos, 48, end, "ConnectionEntry.pid")
        (
            f_pid,
            f_family,
            f_protocol,
            f_state,
            f_reserved,
            f_local_addr,
            f_local_port,
            f_reserved2,
            f_remote_addr,
            f_remote_port,
            f_reserved3,
        ) = _CONNECTION_ENTRY_PID_TO_RESERVED3[endian].unpack_from(view, pos)
        pos += 48
        obj = cls(
            pid=f_pid,
            family=f_family,
            protocol=f_protocol,
            state=f_state,
            reserved=f_reserved,
            local_addr=f_local_addr,
            local_port=f_local_port,
            reserved2=f_reserved2,
            remote_addr=f_remote_addr,
            remote_port=f_remote_port,
            reserved3=f_reserved3,
        )
        return obj, pos

    def encode(self, endian: str = "<") -> bytes:
        """Encode to bytes (length and count fields left as None are computed)."""
        return b"".join(self.encode_parts(endian))

    def encode_parts(self, endian: str = "<") -> list[bytes | memoryview]:
        """Encode as a list of byte chunks, without copying large data such as page bytes."""
        parts: list[bytes | memoryview] = []
        f_pid = self.pid
        f_family = self.family
        f_protocol = self.protocol
        f_state = self.state
        f_reserved = self.reserved or 0
        f_local_port = self.local_port
        f_reserved2 = self.reserved2 or 0
        f_remote_port = self.remote_port
        f_reserved3 = self.reserved3 or 0
        parts.append(_CONNECTION_ENTRY_PID_TO_RESERVED3[endian].pack(
            f_pid,
            f_family,
            f_protocol,
            f_state,
            f_reserved,
            self.local_addr,
            f_local_port,
            f_reserved2,
            self.remote_addr,
            f_remote_port,
            f_reserved3,
        ))
        return parts

    def check(self) -> list[Finding]:
        """Constraints from the schema that this value breaks (reserved fields, ranges, ...)."""
        found: list[Finding] = []
        if self.reserved != 0:
            found.append(Finding("reserved", "P5", "reserved field is not zero"))
        if self.reserved2 != 0:
            found.append(Finding("reserved2", "P5", "reserved field is not zero"))
        if self.reserved3 != 0:
            found.append(Finding("reserved3", "P5", "reserved field is not zero"))
        return found


@dataclass(slots=True)
class ConnectionTable:
    """Payload layout ``connection_table`` of block connection_table (dialects: spec-1.0, spec-1.1, memdiver-1.0.2).

    Preamble (EntryCount, Reserved) and EntryCount 48-byte entries.

    Spec: 1.1:6.4. Source: blocks/connection_table.yaml:layouts[0].

    Attributes:
        num_entries: Number of connection entries. (EntryCount, +0x00, spec 1.1:6.4.)
        reserved: Reserved; zero. (Reserved, +0x04, spec 1.1:6.4.)
        entries: The connection entries. (Entries, +0x08, spec 1.1:6.4.)
    """

    BLOCK_TYPE: ClassVar[int] = 0x0052
    BLOCK_ID: ClassVar[str] = "connection_table"
    LAYOUT_ID: ClassVar[str] = "connection_table"
    DIALECTS: ClassVar[tuple[str, ...]] = ("spec-1.0", "spec-1.1", "memdiver-1.0.2")
    PAYLOAD_VERSIONS: ClassVar[tuple[int, ...]] = (1,)
    FIELDS: ClassVar[tuple[FieldInfo, ...]] = (
        FieldInfo(id="num_entries", kind="int", orig="EntryCount", offset=0x00, size=4),
        FieldInfo(id="reserved", kind="int", reserved=True, orig="Reserved", offset=0x04, size=4),
        FieldInfo(id="entries", kind="list", orig="Entries", offset=0x08),
    )

    num_entries: int | None = None
    reserved: int = 0
    entries: list[ConnectionEntry] = field(default_factory=list)

    @classmethod
    def decode(cls, data: bytes | bytearray | memoryview, endian: str = "<") -> ConnectionTable:
        """Decode a whole buffer as one ConnectionTable.

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
    def decode_at(cls, view: memoryview, pos: int, end: int, endian: str) -> tuple[ConnectionTable, int]:
        """Decode at ``pos`` without reading past ``end``; return it and the position after it."""
        need(view, pos, 8, end, "ConnectionTable.num_entries")
        (
            f_num_entries,
            f_reserved,
        ) = _CONNECTION_TABLE_NUM_ENTRIES_TO_RESERVED[endian].unpack_from(view, pos)
        pos += 8
        f_entries = []
        check_count(f_num_entries, 48, pos, end, "ConnectionTable.entries")
        for _ in range(f_num_entries):
            try:
                item, pos = ConnectionEntry.decode_at(view, pos, end, endian)
            except MslError as exc:
                raise nest(exc, f"ConnectionTable.entries[{len(f_entries)}]") from None
            f_entries.append(item)
        obj = cls(num_entries=f_num_entries, reserved=f_reserved, entries=f_entries)
        return obj, pos

    def encode(self, endian: str = "<") -> bytes:
        """Encode to bytes (length and count fields left as None are computed)."""
        return b"".join(self.encode_parts(endian))

    def encode_parts(self, endian: str = "<") -> list[bytes | memoryview]:
        """Encode as a list of byte chunks, without copying large data such as page bytes."""
        parts: list[bytes | memoryview] = []
        f_num_entries = self.num_entries
        if f_num_entries is None:
            f_num_entries = len(self.entries)
        f_reserved = self.reserved or 0
        parts.append(_CONNECTION_TABLE_NUM_ENTRIES_TO_RESERVED[endian].pack(f_num_entries, f_reserved))
        for item in self.entries:
            parts += item.encode_parts(endian)
        return parts

    def check(self) -> list[Finding]:
        """Constraints from the schema that this value breaks (reserved fields, ranges, ...)."""
        found: list[Finding] = []
        if self.reserved != 0:
            found.append(Finding("reserved", "P5", "reserved field is not zero"))
        for item in self.entries or ():
            found += item.check()
        return found


LAYOUTS = (ConnectionTable, )
"""Payload layouts of this block type, each with the dialects and payload versions it serves."""
