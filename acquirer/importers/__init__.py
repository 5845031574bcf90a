"""Import dumps in other formats as Memory Slice files (spec section 9).

Example:
    >>> from memslice.acquirer.importers import import_dump       # doctest: +SKIP
    >>> result = import_dump("core.1234", "core.msl")              # doctest: +SKIP

Each source format has a parser (``raw``, ``elf_core``, ``minidump``) that builds an
:class:`~memslice.acquirer.importers.plan.ImportPlan` from the source's metadata, and
:mod:`~memslice.acquirer.importers.emit` writes the plan, copying page data in bounded
chunks. What each format can and cannot provide is listed in the module docstrings and,
per file, in the Import Provenance note.
"""

from __future__ import annotations

import os
from pathlib import Path

from memslice.acquirer.importers.elf_core import is_elf, plan_elf_core
from memslice.acquirer.importers.emit import DEFAULT_CHUNK_BYTES, ImportResult, write_plan
from memslice.acquirer.importers.errors import SourceError
from memslice.acquirer.importers.minidump import is_minidump, plan_minidump
from memslice.acquirer.importers.plan import ImportPlan
from memslice.acquirer.importers.raw import plan_raw
from memslice.acquirer.importers.source import SourceFile
from memslice.generated.framing import FILE_MAGIC
from memslice.generated.framing import PAGE_SIZE_LOG2_MAX as LOG2_MAX
from memslice.generated.framing import PAGE_SIZE_LOG2_MIN as LOG2_MIN

from memslice.atomic_output import check_destination

FORMATS = ("raw", "elf-core", "minidump")
"""Source formats ``--from`` accepts (besides ``auto``)."""


class Progress:
    """Progress hooks; the default does nothing (the CLI draws a bar on a terminal)."""

    def phase(self, name: str, total: int) -> None:
        """A new phase starts (``hashing``, ``copying``) with ``total`` bytes of work."""

    def advance(self, amount: int) -> None:
        """``amount`` more bytes of the current phase are done."""

    def done(self) -> None:
        """The import finished or failed."""


def detect_format(source: SourceFile) -> str:
    """The format of a source from its first bytes: ``elf-core`` or ``minidump``.

    Raises:
        SourceError: Neither signature matches (a raw stream has none: say ``raw``).
    """
    if source.size == 0:
        raise SourceError(f"{source.path.name} is empty (0 bytes): nothing to import")
    head = source.read(0, min(len(FILE_MAGIC), source.size), "file signature")
    if is_elf(head):
        return "elf-core"
    if is_minidump(head):
        return "minidump"
    if head == FILE_MAGIC:
        raise SourceError(f"{source.path.name} is already a Memory Slice file (magic {FILE_MAGIC.decode()}): "
                          "there is nothing to import; read it with msl info / msl verify", offset=0)
    raise SourceError(f"cannot tell the format of {source.path.name} (first bytes {head[:4].hex()}): not an ELF "
                      "core or a minidump; import a raw byte stream with --from raw", offset=0)


