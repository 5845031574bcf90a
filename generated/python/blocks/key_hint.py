# Generated from spec/blocks/key_hint.yaml by `msl codegen`.
# Do not edit: change the YAML and regenerate.
"""Key Hint (block type 0x0020, spec 5.6, since 1.0).

Location, kind and provenance of cryptographic key material inside a captured Memory Region, so
that a dead-forensics tool can go straight to a key an instrumented acquirer (e.g. friTap)
already located. Optional; announced by capability bit 10 (CryptoHints). The referenced region
should carry block flag HasKeyHints, but that region is normally written first and blocks are
append-only, so no producer sets it (E6). Allowed in extension segments (1.1 4.6). memslicer's
engine never emits Key Hints (writer API only).
"""

from __future__ import annotations

from dataclasses import dataclass
from struct import Struct
from typing import ClassVar

from memslice.generated._support import ZERO_UUID, FieldInfo, Finding, encode_str, need, padding, read_str, sized

BLOCK_TYPE = 0x0020
BLOCK_ID = "key_hint"
TITLE = "Key Hint"
STATUS = "defined"
NAMESPACE = "capture"
CAP_BIT = "crypto_hints"
PARENT = None
IN_EXTENSION = True

_KEY_HINT_REGION_UUID_TO_RESERVED2 = {"<": Struct("<16sQIHHBBHII"), ">": Struct(">16sQIHHBBHII")}


