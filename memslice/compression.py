"""Compressed payload framing: ``u64 UncompressedSize`` then one zstd frame or one LZ4 block.

The size prefix comes from the file and is never trusted as an allocation request: zstd
output is produced in bounded chunks and stops one byte past the claim, and the LZ4
block's own size prefix must agree with it and with LZ4's maximum expansion ratio before
the block is inflated.
"""

from __future__ import annotations

import ctypes
import struct
import threading
from collections.abc import Iterator, Sequence

import lz4.block
import lz4.frame
import zstandard

from memslice.errors import CompressionError, LimitError, UnsupportedError
from memslice.generated.enums import CompAlgo

_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_LZ4_FRAME_MAGIC = b"\x04\x22\x4d\x18"
_LZ4_MAX_RATIO = 255
_ZSTD_FRAME_HEADER_MAX = 18
_LZ4_FRAME_HEADER_MAX = 19
_CHUNK = 1 << 20
_LZ4_PREFIX_MAX = 1 << 20
"""Up to this many leading bytes of an LZ4 block are decoded without inflating the block."""
MAX_UNCOMPRESSED = 1 << 32
"""No block payload may inflate beyond 4 GiB (BlockLength is a u32)."""
DEFAULT_INFLATE_BUDGET = 1 << 30
"""Default most bytes one compressed payload may declare before a reader refuses to inflate it
(``MslReader(inflate_budget=...)``, ``msl ... --inflate-budget``): 1 GiB."""


_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_REUSE_BELOW = 64 << 20
"""Allocations below this size are served from (and returned to) the heap while compressing."""
_tuned = threading.Event()
FAST_FROM = 1 << 20
"""Payloads of this many bytes and more are compressed with zstd level 1 (see :func:`compress_parts`)."""


def _reuse_large_allocations() -> None:
    """Keep freed multi-MiB buffers in the heap for the next block (glibc only; once per process).

    Both codecs allocate their output (and LZ4 its joined input) anew for every block. glibc
    serves each such allocation above its mmap threshold with a fresh ``mmap`` and gives it back
    with ``munmap`` on free, so every 8 MiB block cost about 6,000 page faults: on a 1 GiB
    capture 1-3 s of system time, which made ``-c lz4`` slower than zstd. Raising the mmap and
    trim thresholds lets the next block reuse the same heap memory (peak memory is unchanged:
    the same few buffers are live at once).
    """
    if _tuned.is_set():
        return
    _tuned.set()
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (AttributeError, OSError):
        return  # not glibc: nothing to tune
    mallopt.restype = ctypes.c_int
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt(_M_MMAP_THRESHOLD, _REUSE_BELOW)
    mallopt(_M_TRIM_THRESHOLD, 4 * _REUSE_BELOW)


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
    _reuse_large_allocations()
    prefix = struct.pack(endian + "Q", len(payload))
    if algo == CompAlgo.ZSTD:
        return prefix + zstandard.ZstdCompressor(level=level).compress(payload)
    if algo == CompAlgo.LZ4:
        return prefix + lz4.block.compress(payload, store_size=True)
    raise UnsupportedError(f"cannot compress with CompAlgo {algo}")


def compress_parts(parts: Sequence[bytes | memoryview], algo: int, endian: str,
                   level: int | None = None) -> list[bytes]:
    """Frame payload chunks as a compressed payload without joining them first (zstd).

    Args:
        parts: The uncompressed payload, in chunks.
        algo: ``CompAlgo.ZSTD`` or ``CompAlgo.LZ4``.
        endian: Byte order of the size prefix.
        level: zstd level; by default 3, and 1 for payloads of :data:`FAST_FROM` bytes and
            more (a captured memory chunk): on application memory level 1 took half the
            time of level 3 for 11 % more bytes (benchmarks/capture.py), and the capture
            waits for every block's compression.

    Returns:
        The size prefix followed by the codec stream, as chunks.
    """
    _reuse_large_allocations()
    total = sum(len(p) for p in parts)
    prefix = struct.pack(endian + "Q", total)
    if level is None:
        level = 1 if total >= FAST_FROM else 3
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


