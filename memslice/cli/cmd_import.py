"""Import a dump in another format (``msl import SRC -o OUT.msl``), spec section 9."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from memslice.cli.common import EXIT_FAIL, EXIT_OK


def _int(text: str) -> int:
    """An integer in decimal or 0x hex."""
    try:
        return int(text, 0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None


def make_progress(enabled: bool) -> Any:
    """Progress hooks drawing a rich bar on stderr when ``enabled`` (a terminal), else none."""
    from memslice.acquirer.importers import Progress

    if not enabled:
        return Progress()
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, TextColumn, TimeRemainingColumn
    from rich.progress import Progress as RichProgress

    class _Bar(Progress):
        def __init__(self) -> None:
            self.bar = RichProgress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
                                    TimeRemainingColumn(), console=Console(stderr=True), transient=True)
            self.bar.start()
            self.task: Any = None

        def phase(self, name: str, total: int) -> None:
            if self.task is not None:
                self.bar.update(self.task, visible=False)
            self.task = self.bar.add_task(name, total=total)

        def advance(self, amount: int) -> None:
            self.bar.advance(self.task, amount)

        def done(self) -> None:
            self.bar.stop()

    return _Bar()


def _cmd_import(args: argparse.Namespace) -> int:
    from memslice.acquirer.importers import SourceError, import_dump
    from memslice.atomic_output import check_destination

    check_destination(args.output, force=args.force)  # before the source is opened

    try:
        result = import_dump(args.file, args.output, source_format=args.source_format, base=args.base,
                             pid=args.pid, page_size=args.page_size, compression=args.compress,
                             overwrite=args.force, hash_source=not args.no_hash, accept_loss=args.accept_loss,
                             progress=make_progress(sys.stderr.isatty() and not args.quiet))
    except SourceError as exc:  # it names the source file itself
        print(f"msl import: {exc}", file=sys.stderr)
        return EXIT_FAIL
    if not args.quiet:
        print(f"{result.path}: imported {result.source_format} ({result.blocks} blocks: {result.regions} memory "
              f"regions with {result.captured_bytes} captured bytes and {result.failed_pages} Failed pages, "
              f"{result.threads} threads, {result.modules} modules)")
        for line in result.note.splitlines()[1:]:
            print(f"  {line}")
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``msl import`` to the parser."""
    from memslice.acquirer.importers.registry import names

    p = sub.add_parser("import", help="import a raw dump, ELF core or minidump as a Memory Slice file",
                       description="Import a dump in another format (spec section 9). The source is only read; "
                                   "the output is created new as OUT.<random>.partial (mode 0600) and renamed when "
                                   "complete.")
    p.add_argument("file", metavar="SRC", help="the dump to import")
    p.add_argument("-o", "--output", required=True, metavar="OUT.msl", help="the Memory Slice file to write")
    p.add_argument("--from", dest="source_format", default="auto",
                   choices=["auto", *names()],
                   help="source format (default: auto, from the file signature; raw must be named)")
    p.add_argument("--base", type=_int, default=None, metavar="ADDR",
                   help="raw only: address of the first byte (default 0)")
    p.add_argument("--pid", type=_int, default=None, metavar="N",
                   help="PID for sources that do not record one (must match the source's otherwise)")
    p.add_argument("--page-size", type=_int, default=None, metavar="BYTES",
                   help="raw and elf-core: page size (default 4096 / the core's own)")
    p.add_argument("--compress", default="none", choices=["none", "zstd", "lz4"],
                   help="codec for Memory Region payloads (default none)")
    p.add_argument("--accept-loss", action="store_true",
                   help="import even when bytes cannot be carried (a raw tail or minidump range edge below the "
                        "format's 1 KiB page, a truncated core); the Import Provenance note records what was "
                        "dropped. Without it such a source is refused")
    p.add_argument("--no-hash", action="store_true", help="do not record the source's SHA-256 (saves one read)")
    p.add_argument("-f", "--force", action="store_true",
                   help="replace an existing output file (a symbolic link is replaced itself, never followed)")
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")
    p.set_defaults(func=_cmd_import)
