# Generated from spec/blocks/end_of_capture.yaml by `msl codegen`.
# Do not edit: change the YAML and regenerate.
"""End of Capture (block type 0x0FFF, spec 4.5, since 1.0).

Completeness marker: the last block of the capture segment. Its FileHash covers every byte of
the file before this block; its absence means the capture may be incomplete.
"""

from __future__ import annotations

from dataclasses import dataclass
from struct import Struct
from typing import ClassVar

from memslice.generated._support import ZERO_HASH, FieldInfo, Finding, need

BLOCK_TYPE = 0x0FFF
BLOCK_ID = "end_of_capture"
TITLE = "End of Capture"
STATUS = "defined"
NAMESPACE = "capture"
CAP_BIT = None
PARENT = None
IN_EXTENSION = False

_END_OF_CAPTURE_FILE_HASH_TO_ACQ_END = {"<": Struct("<32sQ"), ">": Struct(">32sQ")}
_END_OF_CAPTURE_BLOCK_COUNT_TO_RESERVED = {"<": Struct("<II"), ">": Struct(">II")}


@dataclass(slots=True)
class EndOfCapture:
    """Payload layout ``end_of_capture`` of block end_of_capture (dialects: spec-1.0, spec-1.1, memdiver-1.0.2, g0).

    48 bytes in 1.0 (8 reserved) and 1.1 (BlockCount + 4 reserved); pre-1.1 memdiver wrote only the
    first 40 bytes, which 1.1 consumers accept (V11-4.5-eoc-40).

    Spec: 4.5. Source: blocks/end_of_capture.yaml:layouts[0].

    Attributes:
        file_hash: Hash of all file bytes before this block. (FileHash, +0x00, spec 4.5.)
        acq_end: Acquisition end time (ns since the Unix epoch). (AcqEnd, +0x20, spec 4.5.)
        block_count: Capture-segment blocks including this one; 0 = unknown. Reserved (zero) in 1.0.
            (BlockCount, +0x28, spec 1.1:4.5.)
        reserved: Reserved; zero. (Reserved, +0x2C, spec 4.5.)
    """

    BLOCK_TYPE: ClassVar[int] = 0x0FFF
    BLOCK_ID: ClassVar[str] = "end_of_capture"
    LAYOUT_ID: ClassVar[str] = "end_of_capture"
    DIALECTS: ClassVar[tuple[str, ...]] = ("spec-1.0", "spec-1.1", "memdiver-1.0.2", "g0")
    PAYLOAD_VERSIONS: ClassVar[tuple[int, ...]] = (0, 1)
    FIELDS: ClassVar[tuple[FieldInfo, ...]] = (
        FieldInfo(id="file_hash", kind="hash", role="file_hash", orig="FileHash", offset=0x00, size=32),
        FieldInfo(id="acq_end", kind="int", orig="AcqEnd", offset=0x20, size=8),
        FieldInfo(id="block_count", kind="int", orig="BlockCount", offset=0x28, size=4, since="1.1"),
        FieldInfo(id="reserved", kind="int", reserved=True, orig="Reserved", offset=0x2C, size=4),
    )

    file_hash: bytes = ZERO_HASH
    acq_end: int = 0
    block_count: int | None = 0
    reserved: int | None = None

    @classmethod
    def decode(cls, data: bytes | bytearray | memoryview, endian: str = "<") -> EndOfCapture:
        """Decode a whole buffer as one EndOfCapture.

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
    def decode_at(cls, view: memoryview, pos: int, end: int, endian: str) -> tuple[EndOfCapture, int]:
        """Decode at ``pos`` without reading past ``end``; return it and the position after it."""
        need(view, pos, 40, end, "EndOfCapture.file_hash")
        (f_file_hash, f_acq_end) = _END_OF_CAPTURE_FILE_HASH_TO_ACQ_END[endian].unpack_from(view, pos)
        pos += 40
        f_block_count = None
        f_reserved = None
        if pos < end:
            need(view, pos, 8, end, "EndOfCapture.block_count")
            (
                f_block_count,
                f_reserved,
            ) = _END_OF_CAPTURE_BLOCK_COUNT_TO_RESERVED[endian].unpack_from(view, pos)
            pos += 8
        obj = cls(file_hash=f_file_hash, acq_end=f_acq_end, block_count=f_block_count, reserved=f_reserved)
        return obj, pos

    def encode(self, endian: str = "<") -> bytes:
        """Encode to bytes (length and count fields left as None are computed)."""
        return b"".join(self.encode_parts(endian))

    def encode_parts(self, endian: str = "<") -> list[bytes | memoryview]:
        """Encode as a list of byte chunks, without copying large data such as page bytes."""
        parts: list[bytes | memoryview] = []
        f_acq_end = self.acq_end
        f_block_count = self.block_count
        f_reserved = self.reserved or 0
        parts.append(_END_OF_CAPTURE_FILE_HASH_TO_ACQ_END[endian].pack(self.file_hash, f_acq_end))
        if self.block_count is not None:
            parts.append(_END_OF_CAPTURE_BLOCK_COUNT_TO_RESERVED[endian].pack(f_block_count, f_reserved))
        return parts

    def check(self) -> list[Finding]:
        """Constraints from the schema that this value breaks (reserved fields, ranges, ...)."""
        found: list[Finding] = []
        if self.reserved is not None and self.reserved != 0:
            found.append(Finding("reserved", "P5", "reserved field is not zero"))
        return found


LAYOUTS = (EndOfCapture, )
"""Payload layouts of this block type, each with the dialects and payload versions it serves."""
