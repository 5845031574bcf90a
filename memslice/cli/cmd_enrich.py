"""Add facts to a finished capture (``msl enrich CAPTURE``) in a verified extension segment.

Exit codes: 0 a segment was appended; 1 nothing to add, or the capture was refused (does
not verify, trailing data, encrypted, format 1.0); 2 usage or I/O error.
"""

from __future__ import annotations

import argparse
import sys

from memslice.cli.common import EXIT_FAIL, EXIT_OK, EXIT_USAGE


def _cmd_enrich(args: argparse.Namespace) -> int:
    from memslice.acquirer.enrich import enrich
    from memslice.append import append_segment
    from memslice.errors import MslError
    from memslice.reader import MslReader

    if not (args.build_ids or args.disk_hashes or args.physical_map):
        print("msl enrich: choose at least one of --build-ids, --disk-hashes, --physical-map", file=sys.stderr)
        return EXIT_USAGE
    try:
        with MslReader(args.capture) as reader:
            found = enrich(reader, build_ids=args.build_ids, disk_hashes=args.disk_hashes, physical=args.physical_map)
        for note in found.notes:
            print(f"  {note}")
        if not found.payloads:
            print("msl enrich: nothing found to add; the capture is unchanged", file=sys.stderr)
            return EXIT_FAIL
        added = append_segment(args.capture, found.payloads, producer="msl enrich")
    except MslError as exc:
        print(f"msl enrich: {args.capture}: {exc}; the capture is unchanged", file=sys.stderr)
        return EXIT_FAIL
    except OSError as exc:
        print(f"msl enrich: {args.capture}: {exc.strerror or exc}; the capture is unchanged", file=sys.stderr)
        return EXIT_USAGE
    names = ", ".join(type(p).BLOCK_ID for p in found.payloads)
    print(f"{args.capture}: appended one extension segment ({names}; {added} bytes)")
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``msl enrich`` to the parser."""
    p = sub.add_parser("enrich", help="append build ids, disk hashes or the physical memory map as a verified "
                                      "extension segment",
                       description="Append a verified extension segment to a finished, unencrypted 1.1 capture; "
                                   "no byte before it is changed. Refuses captures that do not verify or carry "
                                   "trailing data.")
    p.add_argument("capture", metavar="CAPTURE")
    p.add_argument("--build-ids", action="store_true",
                   help="GNU build ids of the modules (from the captured ELF headers, else the files on disk)")
    p.add_argument("--disk-hashes", action="store_true",
                   help="hash the module files on disk for modules captured without a DiskHash")
    p.add_argument("--physical-map", action="store_true", help="the top level of /proc/iomem")
    p.set_defaults(func=_cmd_enrich)
