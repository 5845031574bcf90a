"""The virtual address space of a capture: page runs, captured extents and a file-like view.

:class:`AddressSpace` indexes every Memory Region of a capture by address (the page-state map
of each, never its bytes), so that tools can walk the captured bytes in address order:

* :meth:`AddressSpace.runs` gives every run of equal page states (captured, failed,
  unmapped, not_resident) with the region it comes from;
* :meth:`AddressSpace.extents` gives every stretch of contiguous captured addresses, across
  page and block boundaries (a hole always ends an extent);
* :meth:`AddressSpace.segments` streams the bytes of an extent in bounded pieces: zero-copy
  views of the mapped file for stored regions, bounded chunks of a streaming inflate for
  zstd regions (an LZ4 block has no streaming form and is inflated whole, one at a time);
* :meth:`AddressSpace.open` returns :class:`AddressSpaceFile`, a seekable read-only binary
  file whose position is the virtual address (modelled on dissect's stream views): a read
  that touches a byte that was not captured raises :class:`~memslice.errors.NotCapturedError`
  unless a fill byte was given.

Where two regions cover the same page (a re-read in an extension segment, a producer bug),
the region with the lower base wins and, at equal bases, the earlier block; the overlap is
counted in :attr:`AddressSpace.overlapping_pages`.
"""

from __future__ import annotations

import bisect
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import zstandard

from memslice.compression import is_legacy_framing
from memslice.errors import CompressionError, EncryptedError, MslError, NotCapturedError
from memslice.generated.enums import BlockType, CompAlgo
from memslice.generated.registry import block_id, layout_for
from memslice.pages import STATE_NAMES, state_string
from memslice.pages import runs as state_runs

if TYPE_CHECKING:
    from memslice.reader import BlockRecord, MslReader

_MEMORY_REGION = BlockType.MEMORY_REGION
_CHUNK = 8 << 20
"""Bytes per piece handed out when streaming an inflated region."""
_PREFIX = 4096
"""First guess of how many inflated bytes hold a region's fixed fields and page map."""
_MAX_PREFIX = 1 << 26
"""The page map of a 4 GiB block of 1 KiB pages is 1 MiB; 64 MiB bounds the search."""


@dataclass(frozen=True)
class RegionInfo:
    """One Memory Region block, without its bytes.

    Attributes:
        index: Ordinal among the capture's Memory Regions (file order).
        record: The block.
        base: First address.
        size: RegionSize.
        page_size: Bytes per page.
        protection: Protection bits.
        region_type: RegionType code.
        timestamp: When the region was read (ns since the epoch).
        states: One digit (0-3) per page.
    """

    index: int
    record: BlockRecord
    base: int
    size: int
    page_size: int
    protection: int
    region_type: int
    timestamp: int
    states: str

    @property
    def end(self) -> int:
        """Address just past the last whole page."""
        return self.base + len(self.states) * self.page_size


@dataclass(frozen=True)
class Run:
    """Pages of one state in one region, in address order.

    Attributes:
        addr: First address.
        length: Bytes.
        state: ``captured``, ``failed``, ``unmapped`` or ``not_resident``.
        region: The region's ordinal (:attr:`RegionInfo.index`).
        data_offset: For captured runs, offset of the first byte in the region's PageData.
    """

    addr: int
    length: int
    state: str
    region: int
    data_offset: int = 0

    @property
    def end(self) -> int:
        """Address just past the run."""
        return self.addr + self.length


class _Source:
    """Where one region's PageData comes from (mapped file, streaming inflate, or bytes)."""

    def __init__(self, view: memoryview | bytes | None = None, file_offset: int | None = None) -> None:
        self.view = view
        self.file_offset = file_offset

    def read(self, offset: int, length: int) -> Iterator[memoryview | bytes]:
        assert self.view is not None
        yield self.view[offset:offset + length]


