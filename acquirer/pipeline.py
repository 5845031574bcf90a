"""The read side of a capture: a reader thread turns the region plan into bounded chunks.

One :class:`ChunkReader` thread walks the plan in address order. For each mapping it
produces chunks of at most ``chunk_bytes`` of page data (so a 2 GiB mapping becomes 256
blocks of 8 MiB and memory stays bounded), each with one state digit per page:

* private anonymous memory is first looked up in ``/proc/PID/pagemap``: pages never
  touched are ``3`` (NotResident: known to read as zero, not read, not faulted in) and a
  chunk then spans up to :data:`MAX_SPAN_PAGES` pages so that a huge sparse mapping costs
  a few blocks; format 1.0 has no NotResident state, so there every page is read;
* mappings the process cannot read (no ``r``) are ``1`` (Failed) and not read;
* every other page is read: all runs of a chunk with one ``process_vm_readv`` call into a
  pooled buffer (no Python work per page). Only when the call comes back short is the
  chunk salvaged page by page: the maps are read again; a page whose mapping is gone is
  ``2`` (Unmapped), a page still mapped but unreadable is ``1`` (Failed). Nothing is ever
  zero-filled: PageData holds only bytes that were read.

Chunks go to the writer through a bounded queue; buffers come back through a pool, so at
most ``queue_depth + 2`` chunk buffers exist at any time.
"""

from __future__ import annotations

import errno
import queue
import re
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from memslice.acquirer.errors import AccessDeniedError
from memslice.acquirer.linux import libc
from memslice.acquirer.linux.maps import MapIndex, read_maps
from memslice.acquirer.linux.memory import ProcessMemory
from memslice.acquirer.plan import RegionPlan

MAX_SPAN_PAGES = 1 << 20
"""Most pages one block covers when little of it is read (4 GiB at 4 KiB; 256 KiB of map)."""

_RUN_READ = re.compile(r"0+")


@dataclass
class Chunk:
    """Part of a mapping, read and ready to be written as one Memory Region block.

    Attributes:
        plan: The mapping it belongs to.
        base: First address.
        states: One digit per page (``0`` captured, ``1`` failed, ``2`` unmapped,
            ``3`` not resident).
        data: The Captured pages, back to back.
        timestamp: When it was read (ns since the epoch).
        read_seconds: Time the reads took.
        buffer: The pooled buffer behind ``data`` (give it back with
            :meth:`ChunkReader.release`), or None.
        causes: Why pages are not Captured.
        last: It is the mapping's last chunk.
    """

    plan: RegionPlan
    base: int
    states: str
    data: memoryview
    timestamp: int
    read_seconds: float
    buffer: bytearray | None
    causes: list[str]
    last: bool


@dataclass
class _Done:
    error: BaseException | None = None


