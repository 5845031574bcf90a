"""Shared pieces of the investigation collectors: the outcome record and tolerant readers.

Every collector returns a :class:`Collected`: the payload (one of the generated block
classes) or None when the table could not be collected, the number of rows, and notes
that say why rows are missing (``partial``) or why the table is absent (``reason``).
Readers here never raise for a vanished or unreadable ``/proc`` entry: they return None
and the collector skips the row.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from memslice.acquirer.linux.procfs import CMDLINE_MAX

STR_MAX = CMDLINE_MAX
"""Longest string (bytes, NUL excluded) a u16 length field with its NUL holds."""
TLV_MAX = 0xFFFF
"""Longest value of a TLV row (u16 Len)."""


@dataclass
class Collected:
    """What one collector produced.

    Attributes:
        payload: The block payload (a generated block class), or None = not collected.
        rows: Number of rows (entries) in it.
        partial: Why rows may be missing (unreadable entries, truncated values).
        reason: Why the table is absent (payload None).
    """

    payload: Any | None
    rows: int = 0
    partial: list[str] = field(default_factory=list)
    reason: str | None = None


def text(raw: bytes, limit: int = STR_MAX) -> str:
    """Bytes from ``/proc`` as UTF-8 text (invalid bytes replaced), cut to ``limit`` bytes."""
    if len(raw) > limit:
        raw = raw[:limit]
    out = raw.decode("utf-8", "replace")
    while len(out.encode("utf-8")) > limit:  # U+FFFD takes 3 bytes where the bad byte took 1
        out = out[:-1]
    return out


def fit(value: str, limit: int = STR_MAX) -> str:
    """``value`` cut (on a character boundary) to at most ``limit`` UTF-8 bytes."""
    raw = value.encode("utf-8", "replace")
    return value if len(raw) <= limit else raw[:limit].decode("utf-8", "ignore")


def read_bytes(path: str, limit: int = 1 << 20) -> bytes | None:
    """At most ``limit`` bytes of a small file, or None when it is unreadable or gone.

    Unbuffered (``os.open``/``os.read``): most ``/proc`` files fit one read.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        chunks: list[bytes] = []
        total = 0
        while total < limit:
            chunk = os.read(fd, min(limit - total, 1 << 16))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        return b"".join(chunks)
    except OSError:
        return None
    finally:
        os.close(fd)


def read_str(path: str, limit: int = 1 << 20) -> str | None:
    """A small text file (UTF-8, invalid bytes replaced), or None when unreadable."""
    raw = read_bytes(path, limit)
    return None if raw is None else raw.decode("utf-8", "replace")


def readlink(path: str) -> str | None:
    """The target of a symlink, or None when unreadable or gone."""
    try:
        return os.readlink(path)
    except OSError:
        return None


def list_pids() -> list[int]:
    """The PIDs ``/proc`` lists now, ascending."""
    return sorted(int(name) for name in os.listdir("/proc") if name.isdigit())


def status_fields(pid: int) -> dict[str, str] | None:
    """``/proc/PID/status`` as ``{key: value}``, or None when unreadable."""
    body = read_str(f"/proc/{pid}/status")
    if body is None:
        return None
    out: dict[str, str] = {}
    for line in body.splitlines():
        key, sep, value = line.partition(":")
        if sep:
            out[key] = value.strip()
    return out
