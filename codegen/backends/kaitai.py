"""Kaitai Struct backend: emits ``generated/kaitai/memslice.ksy`` (issue: not yet written)."""

from __future__ import annotations

from pathlib import Path

from memslice.codegen.model import Spec


def generate_kaitai(spec: Spec, out_dir: Path, templates: Path) -> dict[Path, str]:
    """Render the Kaitai Struct definition (placeholder: renders nothing yet)."""
    return {}
