"""Microsoft minidumps (``MDMP``), as written by dbghelp, Breakpad and Crashpad.

Layouts follow the Microsoft minidump documentation (``MINIDUMP_HEADER``,
``MINIDUMP_DIRECTORY``, ``MINIDUMP_*_LIST``, ``VS_FIXEDFILEINFO``, ``CONTEXT``); the
Breakpad platform ids and Linux streams (0x4767xxxx) are Breakpad's published values.

- ``MemoryListStream`` / ``Memory64ListStream`` (and thread stacks) -> Memory Regions.
  Minidump ranges are byte ranges; the format stores whole pages only, so a region uses
  the largest page size (<= 4 KiB, >= 1 KiB) its bounds align to, and a page only
  partly stored is Failed: its stored bytes cannot be carried, so such a file is refused
  unless the user accepts the loss (the note then counts the bytes dropped).
  Overlapping ranges are stored once; differing overlaps are reported.
- ``MemoryInfoListStream`` -> protection and type of the regions, and the VAS Map.
- ``ModuleListStream`` -> Module List Index / Module Entries, version from
  ``VS_FIXEDFILEINFO`` (file version) when its signature is 0xFEEF04BD.
- ``ThreadListStream`` -> Thread Contexts (``CONTEXT`` registers of the groups that
  ContextFlags marks); the ``ExceptionStream`` thread is Crashed and Current and takes the
  exception's context; names from ``ThreadNamesStream``, start times from
  ``ThreadInfoListStream``.
- ``SystemInfoStream`` -> header OSType/ArchType; ``MiscInfoStream`` -> PID and process
  start time; Breakpad Linux streams -> PPID and command line.

Every location is checked against the file and every count against its stream before
anything is read; a corrupt file is rejected with the offset of the fault.
"""

from __future__ import annotations

import bisect
import heapq
import struct
from array import array
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from memslice.acquirer.importers.errors import SourceError
from memslice.acquirer.importers.plan import (
    IdentityPlan,
    ImportPlan,
    Lazy,
    ModulePlan,
    Piece,
    RegionPlan,
    ThreadPlan,
    VasPlan,
    page_log2_for,
)
from memslice.acquirer.importers.registers import (
    ARM64_FLOATING_POINT,
    CONTEXT_CONTROL,
    CONTEXT_EXTENDED_REGISTERS,
    CONTEXT_FLOATING_POINT,
    CONTEXT_INTEGER,
    CONTEXT_SEGMENTS,
    SP,
    context_registers,
)
from memslice.acquirer.importers.registry import Importer, PlanOptions
from memslice.acquirer.importers.source import SourceFile
from memslice.acquirer.source import has_pc_and_sp
from memslice.generated.enums import ArchType, OsType, Protection, RegionType, SourceFormat, ThreadFlags

MDMP_SIGNATURE = 0x504D444D
MDMP_VERSION = 0xA793
THREAD_LIST, MODULE_LIST, MEMORY_LIST, EXCEPTION, SYSTEM_INFO = 3, 4, 5, 6, 7
MEMORY64_LIST, MISC_INFO, MEMORY_INFO_LIST, THREAD_INFO_LIST, THREAD_NAMES = 9, 15, 16, 17, 24
BREAKPAD_LINUX_PROC_STATUS, BREAKPAD_LINUX_CMD_LINE = 0x47670004, 0x47670006
VS_FFI_SIGNATURE = 0xFEEF04BD
MEM_COMMIT, MEM_FREE = 0x1000, 0x10000
MEM_IMAGE, MEM_MAPPED, MEM_PRIVATE = 0x1000000, 0x40000, 0x20000
FILETIME_UNIX_EPOCH = 116444736000000000
MAX_STRING_BYTES = 1 << 16
STRING_BUDGET = 64 << 20
"""Most MINIDUMP_STRING bytes read from one file (names may share one RVA)."""
MAX_ENTRIES = 1 << 20
"""Most entries accepted in one list stream (modules, threads, memory ranges, infos)."""
CONTEXT_READ = 4096
"""Bytes of a CONTEXT record read: every layout decoded here is smaller."""
COMPARE_LIMIT = 64 << 20
"""Most overlapping bytes compared between ranges stored twice."""
_CHUNK = 1 << 14
"""Descriptors read from the file at a time."""
_MEMINFO = struct.Struct("<QQIIQIII")

_ARCH = {0: (ArchType.X86, "x86"), 9: (ArchType.X86_64, "x86_64"), 5: (ArchType.ARM32, ""),
         12: (ArchType.ARM64, "arm64"), 0x8003: (ArchType.ARM64, ""), 1: (ArchType.MIPS32, ""),
         0x8004: (ArchType.MIPS64, ""), 3: (ArchType.PPC32, ""), 0x8002: (ArchType.PPC64, ""),
         0x8006: (ArchType.RISCV64, ""), 0x8005: (ArchType.RISCV32, "")}
_OS = {0: OsType.WINDOWS, 1: OsType.WINDOWS, 2: OsType.WINDOWS, 3: OsType.WINDOWS, 0x8101: OsType.MACOS,
       0x8102: OsType.IOS, 0x8201: OsType.LINUX, 0x8203: OsType.ANDROID, 0x8206: OsType.FUCHSIA}
