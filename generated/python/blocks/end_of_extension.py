# Generated from spec/blocks/end_of_extension.yaml by `msl codegen`.
# Do not edit: change the YAML and regenerate.
"""End of Extension (block type 0x0FFE, spec 1.1:4.6, since 1.1).

Terminator of an extension segment (1.1 Table 12a): the last block of every segment appended
after the End-of-Capture. Its SegmentHash covers the segment's bytes before this block and its
BlockCount is the segment's exact block count, so a reader can verify the segment; an
unterminated or failing segment and everything after it is trailing data (V11-C14, V11-C23).
Producers write one per segment (V11-P34). It only ever appears inside extension segments.
memslicer 0.5.2 and memdiver 1.0.2 write identical bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from struct import Struct
from typing import ClassVar

from memslice.generated._support import ZERO_HASH, FieldInfo, Finding, encode_str, need, padding, read_str, sized

BLOCK_TYPE = 0x0FFE
BLOCK_ID = "end_of_extension"
TITLE = "End of Extension"
STATUS = "defined"
NAMESPACE = "capture"
CAP_BIT = None
PARENT = None
IN_EXTENSION = True

_END_OF_EXTENSION_SEGMENT_HASH_TO_RESERVED2 = {"<": Struct("<32sQIIH6s"), ">": Struct(">32sQIIH6s")}


@dataclass(slots=True)
class EndOfExtension:
    """Payload layout ``end_of_extension`` of block end_of_extension (dialects: spec-1.1, memdiver-1.0.2).

    56-byte fixed part, then the producer name.

    Spec: 1.1:4.6. Source: blocks/end_of_extension.yaml:layouts[0].

    Attributes:
        segment_hash: HashAlgo over all bytes from the segment's first block up to (not including)
            this block. (SegmentHash, +0x00, spec 1.1:4.6.)
        written_at: When the segment was written (ns since the Unix epoch); 0 = unknown. (WrittenAt,
            +0x20, spec 1.1:4.6.)
        block_count: Blocks in the segment including this one; exact, never 0. (BlockCount, +0x28,
            spec 1.1:4.6.)
        reserved: Reserved; zero. (Reserved, +0x2C, spec 1.1:4.6.)
        len_producer: Byte length of producer including its NUL; 0 = none. (ProducerLen, +0x30, spec
            1.1:4.6.)
        reserved2: Reserved; zero. (Reserved2, +0x32, spec 1.1:4.6.)
        producer: Tool that wrote the segment, e.g. memslicer-enrich/<ver>, memdiver/<ver> (UTF-8).
            (Producer, +0x38, spec 1.1:4.6.)
    """

    BLOCK_TYPE: ClassVar[int] = 0x0FFE
    BLOCK_ID: ClassVar[str] = "end_of_extension"
    LAYOUT_ID: ClassVar[str] = "end_of_extension"
    DIALECTS: ClassVar[tuple[str, ...]] = ("spec-1.1", "memdiver-1.0.2")
    PAYLOAD_VERSIONS: ClassVar[tuple[int, ...]] = (1,)
    FIELDS: ClassVar[tuple[FieldInfo, ...]] = (
        FieldInfo(id="segment_hash", kind="hash", orig="SegmentHash", offset=0x00, size=32),
        FieldInfo(id="written_at", kind="int", orig="WrittenAt", offset=0x20, size=8),
        FieldInfo(id="block_count", kind="int", orig="BlockCount", offset=0x28, size=4),
        FieldInfo(id="reserved", kind="int", reserved=True, orig="Reserved", offset=0x2C, size=4),
        FieldInfo(id="len_producer", kind="int", orig="ProducerLen", offset=0x30, size=2),
        FieldInfo(id="reserved2", kind="bytes", reserved=True, orig="Reserved2", offset=0x32, size=6),
        FieldInfo(id="producer", kind="str", orig="Producer", offset=0x38),
    )

    segment_hash: bytes = ZERO_HASH
    written_at: int = 0
    block_count: int = 0
    reserved: int = 0
    len_producer: int | None = None
    reserved2: bytes = bytes(6)
    producer: str | None = None

    @classmethod
    def decode(cls, data: bytes | bytearray | memoryview, endian: str = "<") -> EndOfExtension:
        """Decode a whole buffer as one EndOfExtension.

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
    def decode_at(cls, view: memoryview, pos: int, end: int, endian: str) -> tuple[EndOfExtension, int]:
        """Decode at ``pos`` without reading past ``end``; return it and the position after it."""
        need(view, pos, 56, end, "EndOfExtension.segment_hash")
        (
            f_segment_hash,
            f_written_at,
            f_block_count,
            f_reserved,
            f_len_producer,
            f_reserved2,
        ) = _END_OF_EXTENSION_SEGMENT_HASH_TO_RESERVED2[endian].unpack_from(view, pos)
        pos += 56
        f_producer, pos = read_str(view, pos, f_len_producer, end, True, "nul", "EndOfExtension.producer")
        obj = cls(
            segment_hash=f_segment_hash,
            written_at=f_written_at,
            block_count=f_block_count,
            reserved=f_reserved,
            len_producer=f_len_producer,
            reserved2=f_reserved2,
            producer=f_producer,
        )
        return obj, pos

    def encode(self, endian: str = "<") -> bytes:
        """Encode to bytes (length and count fields left as None are computed)."""
        return b"".join(self.encode_parts(endian))

    def encode_parts(self, endian: str = "<") -> list[bytes | memoryview]:
        """Encode as a list of byte chunks, without copying large data such as page bytes."""
        parts: list[bytes | memoryview] = []
        raw_producer = encode_str(self.producer, "nul")
        f_written_at = self.written_at
        f_block_count = self.block_count
        f_reserved = self.reserved or 0
        f_len_producer = self.len_producer
        if f_len_producer is None:
            f_len_producer = len(raw_producer)
        parts.append(_END_OF_EXTENSION_SEGMENT_HASH_TO_RESERVED2[endian].pack(
            self.segment_hash,
            f_written_at,
            f_block_count,
            f_reserved,
            f_len_producer,
            self.reserved2 or bytes(6),
        ))
        parts.append(sized(raw_producer, f_len_producer, "EndOfExtension.producer"))
        parts.append(padding(f_len_producer))
        return parts

    def check(self) -> list[Finding]:
        """Constraints from the schema that this value breaks (reserved fields, ranges, ...)."""
        found: list[Finding] = []
        if self.block_count < 1:
            found.append(Finding("block_count", "V11-P34", "must be >= 1"))
        if self.reserved != 0:
            found.append(Finding("reserved", "P5", "reserved field is not zero"))
        if self.reserved2 != bytes(6):
            found.append(Finding("reserved2", "P5", "reserved field is not zero"))
        return found


LAYOUTS = (EndOfExtension, )
"""Payload layouts of this block type, each with the dialects and payload versions it serves."""
