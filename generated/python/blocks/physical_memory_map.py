# Generated from spec/blocks/physical_memory_map.yaml by `msl codegen`.
# Do not edit: change the YAML and regenerate.
"""Physical Memory Map (block type 0x0059, spec 1.1:5.9, since 1.1).

The host's physical address map: top-level /proc/iomem ranges with their labels. memslicer
writes it through its writer API only (the acquisition engine never emits it); memslicer calls
it a "non-spec extension", memdiver 1.0.2's 1.1 document lists it as 1.1 section 5.9 but its
code does not handle it (D9). May sit in the capture segment or in an extension segment (1.1
4.6). ParentUUID zero. TableBitmap bit 5 is reserved for it and never set; no capability bit.
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

BLOCK_TYPE = 0x0059
BLOCK_ID = "physical_memory_map"
TITLE = "Physical Memory Map"
STATUS = "defined"
NAMESPACE = "capture"
CAP_BIT = None
PARENT = None
IN_EXTENSION = True

_PHYSICAL_RANGE_ROW_START_TO_RESERVED = {"<": Struct("<QQHH"), ">": Struct(">QQHH")}
_PHYSICAL_MEMORY_MAP_NUM_ROWS_TO_RESERVED = {"<": Struct("<II"), ">": Struct(">II")}


@dataclass(slots=True)
class PhysicalRangeRow:
    """Structure ``physical_range_row``.

    One physical range (20 + LabelLen bytes).

    Spec: cat:6.19. Source: blocks/physical_memory_map.yaml:types.physical_range_row.

    Attributes:
        start: First physical address of the range. (Start, +0x00, spec cat:6.19.)
        end: Last physical address of the range (inclusive). (End, +0x08, spec cat:6.19.)
        len_label: Byte length of label (no NUL). (LabelLen, +0x10, spec cat:6.19.)
        reserved: Reserved; zero. (Reserved, +0x12, spec cat:6.19.)
        label: The /proc/iomem label (UTF-8, unterminated, unpadded). (Label, +0x14, spec cat:6.19.)
    """

    FIELDS: ClassVar[tuple[FieldInfo, ...]] = (
        FieldInfo(id="start", kind="int", format="addr", orig="Start", offset=0x00, size=8),
        FieldInfo(id="end", kind="int", format="addr", orig="End", offset=0x08, size=8),
        FieldInfo(id="len_label", kind="int", orig="LabelLen", offset=0x10, size=2),
        FieldInfo(id="reserved", kind="int", reserved=True, orig="Reserved", offset=0x12, size=2),
        FieldInfo(id="label", kind="str", orig="Label", offset=0x14),
    )

    start: int = 0
    end: int = 0
    len_label: int | None = None
    reserved: int = 0
    label: str | None = None

    @classmethod
    def decode(cls, data: bytes | bytearray | memoryview, endian: str = "<") -> PhysicalRangeRow:
        """Decode a whole buffer as one PhysicalRangeRow.

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
    def decode_at(cls, view: memoryview, pos: int, end: int, endian: str) -> tuple[PhysicalRangeRow, int]:
        """Decode at ``pos`` without reading past ``end``; return it and the position after it."""
        need(view, pos, 20, end, "PhysicalRangeRow.start")
        (
            f_start,
            f_end,
            f_len_label,
            f_reserved,
        ) = _PHYSICAL_RANGE_ROW_START_TO_RESERVED[endian].unpack_from(view, pos)
        pos += 20
        f_label, pos = read_str(view, pos, f_len_label, end, False, "none", "PhysicalRangeRow.label")
        obj = cls(start=f_start, end=f_end, len_label=f_len_label, reserved=f_reserved, label=f_label)
        return obj, pos

    def encode(self, endian: str = "<") -> bytes:
        """Encode to bytes (length and count fields left as None are computed)."""
        return b"".join(self.encode_parts(endian))

    def encode_parts(self, endian: str = "<") -> list[bytes | memoryview]:
        """Encode as a list of byte chunks, without copying large data such as page bytes."""
        parts: list[bytes | memoryview] = []
        raw_label = encode_str(self.label, "none")
        f_start = self.start
        f_end = self.end
        f_len_label = self.len_label
        if f_len_label is None:
            f_len_label = len(raw_label)
        f_reserved = self.reserved or 0
        parts.append(_PHYSICAL_RANGE_ROW_START_TO_RESERVED[endian].pack(
            f_start,
            f_end,
            f_len_label,
            f_reserved,
        ))
        parts.append(sized(raw_label, f_len_label, "PhysicalRangeRow.label"))
        return parts

    def check(self) -> list[Finding]:
        """Constraints from the schema that this value breaks (reserved fields, ranges, ...)."""
        found: list[Finding] = []
        if self.reserved != 0:
            found.append(Finding("reserved", "P5", "reserved field is not zero"))
        return found


