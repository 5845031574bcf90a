# Generated from spec/blocks/kernel_module_list.yaml by `msl codegen`.
# Do not edit: change the YAML and regenerate.
"""Kernel Module List (block type 0x0057, spec cat:6.17, since 1.1).

Loaded kernel modules with size, reference count, state, taint, base address and hidden-module
indicators (listed in only one of /proc/modules and /sys/module). memslicer only (0.2.7, the
reverseame fork, 0.5.2), written in investigation mode; announced by TableBitmap bit 7; no
capability bit and no ParentUUID.
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
    read_str,
    sized,
)

BLOCK_TYPE = 0x0057
BLOCK_ID = "kernel_module_list"
TITLE = "Kernel Module List"
STATUS = "defined"
NAMESPACE = "capture"
CAP_BIT = None
PARENT = None
IN_EXTENSION = False

_KERNEL_MODULE_ROW_LEN_NAME = {"<": Struct("<H"), ">": Struct(">H")}
_KERNEL_MODULE_ROW_SIZE_TO_RESERVED = {"<": Struct("<QIBBQBB"), ">": Struct(">QIBBQBB")}
_KERNEL_MODULE_LIST_NUM_ROWS_TO_RESERVED = {"<": Struct("<II"), ">": Struct(">II")}


@dataclass(slots=True)
class KernelModuleRow:
    """Structure ``kernel_module_row``.

    One kernel module (26 + NameLen bytes).

    Spec: cat:6.17. Source: blocks/kernel_module_list.yaml:types.kernel_module_row.

    Attributes:
        len_name: Byte length of name (no NUL). (NameLen, +0x00, spec cat:6.17.)
        name: Module name (UTF-8, unterminated, unpadded). (Name, +0x02, spec cat:6.17.)
        size: Module size in bytes. (Size, variable offset, spec cat:6.17.)
        ref_count: Reference count. (RefCount, variable offset, spec cat:6.17.)
        state: Module state. (State, variable offset, spec cat:6.17.)
        taint: Taint bitmask from /sys/module/<name>/taint. (Taint, variable offset, spec cat:6.17.)
        base_addr: Load address; 0 when hidden by kptr_restrict. (Base, variable offset, spec
            cat:6.17.)
        flags: Hidden-module indicators. (Flags, variable offset, spec cat:6.17.)
        reserved: Reserved; zero. (Reserved, variable offset, spec cat:6.17.)
    """

    FIELDS: ClassVar[tuple[FieldInfo, ...]] = (
        FieldInfo(id="len_name", kind="int", orig="NameLen", offset=0x00, size=2),
        FieldInfo(id="name", kind="str", orig="Name", offset=0x02),
        FieldInfo(id="size", kind="int", format="addr", orig="Size", size=8),
        FieldInfo(id="ref_count", kind="int", orig="RefCount", size=4),
        FieldInfo(id="state", kind="int", enum="kernel_module_state", orig="State", size=1),
        FieldInfo(id="taint", kind="int", format="hex", orig="Taint", size=1),
        FieldInfo(id="base_addr", kind="int", format="addr", orig="Base", size=8),
        FieldInfo(id="flags", kind="int", format="hex", flags="kernel_module_flags", orig="Flags", size=1),
        FieldInfo(id="reserved", kind="int", reserved=True, orig="Reserved", size=1),
    )

    len_name: int | None = None
    name: str | None = None
    size: int = 0
    ref_count: int = 0
    state: int = 0
    taint: int = 0
    base_addr: int = 0
    flags: int = 0
    reserved: int = 0

    @classmethod
    def decode(cls, data: bytes | bytearray | memoryview, endian: str = "<") -> KernelModuleRow:
        """Decode a whole buffer as one KernelModuleRow.

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
    def decode_at(cls, view: memoryview, pos: int, end: int, endian: str) -> tuple[KernelModuleRow, int]:
        """Decode at ``pos`` without reading past ``end``; return it and the position after it."""
        need(view, pos, 2, end, "KernelModuleRow.len_name")
        (f_len_name,) = _KERNEL_MODULE_ROW_LEN_NAME[endian].unpack_from(view, pos)
        pos += 2
        f_name, pos = read_str(view, pos, f_len_name, end, False, "none", "KernelModuleRow.name")
        need(view, pos, 24, end, "KernelModuleRow.size")
        (
            f_size,
            f_ref_count,
            f_state,
            f_taint,
            f_base_addr,
            f_flags,
            f_reserved,
        ) = _KERNEL_MODULE_ROW_SIZE_TO_RESERVED[endian].unpack_from(view, pos)
        pos += 24
        obj = cls(
            len_name=f_len_name,
            name=f_name,
            size=f_size,
            ref_count=f_ref_count,
            state=f_state,
            taint=f_taint,
            base_addr=f_base_addr,
            flags=f_flags,
            reserved=f_reserved,
        )
        return obj, pos

    def encode(self, endian: str = "<") -> bytes:
        """Encode to bytes (length and count fields left as None are computed)."""
        return b"".join(self.encode_parts(endian))

    def encode_parts(self, endian: str = "<") -> list[bytes | memoryview]:
        """Encode as a list of byte chunks, without copying large data such as page bytes."""
        parts: list[bytes | memoryview] = []
        raw_name = encode_str(self.name, "none")
        f_len_name = self.len_name
        if f_len_name is None:
            f_len_name = len(raw_name)
        f_size = self.size
        f_ref_count = self.ref_count
        f_state = self.state
        f_taint = self.taint
        f_base_addr = self.base_addr
        f_flags = self.flags
        f_reserved = self.reserved or 0
        parts.append(_KERNEL_MODULE_ROW_LEN_NAME[endian].pack(f_len_name))
        parts.append(sized(raw_name, f_len_name, "KernelModuleRow.name"))
        parts.append(_KERNEL_MODULE_ROW_SIZE_TO_RESERVED[endian].pack(
            f_size,
            f_ref_count,
            f_state,
            f_taint,
            f_base_addr,
            f_flags,
            f_reserved,
        ))
        return parts

    def check(self) -> list[Finding]:
        """Constraints from the schema that this value breaks (reserved fields, ranges, ...)."""
        found: list[Finding] = []
        if self.reserved != 0:
            found.append(Finding("reserved", "P5", "reserved field is not zero"))
        return found


