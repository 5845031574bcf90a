"""Investigation mode (``msl capture --investigate``): the host and target tables.

:func:`collect` runs one small collector per table (one module each) and returns an
:class:`Investigation`: the System Context and the tables in the order memslicer 0.5.2
writes them after the Module List Index (Kernel Symbol Bundle, Connectivity Table, Kernel
Module List, Persistence Manifest, Target Introspection, Process Table, Connection Table,
Handle Table). A table that could not be collected is absent, with the reason; a table
with unreadable entries is written with the rows that could be read and says so. A
collector that fails unexpectedly costs its table, never the capture.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from memslice.acquirer.linux.investigate import (
    connection_table,
    connectivity_table,
    handle_table,
    kernel_modules,
    kernel_symbols,
    persistence,
    process_table,
    system_context,
    target_introspection,
)
from memslice.acquirer.linux.investigate._common import Collected
from memslice.acquirer.linux.investigate.sockets import SocketOwners, socket_owners
from memslice.generated.blocks.connection_table import ConnectionTable
from memslice.generated.blocks.connectivity_table import ConnectivityTable
from memslice.generated.blocks.handle_table import HandleTable
from memslice.generated.blocks.kernel_module_list import KernelModuleList
from memslice.generated.blocks.kernel_symbol_bundle import KernelSymbolBundle
from memslice.generated.blocks.persistence_manifest import PersistenceManifest
from memslice.generated.blocks.process_table import ProcessTable
from memslice.generated.blocks.system_context import SystemContext
from memslice.generated.blocks.target_introspection import TargetIntrospection
from memslice.generated.enums import SystemTableBitmap

__all__ = ["Investigation", "Table", "collect"]


@dataclass
class Table:
    """One table of an investigation.

    Attributes:
        name: Block id (``process_table``...).
        block_type: Its BlockType code.
        bit: Its TableBitmap bit in the System Context.
        child_of_context: ParentUUID is the System Context (Process, Connection, Handle).
        result: What the collector produced.
        seconds: Collection time.
    """

    name: str
    block_type: int
    bit: int
    child_of_context: bool
    result: Collected
    seconds: float

    @property
    def payload(self) -> Any | None:
        """The payload to write, or None when the table is absent."""
        return self.result.payload


@dataclass
class Investigation:
    """The System Context and the tables, in writing order.

    Attributes:
        context: The System Context payload.
        tables: Every table, collected or not, in memslicer's order.
        seconds: Total collection time.
    """

    context: SystemContext
    tables: list[Table] = field(default_factory=list)
    seconds: float = 0.0

    def written(self) -> list[Table]:
        """The tables that were collected (and are written), in order."""
        return [t for t in self.tables if t.payload is not None]

    def block_types(self) -> set[int]:
        """BlockType codes this investigation writes (for the CapBitmap)."""
        return {SystemContext.BLOCK_TYPE} | {t.block_type for t in self.written()}

    def report(self) -> dict[str, Any]:
        """The report's ``investigation`` section: per table rows, time, notes, or why absent."""
        return {"seconds": round(self.seconds, 4), "table_bitmap": f"0x{self.context.table_bitmap:x}",
                "tables": {t.name: {"written": t.payload is not None, "rows": t.result.rows,
                                    "seconds": round(t.seconds, 4), "partial": t.result.partial,
                                    "absent_reason": t.result.reason} for t in self.tables}}


_Spec = tuple[str, type, SystemTableBitmap, bool, Callable[[], Collected]]


def _plan(pid: int, owners: Callable[[], SocketOwners], redact_env: Sequence[str]) -> list[_Spec]:
    return [
        ("kernel_symbol_bundle", KernelSymbolBundle, SystemTableBitmap.KERNEL_SYMBOL_BUNDLE, False,
         kernel_symbols.collect),
        ("connectivity_table", ConnectivityTable, SystemTableBitmap.CONNECTIVITY_TABLE, False,
         lambda: connectivity_table.collect(owners())),
        ("kernel_module_list", KernelModuleList, SystemTableBitmap.KERNEL_MODULE_LIST, False, kernel_modules.collect),
        ("persistence_manifest", PersistenceManifest, SystemTableBitmap.PERSISTENCE_MANIFEST, False,
         persistence.collect),
        ("target_introspection", TargetIntrospection, SystemTableBitmap.TARGET_INTROSPECTION, False,
         lambda: target_introspection.collect(pid, redact_env)),
        ("process_table", ProcessTable, SystemTableBitmap.PROCESS_TABLE, True, lambda: process_table.collect(pid)),
        ("connection_table", ConnectionTable, SystemTableBitmap.CONNECTION_TABLE, True,
         lambda: connection_table.collect(owners())),
        ("handle_table", HandleTable, SystemTableBitmap.HANDLE_TABLE, True, lambda: handle_table.collect(pid)),
    ]


def collect(pid: int, *, case_ref: str | None = None, redact_env: Sequence[str] = (),
            skip: Sequence[str] = ()) -> Investigation:
    """Collect every table about the host and process ``pid``.

    Args:
        pid: The target (its Process Table row gets IsTarget; Target Introspection and
            Handle Table describe it).
        case_ref: Case reference for the System Context.
        redact_env: Environment variable names redacted on top of the default secret names.
        skip: Table names not to collect (reported absent, "not requested").

    Returns:
        The investigation, tables in writing order.
    """
    started = time.perf_counter()
    cache: list[SocketOwners] = []

    def owners() -> SocketOwners:
        if not cache:
            cache.append(socket_owners())
        return cache[0]

    tables: list[Table] = []
    bitmap = 0
    for name, cls, bit, child, run in _plan(pid, owners, redact_env):
        t0 = time.perf_counter()
        if name in skip:
            result = Collected(None, reason="not requested")
        else:
            try:
                result = run()
            except Exception as exc:  # noqa: BLE001 - a collector bug costs its table, never the capture
                result = Collected(None, reason=f"collection failed: {type(exc).__name__}: {exc}")
        tables.append(Table(name=name, block_type=cls.BLOCK_TYPE, bit=int(bit), child_of_context=child, result=result,
                            seconds=time.perf_counter() - t0))
        if result.payload is not None:
            bitmap |= int(bit)
    context = system_context.build(bitmap, case_ref)
    return Investigation(context=context, tables=tables, seconds=time.perf_counter() - started)
