# Generated from spec/blocks/block_index_table.yaml by `msl codegen`.
# Do not edit: change the YAML and regenerate.
"""Block Index Table (block type 0x1000, spec cat:5, since G0, withdrawn).

Withdrawn draft type: an index of the file's blocks (UUID, file offset, type, payload version,
length) so that a reader could seek instead of walking the chain. The early drafts of the
specification (SPEC-d1 and SPEC-d2, 2026-03-14/15) defined it; the public spec 1.0 dropped it
and no tool ever wrote or read it. Code 0x1000 lies in the structural namespace, allowed in
extension segments (1.1 4.6). Readers skip such a block by BlockLength (C3).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from struct import Struct
from typing import ClassVar

from memslice.generated._support import ZERO_UUID, FieldInfo, Finding, MslError, check_count, need, nest

BLOCK_TYPE = 0x1000
BLOCK_ID = "block_index_table"
TITLE = "Block Index Table"
STATUS = "withdrawn"
NAMESPACE = "structural"
CAP_BIT = None
PARENT = None
IN_EXTENSION = True

_BLOCK_INDEX_ENTRY_BLOCK_UUID_TO_BLOCK_LENGTH = {"<": Struct("<16sQHHI"), ">": Struct(">16sQHHI")}
_BLOCK_INDEX_TABLE_NUM_ENTRIES_TO_RESERVED = {"<": Struct("<II"), ">": Struct(">II")}


@dataclass(slots=True)
class BlockIndexEntry:
    """Structure ``block_index_entry``.

    One indexed block (32 bytes).

    Spec: cat:5. Source: blocks/block_index_table.yaml:types.block_index_entry.

    Attributes:
        block_uuid: BlockUUID of the indexed block. (BlockUUID, +0x00, spec cat:5.)
        ofs_block: File offset of the indexed block. (FileOffset, +0x10, spec cat:5.)
        block_type: BlockType of the indexed block. (BlockType, +0x18, spec cat:5.)
        payload_version: PayloadVersion of the indexed block. (PayloadVersion, +0x1A, spec cat:5.)
        block_length: BlockLength of the indexed block. (BlockLength, +0x1C, spec cat:5.)
    """

    FIELDS: ClassVar[tuple[FieldInfo, ...]] = (
        FieldInfo(id="block_uuid", kind="uuid", role="uuid_ref", orig="BlockUUID", offset=0x00, size=16),
        FieldInfo(id="ofs_block", kind="int", format="hex", orig="FileOffset", offset=0x10, size=8),
        FieldInfo(id="block_type", kind="int", format="hex", enum="block_type", orig="BlockType", offset=0x18, size=2),
        FieldInfo(id="payload_version", kind="int", orig="PayloadVersion", offset=0x1A, size=2),
        FieldInfo(id="block_length", kind="int", orig="BlockLength", offset=0x1C, size=4),
    )

    block_uuid: bytes = ZERO_UUID
    ofs_block: int = 0
    block_type: int = 0
    payload_version: int = 0
    block_length: int = 0

    @classmethod
    def decode(cls, data: bytes | bytearray | memoryview, endian: str = "<") -> BlockIndexEntry:
        """Decode a whole buffer as one BlockIndexEntry.

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
    def decode_at(cls, view: memoryview, pos: int, end: int, endian: str) -> tuple[BlockIndexEntry, int]:
        """Decode at ``pos`` without reading past ``end``; return it and the position after it."""
        need(view, pos, 32, end, "BlockIndexEntry.block_uuid")
        (
            f_block_uuid,
            f_ofs_block,
            f_block_type,
            f_payload_version,
            f_block_length,
        ) = _BLOCK_INDEX_ENTRY_BLOCK_UUID_TO_BLOCK_LENGTH[endian].unpack_from(view, pos)
        pos += 32
        obj = cls(
            block_uuid=f_block_uuid,
            ofs_block=f_ofs_block,
            block_type=f_block_type,
            payload_version=f_payload_version,
            block_length=f_block_length,
        )
        return obj, pos

    def encode(self, endian: str = "<") -> bytes:
        """Encode to bytes (length and count fields left as None are computed)."""
        return b"".join(self.encode_parts(endian))

    def encode_parts(self, endian: str = "<") -> list[bytes | memoryview]:
        """Encode as a list of byte chunks, without copying large data such as page bytes."""
        parts: list[bytes | memoryview] = []
        f_ofs_block = self.ofs_block
        f_block_type = self.block_type
        f_payload_version = self.payload_version
        f_block_length = self.block_length
        parts.append(_BLOCK_INDEX_ENTRY_BLOCK_UUID_TO_BLOCK_LENGTH[endian].pack(
            self.block_uuid,
            f_ofs_block,
            f_block_type,
            f_payload_version,
            f_block_length,
        ))
        return parts

    def check(self) -> list[Finding]:
        """Constraints from the schema that this value breaks (reserved fields, ranges, ...)."""
        found: list[Finding] = []
        return found


