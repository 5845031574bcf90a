"""Oracle: read and verify a ``.msl`` file with memslicer 0.5.2.

Run with the memslicer oracle venv's python (see ``venvs.py``)::

    <venv>/bin/python tests/oracles/memslicer_read.py FILE [--passphrase P] [--verify-only]

Prints one JSON object on stdout (contract in ``_oracle_common.py``).

APIs used (all from the installed ``memslicer`` package):

* ``memslicer.msl.verify.verify_slice(f, passphrase)`` -> ``VerifyReport``:
  the verdict is ``"ok"`` when ``report.valid`` (no errors), ``"fail"``
  otherwise; ``"error"`` when it raises (unreadable header, or an encrypted
  file without a passphrase);
* ``memslicer.msl.iterator.iterate_blocks(f, passphrase)`` -> ``BlockRecord``
  (decompressed, decrypted payloads; capture segment then extension
  segments) for the block list and the region payloads.

memslicer 0.5.2 has no public decoder for a Memory Region payload (the
only parser, in ``cli_enrich``, is private and reads the first page only),
so this script splits the decompressed payload itself, following the spec
layout (spec 1.1 Table 11): a 32-byte fixed part with ``RegionSize`` at
0x08 and ``PageSizeLog2`` at 0x12, a PageStateMap of 2 bits per page (page
0 in the top bits, padded to 8 bytes), then the data of the pages whose
state is 00 (Captured), in page order.
"""

from __future__ import annotations

import importlib.metadata
import struct
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

TOOL = "memslicer"

#: Fixed part of a Memory Region payload, before the PageStateMap.
_REGION_FIXED = 0x20
#: PageSizeLog2 range the spec admits (producer rule 14, consumer rule 10).
_LOG2_MIN, _LOG2_MAX = 10, 40
#: Number of 00 (Captured) two-bit fields in each possible map byte.
_CAPTURED_IN_BYTE = [sum(1 for shift in (6, 4, 2, 0) if (b >> shift) & 3 == 0) for b in range(256)]


def tool_version() -> str:
    """The installed memslicer distribution version."""
    return importlib.metadata.version("memslicer")


def run_verify(path: Path, passphrase: str | None) -> tuple[dict[str, Any], float]:
    """Run ``verify_slice`` on ``path``; return the JSON fields and its wall time.

    A ``ValueError`` (memslicer's documented refusal: unreadable header or
    missing passphrase) becomes the ``"error"`` verdict; any other exception
    propagates as a tool crash.
    """
    from memslicer.msl.verify import verify_slice

    with open(path, "rb") as f:
        start = time.perf_counter()
        try:
            report = verify_slice(f, passphrase)
        except ValueError as exc:
            seconds = time.perf_counter() - start
            return {"verify": VERIFY_ERROR, "verify_detail": describe(exc)}, seconds
        seconds = time.perf_counter() - start
    verdict = VERIFY_OK if report.valid else VERIFY_FAIL
    if report.valid:
        detail = f"valid: {report.block_count} capture blocks, {len(report.segments)} extension segment(s)"
        if report.warnings:
            detail += "; warnings: " + "; ".join(report.warnings)
    else:
        detail = "; ".join(report.errors)
    unsupported = unsupported_encryption(path)
    if unsupported is not None:
        # verify_slice records this as an ordinary error; it is a limit of the
        # tool, not a verdict on the file.
        verdict = VERIFY_ERROR
        detail = f"{unsupported}; verify_slice: {detail}"
    fields: dict[str, Any] = {
        "verify": verdict,
        "verify_detail": detail,
        "verify_errors": list(report.errors),
        "verify_warnings": list(report.warnings),
        "encrypted": report.encrypted,
        "chain_ok": report.chain_ok,
        "file_hash_ok": report.file_hash_ok,
        "capture_block_count": report.block_count,
        "extension_segments": [
            {"index": s.index, "block_count": s.block_count, "verified": s.verified} for s in report.segments
        ],
    }
    return fields, seconds


