"""Page-state maps: 2 bits a page, page 0 in the top bits of byte 0 (spec section 6).

The map is expanded through the hex form of its bytes (one character per nibble, two
pages each) and a translation table, so no Python code runs per page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from memslice.generated.enums import ENUM_NAMES

STATE_NAMES = ENUM_NAMES["page_state"]
"""0 captured, 1 failed, 2 unmapped, 3 not_resident."""

_NIBBLE_TO_STATES = {ord(f"{n:x}"): f"{n >> 2}{n & 3}" for n in range(16)}
_RUN = re.compile(r"0+|1+|2+|3+")


def state_string(page_state_map: bytes | memoryview, num_pages: int) -> str:
    """One character (``0``-``3``) per page.

    Args:
        page_state_map: The map bytes (padding included or not).
        num_pages: Pages in the region.

    Returns:
        A string of ``num_pages`` state digits.
    """
    needed = (num_pages + 3) // 4
    return bytes(page_state_map[:needed]).hex().translate(_NIBBLE_TO_STATES)[:num_pages]


def runs(states: str) -> list[tuple[int, int]]:
    """Run-length pairs (state, count) in page order."""
    return [(int(m.group()[0]), len(m.group())) for m in _RUN.finditer(states)]


def encode_states(states: Sequence[int] | Iterable[int]) -> bytes:
    """Pack states into a map padded to 8 bytes (used by the writer and tests).

    Args:
        states: One state (0-3) per page.

    Returns:
        The map bytes, zero-padded to a multiple of 8.
    """
    digits = "".join(str(s) for s in states)
    return encode_state_string(digits)


def encode_state_string(digits: str) -> bytes:
    """Pack a string of state digits (``0``-``3``) into a padded map."""
    if digits.strip("0123"):
        raise ValueError("page states must be 0..3")
    digits += "0" * (-len(digits) % 4)
    value = int(digits, 4).to_bytes(len(digits) // 4, "big") if digits else b""
    return value + bytes(-len(value) % 8)


def captured_runs(states: str) -> list[tuple[int, int]]:
    """(first page, page count) of every run of Captured pages."""
    return [(m.start(), m.end() - m.start()) for m in re.finditer("0+", states)]
