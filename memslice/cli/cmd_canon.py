"""Print the canonical JSON of a capture (``msl canon FILE``)."""

from __future__ import annotations

import argparse
import sys

from memslice.cli.common import DIALECT_HELP, EXIT_OK, add_inflate_budget, add_secret_options, open_reader


def _cmd_canon(args: argparse.Namespace) -> int:
    from memslice.atomic_output import check_destination, write_file
    from memslice.canon import dumps, to_canonical

    if args.output:
        check_destination(args.output, force=args.force)  # before the capture is read
    with open_reader(args, args.file, dialect=args.dialect, inflate_budget=args.inflate_budget) as reader:
        text = dumps(to_canonical(reader, check_integrity=not args.no_verify))
    if args.output:
        write_file(args.output, text, force=args.force)
    else:
        sys.stdout.write(text)
    return EXIT_OK

def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``msl canon`` to the parser."""
    p = sub.add_parser("canon", help="print the canonical JSON (msl-canon/1) of a capture")
    p.add_argument("file")
    p.add_argument("-o", "--output", help="write to this file instead of stdout (created new, mode 0600)")
    p.add_argument("-f", "--force", action="store_true", help="replace the -o file if it exists")
    p.add_argument("--no-verify", action="store_true", help="skip hash verification")
    p.add_argument("--dialect", default="auto", help=DIALECT_HELP)
    add_inflate_budget(p)
    add_secret_options(p)
    p.set_defaults(func=_cmd_canon, data_on_stdout=True)
