"""Run the backends and write (or compare) ``generated/``."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from memslice.codegen.backends import BACKENDS
from memslice.codegen.errors import SpecError
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


def render_all(spec_dir: Path, out_dir: Path, *, drafts: bool = False) -> dict[Path, str]:
    """Every generated file, rendered in memory.

    Args:
        spec_dir: The ``spec/`` folder.
        out_dir: The ``generated/`` folder the paths are relative to.
        drafts: Include items with ``status: draft``.

    Returns:
        Path -> text.
    """
    spec = load_spec(spec_dir, drafts=drafts)
    files: dict[Path, str] = {}
    for name, backend in BACKENDS.items():
        files.update(backend(spec, out_dir / name, TEMPLATES))
    return files


#: imports every module of a generated package mounted as ``memslice.generated`` (argv[1])
_IMPORT_ALL = """
import importlib, importlib.util, pkgutil, sys
root = sys.argv[1]
spec = importlib.util.spec_from_file_location("memslice.generated", root + "/__init__.py",
                                              submodule_search_locations=[root])
module = importlib.util.module_from_spec(spec)
sys.modules["memslice.generated"] = module
spec.loader.exec_module(module)
for info in pkgutil.walk_packages([root], "memslice.generated."):
    importlib.import_module(info.name)
"""


def try_import(files: dict[Path, str], package_dir: Path) -> None:
    """Compile and import the generated Python in a scratch copy before anything is replaced.

    The package is written to a temporary folder and imported there, as ``memslice.generated``,
    by a fresh interpreter; ``generated/`` itself is not touched, so a spec that generates code
    that does not compile or import can never leave ``msl`` unable to start.

    Args:
        files: Rendered files (path -> text).
        package_dir: Where the Python package will live (``generated/python``).

    Raises:
        SpecError: The generated Python does not compile or import (with the interpreter's message).
    """
    ours = {p: t for p, t in files.items() if p.suffix == ".py" and package_dir in p.parents}
    if not ours:
        return
    with tempfile.TemporaryDirectory(prefix="msl-codegen-") as tmp:
        root = Path(tmp) / "generated"
        for path, text in ours.items():
            rel = path.relative_to(package_dir)
            try:
                compile(text, str(package_dir / rel), "exec")
            except SyntaxError as exc:
                raise SpecError(f"generated/python/{rel.as_posix()}", (
                    f"the generated code does not compile (line {exc.lineno}: {exc.msg}); generated/ was "
                    "left unchanged")) from None
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if k in ("PATH", "PYTHONPATH", "SYSTEMROOT", "LANG", "LC_ALL")}
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        proc = subprocess.run([sys.executable, "-c", _IMPORT_ALL, str(root)], capture_output=True, text=True,
                              timeout=300, cwd=tmp, env=env)
        if proc.returncode != 0:
            last = (proc.stderr.strip().splitlines() or ["(no message)"])[-1]
            raise SpecError("generated/python", (
                f"the generated package does not import: {last}; generated/ was left unchanged"))


def run_codegen(spec_dir: Path, out_dir: Path, *, check: bool = False, drafts: bool = False) -> CodegenResult:
    """Generate ``out_dir`` from ``spec_dir``, or only compare when ``check``.

    Before anything under ``out_dir`` is replaced, the generated Python is compiled and
    imported in a scratch copy (:func:`try_import`).

    Args:
        spec_dir: The ``spec/`` folder.
        out_dir: The ``generated/`` folder.
        check: Compare instead of writing.
        drafts: Include items with ``status: draft``.

    Returns:
        The files written or differing, and stale files.
    """
    files = render_all(spec_dir, out_dir, drafts=drafts)
    if not check:
        try_import(files, out_dir / "python")
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
