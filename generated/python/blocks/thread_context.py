# Generated from spec/blocks/thread_context.yaml by `msl codegen`.
# Do not edit: change the YAML and regenerate.
"""Thread Context (block type 0x0011, spec 1.1:5.7, since 1.1).

Register state of one thread: a 32-byte head, an optional thread name, then RegCount self-
describing register entries (name, width, role bits, raw value). The public spec 1.0 only names
the type; 1.1 defines the payload (Tables 19a/19b), and memslicer 0.5.2 and memdiver 1.0.2 write
identical bytes for identical input. One block per thread; at least PC and SP are present
(V11-5.7-pc-sp); exactly one block SHOULD set Current (else the first counts); evidence, so
capture segment only, and SHOULD precede the first Memory Region. Unknown registers MUST be
preserved. ParentUUID: memslicer 0.5.2 names the Process Identity block, memdiver leaves it
optional (zero).
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
    read_bytes,
    read_str,
    sized,
)

BLOCK_TYPE = 0x0011
BLOCK_ID = "thread_context"
TITLE = "Thread Context"
STATUS = "defined"
NAMESPACE = "capture"
CAP_BIT = "thread_contexts"
PARENT = "process_identity"
IN_EXTENSION = False

_REGISTER_ENTRY_LEN_NAME_TO_RESERVED = {"<": Struct("<BBHI"), ">": Struct(">BBHI")}
_THREAD_CONTEXT_THREAD_ID_TO_RESERVED = {"<": Struct("<QQHBBIH6s"), ">": Struct(">QQHBBIH6s")}


@dataclass(slots=True)
class RegisterEntry:
    """Structure ``register_entry``.

    One register: an 8-byte head, the pad8 name, then the pad8 value (8 + pad8(NameLen) +
    pad8(Width) bytes).

    Spec: 1.1:5.7. Source: blocks/thread_context.yaml:types.register_entry.

    Attributes:
        len_name: Byte length of name including its NUL (2..255). (NameLen, +0x00, spec 1.1:5.7.)
        width: Size of value in bytes (1..255). (Width, +0x01, spec 1.1:5.7.)
        flags: Role bits (PC, SP, FP, FLAGS, TLS, LR). (Flags, +0x02, spec 1.1:5.7.)
        reserved: Reserved; zero. (Reserved, +0x04, spec 1.1:5.7.)
        name: Lowercase canonical mnemonic (1.1 Table 19g, e.g. rip, rsp, x0, pc, tpidr_el0);
            memslicer 0.5.2 and memdiver lowercase on write, the fork writes what it is given. (Name,
            +0x08, spec 1.1:5.7.)
        value: Raw register bytes in file byte order (little-endian); memdiver zero-extends general,
            flags and segment registers to 8 bytes. (Value, variable offset, spec 1.1:5.7.)
    """

    FIELDS: ClassVar[tuple[FieldInfo, ...]] = (
        FieldInfo(id="len_name", kind="int", orig="NameLen", offset=0x00, size=1),
        FieldInfo(id="width", kind="int", orig="Width", offset=0x01, size=1),
        FieldInfo(id="flags", kind="int", format="hex", flags="register_role", orig="Flags", offset=0x02, size=2),
        FieldInfo(id="reserved", kind="int", reserved=True, orig="Reserved", offset=0x04, size=4),
        FieldInfo(id="name", kind="str", orig="Name", offset=0x08),
        FieldInfo(id="value", kind="bytes", orig="Value"),
    )

    len_name: int | None = None
    width: int | None = None
    flags: int = 0
    reserved: int = 0
    name: str | None = None
    value: bytes = b""

    @classmethod
    def decode(cls, data: bytes | bytearray | memoryview, endian: str = "<") -> RegisterEntry:
        """Decode a whole buffer as one RegisterEntry.

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
    def decode_at(cls, view: memoryview, pos: int, end: int, endian: str) -> tuple[RegisterEntry, int]:
        """Decode at ``pos`` without reading past ``end``; return it and the position after it."""
        need(view, pos, 8, end, "RegisterEntry.len_name")
        (
            f_len_name,
            f_width,
            f_flags,
            f_reserved,
        ) = _REGISTER_ENTRY_LEN_NAME_TO_RESERVED[endian].unpack_from(view, pos)
        pos += 8
        f_name, pos = read_str(view, pos, f_len_name, end, True, "nul", "RegisterEntry.name")
        f_value, pos = read_bytes(view, pos, f_width, end, True, "RegisterEntry.value", copy=True)
        obj = cls(
            len_name=f_len_name,
            width=f_width,
            flags=f_flags,
            reserved=f_reserved,
            name=f_name,
            value=f_value,
        )
        return obj, pos

    def encode(self, endian: str = "<") -> bytes:
        """Encode to bytes (length and count fields left as None are computed)."""
        return b"".join(self.encode_parts(endian))

    def encode_parts(self, endian: str = "<") -> list[bytes | memoryview]:
        """Encode as a list of byte chunks, without copying large data such as page bytes."""
        parts: list[bytes | memoryview] = []
        raw_name = encode_str(self.name, "nul")
        f_len_name = self.len_name
        if f_len_name is None:
            f_len_name = len(raw_name)
        f_width = self.width
        if f_width is None:
            f_width = len(self.value)
        f_flags = self.flags
        f_reserved = self.reserved or 0
        parts.append(_REGISTER_ENTRY_LEN_NAME_TO_RESERVED[endian].pack(
            f_len_name,
            f_width,
            f_flags,
            f_reserved,
        ))
        parts.append(sized(raw_name, f_len_name, "RegisterEntry.name"))
        parts.append(padding(f_len_name))
        parts.append(sized(self.value, f_width, "RegisterEntry.value"))
        parts.append(padding(f_width))
        return parts

    def check(self) -> list[Finding]:
        """Constraints from the schema that this value breaks (reserved fields, ranges, ...)."""
        found: list[Finding] = []
        if self.reserved != 0:
            found.append(Finding("reserved", "P5", "reserved field is not zero"))
        return found


