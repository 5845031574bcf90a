"""Where the data the package ships lives, and whether a source checkout is at hand.

The format description (``spec/``) is installed as package data ``memslice.spec`` and found
through :mod:`importlib.resources`; the conformance corpus is package data of
``memslice.conformance`` (its ``cases/``, beside its modules). An installed wheel therefore
needs no source tree. A few things exist
only in a checkout (``generated/`` as a folder with its Kaitai and docs outputs, the test
fixtures, ``build/kaitai``): :func:`checkout_root` says whether they are there, and commands
that need them say so in one line instead of looking next to ``site-packages``.
"""

from __future__ import annotations

import importlib.resources
import os
from functools import cache
from pathlib import Path

SPEC_PACKAGE = "memslice.spec"
"""The package that holds ``spec/`` in a wheel (``package-dir`` maps it to the checkout's ``spec/``)."""

SPEC_DIR_ENV = "MEMSLICE_SPEC_DIR"
"""Environment variable naming a changed copy of ``spec/`` for the corpus generators."""


def package_folder(package: str, probe: str) -> Path:
    """The folder of an installed data package, as a real path.

    Args:
        package: A package name, e.g. ``memslice.spec``.
        probe: A file that package holds (data packages have no ``__init__.py``, so
            :func:`importlib.resources.files` may answer with a multiplexed view; the file's
            parent is the one real folder).

    Returns:
        The folder.

    Raises:
        FileNotFoundError: The package or the file is not installed.
    """
    root = importlib.resources.files(package)
    if isinstance(root, Path):
        return root
    for child in root.iterdir():
        if child.name == probe and isinstance(child, Path):
            return child.parent
    raise FileNotFoundError(f"{package}: {probe} is not installed")


@cache
def installed_spec_dir() -> Path:
    """The ``spec/`` folder this package was built from (YAML, ``schema.json``, ``blocks/``).

    In a source checkout (the editable install) that is the checkout's ``spec/``; in an
    installed wheel, the package data ``memslice.spec``.
    """
    root = checkout_root()
    return root / "spec" if root is not None else package_folder(SPEC_PACKAGE, "format.yaml")


def spec_dir() -> Path:
    """``$MEMSLICE_SPEC_DIR`` when set (a changed copy of the spec), else :func:`installed_spec_dir`."""
    override = os.environ.get(SPEC_DIR_ENV)
    return Path(override) if override else installed_spec_dir()


@cache
def checkout_root() -> Path | None:
    """The source tree this package runs from (an editable install), or None for an installed wheel.

    A checkout is the folder above the ``memslice`` package that holds ``pyproject.toml``,
    ``spec/format.yaml`` and ``generated/python``; an installed package sits in
    ``site-packages``, which holds none of them.
    """
    root = Path(__file__).resolve().parents[1]
    marks = (root / "pyproject.toml", root / "spec" / "format.yaml", root / "generated" / "python" / "__init__.py")
    return root if all(p.is_file() for p in marks) else None


def inside_installation(path: Path) -> bool:
    """True when ``path`` lies inside the installed package's ``site-packages`` (never written to)."""
    if checkout_root() is not None:
        return False
    site = Path(__file__).resolve().parents[1]
    return path.resolve().is_relative_to(site)