class ChunkReader(threading.Thread):
    """Reader thread: plan in, chunks out (through a bounded queue).

    Args:
        memory: The process memory reader.
        plans: Mappings to read, in address order.
        page_size: System page size.
        chunk_bytes: Largest page data of one chunk (a multiple of ``page_size``).
        queue_depth: Chunks that may wait for the writer.
        not_resident: Use the NotResident state (format 1.1) for untouched anonymous pages.
        frozen: The process is stopped, so its mappings cannot change under us. When it is
            not, pages judged without a read (NotResident from pagemap, which also reports
            unmapped addresses as not present, or Failed for want of ``r``) are checked
            against a fresh maps snapshot, and those no longer mapped become Unmapped.
        stop: Set to make the thread stop before its next chunk.
    """

    def __init__(self, memory: ProcessMemory, plans: Sequence[RegionPlan], *, page_size: int, chunk_bytes: int,
                 queue_depth: int, not_resident: bool, frozen: bool, stop: threading.Event) -> None:
        super().__init__(name="msl-capture-reader", daemon=True)
        self.memory = memory
        self.plans = plans
        self.page_size = page_size
        self.chunk_pages = max(1, chunk_bytes // page_size)
        self.not_resident = not_resident
        self.frozen = frozen
        self.stop = stop
        self.out: queue.Queue[Chunk | _Done] = queue.Queue(maxsize=queue_depth)
        self._pool: queue.Queue[bytearray] = queue.Queue()
        self._buffers = 0
        self._max_buffers = queue_depth + 2
        self.gone = False
        self.gone_note: str | None = None

    # -- the queue seen from the writer -------------------------------------------------
    def chunks(self) -> Iterator[Chunk]:
        """Chunks in plan order until the plan is done or the thread stops.

        Raises:
            AcquireError: The reader failed (e.g. access denied mid-capture).
        """
        while True:
            item = self.out.get()
            if isinstance(item, _Done):
                if item.error is not None:
                    raise item.error
                return
            yield item

    def release(self, chunk: Chunk) -> None:
        """Give a chunk's buffer back to the pool once it has been written."""
        if chunk.buffer is not None:
            self._pool.put(chunk.buffer)
            chunk.buffer = None

    def drain(self) -> None:
        """After a stop: discard queued chunks until the thread has finished."""
        self.stop.set()
        while self.is_alive() or not self.out.empty():
            try:
                item = self.out.get(timeout=0.05)
            except queue.Empty:
                continue
            if isinstance(item, Chunk):
                self.release(item)

    # -- the thread ---------------------------------------------------------------------
    def run(self) -> None:
        """Read every planned mapping."""
        error: BaseException | None = None
        try:
            for plan in self.plans:
                for chunk in self._plan_chunks(plan):
                    if not self._put(chunk):
                        return
                if self.stop.is_set():
                    return
        except BaseException as exc:  # noqa: BLE001 - handed to the writer thread, which raises it
            error = exc
        finally:
            self._put(_Done(error), force=True)

    def _put(self, item: Chunk | _Done, force: bool = False) -> bool:
        while True:
            if self.stop.is_set() and not force:
                if isinstance(item, Chunk):
                    self.release(item)
                return False
            try:
                self.out.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue

    def _buffer(self) -> bytearray:
        try:
            return self._pool.get_nowait()
        except queue.Empty:
            if self._buffers < self._max_buffers:
                self._buffers += 1
                return bytearray(self.chunk_pages * self.page_size)
        while True:
            try:
                return self._pool.get(timeout=0.05)
            except queue.Empty:
                if self.stop.is_set():
                    return bytearray(self.chunk_pages * self.page_size)

    def _plan_chunks(self, plan: RegionPlan) -> Iterator[Chunk]:
        ps = self.page_size
        total = plan.size // ps
        pos = 0
        pending: tuple[int, str] | None = None
        while pos < total and not self.stop.is_set():
            base = plan.start + pos * ps
            causes: list[str] = []
            if self.gone:
                states = "2" * min(MAX_SPAN_PAGES, total - pos)
            elif plan.zero_when_untouched and self.not_resident:
                states, pending = self._residency_span(plan, pos, total, pending)
                if states is None:
                    states = "2" * min(MAX_SPAN_PAGES, total - pos)
                elif not plan.readable:
                    states = states.replace("0", "1")
                    causes.append("mapping is not readable (no 'r' permission); resident pages not read")
            elif not plan.readable:
                states = "1" * min(MAX_SPAN_PAGES, total - pos)
                if self._alive(base):
                    causes.append("mapping is not readable (no 'r' permission); not read")
                else:
                    states = "2" * len(states)
            else:
                states = "0" * min(self.chunk_pages, total - pos)
            if not self.frozen and not self.gone and ("3" in states or "1" in states):
                states = self._confirm_mapped(base, states, causes)
            started = time.perf_counter()
            stamp = time.time_ns()
            buf: bytearray | None = None
            nbytes = 0
            if "0" in states:
                buf = self._buffer()
                states, nbytes = self._read(base, states, buf, causes)
            if self.gone and self.gone_note and not causes:
                causes.append(self.gone_note)
            pos += len(states)
            yield Chunk(plan=plan, base=base, states=states,
                        data=memoryview(buf)[:nbytes] if buf is not None else memoryview(b""), timestamp=stamp,
                        read_seconds=time.perf_counter() - started, buffer=buf, causes=causes, last=pos >= total)

    def _residency_span(self, plan: RegionPlan, pos: int, total: int,
                        pending: tuple[int, str] | None) -> tuple[str | None, tuple[int, str] | None]:
        """States of the next chunk of a private anonymous mapping, from pagemap.

        Windows of ``chunk_pages`` pages are added while the pages to read fit in one
        chunk buffer and the span stays below :data:`MAX_SPAN_PAGES`. A window read but not
        used is returned as ``pending`` for the next call.
        """
        ps = self.page_size
        parts: list[str] = []
        resident = 0
        span = 0
        while pos + span < total and span < MAX_SPAN_PAGES:
            at = pos + span
            width = min(self.chunk_pages, total - at, MAX_SPAN_PAGES - span)
            if pending is not None and pending[0] == at and len(pending[1]) == width:
                window = pending[1]
            else:
                try:
                    got = self.memory.residency(plan.start + at * ps, width, ps)
                except ProcessLookupError:
                    self._mark_gone("the process exited during the capture")
                    return (None if not parts else "".join(parts)), None
                window = got if got is not None else "0" * width
            pending = None
            count = window.count("0")
            if parts and resident + count > self.chunk_pages:
                return "".join(parts), (at, window)
            parts.append(window)
            resident += count
            span += width
        return "".join(parts), None

    def _alive(self, address: int) -> bool:
        """Cheap probe (one pagemap entry) that the process still has its memory."""
        try:
            self.memory.residency(address, 1, self.page_size)
        except ProcessLookupError:
            self._mark_gone("the process exited during the capture")
            return False
        return True

    def _confirm_mapped(self, base: int, states: str, causes: list[str]) -> str:
        """Turn the unread pages (``1``, ``3``) that lie outside every current mapping into ``2``."""
        ps = self.page_size
        maps = self._current_maps()
        if maps is None:
            return states
        out = bytearray(states.encode("ascii"))
        end = base + len(states) * ps
        cursor = base
        moved = 0
        while cursor < end:
            mapping = maps.find(cursor)
            if mapping is not None:
                cursor = mapping.end
                continue
            nxt = maps.next_start(cursor)
            gap_end = end if nxt is None else min(end, nxt)
            lo, hi = (cursor - base) // ps, (gap_end - base) // ps
            gap = out[lo:hi]
            fixed = gap.replace(b"3", b"2").replace(b"1", b"2")
            moved += sum(1 for a, b in zip(gap, fixed, strict=True) if a != b) if gap != fixed else 0
            out[lo:hi] = fixed
            cursor = gap_end
        if moved:
            causes.append(f"{moved} page(s) unmapped while being captured")
        return out.decode("ascii")

    def _mark_gone(self, note: str) -> None:
        self.gone = True
        self.gone_note = note

    def _read(self, base: int, states: str, buf: bytearray, causes: list[str]) -> tuple[str, int]:
        """Read the ``0`` pages of a chunk into ``buf``; return the final states and bytes read."""
        ps = self.page_size
        runs = [(m.start(), m.end()) for m in _RUN_READ.finditer(states)]
        ranges = [(base + s * ps, (e - s) * ps) for s, e in runs]
        want = sum(length for _, length in ranges)
        addr = libc.buffer_address(buf)
        got = self._read_ranges(ranges, buf, addr, 0)
        if got == want:
            return states, want
        return self._salvage(base, states, runs, buf, addr, got, causes)

    def _read_ranges(self, ranges: Sequence[tuple[int, int]], buf: bytearray, addr: int, offset: int) -> int:
        if self.gone:
            return 0
        try:
            return self.memory.read_ranges(ranges, buf, addr, offset)
        except OSError as exc:
            if exc.errno in (errno.ESRCH, errno.ENOENT):
                self._mark_gone("the process exited during the capture")
                return 0
            if exc.errno in (errno.EPERM, errno.EACCES):
                raise AccessDeniedError(f"reading memory of PID {self.memory.pid}: {exc.strerror}",
                                        pid=self.memory.pid) from None
            return 0  # EIO, ENOMEM...: the page is judged one by one below

    def _current_maps(self) -> MapIndex | None:
        try:
            mappings = read_maps(self.memory.pid)
        except (FileNotFoundError, ProcessLookupError):
            mappings = []
        except OSError:
            return None
        if not mappings:
            self._mark_gone("the process exited during the capture")
        return MapIndex(mappings)

    def _salvage(self, base: int, states: str, runs: list[tuple[int, int]], buf: bytearray, addr: int, got: int,
                 causes: list[str]) -> tuple[str, int]:
        """A read came back short: give every page of the chunk its honest state."""
        ps = self.page_size
        out = bytearray(states.encode("ascii"))
        known = got // ps
        cursor = 0
        maps: MapIndex | None = None
        counts = {"1": 0, "2": 0}
        for first, end in runs:
            page = first
            while page < end:
                if known:
                    take = min(known, end - page)
                    known -= take
                    page += take
                    cursor += take * ps
                    continue
                if self.gone:
                    out[page:end] = b"2" * (end - page)
                    counts["2"] += end - page
                    break
                n = self._read_ranges([(base + page * ps, (end - page) * ps)], buf, addr, cursor) // ps
                page += n
                cursor += n * ps
                if page >= end or self.gone:
                    continue
                if maps is None:
                    maps = self._current_maps()
                addr_page = base + page * ps
                mapping = maps.find(addr_page) if maps is not None else None
                if maps is None:  # maps unreadable: we cannot tell vanished from unreadable
                    stop, digit = page + 1, b"1"
                elif mapping is None:
                    nxt = maps.next_start(addr_page)
                    stop = end if nxt is None else min(end, max(page + 1, (nxt - base) // ps))
                    digit = b"2"
                elif not mapping.readable:
                    stop, digit = min(end, max(page + 1, (mapping.end - base) // ps)), b"1"
                elif self._read_ranges([(addr_page, ps)], buf, addr, cursor) == ps:
                    page += 1  # readable on a second try (e.g. the mapping was replaced meanwhile)
                    cursor += ps
                    continue
                else:
                    stop, digit = page + 1, b"1"
                out[page:stop] = digit * (stop - page)
                counts[digit.decode()] += stop - page
                page = stop
        if counts["1"]:
            causes.append(f"{counts['1']} page(s) mapped but unreadable (the read failed)")
        if counts["2"]:
            causes.append(f"{counts['2']} page(s) unmapped while being captured"
                          + (f" ({self.gone_note})" if self.gone and self.gone_note else ""))
        return out.decode("ascii"), cursor
