"""``MslWriter``: a streaming, append-only writer of Memory Slice files.

Blocks are written as they are added; a running hasher keeps the End-of-Capture
FileHash and the hash of the last block (the next PrevHash), so nothing is read back or
rewritten (rule P7). Small blocks (up to 64 KiB, e.g. the Memory Region of a one-page
segment) are packed whole in one ``struct`` call, hashed in one call and gathered in a
buffer of whole blocks that is written out at 256 KiB, before any larger or in-place
block, by :meth:`MslWriter.fileno` and when the file is closed; a failed write of that
buffer keeps every whole block that reached the file and cuts the rest. The file is
created new under an unpredictable temporary name
(``<name>.<random>.partial``, mode 0600, ``O_EXCL|O_NOFOLLOW``; see
:mod:`memslice.atomic_output`) and renamed to its final name only when it is complete.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from struct import Struct
from typing import Any

from memslice.atomic_output import AtomicFile, check_destination, write_all, write_error
from memslice.compression import compress_parts
from memslice.errors import EncodeError, MslError
from memslice.generated import framing
from memslice.generated._support import ZERO_UUID, FieldInfo, pad8
from memslice.generated.blocks import end_of_capture, end_of_extension, memory_region
from memslice.generated.dialects import DEFAULT_VERSION, VERSION_DIALECTS, VERSIONS
from memslice.generated.enums import (
    BLOCK_FLAGS_COMP_ALGO_SHIFT,
    CAP_BIT_BLOCKS,
    BlockFlags,
    CapBitmap,
    CompAlgo,
    HeaderFlags,
)
from memslice.generated.registry import module_for
from memslice.hash_lane import HashLane
from memslice.integrity import ZERO_HASH, single_threaded_factory
from memslice.pages import encode_state_string, state_string

_MAX_BLOCK = framing.MAX_BLOCK_LENGTH
_PARALLEL_FROM = 1 << 20  # a chunk of 1 MiB and more has its block hash computed on a worker while it is written
_COMPRESSION = {"none": CompAlgo.NONE, "zstd": CompAlgo.ZSTD, "lz4": CompAlgo.LZ4}


_CAP_MASKS = {bit_id: int(getattr(CapBitmap, bit_id.upper())) for bit_id, codes in CAP_BIT_BLOCKS.items() if codes}
"""Capability bits that stand for block types (the others, e.g. SharedMemory, have none)."""


def cap_bitmap_for(block_types: Iterable[int]) -> int:
    """The CapBitmap bits that a set of block types sets (rule P8), from the schema's cap bits.

    Args:
        block_types: BlockType codes a file holds (or will hold).

    Returns:
        The bitmap to declare in the header.
    """
    present = set(block_types)
    return sum(mask for bit_id, mask in _CAP_MASKS.items() if present.intersection(CAP_BIT_BLOCKS[bit_id]))


_UUID_BATCH = 1 << 10
_UUID_SIZE = len(ZERO_UUID)
_V4_VERSION = bytes((b & 0x0F) | 0x40 for b in range(256))
"""Byte 6 of a UUIDv4: version 4 in the high nibble (RFC 4122 section 4.4)."""
_V4_VARIANT = bytes((b & 0x3F) | 0x80 for b in range(256))
"""Byte 8 of a UUIDv4: the RFC 4122 variant (binary 10) in the top bits."""
_uuids: list[bytes] = []
"""UUIDs made ahead from one ``os.urandom`` call (emptied in a forked child, which must not reuse them)."""
os.register_at_fork(after_in_child=_uuids.clear)


def _more_uuids() -> None:
    raw = bytearray(os.urandom(_UUID_SIZE * _UUID_BATCH))
    raw[6::_UUID_SIZE] = raw[6::_UUID_SIZE].translate(_V4_VERSION)
    raw[8::_UUID_SIZE] = raw[8::_UUID_SIZE].translate(_V4_VARIANT)
    data = bytes(raw)
    _uuids.extend([data[i:i + _UUID_SIZE] for i in range(0, len(data), _UUID_SIZE)])


def new_uuid() -> bytes:
    """A random UUIDv4 in RFC 4122 byte order (rule P3).

    The random bytes come from ``os.urandom`` a thousand UUIDs at a time (one system call
    instead of one per block); ``list.pop`` hands each out once, from any thread.
    """
    try:
        return _uuids.pop()
    except IndexError:
        _more_uuids()
        return _uuids.pop()


@dataclass
class PreparedBlock:
    """One block encoded (and compressed) ahead of its place in the chain.

    Attributes:
        block_type: BlockType code.
        parts: The payload as written (compressed, or padded to 8), in chunks.
        flags: Block flags, the compression bits included.
        block_length: BlockLength (header and payload).
        payload_version: PayloadVersion.
        block_uuid: BlockUUID.
        parent_uuid: ParentUUID (None: all zero).
        in_place: Bytes of the last part that already lie in the file (see ``MslWriter.write_block``).
    """

    block_type: int
    parts: list[bytes | memoryview]
    flags: int
    block_length: int
    payload_version: int
    block_uuid: bytes
    parent_uuid: bytes | None = None
    in_place: int = 0


_SMALL_BLOCK = 1 << 16
"""Blocks of at most this many bytes (header included) are assembled whole, hashed in one call
and written through the writer's buffer together with their neighbours."""
_BUFFER_BYTES = 1 << 18
"""Most bytes of whole small blocks held before they are written out."""
_INT_CODES = {1: "B", 2: "H", 4: "I", 8: "Q"}


def _fixed_format(fields: Sequence[FieldInfo]) -> str:
    """``struct`` codes of a layout's leading fields at fixed offsets (integers unsigned, the rest raw bytes)."""
    codes = []
    at = 0
    for f in fields:
        if f.offset is None or f.size is None:
            break
        if f.offset != at or (f.kind == "int" and f.size not in _INT_CODES):
            raise RuntimeError(f"field {f.id} at +0x{f.offset:X} does not follow at +0x{at:X} as a plain field")
        codes.append(_INT_CODES[f.size] if f.kind == "int" else f"{f.size}s")
        at += f.size
    return "".join(codes)


