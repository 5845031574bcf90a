"""Run the real ``msl`` console script of the venv the tests run in, and build small captures."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

MSL = Path(sys.executable).parent / "msl"
"""The console script installed by ``pip install -e .`` (what a user runs)."""


def msl(*args: str | Path, binary: bool = False, timeout: float = 120) -> subprocess.CompletedProcess[Any]:
    """Run ``msl ARGS`` with an empty environment, capturing stdout and stderr."""
    return subprocess.run([str(MSL), *map(str, args)], capture_output=True, text=not binary, timeout=timeout,
                          check=False, env={"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8"}, stdin=subprocess.DEVNULL)


def one_json(out: str) -> dict[str, Any]:
    """Parse stdout as exactly one JSON document (raises otherwise)."""
    doc, end = json.JSONDecoder().raw_decode(out)
    assert out[end:].strip() == "", f"more than one document: {out[end:][:200]!r}"
    return doc


def page(byte: int, size: int = 4096) -> bytes:
    """A page filled with one byte value."""
    return bytes([byte]) * size


def build(path: Path, regions: list[tuple[int, str, bytes]], *, compression: str = "none",
          vas: list[tuple[int, int, int, int, str]] | None = None) -> Path:
    """Write a capture: ``regions`` are (base, page states, captured bytes); ``vas`` entries are
    (base, size, protection, region_type, path)."""
    from memslice.generated.blocks import vas_map

    from memslice.writer import MslWriter, cap_bitmap_for

    types = [0x0001] + ([vas_map.BLOCK_TYPE] if vas else [])
    w = MslWriter(path, compression=compression, cap_bitmap=cap_bitmap_for(types))
    for base, states, data in regions:
        w.add_memory_region(base, states, data, protection=3, region_type=5)
    if vas:
        entries = [vas_map.VasEntry(base_addr=b, region_size=s, protection=p, region_type=t,
                                    mapped_path=name or None) for b, s, p, t, name in vas]
        w.add(vas_map.VasMap(len_entry=0, entries=entries), compress=compression)
    w.finish()
    return path
