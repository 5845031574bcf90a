"""Oracle: do investigation-table rows encode, with memslicer 0.5.2's own writer, to the
payload memslicer's own iterator reads from a file?

Run with the memslicer oracle venv's python::

    <venv>/bin/python tests/oracles/memslicer_tables.py FILE ROWS.json

``ROWS.json`` holds the rows another reader (ours) decoded from FILE, by table:
``system_context`` (one object), ``process_table``, ``connection_table``,
``handle_table``, ``kernel_module_list``, ``persistence_manifest`` (lists of objects,
bytes as hex). For each table the script builds memslicer's row types, encodes them with
``MSLWriter.write_*`` into memory, and compares the payload with the payload that
``memslicer.msl.iterator.iterate_blocks`` yields for that block type in FILE. It prints
one JSON object: ``{"verify": "ok"|"fail", "tables": {name: "equal"|"differ"|"absent"}}``.
Equal payloads mean memslicer sees exactly the rows the other reader decoded.
"""

from __future__ import annotations

import io
import json
import sys
from typing import Any

from memslicer.msl import types as T
from memslicer.msl.constants import BlockType
from memslicer.msl.iterator import iterate_blocks
from memslicer.msl.verify import verify_slice
from memslicer.msl.writer import MSLWriter

_CODES = {"system_context": int(BlockType.SystemContext), "process_table": int(BlockType.ProcessTable),
          "connection_table": int(BlockType.ConnectionTable), "handle_table": int(BlockType.HandleTable),
          "kernel_module_list": int(BlockType.KernelModuleList),
          "persistence_manifest": int(BlockType.PersistenceManifest)}


def _encode(name: str, rows: Any) -> bytes:
    buf = io.BytesIO()
    writer = MSLWriter(buf, T.FileHeader())
    parent = bytes(16)
    if name == "system_context":
        writer.write_system_context(T.SystemContext(**rows))
    elif name == "process_table":
        writer.write_process_table([T.ProcessEntry(**r) for r in rows], parent_uuid=parent)
    elif name == "connection_table":
        writer.write_connection_table([T.ConnectionEntry(**{**r, "local_addr": bytes.fromhex(r["local_addr"]),
                                                            "remote_addr": bytes.fromhex(r["remote_addr"])})
                                       for r in rows], parent_uuid=parent)
    elif name == "handle_table":
        writer.write_handle_table([T.HandleEntry(**r) for r in rows], parent_uuid=parent)
    elif name == "kernel_module_list":
        writer.write_kernel_module_list(T.KernelModuleList(rows=[T.KernelModuleRow(**r) for r in rows]))
    elif name == "persistence_manifest":
        writer.write_persistence_manifest(T.PersistenceManifest(rows=[T.PersistenceRow(**r) for r in rows]))
    buf.seek(0)
    return next(r.payload for r in iterate_blocks(buf) if r.block_type == _CODES[name])


def main() -> int:
    path, rows_path = sys.argv[1], sys.argv[2]
    with open(rows_path) as handle:
        decoded = json.load(handle)
    with open(path, "rb") as f:
        report = verify_slice(f, None)
        f.seek(0)
        payloads = {r.block_type: bytes(r.payload) for r in iterate_blocks(f)}
    out: dict[str, str] = {}
    for name, rows in decoded.items():
        have = payloads.get(_CODES[name])
        if have is None:
            out[name] = "absent"
            continue
        out[name] = "equal" if _encode(name, rows) == have else "differ"
    json.dump({"verify": "ok" if report.valid else "fail", "tables": out}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
