"""Oracle: read and verify a ``.msl`` file with memdiver 1.0.2.

Run with the memdiver oracle venv's python (see ``venvs.py``)::

    <venv>/bin/python tests/oracles/memdiver_read.py FILE [--passphrase P]
        [--key-hex HEX] [--kem-key-file PATH] [--verify-only]

Prints one JSON object on stdout (contract in ``_oracle_common.py``).

APIs used (all from the installed ``memdiver`` package):

* ``memdiver.msl.reader.MslReader(path, key=, passphrase=, kem_private_key=)``:
  ``open()`` parses the header and, for an encrypted file, derives the key
  and checks the AEAD tag, recording the outcome in ``tag_status``;
* ``memdiver.msl.integrity.verify_chain(reader)`` -> ``IntegrityReport``;
* ``MslReader.iter_blocks(merge_cont=False)`` (capture segment, through the
  EoC) and ``MslReader.iter_extension_blocks()`` (verified extension
  segments) for the block list;
* ``MslReader.collect_regions()`` and
  ``memdiver.msl.page_map.get_region_page_data(reader, region)`` for the
  captured page bytes of every region.

Verdict: ``"error"`` when ``open()`` raises or no key material usable for
the file was given (``tag_status`` MISSING_KEY); ``"fail"`` when the AEAD
tag does not verify (CORRUPTED) or ``verify_chain`` reports
``valid=False``; ``"ok"`` otherwise. ``seconds`` in ``--verify-only`` mode
covers ``open()`` (which does the decryption and tag check of an encrypted
file) plus ``verify_chain``; ``open_seconds`` and ``chain_seconds`` split it.
"""

from __future__ import annotations

import importlib.metadata
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from _oracle_common import (
    VERIFY_ERROR,
    VERIFY_FAIL,
    VERIFY_OK,
    RegionTally,
    block_entry,
    build_parser,
    crash,
    describe,
    emit,
    stdout_to_stderr,
)

TOOL = "memdiver"


class BlockStreamUnavailable(RuntimeError):
    """memdiver opened the file but exposes no block stream (not decrypted)."""


def tool_version() -> str:
    """The installed memdiver distribution version."""
    return importlib.metadata.version("memdiver")


def make_reader(path: Path, passphrase: str | None, key_hex: str | None, kem_key_file: Path | None) -> Any:
    """Build an unopened ``MslReader`` with whatever key material was given."""
    from memdiver.msl.reader import MslReader

    return MslReader(
        path,
        key=bytes.fromhex(key_hex) if key_hex else None,
        passphrase=passphrase.encode("utf-8") if passphrase is not None else None,
        kem_private_key=kem_key_file.read_bytes() if kem_key_file else None,
    )


def open_reader(reader: Any) -> tuple[ValueError | None, float]:
    """``reader.open()``, timed; returns the ``ValueError`` it raised, if any.

    memdiver's parse, auth and crypto errors all subclass ``ValueError``
    (a refusal: the ``"error"`` verdict); anything else propagates as a
    tool crash.
    """
    start = time.perf_counter()
    try:
        reader.open()
    except ValueError as exc:
        return exc, time.perf_counter() - start
    return None, time.perf_counter() - start


def run_verify(reader: Any) -> tuple[dict[str, Any], float]:
    """Verdict for an opened reader: tag status first, then ``verify_chain``."""
    from memdiver.msl.enums import TagStatus
    from memdiver.msl.integrity import verify_chain

    status = reader.tag_status
    fields: dict[str, Any] = {
        "tag_status": status.value,
        "encrypted": bool(reader.file_header.encrypted),
    }
    if status == TagStatus.MISSING_KEY:
        detail = "encrypted file: no usable key material for its KDF/KEM (tag_status missing_key)"
        return {**fields, "verify": VERIFY_ERROR, "verify_detail": detail}, 0.0
    if status == TagStatus.CORRUPTED:
        detail = "AEAD tag does not verify: wrong key or modified file (tag_status corrupted)"
        return {**fields, "verify": VERIFY_FAIL, "verify_detail": detail}, 0.0
    start = time.perf_counter()
    report = verify_chain(reader)
    seconds = time.perf_counter() - start
    if report.valid:
        detail = f"valid: {report.block_count} capture blocks, {len(report.segments)} extension segment(s)"
        if report.warnings:
            detail += "; warnings: " + "; ".join(report.warnings)
    else:
        detail = "; ".join(report.errors)
    fields.update(
        {
            "verify": VERIFY_OK if report.valid else VERIFY_FAIL,
            "verify_detail": detail,
            "verify_errors": list(report.errors),
            "verify_warnings": list(report.warnings),
            "chain_ok": report.broken_at is None,
            "file_hash_ok": report.file_hash_ok,
            "capture_block_count": report.block_count,
            # memdiver numbers segments from 0; the output uses 1 for the first
            # extension segment, as memslicer does (0 is the capture segment).
            "extension_segments": [
                {"index": s.index + 1, "block_count": s.block_count, "verified": s.verified} for s in report.segments
            ],
        }
    )
    return fields, seconds


