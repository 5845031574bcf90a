# Generated from spec/blocks/module_list_index.yaml by `msl codegen`.
# Do not edit: change the YAML and regenerate.
"""Module List Index (block type 0x0010, spec 5.3, since 1.0).

Manifest of every loaded module with the BlockUUID each Module Entry will carry, so a reader
knows the module map after two blocks. Block 1 of a live capture (A2).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from struct import Struct
from typing import ClassVar

from memslice.generated._support import (
    ZERO_UUID,
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

BLOCK_TYPE = 0x0010
BLOCK_ID = "module_list_index"
TITLE = "Module List Index"
STATUS = "defined"
NAMESPACE = "capture"
CAP_BIT = "module_list"
PARENT = None
IN_EXTENSION = False

_MODULE_MANIFEST_ENTRY_MODULE_UUID_TO_RESERVED2 = {"<": Struct("<16sQQHHI"), ">": Struct(">16sQQHHI")}
_MODULE_LIST_INDEX_NUM_ENTRIES_TO_RESERVED = {"<": Struct("<II"), ">": Struct(">II")}
_MODULE_LIST_INDEX_G0_NUM_ENTRIES_TO_RESERVED = {"<": Struct("<II"), ">": Struct(">II")}


@dataclass(slots=True)
class ModuleManifestEntry:
    """Structure ``module_manifest_entry``.

    One manifest entry.

    Spec: 5.3. Source: blocks/module_list_index.yaml:types.module_manifest_entry.

    Attributes:
        module_uuid: BlockUUID of the Module Entry that follows later. (ModuleUUID, +0x00, spec
            5.3.)
        base_addr: Load address. (BaseAddr, +0x10, spec 5.3.)
        module_size: Mapping size. (ModuleSize, +0x18, spec 5.3.)
        len_path: Byte length of path including its NUL. (PathLen, +0x20, spec 5.3.)
        reserved1: Reserved; zero. (Reserved, +0x22, spec 5.3.)
        reserved2: Reserved; zero. (Reserved2, +0x24, spec 5.3.)
        path: Module path (UTF-8). (Path, +0x28, spec 5.3.)
    """

    FIELDS: ClassVar[tuple[FieldInfo, ...]] = (
        FieldInfo(id="module_uuid", kind="uuid", role="uuid_ref", orig="ModuleUUID", offset=0x00, size=16),
        FieldInfo(id="base_addr", kind="int", format="addr", orig="BaseAddr", offset=0x10, size=8),
        FieldInfo(id="module_size", kind="int", format="addr", orig="ModuleSize", offset=0x18, size=8),
        FieldInfo(id="len_path", kind="int", orig="PathLen", offset=0x20, size=2),
        FieldInfo(id="reserved1", kind="int", reserved=True, orig="Reserved", offset=0x22, size=2),
        FieldInfo(id="reserved2", kind="int", reserved=True, orig="Reserved2", offset=0x24, size=4),
        FieldInfo(id="path", kind="str", orig="Path", offset=0x28),
    )

    module_uuid: bytes = ZERO_UUID
    base_addr: int = 0
    module_size: int = 0
    len_path: int | None = None
    reserved1: int = 0
    reserved2: int = 0
    path: str | None = None

    @classmethod
    def decode(cls, data: bytes | bytearray | memoryview, endian: str = "<") -> ModuleManifestEntry:
        """Decode a whole buffer as one ModuleManifestEntry.

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
    def decode_at(cls, view: memoryview, pos: int, end: int, endian: str) -> tuple[ModuleManifestEntry, int]:
        """Decode at ``pos`` without reading past ``end``; return it and the position after it."""
        need(view, pos, 40, end, "ModuleManifestEntry.module_uuid")
        (
            f_module_uuid,
            f_base_addr,
            f_module_size,
            f_len_path,
            f_reserved1,
            f_reserved2,
        ) = _MODULE_MANIFEST_ENTRY_MODULE_UUID_TO_RESERVED2[endian].unpack_from(view, pos)
        pos += 40
        f_path, pos = read_str(view, pos, f_len_path, end, True, "nul", "ModuleManifestEntry.path")
        obj = cls(
            module_uuid=f_module_uuid,
            base_addr=f_base_addr,
            module_size=f_module_size,
            len_path=f_len_path,
            reserved1=f_reserved1,
            reserved2=f_reserved2,
            path=f_path,
        )
        return obj, pos

    def encode(self, endian: str = "<") -> bytes:
        """Encode to bytes (length and count fields left as None are computed)."""
        return b"".join(self.encode_parts(endian))

    def encode_parts(self, endian: str = "<") -> list[bytes | memoryview]:
        """Encode as a list of byte chunks, without copying large data such as page bytes."""
        parts: list[bytes | memoryview] = []
        raw_path = encode_str(self.path, "nul")
        f_base_addr = self.base_addr
        f_module_size = self.module_size
        f_len_path = self.len_path
        if f_len_path is None:
            f_len_path = len(raw_path)
        f_reserved1 = self.reserved1 or 0
        f_reserved2 = self.reserved2 or 0
        parts.append(_MODULE_MANIFEST_ENTRY_MODULE_UUID_TO_RESERVED2[endian].pack(
            self.module_uuid,
            f_base_addr,
            f_module_size,
            f_len_path,
            f_reserved1,
            f_reserved2,
        ))
        parts.append(sized(raw_path, f_len_path, "ModuleManifestEntry.path"))
        parts.append(padding(f_len_path))
        return parts

    def check(self) -> list[Finding]:
        """Constraints from the schema that this value breaks (reserved fields, ranges, ...)."""
        found: list[Finding] = []
        if self.reserved1 != 0:
            found.append(Finding("reserved1", "P5", "reserved field is not zero"))
        if self.reserved2 != 0:
            found.append(Finding("reserved2", "P5", "reserved field is not zero"))
        return found


