"""Write an :class:`ImportPlan` as a ``.msl`` file (spec section 9.2).

Block order (written by :func:`memslice.acquirer.core.write.write_capture`, the writer live
capture shares): Import Provenance (block 0), Process Identity, Module List Index, Module
Entries, Thread Contexts, Memory Regions, VAS Map, End-of-Capture. Page data is copied
from the source in chunks of at most ``chunk_bytes``; a large range becomes several
adjacent, independent Memory Region blocks (not Continuation fragments: memslicer 0.5.2
refuses those and memdiver 1.0.2 concatenates their payloads, catalogue section 4.2), and
the VAS Map keeps the source's own range boundaries. Memory stays bounded by the chunk
size and the largest page-state map (``MAX_BLOCK_PAGES`` pages).
"""

from __future__ import annotations

import bisect
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from memslice.acquirer.core.write import Layout, write_capture
from memslice.acquirer.importers.errors import SourceError
from memslice.acquirer.importers.plan import MAX_PAGE_LOG2, EncodedVas, ImportPlan, RegionPlan, VasPlan
from memslice.acquirer.importers.source import SourceFile
from memslice.generated.blocks import memory_region
from memslice.generated.blocks.import_provenance import ImportProvenance
from memslice.generated.blocks.module_list_index import ModuleListIndex
from memslice.generated.blocks.process_identity import ProcessIdentity
from memslice.generated.blocks.thread_context import ThreadContext
from memslice.generated.blocks.vas_map import VasEntry, VasMap
from memslice.generated.enums import HeaderFlags, NameSource, PageState

from memslice import __version__
from memslice.writer import MslWriter, cap_bitmap_for, fixed_struct

TOOL_NAME = f"memslice {__version__}"
"""ToolName written into Import Provenance."""
DEFAULT_CHUNK_BYTES = 32 << 20
"""Default largest PageData of one Memory Region block."""
MAX_BLOCK_PAGES = 1 << 20
"""Largest page count of one block (its page-state map is then 256 KiB)."""
NATIVE_FAILED_LIMIT = 1 << 12
"""A Failed run longer than this (in pages of its region) is written with coarser pages."""
COARSE_STEP = 8
"""Page-size steps (log2) between the blocks of a coarse Failed run: at most 2^8 pages each."""
NOTE_LIMIT = 60_000
"""Largest note (bytes); further facts are counted, not listed."""

_CAPTURED = str(int(PageState.CAPTURED))
_FAILED = str(int(PageState.FAILED))


@dataclass
class ImportResult:
    """What an import wrote.

    Attributes:
        path: The ``.msl`` file.
        source_format: Source format label (``raw``, ``elf-core``, ``minidump``).
        blocks: Blocks written (End-of-Capture included).
        regions: Memory Region blocks written.
        captured_bytes: Bytes of page data copied.
        failed_pages: Pages written with state Failed.
        threads: Thread Context blocks.
        modules: Module Entry blocks.
        note: The Import Provenance note.
        source_sha256: SHA-256 of the source, or None when not computed.
    """

    path: Path
    source_format: str
    blocks: int = 0
    regions: int = 0
    captured_bytes: int = 0
    failed_pages: int = 0
    threads: int = 0
    modules: int = 0
    note: str = ""
    source_sha256: str | None = None
    facts: list[str] = field(default_factory=list)


@dataclass
class _Block:
    """One Memory Region block to write."""

    base: int
    page_log2: int
    states: list[tuple[str, int]] = field(default_factory=list)
    captured: list[tuple[int, int]] = field(default_factory=list)  # (address, bytes)
    pages: int = 0
    captured_pages: int = 0

    def add(self, state: str, count: int, address: int) -> None:
        if self.states and self.states[-1][0] == state:
            self.states[-1] = (state, self.states[-1][1] + count)
        else:
            self.states.append((state, count))
        self.pages += count
        if state == _CAPTURED:
            self.captured.append((address, count << self.page_log2))
            self.captured_pages += count

    def state_string(self) -> str:
        return "".join(state * count for state, count in self.states)


