"""Loaded modules (executable and shared objects) from the mappings, and their files on disk.

A module is a run of consecutive maps lines of the same file (same device, inode and name)
of which one is executable or whose first page starts with the ELF magic. Its base is the
first mapping's start, its size runs to the last mapping's end. The DiskHash is the hash
(the header's HashAlgo) of the file that is mapped: read through
``/proc/PID/map_files/START-END`` (the mapped inode itself, even when deleted or replaced),
else through ``/proc/PID/root/PATH`` when that path still names the same inode; zero when
neither works. Files are read in 1 MiB pieces, so hashing a large file takes no memory.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence

from memslice.acquirer.source import Mapping, Module

from memslice.integrity import ZERO_HASH, Hasher

_SONAME_VERSION = re.compile(r"\.so\.(\d+(?:\.\d+)*)$")
_PIECE = 1 << 20


def soname_version(path: str) -> str | None:
    """The version a shared object's file name carries after ``.so.``, or None."""
    match = _SONAME_VERSION.search(os.path.basename(path.removesuffix(" (deleted)")))
    return match.group(1) if match else None


def group_modules(mappings: Sequence[Mapping], starts_with_elf: Callable[[Mapping], bool]) -> list[Module]:
    r"""Group file mappings into modules.

    Args:
        mappings: A maps snapshot in address order.
        starts_with_elf: Tells whether a mapping at file offset 0 begins with ``\x7fELF``
            (read from the process's memory).

    Returns:
        Modules in address order.
    """
    modules: list[Module] = []
    run: list[Mapping] = []

    def close_run() -> None:
        if run and (any(m.executable for m in run) or any(m.offset == 0 and starts_with_elf(m) for m in run)):
            modules.append(Module(path=run[0].path, base=run[0].start, size=run[-1].end - run[0].start,
                                  mappings=list(run), version=soname_version(run[0].path)))
        run.clear()

    for mapping in mappings:
        same = (run and mapping.is_file and mapping.file_identity() == run[-1].file_identity()
                and mapping.path == run[-1].path)
        if not same:
            close_run()
        if mapping.is_file:
            run.append(mapping)
    close_run()
    return modules


def _dev_of(dev: str) -> tuple[int, int]:
    major, _, minor = dev.partition(":")
    return int(major, 16), int(minor, 16)


def hash_module(pid: int, module: Module, new_hasher: Callable[[], Hasher]) -> None:
    """Fill ``module.disk_hash`` and ``module.hash_source``.

    Args:
        pid: The process (for ``/proc/PID/map_files`` and ``/proc/PID/root``).
        module: The module.
        new_hasher: Hash constructor of the capture's HashAlgo.
    """
    first = module.mappings[0]
    candidates = [(f"/proc/{pid}/map_files/{first.start:x}-{first.end:x}", "map_files", False)]
    if first.file_path:
        candidates.append((f"/proc/{pid}/root{first.file_path}", "path", True))
    reasons = []
    for path, source, check_inode in candidates:
        try:
            fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        except OSError as exc:
            reasons.append(f"{source}: {exc.strerror}")
            continue
        try:
            st = os.fstat(fd)
            if check_inode and ((os.major(st.st_dev), os.minor(st.st_dev)) != _dev_of(first.dev)
                                or st.st_ino != first.inode):
                reasons.append(f"{source}: the file at that path is not the mapped one (replaced)")
                continue
            module.disk_hash = _hash_fd(fd, new_hasher)
            module.hash_source = source
            return
        except OSError as exc:
            reasons.append(f"{source}: {exc.strerror}")
        finally:
            os.close(fd)
    module.disk_hash = ZERO_HASH
    module.hash_source = "unavailable (" + "; ".join(reasons) + ")"


def _hash_fd(fd: int, new_hasher: Callable[[], Hasher]) -> bytes:
    hasher = new_hasher()
    buf = bytearray(_PIECE)
    view = memoryview(buf)
    while True:
        n = os.readv(fd, [buf])
        if n <= 0:
            break
        hasher.update(view[:n])
    return hasher.digest()
