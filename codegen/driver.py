"""Run the backends and write (or compare) ``generated/``."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from memslice.codegen.backends import BACKENDS
from memslice.codegen.loader import load_spec

from memslice.atomic_output import write_file

TEMPLATES = Path(__file__).parent / "templates"


@dataclass
class CodegenResult:
    """What a run produced or found.

    Attributes:
        written: Files written (or that would be written).
        changed: Files whose content differs from what is on disk.
        stale: Files on disk under ``generated/`` that no backend produces.
    """

    written: list[Path] = field(default_factory=list)
    changed: list[Path] = field(default_factory=list)
    stale: list[Path] = field(default_factory=list)


def render_all(spec_dir: Path, out_dir: Path) -> dict[Path, str]:
    """Every generated file, rendered in memory.

    Args:
        spec_dir: The ``spec/`` folder.
        out_dir: The ``generated/`` folder the paths are relative to.

    Returns:
        Path -> text.
    """
    spec = load_spec(spec_dir)
    files: dict[Path, str] = {}
    for name, backend in BACKENDS.items():
        files.update(backend(spec, out_dir / name, TEMPLATES))
    return files


def run_codegen(spec_dir: Path, out_dir: Path, *, check: bool = False) -> CodegenResult:
    """Generate ``out_dir`` from ``spec_dir``, or only compare when ``check``.

    Args:
        spec_dir: The ``spec/`` folder.
        out_dir: The ``generated/`` folder.
        check: Compare instead of writing.

    Returns:
        The files written or differing, and stale files.
    """
    files = render_all(spec_dir, out_dir)
    result = CodegenResult()
    for path, text in sorted(files.items()):
        old = path.read_text(encoding="utf-8") if path.exists() else None
        if old != text:
            result.changed.append(path)
            if not check:
                path.parent.mkdir(parents=True, exist_ok=True)
                # generated/ is package source every user imports: 0644, replaced atomically
                write_file(path, text, force=True, mode=0o644)
        result.written.append(path)
    for sub in BACKENDS:
        root = out_dir / sub
        if root.exists():
            for path in sorted(root.rglob("*")):
                if path.is_file() and path.suffix != ".pyc" and "__pycache__" not in path.parts \
                        and "node_modules" not in path.parts and path not in files:
                    result.stale.append(path)
                    if not check:
                        path.unlink()
    return result
