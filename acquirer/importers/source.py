"""Bounded, exact reads from a source dump file.

Every read names what it reads, is checked against the file size before anything is
allocated, and fails with a :class:`SourceError` that carries the source offset. Nothing
is memory-mapped, so a file that shrinks under us gives an error, never a SIGBUS.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable
from pathlib import Path

from memslice.acquirer.importers.errors import SourceError

METADATA_LIMIT = 64 << 20
"""Largest single metadata structure read into memory (notes, streams, tables)."""

_HASH_CHUNK = 8 << 20


class SourceFile:
    """A read-only source dump (regular file or block device).

    Args:
        path: The file to read.

    Raises:
        SourceError: The path is neither a regular file nor a block device.
        OSError: The file cannot be opened.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._fd: int | None = os.open(self.path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        st = os.fstat(self._fd)
        if stat.S_ISREG(st.st_mode):
            self.size = st.st_size
        elif stat.S_ISBLK(st.st_mode):
            self.size = os.lseek(self._fd, 0, os.SEEK_END)
        else:
            self.close()
            raise SourceError(f"{self.path} is not a regular file or block device")
        self.mtime_ns = st.st_mtime_ns

    def close(self) -> None:
        """Close the file (idempotent)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> SourceFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def require(self, offset: int, size: int, what: str) -> None:
        """Check that ``size`` bytes at ``offset`` lie inside the file.

        Raises:
            SourceError: They do not.
        """
        if offset < 0 or size < 0 or offset > self.size or size > self.size - offset:
            raise SourceError(f"{what}: {size} bytes at source offset 0x{offset:X} run past the end of the "
                              f"{self.size}-byte file", offset=offset)

    def read(self, offset: int, size: int, what: str, *, limit: int = METADATA_LIMIT) -> bytes:
        """Read exactly ``size`` bytes at ``offset``.

        Args:
            offset: Source offset.
            size: Byte count (checked against ``limit`` and the file size before reading).
            what: Name of the structure, for error messages.
            limit: Largest allowed ``size``.

        Raises:
            SourceError: Out of range, above the limit, or the file ended early.
        """
        if size > limit:
            raise SourceError(f"{what}: {size} bytes at source offset 0x{offset:X} exceed the {limit}-byte "
                              "limit for one structure", offset=offset)
        self.require(offset, size, what)
        buf = bytearray(size)
        self.read_into(offset, memoryview(buf), what)
        return bytes(buf)

    def read_into(self, offset: int, view: memoryview, what: str) -> None:
        """Fill ``view`` from ``offset``; the file ending early is an error."""
        assert self._fd is not None
        done = 0
        while done < len(view):
            n = os.preadv(self._fd, [view[done:]], offset + done)
            if n <= 0:
                raise SourceError(f"{what}: source ended at offset 0x{offset + done:X} (file changed while "
                                  "importing?)", offset=offset + done)
            done += n

    def sha256(self, progress: Callable[[int], None] | None = None) -> str:
        """SHA-256 of the whole file (read in bounded chunks), as hex."""
        assert self._fd is not None
        digest = hashlib.sha256()
        buf = bytearray(_HASH_CHUNK)
        view = memoryview(buf)
        offset = 0
        while offset < self.size:
            n = os.preadv(self._fd, [view[: min(_HASH_CHUNK, self.size - offset)]], offset)
            if n <= 0:
                raise SourceError(f"source ended at offset 0x{offset:X} while hashing", offset=offset)
            digest.update(view[:n])
            offset += n
            if progress is not None:
                progress(n)
        return digest.hexdigest()
