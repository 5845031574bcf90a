# Generated from spec/blocks/persistence_manifest.yaml by `msl codegen`.
# Do not edit: change the YAML and regenerate.
"""Persistence Manifest (block type 0x0056, spec cat:6.16, since 1.1).

Names and metadata (never content) of the files of the host's usual persistence mechanisms:
systemd units, crontabs, rc.local, profile.d, PAM, udev, modprobe.d, generators, modules-load.d.
memslicer only (0.2.7, the reverseame fork, 0.5.2), written in investigation mode; announced by
TableBitmap bit 6; no capability bit and no ParentUUID.
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

BLOCK_TYPE = 0x0056
BLOCK_ID = "persistence_manifest"
TITLE = "Persistence Manifest"
STATUS = "defined"
NAMESPACE = "capture"
CAP_BIT = None
PARENT = None
IN_EXTENSION = False

_PERSISTENCE_ROW_SOURCE_TO_LEN_PATH = {"<": Struct("<BBH"), ">": Struct(">BBH")}
_PERSISTENCE_ROW_MTIME_NS_TO_MODE = {"<": Struct("<QQI"), ">": Struct(">QQI")}
_PERSISTENCE_MANIFEST_NUM_ROWS_TO_RESERVED = {"<": Struct("<II"), ">": Struct(">II")}


@dataclass(slots=True)
class PersistenceRow:
    """Structure ``persistence_row``.

    One persistence file (24 + PathLen bytes).

    Spec: cat:6.16. Source: blocks/persistence_manifest.yaml:types.persistence_row.

    Attributes:
        source: Persistence mechanism the file belongs to. (Source, +0x00, spec cat:6.16.)
        reserved: Reserved; zero. (Reserved, +0x01, spec cat:6.16.)
        len_path: Byte length of path (no NUL). (PathLen, +0x02, spec cat:6.16.)
        path: File path (UTF-8, unterminated, unpadded). (Path, +0x04, spec cat:6.16.)
        mtime_ns: File modification time (ns since the Unix epoch). (MtimeNs, variable offset, spec
            cat:6.16.)
        size: File size in bytes. (Size, variable offset, spec cat:6.16.)
        mode: st_mode (type and permission bits). (Mode, variable offset, spec cat:6.16.)
    """

    FIELDS: ClassVar[tuple[FieldInfo, ...]] = (
        FieldInfo(id="source", kind="int", enum="persistence_source", orig="Source", offset=0x00, size=1),
        FieldInfo(id="reserved", kind="int", reserved=True, orig="Reserved", offset=0x01, size=1),
        FieldInfo(id="len_path", kind="int", orig="PathLen", offset=0x02, size=2),
        FieldInfo(id="path", kind="str", orig="Path", offset=0x04),
        FieldInfo(id="mtime_ns", kind="int", orig="MtimeNs", size=8),
        FieldInfo(id="size", kind="int", orig="Size", size=8),
        FieldInfo(id="mode", kind="int", format="hex", orig="Mode", size=4),
    )

    source: int = 0
    reserved: int = 0
    len_path: int | None = None
    path: str | None = None
    mtime_ns: int = 0
    size: int = 0
    mode: int = 0

    @classmethod
    def decode(cls, data: bytes | bytearray | memoryview, endian: str = "<") -> PersistenceRow:
        """Decode a whole buffer as one PersistenceRow.

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
    def decode_at(cls, view: memoryview, pos: int, end: int, endian: str) -> tuple[PersistenceRow, int]:
        """Decode at ``pos`` without reading past ``end``; return it and the position after it."""
        need(view, pos, 4, end, "PersistenceRow.source")
        (
            f_source,
            f_reserved,
            f_len_path,
        ) = _PERSISTENCE_ROW_SOURCE_TO_LEN_PATH[endian].unpack_from(view, pos)
        pos += 4
        f_path, pos = read_str(view, pos, f_len_path, end, False, "none", "PersistenceRow.path")
        need(view, pos, 20, end, "PersistenceRow.mtime_ns")
        (f_mtime_ns, f_size, f_mode) = _PERSISTENCE_ROW_MTIME_NS_TO_MODE[endian].unpack_from(view, pos)
        pos += 20
        obj = cls(
            source=f_source,
            reserved=f_reserved,
            len_path=f_len_path,
            path=f_path,
            mtime_ns=f_mtime_ns,
            size=f_size,
            mode=f_mode,
        )
        return obj, pos

    def encode(self, endian: str = "<") -> bytes:
        """Encode to bytes (length and count fields left as None are computed)."""
        return b"".join(self.encode_parts(endian))

    def encode_parts(self, endian: str = "<") -> list[bytes | memoryview]:
        """Encode as a list of byte chunks, without copying large data such as page bytes."""
        parts: list[bytes | memoryview] = []
        raw_path = encode_str(self.path, "none")
        f_source = self.source
        f_reserved = self.reserved or 0
        f_len_path = self.len_path
        if f_len_path is None:
            f_len_path = len(raw_path)
        f_mtime_ns = self.mtime_ns
        f_size = self.size
        f_mode = self.mode
        parts.append(_PERSISTENCE_ROW_SOURCE_TO_LEN_PATH[endian].pack(f_source, f_reserved, f_len_path))
        parts.append(sized(raw_path, f_len_path, "PersistenceRow.path"))
        parts.append(_PERSISTENCE_ROW_MTIME_NS_TO_MODE[endian].pack(f_mtime_ns, f_size, f_mode))
        return parts

    def check(self) -> list[Finding]:
        """Constraints from the schema that this value breaks (reserved fields, ranges, ...)."""
        found: list[Finding] = []
        if self.reserved != 0:
            found.append(Finding("reserved", "P5", "reserved field is not zero"))
        return found


