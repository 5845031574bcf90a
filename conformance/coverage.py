"""What the corpus exercises, and what it misses (``msl conformance generate --verify``).

Coverage is read from the reference documents (``expected.json``) of every case: a payload
layout is covered for a payload version when some case holds a block of its type, in a
dialect the layout serves, with that PayloadVersion, decoded; an enum value is covered when
some decoded field shows it by name. The targets come from the generated registry and enums,
so a new layout, payload version or enum value in ``spec/`` shows up as missing until a
recipe exercises it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from memslice.generated import registry
from memslice.generated.dialects import VERSION_DIALECTS
from memslice.generated.enums import ENUM_NAMES

EXPECTED = "expected.json"


@dataclass
class Coverage:
    """Covered and missing targets.

    Attributes:
        layouts: (block id, layout id, payload version) covered.
        missing_layouts: The same, not covered by any case.
        enum_values: (enum id, value id) covered.
        missing_enum_values: The same, not covered.
    """

    layouts: list[tuple[str, str, int]] = field(default_factory=list)
    missing_layouts: list[tuple[str, str, int]] = field(default_factory=list)
    enum_values: list[tuple[str, str]] = field(default_factory=list)
    missing_enum_values: list[tuple[str, str]] = field(default_factory=list)

    def lines(self) -> list[str]:
        """A human report: one summary line per kind, then one line per missing target."""
        total_l = len(self.layouts) + len(self.missing_layouts)
        total_e = len(self.enum_values) + len(self.missing_enum_values)
        out = [f"coverage: {len(self.layouts)} of {total_l} layout/payload-version pairs, "
               f"{len(self.enum_values)} of {total_e} enum values"]
        out += [f"missing    layout {b}/{lay} payload version {v}: no case decodes such a block"
                for b, lay, v in self.missing_layouts]
        shown = {e for e, _ in self.enum_values}
        by_enum: dict[str, list[str]] = {}
        for e, v in self.missing_enum_values:
            by_enum.setdefault(e, []).append(v)
        for e, values in by_enum.items():
            if e in shown:
                out.append(f"missing    enum {e}: {', '.join(values)} (no case shows them)")
            else:
                out.append(f"missing    enum {e}: no case shows any of its {len(values)} values by name")
        return out


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def corpus_coverage(root: Path) -> Coverage:
    """Coverage of the corpus under ``root`` against the normative layouts and every enum value.

    Args:
        root: The corpus root (``conformance/cases``).

    Returns:
        What is covered and what is missing, in registry and enum order.
    """
    seen_blocks: set[tuple[int, str, int]] = set()
    seen_names: set[tuple[str, int]] = set()
    for path in sorted(root.glob(f"*/*/{EXPECTED}")):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        dialect = doc.get("dialect") if isinstance(doc, dict) else None
        dialect = dialect.get("id") if isinstance(dialect, dict) else dialect
        for block in doc.get("blocks") or [] if isinstance(doc, dict) else []:
            if isinstance(block, dict) and block.get("payload") is not None:
                try:
                    seen_blocks.add((int(block["type"], 16), str(dialect), int(block["payload_version"])))
                except (KeyError, TypeError, ValueError):
                    continue
        for node in _walk(doc):
            if set(node) == {"name", "value"} and isinstance(node["name"], str):
                try:
                    seen_names.add((node["name"], int(str(node["value"]), 0)))
                except ValueError:
                    continue
    result = Coverage()
    normative = set(VERSION_DIALECTS.values())
    ids = {entry.code: bid for bid, entry in registry.BLOCKS.items()}
    layouts = registry.LAYOUTS
    targets = sorted({(t, layout.LAYOUT_ID, v) for (t, d, v), layout in layouts.items() if d in normative})
    for block_type, layout_id, version in targets:
        key = (ids.get(block_type, f"0x{block_type:04X}"), layout_id, version)
        covered = any((block_type, d, version) in seen_blocks and layout.LAYOUT_ID == layout_id
                      for (t, d, v), layout in layouts.items() if t == block_type and v == version)
        (result.layouts if covered else result.missing_layouts).append(key)
    for enum_id, values in ENUM_NAMES.items():
        if enum_id == "block_type":
            continue
        for value, name in values.items():
            target = (enum_id, name)
            (result.enum_values if (name, value) in seen_names else result.missing_enum_values).append(target)
    return result
