"""One writer of the block sequence, fed by live capture, every importer and every backend.

:func:`write_capture` writes a :class:`~memslice.acquirer.core.plan.CapturePlan` as

1. the leading blocks (an import's Import Provenance),
2. Process Identity (HasChildren when Thread Contexts follow),
3. Module List Index (with pre-assigned module UUIDs) and, for an import, the Module
   Entries right behind it,
4. what follows the index (live: the investigation tables),
5. one Thread Context per thread (children of the Process Identity),
6. the Memory Regions, through the pluggable :class:`MemoryWriter` (live: the engine's
   chunk pipeline; import: reads from the dump file),
7. what follows the memory (live: resume the target, the Region Omission Manifest),
8. for live capture the Module Entries (hashed only now: the files are on disk, not in
   the frozen process),
9. the VAS Map, then End-of-Capture.

The two orders are the ones memslicer 0.5.2 (live, format-catalogue section 5) and the
spec's import rules (section 9.2) give; :class:`Layout` selects one. What differs between
callers is behind :class:`Steps` (hooks) and :class:`BlockOut` (the file).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from memslice.acquirer.core.plan import CapturePlan, ModulePlan, RegionPlan, ThreadPlan
from memslice.generated.blocks.module_entry import ModuleEntry
from memslice.generated.blocks.module_list_index import ModuleListIndex, ModuleManifestEntry
from memslice.generated.blocks.process_identity import ProcessIdentity
from memslice.generated.blocks.thread_context import RegisterEntry, ThreadContext
from memslice.generated.enums import BlockFlags

from memslice.writer import new_uuid

AddBlock = Callable[..., bytes]
"""``MslWriter.add`` (possibly wrapped): payload and keyword options in, BlockUUID out."""


class MemoryWriter(Protocol):
    """Writes the Memory Region blocks of the plan's regions."""

    def __call__(self, regions: Sequence[RegionPlan]) -> None:
        """Write every region (in order) as one or more Memory Region blocks."""
        ...


class BlockOut(Protocol):
    """The file the sequence goes to."""

    def add(self, payload: Any, **kwargs: Any) -> bytes:
        """Write one block; returns its BlockUUID."""
        ...

    def write_vas(self, vas: Any) -> None:
        """Write the VAS Map block of the plan's entries."""
        ...

    def finish(self) -> Any:
        """Write End-of-Capture and complete the file."""
        ...


@dataclass
class Layout:
    """Where the optional parts of the sequence go.

    Attributes:
        leading: Blocks before the Process Identity (e.g. Import Provenance).
        index_always: Write the Module List Index even without modules (live capture).
        modules_after_memory: Module Entries after the Memory Regions (live capture)
            instead of right after the index (import).
    """

    leading: list[Any] = field(default_factory=list)
    index_always: bool = False
    modules_after_memory: bool = False


class Steps:
    """Hooks between the steps; the defaults do nothing."""

    def after_index(self, add: AddBlock) -> None:
        """Right after the Module List Index (and, for an import, its entries)."""

    def checkpoint(self) -> None:
        """Between steps (live capture: stop on Ctrl-C)."""

    def after_memory(self, add: AddBlock) -> None:
        """Right after the last Memory Region."""

    def before_module(self, module: ModulePlan) -> None:
        """Just before a Module Entry is written (live capture: hash the file)."""

    def after_module(self, module: ModulePlan) -> None:
        """Just after a Module Entry is written."""


def _identity_block(plan: CapturePlan) -> ProcessIdentity:
    ident = plan.identity
    assert ident is not None
    return ProcessIdentity(ppid=ident.ppid, session_id=ident.session_id, start_time=ident.start_time,
                           exe_path=ident.exe_path, cmd_line=ident.cmd_line)


def _entry_block(m: ModulePlan) -> ModuleEntry:
    extra: dict[str, Any] = {} if m.disk_hash is None else {"disk_hash": m.disk_hash}
    return ModuleEntry(base_addr=m.base, module_size=m.size, path=m.path, version=m.version,
                       native_blob=m.native_blob, reserved2=0, **extra)


def thread_block(thread: ThreadPlan) -> ThreadContext:
    """The Thread Context block of one thread."""
    return ThreadContext(thread_id=thread.thread_id, start_time=thread.start_time, flags=thread.flags,
                         state=thread.state, name=thread.name,
                         registers=[RegisterEntry(name=r.name, flags=r.roles, value=r.value)
                                    for r in thread.registers])


def _module_entries(plan: CapturePlan, out: BlockOut, uuids: list[bytes], index_uuid: bytes | None,
                    steps: Steps, *, check: bool) -> None:
    for uid, module in zip(uuids, plan.modules, strict=True):
        if check:
            steps.checkpoint()
        steps.before_module(module)
        out.add(_entry_block(module), block_uuid=uid, parent_uuid=index_uuid)
        steps.after_module(module)


def write_capture(plan: CapturePlan, out: BlockOut, memory: MemoryWriter, *, layout: Layout | None = None,
                  steps: Steps | None = None) -> Any:
    """Write ``plan`` as the block sequence (see the module docstring) and finish the file.

    Args:
        plan: What to write.
        out: The file (its ``add``, ``write_vas`` and ``finish``).
        memory: Writes the Memory Region blocks.
        layout: Where the optional parts go (default: the import order).
        steps: Hooks between the steps.

    Returns:
        What ``out.finish()`` returns.
    """
    layout = layout or Layout()
    steps = steps or Steps()
    for payload in layout.leading:
        out.add(payload)
    identity_uuid = None
    if plan.identity is not None:
        identity_uuid = out.add(_identity_block(plan), flags=BlockFlags.HAS_CHILDREN if plan.threads else 0)
    uuids = [new_uuid() for _ in plan.modules]
    index_uuid = None
    if plan.modules or layout.index_always:
        index_uuid = out.add(ModuleListIndex(entries=[
            ModuleManifestEntry(module_uuid=u, base_addr=m.base, module_size=m.size, path=m.path)
            for u, m in zip(uuids, plan.modules, strict=True)]),
            flags=BlockFlags.HAS_CHILDREN if plan.modules else 0)
    if not layout.modules_after_memory:
        _module_entries(plan, out, uuids, index_uuid, steps, check=False)
    steps.after_index(out.add)
    for thread in plan.threads:
        out.add(thread_block(thread), parent_uuid=identity_uuid)
    steps.checkpoint()
    memory(plan.regions)
    steps.after_memory(out.add)
    if layout.modules_after_memory:
        _module_entries(plan, out, uuids, index_uuid, steps, check=True)
    steps.checkpoint()
    if plan.vas:
        out.write_vas(plan.vas)
    return out.finish()
