# Generated from spec/blocks/process_table.yaml by `msl codegen`.
# Do not edit: change the YAML and regenerate.
"""Process Table (block type 0x0051, spec 1.1:6.3, since 1.1).

Every process on the host at capture time (investigation mode), one variable-size entry each.
ParentUUID is the System Context; announced by TableBitmap bit 0 and capability bit 12.
memslicer and memdiver write the same bytes. memslicer 0.5.2 drops rows it cannot encode and
counts only the rows written.
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

BLOCK_TYPE = 0x0051
BLOCK_ID = "process_table"
TITLE = "Process Table"
STATUS = "defined"
NAMESPACE = "capture"
CAP_BIT = "system_process_table"
PARENT = "system_context"
IN_EXTENSION = False

_PROCESS_ENTRY_PID_TO_RESERVED2 = {"<": Struct("<IIIB3sQQHHHH"), ">": Struct(">IIIB3sQQHHHH")}
_PROCESS_TABLE_NUM_ENTRIES_TO_RESERVED = {"<": Struct("<II"), ">": Struct(">II")}


@dataclass(slots=True)
class ProcessEntry:
    """Structure ``process_entry``.

    One process: 0x28 fixed bytes, then ExeName, CmdLine and User, each pad8 and present only when
    its length is non-zero.

    Spec: 1.1:6.3. Source: blocks/process_table.yaml:types.process_entry.

    Attributes:
        pid: Process id. (PID, +0x00, spec 1.1:6.3.)
        ppid: Parent process id. (PPID, +0x04, spec 1.1:6.3.)
        uid: User id. (UID, +0x08, spec 1.1:6.3.)
        is_target: 1 = this is the captured process, else 0. (IsTarget, +0x0C, spec 1.1:6.3.)
        reserved: Reserved; zero. (Reserved, +0x0D, spec 1.1:6.3.)
        start_time: Process start time. memslicer's Linux collector stores the raw /proc/<pid>/stat
            starttime (clock ticks since boot), not ns since the epoch (D12); its macOS and Windows
            collectors write 0. (StartTime, +0x10, spec cat:6.11.)
        rss: Resident set size (bytes in memslicer's Linux collector). (RSS, +0x18, spec 1.1:6.3.)
        len_exe_name: Byte length of exe_name including its NUL; 0 = none. (ExeNameLen, +0x20, spec
            1.1:6.3.)
        len_cmd_line: Byte length of cmd_line including its NUL; 0 = none. (CmdLineLen, +0x22, spec
            1.1:6.3.)
        len_user: Byte length of user including its NUL; 0 = none. (UserLen, +0x24, spec 1.1:6.3.)
        reserved2: Reserved; zero. (Reserved2, +0x26, spec 1.1:6.3.)
        exe_name: Executable name (UTF-8). (ExeName, +0x28, spec 1.1:6.3.)
        cmd_line: Command line (UTF-8); memslicer truncates it to fit the u16 length. (CmdLine,
            variable offset, spec 1.1:6.3.)
        user: User name (UTF-8). (User, variable offset, spec 1.1:6.3.)
    """

    FIELDS: ClassVar[tuple[FieldInfo, ...]] = (
        FieldInfo(id="pid", kind="int", orig="PID", offset=0x00, size=4),
        FieldInfo(id="ppid", kind="int", orig="PPID", offset=0x04, size=4),
        FieldInfo(id="uid", kind="int", orig="UID", offset=0x08, size=4),
        FieldInfo(id="is_target", kind="int", orig="IsTarget", offset=0x0C, size=1),
        FieldInfo(id="reserved", kind="bytes", reserved=True, orig="Reserved", offset=0x0D, size=3),
        FieldInfo(id="start_time", kind="int", orig="StartTime", offset=0x10, size=8),
        FieldInfo(id="rss", kind="int", orig="RSS", offset=0x18, size=8),
        FieldInfo(id="len_exe_name", kind="int", orig="ExeNameLen", offset=0x20, size=2),
        FieldInfo(id="len_cmd_line", kind="int", orig="CmdLineLen", offset=0x22, size=2),
        FieldInfo(id="len_user", kind="int", orig="UserLen", offset=0x24, size=2),
        FieldInfo(id="reserved2", kind="int", reserved=True, orig="Reserved2", offset=0x26, size=2),
        FieldInfo(id="exe_name", kind="str", orig="ExeName", offset=0x28),
        FieldInfo(id="cmd_line", kind="str", orig="CmdLine"),
        FieldInfo(id="user", kind="str", orig="User"),
    )

    pid: int = 0
    ppid: int = 0
    uid: int = 0
    is_target: int = 0
    reserved: bytes = bytes(3)
    start_time: int = 0
    rss: int = 0
    len_exe_name: int | None = None
    len_cmd_line: int | None = None
    len_user: int | None = None
    reserved2: int = 0
    exe_name: str | None = None
    cmd_line: str | None = None
    user: str | None = None

    @classmethod
    def decode(cls, data: bytes | bytearray | memoryview, endian: str = "<") -> ProcessEntry:
        """Decode a whole buffer as one ProcessEntry.

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
    def decode_at(cls, view: memoryview, pos: int, end: int, endian: str) -> tuple[ProcessEntry, int]:
        """Decode at ``pos`` without reading past ``end``; return it and the position after it."""
        need(view, pos, 40, end, "ProcessEntry.pid")
        (
            f_pid,
            f_ppid,
            f_uid,
            f_is_target,
            f_reserved,
            f_start_time,
            f_rss,
            f_len_exe_name,
            f_len_cmd_line,
            f_len_user,
            f_reserved2,
        ) = _PROCESS_ENTRY_PID_TO_RESERVED2[endian].unpack_from(view, pos)
        pos += 40
        f_exe_name, pos = read_str(view, pos, f_len_exe_name, end, True, "nul", "ProcessEntry.exe_name")
        f_cmd_line, pos = read_str(view, pos, f_len_cmd_line, end, True, "nul", "ProcessEntry.cmd_line")
        f_user, pos = read_str(view, pos, f_len_user, end, True, "nul", "ProcessEntry.user")
        obj = cls(
            pid=f_pid,
            ppid=f_ppid,
            uid=f_uid,
            is_target=f_is_target,
            reserved=f_reserved,
            start_time=f_start_time,
            rss=f_rss,
            len_exe_name=f_len_exe_name,
            len_cmd_line=f_len_cmd_line,
            len_user=f_len_user,
            reserved2=f_reserved2,
            exe_name=f_exe_name,
            cmd_line=f_cmd_line,
            user=f_user,
        )
        return obj, pos

    def encode(self, endian: str = "<") -> bytes:
        """Encode to bytes (length and count fields left as None are computed)."""
        return b"".join(self.encode_parts(endian))

    def encode_parts(self, endian: str = "<") -> list[bytes | memoryview]:
        """Encode as a list of byte chunks, without copying large data such as page bytes."""
        parts: list[bytes | memoryview] = []
        raw_exe_name = encode_str(self.exe_name, "nul")
        raw_cmd_line = encode_str(self.cmd_line, "nul")
        raw_user = encode_str(self.user, "nul")
        f_pid = self.pid
        f_ppid = self.ppid
        f_uid = self.uid
        f_is_target = self.is_target
        f_start_time = self.start_time
        f_rss = self.rss
        f_len_exe_name = self.len_exe_name
        if f_len_exe_name is None:
            f_len_exe_name = len(raw_exe_name)
        f_len_cmd_line = self.len_cmd_line
        if f_len_cmd_line is None:
            f_len_cmd_line = len(raw_cmd_line)
        f_len_user = self.len_user
        if f_len_user is None:
            f_len_user = len(raw_user)
        f_reserved2 = self.reserved2 or 0
        parts.append(_PROCESS_ENTRY_PID_TO_RESERVED2[endian].pack(
            f_pid,
            f_ppid,
            f_uid,
            f_is_target,
            self.reserved or bytes(3),
            f_start_time,
            f_rss,
            f_len_exe_name,
            f_len_cmd_line,
            f_len_user,
            f_reserved2,
        ))
        parts.append(sized(raw_exe_name, f_len_exe_name, "ProcessEntry.exe_name"))
        parts.append(padding(f_len_exe_name))
        parts.append(sized(raw_cmd_line, f_len_cmd_line, "ProcessEntry.cmd_line"))
        parts.append(padding(f_len_cmd_line))
        parts.append(sized(raw_user, f_len_user, "ProcessEntry.user"))
        parts.append(padding(f_len_user))
        return parts

    def check(self) -> list[Finding]:
        """Constraints from the schema that this value breaks (reserved fields, ranges, ...)."""
        found: list[Finding] = []
        if self.reserved != bytes(3):
            found.append(Finding("reserved", "P5", "reserved field is not zero"))
        if self.reserved2 != 0:
            found.append(Finding("reserved2", "P5", "reserved field is not zero"))
        return found


@dataclass(slots=True)
class ProcessTable:
    """Payload layout ``process_table`` of block process_table (dialects: spec-1.0, spec-1.1, memdiver-1.0.2).

    Preamble (EntryCount, Reserved) and EntryCount process entries.

    Spec: 1.1:6.3. Source: blocks/process_table.yaml:layouts[0].

    Attributes:
        num_entries: Number of process entries. (EntryCount, +0x00, spec 1.1:6.3.)
        reserved: Reserved; zero. (Reserved, +0x04, spec 1.1:6.3.)
        entries: The process entries. (Entries, +0x08, spec 1.1:6.3.)
    """

    BLOCK_TYPE: ClassVar[int] = 0x0051
    BLOCK_ID: ClassVar[str] = "process_table"
    LAYOUT_ID: ClassVar[str] = "process_table"
    DIALECTS: ClassVar[tuple[str, ...]] = ("spec-1.0", "spec-1.1", "memdiver-1.0.2")
    PAYLOAD_VERSIONS: ClassVar[tuple[int, ...]] = (1,)
    FIELDS: ClassVar[tuple[FieldInfo, ...]] = (
        FieldInfo(id="num_entries", kind="int", orig="EntryCount", offset=0x00, size=4),
        FieldInfo(id="reserved", kind="int", reserved=True, orig="Reserved", offset=0x04, size=4),
        FieldInfo(id="entries", kind="list", orig="Entries", offset=0x08),
    )

    num_entries: int | None = None
    reserved: int = 0
    entries: list[ProcessEntry] = field(default_factory=list)

    @classmethod
    def decode(cls, data: bytes | bytearray | memoryview, endian: str = "<") -> ProcessTable:
        """Decode a whole buffer as one ProcessTable.

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
    def decode_at(cls, view: memoryview, pos: int, end: int, endian: str) -> tuple[ProcessTable, int]:
        """Decode at ``pos`` without reading past ``end``; return it and the position after it."""
        need(view, pos, 8, end, "ProcessTable.num_entries")
        (f_num_entries, f_reserved) = _PROCESS_TABLE_NUM_ENTRIES_TO_RESERVED[endian].unpack_from(view, pos)
        pos += 8
        f_entries = []
        check_count(f_num_entries, 40, pos, end, "ProcessTable.entries")
        for _ in range(f_num_entries):
            try:
                item, pos = ProcessEntry.decode_at(view, pos, end, endian)
            except MslError as exc:
                raise nest(exc, f"ProcessTable.entries[{len(f_entries)}]") from None
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
        parts.append(_PROCESS_TABLE_NUM_ENTRIES_TO_RESERVED[endian].pack(f_num_entries, f_reserved))
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


LAYOUTS = (ProcessTable, )
"""Payload layouts of this block type, each with the dialects and payload versions it serves."""