@dataclass(slots=True)
class ModuleListIndex:
    """Payload layout ``module_list_index`` of block module_list_index (dialects: spec-1.0, spec-1.1, memdiver-1.0.2).

    Manifest with inline entries.

    Spec: 5.3. Source: blocks/module_list_index.yaml:layouts[0].

    Attributes:
        num_entries: Number of manifest entries. (EntryCount, +0x00, spec 5.3.)
        reserved: Reserved; zero. (Reserved, +0x04, spec 5.3.)
        entries: The manifest entries. (Entries, +0x08, spec 5.3.)
    """

    BLOCK_TYPE: ClassVar[int] = 0x0010
    BLOCK_ID: ClassVar[str] = "module_list_index"
    LAYOUT_ID: ClassVar[str] = "module_list_index"
    DIALECTS: ClassVar[tuple[str, ...]] = ("spec-1.0", "spec-1.1", "memdiver-1.0.2")
    PAYLOAD_VERSIONS: ClassVar[tuple[int, ...]] = (1,)
    FIELDS: ClassVar[tuple[FieldInfo, ...]] = (
        FieldInfo(id="num_entries", kind="int", orig="EntryCount", offset=0x00, size=4),
        FieldInfo(id="reserved", kind="int", reserved=True, orig="Reserved", offset=0x04, size=4),
        FieldInfo(id="entries", kind="list", orig="Entries", offset=0x08),
    )

    num_entries: int | None = None
    reserved: int = 0
    entries: list[ModuleManifestEntry] = field(default_factory=list)

    @classmethod
    def decode(cls, data: bytes | bytearray | memoryview, endian: str = "<") -> ModuleListIndex:
        """Decode a whole buffer as one ModuleListIndex.

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
    def decode_at(cls, view: memoryview, pos: int, end: int, endian: str) -> tuple[ModuleListIndex, int]:
        """Decode at ``pos`` without reading past ``end``; return it and the position after it."""
        need(view, pos, 8, end, "ModuleListIndex.num_entries")
        (
            f_num_entries,
            f_reserved,
        ) = _MODULE_LIST_INDEX_NUM_ENTRIES_TO_RESERVED[endian].unpack_from(view, pos)
        pos += 8
        f_entries = []
        check_count(f_num_entries, 40, pos, end, "ModuleListIndex.entries")
        for _ in range(f_num_entries):
            try:
                item, pos = ModuleManifestEntry.decode_at(view, pos, end, endian)
            except MslError as exc:
                raise nest(exc, f"ModuleListIndex.entries[{len(f_entries)}]") from None
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
        parts.append(_MODULE_LIST_INDEX_NUM_ENTRIES_TO_RESERVED[endian].pack(f_num_entries, f_reserved))
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


@dataclass(slots=True)
class ModuleListIndexG0:
    """Payload layout ``module_list_index_g0`` of block module_list_index (dialects: g0).

    Pre-1.0 count-only manifest (8 bytes, no entries).

    Spec: cat:6.3. Source: blocks/module_list_index.yaml:layouts[1].

    Attributes:
        num_entries: Number of Module Entry blocks that follow. (EntryCount, +0x00, spec cat:6.3.)
        reserved: Reserved; zero. (Reserved, +0x04, spec cat:6.3.)
    """

    BLOCK_TYPE: ClassVar[int] = 0x0010
    BLOCK_ID: ClassVar[str] = "module_list_index"
    LAYOUT_ID: ClassVar[str] = "module_list_index_g0"
    DIALECTS: ClassVar[tuple[str, ...]] = ("g0",)
    PAYLOAD_VERSIONS: ClassVar[tuple[int, ...]] = (0,)
    FIELDS: ClassVar[tuple[FieldInfo, ...]] = (
        FieldInfo(id="num_entries", kind="int", orig="EntryCount", offset=0x00, size=4),
        FieldInfo(id="reserved", kind="int", reserved=True, orig="Reserved", offset=0x04, size=4),
    )

    num_entries: int = 0
    reserved: int = 0

    @classmethod
    def decode(cls, data: bytes | bytearray | memoryview, endian: str = "<") -> ModuleListIndexG0:
        """Decode a whole buffer as one ModuleListIndexG0.

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
    def decode_at(cls, view: memoryview, pos: int, end: int, endian: str) -> tuple[ModuleListIndexG0, int]:
        """Decode at ``pos`` without reading past ``end``; return it and the position after it."""
        need(view, pos, 8, end, "ModuleListIndexG0.num_entries")
        (
            f_num_entries,
            f_reserved,
        ) = _MODULE_LIST_INDEX_G0_NUM_ENTRIES_TO_RESERVED[endian].unpack_from(view, pos)
        pos += 8
        obj = cls(num_entries=f_num_entries, reserved=f_reserved)
        return obj, pos

    def encode(self, endian: str = "<") -> bytes:
        """Encode to bytes (length and count fields left as None are computed)."""
        return b"".join(self.encode_parts(endian))

    def encode_parts(self, endian: str = "<") -> list[bytes | memoryview]:
        """Encode as a list of byte chunks, without copying large data such as page bytes."""
        parts: list[bytes | memoryview] = []
        f_num_entries = self.num_entries
        f_reserved = self.reserved or 0
        parts.append(_MODULE_LIST_INDEX_G0_NUM_ENTRIES_TO_RESERVED[endian].pack(f_num_entries, f_reserved))
        return parts

    def check(self) -> list[Finding]:
        """Constraints from the schema that this value breaks (reserved fields, ranges, ...)."""
        found: list[Finding] = []
        if self.reserved != 0:
            found.append(Finding("reserved", "P5", "reserved field is not zero"))
        return found


LAYOUTS = (ModuleListIndex, ModuleListIndexG0, )
"""Payload layouts of this block type, each with the dialects and payload versions it serves."""
