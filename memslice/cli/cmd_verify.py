"""Verify a capture's hashes (``msl verify FILE``)."""

from __future__ import annotations

import argparse
import json

from memslice.cli.common import DIALECT_HELP, EXIT_FAIL, EXIT_OK, add_secret_options, open_reader
from memslice.errors import MslError


def _cmd_verify(args: argparse.Namespace) -> int:
    from memslice.verify import verify

    with open_reader(args, args.file, dialect=args.dialect) as reader:
        report = verify(reader)
        payload_errors: list[str] = []
        if args.deep:
            for rec in reader.blocks:
                try:
                    reader.decode(rec)
                except MslError as exc:
                    payload_errors.append(str(exc))
        ok = report.ok and not payload_errors
        if args.json:
            print(json.dumps({
                "file": str(args.file), "ok": ok, "dialect": reader.dialect, "chain": report.chain,
                "first_bad_block": report.first_bad_block, "eoc": report.eoc, "file_hash": report.file_hash,
                "block_count": report.block_count, "tag": report.tag,
                "sealed_segments": [{"index": s.index, "offset": s.offset, "ok": s.ok, "reason": s.reason}
                                    for s in report.sealed],
                "segments": [s.__dict__ for s in report.segments], "trailing_bytes": report.trailing_bytes,
                "problems": report.problems + payload_errors}, indent=2, sort_keys=True))
        else:
            verdict = "VALID" if ok else ("NOT CHECKED" if report.chain == "not-checked" else "INVALID")
            print(f"{args.file}: {verdict} (dialect {reader.dialect}; chain {report.chain}, "
                  f"FileHash {report.file_hash}, BlockCount {report.block_count}, "
                  f"{len(report.segments)} extension segment(s)"
                  + (f", AEAD tag {report.tag}, {sum(s.ok for s in report.sealed)} sealed segment(s))"
                     if report.tag != "n/a" else ")"))
            for p in report.problems + payload_errors:
                print(f"  {p}")
    return EXIT_OK if ok else EXIT_FAIL

def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``msl verify`` to the parser."""
    p = sub.add_parser("verify", help="verify the hash chain, FileHash, BlockCount and extension segments")
    p.add_argument("file")
    p.add_argument("--json", action="store_true", help="machine-readable report")
    p.add_argument("--deep", action="store_true", help="also decode every payload")
    p.add_argument("--dialect", default="auto", help=DIALECT_HELP)
    add_secret_options(p)
    p.set_defaults(func=_cmd_verify)
