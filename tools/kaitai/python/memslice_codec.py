"""Custom Kaitai Struct process routine ``memslice_codec`` for Python (kaitaistruct 0.11).

The compiled parser calls ``MemsliceCodec(compressed, comp_algo, is_le, legacy).decode(raw)``
on every block payload. A compressed payload on disk is a u64 UncompressedSize in the file's
byte order followed by one zstd frame (CompAlgo 1) or one LZ4 block with its own 4-byte
little-endian size prefix (CompAlgo 2); memdiver's legacy files (``legacy`` true) may instead
hold a bare zstd frame or an LZ4 frame. This module depends only on ``zstandard`` and ``lz4``,
not on the memslice package, so the compiled parser is an independent reader.

The declared size is never an allocation request: zstd output is read in bounded steps up
to one byte past the claim, and an LZ4 block is inflated only when its size agrees with the
claim and with LZ4's maximum ratio.
"""

from __future__ import annotations

import struct

import lz4.block
import lz4.frame
import zstandard

ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
LZ4_FRAME_MAGIC = b"\x04\x22\x4d\x18"
MAX_UNCOMPRESSED = 1 << 32
LZ4_MAX_RATIO = 255
_STEP = 1 << 20


class MemsliceCodecError(ValueError):
    """A compressed payload whose framing or stream is broken."""


class MemsliceCodec:
    """Undo the compression framing of one block payload.

    Args:
        compressed: The block is compressed (flag bit 0, and the parser wants it inflated).
        comp_algo: CompAlgo bits (1 zstd, 2 LZ4).
        is_le: The file is little-endian (byte order of UncompressedSize).
        legacy: Accept memdiver's legacy bare zstd frame / LZ4 frame.
    """

    def __init__(self, compressed: bool, comp_algo: int, is_le: bool, legacy: bool) -> None:
        self.compressed = bool(compressed)
        self.comp_algo = int(comp_algo)
        self.is_le = bool(is_le)
        self.legacy = bool(legacy)

    def decode(self, data: bytes) -> bytes:
        """The payload as the layouts read it.

        Args:
            data: The on-disk payload.

        Returns:
            ``data`` unchanged when not compressed, else the inflated payload.

        Raises:
            MemsliceCodecError: Broken framing, unknown CompAlgo, or a size mismatch.
        """
        if not self.compressed:
            return data
        if self.comp_algo not in (1, 2):
            raise MemsliceCodecError(f"Compressed flag set with CompAlgo {self.comp_algo}")
        if self.legacy and _is_legacy(data):
            return _zstd(data, MAX_UNCOMPRESSED) if data[:4] == ZSTD_MAGIC else _lz4_frame(data)
        if len(data) < 8:
            raise MemsliceCodecError(f"compressed payload of {len(data)} bytes has no 8-byte size prefix")
        (size,) = struct.unpack_from("<Q" if self.is_le else ">Q", data, 0)
        if size > MAX_UNCOMPRESSED:
            raise MemsliceCodecError(f"UncompressedSize {size} exceeds the 4 GiB block limit")
        out = _zstd(data[8:], size) if self.comp_algo == 1 else _lz4_block(data[8:], size)
        if len(out) != size:
            raise MemsliceCodecError(f"payload inflates to {len(out)} bytes, UncompressedSize says {size}")
        return out


def _is_legacy(data: bytes) -> bool:
    if data[:4] == LZ4_FRAME_MAGIC and len(data) > 4 and data[4] != 0:
        return True
    return data[:4] == ZSTD_MAGIC and data[8:12] != ZSTD_MAGIC


def _zstd(stream: bytes, cap: int) -> bytes:
    dobj = zstandard.ZstdDecompressor().decompressobj()
    out = bytearray()
    pos = 0
    try:
        while pos < len(stream) and not dobj.eof:
            out += dobj.decompress(stream[pos:pos + _STEP])
            pos += _STEP
            if len(out) > cap:
                raise MemsliceCodecError(f"zstd stream inflates beyond {cap} bytes")
    except zstandard.ZstdError as exc:
        raise MemsliceCodecError(f"zstd frame is corrupt: {exc}") from None
    if not dobj.eof:
        raise MemsliceCodecError("zstd frame is truncated")
    rest = bytes(dobj.unused_data) + stream[pos:]
    if rest.strip(b"\0"):
        raise MemsliceCodecError(f"{len(rest)} bytes after the zstd frame are not zero padding")
    return bytes(out)


def _lz4_block(stream: bytes, size: int) -> bytes:
    if len(stream) < 4:
        raise MemsliceCodecError("LZ4 block lacks its 4-byte size prefix")
    (inner,) = struct.unpack_from("<I", stream, 0)
    if inner != size:
        raise MemsliceCodecError(f"LZ4 size prefix {inner} differs from UncompressedSize {size}")
    if size > LZ4_MAX_RATIO * len(stream) + 64:
        raise MemsliceCodecError(f"LZ4 block of {len(stream)} bytes cannot inflate to {size} bytes")
    for trim in range(8):  # memslicer 0.2.x padded size+stream to 8 with zero bytes
        if trim and stream[len(stream) - trim:].strip(b"\0"):
            break
        try:
            return lz4.block.decompress(stream[:len(stream) - trim] if trim else stream)
        except lz4.block.LZ4BlockError:
            continue
    raise MemsliceCodecError("LZ4 block is corrupt")


def _lz4_frame(data: bytes) -> bytes:
    try:
        return lz4.frame.LZ4FrameDecompressor().decompress(data, max_length=MAX_UNCOMPRESSED)
    except RuntimeError as exc:
        raise MemsliceCodecError(f"legacy LZ4 frame is corrupt: {exc}") from None
