"""Find a pattern in the captured bytes (``msl search CAPTURE PATTERN [--hex|--regex|--utf16]``)."""

from __future__ import annotations

import argparse
import re
from typing import Any

from memslice.cli.common import DIALECT_HELP, EXIT_FAIL, EXIT_OK, add_secret_options, open_reader
from memslice.cli.options import parse_int

_PRINTABLE = bytes(c if 0x20 <= c < 0x7F else 0x2E for c in range(256))


def pattern_bytes(args: argparse.Namespace) -> bytes:
    """The literal bytes to look for (UTF-8 text, ``--hex`` or ``--utf16``)."""
    if args.hex:
        try:
            return bytes.fromhex(args.pattern.replace(" ", ""))
        except ValueError:
            raise argparse.ArgumentTypeError(f"not hex: {args.pattern!r}") from None
    if args.utf16:
        return args.pattern.encode("utf-16-le")
    return args.pattern.encode("utf-8")


def context(space: Any, addr: int, length: int, before: int, after: int) -> tuple[bytes, bytes]:
    """Captured bytes just before and after a match (clipped at holes)."""
    pre = post = b""
    for extent in space.extents(max(0, addr - before), addr + length + after):
        if extent[0].addr <= addr and extent[-1].end >= addr + length:
            lo, hi = max(extent[0].addr, addr - before), min(extent[-1].end, addr + length + after)
            data = space.read(lo, hi - lo)
            pre, post = data[:addr - lo], data[addr - lo + length:]
            break
    return pre, post


def show(data: bytes) -> str:
    """Printable ASCII, dots for the rest."""
    return data.translate(_PRINTABLE).decode("ascii")


def _cmd_search(args: argparse.Namespace) -> int:
    from memslice.address_space import AddressSpace
    from memslice.cli.scripting import JsonStream, custody, wants_json
    from memslice.mappings import Locator, mappings
    from memslice.scan import find_literal, find_regex

    if args.regex:
        try:
            regex = re.compile(args.pattern.encode("utf-8"), re.DOTALL)
        except re.error as exc:
            raise argparse.ArgumentTypeError(f"bad regular expression: {exc}") from None
        what = f"regex {args.pattern!r}"
    else:
        literal = pattern_bytes(args)
        if not literal:
            raise argparse.ArgumentTypeError("empty pattern")
        what = f"{len(literal)}-byte literal {literal.hex() if args.hex else repr(args.pattern)}"
    start, end = args.start or 0, args.end or 1 << 64
    with open_reader(args, args.file, dialect=args.dialect) as reader:
        space = AddressSpace(reader)
        rows = Locator(mappings(reader, space))
        hits = (find_regex(space, regex, start, end) if args.regex
                else ((a, literal) for a in find_literal(space, literal, start, end)))
        stream = JsonStream(args, [custody(args.file, reader)], "matches") if wants_json(args) else None
        count = 0
        with stream or _Null():
            for addr, matched in hits:
                count += 1
                if args.count or count > args.max:
                    continue
                mapping = rows.at(addr)
                pre, post = context(space, addr, len(matched), args.context, args.context)
                if stream is not None:
                    stream.item({"address": f"0x{addr:x}", "length": len(matched), "mapping":
                                 None if mapping is None else {"start": f"0x{mapping.start:x}",
                                                               "end": f"0x{mapping.end:x}", "path": mapping.path},
                                 "match": matched.hex(), "before": pre.hex(), "after": post.hex()})
                else:
                    print(f"0x{addr:016x}  {rows.label(addr)}\n    {show(pre)}[{show(matched)}]{show(post)}")
            code = EXIT_OK if count else EXIT_FAIL
            summary = {"pattern": what, "count": count, "shown": 0 if args.count else min(count, args.max),
                       "captured_bytes": space.captured_bytes()}
            if stream is not None:
                return stream.finish(summary, code)
        if args.count:
            print(count)
        else:
            more = f" ({count - args.max} more not shown: --max)" if count > args.max else ""
            print(f"{count} match(es) of {what} in {space.captured_bytes()} captured bytes{more}")
    return code


class _Null:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``msl search`` to the parser."""
    p = sub.add_parser("search", help="find a pattern in the captured bytes (address, mapping, context)",
                       description="Find every occurrence of PATTERN in the captured bytes. Matches may span page, "
                                   "block and region boundaries where the addresses are contiguous and captured, "
                                   "never a page that was not captured. Exit 0 when found, 1 when not (as grep).")
    p.add_argument("file", metavar="CAPTURE")
    p.add_argument("pattern", metavar="PATTERN", help="text (UTF-8) unless --hex, --regex or --utf16")
    kind = p.add_mutually_exclusive_group()
    kind.add_argument("--hex", action="store_true", help="PATTERN is hex bytes, e.g. 'de ad be ef'")
    kind.add_argument("--regex", action="store_true", help="PATTERN is a (Python, bytes) regular expression")
    kind.add_argument("--utf16", action="store_true", help="look for PATTERN encoded as UTF-16LE")
    p.add_argument("-c", "--count", action="store_true", help="print only the number of matches")
    p.add_argument("--max", type=parse_int, default=1000, metavar="N", help="matches shown (default %(default)s)")
    p.add_argument("--context", type=parse_int, default=16, metavar="BYTES",
                   help="bytes of context either side (default %(default)s)")
    p.add_argument("--start", type=parse_int, metavar="ADDR", help="first address to search")
    p.add_argument("--end", type=parse_int, metavar="ADDR", help="address past the last one to search")
    p.add_argument("--json", action="store_true", help="one JSON document (matches streamed)")
    p.add_argument("--dialect", default="auto", help=DIALECT_HELP)
    add_secret_options(p)
    p.set_defaults(func=_cmd_search)
