"""Byte-level edits of generated captures, and re-sealing after an edit.

A mutation case changes exactly the bytes its ``origin.mutation`` note names. When the
case is about something else than integrity, :func:`reseal` then recomputes every PrevHash
and the End-of-Capture FileHash so that the edit is the file's only defect.
"""

from __future__ import annotations

import dataclasses
import struct
from dataclasses import dataclass

from memslice.generated import framing
from memslice.generated._support import ZERO_HASH
from memslice.generated.blocks import end_of_capture
from memslice.generated.enums import Endianness

from memslice.integrity import digest
from memslice.validate import field_offset

_HDR = framing.BLOCK_HEADER_SIZE
_EOC = end_of_capture.BLOCK_TYPE


@dataclass(frozen=True)
class Span:
    """Where one block sits in a file."""

    index: int
    offset: int
    length: int
    block_type: int

    @property
    def end(self) -> int:
        """Offset just past the block."""
        return self.offset + self.length


def endian_of(data: bytes | bytearray) -> str:
    """Struct prefix of a file's byte order (its Endianness byte)."""
    return ">" if data[header_field_offset("endianness")] == Endianness.BIG else "<"


def blocks(data: bytes | bytearray) -> list[Span]:
    """Every block of an unencrypted file, by walking BlockLength (stops as a consumer must, C4).

    Header fields are read raw, without validation, so that deliberately broken files
    (type 0) can still be walked.
    """
    at_type = block_field_offset("block_type")
    at_length = block_field_offset("block_length")
    out: list[Span] = []
    pos = data[header_field_offset("header_size")]
    while len(data) - pos >= _HDR and bytes(data[pos:pos + 4]) == framing.BLOCK_MAGIC:
        length = get(data, pos + at_length, "I")
        if length < _HDR or pos + length > len(data):
            break
        out.append(Span(len(out), pos, length, get(data, pos + at_type, "H")))
        pos += length
    return out


def put(data: bytearray, offset: int, fmt: str, value: int) -> None:
    """Write one integer in the file's byte order (``fmt`` is a struct code: B, H, I, Q)."""
    struct.pack_into(endian_of(data) + fmt, data, offset, value)


def get(data: bytes | bytearray, offset: int, fmt: str) -> int:
    """Read one integer in the file's byte order."""
    return int(struct.unpack_from(endian_of(data) + fmt, data, offset)[0])


def header_field_offset(field_id: str) -> int:
    """File offset of a file-header field, from the generated layout (no hand-kept offsets)."""
    return field_offset(framing.FileHeader, field_id)


def block_field_offset(field_id: str) -> int:
    """Offset of a block-header field within the 80-byte block header."""
    return field_offset(framing.BlockHeader, field_id)


def reseal(data: bytearray, *, unchained_header: bool = False, algo: int | None = None) -> None:
    """Recompute every PrevHash and the End-of-Capture FileHash of an unencrypted file.

    Works on the capture segment and whatever follows it (extension segments keep a valid
    chain; their SegmentHash is not recomputed, so mutate inside them only on purpose).

    Args:
        data: The file, edited in place.
        unchained_header: Write 32 zero bytes as block 0's PrevHash (pre-1.1 MemDiver).
        algo: HashAlgo to chain with (default: the header's byte; a 1.0 file whose reserved
            byte 0x3D is set still chains with BLAKE3).
    """
    if algo is None:
        algo = data[header_field_offset("hash_algo")]
    header_size = data[header_field_offset("header_size")]
    endian = endian_of(data)
    prev_at = block_field_offset("prev_hash")
    prev = ZERO_HASH if unchained_header else digest(bytes(data[:header_size]), algo)
    eoc_seen = False
    for span in blocks(data):
        data[span.offset + prev_at:span.offset + prev_at + len(prev)] = prev
        if span.block_type == _EOC and not eoc_seen:
            eoc_seen = True
            payload_at = span.offset + _HDR
            eoc = end_of_capture.EndOfCapture.decode(bytes(data[payload_at:span.end]), endian)
            sealed = dataclasses.replace(eoc, file_hash=digest(bytes(data[:span.offset]), algo)).encode(endian)
            data[payload_at:payload_at + len(sealed)] = sealed
        prev = digest(bytes(data[span.offset:span.end]), algo)
