"""msl-conformance/1 adapter for memdiver 1.0.2's reader (run with memdiver's venv python).

Public API used, facts only (see tests/oracles/README.md):

* ``memdiver.msl.reader.MslReader(path)``: ``open()`` parses the header (``file_header``)
  and raises ``MslParseError`` (a ValueError) for what memdiver refuses; ``tag_status``;
  ``iter_blocks(merge_cont=False)`` (capture segment through the End-of-Capture),
  ``iter_extension_blocks()`` (verified extension segments only),
  ``scan_extension_segments()`` (segment numbering), ``collect_regions()``;
* ``memdiver.msl.page_map.get_region_page_data`` - the captured pages of one region;
* ``memdiver.msl.integrity.verify_chain`` - chain (``broken_at``), FileHash, BlockCount,
  extension segments and trailing bytes;
* ``MslReader.collect_process_identity`` / ``collect_key_hints`` / ``collect_modules`` /
  ``collect_module_list_index`` / ``collect_related_dumps`` / ``collect_import_provenance`` /
  ``collect_end_of_capture`` / ``collect_processes`` / ``collect_connections`` - memdiver's
  own payload decoders (``memdiver.msl.decoders``).

memdiver decodes the header, Memory Regions and the payloads above, so the adapter declares
``header``, ``regions`` and ``payloads`` with ``payload_fields``: the fields memdiver's
decoded objects hold, compared with ours field by field. memdiver returns ``""`` for a
string whose length field is 0; the contract leaves such a field out, so the adapter prints
nothing for it (an empty string of length 1 therefore differs: a known failure).
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import logging
import os
import struct
import sys
import types
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
    "features": ["header", "zstd", "lz4", "continuation", "regions", "payloads", "verify-chain", "verify-file-hash",
                 "verify-block-count", "extension-segments", "decryption"],
    "payload_fields": {
        "process_identity": ["ppid", "session_id", "start_time", "exe_path", "cmd_line"],
        "key_hint": ["region_uuid", "region_offset", "len_key", "key_type", "protocol", "confidence", "key_state",
                     "note"],
        "module_entry": ["base_addr", "module_size", "path", "version", "disk_hash"],
        "module_list_index": ["num_entries", "entries.module_uuid", "entries.base_addr", "entries.module_size",
                              "entries.path"],
        "related_dump": ["related_dump_uuid", "related_pid", "relationship"],
        "import_provenance": ["source_format", "tool_name", "import_time", "orig_file_size", "note"],
        "end_of_capture": ["file_hash", "acq_end"],
        "process_table": ["num_entries", "entries.pid", "entries.ppid", "entries.uid", "entries.is_target",
                          "entries.start_time", "entries.rss", "entries.exe_name", "entries.cmd_line",
                          "entries.user"],
        "connection_table": ["num_entries", "entries.pid", "entries.family", "entries.protocol", "entries.state",
                             "entries.local_addr", "entries.local_port", "entries.remote_addr",
                             "entries.remote_port"],
    },
    "notes": "header, framing, Memory Regions, integrity and the payloads memdiver decodes (payload_fields)",
    "batch": True,
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


def _text(value: str) -> str | None:
    """A decoded string; memdiver's ``""`` for a zero length field is an absent field."""
    return value or None


def _hash(raw: bytes) -> str | None:
    """A hash as hex; all zero is "not available" (null, rule C8)."""
    return None if not any(raw) else bytes(raw).hex()


