"""The one place ``msl`` commands create output files (switchable to the shared helper of issue 9a).

A file is written under an unpredictable temporary name in its destination folder, created
with ``O_CREAT | O_EXCL | O_NOFOLLOW`` and mode 0600, and renamed into place only when it is
complete; on any error the temporary file is removed. Without ``overwrite`` an existing
destination is refused before anything is written.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO


def check_destination(path: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
    """Refuse an existing destination (unless ``overwrite``) before any expensive work.

    Raises:
        FileExistsError: The destination exists and ``overwrite`` is False.
    """
    dest = Path(path)
    if not overwrite and (dest.exists() or dest.is_symlink()):
        raise FileExistsError(17, "output exists (use -f/--force to replace it)", str(dest))
    return dest


@contextmanager
def open_output(path: str | os.PathLike[str], *, overwrite: bool = False) -> Iterator[BinaryIO]:
    """Open a new output file for writing; it appears under ``path`` only when the block ends.

    Args:
        path: The destination.
        overwrite: Replace an existing destination.

    Yields:
        A binary file object.

    Raises:
        FileExistsError: The destination exists and ``overwrite`` is False.
    """
    dest = check_destination(path, overwrite=overwrite)
    tmp = dest.with_name(f".{dest.name}.{secrets.token_hex(8)}.partial")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(tmp, flags, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
        if not overwrite:
            check_destination(dest)
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_bytes(path: str | os.PathLike[str], data: bytes, *, overwrite: bool = False) -> None:
    """Write a whole small file through :func:`open_output`."""
    with open_output(path, overwrite=overwrite) as fh:
        fh.write(data)
