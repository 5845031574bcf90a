"""A scratch file mapped into memory, where a frozen target's pages are copied first.

The copy-first capture (:mod:`memslice.acquirer.copy_first`) copies every page it reads
straight into a shared mapping of an unlinked file in the output's directory
(:func:`memslice.atomic_output.open_scratch`), resumes the target, and only then hashes,
compresses and writes the capture from that copy. The pages live in the page cache, not in
our anonymous memory, so memory stays bounded whatever the target's size.

Before the freeze the expected size is reserved on disk (``posix_fallocate``: a full disk is
found here, as an error, never as a SIGBUS inside the freeze), filled with zeros by small
``pwrite`` calls and faulted in writable (``MADV_POPULATE_WRITE``, up to a quarter of the
available memory), so the copy in the freeze is a bare ``process_vm_readv`` into mapped
pages. When the target needs more than the estimate, further segments are reserved and
mapped during the copy. Written parts are dropped (``MADV_REMOVE``: page cache and disk
blocks freed, nothing written back) a GiB at a time, the rest when the file is closed, in
the background while the capture ends; the capture file itself (copy in place) only leaves
our mapping, so its write-back does not stop our other threads page by page.
"""

from __future__ import annotations

import contextlib
import mmap
import os
import threading

from memslice.acquirer.linux import libc

from memslice.atomic_output import WRITE_PIECE, open_scratch

_MADV_POPULATE_READ = 22
_MADV_POPULATE_WRITE = 23
_MADV_REMOVE = getattr(mmap, "MADV_REMOVE", 9)
_MADV_DONTNEED = getattr(mmap, "MADV_DONTNEED", 4)
_PREFAULT_THREADS = max(1, min(2, os.cpu_count() or 1))
_PREFAULT_STEP_MIN = 16 << 20  # parts smaller than this are not worth a thread
_ZERO_PIECE = WRITE_PIECE
"""Bytes of one zero-filling ``pwrite`` (the page cache sizes a written folio by the write; see :func:`_populate`)."""
_GROW_MIN = 64 << 20
DROP_BATCH = 1 << 30
"""Used scratch bytes freed at once (see :meth:`ScratchFile.drop`)."""


class ScratchError(OSError):
    """The scratch file cannot be reserved or mapped (e.g. the disk is full)."""