def fixed_struct(fields: Sequence[FieldInfo], endian: str) -> Struct:
    """A ``Struct`` that packs the leading fixed-offset fields of a generated layout in one call.

    Integers are unsigned of their field's size; other fields (magic, UUIDs, hashes, reserved
    bytes) are raw bytes of their size (shorter values are zero-filled). The fields end at
    the first one whose offset or size depends on data.

    Args:
        fields: The layout's ``FIELDS``.
        endian: ``"<"`` or ``">"``.

    Returns:
        The packer.

    Raises:
        RuntimeError: The fields are not back to back, or an integer has an odd size.
    """
    return Struct(endian + _fixed_format(fields))


_HEAD_FORMAT = _fixed_format(framing.BlockHeader.FIELDS)
_REGION_FORMAT = _fixed_format(memory_region.MemoryRegion.FIELDS)
_BLOCK_HEAD = {e: Struct(e + _HEAD_FORMAT) for e in "<>"}
"""The block header, packed in one call (fields in :class:`~memslice.generated.framing.BlockHeader` order)."""
_REGION_HEAD = {e: Struct(e + _HEAD_FORMAT + _REGION_FORMAT) for e in "<>"}
"""Block header and the fixed Memory Region fields before the page-state map, in one call."""
_REGION_FIXED = _REGION_HEAD["<"].size - _BLOCK_HEAD["<"].size
_REGION_VERSION = memory_region.MemoryRegion.PAYLOAD_VERSIONS[-1]


def _check_fast_layouts() -> None:
    """The one-call packers give the bytes of the generated encoders (checked once, at import)."""
    uid, parent, prev = bytes(range(16)), bytes(range(16, 32)), bytes(range(32, 64))
    for e in "<>":
        head = framing.BlockHeader(block_type=memory_region.BLOCK_TYPE, flags=2, block_length=3, payload_version=4,
                                   block_uuid=uid, parent_uuid=parent, prev_hash=prev)
        region = memory_region.MemoryRegion(base_addr=5, region_size=6, protection=7, region_type=8, page_size_log2=9,
                                            timestamp=10)
        fields = (framing.BLOCK_MAGIC, memory_region.BLOCK_TYPE, 2, 3, 4, 0, uid, parent, prev)
        if (_BLOCK_HEAD[e].pack(*fields) != head.encode(e) or _BLOCK_HEAD[e].size != framing.BLOCK_HEADER_SIZE
                or _REGION_HEAD[e].pack(*fields, 5, 6, 7, 8, 9, b"", 10)
                != head.encode(e) + region.encode_parts(e)[0]):
            raise RuntimeError("the writer's block packers disagree with the generated encoders")


_check_fast_layouts()

_MAP_CACHE: dict[str, bytes] = {}
"""Page-state maps of short state strings (an import writes the same few again and again)."""
_MAP_CACHE_DIGITS = 64
_MAP_CACHE_SIZE = 1 << 12


def _state_map(digits: str) -> bytes:
    """:func:`~memslice.pages.encode_state_string`, remembered for short strings (bounded)."""
    found = _MAP_CACHE.get(digits)
    if found is None:
        found = encode_state_string(digits)
        if len(digits) <= _MAP_CACHE_DIGITS and len(_MAP_CACHE) < _MAP_CACHE_SIZE:
            _MAP_CACHE[digits] = found
    return found


def _block_digest(hash_algo: int) -> Any:
    """A one-call hash of a whole block (the next PrevHash) for ``hash_algo``."""
    from memslice.generated.enums import HashAlgo

    if hash_algo == HashAlgo.BLAKE3:
        import blake3

        return lambda data: blake3.blake3(data).digest()
    new = single_threaded_factory(hash_algo)

    def digest(data: bytes) -> bytes:
        h = new()
        h.update(data)
        return h.digest()

    return digest


def _pad8(n: int) -> int:
    return pad8(n)


def _region_pages(states: str | Sequence[int], page_size_log2: int,
                  page_data: bytes | memoryview) -> tuple[str, int, int]:
    """(state digits, page size, Captured pages) of a Memory Region, checked against its page data."""
    digits = states if isinstance(states, str) else "".join(str(int(s)) for s in states)
    if not framing.PAGE_SIZE_LOG2_MIN <= page_size_log2 <= framing.PAGE_SIZE_LOG2_MAX:
        raise EncodeError(f"PageSizeLog2 {page_size_log2} outside [10, 40]", rule="P14")
    page_size = 1 << page_size_log2
    captured = digits.count("0")
    if len(page_data) != captured * page_size:
        raise EncodeError(f"{captured} Captured pages need {captured * page_size} bytes, got {len(page_data)}",
                          rule="B-5.1-page-data")
    return digits, page_size, captured


