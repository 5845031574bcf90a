"""Export a capture to another format (``msl export CAPTURE -o OUT.core --to elf-core``)."""

from __future__ import annotations

import argparse
import sys

from memslice.cli.common import EXIT_OK, add_secret_options, reader_options


def _cmd_export(args: argparse.Namespace) -> int:
    from memslice.acquirer.exporters import export_elf_core
    from memslice.atomic_output import check_destination
    from memslice.cli.cmd_import import make_progress

    check_destination(args.output, force=args.force)  # before the capture is opened
    bar = make_progress(sys.stderr.isatty() and not args.quiet)
    try:
        result = export_elf_core(args.file, args.output, overwrite=args.force, check=not args.no_verify,
                                 progress=bar.advance, total=lambda n: bar.phase("writing memory", n),
                                 reader_options=reader_options(args, args.file))
    finally:
        bar.done()
    if not args.quiet:
        print(f"{result.path}: ELF core with {result.segments} PT_LOAD segments ({result.memory_bytes} bytes), "
              f"{result.threads} threads; {result.left_out_pages} pages not captured were left out")
        for warning in result.warnings:
            print(f"  {warning}")
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``msl export`` to the parser."""
    p = sub.add_parser("export", help="export a capture as an ELF core file (gdb opens it)",
                       description="Write a capture in another format. Only Captured pages are written; other "
                                   "pages are left out, never zero-filled.")
    p.add_argument("file", metavar="CAPTURE", help="the .msl file")
    p.add_argument("-o", "--output", required=True, metavar="OUT.core", help="the file to write")
    p.add_argument("--to", dest="target", default="elf-core", choices=["elf-core"], help="target format")
    p.add_argument("--no-verify", action="store_true", help="export even if the capture's hashes do not verify")
    p.add_argument("-f", "--force", action="store_true",
                   help="replace an existing output file (a symbolic link is replaced itself, never followed)")
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")
    add_secret_options(p)
    p.set_defaults(func=_cmd_export)
