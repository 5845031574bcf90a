"""List the mappings of a capture with their page states (``msl regions CAPTURE``)."""

from __future__ import annotations

import argparse

from memslice.cli.common import DIALECT_HELP, EXIT_OK, add_secret_options, open_reader
from memslice.cli.options import parse_int
from memslice.pages import STATE_NAMES


def _cmd_regions(args: argparse.Namespace) -> int:
    from memslice.address_space import AddressSpace
    from memslice.cli.scripting import custody, emit, wants_json
    from memslice.mappings import mappings, prot_text, type_name

    with open_reader(args, args.file, dialect=args.dialect) as reader:
        space = AddressSpace(reader)
        rows = mappings(reader, space)
        if args.addr is not None:
            rows = [r for r in rows if r.start <= args.addr < r.end]
        if args.type:
            rows = [r for r in rows if type_name(r.region_type) in args.type]
        if args.path:
            rows = [r for r in rows if args.path in r.path]
        if wants_json(args):
            return emit(args, {"mappings": [r.to_dict() for r in rows], "overlapping_pages": space.overlapping_pages,
                               "warnings": reader.warnings}, captures=[custody(args.file, reader)])
        print(f"{'START':>18} {'END':>18} {'SIZE':>12} PROT {'TYPE':<12} {'CAPTURED':>8} {'FAILED':>7} "
              f"{'UNMAPPED':>8} {'NOTRES':>7} {'ABSENT':>7} BLOCKS     PATH")
        for r in rows:
            p = r.pages
            absent = "-" if not r.absent_bytes else f"{r.absent_bytes // 4096}p" if not r.absent_bytes % 4096 \
                else str(r.absent_bytes)
            blocks = ",".join(map(str, r.blocks[:3])) + ("..." if len(r.blocks) > 3 else "") or "-"
            print(f"0x{r.start:016x} 0x{r.end:016x} {r.size:12d} {prot_text(r.protection)}  "
                  f"{type_name(r.region_type):<12} {p['captured']:8d} {p['failed']:7d} {p['unmapped']:8d} "
                  f"{p['not_resident']:7d} {absent:>7} {blocks:<10} {r.path}")
        total = {k: sum(r.pages[k] for r in rows) for k in STATE_NAMES.values()}
        print(f"{len(rows)} mapping(s); pages: " + ", ".join(f"{k} {v}" for k, v in total.items()))
        if space.overlapping_pages:
            print(f"note: {space.overlapping_pages} page(s) are covered by more than one Memory Region; the region "
                  "with the lower base (then the earlier block) is used")
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``msl regions`` to the parser."""
    p = sub.add_parser("regions", help="list the mappings of a capture with their page states",
                       description="One line per mapping (from the VAS Map, else the Memory Regions): start, end, "
                                   "size, protection, type, pages per state, the Memory Region blocks and the path. "
                                   "ABSENT counts bytes no Memory Region covers (in 4 KiB pages when whole).")
    p.add_argument("file", metavar="CAPTURE")
    p.add_argument("--addr", type=parse_int, metavar="ADDR", help="only the mapping holding this address")
    p.add_argument("--type", action="append", metavar="TYPE",
                   help="only mappings of this type (heap, stack, image, mapped_file, anonymous, ...; repeatable)")
    p.add_argument("--path", metavar="TEXT", help="only mappings whose path contains TEXT")
    p.add_argument("--json", action="store_true", help="one JSON document")
    p.add_argument("--dialect", default="auto", help=DIALECT_HELP)
    add_secret_options(p)
    p.set_defaults(func=_cmd_regions)