class _ZstdSource(_Source):
    """PageData inside a zstd-compressed payload, inflated as a stream on demand."""

    def __init__(self, stream: memoryview, data_start: int) -> None:
        super().__init__()
        self.stream = stream
        self.data_start = data_start
        self._reader: Any = None
        self._pos = 0
        self._last: tuple[int, bytes] = (0, b"")

    def _seek(self, target: int) -> None:
        if self._reader is None or target < self._pos:
            if self._reader is not None:
                self._reader.close()
            self._reader = zstandard.ZstdDecompressor().stream_reader(self.stream, read_across_frames=False)
            self._pos = 0
        while self._pos < target:
            got = self._reader.read(min(_CHUNK, target - self._pos))
            if not got:
                raise CompressionError("zstd stream ends before the page data it declares")
            self._pos += len(got)

    def read(self, offset: int, length: int) -> Iterator[memoryview | bytes]:
        # the last chunk inflated is kept: reads just behind the stream position (the context
        # of a search hit) are served from it instead of inflating the region again
        cached_at, cached = self._last
        if cached and cached_at <= offset < cached_at + len(cached):
            piece = memoryview(cached)[offset - cached_at:offset - cached_at + length]
            yield piece
            offset += len(piece)
            length -= len(piece)
            if length <= 0:
                return
        try:
            self._seek(self.data_start + offset)
            while length > 0:
                at = self._pos - self.data_start
                got = self._reader.read(min(_CHUNK, length))
                if not got:
                    raise CompressionError("zstd stream ends before the page data it declares")
                self._pos += len(got)
                length -= len(got)
                self._last = (at, got)
                yield got
        except zstandard.ZstdError as exc:
            raise CompressionError(f"zstd frame is corrupt: {exc}") from None