def _renderers() -> dict[int, tuple[Any, Any]]:
    """Block type -> (memdiver decoder, rendering of its result in the contract's field ids)."""
    from memdiver.msl import decoders as d

    return {
        0x0040: (d.decode_process_identity, lambda p: {
            "ppid": dec(p.ppid), "session_id": dec(p.session_id), "start_time": dec(p.start_time_ns),
            "exe_path": p.exe_path, "cmd_line": _text(p.cmd_line)}),
        0x0020: (d.decode_key_hint, lambda k: {
            "region_uuid": uuid_text(k.region_uuid.bytes), "region_offset": dec(k.region_offset),
            "len_key": dec(k.key_length), "key_type": dec(k.key_type), "protocol": dec(k.protocol),
            "confidence": dec(k.confidence), "key_state": dec(k.key_state), "note": _text(k.note)}),
        0x0002: (d.decode_module_entry, lambda m: {
            "base_addr": hexint(m.base_addr), "module_size": hexint(m.module_size), "path": m.path,
            "version": _text(m.version), "disk_hash": _hash(m.disk_hash)}),
        0x0010: (d.decode_module_list_index, lambda m: {
            "num_entries": dec(m.entry_count),
            "entries": [{"module_uuid": uuid_text(e.module_uuid.bytes), "base_addr": hexint(e.base_addr),
                         "module_size": hexint(e.module_size), "path": e.path} for e in m.entries]}),
        0x0041: (d.decode_related_dump, lambda r: {
            "related_dump_uuid": uuid_text(r.related_dump_uuid.bytes), "related_pid": dec(r.related_pid),
            "relationship": dec(r.relationship)}),
        0x0030: (d.decode_import_provenance, lambda i: {
            "source_format": dec(i.source_format), "tool_name": i.tool_name, "import_time": dec(i.import_time_ns),
            "orig_file_size": dec(i.orig_file_size), "note": _text(i.note)}),
        0x0FFF: (d.decode_end_of_capture, lambda e: {"file_hash": bytes(e.file_hash).hex(),
                                                     "acq_end": dec(e.acq_end_ns)}),
        0x0051: (d.decode_process_table, lambda t: {
            "num_entries": dec(t.entry_count),
            "entries": [{"pid": dec(e.pid), "ppid": dec(e.ppid), "uid": dec(e.uid),
                         "is_target": dec(int(e.is_target)), "start_time": dec(e.start_time_ns), "rss": dec(e.rss),
                         "exe_name": _text(e.exe_name), "cmd_line": _text(e.cmd_line), "user": _text(e.user)}
                        for e in t.entries]}),
        0x0052: (d.decode_connection_table, lambda t: {
            "num_entries": dec(t.entry_count),
            "entries": [{"pid": dec(e.pid), "family": dec(e.family), "protocol": dec(e.protocol),
                         "state": hexint(e.state), "local_addr": bytes(e.local_addr).hex(),
                         "local_port": dec(e.local_port), "remote_addr": bytes(e.remote_addr).hex(),
                         "remote_port": dec(e.remote_port)} for e in t.entries]}),
    }


def _payload(renderers: dict[int, tuple[Any, Any]], hdr: Any, payload: bytes) -> dict[str, Any] | None:
    """What memdiver decodes of one block (None: a type it has no decoder for, or it refuses it).

    memdiver reads little-endian files only, so its decoders are given ``"<"``.
    """
    entry = renderers.get(hdr.block_type)
    if entry is None:
        return None
    decoder, render = entry
    try:
        return render(decoder(hdr, bytes(payload), "<"))
    except (ValueError, IndexError, OverflowError, struct.error):
        return None


def _skip_package_init() -> None:
    """Make ``import memdiver.msl...`` load only the modules it needs.

    ``memdiver/__init__.py`` re-exports the whole application (services, pipeline, ibis,
    polars): 1.4 s of CPU before a single byte is read, in every case of the corpus. The
    ``memdiver.msl`` modules import their own submodules (``memdiver.core...``), never a
    name of the top-level package, so a bare package object with the real search path
    serves them unchanged: the same files run, only the unrelated imports are skipped.
    """
    if "memdiver" in sys.modules:
        return
    spec = importlib.util.find_spec("memdiver")
    if spec is None or spec.submodule_search_locations is None:
        return  # the import below reports the missing tool
    package = types.ModuleType("memdiver")
    package.__path__ = list(spec.submodule_search_locations)
    package.__spec__ = spec
    package.__file__ = spec.origin
    sys.modules["memdiver"] = package


def read(path: str, secret: tuple[str, bytes] | None = None) -> tuple[int, dict[str, Any] | None]:
    """Open, walk and verify ``path`` with memdiver (``secret``: feature decryption)."""
    _skip_package_init()
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
        walked = list(reader.iter_blocks(merge_cont=False))
        headers = [hdr for hdr, _payload in walked]
        numbers = {seg.headers[i].file_offset: seg.index + 1 for seg in reader.scan_extension_segments()
                   for i in range(len(seg.headers))}
        ext_walked = list(reader.iter_extension_blocks())
        ext = [hdr for hdr, _payload in ext_walked]
        blocks = []
        for hdr in headers + ext:
            segment = numbers.get(hdr.file_offset, 0) if hdr in ext else 0
            blocks.append(block_entry(len(blocks), hdr.file_offset + shift, hdr.block_type, hdr.flags,
                                      hdr.block_length,
                                      hdr.payload_version, hdr.block_uuid.bytes, hdr.parent_uuid.bytes,
                                      bytes(hdr.prev_hash), segment))
        regions = {r.block_header.file_offset: r for r in reader.collect_regions()}
        renderers = _renderers()
        for entry, (hdr, payload) in zip(blocks, walked + ext_walked, strict=True):
            if hdr.block_type == _REGION and hdr.file_offset in regions:
                entry["payload"] = _region(reader, regions[hdr.file_offset])
            elif hdr.block_type != _REGION:
                decoded = _payload(renderers, hdr, payload)
                if decoded is not None:
                    entry["payload"] = decoded
        eoc_present = any(h.block_type == _EOC for h in headers)
        report = verify_chain(reader)
        unsupported = [e for e in report.errors if e.startswith("Unsupported HashAlgo")]
        if unsupported:  # memdiver stops verifying: it cannot judge the file
            return rejected(f"verify_chain: {unsupported[0]}")
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
