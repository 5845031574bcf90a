"""Copy first, resume, then write: the target is frozen only while its pages are copied.

With ``--freeze`` the capture reads every planned page into a scratch mapping
(:class:`~memslice.acquirer.linux.scratch.ScratchFile`) while the target is stopped, resumes
the target, and only then writes the Memory Region blocks from that copy: hashing,
compression and the disk write no longer stretch the freeze, whatever the codec.

The pages get exactly the states the streaming reader gives them (this module reuses
:class:`~memslice.acquirer.pipeline.ChunkReader`'s chunking, ``pagemap`` look-ups and
page-by-page salvage of a short read): NotResident from ``pagemap``, Failed when a read
fails, Unmapped when the mapping is gone. Only the destination differs: each chunk's pages
land in the next window of the scratch mapping instead of a pooled buffer, and the chunk
keeps the window's offset instead of the bytes.

With ``-c none`` the destination is the capture file itself (:class:`InPlaceCopier`): each
chunk's pages are read to the offset their PageData will have, so after the resume only the
block heads are written and the bytes hashed where they lie.

Before the freeze :func:`estimate` sizes the copy from ``/proc/PID/smaps`` (resident and
swapped pages of private anonymous memory, whole file-backed and shared mappings), so the
scratch pages can be reserved and faulted in while the target still runs.
"""

from __future__ import annotations

import mmap
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from memslice.acquirer.linux import classify, procfs
from memslice.acquirer.linux.maps import read_maps
from memslice.acquirer.linux.memory import ProcessMemory
from memslice.acquirer.linux.scratch import ScratchFile
from memslice.acquirer.options import CaptureOptions
from memslice.acquirer.pipeline import ChunkReader

if TYPE_CHECKING:
    from memslice.acquirer.plan import RegionPlan

_PAGEMAP_BUDGET = 16 << 20
"""Most bytes of ``/proc/PID/pagemap`` :func:`estimate` reads (8 a page: 8 GiB of mappings)."""


@dataclass
class CopiedChunk:
    """One chunk copied while frozen, to be written as one Memory Region block later.

    Attributes:
        plan: The mapping it belongs to.
        base: First address.
        states: One digit per page (``0`` captured, ``1`` failed, ``2`` unmapped, ``3`` not resident).
        offset: Where its Captured pages start in the scratch file.
        nbytes: Bytes of Captured pages.
        timestamp: When it was read (ns since the epoch).
        read_seconds: Time the reads took.
        causes: Why pages are not Captured.
        last: It is the mapping's last chunk.
        block_offset: In-place copy: where the chunk's block starts in the capture file
            (``offset`` is then where its PageData lies in that file); -1 otherwise.
    """

    plan: RegionPlan
    base: int
    states: str
    offset: int
    nbytes: int
    timestamp: int
    read_seconds: float
    causes: list[str] = field(default_factory=list)
    last: bool = False
    block_offset: int = -1


class SnapshotCopier(ChunkReader):
    """Copy every planned page into a scratch file, in the caller's thread.

    Args:
        memory: The process memory reader.
        plans: Mappings to read, in address order.
        scratch: Where the pages go.
        page_size: System page size.
        chunk_bytes: Largest page data of one chunk (at most the scratch window).
        not_resident: Use the NotResident state (format 1.1).
        frozen: Every thread of the target is stopped.
    """

    def __init__(self, memory: ProcessMemory, plans: Sequence[RegionPlan], scratch: ScratchFile, *, page_size: int,
                 chunk_bytes: int, not_resident: bool, frozen: bool) -> None:
        super().__init__(memory, plans, page_size=page_size, chunk_bytes=min(chunk_bytes, scratch.window_bytes),
                         queue_depth=1, not_resident=not_resident, frozen=frozen, stop=threading.Event())
        self.scratch = scratch
        self._offset = 0

    def _buffer(self) -> memoryview:  # type: ignore[override] - a window of the scratch mapping
        window, self._offset = self.scratch.window()
        return window

    def copy(self, should_stop: Callable[[], bool]) -> list[CopiedChunk]:
        """Copy the whole plan (or until ``should_stop()``); return the chunks in order."""
        return list(self._copy(should_stop))

    def _copy(self, should_stop: Callable[[], bool]) -> Iterator[CopiedChunk]:
        for plan in self.plans:
            for chunk in self._plan_chunks(plan):
                nbytes = len(chunk.data)
                offset = -1
                chunk.data.release()
                if chunk.buffer is not None:
                    offset = self._offset
                    self.scratch.commit(nbytes)
                    if isinstance(chunk.buffer, memoryview):
                        chunk.buffer.release()
                yield CopiedChunk(plan=plan, base=chunk.base, states=chunk.states, offset=offset, nbytes=nbytes,
                                  timestamp=chunk.timestamp, read_seconds=chunk.read_seconds, causes=chunk.causes,
                                  last=chunk.last)
            if should_stop():
                return


