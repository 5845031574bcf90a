"""The importer registry: each source format is one module that declares an :class:`Importer`.

A format module (``raw``, ``elf_core``, ``minidump``...) defines ``IMPORTER = Importer(...)``
with its name, a signature test (``sniff``, or None for formats that have no signature
and must be named) and its planner. :func:`importers` finds every such module in this
package, so adding a format is adding one file; ``--from`` choices, ``auto`` detection and
the option checks all come from here.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from memslice.acquirer.core.plan import MAX_PAGE_LOG2, MIN_PAGE_LOG2
from memslice.acquirer.importers.errors import SourceError
from memslice.acquirer.importers.plan import ImportPlan
from memslice.acquirer.importers.source import SourceFile


@dataclass(frozen=True)
class PlanOptions:
    """What the user said about a source.

    Attributes:
        base: Address of the first byte, or None (formats that record addresses refuse it).
        pid: PID to record when the source has none (checked against the source's otherwise).
        page_log2: Page size exponent, or None for the format's own.
        accept_loss: Import even when bytes of the source cannot be carried.
    """

    base: int | None = None
    pid: int | None = None
    page_log2: int | None = None
    accept_loss: bool = False


@dataclass(frozen=True)
class Importer:
    """One source format.

    Attributes:
        name: The ``--from`` name (``elf-core``).
        plan: Parses a source into an :class:`ImportPlan`.
        sniff: True when the first bytes carry the format's signature; None for a format
            without one (never auto-detected).
        takes_base: The format accepts a base address (it records no addresses).
        takes_page_size: The format accepts a page size.
        records_pid: The format records a PID itself (a given one is checked against it).
        order: Detection order (lower first).
    """

    name: str
    plan: Callable[[SourceFile, PlanOptions], ImportPlan]
    sniff: Callable[[bytes], bool] | None = None
    takes_base: bool = False
    takes_page_size: bool = False
    records_pid: bool = True
    order: int = 100


@cache
def importers() -> dict[str, Importer]:
    """Every importer of this package, by name, in detection order."""
    from memslice.acquirer import importers as package

    found: list[Importer] = []
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        importer = getattr(module, "IMPORTER", None)
        if isinstance(importer, Importer):
            found.append(importer)
    found.sort(key=lambda i: (i.order, i.name))
    return {i.name: i for i in found}


def names() -> tuple[str, ...]:
    """The format names ``--from`` accepts (besides ``auto``)."""
    return tuple(importers())


def get(name: str) -> Importer:
    """The importer called ``name``.

    Raises:
        SourceError: No such format.
    """
    found = importers().get(name)
    if found is None:
        raise SourceError(f"unknown source format {name!r} (known: auto, {', '.join(importers())})")
    return found


def detect(head: bytes) -> Importer | None:
    """The importer whose signature ``head`` carries, or None."""
    for importer in importers().values():
        if importer.sniff is not None and importer.sniff(head):
            return importer
    return None


def check_options(importer: Importer, options: PlanOptions) -> None:
    """Refuse options that do not apply to the format.

    Raises:
        SourceError: A base address or a page size the format does not take.
    """
    if options.base is not None and not importer.takes_base:
        takers = " and ".join(i.name for i in importers().values() if i.takes_base)
        raise SourceError(f"a base address applies to {takers} sources only; a {importer.name} source records "
                          "its addresses")


def page_log2(page_size: int, importer: Importer) -> int:
    """The exponent of a user-given page size.

    Raises:
        SourceError: Not a power of two in range, or the format takes no page size.
    """
    if page_size <= 0 or page_size & (page_size - 1) or not 1 << MIN_PAGE_LOG2 <= page_size <= 1 << MAX_PAGE_LOG2:
        raise SourceError(f"page size {page_size} is not a power of two in 1 KiB..1 TiB", rule="P14")
    if not importer.takes_page_size:
        takers = " and ".join(i.name for i in importers().values() if i.takes_page_size)
        raise SourceError(f"a page size applies to {takers} sources only")
    return page_size.bit_length() - 1
