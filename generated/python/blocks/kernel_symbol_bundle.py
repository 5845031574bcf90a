# Generated from spec/blocks/kernel_symbol_bundle.yaml by `msl codegen`.
# Do not edit: change the YAML and regenerate.
"""Kernel Symbol Bundle (block type 0x0055, spec cat:6.15, since 1.1).

Kernel facts an analyst needs to interpret kernel addresses and the capture's timing: page size,
build id, KASLR text address, direct-map base, paging and isolation modes, BTF / vmcoreinfo /
config digests, clock readings, memory-compression state. memslicer only (0.2.7, the reverseame
fork, 0.5.2), written in investigation mode right after the System Context; announced by
TableBitmap bit 4; no capability bit and no ParentUUID. Type code 0x0055 is also memdiver's
Connectivity Table (connectivity_table_memdiver); the dialect sets are disjoint, and memdiver
1.0.2 mis-parses this block as a Connectivity Table (D8).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from struct import Struct
from typing import ClassVar

from memslice.generated._support import FieldInfo, Finding, MslError, check_count, need, nest, read_bytes, sized

BLOCK_TYPE = 0x0055
BLOCK_ID = "kernel_symbol_bundle"
TITLE = "Kernel Symbol Bundle"
STATUS = "defined"
NAMESPACE = "capture"
CAP_BIT = None
PARENT = None
IN_EXTENSION = False

_KSB_ROW_TAG_TO_LEN_VALUE = {"<": Struct("<HH"), ">": Struct(">HH")}
_KERNEL_SYMBOL_BUNDLE_NUM_ROWS_TO_RESERVED = {"<": Struct("<II"), ">": Struct(">II")}


@dataclass(slots=True)
class KsbRow:
    """Structure ``ksb_row``.

    One TLV row (4 + Len bytes).

    Spec: cat:6.15. Source: blocks/kernel_symbol_bundle.yaml:types.ksb_row.

    Attributes:
        tag: What the value is (see ksb_tag for its type). (Tag, +0x00, spec cat:6.15.)
        len_value: Byte length of value. (Len, +0x02, spec cat:6.15.)
        value: Raw value; its type follows from the tag. (Value, +0x04, spec cat:6.15.)
    """

    FIELDS: ClassVar[tuple[FieldInfo, ...]] = (
        FieldInfo(id="tag", kind="int", enum="ksb_tag", orig="Tag", offset=0x00, size=2),
        FieldInfo(id="len_value", kind="int", orig="Len", offset=0x02, size=2),
        FieldInfo(id="value", kind="bytes", orig="Value", offset=0x04),
    )

    tag: int = 0
    len_value: int | None = None
    value: bytes = b""

    @classmethod
    def decode(cls, data: bytes | bytearray | memoryview, endian: str = "<") -> KsbRow:
        """Decode a whole buffer as one KsbRow.

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
    def decode_at(cls, view: memoryview, pos: int, end: int, endian: str) -> tuple[KsbRow, int]:
        """Decode at ``pos`` without reading past ``end``; return it and the position after it."""
        need(view, pos, 4, end, "KsbRow.tag")
        (f_tag, f_len_value) = _KSB_ROW_TAG_TO_LEN_VALUE[endian].unpack_from(view, pos)
        pos += 4
        f_value, pos = read_bytes(view, pos, f_len_value, end, False, "KsbRow.value", copy=True)
        obj = cls(tag=f_tag, len_value=f_len_value, value=f_value)
        return obj, pos

    def encode(self, endian: str = "<") -> bytes:
        """Encode to bytes (length and count fields left as None are computed)."""
        return b"".join(self.encode_parts(endian))

    def encode_parts(self, endian: str = "<") -> list[bytes | memoryview]:
        """Encode as a list of byte chunks, without copying large data such as page bytes."""
        parts: list[bytes | memoryview] = []
        f_tag = self.tag
        f_len_value = self.len_value
        if f_len_value is None:
            f_len_value = len(self.value)
        parts.append(_KSB_ROW_TAG_TO_LEN_VALUE[endian].pack(f_tag, f_len_value))
        parts.append(sized(self.value, f_len_value, "KsbRow.value"))
        return parts

    def check(self) -> list[Finding]:
        """Constraints from the schema that this value breaks (reserved fields, ranges, ...)."""
        found: list[Finding] = []
        return found


@dataclass(slots=True)
class KernelSymbolBundle:
    """Payload layout ``kernel_symbol_bundle`` of block kernel_symbol_bundle (dialects: spec-1.0, spec-1.1).

    RowCount, Reserved, then RowCount TLV rows packed back to back (Tag u16, Len u16, Value[Len]). A
    tag is emitted only when its value is non-zero / non-empty. Integer values are little-endian of
    the width the tag table gives; strings are unterminated UTF-8. Unknown tags are skipped by
    length.

    Spec: cat:6.15. Source: blocks/kernel_symbol_bundle.yaml:layouts[0].

    Attributes:
        num_rows: Number of TLV rows. (RowCount, +0x00, spec cat:6.15.)
        reserved: Reserved; zero. (Reserved, +0x04, spec cat:6.15.)
        rows: The TLV rows. (Rows, +0x08, spec cat:6.15.)
    """

    BLOCK_TYPE: ClassVar[int] = 0x0055
    BLOCK_ID: ClassVar[str] = "kernel_symbol_bundle"
    LAYOUT_ID: ClassVar[str] = "kernel_symbol_bundle"
    DIALECTS: ClassVar[tuple[str, ...]] = ("spec-1.0", "spec-1.1")
    PAYLOAD_VERSIONS: ClassVar[tuple[int, ...]] = (1,)
    FIELDS: ClassVar[tuple[FieldInfo, ...]] = (
        FieldInfo(id="num_rows", kind="int", orig="RowCount", offset=0x00, size=4),
        FieldInfo(id="reserved", kind="int", reserved=True, orig="Reserved", offset=0x04, size=4),
        FieldInfo(id="rows", kind="list", orig="Rows", offset=0x08),
    )

    num_rows: int | None = None
    reserved: int = 0
    rows: list[KsbRow] = field(default_factory=list)

    @classmethod
    def decode(cls, data: bytes | bytearray | memoryview, endian: str = "<") -> KernelSymbolBundle:
        """Decode a whole buffer as one KernelSymbolBundle.

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
    def decode_at(cls, view: memoryview, pos: int, end: int, endian: str) -> tuple[KernelSymbolBundle, int]:
        """Decode at ``pos`` without reading past ``end``; return it and the position after it."""
        need(view, pos, 8, end, "KernelSymbolBundle.num_rows")
        (f_num_rows, f_reserved) = _KERNEL_SYMBOL_BUNDLE_NUM_ROWS_TO_RESERVED[endian].unpack_from(view, pos)
        pos += 8
        f_rows = []
        check_count(f_num_rows, 4, pos, end, "KernelSymbolBundle.rows")
        for _ in range(f_num_rows):
            try:
                item, pos = KsbRow.decode_at(view, pos, end, endian)
            except MslError as exc:
                raise nest(exc, f"KernelSymbolBundle.rows[{len(f_rows)}]") from None
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
        parts.append(_KERNEL_SYMBOL_BUNDLE_NUM_ROWS_TO_RESERVED[endian].pack(f_num_rows, f_reserved))
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


LAYOUTS = (KernelSymbolBundle, )
"""Payload layouts of this block type, each with the dialects and payload versions it serves."""