def unsupported_encryption(path: Path) -> str | None:
    """Why memslicer cannot decrypt ``path`` at all, or ``None``.

    memslicer 0.5.2 implements one scheme only: AES-256-GCM with an
    Argon2id passphrase key and no key encapsulation. The encryption
    extension is read with memslicer's own ``read_file_header_info`` and
    ``unpack_encryption_extension``.
    """
    from memslicer.msl.constants import FLAG_ENCRYPTED, HEADER_SIZE
    from memslicer.msl.encryption import (
        ENC_ALGO_AES_256_GCM,
        KDF_TYPE_ARGON2ID,
        KEY_ENCAP_NONE,
        unpack_encryption_extension,
    )
    from memslicer.msl.iterator import read_file_header_info

    with open(path, "rb") as f:
        header_size, _hash_algo, flags = read_file_header_info(f)
        if not flags & FLAG_ENCRYPTED or header_size <= HEADER_SIZE:
            return None
        f.seek(HEADER_SIZE)
        params = unpack_encryption_extension(f.read(header_size - HEADER_SIZE))
    found = (params.enc_algo, params.kdf_type, params.key_encap)
    if found == (ENC_ALGO_AES_256_GCM, KDF_TYPE_ARGON2ID, KEY_ENCAP_NONE):
        return None
    return (
        "memslicer supports only AES-256-GCM + Argon2id passphrase encryption; "
        f"file has EncAlgo 0x{found[0]:02X}, KdfType 0x{found[1]:02X}, KeyEncap 0x{found[2]:02X}"
    )


def captured_page_data(payload: bytes) -> bytes:
    """The concatenated captured pages of one Memory Region payload.

    Raises ``ValueError`` when the payload does not follow the 1.x layout
    (too short, PageSizeLog2 out of range, page data shorter than the map
    says).
    """
    if len(payload) < _REGION_FIXED:
        raise ValueError(f"region payload of {len(payload)} bytes is shorter than its 32-byte fixed part")
    region_size = struct.unpack_from("<Q", payload, 0x08)[0]
    log2 = payload[0x12]
    if not _LOG2_MIN <= log2 <= _LOG2_MAX:
        raise ValueError(f"PageSizeLog2 {log2} outside [{_LOG2_MIN}, {_LOG2_MAX}]")
    page_size = 1 << log2
    pages = region_size >> log2
    map_len = (pages + 3) // 4
    map_padded = (map_len + 7) & ~7
    state_map = payload[_REGION_FIXED : _REGION_FIXED + map_len]
    if len(state_map) < map_len:
        raise ValueError("PageStateMap truncated")
    full, rest = divmod(pages, 4)
    captured = sum(_CAPTURED_IN_BYTE[b] for b in state_map[:full])
    if rest:
        last = state_map[full]
        captured += sum(1 for i in range(rest) if (last >> (6 - 2 * i)) & 3 == 0)
    start = _REGION_FIXED + map_padded
    want = captured * page_size
    data = payload[start : start + want]
    if len(data) < want:
        raise ValueError(f"page data holds {len(data)} bytes, map says {want}")
    return data


def run_read(path: Path, passphrase: str | None) -> dict[str, Any]:
    """Walk every block with ``iterate_blocks``; list blocks and tally regions."""
    from memslicer.msl.constants import BlockType
    from memslicer.msl.iterator import iterate_blocks

    blocks: list[dict[str, int]] = []
    tally = RegionTally()
    with open(path, "rb") as f:
        for index, record in enumerate(iterate_blocks(f, passphrase)):
            blocks.append(block_entry(index, record.block_type, record.start_offset, record.length, record.segment))
            if record.block_type != BlockType.MemoryRegion:
                continue
            try:
                tally.add(captured_page_data(record.payload))
            except ValueError as exc:
                tally.add_undecodable(f"block {index} @{record.start_offset}: {exc}")
    return {"blocks": blocks, "block_count": len(blocks), **tally.as_dict()}


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit status."""
    args = build_parser(TOOL).parse_args(argv)
    with stdout_to_stderr() as out:
        return _run(out, args.file, args.passphrase, args.verify_only)


def _run(out: TextIO, path: Path, passphrase: str | None, verify_only: bool) -> int:
    """Do the work of :func:`main` with stdout already guarded."""
    known: dict[str, Any] = {"tool": TOOL, "file": str(path)}
    try:
        known["version"] = tool_version()
        verify_fields, seconds = run_verify(path, passphrase)
    except Exception as exc:  # noqa: BLE001 - any tool crash is reported, not raised
        return crash(out, known, exc, "verify")
    known.update(verify_fields)
    if verify_only:
        emit(out, {**known, "seconds": seconds})
        return 0
    try:
        read_fields = run_read(path, passphrase)
    except Exception as exc:  # noqa: BLE001
        return crash(out, known, exc, "read")
    emit(out, {**known, **read_fields})
    return 0


if __name__ == "__main__":
    sys.exit(main())
