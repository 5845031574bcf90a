"""The fuzzing process: coverage-guided (atheris, libFuzzer) over one target.

Run by :mod:`fuzz.run`, which sets the process limits first; not meant to be run by hand::

    python -m fuzz.engine TARGET [libFuzzer options] CORPUS_DIR SEED_DIR

The memslice modules the target runs (:func:`fuzz.targets.load`) are instrumented for
coverage when they are imported here; a canary instruments none.
"""

from __future__ import annotations

import sys

import atheris


def main() -> None:
    """Instrument memslice, pick the target named by argv[1], hand the rest to libFuzzer."""
    name = sys.argv.pop(1)
    from fuzz.targets import CANARIES, TARGETS, load  # noqa: PLC0415 - after argv is read

    target = {**TARGETS, **CANARIES}[name]
    with atheris.instrument_imports(include=["memslice"]):
        load(name)

    def one_input(data: bytes) -> None:
        target(data)

    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