class _Segment:
    """One mapped part of the scratch file."""

    def __init__(self, fd: int, offset: int, size: int, prefault: int, zero_fill: int = 0) -> None:
        try:
            os.posix_fallocate(fd, offset, size)
        except OSError as exc:
            raise ScratchError(exc.errno, f"cannot reserve {size} bytes for the copy: {exc.strerror}") from None
        self.offset = offset
        self.size = size
        self.map = mmap.mmap(fd, size, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE, offset=offset)
        if prefault > 0:
            _populate(fd, offset, self.map, min(size, _round_up(prefault, mmap.PAGESIZE)),
                      zero_fill // mmap.PAGESIZE * mmap.PAGESIZE)


def _populate(fd: int, offset: int, mapping: mmap.mmap, length: int, zero_fill: int) -> None:
    """Put ``length`` bytes of a mapping of ``fd`` (from file ``offset``) in the page cache and map them.

    The first ``zero_fill`` bytes are written with zeros in :data:`_ZERO_PIECE` pieces and
    faulted in writable (``MADV_POPULATE_WRITE``); the rest is faulted in for reading only
    (``MADV_POPULATE_READ``: clean pages, which the copy then dirties with one light write
    fault each). Measured on the 6.18 kernel of our CI machine kind (``benchmarks/prefault.py``):

    * Faulting a reserved range in directly lets read-ahead build 2 MiB folios, and each such
      folio costs far more than its bytes once the memory has been idle a few seconds:
      populating 560 MiB took 2.3-4.5 s of wall and 4-8 s of system time (0.07 s right
      after another capture freed its pages). Zeros written in 512 KiB pieces first took
      0.12-0.20 s either way; in 2 MiB pieces 7-8 s.
    * Dirty pages past the kernel's background write-back threshold are written out, zeros
      and all, and write-protected under the copy: a 2 GiB copy into pages all made dirty
      ahead took 3.3-6.9 s instead of 0.3-0.4 s. So ``zero_fill`` stays below that threshold
      (:func:`_zero_fill_budget`) and the rest stays clean until the copy.

    The parts run on :data:`_PREFAULT_THREADS` threads (the system calls drop the GIL). An
    old kernel without ``MADV_POPULATE_*`` leaves the pages to be mapped during the copy.
    """
    base = libc.mapping_address(mapping)
    step = _round_up(-(-length // _PREFAULT_THREADS), _PREFAULT_STEP_MIN)
    parts = [(start, min(step, length - start)) for start in range(0, length, step)]
    zeros = bytes(_ZERO_PIECE)

    def populate(start: int, size: int) -> None:
        end = start + size
        written = min(end, max(start, zero_fill))  # [start, written) gets zeros; the rest is only read in
        try:
            for at in range(start, written, _ZERO_PIECE):
                piece = min(_ZERO_PIECE, written - at)
                os.pwrite(fd, zeros[:piece] if piece < _ZERO_PIECE else zeros, offset + at)
            if written > start:
                libc.madvise(base + start, written - start, _MADV_POPULATE_WRITE)
            if end > written:
                libc.madvise(base + written, end - written, _MADV_POPULATE_READ)
        except OSError:  # the space is reserved: the pages left fault in during the copy (old kernel)
            pass

    workers = [threading.Thread(target=populate, args=part, name="msl-prefault") for part in parts[1:]]
    for worker in workers:
        worker.start()
    populate(*parts[0])
    for worker in workers:
        worker.join()


class ScratchFile:
    """An append-only scratch area: windows to copy into, views to read back, parts to drop.

    Args:
        output: The capture's destination (the scratch file is created in its directory).
        expected: Bytes to reserve and fault in at once (before the freeze).
        window: Largest window :meth:`window` hands out (a chunk's page data).
        fd: Map this file instead (the capture file itself, opened read-write, for the
            copy-in-place of ``-c none``): it is neither closed nor punched here, and
            :meth:`window_at` places bytes at exact offsets.
    """

    def __init__(self, output: str | os.PathLike[str], expected: int, window: int, fd: int | None = None) -> None:
        self.page = mmap.PAGESIZE
        self.window_bytes = _round_up(window, self.page)
        self.owns_fd = fd is None
        self.fd = open_scratch(output) if fd is None else fd
        self.used = 0
        self._dropped = 0
        self._lock = threading.Lock()
        self.segments: list[_Segment] = []
        self._prefault_left = _prefault_budget()
        self._zero_fill_left = _zero_fill_budget()
        try:
            self._grow(max(_round_up(expected, self.page) + self.window_bytes, self.window_bytes))
        except BaseException:
            self.close()
            raise

    @property
    def reserved(self) -> int:
        """Bytes reserved so far (the end of the furthest segment)."""
        return max((s.offset + s.size for s in self.segments), default=0)

    def _grow(self, size: int, at: int | None = None) -> None:
        prefault = min(size, self._prefault_left)
        zero_fill = min(prefault, self._zero_fill_left)
        self.segments.append(_Segment(self.fd, self.reserved if at is None else at, size, prefault, zero_fill))
        self._prefault_left -= prefault
        self._zero_fill_left -= zero_fill

    def _segment(self, offset: int, nbytes: int = 1) -> _Segment:
        for seg in reversed(self.segments):
            if seg.offset <= offset and offset + nbytes <= seg.offset + seg.size:
                return seg
        raise ValueError(f"bytes {offset}-{offset + nbytes} outside the scratch file")

    def window_at(self, offset: int, nbytes: int) -> memoryview:
        """A writable view of bytes ``offset`` to ``offset + nbytes`` of the file (mapped on demand).

        Raises:
            ScratchError: More space cannot be reserved.
        """
        try:
            seg = self._segment(offset, max(nbytes, 1))
        except ValueError:
            start = offset // self.page * self.page
            self._grow(max(_GROW_MIN, _round_up(offset + nbytes - start, self.page)), at=start)
            seg = self.segments[-1]
        return memoryview(seg.map)[offset - seg.offset:offset - seg.offset + nbytes]

    def window(self) -> tuple[memoryview, int]:
        """The next free window (``window`` bytes, contiguous) and its scratch offset.

        Raises:
            ScratchError: More space cannot be reserved.
        """
        seg = self.segments[-1]
        if self.used + self.window_bytes > seg.offset + seg.size:
            self.used = self.reserved  # a window never straddles two segments
            self._grow(max(_GROW_MIN, self.window_bytes))
            seg = self.segments[-1]
        start = self.used - seg.offset
        return memoryview(seg.map)[start:start + self.window_bytes], self.used

    def commit(self, nbytes: int) -> None:
        """The last window holds ``nbytes`` bytes (a multiple of the page size) that are kept."""
        self.used += _round_up(nbytes, self.page)

    def view(self, offset: int, nbytes: int) -> memoryview:
        """Bytes copied earlier at ``offset`` (release the view before :meth:`close`)."""
        seg = self._segment(offset, max(nbytes, 1))
        start = offset - seg.offset
        return memoryview(seg.map)[start:start + nbytes]

    def drop(self, offset: int, nbytes: int) -> None:
        """Bytes up to ``offset + nbytes`` are no longer needed.

        A scratch file of our own frees them (page cache and disk blocks, ``MADV_REMOVE``) in
        batches of :data:`DROP_BATCH` bytes: hole punching costs about as much per byte as the
        final close, so a capture smaller than a batch frees everything at :meth:`close` at
        once, and a large one keeps at most a batch of used scratch in the page cache.

        The capture file itself (``fd`` given) only loses our mapping of those pages
        (``MADV_DONTNEED``; the page cache keeps them): writing back a page that is still mapped
        costs a TLB shoot-down of every CPU running one of our threads, page by page, which
        made the write-back started during the capture cost 1.2 s of system time on 560 MiB.
        """
        end = _round_up(offset + nbytes, self.page)
        if not self.owns_fd:
            self._unmap_below((offset + nbytes) // self.page * self.page)
            return
        while end - self._dropped >= DROP_BATCH:
            seg = self._segment(self._dropped)
            start = self._dropped - seg.offset
            length = min(seg.offset + seg.size - self._dropped, DROP_BATCH)
            with contextlib.suppress(OSError, ValueError):  # no hole punching here: freed at close
                seg.map.madvise(_MADV_REMOVE, start, length)
            self._dropped += length

    def _unmap_below(self, end: int) -> None:
        """Drop our mapping of the file's pages below ``end`` (page-aligned); the file keeps them."""
        for seg in self.segments:
            lo = max(self._dropped, seg.offset)
            hi = min(end, seg.offset + seg.size)
            if hi > lo:
                with contextlib.suppress(OSError, ValueError):  # still mapped: written back the slow way
                    libc.madvise(libc.mapping_address(seg.map) + lo - seg.offset, hi - lo, _MADV_DONTNEED)
        self._dropped = max(self._dropped, end)

    def close(self) -> None:
        """Unmap and close (the file was never linked, so its blocks are freed now); idempotent."""
        with self._lock:
            for seg in self.segments:
                try:
                    seg.map.close()
                except BufferError:  # a view still exported: the mapping goes when it is collected
                    pass
            self.segments = []
            if self.fd >= 0 and self.owns_fd:
                os.close(self.fd)
            self.fd = -1

    def close_in_background(self) -> threading.Thread:
        """Start :meth:`close` on a thread (freeing a large scratch file takes a while) and return it."""
        thread = threading.Thread(target=self.close, name="msl-scratch-close", daemon=True)
        thread.start()
        return thread


def _prefault_budget() -> int:
    """Most bytes faulted in ahead: a quarter of ``MemAvailable``.

    Dirty page cache beyond the kernel's dirty limits would be written back, zeros and all,
    before the copy even starts; beyond the budget pages fault in during the copy instead.
    """
    try:
        with open("/proc/meminfo", "rb") as handle:
            for line in handle:
                if line.startswith(b"MemAvailable:"):
                    return int(line.split()[1]) * 1024 // 4
    except (OSError, ValueError):
        pass
    return 1 << 30


def _zero_fill_budget() -> int:
    """Bytes that may be zero-filled ahead: half the kernel's background write-back threshold, less what is dirty.

    The threshold is ``vm.dirty_background_bytes``, or ``vm.dirty_background_ratio`` percent of
    the memory the kernel counts as dirtyable (free pages and the file LRU lists, from
    ``/proc/meminfo``); half of it leaves room for the kernel's per-device share and for other
    writers. 256 MiB when these cannot be read.
    """
    try:
        info: dict[bytes, int] = {}
        with open("/proc/meminfo", "rb") as handle:
            for line in handle:
                key, _, rest = line.partition(b":")
                info[key] = int(rest.split()[0]) * 1024
        with open("/proc/sys/vm/dirty_background_bytes", "rb") as handle:
            threshold = int(handle.read())
        if not threshold:
            with open("/proc/sys/vm/dirty_background_ratio", "rb") as handle:
                ratio = int(handle.read())
            dirtyable = info[b"MemFree"] + info[b"Active(file)"] + info[b"Inactive(file)"]
            threshold = dirtyable * ratio // 100
        return max(0, threshold // 2 - info.get(b"Dirty", 0))
    except (OSError, ValueError, KeyError, IndexError):
        return 256 << 20


def _round_up(n: int, page: int) -> int:
    return (n + page - 1) // page * page
