# Generated from spec/blocks/related_dump.yaml by `msl codegen`.
# Do not edit: change the YAML and regenerate.
"""Related Dump (block type 0x0041, spec 5.5, since 1.0).

A relationship between this capture and another .msl file of a concurrently captured process
(parent, child, shared memory, IPC peer, thread group). Optional, any number. Allowed in
extension segments (1.1 4.6).
"""

from __future__ import annotations

from dataclasses import dataclass
from struct import Struct
from typing import ClassVar

from memslice.generated._support import ZERO_UUID, FieldInfo, Finding, need

BLOCK_TYPE = 0x0041
BLOCK_ID = "related_dump"
TITLE = "Related Dump"
STATUS = "defined"
NAMESPACE = "capture"
CAP_BIT = "related_dumps"
PARENT = None
IN_EXTENSION = True

_RELATED_DUMP_RELATED_DUMP_UUID_TO_RESERVED = {"<": Struct("<16sIHH"), ">": Struct(">16sIHH")}
_RELATED_DUMP_TARGET_HASH = {"<": Struct("<32s"), ">": Struct(">32s")}


@dataclass(slots=True)
class RelatedDump:
    """Payload layout ``related_dump`` of block related_dump (dialects: spec-1.0, spec-1.1, memdiver-1.0.2).

    24 bytes in the public spec and memslicer ("24B FIXED"); memdiver (the pre-1.1 tree and 1.0.2)
    writes 56 bytes, appending a 32-byte TargetHash, calls that the "spec-mandated" layout and the
    24-byte form legacy, and reads both. target_hash is therefore an optional tail.

    Spec: 5.5. Source: blocks/related_dump.yaml:layouts[0].

    Attributes:
        related_dump_uuid: DumpUUID of the related .msl file. (RelatedDumpUUID, +0x00, spec 5.5.)
        related_pid: PID of the related process; 0 = unknown. (RelatedPID, +0x10, spec 5.5.)
        relationship: How the other process relates to this one. (Relationship, +0x14, spec 5.5.)
        reserved: Reserved; zero. (Reserved, +0x16, spec 5.5.)
        target_hash: memdiver only: BLAKE3 of the related file, all zero if unknown. Absent in
            memslicer and public-spec files. (TargetHash, +0x18, spec cat:6.9.)
    """

    BLOCK_TYPE: ClassVar[int] = 0x0041
    BLOCK_ID: ClassVar[str] = "related_dump"
    LAYOUT_ID: ClassVar[str] = "related_dump"
    DIALECTS: ClassVar[tuple[str, ...]] = ("spec-1.0", "spec-1.1", "memdiver-1.0.2")
    PAYLOAD_VERSIONS: ClassVar[tuple[int, ...]] = (1,)
    FIELDS: ClassVar[tuple[FieldInfo, ...]] = (
        FieldInfo(
            id="related_dump_uuid",
            kind="uuid",
            role="dump_uuid_ref",
            orig="RelatedDumpUUID",
            offset=0x00,
            size=16,
        ),
        FieldInfo(id="related_pid", kind="int", orig="RelatedPID", offset=0x10, size=4),
        FieldInfo(id="relationship", kind="int", enum="relationship", orig="Relationship", offset=0x14, size=2),
        FieldInfo(id="reserved", kind="int", reserved=True, orig="Reserved", offset=0x16, size=2),
        FieldInfo(id="target_hash", kind="hash", orig="TargetHash", offset=0x18, size=32),
    )

    related_dump_uuid: bytes = ZERO_UUID
    related_pid: int = 0
    relationship: int = 0
    reserved: int = 0
    target_hash: bytes | None = None

    @classmethod
    def decode(cls, data: bytes | bytearray | memoryview, endian: str = "<") -> RelatedDump:
        """Decode a whole buffer as one RelatedDump.

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
    def decode_at(cls, view: memoryview, pos: int, end: int, endian: str) -> tuple[RelatedDump, int]:
        """Decode at ``pos`` without reading past ``end``; return it and the position after it."""
        need(view, pos, 24, end, "RelatedDump.related_dump_uuid")
        (
            f_related_dump_uuid,
            f_related_pid,
            f_relationship,
            f_reserved,
        ) = _RELATED_DUMP_RELATED_DUMP_UUID_TO_RESERVED[endian].unpack_from(view, pos)
        pos += 24
        f_target_hash = None
        if pos < end:
            need(view, pos, 32, end, "RelatedDump.target_hash")
            (f_target_hash,) = _RELATED_DUMP_TARGET_HASH[endian].unpack_from(view, pos)
            pos += 32
        obj = cls(
            related_dump_uuid=f_related_dump_uuid,
            related_pid=f_related_pid,
            relationship=f_relationship,
            reserved=f_reserved,
            target_hash=f_target_hash,
        )
        return obj, pos

    def encode(self, endian: str = "<") -> bytes:
        """Encode to bytes (length and count fields left as None are computed)."""
        return b"".join(self.encode_parts(endian))

    def encode_parts(self, endian: str = "<") -> list[bytes | memoryview]:
        """Encode as a list of byte chunks, without copying large data such as page bytes."""
        parts: list[bytes | memoryview] = []
        f_related_pid = self.related_pid
        f_relationship = self.relationship
        f_reserved = self.reserved or 0
        parts.append(_RELATED_DUMP_RELATED_DUMP_UUID_TO_RESERVED[endian].pack(
            self.related_dump_uuid,
            f_related_pid,
            f_relationship,
            f_reserved,
        ))
        if self.target_hash is not None:
            parts.append(_RELATED_DUMP_TARGET_HASH[endian].pack(self.target_hash))
        return parts

    def check(self) -> list[Finding]:
        """Constraints from the schema that this value breaks (reserved fields, ranges, ...)."""
        found: list[Finding] = []
        if self.reserved != 0:
            found.append(Finding("reserved", "P5", "reserved field is not zero"))
        return found


LAYOUTS = (RelatedDump, )
"""Payload layouts of this block type, each with the dialects and payload versions it serves."""
