"""Scan the captured bytes with YARA rules (``msl yara RULES CAPTURE``)."""

from __future__ import annotations

import argparse

from memslice.cli.common import DIALECT_HELP, EXIT_FAIL, EXIT_OK, add_secret_options, open_reader
from memslice.cli.options import parse_int


def _cmd_yara(args: argparse.Namespace) -> int:
    import yara

    from memslice.address_space import AddressSpace
    from memslice.cli.scripting import JsonStream, custody, wants_json
    from memslice.mappings import Locator, mappings
    from memslice.scan import yara_scan

    try:
        rules = yara.compile(filepath=args.rules)
    except yara.SyntaxError as exc:
        raise argparse.ArgumentTypeError(f"{args.rules}: YARA rules do not compile: {exc}") from None
    except yara.Error as exc:
        raise OSError(2, str(exc), args.rules) from None
    with open_reader(args, args.file, dialect=args.dialect) as reader:
        space = AddressSpace(reader)
        rows = Locator(mappings(reader, space))
        stream = JsonStream(args, [custody(args.file, reader)], "matches") if wants_json(args) else None
        count = strings = 0
        rules_hit: set[str] = set()
        try:
            for hit in yara_scan(space, rules, args.start or 0, args.end or 1 << 64, timeout=args.timeout):
                count += 1
                strings += len(hit["strings"])
                rules_hit.add(hit["rule"])
                hit["strings"].sort(key=lambda s: s["address"])
                first = hit["strings"][0]["address"] if hit["strings"] else hit["window"]
                if stream is not None:
                    mapping = rows.at(first)
                    stream.item({"rule": hit["rule"], "namespace": hit["namespace"], "tags": hit["tags"],
                                 "meta": hit["meta"], "address": f"0x{first:x}",
                                 "mapping": None if mapping is None else {"start": f"0x{mapping.start:x}",
                                                                          "end": f"0x{mapping.end:x}",
                                                                          "path": mapping.path},
                                 "strings": [{"identifier": s["identifier"], "address": f"0x{s['address']:x}",
                                              "data": s["data"].hex()} for s in hit["strings"]]})
                    continue
                print(f"{hit['rule']} 0x{first:016x}  {rows.label(first)}")
                for s in hit["strings"][:args.max_strings]:
                    print(f"    0x{s['address']:016x} {s['identifier']}: {s['data'][:64]!r}")
                if len(hit["strings"]) > args.max_strings:
                    print(f"    ... {len(hit['strings']) - args.max_strings} more")
        except BaseException as exc:
            if stream is not None:
                stream.__exit__(type(exc), exc, None)
            raise
        code = EXIT_OK if count else EXIT_FAIL
        if stream is not None:
            return stream.finish({"count": count, "string_matches": strings, "rules": sorted(rules_hit),
                                  "rules_file": args.rules,
                                  "captured_bytes": space.captured_bytes()}, code)
        print(f"{count} match(es) of {len(rules_hit)} rule(s), {strings} string match(es), in "
              f"{space.captured_bytes()} captured bytes")
    return code


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``msl yara`` to the parser."""
    p = sub.add_parser("yara", help="scan the captured bytes with YARA rules (yara-python)",
                       description="Scan every captured extent (contiguous captured addresses) with the rules; "
                                   "report rule, address, mapping and matched strings. Extents are scanned in 64 MiB "
                                   "slices, every seam once more with 64 KiB either side. Exit 0 when a rule "
                                   "matched, 1 when none.")
    p.add_argument("rules", metavar="RULES", help="a YARA rules file")
    p.add_argument("file", metavar="CAPTURE")
    p.add_argument("--timeout", type=parse_int, default=60, metavar="S", help="seconds per window (default 60)")
    p.add_argument("--max-strings", type=parse_int, default=8, metavar="N",
                   help="string matches printed per rule match (default %(default)s)")
    p.add_argument("--start", type=parse_int, metavar="ADDR", help="first address")
    p.add_argument("--end", type=parse_int, metavar="ADDR", help="address past the last one")
    p.add_argument("--json", action="store_true", help="one JSON document (matches streamed)")
    p.add_argument("--dialect", default="auto", help=DIALECT_HELP)
    add_secret_options(p)
    p.set_defaults(func=_cmd_yara)
