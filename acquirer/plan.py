"""The region plan: which mappings are captured, with their Protection and RegionType.

Each kept mapping becomes one :class:`RegionPlan`; the pipeline turns it into one or more
Memory Region blocks (bounded chunks) and fills its :class:`RegionStats`. Mappings left
out by ``--filter-prot``, ``--filter-addr`` or ``--scope`` are listed with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from memslice.acquirer.options import CaptureOptions
from memslice.acquirer.source import Mapping
from memslice.generated.enums import RegionType


@dataclass
class RegionStats:
    """What happened to one planned mapping.

    Attributes:
        blocks: Memory Region blocks written for it.
        pages: Page count by state digit (``0`` captured, ``1`` failed, ``2`` unmapped,
            ``3`` not resident).
        bytes_captured: Bytes of Captured pages.
        read_seconds: Time spent reading it.
        first_read_ns: Wall time of its first read (ns since the epoch), 0 if none.
        causes: Why pages are not Captured (one line per event).
    """

    blocks: int = 0
    pages: dict[str, int] = field(default_factory=lambda: {"0": 0, "1": 0, "2": 0, "3": 0})
    bytes_captured: int = 0
    read_seconds: float = 0.0
    first_read_ns: int = 0
    causes: list[str] = field(default_factory=list)


@dataclass
class RegionPlan:
    """One mapping to capture.

    Attributes:
        mapping: The maps entry.
        protection: Protection bits to record.
        region_type: RegionType to record.
        stats: Filled while capturing.
    """

    mapping: Mapping
    protection: int
    region_type: RegionType
    stats: RegionStats = field(default_factory=RegionStats)

    @property
    def start(self) -> int:
        """First address."""
        return self.mapping.start

    @property
    def size(self) -> int:
        """Bytes."""
        return self.mapping.size

    @property
    def readable(self) -> bool:
        """The process itself may read it (``r`` permission)."""
        return self.mapping.readable

    @property
    def zero_when_untouched(self) -> bool:
        """Private anonymous memory: a page never touched is known to read as zero."""
        return self.mapping.is_private_anonymous


def exclusion_reason(mapping: Mapping, protection: int, region_type: RegionType,
                     options: CaptureOptions) -> str | None:
    """Why ``--filter-prot``/``--filter-addr``/``--scope`` leave a mapping out, or None."""
    if options.filter_prot and (protection & options.filter_prot) != options.filter_prot:
        return "filter-prot"
    if options.filter_addr and not any(mapping.start < hi and mapping.end > lo for lo, hi in options.filter_addr):
        return "filter-addr"
    if options.scope is not None and region_type not in options.scope:
        return "scope"
    return None
