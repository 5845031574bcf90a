"""A scratch file mapped into memory, where a frozen target's pages are copied first.

The copy-first capture (:mod:`memslice.acquirer.copy_first`) copies every page it reads
straight into a shared mapping of an unlinked file in the output's directory
(:func:`memslice.atomic_output.open_scratch`), resumes the target, and only then hashes,
compresses and writes the capture from that copy. The pages live in the page cache, not in
our anonymous memory, so memory stays bounded whatever the target's size.

Before the freeze the expected size is reserved on disk (``posix_fallocate``: a full disk is
found here, as an error, never as a SIGBUS inside the freeze) and faulted in writable
(``MADV_POPULATE_WRITE``, up to a quarter of the available memory), so the copy in the
freeze is a bare ``process_vm_readv`` into mapped pages. When the target needs more than the
estimate, further segments are reserved and mapped during the copy. Written parts are
dropped (``MADV_REMOVE``: page cache and disk blocks freed, nothing written back) a GiB at
a time, the rest when the file is closed, in the background while the capture ends.
"""

from __future__ import annotations

import contextlib
import mmap
import os
import threading

from memslice.acquirer.linux import libc

from memslice.atomic_output import open_scratch

_MADV_POPULATE_WRITE = 23
_MADV_REMOVE = getattr(mmap, "MADV_REMOVE", 9)
_PREFAULT_THREADS = max(1, min(2, os.cpu_count() or 1))
_PREFAULT_STEP_MIN = 16 << 20  # parts smaller than this are not worth a thread
_GROW_MIN = 64 << 20
DROP_BATCH = 1 << 30
"""Used scratch bytes freed at once (see :meth:`ScratchFile.drop`)."""


class ScratchError(OSError):
    """The scratch file cannot be reserved or mapped (e.g. the disk is full)."""


class _Segment:
    """One mapped part of the scratch file."""

    def __init__(self, fd: int, offset: int, size: int, prefault: int) -> None:
        try:
            os.posix_fallocate(fd, offset, size)
        except OSError as exc:
            raise ScratchError(exc.errno, f"cannot reserve {size} bytes for the copy: {exc.strerror}") from None
        self.offset = offset
        self.size = size
        self.map = mmap.mmap(fd, size, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE, offset=offset)
        if prefault > 0:
            _populate(self.map, min(size, _round_up(prefault, mmap.PAGESIZE)))


def _populate(mapping: mmap.mmap, length: int) -> None:
    """Fault ``length`` bytes of a mapping in writable, split over :data:`_PREFAULT_THREADS` threads.

    Faulting in a file's pages costs the file system a page at a time (allocation, zeroing,
    ``page_mkwrite``); the parts run side by side (ctypes drops the GIL). An old kernel
    without ``MADV_POPULATE_WRITE`` leaves the pages to fault in during the copy.
    """
    base = libc.mapping_address(mapping)
    step = _round_up(-(-length // _PREFAULT_THREADS), _PREFAULT_STEP_MIN)
    parts = [(start, min(step, length - start)) for start in range(0, length, step)]

    def populate(start: int, size: int) -> None:
        with contextlib.suppress(OSError):  # an old kernel: these pages fault in during the copy
            libc.madvise(base + start, size, _MADV_POPULATE_WRITE)

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
        self.segments.append(_Segment(self.fd, self.reserved if at is None else at, size, prefault))
        self._prefault_left -= prefault

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

        They are freed (page cache and disk blocks, ``MADV_REMOVE``) in batches of
        :data:`DROP_BATCH` bytes: hole punching costs about as much per byte as the final
        close, so a capture smaller than a batch frees everything at :meth:`close` at once,
        and a large one keeps at most a batch of used scratch in the page cache.
        """
        end = _round_up(offset + nbytes, self.page)
        while self.owns_fd and end - self._dropped >= DROP_BATCH:
            seg = self._segment(self._dropped)
            start = self._dropped - seg.offset
            length = min(seg.offset + seg.size - self._dropped, DROP_BATCH)
            with contextlib.suppress(OSError, ValueError):  # no hole punching here: freed at close
                seg.map.madvise(_MADV_REMOVE, start, length)
            self._dropped += length

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


def _round_up(n: int, page: int) -> int:
    return (n + page - 1) // page * page
