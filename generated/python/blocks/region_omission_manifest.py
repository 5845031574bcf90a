# Generated from spec/blocks/region_omission_manifest.yaml by `msl codegen`.
# Do not edit: change the YAML and regenerate.
"""Region Omission Manifest (block type 0x005B, spec 1.1:5.11, since 1.1).

Address ranges the acquirer skipped on purpose (module exclusion patterns, capture scope), so
that a reader can tell a deliberately partial dump from an incomplete one. Emitted only when at
least one range was skipped; such ranges are absent from the region stream but present in the
VAS Map. memslicer 0.5.2 only (it calls it a "non-spec extension"; memdiver 1.0.2 documents it
as 1.1 section 5.11 but does not implement it, D9). No capability bit; ParentUUID zero.
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

BLOCK_TYPE = 0x005B
BLOCK_ID = "region_omission_manifest"
TITLE = "Region Omission Manifest"
STATUS = "defined"
NAMESPACE = "capture"
CAP_BIT = None
PARENT = None
IN_EXTENSION = True

_OMISSION_ROW_BASE_ADDR_TO_RESERVED2 = {"<": Struct("<QQBBBBHH"), ">": Struct(">QQBBBBHH")}
_REGION_OMISSION_MANIFEST_NUM_ROWS_TO_RESERVED2 = {"<": Struct("<IIHHI"), ">": Struct(">IIHHI")}


@dataclass(slots=True)
class OmissionRow:
    """Structure ``omission_row``.

    One omitted range (24 + pad8(NameLen) bytes).

    Spec: cat:6.21. Source: blocks/region_omission_manifest.yaml:types.omission_row.

    Attributes:
        base_addr: Start of the omitted range. (BaseAddr, +0x00, spec cat:6.21.)
        region_size: Size of the omitted range in bytes. (Size, +0x08, spec cat:6.21.)
        protection: Protection bits, as in Memory Region. (Protection, +0x10, spec cat:6.21.)
        region_type: Kind of region, as in Memory Region. (RegionType, +0x11, spec cat:6.21.)
        reason: Why the range was skipped (3 and up reserved). (Reason, +0x12, spec cat:6.21.)
        reserved: Reserved; zero. (Reserved, +0x13, spec cat:6.21.)
        len_name: Byte length of name (no NUL). (NameLen, +0x14, spec cat:6.21.)
        reserved2: Reserved; zero. (Reserved2, +0x16, spec cat:6.21.)
        name: Mapping name (UTF-8, unterminated). (Name, +0x18, spec cat:6.21.)
    """

    FIELDS: ClassVar[tuple[FieldInfo, ...]] = (
        FieldInfo(id="base_addr", kind="int", format="addr", orig="BaseAddr", offset=0x00, size=8),
        FieldInfo(id="region_size", kind="int", format="addr", orig="Size", offset=0x08, size=8),
        FieldInfo(id="protection", kind="int", flags="protection", orig="Protection", offset=0x10, size=1),
        FieldInfo(id="region_type", kind="int", enum="region_type", orig="RegionType", offset=0x11, size=1),
        FieldInfo(id="reason", kind="int", enum="omission_reason", orig="Reason", offset=0x12, size=1),
        FieldInfo(id="reserved", kind="int", reserved=True, orig="Reserved", offset=0x13, size=1),
        FieldInfo(id="len_name", kind="int", orig="NameLen", offset=0x14, size=2),
        FieldInfo(id="reserved2", kind="int", reserved=True, orig="Reserved2", offset=0x16, size=2),
        FieldInfo(id="name", kind="str", orig="Name", offset=0x18),
    )

    base_addr: int = 0
    region_size: int = 0
    protection: int = 0
    region_type: int = 0
    reason: int = 0
    reserved: int = 0
    len_name: int | None = None
    reserved2: int = 0
    name: str | None = None

    @classmethod
    def decode(cls, data: bytes | bytearray | memoryview, endian: str = "<") -> OmissionRow:
        """Decode a whole buffer as one OmissionRow.

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
    def decode_at(cls, view: memoryview, pos: int, end: int, endian: str) -> tuple[OmissionRow, int]:
        """Decode at ``pos`` without reading past ``end``; return it and the position after it."""
        need(view, pos, 24, end, "OmissionRow.base_addr")
        (
            f_base_addr,
            f_region_size,
            f_protection,
            f_region_type,
            f_reason,
            f_reserved,
            f_len_name,
            f_reserved2,
        ) = _OMISSION_ROW_BASE_ADDR_TO_RESERVED2[endian].unpack_from(view, pos)
        pos += 24
        f_name, pos = read_str(view, pos, f_len_name, end, True, "none", "OmissionRow.name")
        obj = cls(
            base_addr=f_base_addr,
            region_size=f_region_size,
            protection=f_protection,
            region_type=f_region_type,
            reason=f_reason,
            reserved=f_reserved,
            len_name=f_len_name,
            reserved2=f_reserved2,
            name=f_name,
        )
        return obj, pos

    def encode(self, endian: str = "<") -> bytes:
        """Encode to bytes (length and count fields left as None are computed)."""
        return b"".join(self.encode_parts(endian))

    def encode_parts(self, endian: str = "<") -> list[bytes | memoryview]:
        """Encode as a list of byte chunks, without copying large data such as page bytes."""
        parts: list[bytes | memoryview] = []
        raw_name = encode_str(self.name, "none")
        f_base_addr = self.base_addr
        f_region_size = self.region_size
        f_protection = self.protection
        f_region_type = self.region_type
        f_reason = self.reason
        f_reserved = self.reserved or 0
        f_len_name = self.len_name
        if f_len_name is None:
            f_len_name = len(raw_name)
        f_reserved2 = self.reserved2 or 0
        parts.append(_OMISSION_ROW_BASE_ADDR_TO_RESERVED2[endian].pack(
            f_base_addr,
            f_region_size,
            f_protection,
            f_region_type,
            f_reason,
            f_reserved,
            f_len_name,
            f_reserved2,
        ))
        parts.append(sized(raw_name, f_len_name, "OmissionRow.name"))
        parts.append(padding(f_len_name))
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
class RegionOmissionManifest:
    """Payload layout ``region_omission_manifest`` of block region_omission_manifest (dialects: spec-1.1).

    16-byte head, the scope and pattern strings (pad8), then RowCount rows. All strings here are
    UTF-8 without NUL, padded to 8, and MUST NOT contain NUL.

    Spec: cat:6.21. Source: blocks/region_omission_manifest.yaml:layouts[0].

    Attributes:
        num_rows: Number of omitted ranges. (RowCount, +0x00, spec cat:6.21.)
        reserved: Reserved; zero. (Reserved, +0x04, spec cat:6.21.)
        len_scope: Byte length of scope (no NUL). (ScopeLen, +0x08, spec cat:6.21.)
        len_patterns: Byte length of patterns (no NUL). (PatternsLen, +0x0A, spec cat:6.21.)
        reserved2: Reserved; zero. (Reserved2, +0x0C, spec cat:6.21.)
        scope: Capture scope, e.g. 'heap,stack' (UTF-8, unterminated). (Scope, +0x10, spec
            cat:6.21.)
        patterns: Newline-joined exclusion globs (UTF-8, unterminated). (Patterns, variable offset,
            spec cat:6.21.)
        rows: The omitted ranges. (Rows, variable offset, spec cat:6.21.)
    """

    BLOCK_TYPE: ClassVar[int] = 0x005B
    BLOCK_ID: ClassVar[str] = "region_omission_manifest"
    LAYOUT_ID: ClassVar[str] = "region_omission_manifest"
    DIALECTS: ClassVar[tuple[str, ...]] = ("spec-1.1",)
    PAYLOAD_VERSIONS: ClassVar[tuple[int, ...]] = (1,)
    FIELDS: ClassVar[tuple[FieldInfo, ...]] = (
        FieldInfo(id="num_rows", kind="int", orig="RowCount", offset=0x00, size=4),
        FieldInfo(id="reserved", kind="int", reserved=True, orig="Reserved", offset=0x04, size=4),
        FieldInfo(id="len_scope", kind="int", orig="ScopeLen", offset=0x08, size=2),
        FieldInfo(id="len_patterns", kind="int", orig="PatternsLen", offset=0x0A, size=2),
        FieldInfo(id="reserved2", kind="int", reserved=True, orig="Reserved2", offset=0x0C, size=4),
        FieldInfo(id="scope", kind="str", orig="Scope", offset=0x10),
        FieldInfo(id="patterns", kind="str", orig="Patterns"),
        FieldInfo(id="rows", kind="list", orig="Rows"),
    )

    num_rows: int | None = None
    reserved: int = 0
    len_scope: int | None = None
    len_patterns: int | None = None
    reserved2: int = 0
    scope: str | None = None
    patterns: str | None = None
    rows: list[OmissionRow] = field(default_factory=list)

    @classmethod
    def decode(cls, data: bytes | bytearray | memoryview, endian: str = "<") -> RegionOmissionManifest:
        """Decode a whole buffer as one RegionOmissionManifest.

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
    def decode_at(cls, view: memoryview, pos: int, end: int, endian: str) -> tuple[RegionOmissionManifest, int]:
        """Decode at ``pos`` without reading past ``end``; return it and the position after it."""
        need(view, pos, 16, end, "RegionOmissionManifest.num_rows")
        (
            f_num_rows,
            f_reserved,
            f_len_scope,
            f_len_patterns,
            f_reserved2,
        ) = _REGION_OMISSION_MANIFEST_NUM_ROWS_TO_RESERVED2[endian].unpack_from(view, pos)
        pos += 16
        f_scope, pos = read_str(view, pos, f_len_scope, end, True, "none", "RegionOmissionManifest.scope")
        f_patterns, pos = read_str(view, pos, f_len_patterns, end, True, "none", "RegionOmissionManifest.patterns")
        f_rows = []
        check_count(f_num_rows, 24, pos, end, "RegionOmissionManifest.rows")
        for _ in range(f_num_rows):
            try:
                item, pos = OmissionRow.decode_at(view, pos, end, endian)
            except MslError as exc:
                raise nest(exc, f"RegionOmissionManifest.rows[{len(f_rows)}]") from None
            f_rows.append(item)
        obj = cls(
            num_rows=f_num_rows,
            reserved=f_reserved,
            len_scope=f_len_scope,
            len_patterns=f_len_patterns,
            reserved2=f_reserved2,
            scope=f_scope,
            patterns=f_patterns,
            rows=f_rows,
        )
        return obj, pos

    def encode(self, endian: str = "<") -> bytes:
        """Encode to bytes (length and count fields left as None are computed)."""
        return b"".join(self.encode_parts(endian))

    def encode_parts(self, endian: str = "<") -> list[bytes | memoryview]:
        """Encode as a list of byte chunks, without copying large data such as page bytes."""
        parts: list[bytes | memoryview] = []
        raw_scope = encode_str(self.scope, "none")
        raw_patterns = encode_str(self.patterns, "none")
        f_num_rows = self.num_rows
        if f_num_rows is None:
            f_num_rows = len(self.rows)
        f_reserved = self.reserved or 0
        f_len_scope = self.len_scope
        if f_len_scope is None:
            f_len_scope = len(raw_scope)
        f_len_patterns = self.len_patterns
        if f_len_patterns is None:
            f_len_patterns = len(raw_patterns)
        f_reserved2 = self.reserved2 or 0
        parts.append(_REGION_OMISSION_MANIFEST_NUM_ROWS_TO_RESERVED2[endian].pack(
            f_num_rows,
            f_reserved,
            f_len_scope,
            f_len_patterns,
            f_reserved2,
        ))
        parts.append(sized(raw_scope, f_len_scope, "RegionOmissionManifest.scope"))
        parts.append(padding(f_len_scope))
        parts.append(sized(raw_patterns, f_len_patterns, "RegionOmissionManifest.patterns"))
        parts.append(padding(f_len_patterns))
        for item in self.rows:
            parts += item.encode_parts(endian)
        return parts

    def check(self) -> list[Finding]:
        """Constraints from the schema that this value breaks (reserved fields, ranges, ...)."""
        found: list[Finding] = []
        if self.reserved != 0:
            found.append(Finding("reserved", "P5", "reserved field is not zero"))
        if self.reserved2 != 0:
            found.append(Finding("reserved2", "P5", "reserved field is not zero"))
        for item in self.rows or ():
            found += item.check()
        return found


LAYOUTS = (RegionOmissionManifest, )
"""Payload layouts of this block type, each with the dialects and payload versions it serves."""
