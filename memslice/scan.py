"""Scanning the captured bytes of an address space: literals, regular expressions, strings, YARA.

Every scan walks the captured extents of :class:`~memslice.address_space.AddressSpace` in
address order: a match may span page, block and region boundaries as long as the addresses
are contiguous and captured, and never spans a hole. Memory stays bounded: literal search
runs directly on the mapped file for stored regions (no copy) and on bounded chunks of the
inflate for compressed ones; regular expressions, strings and YARA rules see windows of at
most :data:`WINDOW` bytes that overlap by :data:`OVERLAP` bytes, so a regex or YARA string
match longer than the overlap may be cut at a window edge (a string of printable characters
longer than :data:`MAX_DEFER` is reported in pieces).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from memslice.address_space import AddressSpace, Run

WINDOW = 16 << 20
"""Bytes a regex or YARA scan sees at once."""
OVERLAP = 64 << 10
"""Bytes consecutive windows share, so that matches across a window edge are found."""
_SHORT = 8
"""Literals shorter than this are searched with ``re`` (faster there), longer ones with ``find``."""
YARA_WINDOW = 64 << 20
"""Bytes YARA scans at once (views of the mapped file or of inflate chunks: no copy)."""
MAX_DEFER = 1 << 20
"""A string reaching a window edge is carried to the next window when not longer than this."""


def find_literal(space: AddressSpace, pattern: bytes, start: int = 0, end: int = 1 << 64) -> Iterator[int]:
    """Addresses of every occurrence of ``pattern`` in the captured bytes (overlapping ones too).

    Args:
        space: The address space.
        pattern: Bytes to find (not empty).
        start: First address to consider.
        end: Address past the last one.

    Yields:
        Match addresses in increasing order.
    """
    if not pattern:
        raise ValueError("empty pattern")
    keep = len(pattern) - 1
    short = re.compile(re.escape(pattern)) if len(pattern) < _SHORT else None
    # the mmap (or bytes) under the reader: searched in place, no copy (a decrypted view has none)
    mm = getattr(space.reader.data, "obj", None)
    if not hasattr(mm, "find"):
        mm = None
    for extent in space.extents(start, end):
        carry = b""
        for run in extent:
            for addr, buf, foff in space.segments(run):
                n = len(buf)
                if carry:
                    window = carry + bytes(buf[:keep])
                    i = window.find(pattern)
                    while i != -1 and i < len(carry):
                        yield addr - len(carry) + i
                        i = window.find(pattern, i + 1)
                if foff is not None and mm is not None:
                    hay, lo, hi = mm, foff, foff + n
                else:
                    hay, lo, hi = (buf if isinstance(buf, bytes) else bytes(buf)), 0, n
                for i in _occurrences(hay, pattern, lo, hi, short):
                    yield addr + i - lo
                if keep:
                    carry = (carry + bytes(buf[-keep:]))[-keep:]


def _occurrences(hay: Any, pattern: bytes, lo: int, hi: int, short: re.Pattern[bytes] | None) -> Iterator[int]:
    """Offsets of every occurrence (overlapping ones too) of ``pattern`` in ``hay[lo:hi]``, in place."""
    if short is not None:  # sre skips ahead faster than find() on very short needles
        m = short.search(hay, lo, hi)
        while m is not None:
            yield m.start()
            m = short.search(hay, m.start() + 1, hi)
        return
    i = hay.find(pattern, lo, hi)
    while i != -1:
        yield i
        i = hay.find(pattern, i + 1, hi)


def windows(space: AddressSpace, extent: list[Run], size: int | None = None) -> Iterator[tuple[int, bytes, bool]]:
    """Consecutive chunks of one extent as bytes: ``(address, data, last)``.

    Each chunk holds at most ``size`` bytes (default :data:`WINDOW`).
    """
    size = size or WINDOW
    pending: list[tuple[int, bytes]] = []

    def pieces() -> Iterator[tuple[int, bytes]]:
        buf = bytearray()
        buf_addr = extent[0].addr
        for run in extent:
            for addr, piece, _ in space.segments(run):
                view = memoryview(piece)
                while len(view):
                    take = min(len(view), size - len(buf))
                    if not buf:
                        buf_addr = addr
                    buf += view[:take]
                    view = view[take:]
                    addr += take
                    if len(buf) == size:
                        yield buf_addr, bytes(buf)
                        buf.clear()
        if buf:
            yield buf_addr, bytes(buf)

    for item in pieces():
        if pending:
            addr, data = pending.pop()
            yield addr, data, False
        pending.append(item)
    if pending:
        addr, data = pending.pop()
        yield addr, data, True


def find_regex(space: AddressSpace, regex: re.Pattern[bytes], start: int = 0, end: int = 1 << 64,
               *, defer_edge: bool = False) -> Iterator[tuple[int, bytes]]:
    """Every non-overlapping match of ``regex`` in the captured bytes, per extent.

    Args:
        space: The address space.
        regex: A compiled bytes pattern.
        start: First address to consider.
        end: Address past the last one.
        defer_edge: Carry a match that reaches the end of a window into the next window
            (for greedy runs such as strings), up to :data:`MAX_DEFER` bytes.

    Yields:
        ``(address, matched bytes)`` in increasing address order.
    """
    for extent in space.extents(start, end):
        carry = b""
        for addr, data, last in windows(space, extent):
            buf = carry + data
            base = addr - len(carry)
            limit = len(buf) if last else max(0, len(buf) - OVERLAP)
            next_start = limit
            for m in regex.finditer(buf):
                if m.start() >= limit:
                    break
                if (defer_edge and not last and m.end() == len(buf) and len(buf) - m.start() <= MAX_DEFER):
                    next_start = m.start()
                    break
                yield base + m.start(), m.group()
                next_start = max(next_start, m.end())
            carry = buf[next_start:]


def strings_regex(min_len: int, encoding: str = "ascii") -> re.Pattern[bytes]:
    """The pattern of printable runs (``strings``-style): ASCII, or UTF-16LE of ASCII."""
    if min_len < 1:
        raise ValueError("minimum length must be at least 1")
    if encoding == "utf16le":
        return re.compile(rb"(?:[\x20-\x7e\t]\x00){%d,}" % min_len)
    return re.compile(rb"[\x20-\x7e\t]{%d,}" % min_len)


def views(space: AddressSpace, extent: list[Run], size: int) -> Iterator[tuple[int, memoryview]]:
    """Consecutive slices of one extent of at most ``size`` bytes, without copying.

    Stored regions give views of the mapped file; zstd regions give views of their bounded
    inflate chunks. Slices never join two segments: callers scan the seams separately.
    """
    for run in extent:
        for addr, piece, _ in space.segments(run):
            view = memoryview(piece)
            for off in range(0, len(view), size):
                yield addr + off, view[off:off + size]


def yara_scan(space: AddressSpace, rules: Any, start: int = 0, end: int = 1 << 64,
              timeout: int = 60) -> Iterator[dict[str, Any]]:
    """Match compiled YARA rules against every captured extent.

    Each extent is scanned in zero-copy slices of :data:`YARA_WINDOW` bytes, and every seam
    between two slices (page, block or window boundary inside the extent) once more in a
    small window of :data:`OVERLAP` bytes either side, so that a string across a seam is found.

    Yields:
        ``{"rule", "namespace", "tags", "meta", "window", "strings": [{"identifier", "address",
        "data"}]}`` per rule and scanned slice that matched; each string instance is reported
        once.
    """
    for extent in space.extents(start, end):
        seen: set[tuple[str, str, int]] = set()
        tail = b""
        for addr, view in views(space, extent, YARA_WINDOW):
            if tail:
                yield from _yara_hits(rules, tail + bytes(view[:OVERLAP]), addr - len(tail), seen, timeout,
                                      seam=True)
            yield from _yara_hits(rules, view, addr, seen, timeout, seam=False)
            tail = bytes(view[-OVERLAP:])
            seen = {k for k in seen if k[2] >= addr + len(view) - OVERLAP}


def _yara_hits(rules: Any, data: Any, base: int, seen: set[tuple[str, str, int]], timeout: int,
               *, seam: bool) -> Iterator[dict[str, Any]]:
    for match in rules.match(data=data, timeout=timeout):
        found = []
        for s in match.strings:
            for inst in s.instances:
                key = (match.rule, s.identifier, base + inst.offset)
                if key in seen:
                    continue
                seen.add(key)
                found.append({"identifier": s.identifier, "address": base + inst.offset,
                              "data": bytes(inst.matched_data)})
        if found or (not match.strings and not seam):
            yield {"rule": match.rule, "namespace": match.namespace, "tags": list(match.tags),
                   "meta": dict(match.meta), "window": base, "strings": found}


_PRINTABLE = bytes(0x41 if (0x20 <= c < 0x7F or c == 0x09) else 0 for c in range(256))
"""Translation table: printable ASCII and TAB to ``A``, every other byte to NUL."""


def find_strings(space: AddressSpace, min_len: int, encoding: str = "ascii", start: int = 0,
                 end: int = 1 << 64) -> Iterator[tuple[int, bytes]]:
    """Printable runs of at least ``min_len`` characters (``strings``-style), per extent.

    ASCII runs are found by translating each window to a two-symbol alphabet and using
    ``bytes.find`` (several times faster than a character-class regex); UTF-16LE runs use
    :func:`strings_regex`.

    Yields:
        ``(address, bytes)`` in increasing address order.
    """
    if encoding != "ascii":
        yield from find_regex(space, strings_regex(min_len, encoding), start, end, defer_edge=True)
        return
    if min_len < 1:
        raise ValueError("minimum length must be at least 1")
    needle = b"A" * min_len
    for extent in space.extents(start, end):
        carry = b""
        for addr, data, last in windows(space, extent):
            buf = carry + data if carry else data
            base = addr - len(carry)
            marks = buf.translate(_PRINTABLE)
            carry = b""
            i = marks.find(needle)
            while i != -1:
                j = marks.find(b"\0", i)
                if j == -1:
                    j = len(marks)
                    if not last and j - i <= MAX_DEFER:  # may go on in the next window
                        carry = buf[i:]
                        break
                yield base + i, buf[i:j]
                i = marks.find(needle, j)
            if not last and not carry:
                k = marks.rfind(b"\0") + 1  # a short printable tail may grow in the next window
                if len(marks) - k < min_len:
                    carry = buf[k:]
