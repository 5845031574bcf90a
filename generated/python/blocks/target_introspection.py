# Generated from spec/blocks/target_introspection.yaml by `msl codegen`.
# Do not edit: change the YAML and regenerate.
"""Target Introspection (block type 0x0058, spec cat:6.18, since 1.1).

Extra facts about the captured process from /proc (tracer, audit ids, SELinux context,
namespaces, cgroup, capabilities, seccomp, I/O counters, limits, ancestry, environment).
memslicer only (0.2.7, the reverseame fork, 0.5.2), written in investigation mode; announced by
TableBitmap bit 9; no capability bit and no ParentUUID.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from struct import Struct
from typing import ClassVar

from memslice.generated._support import FieldInfo, Finding, MslError, need, nest, read_bytes, sized

BLOCK_TYPE = 0x0058
BLOCK_ID = "target_introspection"
TITLE = "Target Introspection"
STATUS = "defined"
NAMESPACE = "capture"
CAP_BIT = None
PARENT = None
IN_EXTENSION = False

_TARGET_INTROSPECTION_ROW_TAG_TO_LEN_VALUE = {"<": Struct("<HH"), ">": Struct(">HH")}
_TARGET_INTROSPECTION_TARGET_PID_TO_RESERVED = {"<": Struct("<II"), ">": Struct(">II")}


@dataclass(slots=True)
class TargetIntrospectionRow:
    """Structure ``target_introspection_row``.

    One TLV row (4 + Len bytes).

    Spec: cat:6.18. Source: blocks/target_introspection.yaml:types.target_introspection_row.

    Attributes:
        tag: What the value is (see target_introspection_tag for its type); 0 ends the rows. (Tag,
            +0x00, spec cat:6.18.)
        len_value: Byte length of value. (Len, +0x02, spec cat:6.18.)
        value: Raw value; its type follows from the tag. (Value, +0x04, spec cat:6.18.)
    """

    FIELDS: ClassVar[tuple[FieldInfo, ...]] = (
        FieldInfo(id="tag", kind="int", enum="target_introspection_tag", orig="Tag", offset=0x00, size=2),
        FieldInfo(id="len_value", kind="int", orig="Len", offset=0x02, size=2),
        FieldInfo(id="value", kind="bytes", orig="Value", offset=0x04),
    )

    tag: int = 0
    len_value: int | None = None
    value: bytes = b""

    @classmethod
    def decode(cls, data: bytes | bytearray | memoryview, endian: str = "<") -> TargetIntrospectionRow:
        """Decode a whole buffer as one TargetIntrospectionRow.

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
    def decode_at(cls, view: memoryview, pos: int, end: int, endian: str) -> tuple[TargetIntrospectionRow, int]:
        """Decode at ``pos`` without reading past ``end``; return it and the position after it."""
        need(view, pos, 4, end, "TargetIntrospectionRow.tag")
        (f_tag, f_len_value) = _TARGET_INTROSPECTION_ROW_TAG_TO_LEN_VALUE[endian].unpack_from(view, pos)
        pos += 4
        f_value, pos = read_bytes(view, pos, f_len_value, end, False, "TargetIntrospectionRow.value", copy=True)
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
        parts.append(_TARGET_INTROSPECTION_ROW_TAG_TO_LEN_VALUE[endian].pack(f_tag, f_len_value))
        parts.append(sized(self.value, f_len_value, "TargetIntrospectionRow.value"))
        return parts

    def check(self) -> list[Finding]:
        """Constraints from the schema that this value breaks (reserved fields, ranges, ...)."""
        found: list[Finding] = []
        return found


@dataclass(slots=True)
class TargetIntrospection:
    """Payload layout ``target_introspection`` of block target_introspection (dialects: spec-1.0, spec-1.1).

    TargetPID, Reserved, then TLV rows (Tag u16, Len u16, Value[Len]) with NO row count: a reader
    walks rows until a row with Tag = Len = 0 (the start of memslicer's zero block padding; tag 0 is
    never used) or until fewer than 4 bytes remain, i.e. also at the end of the payload (when the
    rows happen to end on a multiple of 8 there is no padding and no terminator row; with 1 to 3
    padding bytes left there is no room for one). Zero or empty values are not emitted (D15).
    Unknown tags are skipped by length.

    Spec: cat:6.18. Source: blocks/target_introspection.yaml:layouts[0].

    Attributes:
        target_pid: PID of the target these facts describe (multi-target disambiguation).
            (TargetPID, +0x00, spec cat:6.18.)
        reserved: Reserved; zero. (Reserved, +0x04, spec cat:6.18.)
        rows: The TLV rows, up to and including a Tag = Len = 0 row; the walk also stops at the end
            of the payload (or when fewer than 4 bytes remain). (Rows, +0x08, spec cat:6.18.)
    """

    BLOCK_TYPE: ClassVar[int] = 0x0058
    BLOCK_ID: ClassVar[str] = "target_introspection"
    LAYOUT_ID: ClassVar[str] = "target_introspection"
    DIALECTS: ClassVar[tuple[str, ...]] = ("spec-1.0", "spec-1.1")
    PAYLOAD_VERSIONS: ClassVar[tuple[int, ...]] = (1,)
    FIELDS: ClassVar[tuple[FieldInfo, ...]] = (
        FieldInfo(id="target_pid", kind="int", orig="TargetPID", offset=0x00, size=4),
        FieldInfo(id="reserved", kind="int", reserved=True, orig="Reserved", offset=0x04, size=4),
        FieldInfo(id="rows", kind="list", orig="Rows", offset=0x08),
    )

    target_pid: int = 0
    reserved: int = 0
    rows: list[TargetIntrospectionRow] = field(default_factory=list)

    @classmethod
    def decode(cls, data: bytes | bytearray | memoryview, endian: str = "<") -> TargetIntrospection:
        """Decode a whole buffer as one TargetIntrospection.

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
    def decode_at(cls, view: memoryview, pos: int, end: int, endian: str) -> tuple[TargetIntrospection, int]:
        """Decode at ``pos`` without reading past ``end``; return it and the position after it."""
        need(view, pos, 8, end, "TargetIntrospection.target_pid")
        (
            f_target_pid,
            f_reserved,
        ) = _TARGET_INTROSPECTION_TARGET_PID_TO_RESERVED[endian].unpack_from(view, pos)
        pos += 8
        f_rows = []
        while end - pos >= 4:
            try:
                item, pos = TargetIntrospectionRow.decode_at(view, pos, end, endian)
            except MslError as exc:
                raise nest(exc, f"TargetIntrospection.rows[{len(f_rows)}]") from None
            f_rows.append(item)
            if (item.tag == 0) and (item.len_value == 0):
                break
        obj = cls(target_pid=f_target_pid, reserved=f_reserved, rows=f_rows)
        return obj, pos

    def encode(self, endian: str = "<") -> bytes:
        """Encode to bytes (length and count fields left as None are computed)."""
        return b"".join(self.encode_parts(endian))

    def encode_parts(self, endian: str = "<") -> list[bytes | memoryview]:
        """Encode as a list of byte chunks, without copying large data such as page bytes."""
        parts: list[bytes | memoryview] = []
        f_target_pid = self.target_pid
        f_reserved = self.reserved or 0
        parts.append(_TARGET_INTROSPECTION_TARGET_PID_TO_RESERVED[endian].pack(f_target_pid, f_reserved))
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


LAYOUTS = (TargetIntrospection, )
"""Payload layouts of this block type, each with the dialects and payload versions it serves."""
