"""Timestamps of a capture in ISO 8601 UTC, with the clock they were taken from."""

from __future__ import annotations

import datetime
from typing import Any

from memslice.generated.enums import ENUM_NAMES

_WALL_CLOCKS = {"clock_realtime", "unknown"}
"""Clocks whose values are nanoseconds since the Unix epoch (unknown: as every producer writes)."""


def iso_utc(ns: int) -> str:
    """``ns`` since the Unix epoch as ``YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ``."""
    seconds, frac = divmod(ns, 1_000_000_000)
    try:
        stamp = datetime.datetime.fromtimestamp(seconds, tz=datetime.UTC)
    except (OverflowError, OSError, ValueError):
        return f"{ns} ns (outside the calendar)"
    return stamp.strftime("%Y-%m-%dT%H:%M:%S") + f".{frac:09d}Z"


def describe(ns: int, clock_source: int) -> dict[str, Any]:
    """A timestamp with its clock: ``{"ns", "clock", "iso_utc"}``.

    ``iso_utc`` is None for a clock that does not count from the epoch (CLOCK_MONOTONIC_RAW).
    """
    clock = ENUM_NAMES["clock_source"].get(clock_source, f"0x{clock_source:02x}")
    return {"ns": ns, "clock": clock, "iso_utc": iso_utc(ns) if clock in _WALL_CLOCKS and ns else None}


def text(ns: int, clock_source: int) -> str:
    """One-line form: ``2026-01-02T03:04:05.000000000Z (clock_realtime)``."""
    d = describe(ns, clock_source)
    if d["iso_utc"] is None:
        return f"{ns} ns ({d['clock']}: not a calendar time)" if ns else f"0 ({d['clock']}: not recorded)"
    note = ", clock not recorded: read as ns since the epoch" if d["clock"] == "unknown" else ""
    return f"{d['iso_utc']} ({d['clock']}{note})"