def plan_import(source: SourceFile, source_format: str = "auto", *, base: int | None = None,
                pid: int | None = None, page_size: int | None = None, accept_loss: bool = False) -> ImportPlan:
    """Parse a source into an import plan without writing anything.

    Args:
        source: The open source.
        source_format: ``auto``, ``raw``, ``elf-core`` or ``minidump``.
        base: Address of the first byte (raw only; default 0).
        pid: PID to record when the source has none; must match the source's otherwise.
        page_size: Page size in bytes (raw and ELF core; default: 4096 / the core's own).
        accept_loss: Import even when bytes of the source cannot be carried (a raw tail or
            minidump range edge below the 1 KiB page granularity, a truncated core); the
            Import Provenance note records what was dropped. Without it such a source is
            refused.

    Raises:
        SourceError: Bad source, or options that do not apply or contradict the source.
    """
    fmt = detect_format(source) if source_format == "auto" else source_format
    if fmt not in FORMATS:
        raise SourceError(f"unknown source format {fmt!r} (known: auto, {', '.join(FORMATS)})")
    if base is not None and fmt != "raw":
        raise SourceError(f"a base address applies to raw sources only; a {fmt} source records its addresses")
    page_log2 = None
    if page_size is not None:
        if page_size <= 0 or page_size & (page_size - 1) or not 1 << LOG2_MIN <= page_size <= 1 << LOG2_MAX:
            raise SourceError(f"page size {page_size} is not a power of two in 1 KiB..1 TiB", rule="P14")
        if fmt == "minidump":
            raise SourceError("a page size applies to raw and elf-core sources only")
        page_log2 = page_size.bit_length() - 1
    if fmt == "raw":
        plan = plan_raw(source, base=base or 0, page_log2=page_log2 or 12, pid=pid, accept_loss=accept_loss)
    elif fmt == "elf-core":
        plan = plan_elf_core(source, preferred_page_log2=page_log2, accept_loss=accept_loss)
    else:
        plan = plan_minidump(source, accept_loss=accept_loss)
    if pid is not None and fmt != "raw":
        if plan.pid and plan.pid != pid:
            raise SourceError(f"PID {pid} contradicts the PID {plan.pid} that the source records")
        if not plan.pid:
            plan.pid = pid
            plan.missing = [m for m in plan.missing if m != "process id"]
            plan.facts.append(f"header PID {pid} was given by the user, not read from the source")
    return plan


def import_dump(src: str | os.PathLike[str], out: str | os.PathLike[str], *, source_format: str = "auto",
                base: int | None = None, pid: int | None = None, page_size: int | None = None,
                compression: str = "none", chunk_bytes: int = DEFAULT_CHUNK_BYTES, overwrite: bool = False,
                hash_source: bool = True, progress: Progress | None = None,
                accept_loss: bool = False) -> ImportResult:
    """Import ``src`` as the Memory Slice file ``out``.

    Args:
        src: The source dump.
        out: The ``.msl`` to write (created new, mode 0600, renamed into place when complete;
            see :mod:`memslice.atomic_output`).
        source_format: ``auto``, ``raw``, ``elf-core`` or ``minidump``.
        base: Raw only: address of the first byte.
        pid: PID for sources that do not record one.
        page_size: Page size for raw and ELF core sources.
        compression: ``none``, ``zstd`` or ``lz4`` for Memory Region payloads.
        chunk_bytes: Largest PageData of one Memory Region block.
        overwrite: Replace an existing ``out``.
        hash_source: Put the source's SHA-256 in the note (reads the source once more).
        progress: Progress hooks.
        accept_loss: Import even when bytes of the source cannot be carried (see
            :func:`plan_import`); otherwise such a source is refused.

    Returns:
        What was written.

    Raises:
        SourceError: The source is malformed or the options do not fit it (the error
            names the source file).
        OutputError: ``out`` is refused (exists and ``overwrite`` is false, a directory, a
            missing directory, a special file), checked before the source is parsed.
        OSError: A file cannot be read or written.
    """
    progress = progress or Progress()
    out = Path(out)
    with SourceFile(src) as source:
        if out.exists() and os.path.samefile(out, source.path):
            raise SourceError(f"the output {out} is the source itself")
        check_destination(out, force=overwrite)
        try:
            plan = plan_import(source, source_format, base=base, pid=pid, page_size=page_size,
                               accept_loss=accept_loss)
            sha = None
            if hash_source:
                progress.phase("hashing source", source.size)
                sha = source.sha256(progress.advance)
            progress.phase("copying pages", plan.captured_bytes())
            return write_plan(plan, source, out, sha256=sha, compression=compression, chunk_bytes=chunk_bytes,
                              overwrite=overwrite, progress=progress.advance)
        except SourceError as exc:
            raise exc.for_file(str(source.path)) from None
        finally:
            progress.done()


__all__ = ["FORMATS", "ImportPlan", "ImportResult", "Progress", "SourceError", "detect_format", "import_dump",
           "plan_import"]
