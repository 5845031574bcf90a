"""Compressed payload framing: ``u64 UncompressedSize`` then one zstd frame or one LZ4 block.

The size prefix comes from the file and is never trusted as an allocation request: zstd
output is produced in bounded chunks and stops one byte past the claim, and the LZ4
block's own size prefix must agree with it and with LZ4's maximum expansion ratio before
the block is inflated.
"""

from __future__ import annotations

import struct

import lz4.block
import zstandard

from memslice.errors import CompressionError, UnsupportedError
from memslice.generated.enums import CompAlgo

_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_LZ4_FRAME_MAGIC = b"\x04\x22\x4d\x18"
_LZ4_MAX_RATIO = 255
_CHUNK = 1 << 20
MAX_UNCOMPRESSED = 1 << 32
"""No block payload may inflate beyond 4 GiB (BlockLength is a u32)."""


def compress_payload(payload: bytes | memoryview, algo: int, endian: str, level: int = 3) -> bytes:
    """Frame a payload as a compressed block payload (1.1 rule V11-P28).

    Args:
        payload: The uncompressed payload.
        algo: ``CompAlgo.ZSTD`` or ``CompAlgo.LZ4``.
        endian: Byte order of the size prefix.
        level: zstd level (ignored for LZ4).

    Returns:
        ``u64 size`` followed by the codec stream, unpadded.
    """
    prefix = struct.pack(endian + "Q", len(payload))
    if algo == CompAlgo.ZSTD:
        return prefix + zstandard.ZstdCompressor(level=level).compress(payload)
    if algo == CompAlgo.LZ4:
        return prefix + lz4.block.compress(payload, store_size=True)
    raise UnsupportedError(f"cannot compress with CompAlgo {algo}")


def decompress_payload(data: memoryview, algo: int, endian: str, *, legacy: bool = False) -> bytes:
    """Inflate a compressed payload.

    Args:
        data: The on-disk payload (after the 80-byte header).
        algo: CompAlgo from the block flags.
        endian: Byte order of the size prefix.
        legacy: Also accept memdiver's pre-1.1 bare zstd frame / LZ4 frame.

    Returns:
        The uncompressed payload.

    Raises:
        CompressionError: The framing is malformed or the inflated size differs from
            the declared one (rule V11-C20).
        UnsupportedError: CompAlgo 11 (extended) is not defined.
    """
    if algo == CompAlgo.EXTENDED:
        raise UnsupportedError("CompAlgo 11 (extended) has no defined framing", rule="C3")
    if legacy and is_legacy_framing(data):
        return _decompress_legacy(data)
    if len(data) < 8:
        raise CompressionError(f"compressed payload of {len(data)} bytes has no 8-byte size prefix",
                               rule="V11-P28")
    (size,) = struct.unpack_from(endian + "Q", data, 0)
    if size > MAX_UNCOMPRESSED:
        raise CompressionError(f"UncompressedSize {size} exceeds the 4 GiB block limit", rule="V11-C20")
    stream = data[8:]
    if algo == CompAlgo.ZSTD:
        out = _zstd_bounded(stream, size)
    elif algo == CompAlgo.LZ4:
        out = _lz4_block(stream, size)
    else:
        raise CompressionError(f"Compressed flag set with CompAlgo {algo}")
    if len(out) != size:
        raise CompressionError(f"payload inflates to {len(out)} bytes but UncompressedSize says {size}",
                               rule="V11-C20")
    return out


def _zstd_bounded(stream: memoryview, cap: int) -> bytes:
    dobj = zstandard.ZstdDecompressor().decompressobj()
    chunks: list[bytes] = []
    total = 0
    pos = 0
    try:
        while pos < len(stream) and not dobj.eof:
            piece = dobj.decompress(stream[pos:pos + _CHUNK])
            pos += _CHUNK
            total += len(piece)
            if total > cap:
                raise CompressionError(f"zstd stream inflates beyond UncompressedSize {cap}", rule="V11-C20")
            chunks.append(piece)
    except zstandard.ZstdError as exc:
        raise CompressionError(f"zstd frame is corrupt: {exc}") from None
    if not dobj.eof:
        raise CompressionError("zstd frame is truncated")
    trailing = bytes(dobj.unused_data) + bytes(stream[pos:])
    if trailing.strip(b"\0"):
        raise CompressionError(f"{len(trailing)} bytes after the zstd frame are not zero padding")
    return b"".join(chunks)


def _lz4_block(stream: memoryview, size: int) -> bytes:
    if len(stream) < 4:
        raise CompressionError("LZ4 block lacks its 4-byte size prefix")
    (inner,) = struct.unpack_from("<I", stream, 0)
    if inner != size:
        raise CompressionError(f"LZ4 block size prefix {inner} differs from UncompressedSize {size}",
                               rule="V11-C20")
    if size > _LZ4_MAX_RATIO * len(stream) + 64:
        raise CompressionError(f"LZ4 block of {len(stream)} bytes cannot inflate to {size} bytes", rule="V11-C20")
    raw = bytes(stream)
    # memslicer 0.2.x padded size+stream to 8: retry without up to 7 trailing zero bytes.
    for trim in range(8):
        candidate = raw[:len(raw) - trim] if trim else raw
        if trim and raw[len(raw) - trim:].strip(b"\0"):
            break
        try:
            return lz4.block.decompress(candidate)
        except lz4.block.LZ4BlockError:
            continue
    raise CompressionError("LZ4 block is corrupt")


def is_legacy_framing(data: memoryview) -> bool:
    """True for memdiver's pre-1.1 bare zstd frame or LZ4 frame (no size prefix)."""
    head = bytes(data[:12])
    if head[:4] == _LZ4_FRAME_MAGIC and len(head) > 4 and head[4] != 0:
        return True
    return head[:4] == _ZSTD_MAGIC and head[8:12] != _ZSTD_MAGIC


def _decompress_legacy(data: memoryview) -> bytes:
    head = bytes(data[:4])
    if head == _ZSTD_MAGIC:
        return _zstd_bounded(data, MAX_UNCOMPRESSED)
    import lz4.frame

    try:
        dec = lz4.frame.LZ4FrameDecompressor()
        out = dec.decompress(bytes(data), max_length=MAX_UNCOMPRESSED)
    except RuntimeError as exc:
        raise CompressionError(f"legacy LZ4 frame is corrupt: {exc}") from None
    return out
