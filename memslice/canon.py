r"""Canonical JSON of a capture (contract ``msl-canon/1``).

Deterministic and precision-safe: integers are strings (addresses, sizes and offsets in
``0x`` hex, counts in decimal), byte strings and hashes lowercase hex, text as decoded
with undecodable bytes shown as ``\\xHH``. Memory regions are summarised as run-length page
states plus the SHA-256 of the captured bytes. Field names are the schema's field ids.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from memslice.errors import LimitError, MslError, TruncatedError
from memslice.generated._support import ZERO_UUID
from memslice.generated.blocks import memory_region
from memslice.generated.enums import ENUM_NAMES, FLAG_BITS
from memslice.pages import STATE_NAMES, runs, state_string
from memslice.reader import BlockRecord, MslReader
from memslice.verify import verify

CANON_VERSION = "msl-canon/1"


def _hex(data: bytes | memoryview) -> str:
    return bytes(data).hex()


def _uuid(data: bytes | memoryview) -> str | None:
    raw = bytes(data)
    if raw == ZERO_UUID:
        return None
    h = raw.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _text(value: str) -> str:
    return value.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _int(value: int, fmt: str) -> str:
    return f"0x{value:x}" if fmt in ("addr", "hex") else str(value)


def _flags(value: int, flag_set: str) -> dict[str, Any]:
    out: dict[str, Any] = {"value": f"0x{value:x}"}
    known = 0
    for bit_id, bit, width, enum in FLAG_BITS[flag_set]:
        mask = ((1 << width) - 1) << bit
        known |= mask
        field = (value & mask) >> bit
        if width == 1:
            out[bit_id] = bool(field)
        else:
            out[bit_id] = ENUM_NAMES.get(enum or "", {}).get(field, str(field)) if enum else str(field)
    if value & ~known:
        out["unknown_bits"] = f"0x{value & ~known:x}"
    return out


def struct_to_canon(obj: Any) -> dict[str, Any]:
    """Render a generated structure using its ``FIELDS`` description."""
    out: dict[str, Any] = {}
    for info in obj.FIELDS:
        value = getattr(obj, info.id)
        if value is None:
            continue
        out[info.id] = value_to_canon(value, info)
    return out


def value_to_canon(value: Any, info: Any) -> Any:
    """Render one field value."""
    if info.kind == "int":
        if info.flags:
            return _flags(value, info.flags)
        if info.enum:
            rendered: dict[str, Any] = {"value": _int(value, info.format)}
            names = ENUM_NAMES.get(info.enum, {})
            rendered["name"] = names.get(value)
            return rendered
        return _int(value, info.format)
    if info.kind == "uuid":
        return _uuid(value)
    if info.kind in ("hash", "bytes"):
        return _hex(value)
    if info.kind == "str":
        return _text(value)
    if info.kind == "list":
        return [struct_to_canon(v) for v in value]
    if info.kind in ("struct", "switch"):
        if isinstance(value, (bytes, bytearray, memoryview)):
            return _hex(value)
        return struct_to_canon(value)
    raise AssertionError(info.kind)


def _region(reader: MslReader, rec: BlockRecord, payload: Any) -> dict[str, Any]:
    out = {}
    for info in payload.FIELDS:
        if info.role in ("page_state_map", "page_data"):
            continue
        value = getattr(payload, info.id)
        if value is not None:
            out[info.id] = value_to_canon(value, info)
    states = state_string(payload.page_state_map, payload.num_pages)
    out["page_states"] = [[STATE_NAMES[s], str(n)] for s, n in runs(states)]
    # PageData streamed through the hash (bounded memory, its inflated size checked)
    sha = hashlib.sha256()
    length = 0
    for piece in reader.iter_page_data(rec):
        sha.update(piece)
        length += len(piece)
    out["captured_bytes"] = f"0x{length:x}"
    out["captured_sha256"] = sha.hexdigest()
    return out


def _block_header(rec: BlockRecord, block_name: str | None) -> dict[str, Any]:
    h = rec.header
    return {
        "index": str(rec.index),
        "offset": f"0x{rec.offset:x}",
        "type": f"0x{h.block_type:04x}",
        "type_name": block_name,
        "flags": _flags(h.flags, "block_flags"),
        "length": f"0x{h.block_length:x}",
        "payload_version": str(h.payload_version),
        "uuid": _uuid(h.block_uuid),
        "parent_uuid": _uuid(h.parent_uuid),
        "prev_hash": _hex(h.prev_hash),
        "segment": str(rec.segment),
    }


def to_canonical(reader: MslReader, *, check_integrity: bool = True) -> dict[str, Any]:
    """The canonical document of a capture.

    Args:
        reader: An open reader.
        check_integrity: Verify hashes (else the integrity section says ``not-checked``).

    Returns:
        A JSON-ready dict; ``result`` is ``complete``, ``truncated`` or ``rejected``.
    """
    doc: dict[str, Any] = {"canon": CANON_VERSION}
    doc["header"] = struct_to_canon(reader.header)
    if reader.encryption is not None:
        doc["encryption"] = struct_to_canon(reader.encryption)
    doc["dialect"] = reader.dialect
    blocks: list[dict[str, Any]] = []
    error: MslError | None = None
    for rec in reader.blocks:
        region = rec.block_type == memory_region.BLOCK_TYPE
        try:
            decoded = reader.decode(rec, page_data=not region)
            entry = _block_header(rec, decoded.block_id)
            if decoded.skipped:
                entry["skipped"] = decoded.skipped
            elif decoded.payload is not None:
                entry["payload"] = _region(reader, rec, decoded.payload) if region else struct_to_canon(
                    decoded.payload)
        except LimitError:
            raise  # a limit of ours, not a verdict on the file
        except MslError as exc:
            error = exc
            break
        blocks.append(entry)
    doc["blocks"] = blocks
    fault = error or reader.fault
    if fault is not None:
        doc["error"] = {"class": type(fault).__name__, "message": str(fault), "rule": fault.rule,
                        "offset": None if fault.offset is None else f"0x{fault.offset:x}"}
    if reader.encrypted and reader.container is None:  # no secret given: header only
        doc["result"] = "encrypted"
    elif fault is not None and not isinstance(fault, TruncatedError):
        doc["result"] = "rejected"
    elif reader.eoc is None or fault is not None:
        doc["result"] = "truncated"
    else:
        doc["result"] = "complete"
    if check_integrity:
        report = verify(reader)
        doc["integrity"] = {
            "chain": report.chain,
            "first_bad_block": None if report.first_bad_block is None else str(report.first_bad_block),
            "eoc": report.eoc,
            "file_hash": report.file_hash,
            "block_count": report.block_count,
            "segments": [{"index": str(s.index), "blocks": str(s.blocks), "segment_hash": s.segment_hash,
                          "block_count": s.block_count} for s in report.segments],
            "trailing_bytes": f"0x{report.trailing_bytes:x}",
        }
    else:
        doc["integrity"] = {"chain": "not-checked"}
    return doc


def dumps(doc: dict[str, Any]) -> str:
    """Serialise a canonical document: sorted keys, two-space indent, trailing newline."""
    return json.dumps(doc, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