CORE_GROUPS = {
    "x86_64": CONTEXT_CONTROL | CONTEXT_INTEGER | CONTEXT_SEGMENTS | CONTEXT_FLOATING_POINT,
    "x86": CONTEXT_CONTROL | CONTEXT_INTEGER | CONTEXT_SEGMENTS | CONTEXT_FLOATING_POINT | CONTEXT_EXTENDED_REGISTERS,
    "arm64": CONTEXT_CONTROL | CONTEXT_INTEGER | ARM64_FLOATING_POINT,
}
"""ContextFlags groups without which a thread is flagged Partial (general and FP/SIMD state)."""
_PROTECT = {0x01: 0, 0x02: 0x1, 0x04: 0x3, 0x08: 0x13, 0x10: 0x4, 0x20: 0x5, 0x40: 0x7, 0x80: 0x17}
"""PAGE_* base value -> Protection bits (R=1, W=2, X=4, CopyOnWrite=0x10)."""


@dataclass(slots=True)
class _Stream:
    type: int
    size: int
    rva: int
    index: int


class _Reader:
    """Bounds-checked access to one minidump file."""

    def __init__(self, source: SourceFile) -> None:
        self.src = source
        self.string_bytes = 0

    def read(self, rva: int, size: int, what: str) -> bytes:
        return self.src.read(rva, size, what)

    def string(self, rva: int, what: str) -> tuple[str, bool]:
        """A MINIDUMP_STRING (u32 byte length, UTF-16LE): (text, replaced)."""
        (length,) = struct.unpack("<I", self.read(rva, 4, f"{what} length"))
        if length > MAX_STRING_BYTES or length % 2:
            raise SourceError(f"{what}: MINIDUMP_STRING length {length} is odd or above {MAX_STRING_BYTES}",
                              offset=rva)
        self.string_bytes += length
        if self.string_bytes > STRING_BUDGET:
            raise SourceError(f"{what}: the file's strings exceed {STRING_BUDGET} bytes in total", offset=rva)
        raw = self.read(rva + 4, length, what)
        text = raw.decode("utf-16-le", "replace")
        return text, "\ufffd" in text and b"\xfd\xff" not in raw

    def stream(self, s: _Stream, what: str) -> bytes:
        return self.read(s.rva, s.size, f"{what} stream")


def _directory(r: _Reader) -> tuple[dict[int, _Stream], int]:
    head = r.read(0, 32, "MINIDUMP_HEADER")
    sig, version, count, dir_rva, _checksum, stamp, _flags = struct.unpack("<IIIIIIQ", head)
    if sig != MDMP_SIGNATURE:
        raise SourceError(f"not a minidump: signature 0x{sig:08X} is not 'MDMP'", offset=0)
    if version & 0xFFFF != MDMP_VERSION:
        raise SourceError(f"minidump version 0x{version & 0xFFFF:04X} is not MINIDUMP_VERSION 0xA793", offset=4)
    r.src.require(dir_rva, count * 12, f"stream directory of {count} entries")
    table = r.read(dir_rva, count * 12, "stream directory")
    streams: dict[int, _Stream] = {}
    for i in range(count):
        stype, size, rva = struct.unpack_from("<III", table, 12 * i)
        if size and (rva > r.src.size or size > r.src.size - rva):
            raise SourceError(f"stream directory entry {i} (type 0x{stype:X}) places {size} bytes at RVA "
                              f"0x{rva:X}, past the end of the {r.src.size}-byte file", offset=dir_rva + 12 * i)
        if stype and size:
            streams.setdefault(stype, _Stream(stype, size, rva, i))
    return streams, stamp


def _list(data: bytes, entry: int, what: str, s: _Stream, count_fmt: str = "<I",
          total: int | None = None) -> tuple[int, int]:
    """(count, offset of the first entry) of a counted list stream, checked against its size.

    ``data`` is the stream, or only its first bytes when ``total`` gives the stream's size.
    """
    size = len(data) if total is None else total
    head = struct.calcsize(count_fmt)
    if len(data) < head:
        raise SourceError(f"{what} stream of {len(data)} bytes has no count", offset=s.rva)
    (count,) = struct.unpack_from(count_fmt, data, 0)
    # some writers (Breakpad) pad the 32-bit count to 8 bytes
    for start in (head, head + 4) if head == 4 else (head,):
        if size - start == count * entry:
            return count, start
    if count * entry > size - head:
        raise SourceError(f"{what} declares {count} entries of {entry} bytes but its stream holds "
                          f"{size - head} bytes", offset=s.rva)
    if count > MAX_ENTRIES:
        raise SourceError(f"{what} declares {count} entries, more than the limit of {MAX_ENTRIES}", offset=s.rva)
    return count, head


def _protection(protect: int) -> int:
    prot = _PROTECT.get(protect & 0xFF, 0)
    if protect & 0x100:
        prot |= Protection.GUARD
    return prot


_REGION_TYPES = {MEM_IMAGE: int(RegionType.IMAGE), MEM_MAPPED: int(RegionType.MAPPED_FILE),
                 MEM_PRIVATE: int(RegionType.ANONYMOUS)}


