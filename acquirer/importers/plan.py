"""What an importer found in a source, before anything is written.

A parser turns a source dump into an :class:`ImportPlan`: the shared
:class:`~memslice.acquirer.core.plan.CapturePlan` (header fields, identity, modules,
threads, memory regions as byte ranges of the source, never as data) plus the list of
things the source could not provide. :mod:`memslice.acquirer.importers.emit` then writes
it through :mod:`memslice.acquirer.core.write`, reading page data in bounded chunks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from memslice.acquirer.core.plan import (
    MAX_PAGE_LOG2,
    MIN_PAGE_LOG2,
    CapturePlan,
    EncodedVas,
    FactList,
    IdentityPlan,
    Lazy,
    ModulePlan,
    Piece,
    RegionPlan,
    RegisterValue,
    ThreadPlan,
    VasPlan,
    merged_cover,
    page_log2_for,
)

__all__ = ["MAX_PAGE_LOG2", "MIN_PAGE_LOG2", "CapturePlan", "EncodedVas", "FactList", "IdentityPlan", "ImportPlan",
           "Lazy", "ModulePlan", "Piece", "RegionPlan", "RegisterValue", "ThreadPlan", "VasPlan", "merged_cover",
           "page_log2_for"]


@dataclass(kw_only=True)
class ImportPlan(CapturePlan):
    """Everything an importer will write: a :class:`CapturePlan` and what the source could not say.

    Attributes:
        source_format: SourceFormat code.
        source_label: Short name of the source format for messages (``elf-core``).
        os_type: Header OSType.
        arch_type: Header ArchType.
        pid: Header PID (0 = unknown).
        timestamp: When the source was dumped, ns since the epoch (0 = not recorded).
        identity: Process Identity, or None when the source has nothing for it.
        modules: Module entries.
        threads: Thread contexts.
        regions: Memory regions.
        vas: VAS Map entries (empty: no VAS Map block).
        missing: What the source format (or this file) does not provide.
        facts: Other statements the note must carry (conventions, losses, conflicts).
        captured_total: Bytes of page data the plan will copy, when the planning pass
            counted them (regions given as a :class:`Lazy` sequence).
    """

    source_format: int
    source_label: str
    missing: list[str] = field(default_factory=list)
    facts: list[str] = field(default_factory=FactList)
    captured_total: int | None = None

    def captured_bytes(self) -> int:
        """Bytes of page data the plan will copy."""
        if self.captured_total is not None:
            return self.captured_total
        return sum(count << r.page_log2 for r in self.regions for _, count in r.captured_page_runs())
