"""The fuzzing process: coverage-guided (atheris, libFuzzer) over one target.

Run by :mod:`fuzz.run`, which sets the process limits first; not meant to be run by hand::

    python -m fuzz.engine TARGET [libFuzzer options] CORPUS_DIR SEED_DIR

The memslice modules are instrumented for coverage when they are imported here.
"""

from __future__ import annotations

import sys

import atheris


def main() -> None:
    """Instrument memslice, pick the target named by argv[1], hand the rest to libFuzzer."""
    name = sys.argv.pop(1)
    with atheris.instrument_imports(include=["memslice"]):
        from fuzz.targets import CANARIES, TARGETS  # noqa: PLC0415 - imported under instrumentation on purpose
    target = {**TARGETS, **CANARIES}[name]

    def one_input(data: bytes) -> None:
        target(data)

    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
