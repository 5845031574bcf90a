"""ctypes bindings of the few libc calls the acquirer needs: process_vm_readv, ptrace and madvise.

ctypes releases the GIL around every foreign call, so a reader thread copying pages with
``process_vm_readv`` runs in parallel with the thread that hashes and writes them.
"""

from __future__ import annotations

import ctypes
import errno
import mmap
import os
from collections.abc import Sequence

_libc = ctypes.CDLL(None, use_errno=True)


class IoVec(ctypes.Structure):
    """``struct iovec`` (base address, length)."""

    _fields_ = [("iov_base", ctypes.c_void_p), ("iov_len", ctypes.c_size_t)]


IOV_MAX = os.sysconf("SC_IOV_MAX") if "SC_IOV_MAX" in os.sysconf_names else 1024
"""Most iovec entries one ``process_vm_readv`` call accepts (1024 on Linux)."""

_pvr = getattr(_libc, "process_vm_readv", None)
if _pvr is not None:
    _pvr.restype = ctypes.c_ssize_t
    _pvr.argtypes = [ctypes.c_int, ctypes.POINTER(IoVec), ctypes.c_ulong, ctypes.POINTER(IoVec), ctypes.c_ulong,
                     ctypes.c_ulong]

_madvise = _libc.madvise
_madvise.restype = ctypes.c_int
_madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]

_ptrace = _libc.ptrace
_ptrace.restype = ctypes.c_long
_ptrace.argtypes = [ctypes.c_long, ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p]


def has_process_vm_readv() -> bool:
    """True when libc exports ``process_vm_readv`` (the kernel may still refuse it)."""
    return _pvr is not None


def buffer_address(buf: bytearray) -> int:
    """Address of a bytearray's storage (the bytearray must not be resized afterwards)."""
    return ctypes.addressof((ctypes.c_char * len(buf)).from_buffer(buf)) if buf else 0


def mapping_address(mapping: mmap.mmap) -> int:
    """Address of an mmap's first byte (the mmap must stay open while the address is used)."""
    anchor = ctypes.c_char.from_buffer(mapping)
    try:
        return ctypes.addressof(anchor)
    finally:
        del anchor  # drop the buffer export at once, so the mapping can still be closed


def madvise(address: int, length: int, advice: int) -> None:
    """``madvise(2)`` without holding the GIL (``mmap.madvise`` holds it for the whole call).

    Raises:
        OSError: The kernel refused (``EINVAL`` for an advice it does not know, ...).
    """
    if _madvise(address, length, advice) != 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))


def process_vm_readv(pid: int, local_addr: int, remote: Sequence[tuple[int, int]]) -> int:
    """Copy the remote ranges, in order, into one local buffer.

    Args:
        pid: Target process (or thread) id.
        local_addr: Address of the destination buffer, large enough for all ranges.
        remote: ``(address, length)`` pairs, at most :data:`IOV_MAX`.

    Returns:
        Bytes copied; fewer than requested when a range fails part-way (the bytes
        before the failing page are valid).

    Raises:
        OSError: Nothing could be copied (``EFAULT``, ``ESRCH``, ``EPERM``, ``ENOSYS``...).
    """
    if _pvr is None:
        raise OSError(errno.ENOSYS, "process_vm_readv is not available")
    count = len(remote)
    total = sum(length for _, length in remote)
    rvec = (IoVec * count)(*[IoVec(addr, length) for addr, length in remote])
    lvec = IoVec(local_addr, total)
    got = _pvr(pid, ctypes.byref(lvec), 1, rvec, count, 0)
    if got < 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))
    return int(got)


def ptrace(request: int, tid: int, addr: int = 0, data: int | ctypes.c_void_p | None = 0) -> int:
    """Call ``ptrace(2)``; raise OSError on failure.

    Args:
        request: PTRACE_* request code.
        tid: Thread id.
        addr: ``addr`` argument.
        data: ``data`` argument (an integer or a pointer).

    Returns:
        The call's result (0 for the requests used here).
    """
    ctypes.set_errno(0)
    result = _ptrace(request, tid, ctypes.c_void_p(addr), data if isinstance(data, ctypes.c_void_p)
                     else ctypes.c_void_p(data or 0))
    if result == -1:
        err = ctypes.get_errno()
        if err:
            raise OSError(err, os.strerror(err))
    return int(result)
