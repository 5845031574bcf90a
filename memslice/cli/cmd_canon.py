"""Print the canonical JSON of a capture (``msl canon FILE``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from memslice.cli.common import DIALECT_HELP, EXIT_OK, add_secret_options, open_reader


def _cmd_canon(args: argparse.Namespace) -> int:
    from memslice.canon import dumps, to_canonical

    with open_reader(args, args.file, dialect=args.dialect) as reader:
        text = dumps(to_canonical(reader, check_integrity=not args.no_verify))
    if args.output:
        out = Path(args.output)
        tmp = out.with_name(out.name + ".partial")
        tmp.write_text(text)
        tmp.replace(out)
    else:
        sys.stdout.write(text)
    return EXIT_OK

def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``msl canon`` to the parser."""
    p = sub.add_parser("canon", help="print the canonical JSON (msl-canon/1) of a capture")
    p.add_argument("file")
    p.add_argument("-o", "--output", help="write to this file instead of stdout")
    p.add_argument("--no-verify", action="store_true", help="skip hash verification")
    p.add_argument("--dialect", default="auto", help=DIALECT_HELP)
    add_secret_options(p)
    p.set_defaults(func=_cmd_canon)
