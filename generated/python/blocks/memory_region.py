# Generated from spec/blocks/memory_region.yaml by `msl codegen`.
# Do not edit: change the YAML and regenerate.
"""Memory Region (block type 0x0001, spec 5.1, since 1.0).

The bytes of one contiguous virtual address range, with a 2-bit state per page (Captured,
Failed, Unmapped, NotResident). Only Captured pages are stored, in page order. One block per
range as the OS enumerates it (SHOULD); ranges whose payload would exceed the u32 BlockLength
are split into Continuation fragments (P12).
"""

from __future__ import annotations

from dataclasses import dataclass
from struct import Struct
from typing import ClassVar

from memslice.generated._support import FieldInfo, Finding, need, pad8, read_bytes, reject, sized

BLOCK_TYPE = 0x0001
BLOCK_ID = "memory_region"
TITLE = "Memory Region"
STATUS = "defined"
NAMESPACE = "capture"
CAP_BIT = "memory_regions"
PARENT = None
IN_EXTENSION = False

_MEMORY_REGION_BASE_ADDR_TO_TIMESTAMP = {"<": Struct("<QQBBB5sQ"), ">": Struct(">QQBBB5sQ")}
_MEMORY_REGION_G0_BASE_ADDR_TO_TIMESTAMP = {"<": Struct("<QQBBHIQ"), ">": Struct(">QQBBHIQ")}


