"""Verify the hashes of captures (``msl verify FILE...``).

One line per file (VALID, INVALID, NOT CHECKED, or the error), a summary when several files
were given, and the exit code of the worst result (see ``msl --help``).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from memslice.cli.common import (
    DIALECT_HELP,
    EXIT_FAIL,
    EXIT_IO,
    EXIT_NOT_CHECKED,
    EXIT_OK,
    add_inflate_budget,
    add_secret_options,
    error_exit_code,
    open_reader,
    worst,
)
from memslice.errors import LimitError, MslError

VERDICTS = {EXIT_OK: "VALID", EXIT_FAIL: "INVALID", EXIT_NOT_CHECKED: "NOT CHECKED", EXIT_IO: "I/O ERROR"}
"""Verdict word of each per-file exit code."""
NOT_DECRYPTED = "NOT DECRYPTED"
"""Verdict of a file whose decryption failed (exit codes 11-14: secret, authentication, container, KDF limit)."""


def check_one(path: str, args: argparse.Namespace) -> tuple[int, dict[str, Any], dict[str, Any] | None]:
    """Verify one file; return its exit code, its JSON-ready result and its custody entry."""
    from memslice.cli.scripting import custody, error_doc, wants_json
    from memslice.generated.blocks import memory_region
    from memslice.verify import verify

    try:
        with open_reader(args, path, dialect=args.dialect, inflate_budget=args.inflate_budget) as reader:
            report = verify(reader)
            payload_errors: list[str] = []
            if args.deep:
                for rec in reader.blocks:
                    try:
                        if rec.block_type == memory_region.BLOCK_TYPE:
                            # head and map decoded, PageData streamed to check its inflated size
                            if reader.decode(rec, page_data=False).payload is not None:
                                for _ in reader.iter_page_data(rec):
                                    pass
                        else:
                            reader.decode(rec)
                    except LimitError:
                        raise  # a limit of ours, not a verdict on a payload: reported for the whole file
                    except MslError as exc:
                        payload_errors.append(str(exc))
            ok = report.ok and not payload_errors
            code = EXIT_OK if ok else EXIT_NOT_CHECKED if report.chain == "not-checked" and not payload_errors \
                and report.structural is None else EXIT_FAIL
            doc = {"file": path, "ok": ok, "verdict": VERDICTS[code], "dialect": reader.dialect,
                   "chain": report.chain, "first_bad_block": report.first_bad_block, "eoc": report.eoc,
                   "file_hash": report.file_hash, "block_count": report.block_count,
                   "tag": report.tag,
                   "sealed_segments": [{"index": s.index, "offset": s.offset, "ok": s.ok, "reason": s.reason}
                                       for s in report.sealed],
                   "segments": [s.__dict__ for s in report.segments], "trailing_bytes": report.trailing_bytes,
                   "problems": report.problems + payload_errors}
            return code, doc, custody(path, reader) if wants_json(args) else None
    except MslError as exc:  # decryption failures keep their own codes (11-14)
        code = error_exit_code(exc)
        return code, {"file": path, "ok": False, "verdict": VERDICTS.get(code, NOT_DECRYPTED),
                      "error": error_doc(exc, path), "problems": [str(exc)]}, None
    except OSError as exc:
        return EXIT_IO, {"file": path, "ok": False, "verdict": "I/O ERROR", "error": error_doc(exc, path),
                         "problems": [f"{exc.strerror or exc}"]}, None


def _cmd_verify(args: argparse.Namespace) -> int:
    from memslice.cli.scripting import emit, wants_json

    codes: list[int] = []
    docs: list[dict[str, Any]] = []
    captures: list[dict[str, Any]] = []
    for path in args.file:
        code, doc, cust = check_one(path, args)
        codes.append(code)
        docs.append(doc)
        if cust is not None:
            captures.append(cust)
        if wants_json(args):
            continue
        if "chain" in doc:
            print(f"{path}: {doc['verdict']} (dialect {doc['dialect']}; chain {doc['chain']}, FileHash "
                  f"{doc['file_hash']}, BlockCount {doc['block_count']}, {len(doc['segments'])} extension segment(s)"
                  + (f", AEAD tag {doc['tag']}, {sum(s['ok'] for s in doc['sealed_segments'])} sealed segment(s))"
                     if doc["tag"] != "n/a" else ")"))
            for p in doc["problems"]:
                print(f"  {p}")
        else:
            print(f"{path}: {doc['verdict']}: {doc['problems'][0]}")
            print(f"msl verify: {path}: {doc['problems'][0]}", file=sys.stderr)
    code = worst(codes)
    if wants_json(args):
        summary = {v: sum(1 for d in docs if d["verdict"] == v) for v in (*VERDICTS.values(), NOT_DECRYPTED)}
        return emit(args, docs[0] if len(docs) == 1 else {"files": docs, "summary": summary},
                    captures=captures, exit_code=code,
                    error=docs[0].get("error") if len(docs) == 1 else None)
    if len(docs) > 1:
        counts = ", ".join(f"{sum(1 for d in docs if d['verdict'] == v)} {v.lower()}"
                           for v in (*VERDICTS.values(), NOT_DECRYPTED))
        print(f"{len(docs)} files: {counts}")
    return code


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``msl verify`` to the parser."""
    p = sub.add_parser("verify", help="verify the hash chain, FileHash, BlockCount and extension segments",
                       description="Verify each file, carrying on past a bad one; exit with the worst status: 0 all "
                                   "valid, 10 not checked (encrypted, no key), 1 invalid, 11-14 not decrypted (secret, "
                                   "authentication, container, KDF limit), 74 I/O error.")
    p.add_argument("file", nargs="+", help="capture(s)")
    p.add_argument("--json", action="store_true", help="one JSON document")
    p.add_argument("--deep", action="store_true", help="also decode every payload")
    p.add_argument("--dialect", default="auto", help=DIALECT_HELP)
    add_inflate_budget(p)
    add_secret_options(p)
    p.set_defaults(func=_cmd_verify)