def declared_size(data: memoryview, algo: int, endian: str, *, legacy: bool = False) -> int | None:
    """The inflated size a compressed payload declares, checked without inflating anything.

    Every claim the framing makes must agree: the ``u64 UncompressedSize`` prefix, the zstd
    frame's Frame_Content_Size when present, the LZ4 block's own size prefix (and LZ4's
    maximum expansion ratio); none may exceed the 4 GiB block limit.

    Args:
        data: The on-disk payload (after the block header).
        algo: CompAlgo from the block flags.
        endian: Byte order of the size prefix.
        legacy: Also accept memdiver's pre-1.1 bare zstd frame / LZ4 frame.

    Returns:
        The declared size, or None for a legacy LZ4 frame that declares none (the caller's
        budget is then the only bound).

    Raises:
        CompressionError: The framing is malformed or its claims disagree (rule V11-C20).
        UnsupportedError: CompAlgo 11 (extended) is not defined.
    """
    if algo == CompAlgo.EXTENDED:
        raise UnsupportedError("CompAlgo 11 (extended) has no defined framing", rule="C3")
    if legacy and is_legacy_framing(data):
        if bytes(data[:4]) == _ZSTD_MAGIC:
            claimed = _zstd_content_size(data, "legacy ")
            if claimed is None or claimed > MAX_UNCOMPRESSED:
                raise CompressionError("legacy zstd frame does not declare a content size within the 4 GiB "
                                       "block limit", rule="V11-C20")
            return claimed
        try:
            info = lz4.frame.get_frame_info(bytes(data[:_LZ4_FRAME_HEADER_MAX]))
        except RuntimeError as exc:
            raise CompressionError(f"legacy LZ4 frame header is corrupt: {exc}", rule="V11-C20") from None
        claimed = int(info.get("content_size") or 0)
        if claimed > MAX_UNCOMPRESSED:
            raise CompressionError(f"legacy LZ4 frame declares {claimed} bytes, beyond the 4 GiB block limit",
                                   rule="V11-C20")
        return claimed or None
    if len(data) < 8:
        raise CompressionError(f"compressed payload of {len(data)} bytes has no 8-byte size prefix",
                               rule="V11-P28")
    (size,) = struct.unpack_from(endian + "Q", data, 0)
    if size > MAX_UNCOMPRESSED:
        raise CompressionError(f"UncompressedSize {size} exceeds the 4 GiB block limit", rule="V11-C20")
    stream = data[8:]
    if algo == CompAlgo.ZSTD:
        content = _zstd_content_size(stream, "")
        if content is not None and content != size:
            raise CompressionError(f"zstd frame declares {content} bytes (Frame_Content_Size) but "
                                   f"UncompressedSize says {size}", rule="V11-C20")
    elif algo == CompAlgo.LZ4:
        if len(stream) < 4:
            raise CompressionError("LZ4 block lacks its 4-byte size prefix")
        (inner,) = struct.unpack_from("<I", stream, 0)
        if inner != size:
            raise CompressionError(f"LZ4 block size prefix {inner} differs from UncompressedSize {size}",
                                   rule="V11-C20")
        if size > _LZ4_MAX_RATIO * len(stream) + 64:
            raise CompressionError(f"LZ4 block of {len(stream)} bytes cannot inflate to {size} bytes",
                                   rule="V11-C20")
    else:
        raise CompressionError(f"Compressed flag set with CompAlgo {algo}")
    return size


def _zstd_content_size(stream: memoryview, what: str) -> int | None:
    try:
        params = zstandard.get_frame_parameters(bytes(stream[:_ZSTD_FRAME_HEADER_MAX]))
    except zstandard.ZstdError as exc:
        raise CompressionError(f"{what}zstd frame header is corrupt: {exc}", rule="V11-C20") from None
    if params.content_size == zstandard.CONTENTSIZE_UNKNOWN:
        return None
    return int(params.content_size)