@dataclass(slots=True)
class MemoryRegion:
    """Payload layout ``memory_region`` of block memory_region (dialects: spec-1.0, spec-1.1, memdiver-1.0.2).

    Memory Region as in the public spec and every 1.x producer.

    Spec: 5.1. Source: blocks/memory_region.yaml:layouts[0].

    Attributes:
        base_addr: Virtual address of the region's first byte. (BaseAddr, +0x00, spec 5.1.)
        region_size: Region size in bytes; a multiple of 2^page_size_log2. (RegionSize, +0x08, spec
            5.1.)
        protection: Protection bits. (Protection, +0x10, spec 5.1.)
        region_type: Kind of region. (RegionType, +0x11, spec 5.1.)
        page_size_log2: Page size as a power of two (12 = 4 KiB). (PageSizeLog2, +0x12, spec 5.1.)
        reserved: Reserved; zero. (Reserved, +0x13, spec 5.1.)
        timestamp: When this region was read (ns since the Unix epoch). (Timestamp, +0x18, spec
            5.1.)
        page_state_map: 2 bits per page, page 0 in the top bits of byte 0, zero-padded to 8.
            (PageStateMap, +0x20, spec 6.)
        page_data: The bytes of the Captured pages only, in page order. (PageData, variable offset,
            spec 5.1.)
    """

    BLOCK_TYPE: ClassVar[int] = 0x0001
    BLOCK_ID: ClassVar[str] = "memory_region"
    LAYOUT_ID: ClassVar[str] = "memory_region"
    DIALECTS: ClassVar[tuple[str, ...]] = ("spec-1.0", "spec-1.1", "memdiver-1.0.2")
    PAYLOAD_VERSIONS: ClassVar[tuple[int, ...]] = (1,)
    FIELDS: ClassVar[tuple[FieldInfo, ...]] = (
        FieldInfo(id="base_addr", kind="int", format="addr", orig="BaseAddr", offset=0x00, size=8),
        FieldInfo(id="region_size", kind="int", format="addr", orig="RegionSize", offset=0x08, size=8),
        FieldInfo(id="protection", kind="int", flags="protection", orig="Protection", offset=0x10, size=1),
        FieldInfo(id="region_type", kind="int", enum="region_type", orig="RegionType", offset=0x11, size=1),
        FieldInfo(id="page_size_log2", kind="int", orig="PageSizeLog2", offset=0x12, size=1),
        FieldInfo(id="reserved", kind="bytes", reserved=True, orig="Reserved", offset=0x13, size=5),
        FieldInfo(id="timestamp", kind="int", orig="Timestamp", offset=0x18, size=8),
        FieldInfo(id="page_state_map", kind="bytes", role="page_state_map", orig="PageStateMap", offset=0x20),
        FieldInfo(id="page_data", kind="bytes", role="page_data", orig="PageData"),
    )

    base_addr: int = 0
    region_size: int = 0
    protection: int = 0
    region_type: int = 0
    page_size_log2: int = 0
    reserved: bytes = bytes(5)
    timestamp: int = 0
    page_state_map: bytes = b""
    page_data: bytes | memoryview = b""

    @classmethod
    def decode(cls, data: bytes | bytearray | memoryview, endian: str = "<") -> MemoryRegion:
        """Decode a whole buffer as one MemoryRegion.

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
    def decode_at(cls, view: memoryview, pos: int, end: int, endian: str) -> tuple[MemoryRegion, int]:
        """Decode at ``pos`` without reading past ``end``; return it and the position after it."""
        need(view, pos, 32, end, "MemoryRegion.base_addr")
        (
            f_base_addr,
            f_region_size,
            f_protection,
            f_region_type,
            f_page_size_log2,
            f_reserved,
            f_timestamp,
        ) = _MEMORY_REGION_BASE_ADDR_TO_TIMESTAMP[endian].unpack_from(view, pos)
        if f_page_size_log2 < 10 or f_page_size_log2 > 40:
            raise reject(
                "MemoryRegion.page_size_log2",
                f_page_size_log2,
                "C10",
                "must be >= 10 and <= 40",
                pos,
            )
        pos += 32
        size = pad8(((f_region_size >> f_page_size_log2) + 3) // 4)
        f_page_state_map, pos = read_bytes(view, pos, size, end, False, "MemoryRegion.page_state_map", copy=True)
        f_page_data, pos = read_bytes(view, pos, end - pos, end, False, "MemoryRegion.page_data", copy=False)
        obj = cls(
            base_addr=f_base_addr,
            region_size=f_region_size,
            protection=f_protection,
            region_type=f_region_type,
            page_size_log2=f_page_size_log2,
            reserved=f_reserved,
            timestamp=f_timestamp,
            page_state_map=f_page_state_map,
            page_data=f_page_data,
        )
        return obj, pos

    def encode(self, endian: str = "<") -> bytes:
        """Encode to bytes (length and count fields left as None are computed)."""
        return b"".join(self.encode_parts(endian))

    def encode_parts(self, endian: str = "<") -> list[bytes | memoryview]:
        """Encode as a list of byte chunks, without copying large data such as page bytes."""
        parts: list[bytes | memoryview] = []
        f_base_addr = self.base_addr
        f_region_size = self.region_size
        f_protection = self.protection
        f_region_type = self.region_type
        f_page_size_log2 = self.page_size_log2
        f_timestamp = self.timestamp
        parts.append(_MEMORY_REGION_BASE_ADDR_TO_TIMESTAMP[endian].pack(
            f_base_addr,
            f_region_size,
            f_protection,
            f_region_type,
            f_page_size_log2,
            self.reserved or bytes(5),
            f_timestamp,
        ))
        size = pad8(((f_region_size >> f_page_size_log2) + 3) // 4)
        parts.append(sized(self.page_state_map, size, "MemoryRegion.page_state_map"))
        parts.append(self.page_data)
        return parts

    def check(self) -> list[Finding]:
        """Constraints from the schema that this value breaks (reserved fields, ranges, ...)."""
        found: list[Finding] = []
        if self.page_size_log2 < 10 or self.page_size_log2 > 40:
            found.append(Finding("page_size_log2", "C10", "must be >= 10 and <= 40"))
        if self.reserved != bytes(5):
            found.append(Finding("reserved", "P5", "reserved field is not zero"))
        return found

    @property
    def num_pages(self) -> int:
        """Number of pages in the region."""
        return self.region_size >> self.page_size_log2

    @property
    def page_size(self) -> int:
        """Page size in bytes."""
        return 1 << self.page_size_log2


@dataclass(slots=True)
class MemoryRegionG0:
    """Payload layout ``memory_region_g0`` of block memory_region (dialects: g0).

    Pre-1.0 layout (first draft, libmsl, Chrome capture): PageSize in bytes as u16 and the page
    count as u32 where 1.0 has PageSizeLog2 and reserved bytes.

    Spec: cat:6.1. Source: blocks/memory_region.yaml:layouts[1].

    Attributes:
        base_addr: Virtual address of the region's first byte. (BaseAddr, +0x00, spec cat:6.1.)
        region_size: Region size in bytes. (RegionSize, +0x08, spec cat:6.1.)
        protection: Protection bits. (Protection, +0x10, spec cat:6.1.)
        region_type: Kind of region. (RegionType, +0x11, spec cat:6.1.)
        page_size: Page size in bytes (a power of two). (PageSize, +0x12, spec cat:6.1.)
        num_pages: Number of pages (the draft called it MapLength). (PageCount, +0x14, spec
            cat:6.1.)
        timestamp: When this region was read (ns). (Timestamp, +0x18, spec cat:6.1.)
        page_state_map: 2 bits per page, as in 1.0. (PageStateMap, +0x20, spec cat:6.1.)
        page_data: The bytes of the Captured pages. (PageData, variable offset, spec cat:6.1.)
    """

    BLOCK_TYPE: ClassVar[int] = 0x0001
    BLOCK_ID: ClassVar[str] = "memory_region"
    LAYOUT_ID: ClassVar[str] = "memory_region_g0"
    DIALECTS: ClassVar[tuple[str, ...]] = ("g0",)
    PAYLOAD_VERSIONS: ClassVar[tuple[int, ...]] = (0,)
    FIELDS: ClassVar[tuple[FieldInfo, ...]] = (
        FieldInfo(id="base_addr", kind="int", format="addr", orig="BaseAddr", offset=0x00, size=8),
        FieldInfo(id="region_size", kind="int", format="addr", orig="RegionSize", offset=0x08, size=8),
        FieldInfo(id="protection", kind="int", flags="protection", orig="Protection", offset=0x10, size=1),
        FieldInfo(id="region_type", kind="int", enum="region_type", orig="RegionType", offset=0x11, size=1),
        FieldInfo(id="page_size", kind="int", orig="PageSize", offset=0x12, size=2),
        FieldInfo(id="num_pages", kind="int", orig="PageCount", offset=0x14, size=4),
        FieldInfo(id="timestamp", kind="int", orig="Timestamp", offset=0x18, size=8),
        FieldInfo(id="page_state_map", kind="bytes", role="page_state_map", orig="PageStateMap", offset=0x20),
        FieldInfo(id="page_data", kind="bytes", role="page_data", orig="PageData"),
    )

    base_addr: int = 0
    region_size: int = 0
    protection: int = 0
    region_type: int = 0
    page_size: int = 0
    num_pages: int = 0
    timestamp: int = 0
    page_state_map: bytes = b""
    page_data: bytes | memoryview = b""

    @classmethod
    def decode(cls, data: bytes | bytearray | memoryview, endian: str = "<") -> MemoryRegionG0:
        """Decode a whole buffer as one MemoryRegionG0.

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
    def decode_at(cls, view: memoryview, pos: int, end: int, endian: str) -> tuple[MemoryRegionG0, int]:
        """Decode at ``pos`` without reading past ``end``; return it and the position after it."""
        need(view, pos, 32, end, "MemoryRegionG0.base_addr")
        (
            f_base_addr,
            f_region_size,
            f_protection,
            f_region_type,
            f_page_size,
            f_num_pages,
            f_timestamp,
        ) = _MEMORY_REGION_G0_BASE_ADDR_TO_TIMESTAMP[endian].unpack_from(view, pos)
        if f_page_size not in (1024, 2048, 4096, 8192, 16384, 32768):
            raise reject(
                "MemoryRegionG0.page_size",
                f_page_size,
                "C10",
                "must be one of 1024, 2048, 4096, 8192, 16384, 32768",
                pos,
            )
        pos += 32
        size = pad8((f_num_pages + 3) // 4)
        f_page_state_map, pos = read_bytes(view, pos, size, end, False, "MemoryRegionG0.page_state_map", copy=True)
        f_page_data, pos = read_bytes(view, pos, end - pos, end, False, "MemoryRegionG0.page_data", copy=False)
        obj = cls(
            base_addr=f_base_addr,
            region_size=f_region_size,
            protection=f_protection,
            region_type=f_region_type,
            page_size=f_page_size,
            num_pages=f_num_pages,
            timestamp=f_timestamp,
            page_state_map=f_page_state_map,
            page_data=f_page_data,
        )
        return obj, pos

    def encode(self, endian: str = "<") -> bytes:
        """Encode to bytes (length and count fields left as None are computed)."""
        return b"".join(self.encode_parts(endian))

    def encode_parts(self, endian: str = "<") -> list[bytes | memoryview]:
        """Encode as a list of byte chunks, without copying large data such as page bytes."""
        parts: list[bytes | memoryview] = []
        f_base_addr = self.base_addr
        f_region_size = self.region_size
        f_protection = self.protection
        f_region_type = self.region_type
        f_page_size = self.page_size
        f_num_pages = self.num_pages
        f_timestamp = self.timestamp
        parts.append(_MEMORY_REGION_G0_BASE_ADDR_TO_TIMESTAMP[endian].pack(
            f_base_addr,
            f_region_size,
            f_protection,
            f_region_type,
            f_page_size,
            f_num_pages,
            f_timestamp,
        ))
        size = pad8((f_num_pages + 3) // 4)
        parts.append(sized(self.page_state_map, size, "MemoryRegionG0.page_state_map"))
        parts.append(self.page_data)
        return parts

    def check(self) -> list[Finding]:
        """Constraints from the schema that this value breaks (reserved fields, ranges, ...)."""
        found: list[Finding] = []
        if self.page_size not in (1024, 2048, 4096, 8192, 16384, 32768):
            found.append(Finding("page_size", "C10", "must be one of 1024, 2048, 4096, 8192, 16384, 32768"))
        return found


LAYOUTS = (MemoryRegion, MemoryRegionG0, )
"""Payload layouts of this block type, each with the dialects and payload versions it serves."""
