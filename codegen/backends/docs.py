"""Docs backend: emits the reference manual under ``generated/docs/`` (not yet written)."""

from __future__ import annotations

from pathlib import Path

from memslice.codegen.model import Spec


def generate_docs(spec: Spec, out_dir: Path, templates: Path) -> dict[Path, str]:
    """Render the reference manual (placeholder: renders nothing yet)."""
    return {}
