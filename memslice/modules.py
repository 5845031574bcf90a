"""The module list of a capture, with its Module BuildId Manifests merged in.

Module Entries come from the capture segment; Module BuildId Manifest rows (0x005A) from
the capture segment or extension segments (never trailing data), keyed by BaseAddr
(format-catalogue 6.20): a row's build id is attached to the module at the same base, and
its DiskHash replaces the module's when the module's is all zero and the row's is not (a
non-zero DiskHash is never replaced). Rows that match no module are returned as dangling.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from memslice.errors import MslError
from memslice.generated.registry import block_id
from memslice.integrity import ZERO_HASH
from memslice.reader import MslReader

_WANTED = frozenset({"module_entry", "module_build_id_manifest"})


@dataclass
class ModuleView:
    """One module after merging.

    Attributes:
        base: BaseAddr.
        size: ModuleSize.
        path: Path.
        version: Version string.
        disk_hash: DiskHash after merging.
        disk_hash_from: ``module_entry``, ``manifest`` or ``none``.
        build_id: Build id from a manifest (b"" when none).
        build_id_source: BuildIdSource of that row (0 when none).
    """

    base: int
    size: int
    path: str
    version: str | None
    disk_hash: bytes
    disk_hash_from: str
    build_id: bytes = b""
    build_id_source: int = 0


@dataclass
class ModuleList:
    """Merged modules and the manifest rows that matched none.

    Attributes:
        modules: In file order.
        dangling: (BaseAddr, build id) of manifest rows without a module.
        skipped: Module Entry / manifest blocks that could not be decoded (and why).
    """

    modules: list[ModuleView] = field(default_factory=list)
    dangling: list[tuple[int, bytes]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def module_list(reader: MslReader) -> ModuleList:
    """The capture's modules with every manifest row merged (later rows win for build ids)."""
    out = ModuleList()
    by_base: dict[int, ModuleView] = {}
    rows = []
    for record in reader.blocks:
        name = block_id(record.block_type, reader.dialect)
        if name not in _WANTED or record.segment < 0:
            continue
        try:
            block = reader.decode(record)
        except MslError as exc:  # one bad block costs its rows, not the list
            out.skipped.append(str(exc))
            continue
        p = block.payload
        if p is None:
            continue
        if block.block_id == "module_entry" and block.record.segment == 0:
            digest = bytes(p.disk_hash)
            view = ModuleView(base=p.base_addr, size=p.module_size, path=p.path or "", version=p.version,
                              disk_hash=digest, disk_hash_from="module_entry" if digest != ZERO_HASH else "none")
            out.modules.append(view)
            by_base.setdefault(view.base, view)
        elif block.block_id == "module_build_id_manifest":
            rows.extend(p.rows)
    for row in rows:
        bid = bytes(row.build_id)[:row.len_build_id]
        view = by_base.get(row.base_addr)
        if view is None:
            out.dangling.append((row.base_addr, bid))
            continue
        if bid:
            view.build_id, view.build_id_source = bid, row.build_id_source
        digest = bytes(row.disk_hash)
        if digest != ZERO_HASH and view.disk_hash == ZERO_HASH:
            view.disk_hash, view.disk_hash_from = digest, "manifest"
    return out
