"""Say in one line what ``make test`` needs and this machine lacks (exit 1), before anything runs.

``make test`` needs, besides Python 3.11+: node and npm (the pinned Kaitai Struct compiler,
``make kaitai``), a JDK (``javac`` and ``java``: one test compiles the generated Java parser),
and the package registries (PyPI for the reference tools memslicer 0.5.2 and memdiver 1.0.2,
npm for the compiler). Registry access is checked by the install steps themselves, which stop
``make test`` with one line when they fail.
"""

from __future__ import annotations

import shutil
import sys

NEEDS = {
    "node": "node (Kaitai Struct compiler; Debian: apt-get install nodejs)",
    "npm": "npm (installs the pinned compiler; Debian: apt-get install npm)",
    "javac": "javac (a JDK, for the compiled-Java Kaitai test; Debian: apt-get install default-jdk-headless)",
    "java": "java (a JDK, for the compiled-Java Kaitai test)",
}


def missing() -> list[str]:
    """What is missing, as readable names."""
    out = [] if sys.version_info >= (3, 11) else [f"Python 3.11+ (this is {sys.version.split()[0]})"]
    return out + [text for tool, text in NEEDS.items() if shutil.which(tool) is None]


def main() -> int:
    lack = missing()
    if lack:
        print("make test: missing " + "; ".join(lack) + " (see README, Quick start)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
