"""The JSON Schemas in ``schemas/``, loaded together so that they can reference each other."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match
from referencing import Registry, Resource

SCHEMAS_DIR = Path(__file__).resolve().parent / "schemas"
NAMES = ("capabilities", "canon", "case", "known-failures")
"""Schema file stems (``<name>.schema.json``)."""


@cache
def _registry() -> tuple[Registry, dict[str, dict[str, Any]]]:
    schemas = {name: json.loads((SCHEMAS_DIR / f"{name}.schema.json").read_text(encoding="utf-8")) for name in NAMES}
    registry: Registry = Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema)) for schema in schemas.values())
    return registry, schemas


def validator(name: str) -> Draft202012Validator:
    """A validator for schema ``name`` (one of :data:`NAMES`)."""
    registry, schemas = _registry()
    return Draft202012Validator(schemas[name], registry=registry)


def problems(name: str, instance: Any, limit: int = 5) -> list[str]:
    """How ``instance`` breaks schema ``name``, as ``path: message`` lines (empty when valid).

    For ``oneOf``/``anyOf`` failures the most specific sub-error is reported.
    """
    out = []
    for error in sorted(validator(name).iter_errors(instance), key=lambda e: list(e.absolute_path)):
        error = best_match([error, *error.context]) if error.context else error
        where = "/".join(str(p) for p in error.absolute_path) or "(top)"
        message = error.message if len(error.message) <= 200 else error.message[:200] + "..."
        out.append(f"{where}: {message}")
        if len(out) == limit:
            break
    return out


def canon_problems(doc: Any, limit: int = 5) -> list[str]:
    """How a document printed by ``read`` breaks ``canon.schema.json`` (empty when valid).

    The branch is chosen by ``result`` (a rejection or a document), so the message names
    what is wrong rather than the failed ``oneOf``.
    """
    registry, schemas = _registry()
    branch = "rejection" if isinstance(doc, dict) and doc.get("result") == "rejected" else "document"
    schema = {"$ref": f"{schemas['canon']['$id']}#/$defs/{branch}"}
    out = []
    for error in sorted(Draft202012Validator(schema, registry=registry).iter_errors(doc),
                        key=lambda e: list(e.absolute_path)):
        error = best_match([error, *error.context]) if error.context else error
        where = "/".join(str(p) for p in error.absolute_path) or "(top)"
        message = error.message if len(error.message) <= 200 else error.message[:200] + "..."
        out.append(f"{where}: {message}")
        if len(out) == limit:
            break
    return out
