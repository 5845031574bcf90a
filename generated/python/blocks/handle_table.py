# Generated from spec/blocks/handle_table.yaml by `msl codegen`.
# Do not edit: change the YAML and regenerate.
"""Handle Table (block type 0x0053, spec 1.1:6.5, since 1.1).

Open handles / file descriptors of the processes on the host (investigation mode). ParentUUID is
the System Context; announced by TableBitmap bit 2 and capability bit 14. memslicer stores
HandleType as a u8 followed by a reserved byte, memdiver as a u16, with different value tables
(D7); the two are byte-compatible in little-endian files while the value is below 256, but the
meanings of 5 and up differ.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from struct import Struct
from typing import ClassVar

from memslice.generated._support import (
    FieldInfo,
    Finding,
    MslError,
    check_count,
    encode_str,
    need,
    nest,
    padding,
    read_str,
    sized,
)

BLOCK_TYPE = 0x0053
BLOCK_ID = "handle_table"
TITLE = "Handle Table"
STATUS = "defined"
NAMESPACE = "capture"
CAP_BIT = "system_handle_table"
PARENT = "system_context"
IN_EXTENSION = False

_HANDLE_ENTRY_PID_TO_RESERVED2 = {"<": Struct("<IIBBHI"), ">": Struct(">IIBBHI")}
_HANDLE_ENTRY_MEMDIVER_PID_TO_RESERVED = {"<": Struct("<IIHHI"), ">": Struct(">IIHHI")}
_HANDLE_TABLE_NUM_ENTRIES_TO_RESERVED = {"<": Struct("<II"), ">": Struct(">II")}
_HANDLE_TABLE_MEMDIVER_NUM_ENTRIES_TO_RESERVED = {"<": Struct("<II"), ">": Struct(">II")}


@dataclass(slots=True)
class HandleEntry:
    """Structure ``handle_entry``.

    One handle, memslicer form (0x10 + pad8(PathLen) bytes).

    Spec: 1.1:6.5. Source: blocks/handle_table.yaml:types.handle_entry.

    Attributes:
        pid: Owning process id. (PID, +0x00, spec 1.1:6.5.)
        fd: Descriptor / handle number; 0xFFFFFFFF = no descriptor number (e.g. lsof cwd/txt/mem
            rows). (FD, +0x04, spec 1.1:6.5.)
        handle_type: Kind of handle (u8). (HandleType, +0x08, spec 1.1:6.5.)
        reserved: Reserved; zero. (Reserved, +0x09, spec 1.1:6.5.)
        len_path: Byte length of path including its NUL; 0 = none. (PathLen, +0x0A, spec 1.1:6.5.)
        reserved2: Reserved; zero. (Reserved2, +0x0C, spec 1.1:6.5.)
        path: Path or description of the handle (UTF-8); absent when len_path is 0. (Path, +0x10,
            spec 1.1:6.5.)
    """

    FIELDS: ClassVar[tuple[FieldInfo, ...]] = (
        FieldInfo(id="pid", kind="int", orig="PID", offset=0x00, size=4),
        FieldInfo(id="fd", kind="int", orig="FD", offset=0x04, size=4),
        FieldInfo(id="handle_type", kind="int", enum="handle_type_memslicer", orig="HandleType", offset=0x08, size=1),
        FieldInfo(id="reserved", kind="int", reserved=True, orig="Reserved", offset=0x09, size=1),
        FieldInfo(id="len_path", kind="int", orig="PathLen", offset=0x0A, size=2),
        FieldInfo(id="reserved2", kind="int", reserved=True, orig="Reserved2", offset=0x0C, size=4),
        FieldInfo(id="path", kind="str", orig="Path", offset=0x10),
    )

    pid: int = 0
    fd: int = 0
    handle_type: int = 0
    reserved: int = 0
    len_path: int | None = None
    reserved2: int = 0
    path: str | None = None

    @classmethod
    def decode(cls, data: bytes | bytearray | memoryview, endian: str = "<") -> HandleEntry:
        """Decode a whole buffer as one HandleEntry.

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
    def decode_at(cls, view: memoryview, pos: int, end: int, endian: str) -> tuple[HandleEntry, int]:
        """Decode at ``pos`` without reading past ``end``; return it and the position after it."""
        need(view, pos, 16, end, "HandleEntry.pid")
        (
            f_pid,
            f_fd,
            f_handle_type,
            f_reserved,
            f_len_path,
            f_reserved2,
        ) = _HANDLE_ENTRY_PID_TO_RESERVED2[endian].unpack_from(view, pos)
        pos += 16
        f_path, pos = read_str(view, pos, f_len_path, end, True, "nul", "HandleEntry.path")
        obj = cls(
            pid=f_pid,
            fd=f_fd,
            handle_type=f_handle_type,
            reserved=f_reserved,
            len_path=f_len_path,
            reserved2=f_reserved2,
            path=f_path,
        )
        return obj, pos

    def encode(self, endian: str = "<") -> bytes:
        """Encode to bytes (length and count fields left as None are computed)."""
        return b"".join(self.encode_parts(endian))

    def encode_parts(self, endian: str = "<") -> list[bytes | memoryview]:
        """Encode as a list of byte chunks, without copying large data such as page bytes."""
        parts: list[bytes | memoryview] = []
        raw_path = encode_str(self.path, "nul")
        f_pid = self.pid
        f_fd = self.fd
        f_handle_type = self.handle_type
        f_reserved = self.reserved or 0
        f_len_path = self.len_path
        if f_len_path is None:
            f_len_path = len(raw_path)
        f_reserved2 = self.reserved2 or 0
        parts.append(_HANDLE_ENTRY_PID_TO_RESERVED2[endian].pack(
            f_pid,
            f_fd,
            f_handle_type,
            f_reserved,
            f_len_path,
            f_reserved2,
        ))
        parts.append(sized(raw_path, f_len_path, "HandleEntry.path"))
        parts.append(padding(f_len_path))
        return parts

    def check(self) -> list[Finding]:
        """Constraints from the schema that this value breaks (reserved fields, ranges, ...)."""
        found: list[Finding] = []
        if self.reserved != 0:
            found.append(Finding("reserved", "P5", "reserved field is not zero"))
        if self.reserved2 != 0:
            found.append(Finding("reserved2", "P5", "reserved field is not zero"))
        return found