class Inflater:
    """A forward-only reader of one compressed payload's inflated bytes.

    zstd and LZ4 frames are inflated in bounded chunks as they are read, so memory does not
    grow with the payload; a one-shot LZ4 block (which the LZ4 library cannot stream) is
    inflated whole on first use, after its size was checked. Output beyond the declared
    size is never produced: the stream is refused one byte past it.

    Args:
        data: The on-disk payload.
        algo: CompAlgo.
        endian: Byte order of the size prefix.
        size: The declared size (from :func:`declared_size`; already checked against the
            caller's budget).
        legacy: The payload uses memdiver's pre-1.1 framing.
    """

    def __init__(self, data: memoryview, algo: int, endian: str, size: int, *, legacy: bool = False) -> None:
        self.size = size
        self.position = 0
        self._lz4: memoryview | None = None
        self._lz4_raw: memoryview | None = None
        self._zstd = None
        self._frame = None
        self._frame_input: memoryview | None = None
        if legacy and is_legacy_framing(data):
            if bytes(data[:4]) == _ZSTD_MAGIC:
                self._zstd = zstandard.ZstdDecompressor().stream_reader(data, read_across_frames=False,
                                                                         read_size=_CHUNK)
            else:
                self._frame = lz4.frame.LZ4FrameDecompressor()
                self._frame_input = data
        elif algo == CompAlgo.ZSTD:
            self._zstd = zstandard.ZstdDecompressor().stream_reader(data[8:], read_across_frames=False,
                                                                     read_size=_CHUNK)
        else:
            self._lz4_raw = data[8:]

    @property
    def streaming(self) -> bool:
        """False for a one-shot LZ4 block, which is inflated whole on first read."""
        return self._lz4 is None and self._lz4_raw is None

    def _pull(self, n: int) -> bytes:
        """Up to ``n`` bytes from the codec (fewer only at the end of the stream)."""
        if self._zstd is not None:
            parts = []
            got = 0
            try:
                while got < n:
                    piece = self._zstd.read(min(_CHUNK, n - got))
                    if not piece:
                        break
                    parts.append(piece)
                    got += len(piece)
            except zstandard.ZstdError as exc:
                raise CompressionError(f"zstd frame is corrupt: {exc}") from None
            return b"".join(parts)
        if self._frame is not None:
            parts = []
            got = 0
            try:
                while got < n and not self._frame.eof:
                    feed = self._frame_input if self._frame_input is not None else b""
                    self._frame_input = None
                    piece = self._frame.decompress(bytes(feed), max_length=min(_CHUNK, n - got))
                    if not piece and self._frame.needs_input:
                        break
                    parts.append(piece)
                    got += len(piece)
            except RuntimeError as exc:
                raise CompressionError(f"legacy LZ4 frame is corrupt: {exc}") from None
            return b"".join(parts)
        if self._lz4 is None:
            assert self._lz4_raw is not None
            if self.position + n <= _LZ4_PREFIX_MAX:
                # the head of a block (a region's fixed fields and map): no need to inflate it all
                return lz4_block_prefix(self._lz4_raw[4:], self.position + n)[self.position:]
            self._lz4 = memoryview(_lz4_block(self._lz4_raw))
            self._lz4_raw = None
        start = self.position
        return bytes(self._lz4[start:start + n])

    def read(self, n: int) -> bytes:
        """The next ``n`` inflated bytes.

        Raises:
            CompressionError: The stream ends before the declared size, or ``n`` runs
                past it (rule V11-C20).
        """
        if self.position + n > self.size:
            raise CompressionError(f"read of {n} bytes at +0x{self.position:X} runs past UncompressedSize "
                                   f"{self.size}", rule="V11-C20")
        out = self._pull(n)
        self.position += len(out)
        if len(out) != n:
            raise CompressionError(f"payload inflates to {self.position} bytes but UncompressedSize says "
                                   f"{self.size}", rule="V11-C20")
        return out

    def chunks(self, n: int) -> Iterator[bytes]:
        """The next ``n`` inflated bytes, in chunks of at most 1 MiB."""
        while n > 0:
            piece = self.read(min(_CHUNK, n))
            n -= len(piece)
            yield piece

    def skip(self, n: int) -> None:
        """Inflate and drop the next ``n`` bytes."""
        for _ in self.chunks(n):
            pass

    def finish(self) -> None:
        """Inflate what is left and check that the stream ends exactly at the declared size.

        Raises:
            CompressionError: Short, or longer than declared (rule V11-C20).
        """
        self.skip(self.size - self.position)
        if self._lz4 is not None:
            if len(self._lz4) != self.size:
                raise CompressionError(f"payload inflates to {len(self._lz4)} bytes but UncompressedSize says "
                                       f"{self.size}", rule="V11-C20")
            return
        if self._pull(1):
            raise CompressionError(f"payload inflates beyond UncompressedSize {self.size}", rule="V11-C20")


