"""The contract document of a capture: ``msl-canon/1`` with the contract's rules applied.

:func:`memslice.canon.to_canonical` renders everything our reader sees. The conformance
contract (``contract.md``) asks for a little less and a little more; until
``memslice/canon.py`` does this itself (the change is described in the issue-4 report),
this module applies the difference:

- reserved fields are left out (consumers MUST ignore them, rule C5);
- an all-zero DiskHash is ``null``, "hash not available" (rule C8);
- a block skipped for lack of a layout is ``unknown-type`` (rule C3);
- only verified extension segments are presented; a segment that fails its checks and
  everything after it are trailing bytes, never blocks (rules V11-C14, V11-C23);
- a payload that does not decode rejects the file (exit 1) instead of reading as
  ``truncated``; only a cut in the block stream itself is ``truncated``;
- ``effective.vas_map`` names the VAS Map that is in force: the last one in file order,
  extension segments included (rule V11-C25).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from memslice.conformance.vocabulary import EXIT_ACCEPT, EXIT_REJECT
from memslice.generated.registry import BLOCKS, RESERVED_FIELD_IDS

from memslice.errors import (
    BadMagicError,
    CompressionError,
    HeaderError,
    MslError,
    TruncatedError,
    UnsupportedError,
)

if TYPE_CHECKING:
    from memslice.reader import MslReader
    from memslice.verify import VerifyReport

UNAVAILABLE_WHEN_ZERO = frozenset({"disk_hash"})
"""Hash fields whose all-zero value means "not available" (rules P13, C8)."""

_ERROR_CLASS_BY_RULE = {
    "C1": "bad-endianness",
    "B-3-header-size": "bad-header-size",
    "B-3.2-major": "unsupported-version",
    "V11-C15": "encryption-header",
    "V11-10.2-no-plaintext": "authentication",
    "V11-10.2-tag": "encryption-container",
    "V11-10.3-kem": "encryption-container",
    "V11-10.5-argon2-min": "kdf-limit",
    "C6": "invalid-block-type",
    "B-4.1-block-length": "bad-block-length",
    "C10": "page-size",
    "V11-C20": "compression",
}


def error_class(exc: MslError, *, in_header: bool = False) -> str:
    """The contract's error class of a rejection (``vocabulary.ERROR_CLASSES``).

    Args:
        exc: The error that rejected the file.
        in_header: The error was raised while the header was parsed.

    Returns:
        An error class name.
    """
    if isinstance(exc, BadMagicError):
        return "bad-magic"
    if isinstance(exc, TruncatedError) and in_header:
        return "truncated-header"
    if isinstance(exc, CompressionError):
        return "compression"
    if isinstance(exc, UnsupportedError):
        return "unsupported"
    if exc.rule in _ERROR_CLASS_BY_RULE:
        return _ERROR_CLASS_BY_RULE[exc.rule]
    if isinstance(exc, HeaderError):
        return "bad-header-size"
    return "payload"


def rejection(exc: MslError, *, in_header: bool = False) -> dict[str, Any]:
    """The document printed with exit status 1."""
    return {"canon": "msl-canon/1", "result": "rejected", "error_class": error_class(exc, in_header=in_header),
            "rule": exc.rule, "message": str(exc)}


def _strip(value: Any) -> Any:
    """Drop reserved fields and null unavailable hashes, recursively (payloads and headers)."""
    if isinstance(value, list):
        return [_strip(v) for v in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for key, item in value.items():
        if key in RESERVED_FIELD_IDS:
            continue
        if key in UNAVAILABLE_WHEN_ZERO and isinstance(item, str) and not item.strip("0"):
            out[key] = None
            continue
        out[key] = _strip(item)
    return out


def _presented_segments(reader: MslReader, report: VerifyReport) -> int:
    """How many leading extension segments pass every check: they are presented (V11-C23).

    A segment passes when its SegmentHash and BlockCount match and none of its blocks
    breaks the PrevHash chain; the first one that fails ends the presented part.
    """
    broken = {reader.blocks[i].segment for i in report.bad_blocks}
    presented = 0
    for seg in report.segments:
        if seg.segment_hash != "ok" or seg.block_count != "ok" or seg.index in broken:
            break
        presented += 1
    return presented


def contract_document(reader: MslReader) -> tuple[int, dict[str, Any]]:
    """The exit status and the document an adapter prints for an open capture.

    Args:
        reader: An open reader (header already parsed).

    Returns:
        ``(0, document)`` when the file is accepted, ``(1, rejection)`` when it is rejected.

    Raises:
        MslError: Verification needs an algorithm the file leaves undefined (HashAlgo
            0xFF); the caller reports it as a rejection.
    """
    # here, not at the top: the Kaitai adapter uses this module's rules without our reader
    from memslice.canon import to_canonical
    from memslice.verify import verify

    doc = to_canonical(reader)
    report = verify(reader)
    fault = reader.fault
    if fault is not None and not isinstance(fault, TruncatedError):
        return EXIT_REJECT, rejection(fault)
    if doc["result"] == "rejected" or ("error" in doc and fault is None):
        error = doc["error"]
        return EXIT_REJECT, {"canon": "msl-canon/1", "result": "rejected",
                             "error_class": _payload_error_class(error), "rule": error["rule"],
                             "message": error["message"]}
    presented = _presented_segments(reader, report)
    failing = range(presented + 1, len(report.segments) + 1)
    # The reader marks blocks that belong to no closed segment (segment -1) and verify counts
    # them as trailing bytes; only a closed segment that fails its checks is dropped here
    # (V11-C23), so a reader that stops marking shows in the document.
    kept = [b for b in doc["blocks"] if int(b["segment"]) != -1 and int(b["segment"]) not in failing]
    doc["blocks"] = kept
    integrity = doc["integrity"]
    if "segments" in integrity and presented < len(report.segments):
        integrity["segments"] = integrity["segments"][:presented]
        last = max((reader.blocks[int(b["index"])].end for b in kept), default=reader.header_size)
        if reader.container is not None:  # decrypted: trailing data inside the message and failing sealed segments
            integrity["trailing_bytes"] = f"0x{report.trailing_bytes:x}"
        else:
            integrity["trailing_bytes"] = f"0x{reader.size - last:x}"
    if reader.encrypted and reader.container is None and "trailing_bytes" in integrity:
        integrity["trailing_bytes"] = "0x0"
    for block in doc["blocks"]:
        if block.get("skipped") == "no-layout":
            block["skipped"] = "unknown-type"
    strip_unused(doc)
    doc["effective"] = effective(doc["blocks"])
    return EXIT_ACCEPT, doc


def strip_unused(doc: dict[str, Any]) -> None:
    """Drop reserved fields and null all-zero DiskHashes in the header, encryption and payloads."""
    for key in ("header", "encryption"):
        if key in doc:
            doc[key] = _strip(doc[key])
    for block in doc.get("blocks", []):
        if "payload" in block:
            block["payload"] = _strip(block["payload"])


def effective(blocks: list[dict[str, Any]]) -> dict[str, Any]:
    """The ``effective`` section: the VAS Map in force is the last decoded one (V11-C25)."""
    vas_maps = [b["index"] for b in blocks if b["type"] == f"0x{BLOCKS['vas_map'].code:04x}" and "payload" in b]
    return {"vas_map": vas_maps[-1] if vas_maps else None}


def _payload_error_class(error: dict[str, Any]) -> str:
    """Error class of a payload fault as ``to_canonical`` reports it (class name and rule)."""
    if error["class"] == "CompressionError" or error["rule"] == "V11-C20":
        return "compression"
    if error["class"] == "UnsupportedError":
        return "unsupported"
    if error["class"] == "TruncatedError":
        return "payload"  # the payload runs out of bytes before its layout ends
    return _ERROR_CLASS_BY_RULE.get(error["rule"] or "", "payload")
