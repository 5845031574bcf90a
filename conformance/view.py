"""The compared view of a canonical document: what a given adapter is judged on.

An adapter declares features (``vocabulary.FEATURES``); the runner compares
``view(expected)`` with ``view(actual)`` for that feature set, so an implementation is
judged on what it claims to do and nothing else. The rules are stated in
``contract.md`` section "What is compared"; this module is their implementation.
"""

from __future__ import annotations

from typing import Any

CORE_BLOCK_KEYS = ("index", "offset", "type", "length", "flags", "payload_version", "uuid", "parent_uuid",
                   "prev_hash", "segment")
"""Block keys every adapter is compared on (the common block header and position)."""

REGION_TYPE = "0x0001"
"""Canonical ``type`` of a Memory Region block (compared under the ``regions`` feature)."""

NORMATIVE_DIALECTS = frozenset({"spec-1.0", "spec-1.1"})
"""Dialects whose payload layouts every ``payloads`` adapter must know."""

_INTEGRITY_KEYS = {
    "verify-chain": ("chain", "first_bad_block"),
    "verify-file-hash": ("eoc", "file_hash"),
    "verify-block-count": ("block_count",),
    "extension-segments": ("segments", "trailing_bytes"),
}


def reduce_values(value: Any) -> Any:
    """Replace every enumeration or flag-set rendering by its ``value`` string.

    msl-canon/1 renders an enumeration as ``{"value", "name"}`` and a flag set as
    ``{"value", <bit>: bool, ...}``; only ``value`` is compared, so an adapter may print
    the bare value string instead.
    """
    if isinstance(value, list):
        return [reduce_values(v) for v in value]
    if not isinstance(value, dict):
        return value
    if isinstance(value.get("value"), str) and (
            set(value) == {"value", "name"} or any(isinstance(v, bool) for v in value.values())):
        return value["value"]
    return {k: reduce_values(v) for k, v in value.items()}


def effective_features(features: set[str], dialect: str | None) -> set[str]:
    """The features that count for a case in ``dialect`` (payload views need the dialect)."""
    eff = set(features)
    if dialect and dialect not in NORMATIVE_DIALECTS and f"dialect-{dialect}" not in features:
        eff -= {"payloads"}
        if dialect == "g0":
            eff -= {"regions"}
    return eff


PayloadFields = dict[str, list[str]]
"""Block type (``"0x0040"``) -> the payload fields an adapter decodes (capabilities
``payload_fields``, keyed by type code by the runner)."""


def _field(payload: Any, name: str) -> Any:
    """One declared field of a payload: ``entries.path`` is ``path`` of every ``entries`` element."""
    if not isinstance(payload, dict):
        return None
    head, _, tail = name.partition(".")
    value = payload.get(head)
    if not tail:
        return reduce_values(value)
    if not isinstance(value, list):
        return None
    return [reduce_values(v.get(tail)) if isinstance(v, dict) else None for v in value]


def _block_view(block: dict[str, Any], features: set[str], fields: PayloadFields | None = None) -> dict[str, Any]:
    out = {k: block.get(k) for k in CORE_BLOCK_KEYS}
    out["flags"] = reduce_values(block.get("flags"))
    is_region = block.get("type") == REGION_TYPE
    if "payloads" in features and not is_region and fields is not None:
        declared = fields.get(str(block.get("type")))
        if declared:
            payload = block.get("payload")
            out["payload"] = {name: _field(payload, name) for name in declared} if payload is not None else None
        return out
    if ("regions" in features and is_region) or ("payloads" in features and not is_region):
        for key in ("payload", "skipped"):
            if key in block:
                out[key] = reduce_values(block[key])
    if "payloads" in features and not is_region:
        out["type_name"] = block.get("type_name")
    return out


def view(doc: Any, features: set[str], dialect: str | None = None, payload_fields: PayloadFields | None = None) -> Any:
    """The part of ``doc`` an adapter with ``features`` is compared on.

    Args:
        doc: A canonical document (expected or printed by an adapter).
        features: The adapter's declared features.
        dialect: The case's dialect (``case.yaml``), which gates the payload views.
        payload_fields: With ``payloads``: only these block types and fields are compared
            (None: every field of every type, ``type_name`` and ``skipped`` too).

    Returns:
        A JSON-ready structure; two documents agree when their views are equal.
    """
    if not isinstance(doc, dict):
        return doc
    eff = effective_features(features, dialect)
    result = doc.get("result")
    if result == "rejected":
        out: dict[str, Any] = {"result": "rejected"}
        if "error-class" in eff:
            out["error_class"] = doc.get("error_class")
        return out
    out = {"result": result}
    if "header" in eff:
        out["header"] = reduce_values(doc.get("header"))
    if "encryption" in eff and (result == "encrypted" or "encryption" in doc):
        out["encryption"] = reduce_values(doc.get("encryption"))
    if "payloads" in eff and (payload_fields is None or "0x1001" in payload_fields):
        out["effective"] = doc.get("effective")
    blocks = doc.get("blocks")
    if isinstance(blocks, list):
        out["blocks"] = [_block_view(b, eff, payload_fields) for b in blocks
                         if not isinstance(b, dict) or "extension-segments" in eff or str(b.get("segment")) == "0"]
    else:
        out["blocks"] = blocks
    integrity = doc.get("integrity") if isinstance(doc.get("integrity"), dict) else {}
    compared = {key for feature, keys in _INTEGRITY_KEYS.items() if feature in eff for key in keys}
    if result != "complete":
        compared -= {"segments", "trailing_bytes"}  # both are about what follows an End-of-Capture
    if compared and result != "encrypted":
        out["integrity"] = {key: integrity.get(key) for key in sorted(compared)}
    return out
