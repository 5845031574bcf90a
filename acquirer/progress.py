"""A one-line progress display on a terminal: bytes, rate, regions, pages failed.

It is an injected callback (the engine never prints): :class:`TerminalProgress` redraws
at most ten times a second, and only when its stream is a TTY.
"""

from __future__ import annotations

import sys
import time
from typing import Protocol, TextIO

_MIN_RATE_SECONDS = 0.5
"""No rate is shown before this much time has passed since the first block."""


class Progress(Protocol):
    """What the engine reports while it captures."""

    def update(self, *, bytes_done: int, regions_done: int, regions_total: int, pages_failed: int) -> None:
        """Called after every block written."""

    def finish(self) -> None:
        """Called once at the end."""


class TerminalProgress:
    """Draw progress on ``stream`` (stderr by default) when it is a terminal.

    Args:
        stream: Where to draw.
    """

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self._started: float | None = None
        self._last = 0.0
        self._drawn = False

    def update(self, *, bytes_done: int, regions_done: int, regions_total: int, pages_failed: int) -> None:
        """Redraw the line (throttled)."""
        if not self.enabled:
            return
        now = time.monotonic()
        if self._started is None:
            self._started = now  # the first block: reading has just begun
        if now - self._last < 0.1 and regions_done < regions_total:
            return
        self._last = now
        elapsed = now - self._started
        # a rate over the first fraction of a second is noise (one block over ~0 s): none is shown
        rate = f"{bytes_done / elapsed / 1e6:7.0f}" if elapsed >= _MIN_RATE_SECONDS else "     --"
        line = (f"\r  {bytes_done / 2**20:10.1f} MiB  {rate} MB/s  "
                f"regions {regions_done}/{regions_total}  failed pages {pages_failed}")
        self.stream.write(line)
        self.stream.flush()
        self._drawn = True

    def finish(self) -> None:
        """End the progress line."""
        if self._drawn:
            self.stream.write("\n")
            self.stream.flush()