def _coarse(start: int, end: int, min_log2: int) -> Iterator[_Block]:
    """Failed blocks covering [start, end) with the largest aligned page sizes (bounded output).

    Every block starts at a multiple of its page size. Climbing from a finely aligned
    ``start``, a block holds at most 2^COARSE_STEP pages and ends where a page
    ``COARSE_STEP`` times coarser is aligned; then 2^40-byte pages cover the middle;
    towards ``end`` each block takes the page size that leaves fewer than 2^COARSE_STEP
    pages. A run of any length thus costs a few small blocks plus one 2-bit entry per TiB
    (the whole 64-bit space: 2^24 entries), never a map per native page.
    """
    cursor = start
    while cursor < end:
        left = end - cursor
        align = MAX_PAGE_LOG2 if cursor == 0 else (cursor & -cursor).bit_length() - 1
        log2 = min(MAX_PAGE_LOG2, align, max(min_log2, left.bit_length() - 1 - COARSE_STEP))
        limit = end
        if log2 < MAX_PAGE_LOG2:
            up = min(MAX_PAGE_LOG2, log2 + COARSE_STEP)
            limit = min(end, (cursor | ((1 << up) - 1)) + 1)
        count = max(1, min(MAX_BLOCK_PAGES, (limit - cursor) >> log2))
        block = _Block(cursor, log2)
        block.add(_FAILED, count, cursor)
        yield block
        cursor += count << log2


def region_blocks(region: RegionPlan, chunk_bytes: int) -> Iterator[_Block]:
    """Split a region into blocks of bounded page data and bounded page-state maps."""
    log2 = region.page_log2
    page = 1 << log2
    total = region.size >> log2
    segments: list[tuple[str, int, int]] = []
    cursor = 0
    for first, count in region.captured_page_runs():
        if first > cursor:
            segments.append((_FAILED, cursor, first - cursor))
        segments.append((_CAPTURED, first, count))
        cursor = first + count
    if cursor < total:
        segments.append((_FAILED, cursor, total - cursor))
    max_captured = max(1, chunk_bytes >> log2)
    current: _Block | None = None
    for state, first, count in segments:
        if state == _FAILED and count > NATIVE_FAILED_LIMIT:
            if current is not None:
                yield current
                current = None
            yield from _coarse(region.base + first * page, region.base + (first + count) * page, log2)
            continue
        while count:
            if current is None:
                current = _Block(region.base + first * page, log2)
            take = min(count, MAX_BLOCK_PAGES - current.pages)
            if state == _CAPTURED:
                take = min(take, max_captured - current.captured_pages)
            if take <= 0:
                yield current
                current = None
                continue
            current.add(state, take, region.base + first * page)
            first += take
            count -= take
    if current is not None:
        yield current


def _whole_region(region: RegionPlan, max_captured: int) -> tuple[str, list[tuple[int, int]], int] | None:
    """The one block :func:`region_blocks` makes of a small region, without its machinery.

    Returns:
        (state digits, (address, bytes) of each Captured run, Captured pages), or None when
        the region needs more than one block (too many pages, too many Captured pages for a
        chunk, or a Failed run long enough for coarse pages).
    """
    log2 = region.page_log2
    total = region.size >> log2
    if total > MAX_BLOCK_PAGES:
        return None
    if not region.pieces:
        return (_FAILED * total, [], 0) if total <= NATIVE_FAILED_LIMIT else None
    if len(region.pieces) == 1:  # region.captured_page_runs() of one piece
        piece = region.pieces[0]
        first = -(-(piece.start - region.base) >> log2)
        count = ((piece.end - region.base) >> log2) - first
        runs = [(first, count)] if count > 0 else []
    else:
        runs = region.captured_page_runs()
    digits: list[str] = []
    captured: list[tuple[int, int]] = []
    cursor = pages = 0
    for first, count in runs:
        if first - cursor > NATIVE_FAILED_LIMIT:
            return None
        digits += (_FAILED * (first - cursor), _CAPTURED * count)
        captured.append((region.base + (first << log2), count << log2))
        pages += count
        cursor = first + count
    if total - cursor > NATIVE_FAILED_LIMIT or pages > max_captured:
        return None
    digits.append(_FAILED * (total - cursor))
    return "".join(digits), captured, pages


def _read_block_data(source: SourceFile, region: RegionPlan, block: _Block, starts: list[int]) -> bytearray:
    """The bytes of the block's Captured pages, read from the region's pieces."""
    return _read_ranges(source, region, block.captured, block.captured_pages << block.page_log2, starts)


