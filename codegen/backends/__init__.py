"""Code generator backends: one module per output folder under ``generated/``.

Each backend is a function ``(spec, out_dir, templates) -> {path: text}`` that renders its
files in memory; the driver writes them or compares them (``--check``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from memslice.codegen.backends.docs import generate_docs
from memslice.codegen.backends.kaitai import generate_kaitai
from memslice.codegen.backends.python import generate_python
from memslice.codegen.model import Spec

Backend = Callable[[Spec, Path, Path], dict[Path, str]]

BACKENDS: dict[str, Backend] = {
    "python": generate_python,
    "kaitai": generate_kaitai,
    "docs": generate_docs,
}
"""Output folder name under ``generated/`` -> backend."""
