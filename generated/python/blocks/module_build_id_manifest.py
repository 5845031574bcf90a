# Generated from spec/blocks/module_build_id_manifest.yaml by `msl codegen`.
# Do not edit: change the YAML and regenerate.
"""Module BuildId Manifest (block type 0x005A, spec 1.1:5.10, since 1.1).

Build ids (and disk hashes) of loaded modules, keyed by BaseAddr, found during or after capture.
Readers merge its rows into the module list by BaseAddr; a non-zero DiskHash supersedes an all-
zero one in the matching Module Entry; rows that match no module are reported (memdiver 1.0.2's
1.1 document; its code does not implement it, D9). memslicer 0.2.7's memslicer-enrich appended
it after a copy of the file with a new End-of-Capture from a throw-away writer (breaking the
chain, D10); 0.5.2 appends it in an extension segment (or a sealed segment of an encrypted
file). TableBitmap bit 8 is reserved for it and never set; no capability bit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from struct import Struct
from typing import ClassVar

from memslice.generated._support import ZERO_HASH, FieldInfo, Finding, MslError, check_count, need, nest

BLOCK_TYPE = 0x005A
BLOCK_ID = "module_build_id_manifest"
TITLE = "Module BuildId Manifest"
STATUS = "defined"
NAMESPACE = "capture"
CAP_BIT = None
PARENT = None
IN_EXTENSION = True

_BUILD_ID_ROW_BASE_ADDR_TO_DISK_HASH = {"<": Struct("<QBBBB20s32s"), ">": Struct(">QBBBB20s32s")}
_MODULE_BUILD_ID_MANIFEST_NUM_ROWS_TO_RESERVED = {"<": Struct("<II"), ">": Struct(">II")}


@dataclass(slots=True)
class BuildIdRow:
    """Structure ``build_id_row``.

    One module's build id (64 bytes).

    Spec: 1.1:5.10. Source: blocks/module_build_id_manifest.yaml:types.build_id_row.

    Attributes:
        base_addr: Load address; the key matching a Module Entry. (BaseAddr, +0x00, spec 1.1:5.10.)
        len_build_id: Significant bytes of build_id: 0, 16 or 20. (BuildIdLen, +0x08, spec
            1.1:5.10.)
        build_id_source: Where the build id came from. (BuildIdSource, +0x09, spec 1.1:5.10.)
        flags: Mapping flags (deleted, memfd, anonymous RWX, unlinked). (Flags, +0x0A, spec
            1.1:5.10.)
        reserved: Reserved; zero. (Reserved, +0x0B, spec 1.1:5.10.)
        build_id: Build id, zero-padded to 20 bytes. (BuildId, +0x0C, spec 1.1:5.10.)
        disk_hash: Hash of the file on disk; all zero = none. (DiskHash, +0x20, spec 1.1:5.10.)
    """

    FIELDS: ClassVar[tuple[FieldInfo, ...]] = (
        FieldInfo(id="base_addr", kind="int", format="addr", orig="BaseAddr", offset=0x00, size=8),
        FieldInfo(id="len_build_id", kind="int", orig="BuildIdLen", offset=0x08, size=1),
        FieldInfo(id="build_id_source", kind="int", enum="build_id_source", orig="BuildIdSource", offset=0x09, size=1),
        FieldInfo(id="flags", kind="int", format="hex", flags="build_id_flags", orig="Flags", offset=0x0A, size=1),
        FieldInfo(id="reserved", kind="int", reserved=True, orig="Reserved", offset=0x0B, size=1),
        FieldInfo(id="build_id", kind="bytes", orig="BuildId", offset=0x0C, size=20),
        FieldInfo(id="disk_hash", kind="hash", orig="DiskHash", offset=0x20, size=32),
    )

    base_addr: int = 0
    len_build_id: int = 0
    build_id_source: int = 0
    flags: int = 0
    reserved: int = 0
    build_id: bytes = bytes(20)
    disk_hash: bytes = ZERO_HASH

    @classmethod
    def decode(cls, data: bytes | bytearray | memoryview, endian: str = "<") -> BuildIdRow:
        """Decode a whole buffer as one BuildIdRow.

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
    def decode_at(cls, view: memoryview, pos: int, end: int, endian: str) -> tuple[BuildIdRow, int]:
        """Decode at ``pos`` without reading past ``end``; return it and the position after it."""
        need(view, pos, 64, end, "BuildIdRow.base_addr")
        (
            f_base_addr,
            f_len_build_id,
            f_build_id_source,
            f_flags,
            f_reserved,
            f_build_id,
            f_disk_hash,
        ) = _BUILD_ID_ROW_BASE_ADDR_TO_DISK_HASH[endian].unpack_from(view, pos)
        pos += 64
        obj = cls(
            base_addr=f_base_addr,
            len_build_id=f_len_build_id,
            build_id_source=f_build_id_source,
            flags=f_flags,
            reserved=f_reserved,
            build_id=f_build_id,
            disk_hash=f_disk_hash,
        )
        return obj, pos

    def encode(self, endian: str = "<") -> bytes:
        """Encode to bytes (length and count fields left as None are computed)."""
        return b"".join(self.encode_parts(endian))

    def encode_parts(self, endian: str = "<") -> list[bytes | memoryview]:
        """Encode as a list of byte chunks, without copying large data such as page bytes."""
        parts: list[bytes | memoryview] = []
        f_base_addr = self.base_addr
        f_len_build_id = self.len_build_id
        f_build_id_source = self.build_id_source
        f_flags = self.flags
        f_reserved = self.reserved or 0
        parts.append(_BUILD_ID_ROW_BASE_ADDR_TO_DISK_HASH[endian].pack(
            f_base_addr,
            f_len_build_id,
            f_build_id_source,
            f_flags,
            f_reserved,
            self.build_id,
            self.disk_hash,
        ))
        return parts

    def check(self) -> list[Finding]:
        """Constraints from the schema that this value breaks (reserved fields, ranges, ...)."""
        found: list[Finding] = []
        if self.len_build_id > 20:
            found.append(Finding("len_build_id", None, "must be <= 20"))
        if self.reserved != 0:
            found.append(Finding("reserved", "P5", "reserved field is not zero"))
        return found