_UNKNOWN = int(RegionType.UNKNOWN)
_PAGE_LOG2 = 12
"""Page size of the regions (4 KiB; smaller where a range is not 4 KiB aligned)."""
_PAGE_MASK = (1 << _PAGE_LOG2) - 1


def _region_type(mtype: int | None) -> int:
    if mtype is None:
        return _UNKNOWN
    return _REGION_TYPES.get(mtype, _UNKNOWN)


class _Infos:
    """MemoryInfoList entries that are not MEM_FREE, as compact arrays sorted by base address."""

    def __init__(self) -> None:
        self.base = array("Q")
        self.size = array("Q")
        self.state = array("I")
        self.protect = array("I")
        self.type = array("I")

    def __len__(self) -> int:
        return len(self.base)

    def append(self, base: int, size: int, state: int, protect: int, mtype: int) -> None:
        self.base.append(base)
        self.size.append(size)
        self.state.append(state)
        self.protect.append(protect)
        self.type.append(mtype)

    def sorted(self) -> _Infos:
        """These entries in base order (a copy only when they are out of order)."""
        if all(self.base[i] <= self.base[i + 1] for i in range(len(self.base) - 1)):
            return self
        order = sorted(range(len(self.base)), key=self.base.__getitem__)
        out = _Infos()
        for i in order:
            out.append(self.base[i], self.size[i], self.state[i], self.protect[i], self.type[i])
        return out

    def committed(self) -> _Infos:
        """The MEM_COMMIT entries (in the same order)."""
        out = _Infos()
        for i in range(len(self.base)):
            if self.state[i] == MEM_COMMIT:
                out.append(self.base[i], self.size[i], self.state[i], self.protect[i], self.type[i])
        return out

    def at(self, addr: int) -> int | None:
        """Index of the entry holding ``addr`` (the last one starting at or below it), or None."""
        j = bisect.bisect_right(self.base, addr) - 1
        if j >= 0 and self.base[j] <= addr < self.base[j] + self.size[j]:
            return j
        return None


def _mem_infos(r: _Reader, s: _Stream) -> _Infos:
    head_bytes = r.read(s.rva, min(16, s.size), "MemoryInfoList header")
    if len(head_bytes) < 16:
        raise SourceError("MemoryInfoList stream is shorter than its 16-byte header", offset=s.rva)
    head, entry, count = struct.unpack_from("<IIQ", head_bytes, 0)
    if head < 16 or entry < 48 or head > s.size or count > (s.size - head) // entry:
        raise SourceError(f"MemoryInfoList header (SizeOfHeader {head}, SizeOfEntry {entry}, {count} entries) "
                          f"does not fit its {s.size}-byte stream", offset=s.rva)
    if count > MAX_ENTRIES:
        raise SourceError(f"MemoryInfoList declares {count} entries, more than the limit of {MAX_ENTRIES}",
                          offset=s.rva)
    out = _Infos()
    for first in range(0, count, _CHUNK):
        n = min(_CHUNK, count - first)
        data = r.read(s.rva + head + first * entry, n * entry, "MemoryInfoList entries")
        for i in range(n):
            base, _abase, _aprot, _pad, size, state, protect, mtype = _MEMINFO.unpack_from(data, i * entry)
            if state != MEM_FREE and size:
                if base + size > 1 << 64:
                    raise SourceError(f"MemoryInfoList entry {first + i} at 0x{base:X} + 0x{size:X} wraps the 64-bit "
                                      "address space", offset=s.rva + head + (first + i) * entry)
                out.append(base, size, state, protect, mtype)
    return out.sorted()


_SPACE = 1 << 64
"""Size of the 64-bit address space (a range must not wrap it)."""


class _Ranges:
    """One list of stored memory ranges (MemoryList, Memory64List or the thread stacks).

    Descriptors are read from the file a bounded chunk at a time on every pass; a list that
    is not in address order is sorted through a compact index instead.
    """

    def __init__(self, r: _Reader, what: str, at: int, count: int, entry: int, kind: str,
                 base_rva: int = 0, rows: list[tuple[int, int, int]] | None = None) -> None:
        self.r, self.what, self.at, self.count, self.entry, self.kind = r, what, at, count, entry, kind
        self.base_rva = base_rva
        self.rows = rows
        self.in_order = True

    def _raw(self) -> Iterator[tuple[int, int, int, int]]:
        """(start, size, rva, descriptor offset) in listing order, every one checked."""
        if self.rows is not None:
            for start, size, rva in self.rows:
                self._check(start, size, rva, None)
                yield start, size, rva, -1
            return
        rva = self.base_rva
        for first in range(0, self.count, _CHUNK):
            n = min(_CHUNK, self.count - first)
            data = self.r.read(self.at + first * self.entry, n * self.entry, f"{self.what} descriptors")
            if self.kind == "64":
                limit = self.r.src.size
                at = self.at + first * 16
                for start, size in struct.iter_unpack("<QQ", data):
                    if start + size > _SPACE or rva > limit or size > limit - rva:
                        self._check(start, size, rva, at)  # raises
                    yield start, size, rva, at
                    rva += size
                    at += 16
            else:
                for i, (start, size, item_rva) in enumerate(struct.iter_unpack("<QII", data)):
                    self._check(start, size, item_rva, self.at + (first + i) * 16)
                    yield start, size, item_rva, self.at + (first + i) * 16

    def _check(self, start: int, size: int, rva: int, at: int | None) -> None:
        if start + size > _SPACE:
            raise SourceError(f"{self._where(start, size, at)} wraps the 64-bit address space",
                              offset=at if at else rva)
        if rva > self.r.src.size or size > self.r.src.size - rva:
            raise SourceError(f"{self._where(start, size, at)}: its {size} bytes at RVA 0x{rva:X} run past the end "
                              f"of the {self.r.src.size}-byte file {self.r.src.path.name}", offset=at if at else rva)

    def _where(self, start: int, size: int, at: int | None) -> str:
        return f"{self.what} range 0x{start:X}+0x{size:X}" + (f" (descriptor at offset 0x{at:X})" if at else "")

    def __iter__(self) -> Iterator[tuple[int, int, int]]:
        if self.in_order:
            prev = -1
            for start, size, rva, _ in self._raw():
                if start < prev:
                    raise _OutOfOrder(self)
                prev = start
                yield start, size, rva
            return
        starts, sizes, rvas = array("Q"), array("Q"), array("Q")
        for start, size, rva, _ in self._raw():
            starts.append(start)
            sizes.append(size)
            rvas.append(rva)
        for i in sorted(range(len(starts)), key=starts.__getitem__):
            yield starts[i], sizes[i], rvas[i]


