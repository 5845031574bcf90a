# Generated from spec/blocks/vas_map.yaml by `msl codegen`.
# Do not edit: change the YAML and regenerate.
"""VAS Map (block type 0x1001, spec 1.1:5.8, since 1.1).

The process's full virtual address space layout: every mapping with protection, kind and name,
whether or not its bytes were captured (overlap with Memory Regions tells which were). The
public spec 1.0 only names the type; 1.1 defines the payload (Table 19c). RECOMMENDED right
before the End-of-Capture; memslicer 0.5.2 writes every enumerated range there (compressed with
the writer's codec); memdiver 1.0.2 writes it from importers and materialisation. The last VAS
Map in file order, including verified extension segments, supersedes earlier ones (V11-C25).
Page states are never derived from it (V11-5.8-no-states); names are trusted only for NameSource
Live and SourceMetadata.
"""

from __future__ import annotations

from dataclasses import dataclass
from struct import Struct
from typing import ClassVar

from memslice.generated._support import (
    EncodeError,
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

BLOCK_TYPE = 0x1001
BLOCK_ID = "vas_map"
TITLE = "VAS Map"
STATUS = "defined"
NAMESPACE = "structural"
CAP_BIT = None
PARENT = None
IN_EXTENSION = True

_VAS_ENTRY_BASE_ADDR_TO_RESERVED = {"<": Struct("<QQBBHB3s"), ">": Struct(">QQBBHB3s")}
_VAS_MAP_NUM_ENTRIES_TO_LEN_ENTRY = {"<": Struct("<II"), ">": Struct(">II")}


@dataclass(slots=True)
class VasEntry:
    """Structure ``vas_entry``.

    One mapping (24 + pad8(PathLen) bytes).

    Spec: 1.1:5.8. Source: blocks/vas_map.yaml:types.vas_entry.

    Attributes:
        base_addr: Start of the mapping. (BaseAddr, +0x00, spec 1.1:5.8.)
        region_size: Size of the mapping in bytes. (RegionSize, +0x08, spec 1.1:5.8.)
        protection: Protection bits, as in Memory Region. (Protection, +0x10, spec 1.1:5.8.)
        region_type: Kind of region, as in Memory Region. (RegionType, +0x11, spec 1.1:5.8.)
        len_path: Byte length of mapped_path including its NUL; 0 = anonymous / unnamed. (PathLen,
            +0x12, spec 1.1:5.8.)
        name_source: Where the name came from. The pre-1.1 MemDiver reader treats bytes 0x14-0x17 as
            reserved, and memslicer 0.5.2's docstring still says 'reserved: 4 bytes' although it writes
            NameSource here (D11). (NameSource, +0x14, spec 1.1:5.8.)
        reserved: Reserved; zero. (Reserved, +0x15, spec 1.1:5.8.)
        mapped_path: Full mapping name ([heap], [anon:...], a file path; UTF-8). (MappedPath, +0x18,
            spec 1.1:5.8.)
    """

    FIELDS: ClassVar[tuple[FieldInfo, ...]] = (
        FieldInfo(id="base_addr", kind="int", format="addr", orig="BaseAddr", offset=0x00, size=8),
        FieldInfo(id="region_size", kind="int", format="addr", orig="RegionSize", offset=0x08, size=8),
        FieldInfo(id="protection", kind="int", flags="protection", orig="Protection", offset=0x10, size=1),
        FieldInfo(id="region_type", kind="int", enum="region_type", orig="RegionType", offset=0x11, size=1),
        FieldInfo(id="len_path", kind="int", orig="PathLen", offset=0x12, size=2),
        FieldInfo(id="name_source", kind="int", enum="name_source", orig="NameSource", offset=0x14, size=1),
        FieldInfo(id="reserved", kind="bytes", reserved=True, orig="Reserved", offset=0x15, size=3),
        FieldInfo(id="mapped_path", kind="str", orig="MappedPath", offset=0x18),
    )

    base_addr: int = 0
    region_size: int = 0
    protection: int = 0
    region_type: int = 0
    len_path: int | None = None
    name_source: int = 0
    reserved: bytes = bytes(3)
    mapped_path: str | None = None

    @classmethod
    def decode(cls, data: bytes | bytearray | memoryview, endian: str = "<") -> VasEntry:
        """Decode a whole buffer as one VasEntry.

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
    def decode_at(cls, view: memoryview, pos: int, end: int, endian: str) -> tuple[VasEntry, int]:
        """Decode at ``pos`` without reading past ``end``; return it and the position after it."""
        need(view, pos, 24, end, "VasEntry.base_addr")
        (
            f_base_addr,
            f_region_size,
            f_protection,
            f_region_type,
            f_len_path,
            f_name_source,
            f_reserved,
        ) = _VAS_ENTRY_BASE_ADDR_TO_RESERVED[endian].unpack_from(view, pos)
        pos += 24
        f_mapped_path, pos = read_str(view, pos, f_len_path, end, True, "nul", "VasEntry.mapped_path")
        obj = cls(
            base_addr=f_base_addr,
            region_size=f_region_size,
            protection=f_protection,
            region_type=f_region_type,
            len_path=f_len_path,
            name_source=f_name_source,
            reserved=f_reserved,
            mapped_path=f_mapped_path,
        )
        return obj, pos

    def encode(self, endian: str = "<") -> bytes:
        """Encode to bytes (length and count fields left as None are computed)."""
        return b"".join(self.encode_parts(endian))

    def encode_parts(self, endian: str = "<") -> list[bytes | memoryview]:
        """Encode as a list of byte chunks, without copying large data such as page bytes."""
        parts: list[bytes | memoryview] = []
        raw_mapped_path = encode_str(self.mapped_path, "nul")
        f_base_addr = self.base_addr
        f_region_size = self.region_size
        f_protection = self.protection
        f_region_type = self.region_type
        f_len_path = self.len_path
        if f_len_path is None:
            f_len_path = len(raw_mapped_path)
        f_name_source = self.name_source
        parts.append(_VAS_ENTRY_BASE_ADDR_TO_RESERVED[endian].pack(
            f_base_addr,
            f_region_size,
            f_protection,
            f_region_type,
            f_len_path,
            f_name_source,
            self.reserved or bytes(3),
        ))
        parts.append(sized(raw_mapped_path, f_len_path, "VasEntry.mapped_path"))
        parts.append(padding(f_len_path))
        return parts

    def check(self) -> list[Finding]:
        """Constraints from the schema that this value breaks (reserved fields, ranges, ...)."""
        found: list[Finding] = []
        if self.reserved != bytes(3):
            found.append(Finding("reserved", "P5", "reserved field is not zero"))
        return found


@dataclass(slots=True)
class VasMap:
    """Payload layout ``vas_map`` of block vas_map (dialects: spec-1.1, memdiver-1.0.2).

    EntryCount, EntrySize, then the entries. EntrySize 0 (what every producer writes) means
    variable-length entries of 24 + pad8(PathLen) bytes; a non-zero EntrySize is a fixed stride a
    reader must honour (each entry then occupies exactly EntrySize bytes).

    Spec: 1.1:5.8. Source: blocks/vas_map.yaml:layouts[0].

    Attributes:
        num_entries: Number of entries. (EntryCount, +0x00, spec 1.1:5.8.)
        len_entry: 0 = variable-length entries; otherwise the fixed size of every entry. (EntrySize,
            +0x04, spec 1.1:5.8.)
        entries: Variable-length entries (EntrySize 0). (Entries, +0x08, spec 1.1:5.8.)
        entries_fixed: Entries at a fixed stride of len_entry bytes (EntrySize non-zero; written by
            no known producer). (Entries, variable offset, spec 1.1:5.8.)
    """

    BLOCK_TYPE: ClassVar[int] = 0x1001
    BLOCK_ID: ClassVar[str] = "vas_map"
    LAYOUT_ID: ClassVar[str] = "vas_map"
    DIALECTS: ClassVar[tuple[str, ...]] = ("spec-1.1", "memdiver-1.0.2")
    PAYLOAD_VERSIONS: ClassVar[tuple[int, ...]] = (1,)
    FIELDS: ClassVar[tuple[FieldInfo, ...]] = (
        FieldInfo(id="num_entries", kind="int", orig="EntryCount", offset=0x00, size=4),
        FieldInfo(id="len_entry", kind="int", orig="EntrySize", offset=0x04, size=4),
        FieldInfo(id="entries", kind="list", orig="Entries", offset=0x08),
        FieldInfo(id="entries_fixed", kind="list", orig="Entries"),
    )

    num_entries: int | None = None
    len_entry: int = 0
    entries: list[VasEntry] | None = None
    entries_fixed: list[VasEntry] | None = None

    @classmethod
    def decode(cls, data: bytes | bytearray | memoryview, endian: str = "<") -> VasMap:
        """Decode a whole buffer as one VasMap.

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
    def decode_at(cls, view: memoryview, pos: int, end: int, endian: str) -> tuple[VasMap, int]:
        """Decode at ``pos`` without reading past ``end``; return it and the position after it."""
        need(view, pos, 8, end, "VasMap.num_entries")
        (f_num_entries, f_len_entry) = _VAS_MAP_NUM_ENTRIES_TO_LEN_ENTRY[endian].unpack_from(view, pos)
        pos += 8
        f_entries = None
        if f_len_entry == 0:
            f_entries = []
            check_count(f_num_entries, 24, pos, end, "VasMap.entries")
            for _ in range(f_num_entries):
                try:
                    item, pos = VasEntry.decode_at(view, pos, end, endian)
                except MslError as exc:
                    raise nest(exc, f"VasMap.entries[{len(f_entries)}]") from None
                f_entries.append(item)
        f_entries_fixed = None
        if f_len_entry != 0:
            f_entries_fixed = []
            stride = f_len_entry
            check_count(f_num_entries, max(stride, 24), pos, end, "VasMap.entries_fixed")
            for _ in range(f_num_entries):
                need(view, pos, stride, end, "VasMap.entries_fixed")
                try:
                    item, _ = VasEntry.decode_at(view, pos, pos + stride, endian)
                except MslError as exc:
                    raise nest(exc, f"VasMap.entries_fixed[{len(f_entries_fixed)}]") from None
                pos += stride
                f_entries_fixed.append(item)
        obj = cls(
            num_entries=f_num_entries,
            len_entry=f_len_entry,
            entries=f_entries,
            entries_fixed=f_entries_fixed,
        )
        return obj, pos

    def encode(self, endian: str = "<") -> bytes:
        """Encode to bytes (length and count fields left as None are computed)."""
        return b"".join(self.encode_parts(endian))

    def encode_parts(self, endian: str = "<") -> list[bytes | memoryview]:
        """Encode as a list of byte chunks, without copying large data such as page bytes."""
        parts: list[bytes | memoryview] = []
        f_num_entries = self.num_entries
        if f_num_entries is None:
            if self.entries is not None:
                f_num_entries = len(self.entries)
            elif self.entries_fixed is not None:
                f_num_entries = len(self.entries_fixed)
            else:
                f_num_entries = 0
        f_len_entry = self.len_entry
        parts.append(_VAS_MAP_NUM_ENTRIES_TO_LEN_ENTRY[endian].pack(f_num_entries, f_len_entry))
        if f_len_entry == 0:
            for item in self.entries:
                parts += item.encode_parts(endian)
        if f_len_entry != 0:
            stride = f_len_entry
            if stride * len(self.entries_fixed) > 0xFFFFFFFF:
                raise EncodeError(f"VasMap.entries_fixed: entries of {stride} bytes do not fit a block")
            for item in self.entries_fixed:
                raw = b"".join(item.encode_parts(endian))
                if len(raw) > stride:
                    raise EncodeError(f"VasMap.entries_fixed: entry of {len(raw)} bytes exceeds stride {stride}")
                parts += [raw, bytes(stride - len(raw))]
        return parts

    def check(self) -> list[Finding]:
        """Constraints from the schema that this value breaks (reserved fields, ranges, ...)."""
        found: list[Finding] = []
        for item in self.entries or ():
            found += item.check()
        for item in self.entries_fixed or ():
            found += item.check()
        return found


LAYOUTS = (VasMap, )
"""Payload layouts of this block type, each with the dialects and payload versions it serves."""
