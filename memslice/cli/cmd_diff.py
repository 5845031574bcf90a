"""Compare two captures (``msl diff A B``)."""

from __future__ import annotations

import argparse

from memslice.cli.common import DIALECT_HELP, EXIT_FAIL, EXIT_OK, add_secret_options, open_reader


def _cmd_diff(args: argparse.Namespace) -> int:
    from memslice.cli.scripting import custody, emit, wants_json
    from memslice.diff import diff
    from memslice.mappings import prot_text, type_name

    with open_reader(args, args.a, dialect=args.dialect) as ra, open_reader(args, args.b, dialect=args.dialect) as rb:
        report = diff(ra, rb)
        code = EXIT_OK if report.same else EXIT_FAIL
        if wants_json(args):
            return emit(args, report.to_dict(), captures=[custody(args.a, ra), custody(args.b, rb)], exit_code=code)

    def line(sign: str, m: object) -> str:
        return (f"  {sign} 0x{m.start:x}-0x{m.end:x} {prot_text(m.protection)} {type_name(m.region_type)} "  # type: ignore[attr-defined]
                f"{m.path}").rstrip()  # type: ignore[attr-defined]

    print(f"mappings: {len(report.added)} added, {len(report.removed)} removed, {len(report.resized)} resized")
    for m in report.added:
        print(line("+", m))
    for m in report.removed:
        print(line("-", m))
    for x, y in report.resized:
        print(f"  ~ 0x{x.start:x}: 0x{x.size:x} -> 0x{y.size:x} bytes {x.path or y.path}".rstrip())
    print(f"pages: {report.changed} changed, {report.identical} identical, {report.state_changed} with another "
          "state (captured in one only, or failed/unmapped/not resident/absent)")
    for d in report.per_mapping:
        first = "" if d.first_changed is None else f", first change at 0x{d.first_changed:x}"
        name = f" {d.mapping.path}" if d.mapping.path else ""
        print(f"  0x{d.mapping.start:x}-0x{d.mapping.end:x}{name}: {d.changed} changed, "
              f"{d.state_changed} state changed{first}")
    return code


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``msl diff`` to the parser."""
    p = sub.add_parser("diff", help="compare two captures: mappings added/removed/resized, pages changed",
                       description="Compare two captures of the same process (or one before and after enrichment). "
                                   "Exit 0 when they hold the same mappings and bytes, 1 when they differ (as diff).")
    p.add_argument("a", metavar="A")
    p.add_argument("b", metavar="B")
    p.add_argument("--json", action="store_true", help="one JSON document")
    p.add_argument("--dialect", default="auto", help=DIALECT_HELP)
    add_secret_options(p)
    p.set_defaults(func=_cmd_diff)