@dataclass(slots=True)
class PhysicalMemoryMap:
    """Payload layout ``physical_memory_map`` of block physical_memory_map (dialects: spec-1.0, spec-1.1).

    RowCount, Reserved, then RowCount rows of 20 + LabelLen bytes, packed without alignment.

    Spec: cat:6.19. Source: blocks/physical_memory_map.yaml:layouts[0].

    Attributes:
        num_rows: Number of ranges. (RowCount, +0x00, spec cat:6.19.)
        reserved: Reserved; zero. (Reserved, +0x04, spec cat:6.19.)
        rows: The ranges. (Rows, +0x08, spec cat:6.19.)
    """

    BLOCK_TYPE: ClassVar[int] = 0x0059
    BLOCK_ID: ClassVar[str] = "physical_memory_map"
    LAYOUT_ID: ClassVar[str] = "physical_memory_map"
    DIALECTS: ClassVar[tuple[str, ...]] = ("spec-1.0", "spec-1.1")
    PAYLOAD_VERSIONS: ClassVar[tuple[int, ...]] = (1,)
    FIELDS: ClassVar[tuple[FieldInfo, ...]] = (
        FieldInfo(id="num_rows", kind="int", orig="RowCount", offset=0x00, size=4),
        FieldInfo(id="reserved", kind="int", reserved=True, orig="Reserved", offset=0x04, size=4),
        FieldInfo(id="rows", kind="list", orig="Rows", offset=0x08),
    )

    num_rows: int | None = None
    reserved: int = 0
    rows: list[PhysicalRangeRow] = field(default_factory=list)

    @classmethod
    def decode(cls, data: bytes | bytearray | memoryview, endian: str = "<") -> PhysicalMemoryMap:
        """Decode a whole buffer as one PhysicalMemoryMap.

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
    def decode_at(cls, view: memoryview, pos: int, end: int, endian: str) -> tuple[PhysicalMemoryMap, int]:
        """Decode at ``pos`` without reading past ``end``; return it and the position after it."""
        need(view, pos, 8, end, "PhysicalMemoryMap.num_rows")
        (f_num_rows, f_reserved) = _PHYSICAL_MEMORY_MAP_NUM_ROWS_TO_RESERVED[endian].unpack_from(view, pos)
        pos += 8
        f_rows = []
        check_count(f_num_rows, 20, pos, end, "PhysicalMemoryMap.rows")
        for _ in range(f_num_rows):
            try:
                item, pos = PhysicalRangeRow.decode_at(view, pos, end, endian)
            except MslError as exc:
                raise nest(exc, f"PhysicalMemoryMap.rows[{len(f_rows)}]") from None
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
        parts.append(_PHYSICAL_MEMORY_MAP_NUM_ROWS_TO_RESERVED[endian].pack(f_num_rows, f_reserved))
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


LAYOUTS = (PhysicalMemoryMap, )
"""Payload layouts of this block type, each with the dialects and payload versions it serves."""