def _read_ranges(source: SourceFile, region: RegionPlan, ranges: list[tuple[int, int]], nbytes: int,
                 starts: list[int]) -> bytearray:
    """The bytes of ``ranges`` ((address, length), ``nbytes`` in all), read from the region's pieces."""
    if not ranges:
        return bytearray()
    data = bytearray(nbytes)
    view = memoryview(data)
    pos = 0
    for address, length in ranges:
        end = address + length
        i = max(0, bisect.bisect_right(starts, address) - 1)
        cursor = address
        while cursor < end:
            piece = region.pieces[i]
            if not piece.start <= cursor < piece.end:
                raise SourceError(f"internal: address 0x{cursor:X} is not covered by a stored range")
            take = min(end, piece.end) - cursor
            source.read_into(piece.offset + (cursor - piece.start), view[pos:pos + take],
                             f"memory at 0x{cursor:X}")
            pos += take
            cursor += take
            i += 1
    return data


def build_note(plan: ImportPlan, source: SourceFile, sha256: str | None) -> str:
    """The Import Provenance note: the source, what it could not provide, and other facts."""
    digest = f"sha256 {sha256}" if sha256 else "sha256 not computed"
    lines = [f"source: {plan.source_label} file '{source.path.name}', {source.size} bytes, {digest}"]
    if plan.missing:
        lines.append("not provided by the source: " + "; ".join(plan.missing))
    lines.append("page states: Captured = bytes stored in the source; Failed = inside a range the source "
                 "declares but whose bytes it does not store (never zero-filled)")
    used = sum(len(x) + 1 for x in lines)
    more = getattr(plan.facts, "dropped", 0)
    for i, fact in enumerate(plan.facts):
        if used + len(fact) + 1 > NOTE_LIMIT:
            more += len(plan.facts) - i
            break
        lines.append(fact)
        used += len(fact) + 1
    if more:
        lines.append(f"... {more} more facts not listed")
    return "\n".join(lines)


def vas_entry_bytes(v: VasPlan, endian: str = "<") -> bytes:
    """One VAS Map entry, encoded."""
    return VasEntry(base_addr=v.base, region_size=v.size, protection=v.protection, region_type=v.region_type,
                    name_source=NameSource.SOURCE_METADATA if v.path else NameSource.UNSPECIFIED,
                    mapped_path=v.path).encode(endian)


def vas_entry_encoder(endian: str = "<") -> Callable[[int, int, int, int, str | None], bytes]:
    """A fast :func:`vas_entry_bytes`: ``encode(base, size, protection, region_type, path)``.

    An unnamed entry is packed in one call (checked once against the generated encoder); a
    named one goes through :class:`VasEntry`.
    """
    fixed = fixed_struct(VasEntry.FIELDS, endian)
    unnamed = int(NameSource.UNSPECIFIED)
    sample = (0x1000, 0x2000, 3, 4)
    if fixed.pack(*sample, 0, unnamed, b"") != vas_entry_bytes(VasPlan(*sample), endian):
        raise RuntimeError("the VAS entry packer disagrees with the generated encoder")

    def encode(base: int, size: int, protection: int, region_type: int, path: str | None) -> bytes:
        if path is None:
            return fixed.pack(base, size, protection, region_type, 0, unnamed, b"")
        return vas_entry_bytes(VasPlan(base, size, protection, region_type, path), endian)

    return encode


def _write_vas_map(writer: MslWriter, entries: Iterable[VasPlan] | EncodedVas, endian: str) -> None:
    """One VAS Map block, its entries encoded one by one into one buffer (no object per entry kept)."""
    if isinstance(entries, EncodedVas) and endian == "<":
        body, count = entries.body, entries.count
    else:
        body = bytearray()
        count = 0
        for v in entries:
            body += vas_entry_bytes(v, endian)
            count += 1
    head = VasMap(num_entries=count, len_entry=0, entries=[])
    writer.write_block(VasMap.BLOCK_TYPE, [*head.encode_parts(endian), memoryview(body)],
                       payload_version=VasMap.PAYLOAD_VERSIONS[-1])