def _segment_numbers(reader: Any) -> dict[tuple[int, int], int]:
    """Map ``(seal_index, offset)`` of each extension block to its segment number.

    memdiver numbers in-stream segments from 0; the output numbers them
    from 1 (0 is the capture segment). Sealed segments continue after them.
    """
    numbers: dict[tuple[int, int], int] = {}
    in_stream = reader.scan_extension_segments()
    for seg in in_stream:
        for hdr in seg.headers:
            numbers[(0, hdr.file_offset)] = seg.index + 1
    for sealed in reader.sealed_segments():
        seg = sealed.segment
        for hdr in seg.headers:
            numbers[(hdr.seal_index, hdr.file_offset)] = len(in_stream) + hdr.seal_index
    return numbers


def run_read(reader: Any) -> dict[str, Any]:
    """List blocks and tally the captured pages of every region."""
    from memdiver.msl.enums import BlockType
    from memdiver.msl.page_map import get_region_page_data

    if reader.buffer_length == 0:
        raise BlockStreamUnavailable(f"no block stream to read (tag_status {reader.tag_status.value})")
    blocks: list[dict[str, int]] = []
    for hdr, _payload in reader.iter_blocks(merge_cont=False):
        blocks.append(block_entry(len(blocks), hdr.block_type, hdr.file_offset, hdr.block_length, 0))
    numbers = _segment_numbers(reader)
    for hdr, _payload in reader.iter_extension_blocks():
        segment = numbers.get((hdr.seal_index, hdr.file_offset), -1)
        blocks.append(block_entry(len(blocks), hdr.block_type, hdr.file_offset, hdr.block_length, segment))

    tally = RegionTally()
    regions = reader.collect_regions()
    for region in regions:
        tally.add(get_region_page_data(reader, region))
    region_blocks = sum(1 for b in blocks if b["type"] == BlockType.MEMORY_REGION)
    if region_blocks != len(regions):
        tally.region_errors.append(
            f"{region_blocks} MemoryRegion blocks but collect_regions() decoded {len(regions)} "
            "(memdiver skips malformed regions with a logged warning)"
        )
    return {
        "blocks": blocks,
        "block_count": len(blocks),
        "region_blocks": region_blocks,
        **tally.as_dict(),
    }


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit status."""
    args = build_parser(TOOL, extra_key_options=True).parse_args(argv)
    with stdout_to_stderr() as out:
        return _run(out, args)


def _run(out: TextIO, args: Any) -> int:
    """Do the work of :func:`main` with stdout already guarded."""
    known: dict[str, Any] = {"tool": TOOL, "file": str(args.file)}
    try:
        known["version"] = tool_version()
        reader = make_reader(args.file, args.passphrase, args.key_hex, args.kem_key_file)
        open_error, open_seconds = open_reader(reader)
    except Exception as exc:  # noqa: BLE001 - any tool crash is reported, not raised
        return crash(out, known, exc, "open")
    try:
        if open_error is not None:
            known.update({"verify": VERIFY_ERROR, "verify_detail": describe(open_error)})
            if args.verify_only:
                emit(out, {**known, "seconds": open_seconds, "open_seconds": open_seconds})
                return 0
            return crash(out, known, open_error, "open")
        try:
            verify_fields, chain_seconds = run_verify(reader)
        except Exception as exc:  # noqa: BLE001
            return crash(out, known, exc, "verify")
        known.update(verify_fields)
        if args.verify_only:
            timing = {
                "seconds": open_seconds + chain_seconds,
                "open_seconds": open_seconds,
                "chain_seconds": chain_seconds,
            }
            emit(out, {**known, **timing})
            return 0
        try:
            read_fields = run_read(reader)
        except Exception as exc:  # noqa: BLE001
            return crash(out, known, exc, "read")
        emit(out, {**known, **read_fields})
        return 0
    finally:
        reader.close()


if __name__ == "__main__":
    sys.exit(main())