@dataclass(slots=True)
class KernelModuleList:
    """Payload layout ``kernel_module_list`` of block kernel_module_list (dialects: spec-1.0, spec-1.1).

    RowCount, Reserved, then RowCount rows of 26 + NameLen bytes, packed without alignment.

    Spec: cat:6.17. Source: blocks/kernel_module_list.yaml:layouts[0].

    Attributes:
        num_rows: Number of rows (memslicer counts the rows written). (RowCount, +0x00, spec
            cat:6.17.)
        reserved: Reserved; zero. (Reserved, +0x04, spec cat:6.17.)
        rows: The rows. (Rows, +0x08, spec cat:6.17.)
    """

    BLOCK_TYPE: ClassVar[int] = 0x0057
    BLOCK_ID: ClassVar[str] = "kernel_module_list"
    LAYOUT_ID: ClassVar[str] = "kernel_module_list"
    DIALECTS: ClassVar[tuple[str, ...]] = ("spec-1.0", "spec-1.1")
    PAYLOAD_VERSIONS: ClassVar[tuple[int, ...]] = (1,)
    FIELDS: ClassVar[tuple[FieldInfo, ...]] = (
        FieldInfo(id="num_rows", kind="int", orig="RowCount", offset=0x00, size=4),
        FieldInfo(id="reserved", kind="int", reserved=True, orig="Reserved", offset=0x04, size=4),
        FieldInfo(id="rows", kind="list", orig="Rows", offset=0x08),
    )

    num_rows: int | None = None
    reserved: int = 0
    rows: list[KernelModuleRow] = field(default_factory=list)

    @classmethod
    def decode(cls, data: bytes | bytearray | memoryview, endian: str = "<") -> KernelModuleList:
        """Decode a whole buffer as one KernelModuleList.

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
    def decode_at(cls, view: memoryview, pos: int, end: int, endian: str) -> tuple[KernelModuleList, int]:
        """Decode at ``pos`` without reading past ``end``; return it and the position after it."""
        need(view, pos, 8, end, "KernelModuleList.num_rows")
        (f_num_rows, f_reserved) = _KERNEL_MODULE_LIST_NUM_ROWS_TO_RESERVED[endian].unpack_from(view, pos)
        pos += 8
        f_rows = []
        check_count(f_num_rows, 2, pos, end, "KernelModuleList.rows")
        for _ in range(f_num_rows):
            try:
                item, pos = KernelModuleRow.decode_at(view, pos, end, endian)
            except MslError as exc:
                raise nest(exc, f"KernelModuleList.rows[{len(f_rows)}]") from None
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
        parts.append(_KERNEL_MODULE_LIST_NUM_ROWS_TO_RESERVED[endian].pack(f_num_rows, f_reserved))
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


LAYOUTS = (KernelModuleList, )
"""Payload layouts of this block type, each with the dialects and payload versions it serves."""
