"""Reading another process's memory (``process_vm_readv``, ``/proc/PID/mem``, ``pagemap``).

``process_vm_readv`` in large vectors is the main path, ``/proc/PID/mem`` the fallback, and
``/proc/PID/pagemap`` tells which pages were never touched.

The happy path copies a whole chunk (many pages, possibly several ranges) with one system
call and no Python work per page. Only when a read comes back short does the caller
(:mod:`memslice.acquirer.pipeline`) look at single pages to give each an honest state.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Sequence

from memslice.acquirer.linux import libc

# pagemap entry, top byte (bits 56..63): 63 present, 62 swapped, 58 guard region (6.15+).
_PRESENT_OR_SWAPPED = 0xC0
_GUARD = 0x04
_RESIDENCY = bytes(
    ord("0") if b & _PRESENT_OR_SWAPPED else ord("1") if b & _GUARD else ord("3") for b in range(256))
"""Top byte of a pagemap entry -> page state digit: 0 read it, 1 guard (unreadable), 3 never touched."""

_GONE = (errno.ESRCH, errno.ENOENT)


class ProcessMemory:
    """Reads pages of one process.

    Args:
        pid: The target process.

    Attributes:
        method: ``process_vm_readv`` or ``/proc/PID/mem`` (after a fallback).
    """

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.method = "process_vm_readv" if libc.has_process_vm_readv() else f"/proc/{pid}/mem"
        self._mem_fd: int | None = None
        self._pagemap_fd: int | None = None
        self.pagemap_error: str | None = None

    def close(self) -> None:
        """Close the ``/proc`` files opened so far."""
        for fd in (self._mem_fd, self._pagemap_fd):
            if fd is not None:
                os.close(fd)
        self._mem_fd = self._pagemap_fd = None

    def read_ranges(self, ranges: Sequence[tuple[int, int]], buf: bytearray, buf_addr: int, offset: int) -> int:
        """Copy ``ranges`` back to back into ``buf[offset:]``.

        Args:
            ranges: ``(address, length)`` pairs (page-aligned), in address order.
            buf: Destination.
            buf_addr: ``libc.buffer_address(buf)``.
            offset: Where in ``buf`` the first byte goes.

        Returns:
            Bytes copied. A short count means the byte at that position could not be
            read; everything before it is valid.

        Raises:
            OSError: ``ESRCH`` when the process is gone; ``EPERM`` when access is denied.
        """
        done = 0
        for first in range(0, len(ranges), libc.IOV_MAX):
            batch = ranges[first:first + libc.IOV_MAX]
            want = sum(length for _, length in batch)
            got = self._read_batch(batch, buf, buf_addr + offset + done, offset + done)
            done += got
            if got < want:
                break
        return done

    def _read_batch(self, batch: Sequence[tuple[int, int]], buf: bytearray, addr: int, offset: int) -> int:
        if self.method == "process_vm_readv":
            try:
                return libc.process_vm_readv(self.pid, addr, batch)
            except OSError as exc:
                if exc.errno == errno.EFAULT:
                    return 0
                if exc.errno != errno.ENOSYS:
                    raise
                self.method = f"/proc/{self.pid}/mem"
        return self._read_mem(batch, buf, offset)

    def _read_mem(self, batch: Sequence[tuple[int, int]], buf: bytearray, offset: int) -> int:
        if self._mem_fd is None:
            self._mem_fd = os.open(f"/proc/{self.pid}/mem", os.O_RDONLY | os.O_CLOEXEC)
        view = memoryview(buf)
        done = 0
        for address, length in batch:
            got = 0
            while got < length:
                try:
                    n = os.preadv(self._mem_fd, [view[offset + done + got:offset + done + length]], address + got)
                except OSError as exc:
                    if exc.errno in (errno.EIO, errno.EFAULT):
                        n = 0
                    else:
                        raise
                if n <= 0:
                    return done + got
                got += n
            done += length
        return done

    def residency(self, address: int, pages: int, page_size: int) -> str | None:
        """Residency of ``pages`` pages from ``address``, one digit a page.

        ``0`` = present or swapped (read it), ``3`` = never touched (reads as zero, not
        read), ``1`` = guard region (unreadable). Meaningful for private anonymous memory
        only.

        Returns:
            The digits, or None when ``/proc/PID/pagemap`` cannot be read or does not
            cover the range (above the user address space).

        Raises:
            ProcessLookupError: The process is gone.
        """
        if self.pagemap_error is not None:
            return None
        try:
            if self._pagemap_fd is None:
                self._pagemap_fd = os.open(f"/proc/{self.pid}/pagemap", os.O_RDONLY | os.O_CLOEXEC)
            raw = os.pread(self._pagemap_fd, pages * 8, (address // page_size) * 8)
        except OSError as exc:
            if exc.errno in _GONE:
                raise ProcessLookupError(exc.errno, exc.strerror) from None
            self.pagemap_error = f"/proc/{self.pid}/pagemap: {exc.strerror}"
            return None
        if len(raw) != pages * 8:
            if not raw and self._mm_gone():
                raise ProcessLookupError(errno.ESRCH, "process exited")
            return None  # beyond the user address space (e.g. [vsyscall]): unknown
        return raw[7::8].translate(_RESIDENCY).decode("ascii")

    def _mm_gone(self) -> bool:
        """The process has no address space any more (pagemap reads nothing at all)."""
        assert self._pagemap_fd is not None
        try:
            return not os.pread(self._pagemap_fd, 8, 0)
        except OSError:
            return True
