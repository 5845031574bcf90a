"""Fuzz targets: one per parser that reads untrusted bytes.

Each target takes one input and runs everything a consumer does with such a file. The
property checked is the project's rule for bad input: the parser either succeeds or raises
a member of the one :class:`~memslice.errors.MslError` hierarchy. Any other exception
(``MemoryError`` under the address-space limit included) escapes, and the fuzzing engine
records the input as a crash. Hangs and memory growth are caught by the engine's limits
(see :mod:`fuzz.run`).

Targets:
    msl: our ``.msl`` reader (open, walk, decode every block, regions and reads, verify,
        canonical JSON, producer-rule validation).
    elf-core: the ELF core importer, then our reader over what it wrote: a successful
        import must verify.
    minidump: the minidump importer, the same way.

The memslice modules a target runs are imported by :func:`load` (the engine calls it under
coverage instrumentation), not when this module is imported: a canary then instruments
nothing, the ``msl`` target not the importers, and ``python -m fuzz.run`` (which only needs
the targets' names) starts without importing the parsers.
"""

from __future__ import annotations

import atexit
import importlib
import pkgutil
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

_READER_MODULES = ("memslice.errors", "memslice.reader", "memslice.verify", "memslice.canon", "memslice.validate")
MODULES: dict[str, tuple[str, ...]] = {
    "msl": _READER_MODULES,
    "elf-core": (*_READER_MODULES, "memslice.acquirer.importers"),
    "minidump": (*_READER_MODULES, "memslice.acquirer.importers"),
}
"""The memslice modules each parser target runs (a canary runs none)."""


def load(name: str) -> None:
    """Import the memslice modules target ``name`` runs, and every block payload module.

    The block modules are imported here too, even where the registry would import one only
    when a file first holds that block type: under instrumentation every decoder is then
    instrumented, not just those imported before fuzzing starts.
    """
    modules = MODULES.get(name, ())
    for module in modules:
        importlib.import_module(module)
    if modules:
        blocks = importlib.import_module("memslice.generated.blocks")
        for info in pkgutil.iter_modules(blocks.__path__):
            importlib.import_module(f"{blocks.__name__}.{info.name}")


READ_WINDOW = 64 * 1024
"""Bytes read at the start of each region with ``MslReader.read`` (hostile sizes reach 2^64)."""


class PropertyViolation(AssertionError):
    """A target's property does not hold for an input (not a parser exception)."""


_SCRATCH: Path | None = None


def _scratch() -> Path:
    """A private directory (mode 0700) for the importers' input and output, removed at exit."""
    global _SCRATCH  # noqa: PLW0603 - one scratch directory per fuzzing process
    if _SCRATCH is None:
        _SCRATCH = Path(tempfile.mkdtemp(prefix="msl-fuzz-"))
        atexit.register(shutil.rmtree, _SCRATCH, True)
    return _SCRATCH


def read_everything(source: bytes | Path) -> None:
    """Run every reading operation on ``source``; MslErrors are expected answers."""
    from memslice.canon import to_canonical
    from memslice.errors import MslError
    from memslice.reader import MslReader
    from memslice.verify import verify

    try:
        reader = MslReader(source)
    except MslError:
        return
    with reader:
        _ = reader.dialect if reader.fault is None else None
        for record in reader.blocks:
            try:
                reader.decode(record)
            except MslError:
                pass
        try:
            for region in reader.regions():
                window = min(region.size, READ_WINDOW)
                reader.read(region.base, window)
        except MslError:
            pass
        try:
            verify(reader)
        except MslError:
            pass
        try:
            to_canonical(reader)
        except MslError:
            pass


def msl_target(data: bytes) -> None:
    """Our ``.msl`` reader and validator on one input."""
    from memslice.errors import MslError
    from memslice.validate import validate

    read_everything(data)
    try:
        validate(data)
    except MslError:
        pass


def _import_target(source_format: str) -> Callable[[bytes], None]:
    def target(data: bytes) -> None:
        from memslice.acquirer.importers import import_dump

        from memslice.errors import MslError
        from memslice.reader import MslReader
        from memslice.verify import verify

        scratch = _scratch()
        src = scratch / "input.bin"
        out = scratch / "output.msl"
        src.write_bytes(data)
        out.unlink(missing_ok=True)
        try:
            import_dump(src, out, source_format=source_format, overwrite=True, hash_source=False)
        except MslError:
            return
        finally:
            src.unlink(missing_ok=True)
        try:
            with MslReader(out) as reader:
                report = verify(reader)
        except MslError as exc:
            raise PropertyViolation(f"the importer wrote a file our reader rejects: {exc}") from exc
        finally:
            out.unlink(missing_ok=True)
        if not report.ok:
            raise PropertyViolation(f"the importer wrote a file that does not verify: {report.problems}")

    target.__name__ = f"{source_format.replace('-', '_')}_target"
    target.__doc__ = f"The {source_format} importer on one input; a successful import must verify."
    return target


def canary_exception(data: bytes) -> None:
    """Self-test of the harness: every input raises an exception that is not an MslError."""
    raise ValueError(f"canary: {len(data)}-byte input")


def canary_memory(data: bytes) -> None:
    """Self-test of the address-space limit: every input asks for 4 GiB."""
    _ = bytearray(4 << 30)


def canary_hang(data: bytes) -> None:
    """Self-test of the per-input time limit: every input sleeps for a minute."""
    time.sleep(60)


TARGETS: dict[str, Callable[[bytes], None]] = {
    "msl": msl_target,
    "elf-core": _import_target("elf-core"),
    "minidump": _import_target("minidump"),
}
"""Parser targets: name -> function of one input."""

CANARIES: dict[str, Callable[[bytes], None]] = {
    "canary-exception": canary_exception,
    "canary-memory": canary_memory,
    "canary-hang": canary_hang,
}
"""Targets that must always be reported as findings: they show that the limits bite."""
