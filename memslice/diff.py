"""Compare two captures of the same process: mappings added, removed, resized; pages changed.

Both address spaces are walked together, run by run: where both captured a page, its bytes
are compared (in bounded chunks, then page by page inside a chunk that differs); where the
page states differ (captured in one, failed or absent in the other), the page counts as
``state_changed``. Memory stays bounded whatever the captures' sizes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from memslice.address_space import AddressSpace
from memslice.mappings import Locator, Mapping, mappings

_CHUNK = 1 << 20


@dataclass
class MappingDelta:
    """Page changes inside one mapping (of the first capture, else the second)."""

    mapping: Mapping
    changed: int = 0
    identical: int = 0
    state_changed: int = 0
    first_changed: int | None = None


@dataclass
class DiffReport:
    """Outcome of :func:`diff`.

    Attributes:
        added: Mappings in B whose start is not a mapping start in A.
        removed: Mappings in A whose start is not a mapping start in B.
        resized: ``(a, b)`` pairs with the same start and a different end.
        changed: Pages captured in both whose bytes differ.
        identical: Pages captured in both with the same bytes.
        state_changed: Pages whose state differs (captured in one only, or another state).
        per_mapping: Deltas of mappings with a change, in address order.
    """

    added: list[Mapping] = field(default_factory=list)
    removed: list[Mapping] = field(default_factory=list)
    resized: list[tuple[Mapping, Mapping]] = field(default_factory=list)
    changed: int = 0
    identical: int = 0
    state_changed: int = 0
    per_mapping: list[MappingDelta] = field(default_factory=list)

    @property
    def same(self) -> bool:
        """True when nothing differs."""
        return not (self.added or self.removed or self.resized or self.changed or self.state_changed)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"same": self.same, "mappings": {
            "added": [m.to_dict() for m in self.added], "removed": [m.to_dict() for m in self.removed],
            "resized": [{"start": f"0x{a.start:x}", "end_a": f"0x{a.end:x}", "end_b": f"0x{b.end:x}",
                         "path": a.path or b.path} for a, b in self.resized]},
            "pages": {"changed": self.changed, "identical": self.identical, "state_changed": self.state_changed},
            "per_mapping": [{"start": f"0x{d.mapping.start:x}", "end": f"0x{d.mapping.end:x}", "path": d.mapping.path,
                             "changed": d.changed, "identical": d.identical, "state_changed": d.state_changed,
                             "first_changed": None if d.first_changed is None else f"0x{d.first_changed:x}"}
                            for d in self.per_mapping]}


def _pieces(a: AddressSpace, b: AddressSpace) -> Iterator[tuple[int, int, str, str, int]]:
    """Elementary intervals ``(start, end, state_a, state_b, page_size)`` covered by either capture."""
    ra, rb = a.runs(), b.runs()
    i = j = 0
    cursor = 0
    while i < len(ra) or j < len(rb):
        x = ra[i] if i < len(ra) else None
        y = rb[j] if j < len(rb) else None
        starts = [r.addr for r in (x, y) if r is not None]
        cursor = max(cursor, min(starts))
        in_x = x is not None and x.addr <= cursor < x.end
        in_y = y is not None and y.addr <= cursor < y.end
        ends = [r.end for r, inside in ((x, in_x), (y, in_y)) if inside and r is not None]
        ends += [r.addr for r in (x, y) if r is not None and r.addr > cursor]
        stop = min(ends)
        page = a.regions[x.region].page_size if in_x and x else b.regions[y.region].page_size  # type: ignore[union-attr]
        yield cursor, stop, x.state if in_x and x else "absent", y.state if in_y and y else "absent", page
        cursor = stop
        if x is not None and x.end <= cursor:
            i += 1
        if y is not None and y.end <= cursor:
            j += 1


def diff(reader_a: Any, reader_b: Any) -> DiffReport:
    """Compare two open captures (see the module doc)."""
    a, b = AddressSpace(reader_a), AddressSpace(reader_b)
    rows_a, rows_b = mappings(reader_a, a), mappings(reader_b, b)
    report = DiffReport()
    by_start_a = {m.start: m for m in rows_a}
    by_start_b = {m.start: m for m in rows_b}
    report.added = [m for s, m in by_start_b.items() if s not in by_start_a]
    report.removed = [m for s, m in by_start_a.items() if s not in by_start_b]
    report.resized = [(m, by_start_b[s]) for s, m in by_start_a.items() if s in by_start_b
                      and by_start_b[s].end != m.end]
    loc_a, loc_b = Locator(rows_a), Locator(rows_b)
    deltas: dict[tuple[int, int], MappingDelta] = {}

    def delta(addr: int) -> MappingDelta | None:
        m = loc_a.at(addr) or loc_b.at(addr)
        if m is None:
            return None
        return deltas.setdefault((m.start, m.end), MappingDelta(m))

    for start, end, sa, sb, page in _pieces(a, b):
        pages = (end - start) // page
        d = delta(start)
        if sa != sb:
            report.state_changed += pages
            if d is not None:
                d.state_changed += pages
            continue
        if sa != "captured":
            continue
        for lo in range(start, end, _CHUNK):
            hi = min(end, lo + _CHUNK)
            x, y = a.read(lo, hi - lo), b.read(lo, hi - lo)
            if x == y:
                n_changed, first = 0, None
            else:
                diffs = [p for p in range(0, hi - lo, page) if x[p:p + page] != y[p:p + page]]
                n_changed, first = len(diffs), lo + diffs[0]
            n_same = (hi - lo) // page - n_changed
            report.changed += n_changed
            report.identical += n_same
            if d is not None:
                d.changed += n_changed
                d.identical += n_same
                if first is not None and d.first_changed is None:
                    d.first_changed = first
    report.per_mapping = sorted((d for d in deltas.values() if d.changed or d.state_changed),
                                key=lambda d: d.mapping.start)
    return report