def check_budget(size: int | None, budget: int) -> int:
    """The bound inflation of one payload may reach: its declared size, within ``budget``.

    Raises:
        LimitError: The declared size exceeds the budget.
    """
    if size is not None and size > budget:
        raise LimitError(f"compressed payload declares {size} bytes, more than the inflate budget of "
                         f"{budget} bytes (raise it with inflate_budget= / --inflate-budget)")
    return budget if size is None else size


def decompress_payload(data: memoryview, algo: int, endian: str, *, legacy: bool = False,
                       budget: int = MAX_UNCOMPRESSED) -> bytes:
    """Inflate a whole compressed payload into memory.

    Args:
        data: The on-disk payload (after the 80-byte header).
        algo: CompAlgo from the block flags.
        endian: Byte order of the size prefix.
        legacy: Also accept memdiver's pre-1.1 bare zstd frame / LZ4 frame.
        budget: Most bytes the payload may inflate to (a declared size above it is refused
            before anything is inflated).

    Returns:
        The uncompressed payload.

    Raises:
        CompressionError: The framing is malformed or the inflated size differs from
            the declared one (rule V11-C20).
        LimitError: The declared size exceeds ``budget``.
        UnsupportedError: CompAlgo 11 (extended) is not defined.
    """
    size = declared_size(data, algo, endian, legacy=legacy)
    if size is None:  # a legacy LZ4 frame without content size: inflate up to the budget
        inflater = Inflater(data, algo, endian, budget + 1, legacy=legacy)
        out = inflater._pull(budget + 1)
        if len(out) > budget:
            raise LimitError(f"legacy LZ4 frame inflates beyond the inflate budget of {budget} bytes")
        return out
    check_budget(size, budget)
    inflater = Inflater(data, algo, endian, size, legacy=legacy)
    out = inflater.read(size)
    inflater.finish()
    return out


def lz4_block_prefix(block: memoryview, size: int) -> bytes:
    """The first ``size`` bytes an LZ4 block (without its size prefix) inflates to.

    Sequences are decoded only until ``size`` bytes exist, so the cost follows ``size``, not
    the block. Used for the head of a block; :func:`lz4.block.decompress` does the rest.

    Raises:
        CompressionError: The block ends or refers back before its start.
    """
    out = bytearray()
    pos = 0
    end = len(block)
    while len(out) < size:
        if pos >= end:
            raise CompressionError("LZ4 block ends inside a sequence")
        token = block[pos]
        pos += 1
        literals = token >> 4
        if literals == 15:
            while True:
                if pos >= end:
                    raise CompressionError("LZ4 block ends inside a literal length")
                extra = block[pos]
                pos += 1
                literals += extra
                if extra != 255:
                    break
        if pos + literals > end:
            raise CompressionError("LZ4 block ends inside its literals")
        out += block[pos:pos + literals]
        pos += literals
        if pos >= end or len(out) >= size:
            break  # the last sequence has literals only
        if pos + 2 > end:
            raise CompressionError("LZ4 block ends inside a match offset")
        offset = block[pos] | (block[pos + 1] << 8)
        pos += 2
        if offset == 0 or offset > len(out):
            raise CompressionError(f"LZ4 match offset {offset} points before the block's start")
        length = (token & 15) + 4
        if token & 15 == 15:
            while True:
                if pos >= end:
                    raise CompressionError("LZ4 block ends inside a match length")
                extra = block[pos]
                pos += 1
                length += extra
                if extra != 255:
                    break
        length = min(length, size - len(out))
        pattern = bytes(out[len(out) - offset:])  # an overlapping copy repeats the last ``offset`` bytes
        out += (pattern * -(-length // offset))[:length]
    return bytes(out[:size])


def _lz4_block(stream: memoryview) -> bytes:
    """Inflate one size-prefixed LZ4 block (its sizes already checked by :func:`declared_size`)."""
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
