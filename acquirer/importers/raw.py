"""Raw byte streams (spec 9.2 step 3): one region at ``base``, every whole page Captured.

A raw file records bytes and nothing else: no addresses, protections, process, threads
or modules. The region starts at the address the user gives (default 0). A trailing
partial page cannot be Captured (the format stores whole pages) and is written as Failed;
the note says how many bytes that drops.
"""

from __future__ import annotations

from memslice.acquirer.importers.errors import SourceError
from memslice.acquirer.importers.plan import MAX_PAGE_LOG2, MIN_PAGE_LOG2, ImportPlan, Piece, RegionPlan
from memslice.acquirer.importers.source import SourceFile
from memslice.generated.enums import SourceFormat

MISSING = [
    "addresses (the region is placed at the base the importer was given)",
    "operating system", "architecture", "process id", "process identity", "threads and registers",
    "modules", "memory protection and region type", "time of the dump",
]


def plan_raw(source: SourceFile, *, base: int = 0, page_log2: int = 12, pid: int | None = None) -> ImportPlan:
    """Plan the import of a raw byte stream.

    Args:
        source: The open source.
        base: Address of the first byte (a multiple of the page size).
        page_log2: Page size exponent (10..40).
        pid: PID to record in the header, or None.

    Returns:
        The plan.

    Raises:
        SourceError: Empty source, or a base that is not page aligned or overflows 64 bits.
    """
    if not MIN_PAGE_LOG2 <= page_log2 <= MAX_PAGE_LOG2:
        raise SourceError(f"page size 2^{page_log2} is outside the format's range 2^10..2^40", rule="P14")
    page = 1 << page_log2
    if source.size == 0:
        raise SourceError("the source is empty: nothing to import")
    if base < 0 or base % page:
        raise SourceError(f"base 0x{base:X} is not a multiple of the page size {page}")
    size = -(-source.size // page) * page
    if base + size > 1 << 64:
        raise SourceError(f"base 0x{base:X} + {size} bytes runs past the 64-bit address space")
    plan = ImportPlan(source_format=SourceFormat.RAW, source_label="raw", pid=pid or 0)
    plan.missing = list(MISSING)
    if pid:
        plan.missing.remove("process id")
        plan.facts.append(f"header PID {pid} was given by the user, not read from the source")
    plan.facts.append(f"region base 0x{base:X} was given by the user (default 0)")
    plan.regions.append(RegionPlan(base=base, size=size, page_log2=page_log2,
                                   pieces=[Piece(base, base + source.size, 0)]))
    tail = source.size % page
    if tail:
        plan.facts.append(f"the last {tail} bytes (source offset 0x{source.size - tail:X}) do not fill a "
                          f"{page}-byte page: that page is written as Failed and those bytes are not carried")
    return plan
