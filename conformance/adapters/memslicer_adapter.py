"""msl-conformance/1 adapter for memslicer 0.5.2's reader (run with memslicer's venv python).

Public API used, facts only (see tests/oracles/README.md):

* ``memslicer.msl.iterator.read_file_header_info`` - magic, HeaderSize, HashAlgo, Flags;
  raises ValueError for what memslicer refuses;
* ``memslicer.msl.iterator.iterate_blocks`` - the block walk: capture segment through the
  End-of-Capture, then the extension segments it accepts; raises ValueError or
  NotImplementedError (Continuation) on what it cannot read;
* ``memslicer.msl.verify.verify_slice`` - chain (``broken_at``), FileHash, BlockCount,
  extension segments (``verified``) and trailing bytes.

* ``memslicer.msl.writer.parse_thread_context`` / ``parse_vas_map`` /
  ``parse_module_build_id_manifest`` / ``parse_region_omission_manifest`` /
  ``parse_end_of_capture`` / ``parse_end_of_extension`` - memslicer's own payload parsers,
  applied to the decompressed payloads ``iterate_blocks`` yields.

memslicer has no public decoder for the file header or Memory Regions, so this adapter
declares neither ``header`` nor ``regions``; it declares ``payloads`` with
``payload_fields``: the fields memslicer's parsers return, compared with ours field by
field. A ValueError from memslicer while walking is its refusal of the file: exit status 1.
"""

from __future__ import annotations

import os
import struct
import sys
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _contract import CONTRACT, EXIT_ACCEPT, block_entry, dec, hexint, main, rejected  # noqa: E402

CAPABILITIES = {
    "contract": CONTRACT,
    "canon": "msl-canon/1",
    "name": "memslicer",
    "language": "python",
    "homepage": "https://pypi.org/project/memslicer/",
    "spec_versions": ["1.0", "1.1"],
    "features": ["zstd", "lz4", "payloads", "verify-chain", "verify-file-hash", "verify-block-count",
                 "extension-segments"],
    "payload_fields": {
        "thread_context": ["thread_id", "start_time", "flags", "state", "arch", "name", "registers.name",
                           "registers.width", "registers.flags", "registers.value"],
        "vas_map": ["num_entries", "entries.base_addr", "entries.region_size", "entries.protection",
                    "entries.region_type", "entries.mapped_path", "entries.name_source"],
        "module_build_id_manifest": ["num_rows", "rows.base_addr", "rows.len_build_id", "rows.build_id_source",
                                     "rows.flags", "rows.disk_hash"],
        "region_omission_manifest": ["num_rows", "scope", "rows.base_addr", "rows.region_size", "rows.protection",
                                     "rows.region_type", "rows.reason", "rows.name"],
        "end_of_capture": ["file_hash", "acq_end"],
        "end_of_extension": ["segment_hash", "written_at", "block_count", "producer"],
    },
    "notes": "framing, integrity and the payloads memslicer's parsers decode (payload_fields); no header decoder",
    "batch": True,
}
"""The capabilities without ``version`` (see :func:`capabilities`)."""


def capabilities() -> dict[str, Any]:
    """The capabilities document, with the installed memslicer's version.

    Looked up only when asked: ``importlib.metadata`` (it imports ``email``) is slow to import,
    and ``read`` does not need it.
    """
    import importlib.metadata

    return {**CAPABILITIES, "version": importlib.metadata.version("memslicer")}


def _text(value: str) -> str | None:
    """A parsed string; memslicer's ``""`` for a zero length field is an absent field."""
    return value or None


def _hash(raw: bytes) -> str | None:
    """A hash as hex; all zero is "not available" (null, rule C8)."""
    return None if not any(raw) else bytes(raw).hex()


