"""The mappings of a capture: one row per mapping, with its page states and blocks.

The rows come from the last VAS Map when there is one (rule V11-C25: the last one in file
order, extension segments included, supersedes the others), else from the Memory Regions
(Continuation fragments joined to their first fragment). Page states always come from the
Memory Regions, never from the VAS Map (V11-5.8-no-states): a mapping that no region covers
counts its bytes as ``absent``. Paths come from the VAS Map, else from the Module Entry whose
image covers the mapping's start.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any

from memslice.address_space import AddressSpace
from memslice.errors import MslError
from memslice.generated.enums import ENUM_NAMES, BlockFlags, BlockType
from memslice.pages import STATE_NAMES

_VAS_MAP = BlockType.VAS_MAP
_MODULE_ENTRY = BlockType.MODULE_ENTRY
STATES = (*STATE_NAMES.values(),)
"""Page state names in code order."""


def prot_text(bits: int) -> str:
    """``rwx`` letters of Protection bits (``-`` for a missing one)."""
    return "".join(c if bits & (1 << i) else "-" for i, c in enumerate("rwx"))


def type_name(code: int) -> str:
    """Name of a RegionType code."""
    return ENUM_NAMES["region_type"].get(code, f"0x{code:02x}")


@dataclass
class Mapping:
    """One mapping of the address space.

    Attributes:
        start: First address.
        end: Address just past it.
        protection: Protection bits.
        region_type: RegionType code.
        path: Mapped path or module path, "" when unnamed.
        source: ``vas_map`` or ``memory_region`` (where the row comes from).
        pages: Pages per state (``captured``, ``failed``, ``unmapped``, ``not_resident``).
        absent_bytes: Bytes no Memory Region covers.
        blocks: Indices of the Memory Region blocks covering it.
    """

    start: int
    end: int
    protection: int
    region_type: int
    path: str
    source: str
    pages: dict[str, int] = field(default_factory=dict)
    absent_bytes: int = 0
    blocks: list[int] = field(default_factory=list)

    @property
    def size(self) -> int:
        """Bytes."""
        return self.end - self.start

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (addresses as hex strings)."""
        return {"start": f"0x{self.start:x}", "end": f"0x{self.end:x}", "size": self.size,
                "protection": prot_text(self.protection), "type": type_name(self.region_type), "path": self.path,
                "source": self.source, "pages": self.pages, "absent_bytes": self.absent_bytes,
                "blocks": self.blocks}


def mappings(reader: Any, space: AddressSpace | None = None) -> list[Mapping]:
    """Every mapping of a capture in address order (see the module doc)."""
    space = space or AddressSpace(reader)
    rows = _from_vas(reader) or _from_regions(space)
    modules = _modules(reader)
    starts = [m[0] for m in modules]
    covered: set[int] = set()
    for row in rows:
        if not row.path:
            i = bisect.bisect_right(starts, row.start) - 1
            if i >= 0 and modules[i][0] <= row.start < modules[i][1]:
                row.path = modules[i][2]
        _count(space, row)
        covered.update(row.blocks)
    if rows and rows[0].source == "vas_map":
        # Memory Regions outside every VAS entry still get a row
        extra = [r for r in _from_regions(space) if not set(r.blocks) <= covered]
        for row in extra:
            _count(space, row)
        rows += extra
    rows.sort(key=lambda r: (r.start, r.end))
    return rows


def _count(space: AddressSpace, row: Mapping) -> None:
    pages = dict.fromkeys(STATES, 0)
    blocks: set[int] = set()
    covered = 0
    for run in space.runs(row.start, row.end):
        info = space.regions[run.region]
        pages[run.state] += run.length // info.page_size
        covered += run.length
        blocks.add(info.record.index)
    row.pages = pages
    row.absent_bytes = row.size - covered
    row.blocks = sorted(blocks)


def _from_vas(reader: Any) -> list[Mapping]:
    last = None
    for rec in reader.blocks:
        if rec.block_type == _VAS_MAP and rec.segment >= 0:
            last = rec
    if last is None:
        return []
    try:
        payload = reader.decode(last).payload
    except MslError as exc:
        reader.warnings.append(f"VAS Map does not decode ({exc}); mappings taken from the Memory Regions")
        return []
    if payload is None:
        return []
    entries = payload.entries if payload.entries is not None else payload.entries_fixed or []
    return [Mapping(int(e.base_addr), int(e.base_addr) + int(e.region_size), int(e.protection), int(e.region_type),
                    (e.mapped_path or "").rstrip("\0"), "vas_map") for e in entries]


def _from_regions(space: AddressSpace) -> list[Mapping]:
    rows: list[Mapping] = []
    first_of: dict[bytes, Mapping] = {}
    for info in space.regions:
        header = info.record.header
        parent = first_of.get(bytes(header.parent_uuid))
        if header.flags & BlockFlags.CONTINUATION and parent is not None:
            parent.start = min(parent.start, info.base)
            parent.end = max(parent.end, info.base + info.size)
            parent.blocks.append(info.record.index)
            continue
        row = Mapping(info.base, info.base + info.size, info.protection, info.region_type, "", "memory_region",
                      blocks=[info.record.index])
        first_of[bytes(header.block_uuid)] = row
        rows.append(row)
    return rows


def _modules(reader: Any) -> list[tuple[int, int, str]]:
    out = []
    for rec in reader.blocks:
        if rec.block_type != _MODULE_ENTRY:
            continue
        try:
            payload = reader.decode(rec).payload
        except MslError:
            continue
        if payload is not None and payload.path:
            out.append((int(payload.base_addr), int(payload.base_addr) + int(payload.module_size),
                        payload.path.rstrip("\0")))
    out.sort()
    return out


class Locator:
    """Find the mapping holding an address (for labelling search hits)."""

    def __init__(self, rows: list[Mapping]) -> None:
        self.rows = rows
        self._starts = [r.start for r in rows]

    def at(self, addr: int) -> Mapping | None:
        """The mapping holding ``addr``, or None."""
        i = bisect.bisect_right(self._starts, addr) - 1
        for row in reversed(self.rows[max(0, i - 8):i + 1]):  # rows may overlap (VAS entry and region)
            if row.start <= addr < row.end:
                return row
        return None

    def label(self, addr: int) -> str:
        """``start-end prot type path`` of the mapping holding ``addr``."""
        row = self.at(addr)
        if row is None:
            return "-"
        return f"0x{row.start:x}-0x{row.end:x} {prot_text(row.protection)} {type_name(row.region_type)}" + (
            f" {row.path}" if row.path else "")
