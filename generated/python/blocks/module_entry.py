# Generated from spec/blocks/module_entry.yaml by `msl codegen`.
# Do not edit: change the YAML and regenerate.
"""Module Entry (block type 0x0002, spec 5.2, since 1.0).

Identity and metadata of one loaded module (DLL, shared object, dylib). Its BlockUUID is the
ModuleUUID pre-assigned in the Module List Index, its ParentUUID that index.
"""

from __future__ import annotations

from dataclasses import dataclass
from struct import Struct
from typing import ClassVar

from memslice.generated._support import (
    ZERO_HASH,
    FieldInfo,
    Finding,
    encode_str,
    need,
    padding,
    read_bytes,
    read_str,
    sized,
)

BLOCK_TYPE = 0x0002
BLOCK_ID = "module_entry"
TITLE = "Module Entry"
STATUS = "defined"
NAMESPACE = "capture"
CAP_BIT = "module_list"
PARENT = "module_list_index"
IN_EXTENSION = False

_MODULE_ENTRY_BASE_ADDR_TO_RESERVED1 = {"<": Struct("<QQHHI"), ">": Struct(">QQHHI")}
_MODULE_ENTRY_DISK_HASH = {"<": Struct("<32s"), ">": Struct(">32s")}
_MODULE_ENTRY_LEN_NATIVE_BLOB_TO_RESERVED2 = {"<": Struct("<II"), ">": Struct(">II")}
_MODULE_ENTRY_G0_BASE_ADDR_TO_RESERVED1 = {"<": Struct("<QQHHI"), ">": Struct(">QQHHI")}
_MODULE_ENTRY_G0_DISK_HASH = {"<": Struct("<32s"), ">": Struct(">32s")}
_MODULE_ENTRY_G0_LEN_NATIVE_BLOB_TO_RESERVED2 = {"<": Struct("<II"), ">": Struct(">II")}