@dataclass(slots=True)
class ModuleBuildIdManifest:
    """Payload layout ``module_build_id_manifest`` of block module_build_id_manifest (dialects: spec-1.0, spec-1.1).

    RowCount, Reserved, then RowCount fixed 64-byte rows (no variable fields).

    Spec: cat:6.20. Source: blocks/module_build_id_manifest.yaml:layouts[0].

    Attributes:
        num_rows: Number of rows. (RowCount, +0x00, spec cat:6.20.)
        reserved: Reserved; zero. (Reserved, +0x04, spec cat:6.20.)
        rows: The rows. (Rows, +0x08, spec cat:6.20.)
    """

    BLOCK_TYPE: ClassVar[int] = 0x005A
    BLOCK_ID: ClassVar[str] = "module_build_id_manifest"
    LAYOUT_ID: ClassVar[str] = "module_build_id_manifest"
    DIALECTS: ClassVar[tuple[str, ...]] = ("spec-1.0", "spec-1.1")
    PAYLOAD_VERSIONS: ClassVar[tuple[int, ...]] = (1,)
    FIELDS: ClassVar[tuple[FieldInfo, ...]] = (
        FieldInfo(id="num_rows", kind="int", orig="RowCount", offset=0x00, size=4),
        FieldInfo(id="reserved", kind="int", reserved=True, orig="Reserved", offset=0x04, size=4),
        FieldInfo(id="rows", kind="list", orig="Rows", offset=0x08),
    )

    num_rows: int | None = None
    reserved: int = 0
    rows: list[BuildIdRow] = field(default_factory=list)

    @classmethod
    def decode(cls, data: bytes | bytearray | memoryview, endian: str = "<") -> ModuleBuildIdManifest:
        """Decode a whole buffer as one ModuleBuildIdManifest.

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
    def decode_at(cls, view: memoryview, pos: int, end: int, endian: str) -> tuple[ModuleBuildIdManifest, int]:
        """Decode at ``pos`` without reading past ``end``; return it and the position after it."""
        need(view, pos, 8, end, "ModuleBuildIdManifest.num_rows")
        (
            f_num_rows,
            f_reserved,
        ) = _MODULE_BUILD_ID_MANIFEST_NUM_ROWS_TO_RESERVED[endian].unpack_from(view, pos)
        pos += 8
        f_rows = []
        check_count(f_num_rows, 64, pos, end, "ModuleBuildIdManifest.rows")
        for _ in range(f_num_rows):
            try:
                item, pos = BuildIdRow.decode_at(view, pos, end, endian)
            except MslError as exc:
                raise nest(exc, f"ModuleBuildIdManifest.rows[{len(f_rows)}]") from None
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
        parts.append(_MODULE_BUILD_ID_MANIFEST_NUM_ROWS_TO_RESERVED[endian].pack(f_num_rows, f_reserved))
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


LAYOUTS = (ModuleBuildIdManifest, )
"""Payload layouts of this block type, each with the dialects and payload versions it serves."""
