"""Compressed payload framing: ``u64 UncompressedSize`` then one zstd frame or one LZ4 block.

The size prefix comes from the file and is never trusted as an allocation request: zstd
output is produced in bounded chunks and stops one byte past the claim, and the LZ4
block's own size prefix must agree with it and with LZ4's maximum expansion ratio before
the block is inflated.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Sequence

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


def compress_parts(parts: Sequence[bytes | memoryview], algo: int, endian: str,
                   level: int = 3) -> list[bytes]:
    """Frame payload chunks as a compressed payload without joining them first (zstd).

    Args:
        parts: The uncompressed payload, in chunks.
        algo: ``CompAlgo.ZSTD`` or ``CompAlgo.LZ4``.
        endian: Byte order of the size prefix.
        level: zstd level.

    Returns:
        The size prefix followed by the codec stream, as chunks.
    """
    total = sum(len(p) for p in parts)
    prefix = struct.pack(endian + "Q", total)
    if algo == CompAlgo.ZSTD:
        cobj = zstandard.ZstdCompressor(level=level).compressobj(size=total)
        out = [prefix]
        for part in parts:
            piece = cobj.compress(part)
            if piece:
                out.append(piece)
        out.append(cobj.flush())
        return out
    if algo == CompAlgo.LZ4:
        data = parts[0] if len(parts) == 1 else b"".join(parts)
        return [prefix, lz4.block.compress(data, store_size=True)]
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
    """Inflate one zstd frame, producing at most ``cap + 1`` bytes whatever the frame claims.

    Output is pulled through a stream reader in bounded chunks, so a frame that inflates far
    beyond its declared size (a decompression bomb) costs at most one chunk over the cap.
    Bytes after the frame are ignored (memslicer 0.2.x padded the stream with zeros).
    """
    try:
        params = zstandard.get_frame_parameters(bytes(stream[:18]))
    except zstandard.ZstdError as exc:
        raise CompressionError(f"zstd frame header is corrupt: {exc}") from None
    if params.content_size not in (zstandard.CONTENTSIZE_UNKNOWN, cap) and params.content_size > cap:
        raise CompressionError(f"zstd frame declares {params.content_size} bytes, more than UncompressedSize "
                               f"{cap}", rule="V11-C20")
    chunks: list[bytes] = []
    total = 0
    dctx = zstandard.ZstdDecompressor()
    try:
        with dctx.stream_reader(io.BytesIO(stream), read_across_frames=False, read_size=_CHUNK) as reader:
            while True:
                piece = reader.read(min(_CHUNK, cap + 1 - total))
                if not piece:
                    break
                total += len(piece)
                if total > cap:
                    raise CompressionError(f"zstd stream inflates beyond UncompressedSize {cap}", rule="V11-C20")
                chunks.append(piece)
    except zstandard.ZstdError as exc:
        raise CompressionError(f"zstd frame is corrupt: {exc}") from None
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
        # no size prefix: the frame's own content size (when present) is the claim
        try:
            claimed = zstandard.get_frame_parameters(bytes(data[:18])).content_size
        except zstandard.ZstdError as exc:
            raise CompressionError(f"legacy zstd frame header is corrupt: {exc}") from None
        if claimed == zstandard.CONTENTSIZE_UNKNOWN or claimed > MAX_UNCOMPRESSED:
            raise CompressionError("legacy zstd frame does not declare a content size within the 4 GiB block "
                                   "limit", rule="V11-C20")
        out = _zstd_bounded(data, claimed)
        if len(out) != claimed:
            raise CompressionError(f"legacy zstd frame inflates to {len(out)} bytes, not its declared {claimed}",
                                   rule="V11-C20")
        return out
    import lz4.frame

    try:
        dec = lz4.frame.LZ4FrameDecompressor()
        out = dec.decompress(bytes(data), max_length=MAX_UNCOMPRESSED)
    except RuntimeError as exc:
        raise CompressionError(f"legacy LZ4 frame is corrupt: {exc}") from None
    return out
