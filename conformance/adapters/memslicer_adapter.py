"""msl-conformance/1 adapter for memslicer 0.5.2's reader (run with memslicer's venv python).

Public API used, facts only (see tests/oracles/README.md):

* ``memslicer.msl.iterator.read_file_header_info`` - magic, HeaderSize, HashAlgo, Flags;
  raises ValueError for what memslicer refuses;
* ``memslicer.msl.iterator.iterate_blocks`` - the block walk: capture segment through the
  End-of-Capture, then the extension segments it accepts; raises ValueError or
  NotImplementedError (Continuation) on what it cannot read;
* ``memslicer.msl.verify.verify_slice`` - chain (``broken_at``), FileHash, BlockCount,
  extension segments (``verified``) and trailing bytes.

memslicer has no public decoder for the file header or for payloads, so this adapter
declares neither ``header`` nor ``regions``/``payloads``. A ValueError from memslicer while
reading is its refusal of the file: exit status 1.
"""

from __future__ import annotations

import importlib.metadata
import os
import sys
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _contract import CONTRACT, EXIT_ACCEPT, block_entry, dec, hexint, main, rejected  # noqa: E402

CAPABILITIES = {
    "contract": CONTRACT,
    "canon": "msl-canon/1",
    "name": "memslicer",
    "version": importlib.metadata.version("memslicer"),
    "language": "python",
    "homepage": "https://pypi.org/project/memslicer/",
    "spec_versions": ["1.0", "1.1"],
    "features": ["zstd", "lz4", "verify-chain", "verify-file-hash", "verify-block-count", "extension-segments"],
    "notes": "framing and integrity only: memslicer has no public header or payload decoder",
}


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
        report = verify_slice(f)
        integrity, presented = _integrity(report)
        blocks = []
        complete = False
        try:
            for record in iterate_blocks(f):
                if record.segment > presented:
                    break
                blocks.append(block_entry(len(blocks), record.start_offset, record.block_type, record.flags,
                                          record.length, record.payload_version, record.block_uuid,
                                          record.parent_uuid, record.prev_hash, record.segment))
                complete = complete or (record.block_type == BlockType.EndOfCapture and record.segment == 0)
        except (ValueError, NotImplementedError) as exc:
            return rejected(f"iterate_blocks: {type(exc).__name__}: {exc}")
    doc = {"canon": "msl-canon/1", "result": "complete" if complete else "truncated", "blocks": blocks,
           "integrity": integrity}
    return EXIT_ACCEPT, doc


if __name__ == "__main__":
    sys.exit(main(CAPABILITIES, read))
