"""The implementations the matrix runs, and how to start each one's adapter.

``reference`` is our reader; ``memslicer`` and ``memdiver`` run the scripts next to this
module with the python of their oracle venvs (built by ``make oracles`` /
``tests/oracles/venvs.py`` under ``.oracle-venvs/`` or ``$MEMSLICE_ORACLE_ROOT``; nothing
here installs them); ``kaitai`` runs the parser that ``make kaitai`` compiles from the
generated ``.ksy``.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from memslice.conformance import KNOWN_FAILURES_DIR
from memslice.conformance.runner import Adapter

from memslice.resources import checkout_root

HERE = Path(__file__).resolve().parent
ORACLE_ROOT_ENV = "MEMSLICE_ORACLE_ROOT"
ORACLE_MARKER = ".oracle-installed"


@dataclass(frozen=True)
class Implementation:
    """One implementation of the matrix.

    Attributes:
        name: Column name and known-failure file stem.
        title: Human name with version.
        script: Adapter script next to this module, or None (the reference module).
        venv: Oracle venv whose python runs the script, or None (this interpreter).
        pending: Why it cannot run yet, or None.
        needs: Repository files the adapter needs (built by ``needs_hint``).
        needs_hint: How to build them.
        interpreter: Program that runs the script when it is not Python (``node``).
    """

    name: str
    title: str
    script: str | None = None
    venv: str | None = None
    pending: str | None = None
    needs: tuple[str, ...] = ()
    needs_hint: str = ""
    interpreter: str | None = None

    @property
    def known_failures(self) -> Path:
        """Its known-failure list (may not exist)."""
        return KNOWN_FAILURES_DIR / f"{self.name}.yaml"


IMPLEMENTATIONS: dict[str, Implementation] = {
    "reference": Implementation("reference", "memslice (generated Python reader)"),
    "kaitai": Implementation("kaitai", "Kaitai Struct 0.11 (generated .ksy compiled to Python)", "kaitai_adapter.py",
                             needs=("build/kaitai/python/memslice.py", "tools/kaitai/python/memslice_codec.py",
                                    "conformance/kaitai_canon.py"), needs_hint="make kaitai"),
    "kaitai-js": Implementation("kaitai-js", "Kaitai Struct 0.11 (generated .ksy compiled to JavaScript, node)",
                                "kaitai_js_adapter.js", needs=("build/kaitai/javascript/Memslice.js",
                                                               "tools/kaitai/js/MemsliceCodec.js"),
                                needs_hint="make kaitai", interpreter="node"),
    "memslicer": Implementation("memslicer", "memslicer 0.5.2", "memslicer_adapter.py", "memslicer"),
    "memdiver": Implementation("memdiver", "memdiver 1.0.2", "memdiver_adapter.py", "memdiver"),
}


def oracle_root() -> Path:
    """Where the oracle venvs live.

    ``$MEMSLICE_ORACLE_ROOT``, else ``.oracle-venvs`` of the checkout (an installed package: of
    the current directory).
    """
    override = os.environ.get(ORACLE_ROOT_ENV)
    if override:
        return Path(override).resolve()
    return (checkout_root() or Path.cwd()) / ".oracle-venvs"


def unavailable(impl: Implementation) -> str | None:
    """Why ``impl`` cannot run here, or None."""
    if impl.pending:
        return f"pending: {impl.pending}"
    if impl.interpreter is not None and shutil.which(impl.interpreter) is None:
        return f"{impl.interpreter} is not installed"
    root = checkout_root()
    if impl.needs and root is None:
        return f"needs a source checkout with {impl.needs[0]} ({impl.needs_hint})"
    missing = [n for n in impl.needs if not (root / n).is_file()]  # type: ignore[operator]
    if missing:
        return f"{', '.join(missing)} missing ({impl.needs_hint})"
    if impl.venv is None:
        return None
    venv = oracle_root() / impl.venv
    marker = venv / ORACLE_MARKER
    if not marker.is_file() or not (venv / "bin" / "python").exists():
        return f"oracle venv {venv} is not installed (make oracles)"
    try:
        json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return f"oracle venv {venv} has an unreadable {ORACLE_MARKER}"
    return None


def adapter_for(impl: Implementation) -> Adapter:
    """The command that runs ``impl``'s adapter (check :func:`unavailable` first)."""
    if impl.script is None:
        return Adapter(impl.name, [sys.executable, "-m", "memslice.conformance.adapters.reference"])
    if impl.interpreter is not None:
        return Adapter(impl.name, [shutil.which(impl.interpreter) or impl.interpreter, str(HERE / impl.script)])
    if impl.venv is None:
        return Adapter(impl.name, [sys.executable, str(HERE / impl.script)])
    python = oracle_root() / impl.venv / "bin" / "python"
    return Adapter(impl.name, [str(python), "-I", str(HERE / impl.script)])
