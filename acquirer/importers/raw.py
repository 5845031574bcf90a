"""Raw byte streams (spec 9.2 step 3): one region at ``base``, every whole page Captured.

A raw file records bytes and nothing else: no addresses, protections, process, threads
or modules. The region starts at the address the user gives (default 0). The format
stores whole pages only: a tail shorter than the page size is carried in a second region
of smaller pages (down to the format's 1 KiB). Bytes below that granularity (a file size
that is not a multiple of 1 KiB) cannot be carried: the import is refused unless the user
accepts the loss, and the note then says which bytes were dropped.
"""

from __future__ import annotations

from memslice.acquirer.importers.errors import SourceError
from memslice.acquirer.importers.plan import MAX_PAGE_LOG2, MIN_PAGE_LOG2, ImportPlan, Piece, RegionPlan
from memslice.acquirer.importers.registry import Importer, PlanOptions
from memslice.acquirer.importers.source import SourceFile
from memslice.generated.enums import SourceFormat

MISSING = [
    "addresses (the region is placed at the base the importer was given)",
    "operating system", "architecture", "process id", "process identity", "threads and registers",
    "modules", "memory protection and region type", "time of the dump",
]


def plan_raw(source: SourceFile, *, base: int = 0, page_log2: int = 12, pid: int | None = None,
             accept_loss: bool = False) -> ImportPlan:
    """Plan the import of a raw byte stream.

    Args:
        source: The open source.
        base: Address of the first byte (a multiple of the page size).
        page_log2: Page size exponent (10..40).
        pid: PID to record in the header, or None.
        accept_loss: Import a file whose size is not a multiple of 1 KiB with its last
            partial 1 KiB page Failed, instead of refusing it.

    Returns:
        The plan.

    Raises:
        SourceError: Empty source, a base that is not page aligned or overflows 64 bits,
            or bytes that cannot be carried without ``accept_loss``.
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
    min_page = 1 << MIN_PAGE_LOG2
    bulk = source.size - source.size % page
    tail = source.size - bulk
    carried = tail - tail % min_page
    lost = tail - carried
    if lost and not accept_loss:
        raise SourceError(f"the last {lost} bytes of {source.path.name} (source offset 0x{source.size - lost:X}) do "
                          f"not fill a page of the format's smallest size ({min_page} bytes) and cannot be carried; "
                          "pass --accept-loss (accept_loss=True) to import without them", offset=source.size - lost)
    if bulk:
        plan.regions.append(RegionPlan(base=base, size=bulk, page_log2=page_log2, pieces=[Piece(base, base + bulk, 0)]))
    if tail:
        tail_log2 = (carried & -carried).bit_length() - 1 if carried and not lost else MIN_PAGE_LOG2
        tail_page = 1 << tail_log2
        plan.regions.append(RegionPlan(base=base + bulk, size=-(-tail // tail_page) * tail_page, page_log2=tail_log2,
                                       pieces=[Piece(base + bulk, base + source.size, bulk)]))
        plan.facts.append(f"the last {tail} bytes (source offset 0x{bulk:X}) do not fill a {page}-byte page: "
                          f"they are in a region of {1 << tail_log2}-byte pages")
    if lost:
        plan.facts.append(f"DROPPED: the last {lost} bytes (source offset 0x{source.size - lost:X}) do not fill a "
                          f"{min_page}-byte page, the format's smallest: that page is Failed and those bytes are not "
                          "carried (accepted with the accept-loss option)")
    return plan


def _plan(source: SourceFile, options: PlanOptions) -> ImportPlan:
    return plan_raw(source, base=options.base or 0, page_log2=options.page_log2 or 12, pid=options.pid,
                    accept_loss=options.accept_loss)


IMPORTER = Importer(name="raw", plan=_plan, sniff=None, takes_base=True, takes_page_size=True, records_pid=False,
                    order=0)
"""Raw byte streams: no signature, so never auto-detected (``--from raw``)."""
