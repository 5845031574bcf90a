"""The engine's hooks for investigation mode and the Region Omission Manifest.

Kept out of :mod:`memslice.acquirer.engine` so the engine only calls three functions:
:func:`collect` (before the freeze, so the target is not held while the host is
surveyed), :func:`write` (right after the Module List Index, memslicer 0.5.2's place) and
:func:`omission_manifest` (after the Memory Regions, when filters skipped mappings).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from memslice.acquirer.errors import UnsupportedTargetError
from memslice.acquirer.options import SCOPES, CaptureOptions
from memslice.acquirer.source import CaptureSource, Mapping, UnsupportedOperation
from memslice.generated.blocks.region_omission_manifest import OmissionRow, RegionOmissionManifest
from memslice.generated.enums import BlockFlags, OmissionReason

AddBlock = Callable[..., bytes]
"""``MslWriter.add`` (wrapped by the engine's failure handling)."""


def collect(source: CaptureSource, options: CaptureOptions) -> Any | None:
    """The investigation tables when ``--investigate`` was given, else None.

    Raises:
        UnsupportedTargetError: The backend collects no investigation tables.
    """
    if not options.investigate:
        return None
    try:
        return source.investigate(options)
    except UnsupportedOperation as exc:
        raise UnsupportedTargetError(f"--investigate: the {source.name} backend collects no tables ({exc})") from None


def write(inv: Any, add: AddBlock) -> None:
    """Write the System Context and every collected table, in order.

    Process, Connection and Handle Table name the System Context as their parent (which
    then carries HasChildren).
    """
    written = inv.written()
    has_children = any(t.child_of_context for t in written)
    context_uuid = add(inv.context, flags=BlockFlags.HAS_CHILDREN if has_children else 0)
    for table in written:
        add(table.payload, parent_uuid=context_uuid if table.child_of_context else None)


def _scope_text(options: CaptureOptions) -> str:
    parts: list[str] = []
    if options.scope is not None:
        parts.append(",".join(word for word, kind in SCOPES.items() if kind in options.scope))
    if options.filter_prot:
        parts.append(f"prot={options.filter_prot:#x}")
    parts += [f"addr=0x{lo:x}-0x{hi:x}" for lo, hi in options.filter_addr]
    return ";".join(parts)


def omission_manifest(excluded: Sequence[tuple[Mapping, int, int]],
                      options: CaptureOptions) -> RegionOmissionManifest | None:
    """The manifest of mappings the filters left out on purpose, or None when none were.

    Args:
        excluded: (mapping, Protection, RegionType) of each mapping left out.
        options: The filters (recorded as the manifest's scope text).
    """
    if not excluded:
        return None
    rows = [OmissionRow(base_addr=m.start, region_size=m.size, protection=prot, region_type=rtype,
                        reason=int(OmissionReason.SCOPE), name=m.path.replace("\0", "") or None)
            for m, prot, rtype in excluded]
    return RegionOmissionManifest(scope=_scope_text(options) or None, patterns=None, rows=rows)