@dataclass(slots=True)
class ModuleEntry:
    """Payload layout ``module_entry`` of block module_entry (dialects: spec-1.0, spec-1.1, memdiver-1.0.2).

    Module Entry. memdiver 1.0.2 stops after DiskHash (no BlobLen, Reserved2, NativeBlob): those
    fields are optional at the tail of the payload.

    Spec: 5.2. Source: blocks/module_entry.yaml:layouts[0].

    Attributes:
        base_addr: Load address. (BaseAddr, +0x00, spec 5.2.)
        module_size: Mapping size in bytes. (ModuleSize, +0x08, spec 5.2.)
        len_path: Byte length of path including its NUL. (PathLen, +0x10, spec 5.2.)
        len_version: Byte length of version including its NUL; 0 if unavailable. (VersionLen, +0x12,
            spec 5.2.)
        reserved1: Reserved; zero. (Reserved, +0x14, spec 5.2.)
        path: Module path (UTF-8). (Path, +0x18, spec 5.2.)
        version: Module version (UTF-8); absent when len_version is 0. (Version, variable offset,
            spec 5.2.)
        disk_hash: Hash of the file on disk; all zero = not available (P13, C8). (DiskHash, variable
            offset, spec 5.2.)
        len_native_blob: Byte length of native_blob. (BlobLen, variable offset, spec 5.2.)
        reserved2: Reserved; zero. (Reserved2, variable offset, spec 5.2.)
        native_blob: OS-native loader data (Linux: the maps line; memslicer: a build-id record).
            (NativeBlob, variable offset, spec 5.2.)
    """

    BLOCK_TYPE: ClassVar[int] = 0x0002
    BLOCK_ID: ClassVar[str] = "module_entry"
    LAYOUT_ID: ClassVar[str] = "module_entry"
    DIALECTS: ClassVar[tuple[str, ...]] = ("spec-1.0", "spec-1.1", "memdiver-1.0.2")
    PAYLOAD_VERSIONS: ClassVar[tuple[int, ...]] = (1,)
    FIELDS: ClassVar[tuple[FieldInfo, ...]] = (
        FieldInfo(id="base_addr", kind="int", format="addr", orig="BaseAddr", offset=0x00, size=8),
        FieldInfo(id="module_size", kind="int", format="addr", orig="ModuleSize", offset=0x08, size=8),
        FieldInfo(id="len_path", kind="int", orig="PathLen", offset=0x10, size=2),
        FieldInfo(id="len_version", kind="int", orig="VersionLen", offset=0x12, size=2),
        FieldInfo(id="reserved1", kind="int", reserved=True, orig="Reserved", offset=0x14, size=4),
        FieldInfo(id="path", kind="str", orig="Path", offset=0x18),
        FieldInfo(id="version", kind="str", orig="Version"),
        FieldInfo(id="disk_hash", kind="hash", orig="DiskHash", size=32),
        FieldInfo(id="len_native_blob", kind="int", orig="BlobLen", size=4),
        FieldInfo(id="reserved2", kind="int", reserved=True, orig="Reserved2", size=4),
        FieldInfo(id="native_blob", kind="bytes", orig="NativeBlob"),
    )

    base_addr: int = 0
    module_size: int = 0
    len_path: int | None = None
    len_version: int | None = None
    reserved1: int = 0
    path: str | None = None
    version: str | None = None
    disk_hash: bytes = ZERO_HASH
    len_native_blob: int | None = None
    reserved2: int | None = None
    native_blob: bytes | None = b""

    @classmethod
    def decode(cls, data: bytes | bytearray | memoryview, endian: str = "<") -> ModuleEntry:
        """Decode a whole buffer as one ModuleEntry.

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
    def decode_at(cls, view: memoryview, pos: int, end: int, endian: str) -> tuple[ModuleEntry, int]:
        """Decode at ``pos`` without reading past ``end``; return it and the position after it."""
        need(view, pos, 24, end, "ModuleEntry.base_addr")
        (
            f_base_addr,
            f_module_size,
            f_len_path,
            f_len_version,
            f_reserved1,
        ) = _MODULE_ENTRY_BASE_ADDR_TO_RESERVED1[endian].unpack_from(view, pos)
        pos += 24
        f_path, pos = read_str(view, pos, f_len_path, end, True, "nul", "ModuleEntry.path")
        f_version, pos = read_str(view, pos, f_len_version, end, True, "nul", "ModuleEntry.version")
        need(view, pos, 32, end, "ModuleEntry.disk_hash")
        (f_disk_hash,) = _MODULE_ENTRY_DISK_HASH[endian].unpack_from(view, pos)
        pos += 32
        f_len_native_blob = None
        f_reserved2 = None
        f_native_blob = None
        if pos < end:
            need(view, pos, 8, end, "ModuleEntry.len_native_blob")
            (
                f_len_native_blob,
                f_reserved2,
            ) = _MODULE_ENTRY_LEN_NATIVE_BLOB_TO_RESERVED2[endian].unpack_from(view, pos)
            pos += 8
            f_native_blob, pos = read_bytes(
                view,
                pos,
                f_len_native_blob,
                end,
                False,
                "ModuleEntry.native_blob",
                copy=True,
            )
        obj = cls(
            base_addr=f_base_addr,
            module_size=f_module_size,
            len_path=f_len_path,
            len_version=f_len_version,
            reserved1=f_reserved1,
            path=f_path,
            version=f_version,
            disk_hash=f_disk_hash,
            len_native_blob=f_len_native_blob,
            reserved2=f_reserved2,
            native_blob=f_native_blob,
        )
        return obj, pos

    def encode(self, endian: str = "<") -> bytes:
        """Encode to bytes (length and count fields left as None are computed)."""
        return b"".join(self.encode_parts(endian))

    def encode_parts(self, endian: str = "<") -> list[bytes | memoryview]:
        """Encode as a list of byte chunks, without copying large data such as page bytes."""
        parts: list[bytes | memoryview] = []
        raw_path = encode_str(self.path, "nul")
        raw_version = encode_str(self.version, "nul")
        f_base_addr = self.base_addr
        f_module_size = self.module_size
        f_len_path = self.len_path
        if f_len_path is None:
            f_len_path = len(raw_path)
        f_len_version = self.len_version
        if f_len_version is None:
            f_len_version = len(raw_version)
        f_reserved1 = self.reserved1 or 0
        f_len_native_blob = self.len_native_blob
        if f_len_native_blob is None:
            if self.native_blob is not None:
                f_len_native_blob = len(self.native_blob)
            else:
                f_len_native_blob = 0
        f_reserved2 = self.reserved2 or 0
        parts.append(_MODULE_ENTRY_BASE_ADDR_TO_RESERVED1[endian].pack(
            f_base_addr,
            f_module_size,
            f_len_path,
            f_len_version,
            f_reserved1,
        ))
        parts.append(sized(raw_path, f_len_path, "ModuleEntry.path"))
        parts.append(padding(f_len_path))
        parts.append(sized(raw_version, f_len_version, "ModuleEntry.version"))
        parts.append(padding(f_len_version))
        parts.append(_MODULE_ENTRY_DISK_HASH[endian].pack(self.disk_hash))
        if self.len_native_blob is not None or self.native_blob is not None:
            parts.append(_MODULE_ENTRY_LEN_NATIVE_BLOB_TO_RESERVED2[endian].pack(
                f_len_native_blob,
                f_reserved2,
            ))
            parts.append(sized(self.native_blob, f_len_native_blob, "ModuleEntry.native_blob"))
        return parts

    def check(self) -> list[Finding]:
        """Constraints from the schema that this value breaks (reserved fields, ranges, ...)."""
        found: list[Finding] = []
        if self.reserved1 != 0:
            found.append(Finding("reserved1", "P5", "reserved field is not zero"))
        if self.reserved2 is not None and self.reserved2 != 0:
            found.append(Finding("reserved2", "P5", "reserved field is not zero"))
        return found


@dataclass(slots=True)
class ModuleEntryG0:
    """Payload layout ``module_entry_g0`` of block module_entry (dialects: g0).

    Pre-1.0 Module Entry whose length fields hold the padded sizes; the version always occupies at
    least 8 bytes.

    Spec: cat:6.2. Source: blocks/module_entry.yaml:layouts[1].

    Attributes:
        base_addr: Load address. (BaseAddr, +0x00, spec cat:6.2.)
        module_size: Mapping size in bytes. (ModuleSize, +0x08, spec cat:6.2.)
        len_path: Padded byte length of path. (PathLen, +0x10, spec cat:6.2.)
        len_version: Padded byte length of version. (VersionLen, +0x12, spec cat:6.2.)
        reserved1: Reserved; zero. (Reserved, +0x14, spec cat:6.2.)
        path: Module path, NUL-padded. (Path, +0x18, spec cat:6.2.)
        version: Module version, NUL-padded. (Version, variable offset, spec cat:6.2.)
        disk_hash: Hash of the file on disk; all zero = not available. (DiskHash, variable offset,
            spec cat:6.2.)
        len_native_blob: Byte length of native_blob. (BlobLen, variable offset, spec cat:6.2.)
        reserved2: Reserved; zero. (Reserved2, variable offset, spec cat:6.2.)
        native_blob: OS-native loader data. (NativeBlob, variable offset, spec cat:6.2.)
    """

    BLOCK_TYPE: ClassVar[int] = 0x0002
    BLOCK_ID: ClassVar[str] = "module_entry"
    LAYOUT_ID: ClassVar[str] = "module_entry_g0"
    DIALECTS: ClassVar[tuple[str, ...]] = ("g0",)
    PAYLOAD_VERSIONS: ClassVar[tuple[int, ...]] = (0,)
    FIELDS: ClassVar[tuple[FieldInfo, ...]] = (
        FieldInfo(id="base_addr", kind="int", format="addr", orig="BaseAddr", offset=0x00, size=8),
        FieldInfo(id="module_size", kind="int", format="addr", orig="ModuleSize", offset=0x08, size=8),
        FieldInfo(id="len_path", kind="int", orig="PathLen", offset=0x10, size=2),
        FieldInfo(id="len_version", kind="int", orig="VersionLen", offset=0x12, size=2),
        FieldInfo(id="reserved1", kind="int", reserved=True, orig="Reserved", offset=0x14, size=4),
        FieldInfo(id="path", kind="str", orig="Path", offset=0x18),
        FieldInfo(id="version", kind="str", orig="Version"),
        FieldInfo(id="disk_hash", kind="hash", orig="DiskHash", size=32),
        FieldInfo(id="len_native_blob", kind="int", orig="BlobLen", size=4),
        FieldInfo(id="reserved2", kind="int", reserved=True, orig="Reserved2", size=4),
        FieldInfo(id="native_blob", kind="bytes", orig="NativeBlob"),
    )

    base_addr: int = 0
    module_size: int = 0
    len_path: int | None = None
    len_version: int | None = None
    reserved1: int = 0
    path: str | None = None
    version: str | None = None
    disk_hash: bytes = ZERO_HASH
    len_native_blob: int | None = None
    reserved2: int | None = None
    native_blob: bytes | None = b""

    @classmethod
    def decode(cls, data: bytes | bytearray | memoryview, endian: str = "<") -> ModuleEntryG0:
        """Decode a whole buffer as one ModuleEntryG0.

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
    def decode_at(cls, view: memoryview, pos: int, end: int, endian: str) -> tuple[ModuleEntryG0, int]:
        """Decode at ``pos`` without reading past ``end``; return it and the position after it."""
        need(view, pos, 24, end, "ModuleEntryG0.base_addr")
        (
            f_base_addr,
            f_module_size,
            f_len_path,
            f_len_version,
            f_reserved1,
        ) = _MODULE_ENTRY_G0_BASE_ADDR_TO_RESERVED1[endian].unpack_from(view, pos)
        pos += 24
        f_path, pos = read_str(view, pos, f_len_path, end, True, "nul_padded", "ModuleEntryG0.path")
        f_version, pos = read_str(view, pos, f_len_version, end, True, "nul_padded", "ModuleEntryG0.version")
        need(view, pos, 32, end, "ModuleEntryG0.disk_hash")
        (f_disk_hash,) = _MODULE_ENTRY_G0_DISK_HASH[endian].unpack_from(view, pos)
        pos += 32
        f_len_native_blob = None
        f_reserved2 = None
        f_native_blob = None
        if pos < end:
            need(view, pos, 8, end, "ModuleEntryG0.len_native_blob")
            (
                f_len_native_blob,
                f_reserved2,
            ) = _MODULE_ENTRY_G0_LEN_NATIVE_BLOB_TO_RESERVED2[endian].unpack_from(view, pos)
            pos += 8
            f_native_blob, pos = read_bytes(
                view,
                pos,
                f_len_native_blob,
                end,
                False,
                "ModuleEntryG0.native_blob",
                copy=True,
            )
        obj = cls(
            base_addr=f_base_addr,
            module_size=f_module_size,
            len_path=f_len_path,
            len_version=f_len_version,
            reserved1=f_reserved1,
            path=f_path,
            version=f_version,
            disk_hash=f_disk_hash,
            len_native_blob=f_len_native_blob,
            reserved2=f_reserved2,
            native_blob=f_native_blob,
        )
        return obj, pos

    def encode(self, endian: str = "<") -> bytes:
        """Encode to bytes (length and count fields left as None are computed)."""
        return b"".join(self.encode_parts(endian))

    def encode_parts(self, endian: str = "<") -> list[bytes | memoryview]:
        """Encode as a list of byte chunks, without copying large data such as page bytes."""
        parts: list[bytes | memoryview] = []
        raw_path = encode_str(self.path, "nul_padded")
        raw_version = encode_str(self.version, "nul_padded")
        f_base_addr = self.base_addr
        f_module_size = self.module_size
        f_len_path = self.len_path
        if f_len_path is None:
            f_len_path = len(raw_path)
        f_len_version = self.len_version
        if f_len_version is None:
            f_len_version = len(raw_version)
        f_reserved1 = self.reserved1 or 0
        f_len_native_blob = self.len_native_blob
        if f_len_native_blob is None:
            if self.native_blob is not None:
                f_len_native_blob = len(self.native_blob)
            else:
                f_len_native_blob = 0
        f_reserved2 = self.reserved2 or 0
        parts.append(_MODULE_ENTRY_G0_BASE_ADDR_TO_RESERVED1[endian].pack(
            f_base_addr,
            f_module_size,
            f_len_path,
            f_len_version,
            f_reserved1,
        ))
        parts.append(sized(raw_path, f_len_path, "ModuleEntryG0.path"))
        parts.append(padding(f_len_path))
        parts.append(sized(raw_version, f_len_version, "ModuleEntryG0.version"))
        parts.append(padding(f_len_version))
        parts.append(_MODULE_ENTRY_G0_DISK_HASH[endian].pack(self.disk_hash))
        if self.len_native_blob is not None or self.native_blob is not None:
            parts.append(_MODULE_ENTRY_G0_LEN_NATIVE_BLOB_TO_RESERVED2[endian].pack(
                f_len_native_blob,
                f_reserved2,
            ))
            parts.append(sized(self.native_blob, f_len_native_blob, "ModuleEntryG0.native_blob"))
        return parts

    def check(self) -> list[Finding]:
        """Constraints from the schema that this value breaks (reserved fields, ranges, ...)."""
        found: list[Finding] = []
        if self.reserved1 != 0:
            found.append(Finding("reserved1", "P5", "reserved field is not zero"))
        if self.reserved2 is not None and self.reserved2 != 0:
            found.append(Finding("reserved2", "P5", "reserved field is not zero"))
        return found


LAYOUTS = (ModuleEntry, ModuleEntryG0, )
"""Payload layouts of this block type, each with the dialects and payload versions it serves."""