class MslWriter:
    """Write a Memory Slice file block by block.

    Args:
        path: Final file name (written under a temporary ``NAME.<random>.partial`` name, the
            :attr:`partial` attribute, until :meth:`finish`). Checked at once: a directory,
            a missing directory, a special file, or an existing file without ``overwrite``
            raise :class:`~memslice.errors.OutputError` before anything is written.
        format_version: A version id ``spec/format.yaml`` declares (``VERSIONS``), written with
            the dialect ``VERSION_DIALECTS`` names for it; default ``DEFAULT_VERSION`` (``"1.1"``,
            as memslicer 0.5.2 writes). ``"1.0"`` is the strict public spec: header and EoC
            reserved bytes stay zero, 1.1 block types are refused.
        endian: ``"<"`` (little-endian) or ``">"`` (big-endian; 1.0 allows it, memdiver
            refuses it).
        compression: Default codec for Memory Region blocks: ``none``, ``zstd`` or ``lz4``.
        cap_bitmap: Capability bits to declare; they must match the blocks written
            (rule P8, checked at :meth:`finish`).
        flags: Header flags (``HeaderFlags``); Encrypted is not supported here.
        os_type: Header OSType.
        arch_type: Header ArchType.
        pid: Header PID.
        timestamp: Acquisition start in ns (default: now).
        clock_source: Header ClockSource.
        dump_uuid: DumpUUID (default: random v4).
        hash_algo: HashAlgo (1.1 only; 0 = BLAKE3).
        overwrite: Replace an existing final file (a regular file, or a symbolic link
            itself, never its target) at :meth:`finish`.
        max_block_length: Largest BlockLength before a region is split into
            Continuation fragments (the u32 limit; lower only for tests).
        encryption: A :class:`memslice.crypto.producer.EncryptionConfig` to write an encrypted
            capture (1.1 section 10): 128-byte header, every PrevHash zero, the block stream
            one AEAD message encrypted as it is written (plaintext never reaches the disk),
            compression per block before encryption, tag and CipherLen at :meth:`finish`.

    Example:
        >>> with MslWriter("out.msl", cap_bitmap=CapBitmap.MEMORY_REGIONS) as w:   # doctest: +SKIP
        ...     w.add_memory_region(0x1000, "0", b"A" * 4096)
    """

    def __init__(self, path: str | os.PathLike[str], *, format_version: str | None = None, endian: str = "<",
                 compression: str = "none", cap_bitmap: int = 0, flags: int = 0, os_type: int = 0xFFFF,
                 arch_type: int = 0xFFFF, pid: int = 0, timestamp: int | None = None, clock_source: int = 0,
                 dump_uuid: bytes | None = None, hash_algo: int = 0, overwrite: bool = True,
                 max_block_length: int = _MAX_BLOCK, encryption: Any = None,
                 atomic_file: AtomicFile | None = None) -> None:
        format_version = format_version or DEFAULT_VERSION
        if format_version not in VERSIONS:
            raise EncodeError(f"unknown format version {format_version!r} (known: {', '.join(VERSIONS)})")
        if endian not in ("<", ">"):
            raise EncodeError(f"endian must be '<' or '>', not {endian!r}")
        if compression not in _COMPRESSION:
            raise EncodeError(f"compression must be one of {', '.join(_COMPRESSION)}")
        if flags & HeaderFlags.ENCRYPTED and encryption is None:
            raise EncodeError("the Encrypted flag is set by passing 'encryption', not flags")
        if encryption is not None and format_version == "1.0":
            raise EncodeError("encryption is a 1.1 feature", rule="P5")
        self.strict_10 = format_version == "1.0"
        if self.strict_10 and (hash_algo or flags & ~HeaderFlags.IMPORTED):
            raise EncodeError("format 1.0 has no HashAlgo and only the Imported flag", rule="P5")
        self.path = Path(path)
        self.dialect = VERSION_DIALECTS[format_version]
        self.endian = endian
        self.compression = _COMPRESSION[compression]
        self.overwrite = overwrite
        self.max_block_length = max_block_length
        # The writer runs its two hashes (block chain, FileHash) side by side on two workers, so each is
        # single-threaded: BLAKE3's own thread pool on top of that oversubscribes the cores (its idle
        # threads spin) and cost more CPU than it saves.
        self._new_hasher = single_threaded_factory(hash_algo)
        dump_uuid = dump_uuid or new_uuid()
        self._sealer: Any = None
        if encryption is not None:
            from memslice.crypto.producer import StreamSealer

            check_destination(path, force=overwrite)  # before the (deliberately slow) key derivation

            self._sealer = StreamSealer(encryption, dump_uuid)  # key derivation before the file is created
            flags |= HeaderFlags.ENCRYPTED
        self.header = framing.FileHeader(
            endianness=1 if endian == "<" else 2,
            header_size=framing.HEADER_SIZE_ENCRYPTED if encryption is not None else framing.HEADER_SIZE_PLAIN,
            version=VERSIONS[format_version], flags=flags, cap_bitmap=cap_bitmap,
            dump_uuid=dump_uuid, timestamp=time.time_ns() if timestamp is None else timestamp,
            os_type=os_type, arch_type=arch_type, pid=pid, clock_source=clock_source, block_count=0,
            hash_algo=hash_algo)
        header_bytes = self.header.encode(endian)
        if atomic_file is not None and encryption is not None:
            raise EncodeError("an encrypted capture creates its own file")
        self._out = atomic_file if atomic_file is not None else AtomicFile(path, force=overwrite)
        self.partial = self._out.temp_path
        """The temporary file being written (renamed to :attr:`path` when complete)."""
        self._fd: int | None = self._out.fd
        self._file_hasher = self._new_hasher()
        self._segment_hasher: Any = None
        self.blocks_written = 0
        self.bytes_written = 0
        """Bytes of the blocks written so far, small blocks still in the writer's buffer included
        (public, e.g. for write-back hints; :meth:`fileno` writes the buffer out first)."""
        self._buf = bytearray()
        """Whole small blocks not yet written to the file (at most ``_BUFFER_BYTES``, see :meth:`_flush`)."""
        self._buf_ends: list[int] = []
        """File offset just past each block in ``_buf``."""
        self._buffered = self._sealer is None
        self._block_digest = _block_digest(hash_algo)
        self._head = _BLOCK_HEAD[endian]
        self._region_head = _REGION_HEAD[endian]
        self._regions_here = self.dialect in memory_region.MemoryRegion.DIALECTS
        self._capture_blocks = 0
        self._segment_blocks = 0
        self._types_written: set[int] = set()
        self._pool: ThreadPoolExecutor | None = None
        self._lane = HashLane()
        """Where the running hash (FileHash, SegmentHash) is fed when it need not be waited for."""
        self._state = "capture"  # capture -> extensions -> closed
        self._encrypting = False
        try:
            if self._sealer is not None:
                # header (CipherLen 0) and KEM ciphertext stay clear; they are the AAD and start FileHash
                header_bytes = self._sealer.prefix(header_bytes, endian)
                self._write(header_bytes)
                self._encrypting = True
            else:
                self._write(header_bytes)
        except OSError as exc:
            self._out.discard()
            raise write_error(exc, self._out.shown) from exc
        self._file_hasher.update(header_bytes)
        self._prev_hash = ZERO_HASH if self._sealer is not None else self._digest(header_bytes)

    # -- low level ------------------------------------------------------------------
    def _digest(self, data: bytes | memoryview) -> bytes:
        h = self._new_hasher()
        h.update(data)
        return h.digest()

    def _write(self, data: bytes | memoryview) -> None:
        assert self._fd is not None
        size = len(data)
        if self._encrypting:
            from memslice.crypto.producer import write_encrypted

            write_encrypted(self._fd, self._sealer, data)
            self.bytes_written += size
            return
        write_all(self._fd, data)
        self.bytes_written += size

    def _emit(self, chunks: Sequence[bytes | memoryview], block_hasher: Any, in_place: int = 0) -> None:
        """Write chunks and feed the hashers; a large chunk's block hash runs on a worker while it is written.

        ``in_place``: the last chunk (of that many bytes) already sits in the file right after the
        others; it is hashed and skipped over, not written.
        """
        running = self._file_hasher if self._state == "capture" else self._segment_hasher
        last = len(chunks) - 1
        for i, chunk in enumerate(chunks):
            size = len(chunk)
            if not size:
                continue
            if in_place and i == last:
                self._skip(chunk, block_hasher, running)
                continue
            if size < _PARALLEL_FROM:
                self._write(chunk)
                block_hasher.update(chunk)
                self._feed_running(running, chunk)
                continue
            job = self._hash_pool().submit(block_hasher.update, chunk)
            try:
                self._write(chunk)
                if running is not None:
                    self._lane.submit(running.update, memoryview(chunk), self.bytes_written)
            finally:
                job.result()
                self._lane.wait()  # the caller may reuse the chunk's buffer once we return

    def _feed_running(self, running: Any, chunk: bytes | memoryview) -> None:
        """Feed the running hash (FileHash or SegmentHash) bytes just written, in file order.

        Directly while its lane is idle; behind the lane's queued updates otherwise (as a copy:
        these bytes are small and the caller's buffer may change).
        """
        if running is None:
            return
        if self._lane.busy:
            self._lane.submit(running.update, bytes(chunk), self.bytes_written)
        else:
            running.update(chunk)

    def _skip(self, chunk: bytes | memoryview, block_hasher: Any, running: Any) -> None:
        """Hash bytes already in the file at the current position and move past them.

        The running hash of these bytes may go on after this returns (on :attr:`_lane`, at most
        one such chunk behind: the view of the file stays valid until :attr:`hashed_through`
        passes it); the block hash is done here, as the next block header needs it.
        """
        assert self._fd is not None
        start = self.bytes_written
        if running is not None:
            self._lane.submit(running.update, memoryview(chunk), start + len(chunk))
        block_hasher.update(chunk)
        self._lane.wait(start)
        os.lseek(self._fd, len(chunk), os.SEEK_CUR)
        self.bytes_written += len(chunk)

    @property
    def hashed_through(self) -> int:
        """File offset below which every byte written or skipped so far has been hashed (both hashes).

        Bytes placed in the file itself (``in_place``) may be unmapped or changed only below it.
        """
        return self._lane.done_through(self.bytes_written)

    def settle(self) -> None:
        """Wait until every byte written or skipped so far is hashed (see :attr:`hashed_through`)."""
        self._lane.wait()

    def _hash_pool(self) -> ThreadPoolExecutor:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="msl-block-hash")
        return self._pool

    def write_block(self, block_type: int, payload_parts: Sequence[bytes | memoryview], *,
                    block_uuid: bytes | None = None, parent_uuid: bytes | None = None, flags: int = 0,
                    compress: int | None = None, payload_version: int = 1, count_in_eoc: bool = True,
                    in_place: int = 0) -> bytes:
        """Append one block from already-encoded payload chunks.

        Args:
            block_type: BlockType code (0 is refused, rule B-4.3-no-type-zero).
            payload_parts: The uncompressed payload, in chunks.
            block_uuid: BlockUUID (default: a new UUIDv4).
            parent_uuid: ParentUUID (default: all zero).
            flags: Block flags other than compression (HasChildren, Continuation, ...).
            compress: CompAlgo to compress with, or None/0 for none.
            payload_version: PayloadVersion (1 for every 1.x layout, rule P10).
            count_in_eoc: Internal: count the block in the capture segment.
            in_place: The last payload part (of this many bytes) was already placed in the file
                where it belongs (uncompressed, unencrypted, no padding): it is hashed, not written.

        Returns:
            The BlockUUID.
        """
        self._check_open()
        prepared = self._prepare_block(block_type, payload_parts, block_uuid=block_uuid, parent_uuid=parent_uuid,
                                       flags=flags, compress=compress, payload_version=payload_version,
                                       in_place=in_place)
        return self._append(prepared)

    def _check_open(self) -> None:
        if self._fd is None:
            raise EncodeError("writer is closed")
        if self._state == "failed":
            raise EncodeError("an earlier write failed; the partial file ends at the last whole block")

    def _prepare_block(self, block_type: int, payload_parts: Sequence[bytes | memoryview], *,
                       block_uuid: bytes | None, parent_uuid: bytes | None, flags: int, compress: int | None,
                       payload_version: int, in_place: int) -> PreparedBlock:
        """Check, compress or pad one block's payload; touches no state of the writer (any thread)."""
        if block_type == 0:
            raise EncodeError("block type 0x0000 must not appear", rule="B-4.3-no-type-zero")
        if flags & (BlockFlags.COMPRESSED | BlockFlags.COMP_ALGO):
            raise EncodeError("pass compression through 'compress', not flags", rule="P11")
        size = sum(len(p) for p in payload_parts)
        parts: list[bytes | memoryview]
        pad = 0
        if compress:
            parts = list(compress_parts(payload_parts, compress, self.endian))
            flags |= BlockFlags.COMPRESSED | (compress << BLOCK_FLAGS_COMP_ALGO_SHIFT)
            size = sum(len(p) for p in parts)
        else:
            parts = list(payload_parts)
            pad = _pad8(size) - size
            if pad:
                parts.append(bytes(pad))
                size += pad
        if in_place and (compress or pad or self._encrypting or len(parts[-1]) != in_place):
            raise EncodeError("only a plain, unpadded last payload part can be placed in the file beforehand")
        length = framing.BLOCK_HEADER_SIZE + size
        if length > _MAX_BLOCK:
            raise EncodeError(f"block of {length} bytes exceeds the u32 BlockLength; split regions with "
                              "Continuation", rule="P12")
        return PreparedBlock(block_type=block_type, parts=parts, flags=flags, block_length=length,
                             payload_version=payload_version, block_uuid=block_uuid or new_uuid(),
                             parent_uuid=parent_uuid, in_place=in_place)

    def _append(self, block: PreparedBlock) -> bytes:
        """Write one prepared block at the end of the chain (header with PrevHash, payload, hashes).

        A small block (up to ``_SMALL_BLOCK`` bytes, not in place, not encrypted) is packed whole
        and buffered (:meth:`_append_small`); any other is written directly, after the buffer.
        """
        self._check_open()
        if (block.block_length <= _SMALL_BLOCK and not block.in_place and self._buffered
                and not self._encrypting):
            head = self._head.pack(framing.BLOCK_MAGIC, block.block_type, block.flags, block.block_length,
                                   block.payload_version, 0, block.block_uuid, block.parent_uuid or ZERO_UUID,
                                   self._prev_hash)
            self._append_small(b"".join([head, *block.parts]), block.block_type)
            return block.block_uuid
        self._flush()
        header = framing.BlockHeader(
            block_type=block.block_type, flags=block.flags, block_length=block.block_length,
            payload_version=block.payload_version, block_uuid=block.block_uuid,
            parent_uuid=block.parent_uuid or ZERO_UUID, prev_hash=self._prev_hash)
        block_hasher = self._new_hasher()
        block_start = self.bytes_written
        try:
            self._emit([header.encode(self.endian), *block.parts], block_hasher, block.in_place)
        except OSError as exc:
            self._truncate_to(block_start)
            self._fail(exc)
        self._prev_hash = ZERO_HASH if self._sealer is not None else block_hasher.digest()
        self.blocks_written += 1
        if self._state == "capture":
            self._capture_blocks += 1
        else:
            self._segment_blocks += 1
        self._types_written.add(block.block_type)
        return block.block_uuid

    def _append_small(self, block: bytes, block_type: int) -> None:
        """Account for one whole block (hash chain, running hash, counts) and buffer it for writing."""
        state = self._state
        running = self._file_hasher if state == "capture" else self._segment_hasher
        self._prev_hash = self._block_digest(block)
        self._buf += block
        self.bytes_written += len(block)
        self._feed_running(running, block)
        self._buf_ends.append(self.bytes_written)
        self.blocks_written += 1
        if state == "capture":
            self._capture_blocks += 1
        else:
            self._segment_blocks += 1
        self._types_written.add(block_type)
        if len(self._buf) >= _BUFFER_BYTES:
            self._flush()

    def _flush(self) -> None:
        """Write the buffered blocks out.

        On a failure every whole block that reached the file is kept and the rest is cut, so
        the partial file ends on a whole block with its chain intact (as when a block written
        directly fails); the writer is unusable afterwards.

        Raises:
            OutputError: The write failed (naming the file and the likely limit).
        """
        buf = self._buf
        if not buf:
            return
        assert self._fd is not None
        start = self.bytes_written - len(buf)
        done = 0
        try:
            done = os.write(self._fd, buf)
            if done < len(buf):
                with memoryview(buf) as view:
                    while done < len(buf):
                        done += os.write(self._fd, view[done:])
        except OSError as exc:
            keep = start
            for end in self._buf_ends:
                if end > start + done:
                    break
                keep = end
            self._buf = bytearray()  # a new one: a view in the traceback may still pin the old
            self._buf_ends.clear()
            self.bytes_written = start + done
            self._truncate_to(keep)
            self._state = "failed"
            self._fail(exc)
        self._buf = bytearray()
        self._buf_ends.clear()

    def _truncate_to(self, size: int) -> None:
        """After a failed write, cut the partial file back to its last whole block.

        The running hashers have seen the failed block, so the writer is unusable
        afterwards; the file on disk keeps a verifiable chain up to ``size``.
        """
        assert self._fd is not None
        try:
            os.ftruncate(self._fd, size)
        except OSError:
            return  # the disk refuses even that; readers will see a truncated last block
        self.bytes_written = size
        self._state = "failed"

    def _fail(self, exc: OSError) -> None:
        raise write_error(exc, self._out.shown) from exc

    # -- typed blocks ---------------------------------------------------------------
    def add(self, payload: Any, *, block_uuid: bytes | None = None, parent_uuid: bytes | None = None,
            flags: int = 0, compress: str | int | None = None, in_place: int = 0) -> bytes:
        """Append a block from a generated payload object (its class knows the type).

        Args:
            payload: An instance of a generated layout class, e.g. ``ModuleEntry(...)``.
            block_uuid: BlockUUID (default: new).
            parent_uuid: ParentUUID.
            flags: Extra block flags (HasChildren, HasKeyHints, Continuation).
            compress: ``none``/``zstd``/``lz4`` or a CompAlgo (default: none).
            in_place: See :meth:`write_block`.

        Returns:
            The BlockUUID.

        Raises:
            EncodeError: The payload breaks a schema constraint, or the block type is not
                allowed in this format version or segment.
        """
        self._check_open()
        return self._append(self._prepare_payload(payload, block_uuid=block_uuid, parent_uuid=parent_uuid,
                                                  flags=flags, compress=compress, in_place=in_place))

    def _prepare_payload(self, payload: Any, *, block_uuid: bytes | None = None, parent_uuid: bytes | None = None,
                         flags: int = 0, compress: str | int | None = None, in_place: int = 0) -> PreparedBlock:
        """Check and encode a generated payload object as a :class:`PreparedBlock` (see :meth:`add`)."""
        cls = type(payload)
        block_type = getattr(cls, "BLOCK_TYPE", None)
        if block_type is None:
            raise EncodeError(f"{cls.__name__} is not a block payload layout")
        if self.dialect not in cls.DIALECTS:
            raise EncodeError(f"{cls.BLOCK_ID} layout {cls.LAYOUT_ID} is not part of dialect {self.dialect}")
        module = module_for(cls.BLOCK_ID)
        if module.STATUS not in ("defined", "draft"):  # drafts exist only in msl codegen --drafts bindings
            raise EncodeError(f"{cls.BLOCK_ID} is a {module.STATUS} block type", rule="V11-4.3-reserved-types")
        if self._state == "extensions" and not module.IN_EXTENSION:
            raise EncodeError(f"{cls.BLOCK_ID} is an evidence block, not allowed in an extension segment",
                              rule="V11-P36")
        findings = [f for f in payload.check()]
        if findings:
            f = findings[0]
            raise EncodeError(f"{cls.BLOCK_ID}.{f.field}: {f.message}", rule=f.rule)
        if isinstance(compress, str):
            compress = _COMPRESSION[compress]
        try:
            parts = payload.encode_parts(self.endian)
        except MslError as exc:
            raise EncodeError(f"{cls.BLOCK_ID}: {exc.message}", rule=exc.rule) from None
        return self._prepare_block(block_type, parts, block_uuid=block_uuid, parent_uuid=parent_uuid, flags=flags,
                                   compress=compress or None, payload_version=cls.PAYLOAD_VERSIONS[-1],
                                   in_place=in_place)

    def add_memory_region(self, base_addr: int, states: str | Sequence[int], page_data: bytes | memoryview, *,
                          page_size_log2: int = 12, protection: int = 0, region_type: int = 0,
                          timestamp: int | None = None, compress: str | int | None = None,
                          parent_uuid: bytes | None = None, in_place: bool = False) -> list[bytes]:
        """Append a Memory Region, split into Continuation fragments when too large (P12).

        Args:
            base_addr: First address.
            states: One state per page: a string of digits ``0``-``3`` or a sequence of ints.
            page_data: The Captured pages' bytes, in page order.
            page_size_log2: Page size exponent (10..40, rule P14).
            protection: Protection bits.
            region_type: RegionType.
            timestamp: Read time (default: now).
            compress: Codec (default: the writer's).
            parent_uuid: ParentUUID of the first fragment.
            in_place: ``page_data`` is a view of this very file, already at the offset the
                block's PageData gets (see :meth:`region_head_size`); it is hashed, not
                written. One fragment, no compression.

        Returns:
            The BlockUUID of every fragment, first fragment first.
        """
        self._check_open()
        if not in_place and self._state == "capture" and self._buffered and not self._encrypting \
                and self._regions_here:
            uid = self._small_region(base_addr, states, page_data, page_size_log2, protection, region_type,
                                     timestamp, compress, parent_uuid)
            if uid is not None:
                return [uid]
        return self.append_prepared(self.prepare_memory_region(
            base_addr, states, page_data, page_size_log2=page_size_log2, protection=protection,
            region_type=region_type, timestamp=timestamp, compress=compress, parent_uuid=parent_uuid,
            in_place=in_place))

    def prepare_memory_region(self, base_addr: int, states: str | Sequence[int], page_data: bytes | memoryview, *,
                              page_size_log2: int = 12, protection: int = 0, region_type: int = 0,
                              timestamp: int | None = None, compress: str | int | None = None,
                              parent_uuid: bytes | None = None, in_place: bool = False) -> list[PreparedBlock]:
        """The blocks :meth:`add_memory_region` would write, checked, encoded and compressed, unwritten.

        This is the expensive part (compression above all) and it touches no state of the writer,
        so a capture prepares the next regions on worker threads while :meth:`append_prepared`
        writes the earlier ones in order. Arguments as for :meth:`add_memory_region`; the
        compressed payloads no longer refer to ``page_data`` (uncompressed ones do).

        Returns:
            One :class:`PreparedBlock` per fragment, first fragment first.
        """
        digits, page_size, captured = _region_pages(states, page_size_log2, page_data)
        if isinstance(compress, str):
            compress = _COMPRESSION[compress]
        algo = self.compression if compress is None else compress
        ts = time.time_ns() if timestamp is None else timestamp
        fragments = self._split(digits, page_size)
        if in_place and (len(fragments) > 1 or algo):
            raise EncodeError("PageData placed beforehand must fit one uncompressed block")
        uuids = [new_uuid() for _ in fragments]
        data = memoryview(page_data)
        cursor = 0
        blocks: list[PreparedBlock] = []
        for i, (first, count) in enumerate(fragments):
            part = digits[first:first + count]
            nbytes = part.count("0") * page_size
            payload = memory_region.MemoryRegion(
                base_addr=base_addr + first * page_size, region_size=count * page_size, protection=protection,
                region_type=region_type, page_size_log2=page_size_log2, timestamp=ts,
                page_state_map=encode_state_string(part), page_data=data[cursor:cursor + nbytes])
            cursor += nbytes
            flags = 0
            parent = parent_uuid
            if len(fragments) > 1:
                flags = BlockFlags.HAS_CHILDREN if i == 0 else BlockFlags.CONTINUATION
                parent = parent_uuid if i == 0 else uuids[0]
            blocks.append(self._prepare_payload(payload, block_uuid=uuids[i], parent_uuid=parent, flags=flags,
                                                compress=algo, in_place=nbytes if in_place else 0))
        return blocks

    def _small_region(self, base_addr: int, states: str | Sequence[int], page_data: bytes | memoryview,
                      page_size_log2: int, protection: int, region_type: int, timestamp: int | None,
                      compress: str | int | None, parent_uuid: bytes | None) -> bytes | None:
        """A Memory Region that fits one small uncompressed block, packed in one call and buffered.

        The same bytes as :meth:`prepare_memory_region` and :meth:`_append` make (no padding:
        the map is padded to 8 and PageData is whole pages of at least 1 KiB).

        Returns:
            Its BlockUUID, or None when the region needs the general path (compressed,
            larger than ``_SMALL_BLOCK``, or more than one fragment); nothing is written then.
        """
        digits, page_size, captured = _region_pages(states, page_size_log2, page_data)
        if isinstance(compress, str):
            compress = _COMPRESSION[compress]
        if self.compression if compress is None else compress:
            return None
        pages = len(digits)
        nbytes = len(page_data)
        length = framing.BLOCK_HEADER_SIZE + _REGION_FIXED + pad8((pages + 3) // 4) + nbytes
        if length > _SMALL_BLOCK or not self._one_block(pages, captured, page_size):
            return None
        uid = new_uuid()
        head = self._region_head.pack(
            framing.BLOCK_MAGIC, memory_region.BLOCK_TYPE, 0, length, _REGION_VERSION, 0, uid,
            parent_uuid or ZERO_UUID, self._prev_hash, base_addr, pages << page_size_log2, protection,
            region_type, page_size_log2, b"", time.time_ns() if timestamp is None else timestamp)
        page_map = _state_map(digits)
        self._append_small(b"".join((head, page_map, page_data)) if nbytes else head + page_map,
                           memory_region.BLOCK_TYPE)
        return uid

    def append_prepared(self, blocks: Sequence[PreparedBlock]) -> list[bytes]:
        """Write blocks from :meth:`prepare_memory_region` at the end of the chain, in order.

        Returns:
            Their BlockUUIDs.
        """
        return [self._append(block) for block in blocks]


    def region_head_size(self, pages: int, page_size_log2: int) -> int:
        """Bytes of a Memory Region block before its PageData (block header, fixed fields, padded map).

        Args:
            pages: Pages the region covers.
            page_size_log2: Page size exponent.

        Returns:
            Where PageData starts, counted from the block's first byte.
        """
        payload = memory_region.MemoryRegion(base_addr=0, region_size=pages << page_size_log2,
                                             page_size_log2=page_size_log2, timestamp=0,
                                             page_state_map=encode_state_string("2" * pages), page_data=b"")
        return framing.BLOCK_HEADER_SIZE + sum(len(p) for p in payload.encode_parts(self.endian)[:-1])

    def _one_block(self, pages: int, captured: int, page_size: int) -> bool:
        """Whether a region of ``pages`` pages, ``captured`` of them Captured, fits one block."""
        limit = self.max_block_length - framing.BLOCK_HEADER_SIZE - 32 - 8
        return 32 + pad8((pages + 3) // 4) + captured * page_size <= limit

    def _split(self, digits: str, page_size: int) -> list[tuple[int, int]]:
        """(first page, page count) of each fragment so that every block fits."""
        limit = self.max_block_length - framing.BLOCK_HEADER_SIZE - 32 - 8
        total = len(digits)
        if self._one_block(total, digits.count("0"), page_size):
            return [(0, total)]
        out: list[tuple[int, int]] = []
        first = 0
        while first < total:
            # grow greedily in steps of 32 pages (8 map bytes) to keep the map padded exactly
            count = 0
            size = 0
            step = 32
            while first + count < total:
                nxt = min(step, total - first - count)
                chunk = digits[first + count:first + count + nxt]
                add = chunk.count("0") * page_size + 8
                if size + add > limit and count:
                    break
                if size + add > limit:
                    raise EncodeError("page size too large to fit one page per block", rule="P12")
                size += add
                count += nxt
            out.append((first, count))
            first += count
        return out

    # -- segments -------------------------------------------------------------------
    def begin_extension(self) -> None:
        """Start an extension segment after the End-of-Capture (1.1 section 4.6)."""
        if self.strict_10:
            raise EncodeError("extension segments are a 1.1 feature")
        if self._state != "extensions":
            raise EncodeError("extension segments follow the End-of-Capture: call finish_capture() first")
        if self._segment_hasher is not None:
            raise EncodeError("an extension segment is already open")
        self._segment_hasher = self._new_hasher()
        self._segment_blocks = 0

    def end_extension(self, producer: str | None = "memslice", written_at: int | None = None, *,
                      block_uuid: bytes | None = None) -> bytes:
        """Close the open extension segment with its End-of-Extension (rule V11-P34).

        Args:
            producer: Producer string recorded in the terminator.
            written_at: Time in ns (default: now).
            block_uuid: BlockUUID of the terminator (default: new).

        Returns:
            The terminator's BlockUUID.
        """
        if self._segment_hasher is None:
            raise EncodeError("no extension segment is open")
        self._lane.wait()
        payload = end_of_extension.EndOfExtension(
            segment_hash=self._segment_hasher.digest(), written_at=time.time_ns() if written_at is None else written_at,
            block_count=self._segment_blocks + 1, producer=producer)
        self._segment_hasher = None
        state, self._state = self._state, "terminator"
        try:
            return self.write_block(payload.BLOCK_TYPE, payload.encode_parts(self.endian), block_uuid=block_uuid)
        finally:
            self._state = state

    def finish_capture(self, acq_end: int | None = None, *, block_uuid: bytes | None = None) -> bytes:
        """Write the End-of-Capture (FileHash, BlockCount) and leave the file open for extensions.

        Args:
            acq_end: Acquisition end in ns (default: now).
            block_uuid: BlockUUID of the End-of-Capture (default: new).

        Returns:
            Its BlockUUID.
        """
        if self._state != "capture":
            raise EncodeError("End-of-Capture already written")
        self._check_cap_bitmap()
        self._lane.wait()
        file_hash = self._file_hasher.digest()
        count = 0 if self.strict_10 else self._capture_blocks + 1
        payload = end_of_capture.EndOfCapture(file_hash=file_hash, acq_end=time.time_ns() if acq_end is None
                                              else acq_end, block_count=count, reserved=0)
        state, self._state = self._state, "terminator"
        uid = self.write_block(payload.BLOCK_TYPE, payload.encode_parts(self.endian), block_uuid=block_uuid)
        self._state = "extensions"
        del state
        return uid

    def _check_cap_bitmap(self) -> None:
        declared = self.header.cap_bitmap
        expected = cap_bitmap_for(self._types_written)
        for bit_id, mask in _CAP_MASKS.items():
            if expected & mask and not declared & mask:
                raise EncodeError(f"blocks of capability {bit_id} were written but CapBitmap lacks the bit",
                                  rule="P8")
            if declared & mask and not expected & mask:
                raise EncodeError(f"CapBitmap declares {bit_id} but no such block was written", rule="P8")

    def finish(self, acq_end: int | None = None) -> Path:
        """Write the End-of-Capture if not yet written, close, and rename to the final name.

        Returns:
            The final path.
        """
        if self._state == "capture":
            self.finish_capture(acq_end)
        if self._segment_hasher is not None:
            raise EncodeError("an extension segment is still open: call end_extension()")
        return self._commit()

    def close_incomplete(self) -> Path:
        """Close without an End-of-Capture (the file reads as incomplete) and rename it."""
        return self._commit()

    @property
    def closed(self) -> bool:
        """True once the file descriptor is closed (finished, aborted or kept as partial)."""
        return self._fd is None

    def close_partial(self, size: int | None = None) -> Path:
        """Close and keep the temporary file as it is (no End-of-Capture, no rename).

        Used after a failed write (the partial file then ends on a whole block) or when the
        caller wants to keep an incomplete capture under its temporary name.

        Args:
            size: Cut the file to this many bytes first (the end of the last whole block).

        Returns:
            The kept file's path (:attr:`partial`, ``NAME.<random>.partial``).
        """
        if self._fd is not None:
            try:
                self._flush()
            except MslError:
                pass  # the whole blocks that reached the file are kept, the rest is cut (see _flush)
            try:
                if size is not None:
                    size = min(size, self.bytes_written)  # never past what the file holds: no zeros appended
                    os.ftruncate(self._fd, size)
                    self.bytes_written = size
                else:
                    self._trim()
            except OSError:
                pass  # the disk refuses even that; readers will see a truncated last block
        self._stop_pool()
        self._fd = None
        self._state = "closed"
        return self._out.keep()

    def abort(self) -> None:
        """Close and delete the temporary file."""
        self._buf = bytearray()
        self._buf_ends.clear()
        self._stop_pool()
        self._fd = None
        self._state = "closed"
        self._out.discard()

    def fileno(self) -> int:
        """The descriptor of the file being written (e.g. for write-back hints); do not close it.

        Buffered blocks are written out first: the file then holds every block added so far.
        """
        if self._fd is None:
            raise EncodeError("writer is closed")
        self._flush()
        return self._fd

    def _stop_pool(self) -> None:
        self._lane.close()
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def _commit(self) -> Path:
        """Fsync and rename into place; if that is refused the complete file is kept and named.

        An encrypted file gets its AEAD tag and CipherLen first (the tail of the one message).
        The buffered blocks are written first; if that fails the error is raised with the file
        still open (the caller aborts or keeps it as partial).
        """
        if self._fd is not None:
            self._flush()
        self._stop_pool()
        if self._fd is not None and self._sealer is not None and self._encrypting:
            from memslice.crypto.sealed import write_tail

            self._encrypting = False
            try:
                write_tail(self._fd, self._sealer, self.endian)
            except OSError as exc:
                self._fd = None
                self._state = "closed"
                self._out.discard()
                raise write_error(exc, self._out.shown) from exc
        if self._fd is not None and self._sealer is None:
            try:
                self._trim()
            except OSError as exc:
                self._fd = None
                self._state = "closed"
                self._out.discard()
                raise write_error(exc, self._out.shown) from exc
        self._fd = None
        self._state = "closed"
        return self._out.commit(keep_on_failure=True)

    def _trim(self) -> None:
        """Cut a preallocated file (``atomic_file``) to the bytes written."""
        assert self._fd is not None
        if os.fstat(self._fd).st_size > self.bytes_written:
            os.ftruncate(self._fd, self.bytes_written)

    def __enter__(self) -> MslWriter:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if self._state == "closed":
            return
        if exc_type is None:
            self.finish()
        else:
            self.abort()


def region_states(page_state_map: bytes, num_pages: int) -> str:
    """The state digits of a map (re-exported for writers that copy regions)."""
    return state_string(page_state_map, num_pages)