@dataclass(slots=True)
class HandleEntryMemdiver:
    """Structure ``handle_entry_memdiver``.

    One handle, memdiver form (0x10 + pad8(PathLen) bytes).

    Spec: cat:6.13. Source: blocks/handle_table.yaml:types.handle_entry_memdiver.

    Attributes:
        pid: Owning process id. (PID, +0x00, spec cat:6.13.)
        fd: Descriptor / handle number. (FD, +0x04, spec cat:6.13.)
        handle_type: Kind of handle (u16). (HandleType, +0x08, spec cat:6.13.)
        len_path: Byte length of path including its NUL; 0 = none. (PathLen, +0x0A, spec cat:6.13.)
        reserved: Reserved; zero. (Reserved, +0x0C, spec cat:6.13.)
        path: Path or description of the handle (UTF-8); absent when len_path is 0. (Path, +0x10,
            spec cat:6.13.)
    """

    FIELDS: ClassVar[tuple[FieldInfo, ...]] = (
        FieldInfo(id="pid", kind="int", orig="PID", offset=0x00, size=4),
        FieldInfo(id="fd", kind="int", orig="FD", offset=0x04, size=4),
        FieldInfo(id="handle_type", kind="int", enum="handle_type_memdiver", orig="HandleType", offset=0x08, size=2),
        FieldInfo(id="len_path", kind="int", orig="PathLen", offset=0x0A, size=2),
        FieldInfo(id="reserved", kind="int", reserved=True, orig="Reserved", offset=0x0C, size=4),
        FieldInfo(id="path", kind="str", orig="Path", offset=0x10),
    )

    pid: int = 0
    fd: int = 0
    handle_type: int = 0
    len_path: int | None = None
    reserved: int = 0
    path: str | None = None

    @classmethod
    def decode(cls, data: bytes | bytearray | memoryview, endian: str = "<") -> HandleEntryMemdiver:
        """Decode a whole buffer as one HandleEntryMemdiver.

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
    def decode_at(cls, view: memoryview, pos: int, end: int, endian: str) -> tuple[HandleEntryMemdiver, int]:
        """Decode at ``pos`` without reading past ``end``; return it and the position after it."""
        need(view, pos, 16, end, "HandleEntryMemdiver.pid")
        (
            f_pid,
            f_fd,
            f_handle_type,
            f_len_path,
            f_reserved,
        ) = _HANDLE_ENTRY_MEMDIVER_PID_TO_RESERVED[endian].unpack_from(view, pos)
        pos += 16
        f_path, pos = read_str(view, pos, f_len_path, end, True, "nul", "HandleEntryMemdiver.path")
        obj = cls(
            pid=f_pid,
            fd=f_fd,
            handle_type=f_handle_type,
            len_path=f_len_path,
            reserved=f_reserved,
            path=f_path,
        )
        return obj, pos

    def encode(self, endian: str = "<") -> bytes:
        """Encode to bytes (length and count fields left as None are computed)."""
        return b"".join(self.encode_parts(endian))

    def encode_parts(self, endian: str = "<") -> list[bytes | memoryview]:
        """Encode as a list of byte chunks, without copying large data such as page bytes."""
        parts: list[bytes | memoryview] = []
        raw_path = encode_str(self.path, "nul")
        f_pid = self.pid
        f_fd = self.fd
        f_handle_type = self.handle_type
        f_len_path = self.len_path
        if f_len_path is None:
            f_len_path = len(raw_path)
        f_reserved = self.reserved or 0
        parts.append(_HANDLE_ENTRY_MEMDIVER_PID_TO_RESERVED[endian].pack(
            f_pid,
            f_fd,
            f_handle_type,
            f_len_path,
            f_reserved,
        ))
        parts.append(sized(raw_path, f_len_path, "HandleEntryMemdiver.path"))
        parts.append(padding(f_len_path))
        return parts

    def check(self) -> list[Finding]:
        """Constraints from the schema that this value breaks (reserved fields, ranges, ...)."""
        found: list[Finding] = []
        if self.reserved != 0:
            found.append(Finding("reserved", "P5", "reserved field is not zero"))
        return found


@dataclass(slots=True)
class HandleTable:
    """Payload layout ``handle_table`` of block handle_table (dialects: spec-1.0, spec-1.1).

    memslicer layout (u8 HandleType, memslicer's value table).

    Spec: 1.1:6.5. Source: blocks/handle_table.yaml:layouts[0].

    Attributes:
        num_entries: Number of handle entries. (EntryCount, +0x00, spec 1.1:6.5.)
        reserved: Reserved; zero. (Reserved, +0x04, spec 1.1:6.5.)
        entries: The handle entries. (Entries, +0x08, spec 1.1:6.5.)
    """

    BLOCK_TYPE: ClassVar[int] = 0x0053
    BLOCK_ID: ClassVar[str] = "handle_table"
    LAYOUT_ID: ClassVar[str] = "handle_table"
    DIALECTS: ClassVar[tuple[str, ...]] = ("spec-1.0", "spec-1.1")
    PAYLOAD_VERSIONS: ClassVar[tuple[int, ...]] = (1,)
    FIELDS: ClassVar[tuple[FieldInfo, ...]] = (
        FieldInfo(id="num_entries", kind="int", orig="EntryCount", offset=0x00, size=4),
        FieldInfo(id="reserved", kind="int", reserved=True, orig="Reserved", offset=0x04, size=4),
        FieldInfo(id="entries", kind="list", orig="Entries", offset=0x08),
    )

    num_entries: int | None = None
    reserved: int = 0
    entries: list[HandleEntry] = field(default_factory=list)

    @classmethod
    def decode(cls, data: bytes | bytearray | memoryview, endian: str = "<") -> HandleTable:
        """Decode a whole buffer as one HandleTable.

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
    def decode_at(cls, view: memoryview, pos: int, end: int, endian: str) -> tuple[HandleTable, int]:
        """Decode at ``pos`` without reading past ``end``; return it and the position after it."""
        need(view, pos, 8, end, "HandleTable.num_entries")
        (f_num_entries, f_reserved) = _HANDLE_TABLE_NUM_ENTRIES_TO_RESERVED[endian].unpack_from(view, pos)
        pos += 8
        f_entries = []
        check_count(f_num_entries, 16, pos, end, "HandleTable.entries")
        for _ in range(f_num_entries):
            try:
                item, pos = HandleEntry.decode_at(view, pos, end, endian)
            except MslError as exc:
                raise nest(exc, f"HandleTable.entries[{len(f_entries)}]") from None
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
        parts.append(_HANDLE_TABLE_NUM_ENTRIES_TO_RESERVED[endian].pack(f_num_entries, f_reserved))
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


@dataclass(slots=True)
class HandleTableMemdiver:
    """Payload layout ``handle_table_memdiver`` of block handle_table (dialects: memdiver-1.0.2).

    memdiver layout (u16 HandleType, memdiver's value table, "spec Table 24").

    Spec: cat:6.13. Source: blocks/handle_table.yaml:layouts[1].

    Attributes:
        num_entries: Number of handle entries. (EntryCount, +0x00, spec 1.1:6.5.)
        reserved: Reserved; zero. (Reserved, +0x04, spec 1.1:6.5.)
        entries: The handle entries. (Entries, +0x08, spec cat:6.13.)
    """

    BLOCK_TYPE: ClassVar[int] = 0x0053
    BLOCK_ID: ClassVar[str] = "handle_table"
    LAYOUT_ID: ClassVar[str] = "handle_table_memdiver"
    DIALECTS: ClassVar[tuple[str, ...]] = ("memdiver-1.0.2",)
    PAYLOAD_VERSIONS: ClassVar[tuple[int, ...]] = (1,)
    FIELDS: ClassVar[tuple[FieldInfo, ...]] = (
        FieldInfo(id="num_entries", kind="int", orig="EntryCount", offset=0x00, size=4),
        FieldInfo(id="reserved", kind="int", reserved=True, orig="Reserved", offset=0x04, size=4),
        FieldInfo(id="entries", kind="list", orig="Entries", offset=0x08),
    )

    num_entries: int | None = None
    reserved: int = 0
    entries: list[HandleEntryMemdiver] = field(default_factory=list)

    @classmethod
    def decode(cls, data: bytes | bytearray | memoryview, endian: str = "<") -> HandleTableMemdiver:
        """Decode a whole buffer as one HandleTableMemdiver.

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
    def decode_at(cls, view: memoryview, pos: int, end: int, endian: str) -> tuple[HandleTableMemdiver, int]:
        """Decode at ``pos`` without reading past ``end``; return it and the position after it."""
        need(view, pos, 8, end, "HandleTableMemdiver.num_entries")
        (
            f_num_entries,
            f_reserved,
        ) = _HANDLE_TABLE_MEMDIVER_NUM_ENTRIES_TO_RESERVED[endian].unpack_from(view, pos)
        pos += 8
        f_entries = []
        check_count(f_num_entries, 16, pos, end, "HandleTableMemdiver.entries")
        for _ in range(f_num_entries):
            try:
                item, pos = HandleEntryMemdiver.decode_at(view, pos, end, endian)
            except MslError as exc:
                raise nest(exc, f"HandleTableMemdiver.entries[{len(f_entries)}]") from None
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
        parts.append(_HANDLE_TABLE_MEMDIVER_NUM_ENTRIES_TO_RESERVED[endian].pack(f_num_entries, f_reserved))
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


LAYOUTS = (HandleTable, HandleTableMemdiver, )
"""Payload layouts of this block type, each with the dialects and payload versions it serves."""
