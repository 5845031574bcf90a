r"""``/proc/PID/maps``: the mappings of a process, parsed exactly as the kernel prints them.

Each line is ``START-END PERMS OFFSET MAJOR:MINOR INODE [PATH]``; the path starts after
the padding and may contain spaces (the kernel escapes newlines as ``\012``) and may
end with `` (deleted)``. Paths are decoded as UTF-8 with surrogate escapes so that no
byte is lost.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence

from memslice.acquirer.source import Mapping

__all__ = ["MapIndex", "Mapping", "parse_line", "parse_maps", "read_maps"]


def parse_line(raw: bytes) -> Mapping:
    """Parse one maps line.

    Args:
        raw: The line, with or without its newline.

    Returns:
        The mapping.

    Raises:
        ValueError: The line does not have the kernel's format.
    """
    line = raw.rstrip(b"\n")
    parts = line.split(maxsplit=5)
    if len(parts) < 5:
        raise ValueError(f"malformed maps line: {line!r}")
    lo, _, hi = parts[0].partition(b"-")
    perms = parts[1].decode("ascii")
    if len(perms) != 4:
        raise ValueError(f"malformed permissions in maps line: {line!r}")
    path = parts[5].decode("utf-8", "surrogateescape") if len(parts) == 6 else ""
    return Mapping(start=int(lo, 16), end=int(hi, 16), perms=perms, offset=int(parts[2], 16),
                   dev=parts[3].decode("ascii"), inode=int(parts[4]), path=path, line=line)


def parse_maps(data: bytes) -> list[Mapping]:
    """Parse the whole content of a maps file (lines in address order)."""
    return [parse_line(line) for line in data.splitlines() if line.strip()]


def read_maps(pid: int) -> list[Mapping]:
    """Read and parse ``/proc/PID/maps``.

    Raises:
        FileNotFoundError: The process does not exist.
        PermissionError: No ptrace read access to the process.
        ProcessLookupError: The process is exiting.
    """
    with open(f"/proc/{pid}/maps", "rb") as handle:
        return parse_maps(handle.read())


class MapIndex:
    """Address lookups in a maps snapshot (sorted, non-overlapping)."""

    def __init__(self, mappings: Iterable[Mapping]) -> None:
        self.mappings: Sequence[Mapping] = sorted(mappings, key=lambda m: m.start)
        self._starts = [m.start for m in self.mappings]

    def find(self, addr: int) -> Mapping | None:
        """The mapping containing ``addr``, or None."""
        i = bisect.bisect_right(self._starts, addr) - 1
        if i >= 0 and addr < self.mappings[i].end:
            return self.mappings[i]
        return None

    def next_start(self, addr: int) -> int | None:
        """Start of the first mapping above ``addr``, or None."""
        i = bisect.bisect_right(self._starts, addr)
        return self._starts[i] if i < len(self._starts) else None
