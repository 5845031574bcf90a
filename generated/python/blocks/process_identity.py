# Generated from spec/blocks/process_identity.yaml by `msl codegen`.
# Do not edit: change the YAML and regenerate.
"""Process Identity (block type 0x0040, spec 5.4, since 1.0).

What process this is: parent PID, session, start time, executable path and command line. A live
acquirer emits it as block 0 (A1); an imported file may carry it right after Import Provenance,
or omit it. Thread Context blocks name it as their parent (memslicer 0.5.2).
"""

from __future__ import annotations

from dataclasses import dataclass
from struct import Struct
from typing import ClassVar

from memslice.generated._support import FieldInfo, Finding, encode_str, need, padding, read_str, sized

BLOCK_TYPE = 0x0040
BLOCK_ID = "process_identity"
TITLE = "Process Identity"
STATUS = "defined"
NAMESPACE = "capture"
CAP_BIT = "process_identity"
PARENT = None
IN_EXTENSION = False

_PROCESS_IDENTITY_PPID_TO_RESERVED = {"<": Struct("<IIQHHI"), ">": Struct(">IIQHHI")}


@dataclass(slots=True)
class ProcessIdentity:
    """Payload layout ``process_identity`` of block process_identity (dialects: spec-1.0, spec-1.1, memdiver-1.0.2).

    The 1.0 layout, used by every 1.x producer. memslicer writes a lone NUL (length 1) for an
    unknown executable path, memdiver writes length 0 (no bytes); memslicer 0.5.2 truncates ExePath
    and CmdLine (UTF-8-safe) to fit the u16 lengths.

    Spec: 5.4. Source: blocks/process_identity.yaml:layouts[0].

    Attributes:
        ppid: Parent process id; 0 = unknown. (PPID, +0x00, spec 5.4.)
        session_id: Session / login session id; 0 = unknown. (SessionID, +0x04, spec 5.4.)
        start_time: Process start time (ns since the Unix epoch); 0 = unknown. (StartTime, +0x08,
            spec 5.4.)
        len_exe_path: Byte length of exe_path including its NUL. (ExePathLen, +0x10, spec 5.4.)
        len_cmd_line: Byte length of cmd_line including its NUL; 0 = unavailable. (CmdLineLen,
            +0x12, spec 5.4.)
        reserved: Reserved; zero. (Reserved, +0x14, spec 5.4.)
        exe_path: Full executable path (UTF-8). (ExePath, +0x18, spec 5.4.)
        cmd_line: Command line (UTF-8); absent when len_cmd_line is 0. (CmdLine, variable offset,
            spec 5.4.)
    """

    BLOCK_TYPE: ClassVar[int] = 0x0040
    BLOCK_ID: ClassVar[str] = "process_identity"
    LAYOUT_ID: ClassVar[str] = "process_identity"
    DIALECTS: ClassVar[tuple[str, ...]] = ("spec-1.0", "spec-1.1", "memdiver-1.0.2")
    PAYLOAD_VERSIONS: ClassVar[tuple[int, ...]] = (1,)
    FIELDS: ClassVar[tuple[FieldInfo, ...]] = (
        FieldInfo(id="ppid", kind="int", orig="PPID", offset=0x00, size=4),
        FieldInfo(id="session_id", kind="int", orig="SessionID", offset=0x04, size=4),
        FieldInfo(id="start_time", kind="int", orig="StartTime", offset=0x08, size=8),
        FieldInfo(id="len_exe_path", kind="int", orig="ExePathLen", offset=0x10, size=2),
        FieldInfo(id="len_cmd_line", kind="int", orig="CmdLineLen", offset=0x12, size=2),
        FieldInfo(id="reserved", kind="int", reserved=True, orig="Reserved", offset=0x14, size=4),
        FieldInfo(id="exe_path", kind="str", orig="ExePath", offset=0x18),
        FieldInfo(id="cmd_line", kind="str", orig="CmdLine"),
    )

    ppid: int = 0
    session_id: int = 0
    start_time: int = 0
    len_exe_path: int | None = None
    len_cmd_line: int | None = None
    reserved: int = 0
    exe_path: str | None = None
    cmd_line: str | None = None

    @classmethod
    def decode(cls, data: bytes | bytearray | memoryview, endian: str = "<") -> ProcessIdentity:
        """Decode a whole buffer as one ProcessIdentity.

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
    def decode_at(cls, view: memoryview, pos: int, end: int, endian: str) -> tuple[ProcessIdentity, int]:
        """Decode at ``pos`` without reading past ``end``; return it and the position after it."""
        need(view, pos, 24, end, "ProcessIdentity.ppid")
        (
            f_ppid,
            f_session_id,
            f_start_time,
            f_len_exe_path,
            f_len_cmd_line,
            f_reserved,
        ) = _PROCESS_IDENTITY_PPID_TO_RESERVED[endian].unpack_from(view, pos)
        pos += 24
        f_exe_path, pos = read_str(view, pos, f_len_exe_path, end, True, "nul", "ProcessIdentity.exe_path")
        f_cmd_line, pos = read_str(view, pos, f_len_cmd_line, end, True, "nul", "ProcessIdentity.cmd_line")
        obj = cls(
            ppid=f_ppid,
            session_id=f_session_id,
            start_time=f_start_time,
            len_exe_path=f_len_exe_path,
            len_cmd_line=f_len_cmd_line,
            reserved=f_reserved,
            exe_path=f_exe_path,
            cmd_line=f_cmd_line,
        )
        return obj, pos

    def encode(self, endian: str = "<") -> bytes:
        """Encode to bytes (length and count fields left as None are computed)."""
        return b"".join(self.encode_parts(endian))

    def encode_parts(self, endian: str = "<") -> list[bytes | memoryview]:
        """Encode as a list of byte chunks, without copying large data such as page bytes."""
        parts: list[bytes | memoryview] = []
        raw_exe_path = encode_str(self.exe_path, "nul")
        raw_cmd_line = encode_str(self.cmd_line, "nul")
        f_ppid = self.ppid
        f_session_id = self.session_id
        f_start_time = self.start_time
        f_len_exe_path = self.len_exe_path
        if f_len_exe_path is None:
            f_len_exe_path = len(raw_exe_path)
        f_len_cmd_line = self.len_cmd_line
        if f_len_cmd_line is None:
            f_len_cmd_line = len(raw_cmd_line)
        f_reserved = self.reserved or 0
        parts.append(_PROCESS_IDENTITY_PPID_TO_RESERVED[endian].pack(
            f_ppid,
            f_session_id,
            f_start_time,
            f_len_exe_path,
            f_len_cmd_line,
            f_reserved,
        ))
        parts.append(sized(raw_exe_path, f_len_exe_path, "ProcessIdentity.exe_path"))
        parts.append(padding(f_len_exe_path))
        parts.append(sized(raw_cmd_line, f_len_cmd_line, "ProcessIdentity.cmd_line"))
        parts.append(padding(f_len_cmd_line))
        return parts

    def check(self) -> list[Finding]:
        """Constraints from the schema that this value breaks (reserved fields, ranges, ...)."""
        found: list[Finding] = []
        if self.reserved != 0:
            found.append(Finding("reserved", "P5", "reserved field is not zero"))
        return found


LAYOUTS = (ProcessIdentity, )
"""Payload layouts of this block type, each with the dialects and payload versions it serves."""
