"""msl-conformance/1 adapter for the Kaitai Struct parser compiled from ``generated/kaitai/memslice.ksy``.

Runs with memslice's own venv python, from the source tree, after ``make kaitai`` compiled
the definition to ``build/kaitai/python/memslice.py``. The values come from the Kaitai parse
tree only; ``conformance/kaitai_canon.py`` (the Kaitai backend's own renderer) turns the tree into
msl-canon/1, and the contract's normalisation (``memslice.conformance.normalize``) is applied
as for the reference adapter. A Kaitai parse error is the parser refusing the file (exit 1);
anything else is an adapter failure (exit 2). Kaitai does not hash, so no ``verify-*``
feature, and it does not verify extension segments, so no ``extension-segments``.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import traceback
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PARSER = ROOT / "build" / "kaitai" / "python" / "memslice.py"
CODEC_DIR = ROOT / "tools" / "kaitai" / "python"
RENDERER = ROOT / "conformance" / "kaitai_canon.py"
NEEDS = (PARSER, CODEC_DIR / "memslice_codec.py", RENDERER)
"""Files the adapter needs (``make kaitai`` builds the parser)."""

CAPABILITIES = {
    "contract": "msl-conformance/1",
    "canon": "msl-canon/1",
    "name": "kaitai",
    "version": "kaitai-struct-compiler 0.11.0, kaitaistruct 0.11",
    "language": "python (compiled from generated/kaitai/memslice.ksy)",
    "spec_versions": ["1.0", "1.1"],
    "features": ["header", "big-endian", "zstd", "lz4", "continuation", "regions", "payloads",
                 "dialect-memdiver-1.0.2", "dialect-g0", "encryption"],
    "notes": "declarative parser only: no hashing, no verification of extension segments",
    "batch": True,
}


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


_LOADED: list[Any] = []
"""The compiled parser module and the renderer, once loaded (``read-batch`` reuses them)."""


def _parser_and_renderer() -> tuple[ModuleType, Any]:
    """The compiled parser module and a :class:`KaitaiCanon`, loaded on first use.

    Both are read-only once built (the renderer keeps only the spec model and lookup tables
    derived from it; every document is built in fresh locals), so ``read-batch`` shares them
    between files instead of re-reading the spec YAML and re-executing the parser per file.
    """
    if not _LOADED:
        from memslice.conformance.kaitai_canon import KaitaiCanon

        parser = _load("memslice_kaitai", PARSER)
        _LOADED[:] = [parser, KaitaiCanon()]
    return _LOADED[0], _LOADED[1]


def document(path: str) -> tuple[int, dict[str, Any] | None]:
    """Parse ``path`` with the compiled parser and render the contract document."""
    sys.path.insert(0, str(CODEC_DIR))
    sys.path.insert(0, str(ROOT))
    from kaitaistruct import KaitaiStructError
    from memslice.conformance.normalize import effective, strip_unused

    parser, canon = _parser_and_renderer()
    try:
        root = parser.Memslice.from_file(path)
        doc = canon.document(root)
    except (KaitaiStructError, EOFError, ValueError) as exc:
        print(f"rejected: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1, None
    doc["blocks"] = [b for b in doc["blocks"] if b["segment"] != "-1"]
    for block in doc["blocks"]:
        if block.get("skipped") == "no-layout":
            block["skipped"] = "unknown-type"
    strip_unused(doc)
    doc["effective"] = effective(doc["blocks"])
    return 0, doc


def main(argv: list[str]) -> int:
    """Dispatch ``capabilities`` / ``read FILE`` / ``read-batch``."""
    if argv == ["capabilities"]:
        print(json.dumps(CAPABILITIES, indent=2, sort_keys=True))
        return 0
    if argv == ["read-batch"]:
        from memslice.conformance.adapters._contract import serve_batch

        return serve_batch(main)
    if len(argv) != 2 or argv[0] != "read":
        print("usage: kaitai_adapter capabilities | read FILE", file=sys.stderr)
        return 2
    try:
        status, doc = document(argv[1])
    except Exception:  # noqa: BLE001 - the contract's exit 2: a failure of the adapter, never a verdict
        traceback.print_exc()
        return 2
    if doc is not None:
        print(json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