@dataclass(slots=True)
class PersistenceManifest:
    """Payload layout ``persistence_manifest`` of block persistence_manifest (dialects: spec-1.0, spec-1.1).

    RowCount, Reserved, then RowCount rows of 24 + PathLen bytes, packed without alignment.

    Spec: cat:6.16. Source: blocks/persistence_manifest.yaml:layouts[0].

    Attributes:
        num_rows: Number of rows (memslicer counts the rows written). (RowCount, +0x00, spec
            cat:6.16.)
        reserved: Reserved; zero. (Reserved, +0x04, spec cat:6.16.)
        rows: The rows. (Rows, +0x08, spec cat:6.16.)
    """

    BLOCK_TYPE: ClassVar[int] = 0x0056
    BLOCK_ID: ClassVar[str] = "persistence_manifest"
    LAYOUT_ID: ClassVar[str] = "persistence_manifest"
    DIALECTS: ClassVar[tuple[str, ...]] = ("spec-1.0", "spec-1.1")
    PAYLOAD_VERSIONS: ClassVar[tuple[int, ...]] = (1,)
    FIELDS: ClassVar[tuple[FieldInfo, ...]] = (
        FieldInfo(id="num_rows", kind="int", orig="RowCount", offset=0x00, size=4),
        FieldInfo(id="reserved", kind="int", reserved=True, orig="Reserved", offset=0x04, size=4),
        FieldInfo(id="rows", kind="list", orig="Rows", offset=0x08),
    )

    num_rows: int | None = None
    reserved: int = 0
    rows: list[PersistenceRow] = field(default_factory=list)

    @classmethod
    def decode(cls, data: bytes | bytearray | memoryview, endian: str = "<") -> PersistenceManifest:
        """Decode a whole buffer as one PersistenceManifest.

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
    def decode_at(cls, view: memoryview, pos: int, end: int, endian: str) -> tuple[PersistenceManifest, int]:
        """Decode at ``pos`` without reading past ``end``; return it and the position after it."""
        need(view, pos, 8, end, "PersistenceManifest.num_rows")
        (f_num_rows, f_reserved) = _PERSISTENCE_MANIFEST_NUM_ROWS_TO_RESERVED[endian].unpack_from(view, pos)
        pos += 8
        f_rows = []
        check_count(f_num_rows, 4, pos, end, "PersistenceManifest.rows")
        for _ in range(f_num_rows):
            try:
                item, pos = PersistenceRow.decode_at(view, pos, end, endian)
            except MslError as exc:
                raise nest(exc, f"PersistenceManifest.rows[{len(f_rows)}]") from None
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
        parts.append(_PERSISTENCE_MANIFEST_NUM_ROWS_TO_RESERVED[endian].pack(f_num_rows, f_reserved))
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


LAYOUTS = (PersistenceManifest, )
"""Payload layouts of this block type, each with the dialects and payload versions it serves."""