def write_plan(plan: ImportPlan, source: SourceFile, out: str | os.PathLike[str], *,
               sha256: str | None, compression: str = "none", chunk_bytes: int = DEFAULT_CHUNK_BYTES,
               overwrite: bool = False, progress: Callable[[int], None] | None = None,
               import_time: int | None = None) -> ImportResult:
    """Write ``plan`` to ``out`` (created new under a random temporary name, mode 0600, renamed when complete).

    Args:
        plan: What to write.
        source: The open source (page data is read from it).
        out: Output path.
        sha256: Hex SHA-256 of the source for the note, or None.
        compression: Memory Region codec: ``none``, ``zstd`` or ``lz4``.
        chunk_bytes: Largest PageData of one block.
        overwrite: Replace an existing output file.
        progress: Called with the number of page-data bytes copied after each block.
        import_time: ImportTime in ns (default: now).

    Returns:
        What was written.

    Raises:
        SourceError: The source changed or ended while copying.
        EncodeError: A value breaks the format (reported with its rule).
    """
    out = Path(out)
    import_time = time.time_ns() if import_time is None else import_time
    note = build_note(plan, source, sha256)
    result = ImportResult(out, plan.source_label, note=note, source_sha256=sha256, facts=list(plan.facts))
    cap = cap_bitmap_for(code for code, present in (
        (memory_region.BLOCK_TYPE, plan.regions), (ModuleListIndex.BLOCK_TYPE, plan.modules),
        (ThreadContext.BLOCK_TYPE, plan.threads), (ProcessIdentity.BLOCK_TYPE, plan.identity is not None),
    ) if present)
    writer = MslWriter(out, cap_bitmap=cap, flags=HeaderFlags.IMPORTED, os_type=plan.os_type,
                       arch_type=plan.arch_type, pid=plan.pid, timestamp=plan.timestamp,
                       compression=compression, overwrite=overwrite)
    try:
        provenance = ImportProvenance(source_format=plan.source_format, import_time=import_time,
                                      orig_file_size=source.size, tool_name=TOOL_NAME, note=note)
        memory = _SourceMemory(writer, source, chunk_bytes, result, progress)
        write_capture(plan, _ImportOut(writer), memory, layout=Layout(leading=[provenance]))
    except BaseException:
        writer.abort()
        raise
    result.modules = len(plan.modules)
    result.threads = len(plan.threads)
    result.blocks = writer.blocks_written
    return result


class _ImportOut:
    """The output file of an import (:class:`~memslice.acquirer.core.write.BlockOut`)."""

    def __init__(self, writer: MslWriter) -> None:
        self.writer = writer
        self.add = writer.add

    def write_vas(self, vas: Iterable[VasPlan] | EncodedVas) -> None:
        _write_vas_map(self.writer, vas, self.writer.endian)

    def finish(self) -> Path:
        return self.writer.finish()


class _SourceMemory:
    """The import's memory writer: each region's blocks with their page data read from the source."""

    def __init__(self, writer: MslWriter, source: SourceFile, chunk_bytes: int, result: ImportResult,
                 progress: Callable[[int], None] | None) -> None:
        self.writer = writer
        self.source = source
        self.chunk_bytes = chunk_bytes
        self.result = result
        self.progress = progress

    def __call__(self, regions: Iterable[RegionPlan]) -> None:
        result = self.result
        add = self.writer.add_memory_region
        for region in regions:
            starts = [p.start for p in region.pieces]
            log2 = region.page_log2
            whole = _whole_region(region, max(1, self.chunk_bytes >> log2))
            if whole is not None:  # the common case: the region is one block
                digits, ranges, pages = whole
                data = _read_ranges(self.source, region, ranges, pages << log2, starts)
                add(region.base, digits, data, page_size_log2=log2, protection=region.protection,
                    region_type=region.region_type, timestamp=region.timestamp)
                result.regions += 1
                result.captured_bytes += len(data)
                result.failed_pages += len(digits) - pages
                if self.progress is not None and data:
                    self.progress(len(data))
                del data
                continue
            for block in region_blocks(region, self.chunk_bytes):
                data = _read_block_data(self.source, region, block, starts)
                self.writer.add_memory_region(block.base, block.state_string(), data,
                                              page_size_log2=block.page_log2, protection=region.protection,
                                              region_type=region.region_type, timestamp=region.timestamp)
                result.regions += 1
                result.captured_bytes += len(data)
                result.failed_pages += block.pages - block.captured_pages
                if self.progress is not None and data:
                    self.progress(len(data))
                del data