def _renderers() -> dict[int, tuple[Any, Any]]:
    """Block type -> (memslicer parser, rendering of its result in the contract's field ids)."""
    from memslicer.msl import writer as w

    return {
        0x0011: (w.parse_thread_context, lambda t: {
            "thread_id": dec(t.thread_id), "start_time": dec(t.start_time_ns), "flags": hexint(t.flags),
            "state": dec(int(t.state)), "arch": dec(t.arch), "name": _text(t.name),
            "registers": [{"name": r.name, "width": dec(r.width), "flags": hexint(r.flags),
                           "value": bytes(r.value).hex()} for r in t.registers]}),
        0x1001: (w.parse_vas_map, lambda entries: {
            "num_entries": dec(len(entries)),
            "entries": [{"base_addr": hexint(e.base_addr), "region_size": hexint(e.region_size),
                         "protection": hexint(e.protection), "region_type": dec(int(e.region_type)),
                         "mapped_path": _text(e.mapped_path), "name_source": dec(int(e.name_source))}
                        for e in entries]}),
        0x005A: (w.parse_module_build_id_manifest, lambda m: {
            "num_rows": dec(len(m.rows)),
            "rows": [{"base_addr": hexint(r.base_addr), "len_build_id": dec(r.build_id_len),
                      "build_id_source": dec(r.build_id_source), "flags": hexint(r.flags),
                      "disk_hash": _hash(r.disk_hash)} for r in m.rows]}),
        0x005B: (w.parse_region_omission_manifest, lambda m: {
            "num_rows": dec(len(m.rows)), "scope": m.scope,
            "rows": [{"base_addr": hexint(r.base_addr), "region_size": hexint(r.size),
                      "protection": hexint(r.protection), "region_type": dec(int(r.region_type)),
                      "reason": dec(int(r.reason)), "name": _text(r.name)} for r in m.rows]}),
        0x0FFF: (w.parse_end_of_capture, lambda e: {"file_hash": bytes(e.file_hash).hex(),
                                                    "acq_end": dec(e.acq_end_ns)}),
        0x0FFE: (w.parse_end_of_extension, lambda e: {
            "segment_hash": bytes(e.segment_hash).hex(), "written_at": dec(e.written_at_ns),
            "block_count": dec(e.block_count), "producer": _text(e.producer)}),
    }


def _payload(renderers: dict[int, tuple[Any, Any]], record: Any) -> dict[str, Any] | None:
    """What memslicer parses of one block (None: no parser for its type, or the parser refuses it)."""
    entry = renderers.get(record.block_type)
    if entry is None or record.payload_version != 1:
        return None
    parser, render = entry
    try:
        return render(parser(bytes(record.payload)))
    except (ValueError, IndexError, struct.error):
        return None


def _integrity(report: Any) -> tuple[dict[str, Any], int]:
    """Contract integrity section and the number of leading verified extension segments."""
    counts = (report.header_block_count, report.eoc_block_count)
    if not report.eoc_present or not any(counts):
        block_count = "n/a"
    else:
        block_count = "ok" if report.block_count_ok else "mismatch"
    presented = []
    for seg in report.segments:
        if not seg.verified:
            break
        presented.append({"index": dec(seg.index), "blocks": dec(seg.block_count), "segment_hash": "ok",
                          "block_count": "ok"})
    file_hash = "n/a" if report.file_hash_ok is None else ("ok" if report.file_hash_ok else "mismatch")
    return {
        "chain": "ok" if report.broken_at is None else "broken",
        "first_bad_block": None if report.broken_at is None else dec(report.broken_at),
        "eoc": "present" if report.eoc_present else "absent",
        "file_hash": file_hash,
        "block_count": block_count,
        "segments": presented,
        "trailing_bytes": hexint(report.trailing_bytes),
    }, len(presented)


def read(path: str) -> tuple[int, dict[str, Any] | None]:
    """Walk and verify ``path`` with memslicer."""
    from memslicer.msl.constants import FLAG_ENCRYPTED, BlockType
    from memslicer.msl.iterator import iterate_blocks, read_file_header_info
    from memslicer.msl.verify import verify_slice

    with open(path, "rb") as f:
        try:
            _header_size, _hash_algo, flags = read_file_header_info(f)
        except (ValueError, OSError) as exc:
            return rejected(f"read_file_header_info: {exc}")
        if flags & FLAG_ENCRYPTED:
            return rejected("encrypted file: memslicer needs the passphrase to read anything")
        try:
            report = verify_slice(f)
        except ValueError as exc:  # e.g. "unsupported integrity hash algorithm": memslicer refuses the file
            return rejected(f"verify_slice: {exc}")
        integrity, presented = _integrity(report)
        blocks = []
        complete = False
        renderers = _renderers()
        try:
            for record in iterate_blocks(f):
                if record.segment > presented:
                    break
                blocks.append(block_entry(len(blocks), record.start_offset, record.block_type, record.flags,
                                          record.length, record.payload_version, record.block_uuid,
                                          record.parent_uuid, record.prev_hash, record.segment))
                decoded = _payload(renderers, record)
                if decoded is not None:
                    blocks[-1]["payload"] = decoded
                complete = complete or (record.block_type == BlockType.EndOfCapture and record.segment == 0)
        except (ValueError, NotImplementedError) as exc:
            return rejected(f"iterate_blocks: {type(exc).__name__}: {exc}")
    vas_maps = [b["index"] for b in blocks if b["type"] == "0x1001" and "payload" in b]
    doc = {"canon": "msl-canon/1", "result": "complete" if complete else "truncated", "blocks": blocks,
           "integrity": integrity, "effective": {"vas_map": vas_maps[-1] if vas_maps else None}}
    return EXIT_ACCEPT, doc


if __name__ == "__main__":
    sys.exit(main(capabilities, read))