class _OutOfOrder(Exception):
    """Internal: a list assumed in address order is not; it is sorted and the pass restarted."""

    def __init__(self, ranges: _Ranges) -> None:
        super().__init__(ranges.what)
        self.ranges = ranges


@dataclass(slots=True)
class _MemStats:
    regions: int = 0
    captured: int = 0
    dropped: int = 0
    first_dropped: int | None = None
    small_pages: bool = False
    differing: int = 0
    unchecked: int = 0
    compared: int = 0


def _geometry(start: int, stop: int) -> tuple[int, int, int]:
    """(page log2, base, end) of the region holding [start, stop): 4 KiB pages unless the bounds need smaller."""
    log2 = page_log2_for(start, stop, _PAGE_LOG2) if (start | stop) & _PAGE_MASK else _PAGE_LOG2
    page = 1 << log2
    return log2, start - start % page, -(-stop // page) * page


class _Memory:
    """The stored ranges of a minidump as regions, produced again on every pass."""

    def __init__(self, r: _Reader, lists: list[_Ranges], infos: _Infos, sps: list[int], timestamp: int) -> None:
        self.r, self.lists, self.sps, self.timestamp = r, lists, sps, timestamp
        self.committed = infos.committed()
        ends = array("Q", (b + n for b, n in zip(self.committed.base, self.committed.size, strict=True)))
        if any(ends[i] > ends[i + 1] for i in range(len(ends) - 1)):
            ends = array("Q", sorted(ends))
        self.ends = ends

    def _pieces(self, stats: _MemStats) -> Iterator[Piece]:
        """Stored pieces in address order, overlaps stored once, contiguous stores coalesced."""
        window: deque[Piece] = deque()  # kept pieces that later ranges may still overlap
        top = -1
        cur: Piece | None = None
        merged = iter(self.lists[0]) if len(self.lists) == 1 else heapq.merge(*self.lists, key=lambda row: row[0])
        for start, size, rva in merged:
            if not size:
                continue
            end = start + size
            while window and window[0].end <= start:
                window.popleft()
            if start < top:
                overlap_end = min(end, top)
                if stats.compared + (overlap_end - start) <= COMPARE_LIMIT:
                    stats.compared += overlap_end - start
                    if not _same_bytes(self.r, window, start, overlap_end, rva):
                        stats.differing += 1
                else:
                    stats.unchecked += 1
                if end <= top:
                    continue
                rva += top - start
                start = top
            if cur is not None and cur.end == start and cur.offset + (cur.end - cur.start) == rva:
                grown = Piece(cur.start, end, cur.offset)
                if window and window[-1] is cur:
                    window[-1] = grown
                else:
                    window.append(grown)
                cur = grown
            else:
                if cur is not None:
                    yield cur
                cur = Piece(start, end, rva)
                window.append(cur)
            top = end
        if cur is not None:
            yield cur

    def _is_cut(self, addr: int) -> bool:
        c = self.committed
        if not len(c):
            return False
        i = bisect.bisect_left(c.base, addr)
        if i < len(c.base) and c.base[i] == addr:
            return True
        j = bisect.bisect_left(self.ends, addr)
        return j < len(self.ends) and self.ends[j] == addr

    def _cuts_in(self, start: int, end: int) -> list[int]:
        c = self.committed
        if not len(c):
            return []
        out = []
        for arr in (c.base, self.ends):
            i = bisect.bisect_right(arr, start)
            while i < len(arr) and arr[i] < end:
                out.append(arr[i])
                i += 1
        return sorted(set(out))

    def _runs(self, stats: _MemStats) -> Iterator[list[Piece]]:
        """Runs of contiguous pieces, split at the committed MemoryInfo boundaries."""
        run: list[Piece] = []
        if not len(self.committed):  # no boundaries: a run is contiguous pieces
            for p in self._pieces(stats):
                if run and run[-1].end == p.start:
                    run.append(p)
                else:
                    if run:
                        yield run
                    run = [p]
            if run:
                yield run
            return
        for p in self._pieces(stats):
            start = p.start
            parts = []
            for cut in self._cuts_in(p.start, p.end):
                parts.append(Piece(start, cut, p.offset + start - p.start))
                start = cut
            parts.append(Piece(start, p.end, p.offset + start - p.start))
            for q in parts:
                if run and run[-1].end == q.start and not self._is_cut(q.start):
                    run.append(q)
                else:
                    if run:
                        yield run
                    run = [q]
        if run:
            yield run

    def _region(self, pieces: list[Piece], base: int, end: int, log2: int) -> RegionPlan:
        c = self.committed
        j = c.at(pieces[0].start) if len(c.base) else None
        if j is not None:
            prot, rtype = _protection(c.protect[j]), _region_type(c.type[j])
        else:
            prot, rtype = 0, _UNKNOWN
        if self.sps:
            k = bisect.bisect_left(self.sps, base)
            if k < len(self.sps) and self.sps[k] < end and rtype in (RegionType.UNKNOWN, RegionType.ANONYMOUS):
                rtype = RegionType.STACK
        return RegionPlan(base=base, size=end - base, page_log2=log2, protection=prot, region_type=int(rtype),
                          pieces=pieces, timestamp=self.timestamp)

    def _spans(self, stats: _MemStats) -> Iterator[tuple[list[Piece], int, int, int]]:
        """(pieces, base, end, page log2) of every region in address order.

        A region is held back only while the next one may share its page (then they merge).
        """
        pending: tuple[list[Piece], int, int, int] | None = None
        for run in self._runs(stats):
            stop = run[-1].end
            log2, base, end = _geometry(run[0].start, stop)
            if pending is not None and base < pending[2]:  # shares the pending region's last page: merge
                pieces = pending[0]
                pieces.extend(run)
                log2, base, end = _geometry(pieces[0].start, stop)
                pending = (pieces, base, end, log2)
                continue
            if pending is not None:
                yield pending
            pending = (run, base, end, log2)
        if pending is not None:
            yield pending

    def walk(self, stats: _MemStats | None = None) -> Iterator[RegionPlan]:
        """The regions in address order (see :meth:`_spans`)."""
        region = self._region
        for pieces, base, end, log2 in self._spans(stats if stats is not None else _MemStats()):
            yield region(pieces, base, end, log2)

    def check(self) -> _MemStats:
        """One pass over every range: counts, losses and the overlap facts (every refusal happens here)."""
        while True:
            stats = _MemStats()
            try:
                for pieces, base, _end, log2 in self._spans(stats):
                    stats.regions += 1
                    if len(pieces) == 1:  # RegionPlan.captured_page_runs() of one piece
                        piece = pieces[0]
                        first = -(-(piece.start - base) >> log2)
                        last = (piece.end - base) >> log2
                        kept = (last - first) << log2 if last > first else 0
                    else:
                        kept = sum(count for _, count in RegionPlan(base=base, size=_end - base, page_log2=log2,
                                                                    pieces=pieces).captured_page_runs()) << log2
                    stats.captured += kept
                    dropped = sum(p.end - p.start for p in pieces) - kept  # RegionPlan.stored_bytes_dropped()
                    if dropped and stats.first_dropped is None:
                        stats.first_dropped = base
                    stats.dropped += dropped
                    stats.small_pages |= log2 < _PAGE_LOG2
            except _OutOfOrder as exc:  # at most once per list: it is sorted from now on
                exc.ranges.in_order = False
                continue
            return stats


def _same_bytes(r: _Reader, pieces: Iterable[Piece], start: int, end: int, rva: int) -> bool:
    """Whether the stored bytes [start, end) at ``rva`` equal what the kept pieces hold there."""
    for p in pieces:
        lo, hi = max(start, p.start), min(end, p.end)
        step = 1 << 20
        for at in range(lo, hi, step):
            n = min(step, hi - at)
            if (r.read(p.offset + at - p.start, n, "overlapping memory")
                    != r.read(rva + at - start, n, "overlapping memory")):
                return False
    return True


def plan_minidump(source: SourceFile, *, accept_loss: bool = False) -> ImportPlan:
    """Plan the import of a minidump.

    The memory descriptors are checked in one pass and read again when the regions are
    written, so memory does not grow with the number of ranges.

    Args:
        source: The open source.
        accept_loss: Import even when stored bytes lie in pages the minidump stores only in
            part (below the format's 1 KiB page granularity); without it such a file is
            refused.

    Returns:
        The plan.

    Raises:
        SourceError: The file is not a minidump or is corrupt.
    """
    r = _Reader(source)
    streams, stamp = _directory(r)
    plan = ImportPlan(source_format=SourceFormat.MINIDUMP, source_label="minidump",
                      timestamp=stamp * 1_000_000_000)
    plan.missing = ["module on-disk hashes", "memory outside the ranges the minidump stores",
                    "thread scheduler states"]
    plan.facts.append("header and region timestamps: MINIDUMP_HEADER TimeDateStamp (whole seconds)")
    arch_name, windows = _system_info(r, streams, plan)
    identity, known_identity = _identity(r, streams, plan)
    known_identity |= _modules(r, streams, plan, identity)
    if known_identity:
        plan.identity = identity
    names = _thread_names(r, streams)
    starts = _thread_starts(r, streams)
    stacks = _threads(r, streams, plan, arch_name, windows, names, starts)
    if not starts:
        plan.missing.append("thread start times")
    sps = sorted(int.from_bytes(x.value, "little") for t in plan.threads for x in t.registers if x.roles & SP)

    sps = sorted(int.from_bytes(x.value, "little") for t in plan.threads for x in t.registers if x.roles & SP)
    infos = _memory(r, streams, plan, source, sps, stacks, accept_loss)
    _vas(plan, infos)
    return plan


def _system_info(r: _Reader, streams: dict[int, _Stream], plan: ImportPlan) -> tuple[str, bool]:
    """OS and architecture from the SystemInfo stream: (CONTEXT decoder name, Windows)."""
    arch_name = ""
    windows = False
    if SYSTEM_INFO in streams:
        s = streams[SYSTEM_INFO]
        d = r.stream(s, "SystemInfo")
        if len(d) < 32:
            raise SourceError(f"SystemInfo stream of {len(d)} bytes is shorter than 32", offset=s.rva)
        cpu, _lvl, _rev, ncpu, _ptype, major, minor, build, platform, csd_rva = struct.unpack_from("<HHHBBIIIII", d)
        arch, arch_name = _ARCH.get(cpu, (ArchType.UNKNOWN, ""))
        plan.arch_type = arch
        plan.os_type = _OS.get(platform, OsType.UNKNOWN)
        windows = plan.os_type == OsType.WINDOWS
        csd = ""
        if csd_rva:
            csd, _ = r.string(csd_rva, "CSDVersion")
        plan.facts.append(f"SystemInfo: ProcessorArchitecture 0x{cpu:X}, {ncpu} processors, PlatformId "
                          f"0x{platform:X}, version {major}.{minor}.{build}" + (f" '{csd}'" if csd else ""))
        if arch == ArchType.UNKNOWN:
            plan.missing.append(f"architecture (ProcessorArchitecture 0x{cpu:X} is not known)")
        if plan.os_type == OsType.UNKNOWN:
            plan.missing.append(f"operating system (PlatformId 0x{platform:X} is not known)")
    else:
        plan.missing += ["operating system and architecture (no SystemInfo stream)"]

    return arch_name, windows


def _identity(r: _Reader, streams: dict[int, _Stream], plan: ImportPlan) -> tuple[IdentityPlan, bool]:
    """PID, start time, parent and command line (MiscInfo and the Breakpad streams)."""
    identity = IdentityPlan()
    known_identity = False
    if MISC_INFO in streams:
        s = streams[MISC_INFO]
        d = r.stream(s, "MiscInfo")
        if len(d) >= 24:
            _size, flags1, pid, create, _ut, _kt = struct.unpack_from("<IIIIII", d)
            if flags1 & 0x1:
                plan.pid = pid
            if flags1 & 0x2 and create:
                identity.start_time = create * 1_000_000_000
                known_identity = True
    if BREAKPAD_LINUX_PROC_STATUS in streams:
        text = r.stream(streams[BREAKPAD_LINUX_PROC_STATUS], "LinuxProcStatus").decode("utf-8", "replace")
        fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
        if fields.get("PPid", "").strip().isdigit():
            identity.ppid = int(fields["PPid"])
            known_identity = True
        if not plan.pid and fields.get("Pid", "").strip().isdigit():
            plan.pid = int(fields["Pid"])
        plan.facts.append("parent pid from the Breakpad LinuxProcStatus stream")
    if BREAKPAD_LINUX_CMD_LINE in streams:
        raw = r.stream(streams[BREAKPAD_LINUX_CMD_LINE], "LinuxCmdLine")
        identity.cmd_line = raw.rstrip(b"\0").replace(b"\0", b" ").decode("utf-8", "surrogateescape")
        known_identity = True
        plan.facts.append("command line from the Breakpad LinuxCmdLine stream, NUL separators as spaces")
    if not plan.pid:
        plan.missing.append("process id")
    if not identity.start_time:
        plan.missing.append("process start time")
    if not identity.ppid:
        plan.missing.append("parent process id")
    if identity.cmd_line is None:
        plan.missing.append("command line")

    return identity, known_identity


def _modules(r: _Reader, streams: dict[int, _Stream], plan: ImportPlan, identity: IdentityPlan) -> bool:
    """The ModuleList; True when it named the executable."""
    known_identity = False
    if MODULE_LIST in streams:
        s = streams[MODULE_LIST]
        d = r.stream(s, "ModuleList")
        count, first = _list(d, 108, "ModuleList", s)
        replaced = 0
        for i in range(count):
            o = first + 108 * i
            base, size, _ck, _ts, name_rva = struct.unpack_from("<QIIII", d, o)
            ffi = struct.unpack_from("<13I", d, o + 24)
            name, bad = r.string(name_rva, f"module {i} name")
            replaced += bad
            version = None
            if ffi[0] == VS_FFI_SIGNATURE:
                version = f"{ffi[2] >> 16}.{ffi[2] & 0xFFFF}.{ffi[3] >> 16}.{ffi[3] & 0xFFFF}"
            plan.modules.append(ModulePlan(base=base, size=size, path=name, version=version))
        plan.facts.append("module versions: VS_FIXEDFILEINFO file version (dwFileVersionMS/LS) where its signature "
                          "is 0xFEEF04BD; CodeView/misc records, module timestamps and checksums are not carried")
        if replaced:
            plan.facts.append(f"{replaced} module names held invalid UTF-16 (replaced by U+FFFD)")
        if plan.modules:
            identity.exe_path = plan.modules[0].path
            known_identity = True
            plan.facts.append("executable path: the first ModuleList entry (the process image by the convention "
                              "of dbghelp, Breakpad and Crashpad)")
        if not any(m.version for m in plan.modules):
            plan.missing.append("module versions")
    else:
        plan.missing.append("modules (no ModuleList stream)")
    if known_identity:
        plan.identity = identity

    return known_identity


def _thread_names(r: _Reader, streams: dict[int, _Stream]) -> dict[int, str]:
    names: dict[int, str] = {}
    if THREAD_NAMES in streams:
        s = streams[THREAD_NAMES]
        d = r.stream(s, "ThreadNames")
        count, first = _list(d, 12, "ThreadNames", s)
        for i in range(count):
            tid, rva = struct.unpack_from("<IQ", d, first + 12 * i)
            if rva:
                names[tid], _ = r.string(rva, f"thread {tid} name")
    return names


def _thread_starts(r: _Reader, streams: dict[int, _Stream]) -> dict[int, int]:
    starts: dict[int, int] = {}
    if THREAD_INFO_LIST in streams:
        s = streams[THREAD_INFO_LIST]
        d = r.stream(s, "ThreadInfoList")
        if len(d) >= 12:
            head, entry, count = struct.unpack_from("<III", d)
            if head >= 12 and entry >= 24 and head <= len(d) and count <= (len(d) - head) // entry:
                for i in range(count):
                    tid, _f, _e, _x, created = struct.unpack_from("<IIIIQ", d, head + entry * i)
                    if created > FILETIME_UNIX_EPOCH:
                        starts[tid] = (created - FILETIME_UNIX_EPOCH) * 100
            else:
                raise SourceError("ThreadInfoList header does not fit its stream", offset=s.rva)
    return starts


def _exception(r: _Reader, streams: dict[int, _Stream], plan: ImportPlan) -> tuple[int | None, tuple[int, int] | None]:
    """The crashing thread and its context (the Exception stream)."""
    crash_tid = None
    crash_ctx: tuple[int, int] | None = None
    if EXCEPTION in streams:
        s = streams[EXCEPTION]
        d = r.stream(s, "Exception")
        if len(d) < 168:
            raise SourceError(f"Exception stream of {len(d)} bytes is shorter than 168", offset=s.rva)
        crash_tid, _ = struct.unpack_from("<II", d, 0)
        code, _flags, _rec, address = struct.unpack_from("<IIQQ", d, 8)
        ctx_size, ctx_rva = struct.unpack_from("<II", d, 160)
        crash_ctx = (ctx_size, ctx_rva)
        plan.facts.append(f"exception: thread {crash_tid}, code 0x{code:08X} at 0x{address:X}; that thread's "
                          "registers are the exception record's context")
    return crash_tid, crash_ctx


def _threads(r: _Reader, streams: dict[int, _Stream], plan: ImportPlan, arch_name: str, windows: bool,
             names: dict[int, str], starts: dict[int, int]) -> list[tuple[int, int, int]]:
    """Thread Contexts from the ThreadList; returns the thread stacks (start, size, rva)."""
    crash_tid, crash_ctx = _exception(r, streams, plan)
    stacks: list[tuple[int, int, int]] = []
    if THREAD_LIST in streams:
        s = streams[THREAD_LIST]
        d = r.stream(s, "ThreadList")
        count, first = _list(d, 48, "ThreadList", s)
        no_groups = skipped = 0
        for i in range(count):
            tid, _susp, _pc, _prio, _teb, st_start, st_size, st_rva, ctx_size, ctx_rva = struct.unpack_from(
                "<IIIIQQIIII", d, first + 48 * i)
            if st_size:
                stacks.append((st_start, st_size, st_rva))
            if tid == crash_tid and crash_ctx is not None:
                ctx_size, ctx_rva = crash_ctx
            if not arch_name:
                skipped += 1
                continue
            ctx = r.read(ctx_rva, min(ctx_size, CONTEXT_READ), f"thread {tid} CONTEXT")
            try:
                regs, stored, groups = context_registers(ctx, arch_name, windows=windows)
            except ValueError as exc:
                plan.facts.append(f"thread {tid}: registers not imported ({exc})")
                continue
            if not stored & 0xFFFF:
                no_groups += 1
            if not has_pc_and_sp(regs):
                plan.facts.append(f"thread {tid}: ContextFlags 0x{stored:08X} hold no program counter and stack "
                                  "pointer; no Thread Context written")
                continue
            flags = 0
            core = CORE_GROUPS[arch_name]
            if groups & core != core:
                flags |= ThreadFlags.PARTIAL
            if tid == crash_tid:
                flags |= ThreadFlags.CRASHED | ThreadFlags.CURRENT
            plan.threads.append(ThreadPlan(thread_id=tid, flags=int(flags), registers=regs, name=names.get(tid),
                                           start_time=starts.get(tid, 0)))
        if no_groups:
            plan.facts.append(f"{no_groups} thread CONTEXTs have ContextFlags with the CPU bit but no register "
                              "group bit; every group of the record was imported as stored")
        if skipped:
            plan.missing.append(f"registers ({skipped} threads of an architecture without a CONTEXT decoder)")
        if not names:
            plan.missing.append("thread names")
    else:
        plan.missing.append("threads (no ThreadList stream)")
    return stacks


def _memory(r: _Reader, streams: dict[int, _Stream], plan: ImportPlan, source: SourceFile, sps: list[int],
            stacks: list[tuple[int, int, int]], accept_loss: bool) -> _Infos:
    """The memory regions (checked in one pass, walked again when written); returns the MemoryInfoList."""
    infos = _mem_infos(r, streams[MEMORY_INFO_LIST]) if MEMORY_INFO_LIST in streams else _Infos()
    lists: list[_Ranges] = []
    if MEMORY_LIST in streams:
        s = streams[MEMORY_LIST]
        count, first = _list(r.read(s.rva, min(8, s.size), "MemoryList count"), 16, "MemoryList", s, total=s.size)
        lists.append(_Ranges(r, "MemoryList", s.rva + first, count, 16, "32"))
    if MEMORY64_LIST in streams:
        s = streams[MEMORY64_LIST]
        if s.size < 16:
            raise SourceError("Memory64List stream is shorter than its 16-byte header", offset=s.rva)
        count, base_rva = struct.unpack("<QQ", r.read(s.rva, 16, "Memory64List header"))
        if count > (s.size - 16) // 16 or count > MAX_ENTRIES:
            raise SourceError(f"Memory64List declares {count} ranges but its stream holds {(s.size - 16) // 16} "
                              f"(limit {MAX_ENTRIES})", offset=s.rva)
        lists.append(_Ranges(r, "Memory64List", s.rva + 16, count, 16, "64", base_rva=base_rva))
    if stacks:
        lists.append(_Ranges(r, "thread stack", 0, len(stacks), 0, "stack", rows=stacks))
    memory = _Memory(r, lists, infos, sps, plan.timestamp)
    stats = memory.check()
    if stats.dropped and not accept_loss:
        raise SourceError(f"{stats.dropped} stored bytes of {source.path.name} lie in pages the minidump stores only "
                          f"in part (the first in the region at 0x{stats.first_dropped:X}; ranges not aligned to "
                          "the format's smallest page, 1 KiB) and cannot be carried; pass --accept-loss "
                          "(accept_loss=True) to import without them")
    plan.regions = Lazy(memory.walk, stats.regions)
    plan.captured_total = stats.captured
    if stats.differing:
        plan.facts.append(f"{stats.differing} memory ranges overlap another range with different bytes: the range "
                          "with the lower start address was kept (at equal starts: MemoryList, then Memory64List, "
                          "then thread stacks, each in listing order)")
    if stats.unchecked:
        plan.facts.append(f"{stats.unchecked} overlapping memory ranges were not compared (over {COMPARE_LIMIT} "
                          "bytes)")
    if stats.dropped:
        plan.facts.append(f"DROPPED: {stats.dropped} stored bytes lie in pages the minidump stores only in part "
                          "(ranges not aligned to 1 KiB): those pages are Failed and the bytes are not carried "
                          "(accepted with the accept-loss option)")
    if stats.small_pages:
        plan.facts.append("regions whose bounds are not 4 KiB aligned use 1 or 2 KiB pages to keep partial pages "
                          "small")
    return infos


def _vas(plan: ImportPlan, infos: _Infos) -> None:
    if len(infos):
        mods = sorted(plan.modules, key=lambda m: m.base)
        mod_bases = [m.base for m in mods]

        def vas() -> Iterator[VasPlan]:
            for i in range(len(infos)):
                base = infos.base[i]
                path = None
                if infos.type[i] == MEM_IMAGE:
                    k = bisect.bisect_right(mod_bases, base) - 1
                    if k >= 0 and base < mods[k].base + mods[k].size:
                        path = mods[k].path
                yield VasPlan(base=base, size=infos.size[i], protection=_protection(infos.protect[i]),
                              region_type=_region_type(infos.type[i]), path=path)

        plan.vas = Lazy(vas, len(infos))
        plan.facts.append("VAS Map: every MemoryInfoList range that is not MEM_FREE (reserved ranges included)")
    else:
        plan.missing.append("memory protection and region type (no MemoryInfoList stream)")


def is_minidump(head: bytes) -> bool:
    """True when ``head`` starts with the minidump signature."""
    return head[:4] == b"MDMP"


def _plan(source: SourceFile, options: PlanOptions) -> ImportPlan:
    return plan_minidump(source, accept_loss=options.accept_loss)


IMPORTER = Importer(name="minidump", plan=_plan, sniff=is_minidump, order=20)
"""Windows minidumps (``MDMP``), as Windows, Breakpad and Crashpad write them."""