class AddressSpace:
    """The captured address space of an open reader.

    Args:
        reader: An open :class:`~memslice.reader.MslReader`.

    Raises:
        EncryptedError: The capture is encrypted and the reader was opened without its secret.
        MslError: A Memory Region does not decode.
    """

    def __init__(self, reader: MslReader) -> None:
        if reader.encrypted and reader.container is None:
            raise EncryptedError("the capture is encrypted and no secret was given (--passphrase-file, --key-file "
                                 "or --identity): its blocks are ciphertext (not checked)", offset=0)
        self.reader = reader
        self.regions: list[RegionInfo] = []
        self._sources: dict[int, _Source] = {}
        self._lz4: tuple[int, _Source] | None = None
        for record in reader.blocks:
            if record.block_type == _MEMORY_REGION and record.segment >= 0:
                info = self._region(record)
                if info is not None:
                    self.regions.append(info)
        self.overlapping_pages = 0
        self._runs = self._index()
        self._starts = [r.addr for r in self._runs]

    # -- index ----------------------------------------------------------------------
    def _region(self, record: BlockRecord) -> RegionInfo | None:
        reader = self.reader
        if block_id(record.block_type, reader.dialect) is None:
            return None
        layout = layout_for(record.block_type, reader.dialect, record.header.payload_version)
        if layout is None:
            return None
        raw = reader.raw_payload(record)
        if record.compressed and reader.dialect != "g0":
            payload, source = self._compressed(record, layout, raw)
        else:
            try:
                payload, _ = layout.decode_at(raw, 0, len(raw), reader.endian)
            except MslError as exc:
                raise exc.located(offset=record.payload_offset, block_index=record.index) from None
            data = payload.page_data
            source = _Source(data, record.end - len(data))
        page_size = int(payload.page_size)
        states = state_string(payload.page_state_map, int(payload.num_pages))
        index = len(self.regions)
        self._sources[index] = source
        return RegionInfo(index, record, int(payload.base_addr), int(payload.region_size), page_size,
                          int(payload.protection), int(payload.region_type), int(payload.timestamp or 0), states)

    def _compressed(self, record: BlockRecord, layout: Any, raw: memoryview) -> tuple[Any, _Source]:
        """Decode a compressed region's fixed fields and map from a bounded prefix of the inflate."""
        reader = self.reader
        legacy = reader.dialect == "memdiver-1.0.2" and is_legacy_framing(raw)
        bare_zstd = legacy and bytes(raw[:4]) == zstandard.FRAME_HEADER  # memdiver's frame without size prefix
        if record.comp_algo != CompAlgo.ZSTD or (legacy and not bare_zstd):
            payload = reader.decode(record).payload
            data = payload.page_data
            return payload, _Source(data)
        stream = raw if bare_zstd else raw[8:]
        want = _PREFIX
        while True:
            reader_z = zstandard.ZstdDecompressor().stream_reader(stream, read_across_frames=False)
            try:
                prefix = reader_z.read(want)
            except zstandard.ZstdError as exc:
                raise CompressionError(f"zstd frame is corrupt: {exc}").located(
                    offset=record.payload_offset, block_index=record.index) from None
            finally:
                reader_z.close()
            try:
                payload, _ = layout.decode_at(memoryview(prefix), 0, len(prefix), reader.endian)
                break
            except MslError as exc:
                if len(prefix) < want or want >= _MAX_PREFIX:
                    raise exc.located(block_index=record.index) from None
                want *= 4
        start = len(prefix) - len(payload.page_data)
        return payload, _ZstdSource(stream, start)

    def _index(self) -> list[Run]:
        out: list[Run] = []
        taken: list[tuple[int, int]] = []  # covered [start, end) so far, sorted, merged
        for info in sorted(self.regions, key=lambda r: (r.base, r.record.index)):
            ps = info.page_size
            captured_before = 0
            pos = 0
            for state, count in state_runs(info.states):
                addr = info.base + pos * ps
                length = count * ps
                data_offset = captured_before * ps
                if state == 0:
                    captured_before += count
                free = _uncovered(taken, addr, addr + length)
                for a, b in free:
                    out.append(Run(a, b - a, STATE_NAMES[state], info.index, data_offset + (a - addr)))
                self.overlapping_pages += (length - sum(b - a for a, b in free)) // ps
                pos += count
            _cover(taken, info.base, info.end)
        out.sort(key=lambda r: r.addr)
        return out

    # -- queries --------------------------------------------------------------------
    def runs(self, start: int = 0, end: int = 1 << 64) -> list[Run]:
        """Runs of equal page state overlapping ``[start, end)``, in address order (clipped)."""
        out = []
        i = max(0, bisect.bisect_right(self._starts, start) - 1)
        for run in self._runs[i:]:
            if run.addr >= end:
                break
            if run.end <= start:
                continue
            a, b = max(run.addr, start), min(run.end, end)
            out.append(Run(a, b - a, run.state, run.region, run.data_offset + (a - run.addr)))
        return out

    def extents(self, start: int = 0, end: int = 1 << 64) -> Iterator[list[Run]]:
        """Stretches of contiguous captured bytes in ``[start, end)``: lists of captured runs.

        Runs from different pages, blocks or regions join when their addresses touch; any
        address that is not captured ends an extent.
        """
        current: list[Run] = []
        for run in self.runs(start, end):
            if run.state != "captured":
                if current:
                    yield current
                    current = []
                continue
            if current and current[-1].end != run.addr:
                yield current
                current = []
            current.append(run)
        if current:
            yield current

    def captured_bytes(self) -> int:
        """Total captured bytes (overlaps counted once)."""
        return sum(r.length for r in self._runs if r.state == "captured")

    def state_at(self, addr: int) -> str:
        """Page state of ``addr``, or ``absent`` when no region covers it."""
        runs = self.runs(addr, addr + 1)
        return runs[0].state if runs else "absent"

    def segments(self, run: Run) -> Iterator[tuple[int, memoryview | bytes, int | None]]:
        """Stream the bytes of one captured run.

        Yields:
            ``(address, bytes, file_offset)``: ``file_offset`` is where these bytes lie in the
            capture file when they are stored uncompressed (so callers can search the mapping
            directly), else None.
        """
        if run.state != "captured":
            raise NotCapturedError(f"0x{run.addr:x} is {run.state}", address=run.addr, state=run.state)
        source = self._source(run.region)
        addr = run.addr
        for piece in source.read(run.data_offset, run.length):
            file_offset = None if source.file_offset is None else source.file_offset + run.data_offset + (
                addr - run.addr)
            yield addr, piece, file_offset
            addr += len(piece)

    def _source(self, region: int) -> _Source:
        source = self._sources.get(region)
        if source is not None and (source.view is not None or isinstance(source, _ZstdSource)):
            return source
        if self._lz4 is not None and self._lz4[0] == region:
            return self._lz4[1]
        payload = self.reader.decode(self.regions[region].record).payload
        source = _Source(payload.page_data)
        self._lz4 = (region, source)
        return source

    def read(self, addr: int, length: int, fill: int | None = None) -> bytes:
        """The bytes of ``[addr, addr + length)``.

        Args:
            addr: First address.
            length: Bytes wanted.
            fill: Byte value for addresses that were not captured; None raises instead.

        Raises:
            NotCapturedError: A byte was not captured and no fill was given.
        """
        out = bytearray()
        cursor = addr
        end = addr + length
        for run in self.runs(addr, end) + [Run(end, 0, "captured", -1)]:
            if run.addr > cursor:
                self._hole(cursor, run.addr - cursor, "absent", fill, out)
                cursor = run.addr
            if run.length == 0:
                break
            if run.state != "captured":
                self._hole(cursor, run.length, run.state, fill, out)
            else:
                for _a, piece, _o in self.segments(run):
                    out += piece
            cursor = run.end
        return bytes(out)

    @staticmethod
    def _hole(addr: int, length: int, state: str, fill: int | None, out: bytearray) -> None:
        if fill is None:
            raise NotCapturedError(f"address 0x{addr:x} was not captured (page state {state}); give a fill byte "
                                   "to read across it", address=addr, state=state)
        out += bytes([fill]) * length

    def open(self, fill: int | None = None) -> AddressSpaceFile:
        """A seekable, read-only binary file over the address space (position = address)."""
        return AddressSpaceFile(self, fill)


