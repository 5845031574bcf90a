"""msl-conformance/1 adapter for memdiver 1.0.2's reader (run with memdiver's venv python).

Public API used, facts only (see tests/oracles/README.md):

* ``memdiver.msl.reader.MslReader(path)``: ``open()`` parses the header (``file_header``)
  and raises ``MslParseError`` (a ValueError) for what memdiver refuses; ``tag_status``;
  ``iter_blocks(merge_cont=False)`` (capture segment through the End-of-Capture),
  ``iter_extension_blocks()`` (verified extension segments only),
  ``scan_extension_segments()`` (segment numbering), ``collect_regions()``;
* ``memdiver.msl.page_map.get_region_page_data`` - the captured pages of one region;
* ``memdiver.msl.integrity.verify_chain`` - chain (``broken_at``), FileHash, BlockCount,
  extension segments and trailing bytes.

memdiver decodes the header and Memory Regions, so the adapter declares ``header`` and
``regions``; other payloads are not compared (``payloads`` is not declared).
"""

from __future__ import annotations

import importlib.metadata
import logging
import os
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _contract import (  # noqa: E402
    CONTRACT,
    EXIT_ACCEPT,
    block_entry,
    captured_summary,
    dec,
    hexint,
    main,
    page_runs,
    rejected,
    uuid_text,
)

CAPABILITIES = {
    "contract": CONTRACT,
    "canon": "msl-canon/1",
    "name": "memdiver",
    "version": importlib.metadata.version("memdiver"),
    "language": "python",
    "homepage": "https://pypi.org/project/memdiver/",
    "spec_versions": ["1.0", "1.1"],
    "features": ["header", "zstd", "lz4", "continuation", "regions", "verify-chain", "verify-file-hash",
                 "verify-block-count", "extension-segments", "decryption"],
    "notes": "header, framing, Memory Regions and integrity; other payloads are not compared",
}
_EOC = 0x0FFF
_REGION = 0x0001


def _header(h: Any) -> dict[str, Any]:
    return {"magic": b"MEMSLICE".hex(), "endianness": dec(h.endianness), "header_size": dec(h.header_size),
            "version": hexint((h.version_major << 8) | h.version_minor), "flags": hexint(h.flags),
            "cap_bitmap": hexint(h.cap_bitmap), "dump_uuid": uuid_text(h.dump_uuid.bytes),
            "timestamp": dec(h.timestamp_ns), "os_type": dec(h.os_type), "arch_type": dec(h.arch_type),
            "pid": dec(h.pid), "clock_source": dec(h.clock_source), "block_count": dec(h.block_count),
            "hash_algo": dec(h.hash_algo)}


def _integrity(report: Any, eoc_present: bool, offsets: list[int]) -> dict[str, Any]:
    """Contract integrity; memdiver's ``broken_at`` is a file offset, mapped to a block index."""
    if not eoc_present or not (report.header_block_count or report.eoc_block_count):
        block_count = "n/a"
    else:
        block_count = "ok" if report.block_count_ok else "mismatch"
    presented = []
    for seg in report.segments:
        if not seg.verified:
            break
        presented.append({"index": dec(seg.index + 1), "blocks": dec(seg.block_count), "segment_hash": "ok",
                          "block_count": "ok"})
    file_hash = "n/a" if report.file_hash_ok is None else ("ok" if report.file_hash_ok else "mismatch")
    first_bad = None if report.broken_at is None else sum(1 for o in offsets if o < report.broken_at)
    return {"chain": "ok" if report.broken_at is None else "broken",
            "first_bad_block": None if first_bad is None else dec(first_bad),
            "eoc": "present" if eoc_present else "absent", "file_hash": file_hash, "block_count": block_count,
            "segments": presented, "trailing_bytes": hexint(report.trailing_bytes)}


def _region(reader: Any, region: Any) -> dict[str, Any]:
    from memdiver.msl.page_map import get_region_page_data

    return {"base_addr": hexint(region.base_addr), "region_size": hexint(region.region_size),
            "protection": hexint(region.protection), "region_type": dec(region.region_type),
            "page_size_log2": dec(region.page_size_log2), "timestamp": dec(region.timestamp_ns),
            "page_states": page_runs([int(s) for s in region.page_states]),
            **captured_summary(bytes(get_region_page_data(reader, region)))}


def read(path: str, secret: tuple[str, bytes] | None = None) -> tuple[int, dict[str, Any] | None]:
    """Open, walk and verify ``path`` with memdiver (``secret``: feature decryption)."""
    from memdiver.msl.enums import TagStatus
    from memdiver.msl.integrity import verify_chain
    from memdiver.msl.reader import MslReader

    logging.disable(logging.CRITICAL)
    keys: dict[str, Any] = {}
    if secret is not None:
        kind, data = secret
        keys = {"key": {"key": data}, "passphrase": {"passphrase": data},
                "identity": {"kem_private_key": data}}[kind]
    reader = MslReader(Path(path), **keys)
    try:
        reader.open()
    except Exception as exc:  # noqa: BLE001 - memdiver raises its own crypto/auth errors, all rejections here
        return rejected(f"MslReader.open: {type(exc).__name__}: {exc}")
    shift = 0
    try:
        if reader.file_header.encrypted:
            if getattr(reader, "tag_status", None) != TagStatus.VALID:
                return rejected(f"encrypted file: tag status {getattr(reader, 'tag_status', None)}")
            shift = reader._ciphertext_start()  # its offsets are in the decrypted stream (block 0 at 0)
        headers = [hdr for hdr, _payload in reader.iter_blocks(merge_cont=False)]
        numbers = {seg.headers[i].file_offset: seg.index + 1 for seg in reader.scan_extension_segments()
                   for i in range(len(seg.headers))}
        ext = [hdr for hdr, _payload in reader.iter_extension_blocks()]
        blocks = []
        for hdr in headers + ext:
            segment = numbers.get(hdr.file_offset, 0) if hdr in ext else 0
            blocks.append(block_entry(len(blocks), hdr.file_offset + shift, hdr.block_type, hdr.flags,
                                      hdr.block_length,
                                      hdr.payload_version, hdr.block_uuid.bytes, hdr.parent_uuid.bytes,
                                      bytes(hdr.prev_hash), segment))
        regions = {r.block_header.file_offset: r for r in reader.collect_regions()}
        for entry, hdr in zip(blocks, headers + ext, strict=True):
            if hdr.block_type == _REGION and hdr.file_offset in regions:
                entry["payload"] = _region(reader, regions[hdr.file_offset])
        eoc_present = any(h.block_type == _EOC for h in headers)
        report = verify_chain(reader)
        doc = {"canon": "msl-canon/1", "result": "complete" if eoc_present else "truncated",
               "header": _header(reader.file_header), "blocks": blocks,
               "integrity": _integrity(report, eoc_present, [h.file_offset for h in headers + ext])}
        if shift:
            doc["integrity"]["chain"] = "not-checked"  # zero PrevHash, the tag protects the stream (V11-C16)
        return EXIT_ACCEPT, doc
    except ValueError as exc:
        return rejected(f"{type(exc).__name__}: {exc}")
    finally:
        reader.close()


if __name__ == "__main__":
    sys.exit(main(CAPABILITIES, read))
