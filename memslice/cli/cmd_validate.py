"""Check a capture against the producer rules (``msl validate FILE``).

Exit status: 0 when no MUST is broken (with ``--strict``: no rule at all), 1 when one is,
2 when the file cannot be read.
"""

from __future__ import annotations

import argparse
import json

from memslice.cli.common import EXIT_FAIL, EXIT_OK, add_secret_options, reader_options


def _cmd_validate(args: argparse.Namespace) -> int:
    from memslice.validate import validate

    failed = False
    documents = []
    for path in args.file:
        report = validate(path, **reader_options(args, path))
        failed = failed or report.failed(strict=args.strict)
        if args.json:
            documents.append(report.to_dict())
            continue
        musts = sum(f.level == "MUST" for f in report.findings)
        shoulds = len(report.findings) - musts
        verdict = "FAIL" if report.failed(strict=args.strict) else "PASS"
        if report.header_only:
            verdict += " (header only)"
        version = "unreadable header" if report.version is None else f"Version 0x{report.version:04X}"
        print(f"{path}: {verdict} ({version}, checked as {report.validated_as or '-'}, detected dialect "
              f"{report.detected_dialect or '-'}; {musts} MUST, {shoulds} SHOULD finding(s))")
        shown = report.findings if args.all else report.findings[:args.limit]
        for f in shown:
            where = "header" if f.block is None else f"block {f.block}"
            at = "" if f.offset is None else f" @0x{f.offset:X}"
            print(f"  {f.level:<6} {f.rule:<22} {where}{at}: {f.message}")
        if len(shown) < len(report.findings):
            print(f"  ... {len(report.findings) - len(shown)} more (--all)")
        for note in report.notes:
            print(f"  note: {note}")
    if args.json:
        print(json.dumps(documents[0] if len(documents) == 1 else documents, indent=2))
    return EXIT_FAIL if failed else EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``msl validate`` to the parser."""
    p = sub.add_parser("validate", help="check a capture against the producer MUST/SHOULD rules")
    p.add_argument("file", nargs="+", help="capture(s) to check")
    p.add_argument("--json", action="store_true", help="machine-readable findings")
    p.add_argument("--strict", action="store_true", help="SHOULD findings fail too")
    p.add_argument("--all", action="store_true", help="print every finding (default: the first --limit)")
    p.add_argument("--limit", type=int, default=50, help="findings printed per file (default %(default)s)")
    add_secret_options(p)
    p.set_defaults(func=_cmd_validate)