class AddressSpaceFile(io.RawIOBase):
    """A read-only, seekable binary file whose offsets are virtual addresses.

    ``read(n)`` returns exactly the bytes of ``[tell(), tell() + n)``; when one of them was not
    captured it raises :class:`~memslice.errors.NotCapturedError` (the position does not move),
    unless the view was opened with a fill byte. ``read()`` with no size reads to the end of
    the current captured extent. The size of the file is the top of the 64-bit space.

    Args:
        space: The address space.
        fill: Byte used for uncaptured addresses, or None to raise.
    """

    def __init__(self, space: AddressSpace, fill: int | None = None) -> None:
        super().__init__()
        self.space = space
        self.fill = fill
        self._pos = 0

    def readable(self) -> bool:
        """Always True."""
        return True

    def seekable(self) -> bool:
        """Always True."""
        return True

    def tell(self) -> int:
        """The current virtual address."""
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        """Move to an address (``SEEK_END`` counts from 2**64)."""
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: 1 << 64}[whence]
        target = base + offset
        if target < 0:
            raise ValueError(f"negative address {target}")
        self._pos = target
        return target

    def read(self, size: int | None = -1) -> bytes:
        """Read ``size`` bytes at the current address (see the class doc for holes)."""
        if size is None or size < 0:
            extent = next(self.space.extents(self._pos, 1 << 64), None)
            if not extent or extent[0].addr != self._pos:
                if self.fill is None:
                    state = self.space.state_at(self._pos)
                    raise NotCapturedError(f"address 0x{self._pos:x} was not captured (page state {state})",
                                           address=self._pos, state=state)
                return b""
            size = extent[-1].end - self._pos
        size = min(size, (1 << 64) - self._pos)
        data = self.space.read(self._pos, size, self.fill)
        self._pos += len(data)
        return data

    def readinto(self, buffer: Any) -> int:
        """Read into a writable buffer."""
        data = self.read(len(buffer))
        memoryview(buffer).cast("B")[:len(data)] = data
        return len(data)

    def readall(self) -> bytes:
        """Read to the end of the current captured extent."""
        return self.read(-1)


def _uncovered(taken: list[tuple[int, int]], start: int, end: int) -> list[tuple[int, int]]:
    out = []
    cursor = start
    i = max(0, bisect.bisect_right(taken, (start, 1 << 65)) - 1)
    for a, b in taken[i:]:
        if a >= end:
            break
        if b <= cursor:
            continue
        if a > cursor:
            out.append((cursor, a))
        cursor = max(cursor, b)
        if cursor >= end:
            break
    if cursor < end:
        out.append((cursor, end))
    return out


def _cover(taken: list[tuple[int, int]], start: int, end: int) -> None:
    i = bisect.bisect_left(taken, (start, start))
    taken.insert(i, (start, end))
    merged: list[tuple[int, int]] = []
    for a, b in taken:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    taken[:] = merged
