"""One plan type for every way into a Memory Slice file: live capture, import, any backend.

A :class:`CapturePlan` is what will be written, in format terms: header fields, the
Process Identity, modules, threads with registers, memory regions and VAS Map entries.
:mod:`memslice.acquirer.core.write` writes it. A :class:`RegionPlan` is one range of the
address space; where its bytes come from is the memory writer's business: a live mapping
(``mapping``, read by the engine's pipeline) or byte ranges of a dump file (``pieces``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from memslice.acquirer.source import Mapping, Register
from memslice.generated.enums import ArchType, OsType
from memslice.generated.framing import PAGE_SIZE_LOG2_MAX, PAGE_SIZE_LOG2_MIN

T = TypeVar("T")

MIN_PAGE_LOG2 = PAGE_SIZE_LOG2_MIN
"""Smallest page size the format allows (PageSizeLog2 range [10, 40], rule P14)."""
MAX_PAGE_LOG2 = PAGE_SIZE_LOG2_MAX
"""Largest page size the format allows."""

RegisterValue = Register
"""One register of a thread (name, raw little-endian value, ``RegisterRole`` bits)."""


@dataclass(frozen=True)
class Piece:
    """Bytes of the address space that the source stores.

    Attributes:
        start: First virtual address.
        end: Address just past the last byte.
        offset: Source file offset of the byte at ``start``.
    """

    start: int
    end: int
    offset: int


@dataclass
class RegionStats:
    """What happened to one planned region while it was captured (live capture fills it).

    Attributes:
        blocks: Memory Region blocks written for it.
        pages: Page count by state digit (``0`` captured, ``1`` failed, ``2`` unmapped,
            ``3`` not resident).
        bytes_captured: Bytes of Captured pages.
        read_seconds: Time spent reading it.
        first_read_ns: Wall time of its first read (ns since the epoch), 0 if none.
        causes: Why pages are not Captured (one line per event).
    """

    blocks: int = 0
    pages: dict[str, int] = field(default_factory=lambda: {"0": 0, "1": 0, "2": 0, "3": 0})
    bytes_captured: int = 0
    read_seconds: float = 0.0
    first_read_ns: int = 0
    causes: list[str] = field(default_factory=list)


@dataclass
class RegionPlan:
    """One range of the address space to write as Memory Region block(s).

    From a dump (import): pages wholly covered by ``pieces`` become Captured; every other
    page of the range is Failed (mapped in the source, content not stored there). From a
    live process: ``mapping`` is the mapping to read and ``stats`` records what happened.
    Never zero-filled.

    Attributes:
        base: First address (a multiple of the page size).
        size: Bytes (a multiple of the page size).
        page_log2: Page size exponent (0: the memory writer's own page size).
        protection: Protection bits (``Protection``).
        region_type: RegionType.
        pieces: Stored byte ranges inside the region, sorted, not overlapping (import).
        timestamp: Region read time in ns (0 = unknown).
        mapping: The live mapping behind it, or None.
        stats: Filled while capturing.
    """

    base: int
    size: int
    page_log2: int = 0
    protection: int = 0
    region_type: Any = 0
    pieces: list[Piece] = field(default_factory=list)
    timestamp: int = 0
    mapping: Mapping | None = None
    stats: RegionStats = field(default_factory=RegionStats)

    @classmethod
    def for_mapping(cls, mapping: Mapping, protection: int, region_type: Any) -> RegionPlan:
        """The plan of one live mapping."""
        return cls(base=mapping.start, size=mapping.size, protection=protection, region_type=region_type,
                   mapping=mapping)

    @property
    def start(self) -> int:
        """First address."""
        return self.base

    @property
    def end(self) -> int:
        """Address just past the region."""
        return self.base + self.size

    @property
    def readable(self) -> bool:
        """The process itself may read it (``r`` permission); True without a mapping."""
        return self.mapping is None or self.mapping.readable

    @property
    def zero_when_untouched(self) -> bool:
        """Private anonymous memory: a page never touched is known to read as zero."""
        return self.mapping is not None and self.mapping.is_private_anonymous

    def captured_page_runs(self) -> list[tuple[int, int]]:
        """(first page, page count) of every run of wholly stored pages, in order."""
        page = 1 << self.page_log2
        runs: list[tuple[int, int]] = []
        for start, end in merged_cover(self.pieces):
            first = -(-(start - self.base) // page)
            last = (end - self.base) // page
            if last > first:
                if runs and runs[-1][0] + runs[-1][1] == first:
                    runs[-1] = (runs[-1][0], runs[-1][1] + last - first)
                else:
                    runs.append((first, last - first))
        return runs

    def stored_bytes_dropped(self) -> int:
        """Bytes the source stores inside pages that are not wholly stored (lost to page granularity)."""
        page = 1 << self.page_log2
        kept = sum(count for _, count in self.captured_page_runs()) * page
        return sum(p.end - p.start for p in self.pieces) - kept


def merged_cover(pieces: list[Piece]) -> list[tuple[int, int]]:
    """The address ranges covered by sorted, non-overlapping pieces, adjacent ones merged."""
    cover: list[tuple[int, int]] = []
    for p in pieces:
        if cover and cover[-1][1] == p.start:
            cover[-1] = (cover[-1][0], p.end)
        else:
            cover.append((p.start, p.end))
    return cover


def page_log2_for(start: int, end: int, preferred: int) -> int:
    """The largest page exponent <= ``preferred`` (>= 10) at which both bounds are aligned.

    When even 1 KiB pages do not align, 10 is returned and the caller rounds the range
    outward (the partial edge pages then hold Failed state).
    """
    log2 = preferred
    while log2 > MIN_PAGE_LOG2 and (start | end) & ((1 << log2) - 1):
        log2 -= 1
    return log2


class Lazy(Generic[T]):
    """A sequence produced on demand, as often as it is iterated (re-reads the source).

    Importers use it for per-segment items (regions, VAS entries) so that memory does not
    grow with the number of segments: nothing is kept between iterations.

    Args:
        factory: Returns a fresh iterator over the items.
        count: How many items an iteration yields (known from the planning pass).
    """

    def __init__(self, factory: Callable[[], Iterator[T]], count: int) -> None:
        self._factory = factory
        self.count = count

    def __iter__(self) -> Iterator[T]:
        return self._factory()

    def __len__(self) -> int:
        return self.count

    def __bool__(self) -> bool:
        return self.count > 0


@dataclass
class EncodedVas:
    """VAS Map entries already encoded (little-endian), gathered during a planning pass.

    Attributes:
        count: Number of entries.
        body: The encoded entries, back to back.
    """

    count: int = 0
    body: bytearray = field(default_factory=bytearray)

    def __len__(self) -> int:
        return self.count

    def __bool__(self) -> bool:
        return self.count > 0


class FactList(list[str]):
    """The facts of a plan, at most ``limit`` of them kept; the rest are counted.

    A source with a million odd segments must not make a million strings: past the limit
    :meth:`append` only counts, and the note says how many were left out.
    """

    limit = 200

    def __init__(self, items: Iterable[str] = ()) -> None:
        super().__init__(items)
        self.dropped = 0

    def append(self, fact: str) -> None:
        """Keep ``fact`` if there is room, else count it."""
        if len(self) < self.limit:
            super().append(fact)
        else:
            self.dropped += 1


@dataclass
class ThreadPlan:
    """One Thread Context block.

    Attributes:
        thread_id: OS thread id.
        flags: ``ThreadFlags`` bits.
        registers: The registers, in source order.
        state: ThreadState (0 = unknown).
        name: Thread name, or None.
        start_time: Thread creation time, ns since the epoch (0 = unknown).
    """

    thread_id: int
    flags: int
    registers: list[Register]
    state: int = 0
    name: str | None = None
    start_time: int = 0


@dataclass
class ModulePlan:
    """One Module Entry (and its Module List Index row).

    Attributes:
        base: Load address.
        size: Mapping size.
        path: Path or name as the source records it.
        version: Version string, or None when the source has none.
        disk_hash: Hash of the module's file, or None (the block's zero hash).
        native_blob: OS-native loader data (Linux: the maps lines).
        source: The backend's own module object (live capture hashes it late), or None.
    """

    base: int
    size: int
    path: str
    version: str | None = None
    disk_hash: bytes | None = None
    native_blob: bytes = b""
    source: Any = None


@dataclass
class IdentityPlan:
    """The Process Identity block.

    Attributes:
        ppid: Parent pid (0 = unknown).
        session_id: Session id (0 = unknown).
        start_time: Process start, ns since the epoch (0 = unknown).
        exe_path: Executable path ("" = unknown).
        cmd_line: Command line, or None when unavailable.
    """

    ppid: int = 0
    session_id: int = 0
    start_time: int = 0
    exe_path: str = ""
    cmd_line: str | None = None


@dataclass
class VasPlan:
    """One VAS Map entry: a mapping as the source describes it, captured or not.

    Attributes:
        base: Start address.
        size: Size in bytes.
        protection: Protection bits.
        region_type: RegionType.
        path: Mapping name from the source's metadata, or None.
    """

    base: int
    size: int
    protection: int
    region_type: int
    path: str | None = None


@dataclass
class CapturePlan:
    """Everything one capture writes, in format terms (the block writer's input).

    Attributes:
        os_type: Header OSType.
        arch_type: Header ArchType.
        pid: Header PID (0 = unknown).
        timestamp: When the memory was taken, ns since the epoch (0 = not recorded).
        identity: Process Identity, or None when there is nothing for it.
        modules: Module entries.
        threads: Thread contexts.
        regions: Memory regions.
        vas: VAS Map entries (empty: no VAS Map block).
    """

    os_type: int = OsType.UNKNOWN
    arch_type: int = ArchType.UNKNOWN
    pid: int = 0
    timestamp: int = 0
    identity: IdentityPlan | None = None
    modules: list[ModulePlan] = field(default_factory=list)
    threads: list[ThreadPlan] = field(default_factory=list)
    regions: list[RegionPlan] | Lazy[RegionPlan] = field(default_factory=list)
    vas: list[VasPlan] | Lazy[VasPlan] | EncodedVas = field(default_factory=list)