class InPlaceCopier(SnapshotCopier):
    """Copy every planned page straight to its final place in the capture file (``-c none``).

    The file is mapped (``scratch`` wraps its descriptor); the Memory Region blocks follow each
    other from ``start``, and a block's PageData starts ``head_size(pages)`` bytes after the
    block (header, fixed fields, padded map: known before the read). Each chunk's Captured pages
    are read to that offset; after a short read the salvage packs the pages that were read, so
    the block simply ends earlier and the next one starts there.

    Args:
        memory: The process memory reader.
        plans: Mappings to read, in address order.
        scratch: The mapped capture file.
        start: Offset of the first Memory Region block.
        head_size: Bytes before PageData in a block of that many pages.
        page_size: System page size.
        chunk_bytes: Largest page data of one chunk.
        not_resident: Use the NotResident state (format 1.1).
        frozen: Every thread of the target is stopped.
    """

    def __init__(self, memory: ProcessMemory, plans: Sequence[RegionPlan], scratch: ScratchFile, *, start: int,
                 head_size: Callable[[int], int], page_size: int, chunk_bytes: int, not_resident: bool,
                 frozen: bool) -> None:
        super().__init__(memory, plans, scratch, page_size=page_size, chunk_bytes=chunk_bytes,
                         not_resident=not_resident, frozen=frozen)
        self.pos = start
        self.head_size = head_size
        self._placed = (-1, 0)

    def _buffer(self) -> bytearray:  # type: ignore[override] - the destination is chosen in _read
        return bytearray(0)

    def _read(self, base: int, states: str, buf: bytearray, causes: list[str]) -> tuple[str, int]:
        data_at = self.pos + self.head_size(len(states))
        window = self.scratch.window_at(data_at, states.count("0") * self.page_size)
        try:
            states, nbytes = super()._read(base, states, window, causes)  # type: ignore[arg-type]
        finally:
            window.release()
        self._placed = (data_at, nbytes)
        return states, nbytes

    def _copy(self, should_stop: Callable[[], bool]) -> Iterator[CopiedChunk]:
        for plan in self.plans:
            for chunk in self._plan_chunks(plan):
                block_at = self.pos
                offset, nbytes = self._placed if chunk.buffer is not None else (-1, 0)
                self._placed = (-1, 0)
                self.pos += self.head_size(len(chunk.states)) + nbytes
                yield CopiedChunk(plan=plan, base=chunk.base, states=chunk.states, offset=offset, nbytes=nbytes,
                                  timestamp=chunk.timestamp, read_seconds=chunk.read_seconds, causes=chunk.causes,
                                  last=chunk.last, block_offset=block_at)
            if should_stop():
                return


def estimate(pid: int, options: CaptureOptions, *, not_resident: bool) -> int:
    """Bytes the copy is expected to need, from the maps before the freeze.

    Private anonymous mappings count their resident and swapped pages (with format 1.1,
    where untouched pages are NotResident and not read), or the pages ``pagemap`` shows
    present when that is more (a page only read maps the shared zero page, which ``Rss``
    leaves out but the copy reads; up to :data:`_PAGEMAP_BUDGET` bytes of ``pagemap`` are
    read), every other readable mapping its size; ``--filter-prot`` and ``--filter-addr`` are
    applied (``--scope`` needs the freeze's registers, so the estimate may be high then). Too
    low is safe (more is reserved during the copy), too high costs only page cache until the
    capture ends.

    Args:
        pid: The target.
        options: Capture options (filters).
        not_resident: Format 1.1 (untouched anonymous pages are not read).

    Returns:
        The estimate in bytes (0 when the maps cannot be read).
    """
    try:
        mappings = read_maps(pid)
    except OSError:
        return 0
    rss = _anonymous_rss(pid) if not_resident else {}
    memory = ProcessMemory(pid)
    pagemap_left = _PAGEMAP_BUDGET // 8
    total = 0
    try:
        for m in mappings:
            if not m.readable:
                continue
            if options.filter_addr and not any(m.start < hi and m.end > lo for lo, hi in options.filter_addr):
                continue
            if options.filter_prot:
                prot = classify.protection(m, guard=False)
                if (prot & options.filter_prot) != options.filter_prot:
                    continue
            if not (m.is_private_anonymous and m.start in rss):
                total += m.size
                continue
            counted = min(m.size, rss[m.start])
            pages = m.size // mmap.PAGESIZE
            if counted < m.size and pages <= pagemap_left:  # Rss leaves out pages mapped to the zero page
                pagemap_left -= pages
                counted = max(counted, _present_bytes(memory, m.start, pages))
            total += counted
    finally:
        memory.close()
    return total


def _present_bytes(memory: ProcessMemory, start: int, pages: int) -> int:
    """Bytes of the pages ``pagemap`` shows present or swapped (what the copy will read)."""
    present = 0
    step = 1 << 16
    for first in range(0, pages, step):
        try:
            states = memory.residency(start + first * mmap.PAGESIZE, min(step, pages - first), mmap.PAGESIZE)
        except ProcessLookupError:
            return 0
        if states is None:
            return 0
        present += states.count("0")
    return present * mmap.PAGESIZE


def _anonymous_rss(pid: int) -> dict[int, int]:
    """Resident plus swapped bytes of each mapping, by start address (``/proc/PID/smaps``)."""
    text = procfs.read_text(f"/proc/{pid}/smaps") or ""
    out: dict[int, int] = {}
    start = None
    for line in text.splitlines():
        head = line.split(None, 1)[0] if line else ""
        if "-" in head and not head.endswith(":"):
            try:
                start = int(head.split("-", 1)[0], 16)
            except ValueError:
                start = None
            continue
        if start is not None and head in ("Rss:", "Swap:"):
            parts = line.split()
            if len(parts) >= 2 and parts[1].isdigit():
                out[start] = out.get(start, 0) + int(parts[1]) * 1024
    return out