@dataclass(slots=True)
class KeyHint:
    """Payload layout ``key_hint`` of block key_hint (dialects: spec-1.0, spec-1.1, memdiver-1.0.2).

    44-byte fixed part, then the Note at +0x2C (E1): the payload is 44 + pad8(NoteLen) bytes, always
    4 mod 8. memslicer pads the block with 4 more zero bytes, memdiver leaves BlockLength = 4 (mod
    8). Every producer agrees the Note starts at +0x2C. memdiver measures RegionOffset from the
    region's BaseAddr in virtual-address space (converting it to a PageData offset by skipping
    non-captured pages) and rebases the hint onto the chunk block when it split a large region; the
    two readings agree only when no non-captured page precedes the key (D7). memdiver also writes
    KeyType 0x000C (ML-KEM private key).

    Spec: 5.6. Source: blocks/key_hint.yaml:layouts[0].

    Attributes:
        region_uuid: BlockUUID of the Memory Region holding the key material. (RegionUUID, +0x00,
            spec 5.6.)
        region_offset: Byte offset of the key within the region's PageData (memdiver: offset from
            BaseAddr in VA space, see the layout doc). (RegionOffset, +0x10, spec 5.6.)
        len_key: Length of the key material in bytes; 0 = unknown. (KeyLen, +0x18, spec 5.6.)
        key_type: Kind of key material. (KeyType, +0x1C, spec 5.6.)
        protocol: Protocol the key belongs to. (Protocol, +0x1E, spec 5.6.)
        confidence: How sure the producer is (Speculative, Heuristic, Confirmed). (Confidence,
            +0x20, spec 5.6.)
        key_state: State of the key at capture time. (KeyState, +0x21, spec 5.6.)
        reserved: Reserved; zero. (Reserved, +0x22, spec 5.6.)
        len_note: Byte length of note including its NUL; 0 = no note. (NoteLen, +0x24, spec 5.6.)
        reserved2: Reserved; zero. (Reserved2, +0x28, spec 5.6.)
        note: Free-form provenance text (UTF-8); absent when len_note is 0. (Note, +0x2C, spec 5.6.)
    """

    BLOCK_TYPE: ClassVar[int] = 0x0020
    BLOCK_ID: ClassVar[str] = "key_hint"
    LAYOUT_ID: ClassVar[str] = "key_hint"
    DIALECTS: ClassVar[tuple[str, ...]] = ("spec-1.0", "spec-1.1", "memdiver-1.0.2")
    PAYLOAD_VERSIONS: ClassVar[tuple[int, ...]] = (1,)
    FIELDS: ClassVar[tuple[FieldInfo, ...]] = (
        FieldInfo(id="region_uuid", kind="uuid", role="uuid_ref", orig="RegionUUID", offset=0x00, size=16),
        FieldInfo(id="region_offset", kind="int", orig="RegionOffset", offset=0x10, size=8),
        FieldInfo(id="len_key", kind="int", orig="KeyLen", offset=0x18, size=4),
        FieldInfo(id="key_type", kind="int", enum="key_type", orig="KeyType", offset=0x1C, size=2),
        FieldInfo(id="protocol", kind="int", enum="protocol", orig="Protocol", offset=0x1E, size=2),
        FieldInfo(id="confidence", kind="int", enum="confidence", orig="Confidence", offset=0x20, size=1),
        FieldInfo(id="key_state", kind="int", enum="key_state", orig="KeyState", offset=0x21, size=1),
        FieldInfo(id="reserved", kind="int", reserved=True, orig="Reserved", offset=0x22, size=2),
        FieldInfo(id="len_note", kind="int", orig="NoteLen", offset=0x24, size=4),
        FieldInfo(id="reserved2", kind="int", reserved=True, orig="Reserved2", offset=0x28, size=4),
        FieldInfo(id="note", kind="str", orig="Note", offset=0x2C),
    )

    region_uuid: bytes = ZERO_UUID
    region_offset: int = 0
    len_key: int = 0
    key_type: int = 0
    protocol: int = 0
    confidence: int = 0
    key_state: int = 0
    reserved: int = 0
    len_note: int | None = None
    reserved2: int = 0
    note: str | None = None

    @classmethod
    def decode(cls, data: bytes | bytearray | memoryview, endian: str = "<") -> KeyHint:
        """Decode a whole buffer as one KeyHint.

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
    def decode_at(cls, view: memoryview, pos: int, end: int, endian: str) -> tuple[KeyHint, int]:
        """Decode at ``pos`` without reading past ``end``; return it and the position after it."""
        need(view, pos, 44, end, "KeyHint.region_uuid")
        (
            f_region_uuid,
            f_region_offset,
            f_len_key,
            f_key_type,
            f_protocol,
            f_confidence,
            f_key_state,
            f_reserved,
            f_len_note,
            f_reserved2,
        ) = _KEY_HINT_REGION_UUID_TO_RESERVED2[endian].unpack_from(view, pos)
        pos += 44
        f_note, pos = read_str(view, pos, f_len_note, end, True, "nul", "KeyHint.note")
        obj = cls(
            region_uuid=f_region_uuid,
            region_offset=f_region_offset,
            len_key=f_len_key,
            key_type=f_key_type,
            protocol=f_protocol,
            confidence=f_confidence,
            key_state=f_key_state,
            reserved=f_reserved,
            len_note=f_len_note,
            reserved2=f_reserved2,
            note=f_note,
        )
        return obj, pos

    def encode(self, endian: str = "<") -> bytes:
        """Encode to bytes (length and count fields left as None are computed)."""
        return b"".join(self.encode_parts(endian))

    def encode_parts(self, endian: str = "<") -> list[bytes | memoryview]:
        """Encode as a list of byte chunks, without copying large data such as page bytes."""
        parts: list[bytes | memoryview] = []
        raw_note = encode_str(self.note, "nul")
        f_region_offset = self.region_offset
        f_len_key = self.len_key
        f_key_type = self.key_type
        f_protocol = self.protocol
        f_confidence = self.confidence
        f_key_state = self.key_state
        f_reserved = self.reserved or 0
        f_len_note = self.len_note
        if f_len_note is None:
            f_len_note = len(raw_note)
        f_reserved2 = self.reserved2 or 0
        parts.append(_KEY_HINT_REGION_UUID_TO_RESERVED2[endian].pack(
            self.region_uuid,
            f_region_offset,
            f_len_key,
            f_key_type,
            f_protocol,
            f_confidence,
            f_key_state,
            f_reserved,
            f_len_note,
            f_reserved2,
        ))
        parts.append(sized(raw_note, f_len_note, "KeyHint.note"))
        parts.append(padding(f_len_note))
        return parts

    def check(self) -> list[Finding]:
        """Constraints from the schema that this value breaks (reserved fields, ranges, ...)."""
        found: list[Finding] = []
        if self.reserved != 0:
            found.append(Finding("reserved", "P5", "reserved field is not zero"))
        if self.reserved2 != 0:
            found.append(Finding("reserved2", "P5", "reserved field is not zero"))
        return found


LAYOUTS = (KeyHint, )
"""Payload layouts of this block type, each with the dialects and payload versions it serves."""