@dataclass(slots=True)
class ThreadContext:
    """Payload layout ``thread_context`` of block thread_context (dialects: spec-1.1, memdiver-1.0.2).

    1.1 layout (memslicer 0.5.2, the reverseame memslicer fork, memdiver 1.0.2). The fork defines
    only flag bits 0-1, states 0-4 and role bits 0-3, and leaves Arch reserved (0). The pre-1.1
    MemDiver decoder (u64 ThreadID then opaque register bytes) was a guess and is not a layout.

    Spec: 1.1:5.7. Source: blocks/thread_context.yaml:layouts[0].

    Attributes:
        thread_id: OS thread id. (ThreadID, +0x00, spec 1.1:5.7.)
        start_time: Thread start time (ns since the Unix epoch); 0 = unknown. (StartTime, +0x08,
            spec 1.1:5.7.)
        flags: Thread flags (Current, Crashed, Suspended, Partial). (Flags, +0x10, spec 1.1:5.7.)
        state: Scheduler state; memdiver 1.0.2 writes 3 (Stopped) by default. (ThreadState, +0x12,
            spec 1.1:5.7.)
        arch: 0 = same as the header ArchType, otherwise an ArchType code (only codes below 256
            fit). ArchType 0 is x86, so an x86 thread in an x86-64 process cannot be expressed (D14).
            Reserved (0) in the reverseame fork. (Arch, +0x13, spec 1.1:5.7.)
        num_registers: Number of register entries after the name. (RegCount, +0x14, spec 1.1:5.7.)
        len_name: Byte length of name including its NUL; 0 = no name. (NameLen, +0x18, spec
            1.1:5.7.)
        reserved: Reserved; zero. (Reserved, +0x1A, spec 1.1:5.7.)
        name: Thread name (UTF-8); absent when len_name is 0. (ThreadName, +0x20, spec 1.1:5.7.)
        registers: The register entries, in producer order. (Registers, variable offset, spec
            1.1:5.7.)
    """

    BLOCK_TYPE: ClassVar[int] = 0x0011
    BLOCK_ID: ClassVar[str] = "thread_context"
    LAYOUT_ID: ClassVar[str] = "thread_context"
    DIALECTS: ClassVar[tuple[str, ...]] = ("spec-1.1", "memdiver-1.0.2")
    PAYLOAD_VERSIONS: ClassVar[tuple[int, ...]] = (1,)
    FIELDS: ClassVar[tuple[FieldInfo, ...]] = (
        FieldInfo(id="thread_id", kind="int", orig="ThreadID", offset=0x00, size=8),
        FieldInfo(id="start_time", kind="int", orig="StartTime", offset=0x08, size=8),
        FieldInfo(id="flags", kind="int", format="hex", flags="thread_flags", orig="Flags", offset=0x10, size=2),
        FieldInfo(id="state", kind="int", enum="thread_state", orig="ThreadState", offset=0x12, size=1),
        FieldInfo(id="arch", kind="int", orig="Arch", offset=0x13, size=1),
        FieldInfo(id="num_registers", kind="int", orig="RegCount", offset=0x14, size=4),
        FieldInfo(id="len_name", kind="int", orig="NameLen", offset=0x18, size=2),
        FieldInfo(id="reserved", kind="bytes", reserved=True, orig="Reserved", offset=0x1A, size=6),
        FieldInfo(id="name", kind="str", orig="ThreadName", offset=0x20),
        FieldInfo(id="registers", kind="list", orig="Registers"),
    )

    thread_id: int = 0
    start_time: int = 0
    flags: int = 0
    state: int = 0
    arch: int = 0
    num_registers: int | None = None
    len_name: int | None = None
    reserved: bytes = bytes(6)
    name: str | None = None
    registers: list[RegisterEntry] = field(default_factory=list)

    @classmethod
    def decode(cls, data: bytes | bytearray | memoryview, endian: str = "<") -> ThreadContext:
        """Decode a whole buffer as one ThreadContext.

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
    def decode_at(cls, view: memoryview, pos: int, end: int, endian: str) -> tuple[ThreadContext, int]:
        """Decode at ``pos`` without reading past ``end``; return it and the position after it."""
        need(view, pos, 32, end, "ThreadContext.thread_id")
        (
            f_thread_id,
            f_start_time,
            f_flags,
            f_state,
            f_arch,
            f_num_registers,
            f_len_name,
            f_reserved,
        ) = _THREAD_CONTEXT_THREAD_ID_TO_RESERVED[endian].unpack_from(view, pos)
        pos += 32
        f_name, pos = read_str(view, pos, f_len_name, end, True, "nul", "ThreadContext.name")
        f_registers = []
        check_count(f_num_registers, 8, pos, end, "ThreadContext.registers")
        for _ in range(f_num_registers):
            try:
                item, pos = RegisterEntry.decode_at(view, pos, end, endian)
            except MslError as exc:
                raise nest(exc, f"ThreadContext.registers[{len(f_registers)}]") from None
            f_registers.append(item)
        obj = cls(
            thread_id=f_thread_id,
            start_time=f_start_time,
            flags=f_flags,
            state=f_state,
            arch=f_arch,
            num_registers=f_num_registers,
            len_name=f_len_name,
            reserved=f_reserved,
            name=f_name,
            registers=f_registers,
        )
        return obj, pos

    def encode(self, endian: str = "<") -> bytes:
        """Encode to bytes (length and count fields left as None are computed)."""
        return b"".join(self.encode_parts(endian))

    def encode_parts(self, endian: str = "<") -> list[bytes | memoryview]:
        """Encode as a list of byte chunks, without copying large data such as page bytes."""
        parts: list[bytes | memoryview] = []
        raw_name = encode_str(self.name, "nul")
        f_thread_id = self.thread_id
        f_start_time = self.start_time
        f_flags = self.flags
        f_state = self.state
        f_arch = self.arch
        f_num_registers = self.num_registers
        if f_num_registers is None:
            f_num_registers = len(self.registers)
        f_len_name = self.len_name
        if f_len_name is None:
            f_len_name = len(raw_name)
        parts.append(_THREAD_CONTEXT_THREAD_ID_TO_RESERVED[endian].pack(
            f_thread_id,
            f_start_time,
            f_flags,
            f_state,
            f_arch,
            f_num_registers,
            f_len_name,
            self.reserved or bytes(6),
        ))
        parts.append(sized(raw_name, f_len_name, "ThreadContext.name"))
        parts.append(padding(f_len_name))
        for item in self.registers:
            parts += item.encode_parts(endian)
        return parts

    def check(self) -> list[Finding]:
        """Constraints from the schema that this value breaks (reserved fields, ranges, ...)."""
        found: list[Finding] = []
        if self.reserved != bytes(6):
            found.append(Finding("reserved", "P5", "reserved field is not zero"))
        for item in self.registers or ():
            found += item.check()
        return found


LAYOUTS = (ThreadContext, )
"""Payload layouts of this block type, each with the dialects and payload versions it serves."""
