"""Print the printable strings of the captured bytes (``msl strings CAPTURE [-n MIN]``)."""

from __future__ import annotations

import argparse

from memslice.cli.common import DIALECT_HELP, EXIT_OK, add_secret_options, open_reader
from memslice.cli.options import parse_int


def _cmd_strings(args: argparse.Namespace) -> int:
    from memslice.address_space import AddressSpace
    from memslice.cli.scripting import JsonStream, custody, wants_json
    from memslice.scan import find_strings

    if args.min_len < 1:
        raise argparse.ArgumentTypeError("-n must be at least 1")
    wide = args.encoding == "utf16le"
    with open_reader(args, args.file, dialect=args.dialect) as reader:
        space = AddressSpace(reader)
        stream = JsonStream(args, [custody(args.file, reader)], "strings") if wants_json(args) else None
        count = 0
        try:
            for addr, data in find_strings(space, args.min_len, args.encoding, args.start or 0,
                                           args.end or 1 << 64):
                text = (data[::2] if wide else data).decode("ascii")
                count += 1
                if stream is not None:
                    stream.item({"address": f"0x{addr:x}", "text": text})
                else:
                    print(f"0x{addr:016x} {text}")
        except BaseException as exc:
            if stream is not None:
                stream.__exit__(type(exc), exc, None)
            raise
        if stream is not None:
            return stream.finish({"count": count, "min_length": args.min_len, "encoding": args.encoding})
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``msl strings`` to the parser."""
    p = sub.add_parser("strings", help="print printable strings of the captured bytes with their addresses",
                       description="Like strings(1) over the captured address space: a string may run across page "
                                   "and block boundaries where the addresses are contiguous and captured, never "
                                   "across a page that was not captured.")
    p.add_argument("file", metavar="CAPTURE")
    p.add_argument("-n", "--min-len", type=parse_int, default=4, metavar="MIN",
                   help="shortest string printed (default %(default)s)")
    p.add_argument("-e", "--encoding", choices=["ascii", "utf16le"], default="ascii",
                   help="ASCII (default) or UTF-16LE strings")
    p.add_argument("--start", type=parse_int, metavar="ADDR", help="first address")
    p.add_argument("--end", type=parse_int, metavar="ADDR", help="address past the last one")
    p.add_argument("--json", action="store_true", help="one JSON document (strings streamed)")
    p.add_argument("--dialect", default="auto", help=DIALECT_HELP)
    add_secret_options(p)
    p.set_defaults(func=_cmd_strings)