@dataclass(slots=True)
class BlockIndexTable:
    """Payload layout ``block_index_table`` of block block_index_table (dialects: spec-1.0).

    The draft layout, kept for reference only: it was never implemented by any producer or consumer
    and is not part of spec 1.0. It is listed under dialect spec-1.0 only because a layout needs at
    least one dialect; no writer should emit it.

    Spec: cat:5. Source: blocks/block_index_table.yaml:layouts[0].

    Attributes:
        num_entries: Number of index entries. (EntryCount, +0x00, spec cat:5.)
        reserved: Reserved; zero. (Reserved, +0x04, spec cat:5.)
        entries: The index entries. (Entries, +0x08, spec cat:5.)
    """

    BLOCK_TYPE: ClassVar[int] = 0x1000
    BLOCK_ID: ClassVar[str] = "block_index_table"
    LAYOUT_ID: ClassVar[str] = "block_index_table"
    DIALECTS: ClassVar[tuple[str, ...]] = ("spec-1.0",)
    PAYLOAD_VERSIONS: ClassVar[tuple[int, ...]] = (1,)
    FIELDS: ClassVar[tuple[FieldInfo, ...]] = (
        FieldInfo(id="num_entries", kind="int", orig="EntryCount", offset=0x00, size=4),
        FieldInfo(id="reserved", kind="int", reserved=True, orig="Reserved", offset=0x04, size=4),
        FieldInfo(id="entries", kind="list", orig="Entries", offset=0x08),
    )

    num_entries: int | None = None
    reserved: int = 0
    entries: list[BlockIndexEntry] = field(default_factory=list)

    @classmethod
    def decode(cls, data: bytes | bytearray | memoryview, endian: str = "<") -> BlockIndexTable:
        """Decode a whole buffer as one BlockIndexTable.

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
    def decode_at(cls, view: memoryview, pos: int, end: int, endian: str) -> tuple[BlockIndexTable, int]:
        """Decode at ``pos`` without reading past ``end``; return it and the position after it."""
        need(view, pos, 8, end, "BlockIndexTable.num_entries")
        (
            f_num_entries,
            f_reserved,
        ) = _BLOCK_INDEX_TABLE_NUM_ENTRIES_TO_RESERVED[endian].unpack_from(view, pos)
        pos += 8
        f_entries = []
        check_count(f_num_entries, 32, pos, end, "BlockIndexTable.entries")
        for _ in range(f_num_entries):
            try:
                item, pos = BlockIndexEntry.decode_at(view, pos, end, endian)
            except MslError as exc:
                raise nest(exc, f"BlockIndexTable.entries[{len(f_entries)}]") from None
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
        parts.append(_BLOCK_INDEX_TABLE_NUM_ENTRIES_TO_RESERVED[endian].pack(f_num_entries, f_reserved))
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


LAYOUTS = (BlockIndexTable, )
"""Payload layouts of this block type, each with the dialects and payload versions it serves."""
