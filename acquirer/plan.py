"""The region plan: which mappings are captured, with their Protection and RegionType.

Each kept mapping becomes one :class:`~memslice.acquirer.core.plan.RegionPlan` (the plan type
shared with the importers); the pipeline turns it into one or more
Memory Region blocks (bounded chunks) and fills its :class:`RegionStats`. Mappings left
out by ``--filter-prot``, ``--filter-addr`` or ``--scope`` are listed with the reason.
"""

from __future__ import annotations

from memslice.acquirer.core.plan import RegionPlan, RegionStats
from memslice.acquirer.options import CaptureOptions
from memslice.acquirer.source import Mapping
from memslice.generated.enums import RegionType

__all__ = ["RegionPlan", "RegionStats", "exclusion_reason"]


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
