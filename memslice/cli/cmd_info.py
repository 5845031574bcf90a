"""Describe a capture (``msl info FILE...``)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from memslice.cli.common import DIALECT_HELP, EXIT_IO, EXIT_OK, add_secret_options, error_exit_code, open_reader, worst

_CODECS = ("none", "zstd", "lz4", "ext")


def describe(reader: Any) -> dict[str, Any]:
    """Header, dialect and block list of an open reader as a JSON-ready dict."""
    from memslice import timestamps
    from memslice.canon import struct_to_canon
    from memslice.cli import tables_view
    from memslice.generated.registry import block_id

    header = struct_to_canon(reader.header)
    fields: dict[str, Any] = {}
    for key in ("flags", "cap_bitmap"):
        value = header[key]
        fields[key] = {"value": value["value"], "set": [k for k, v in value.items() if v is True]}
    for key in ("dump_uuid", "os_type", "arch_type", "pid", "clock_source", "block_count", "hash_algo"):
        fields[key] = header.get(key)
    fields["timestamp"] = timestamps.describe(int(reader.header.timestamp), int(reader.header.clock_source))
    blocks = []
    for rec in reader.blocks:
        blocks.append({"index": rec.index, "offset": rec.offset, "type": rec.block_type,
                       "name": block_id(rec.block_type, reader.dialect) or "unknown", "length": rec.length,
                       "compression": _CODECS[rec.comp_algo] if rec.compressed else None,
                       "segment": "capture" if rec.segment == 0 else ("trailing" if rec.segment < 0 else rec.segment)})
    return {"size": reader.size, "version": f"0x{reader.version:04x}",
            "endianness": "little" if reader.endian == "<" else "big", "dialect": reader.dialect,
            "dialect_reasons": list(reader.dialect_reasons), "header": fields, "encrypted": reader.encrypted,
            "stream_end": reader.stream_end, "blocks": blocks,
            "fault": None if reader.fault is None else str(reader.fault), "warnings": list(reader.warnings),
            "investigation": tables_view.collect(reader), "encryption": _encryption(reader)}


def _encryption(reader: Any) -> dict[str, Any] | None:
    """Suite, KDF, KEM and parameters of an encrypted file, whether it was opened, and its sealed segments."""
    if not reader.encrypted:
        return None
    from memslice.crypto import describe_header

    facts = dict(describe_header(reader.encryption))
    facts["opened"] = reader.container is not None
    facts["sealed_segments"] = []
    if reader.container is not None:
        from memslice.crypto.sealed import sealed_segments

        facts["sealed_segments"] = [
            {"index": seg.index, "offset": seg.offset, "ok": seg.ok, "reason": seg.reason,
             "blocks": [b.block_id or f"0x{b.header.block_type:04x}" for b in seg.blocks]}
            for seg in sealed_segments(reader)]
    return facts


def _print(path: str, doc: dict[str, Any]) -> None:
    from memslice import timestamps
    from memslice.cli import tables_view

    h = doc["header"]
    print(f"{path}: {doc['size']} bytes, Memory Slice version {doc['version']}, {doc['endianness']}-endian, "
          f"dialect {doc['dialect']}")
    for reason in doc["dialect_reasons"]:
        print(f"  dialect: {reason}")
    for key in ("flags", "cap_bitmap"):
        print(f"  {key}: {h[key]['value']} {' '.join(h[key]['set'])}".rstrip())
    for key in ("dump_uuid", "os_type", "arch_type", "pid", "clock_source", "block_count", "hash_algo"):
        value = h[key]
        if isinstance(value, dict):
            value = f"{value['value']} ({value['name']})"
        print(f"  {key}: {value}")
        if key == "dump_uuid":
            ts = h["timestamp"]
            print(f"  timestamp: {timestamps.text(ts['ns'], int(str(h['clock_source']['value']), 0))}")
    if doc["encryption"]:
        _print_encryption(doc["encryption"])
    print(f"  blocks: {len(doc['blocks'])} ({doc['stream_end']})")
    if doc["blocks"]:
        print(f"    {'INDEX':>5} {'OFFSET':>12} {'TYPE':>6} {'NAME':28s} {'LENGTH':>12} CODEC SEGMENT")
    for b in doc["blocks"]:
        seg = b["segment"] if isinstance(b["segment"], str) else f"extension {b['segment']}"
        print(f"    {b['index']:5d} 0x{b['offset']:010x} 0x{b['type']:04x} {b['name']:28s} {b['length']:12d} "
              f"{b['compression'] or '-':5s} {seg}")
    for seg in (doc["encryption"] or {}).get("sealed_segments", []):
        state = "verified" if seg["ok"] else f"FAILS ({seg['reason']}): trailing data from here"
        names = ", ".join(seg["blocks"])
        print(f"  sealed segment {seg['index']} at file offset 0x{seg['offset']:x}: {state}"
              + (f" [{names}]" if names else ""))
    if doc["investigation"]:
        print("\n".join(tables_view.render(doc["investigation"])))
    if doc["fault"]:
        print(f"  fault: {doc['fault']}")
    for w in doc["warnings"]:
        print(f"  warning: {w}")


def _cmd_info(args: argparse.Namespace) -> int:
    from memslice.cli.scripting import custody, emit, error_doc, wants_json
    from memslice.errors import MslError

    results: list[dict[str, Any]] = []
    captures: list[dict[str, Any]] = []
    codes: list[int] = []
    for path in args.file:
        try:
            with open_reader(args, path, dialect=args.dialect) as reader:
                doc = describe(reader)
                if wants_json(args):
                    captures.append(custody(path, reader))
                code = EXIT_OK
        except MslError as exc:
            doc, code = {"file": path, "error": error_doc(exc, path)}, error_exit_code(exc)
        except OSError as exc:
            doc, code = {"file": path, "error": error_doc(exc, path)}, EXIT_IO
        doc = {"file": path, **doc}
        codes.append(code)
        results.append(doc)
        if wants_json(args):
            continue
        if "error" in doc:
            print(f"msl info: {path}: {doc['error']['message']}", file=sys.stderr)
        else:
            _print(path, doc)
    code = worst(codes)
    if wants_json(args):
        return emit(args, results[0] if len(results) == 1 else results, captures=captures, exit_code=code,
                    error=results[0].get("error") if len(results) == 1 else None)
    return code


def _print_encryption(facts: dict[str, Any]) -> None:
    params = facts.get("argon2id")
    extra = f", Argon2id t={params['time']} m={params['memory_kib']} KiB p={params['lanes']}" if params else ""
    print(f"  encrypted: {facts['cipher']}, KDF {facts['kdf']}, KEM {facts['kem']} (KEMCtLen {facts['kem_ct_len']}), "
          f"CipherLen {facts['cipher_len']}{extra}")
    if not facts["opened"]:
        print(f"  encrypted: the block stream is ciphertext; to read it give {facts['needs']}")
    else:
        print("  encrypted: AEAD tag verified; offsets below are in the plaintext")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``msl info`` to the parser."""
    p = sub.add_parser("info", help="describe captures: header, dialect, block list")
    p.add_argument("file", nargs="+", help="capture(s)")
    p.add_argument("--json", action="store_true", help="one JSON document")
    p.add_argument("--dialect", default="auto", help=DIALECT_HELP)
    add_secret_options(p)
    p.set_defaults(func=_cmd_info)
