"""Check captures against the producer rules (``msl validate FILE...``).

Per file: PASS (no MUST broken; with ``--strict``: no rule at all), FAIL, NOT CHECKED (an
encrypted file without a key: only its header could be checked), or the I/O error; the exit
code is the worst of them (see ``msl --help``).
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from memslice.cli.common import (
    EXIT_FAIL,
    EXIT_IO,
    EXIT_NOT_CHECKED,
    EXIT_OK,
    add_inflate_budget,
    add_secret_options,
    error_exit_code,
    reader_options,
    worst,
)
from memslice.errors import MslError

_DELAY = 2.0
"""Seconds a step runs before a progress bar appears (on a terminal only)."""


class _Progress:
    """A rich bar on stderr that appears only once a file has taken longer than two seconds."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.bar: Any = None
        self.task: Any = None
        self.started = time.monotonic()
        self.name = ""

    def begin(self, name: str) -> None:
        self.started = time.monotonic()
        self.name = name

    def __call__(self, step: str, done: int, total: int) -> None:
        if not self.enabled or time.monotonic() - self.started < _DELAY:
            return
        if self.bar is None:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                TimeElapsedColumn(), console=Console(stderr=True), transient=True)
            self.bar.start()
        description = f"{self.name}: {'checking blocks' if step == 'blocks' else 'verifying hashes'}"
        if self.task is None:
            self.task = self.bar.add_task(description, total=total)
        self.bar.update(self.task, description=description, completed=done, total=total)

    def end(self) -> None:
        if self.bar is not None and self.task is not None:
            self.bar.remove_task(self.task)
        self.task = None

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def _cmd_validate(args: argparse.Namespace) -> int:
    from memslice.cli.scripting import custody, emit, error_doc, wants_json
    from memslice.validate import validate

    codes: list[int] = []
    documents: list[dict[str, Any]] = []
    captures: list[dict[str, Any]] = []
    progress = _Progress(sys.stderr.isatty() and not args.quiet and not wants_json(args))
    try:
        for path in args.file:
            progress.begin(path)
            try:
                report = validate(path, progress, inflate_budget=args.inflate_budget, **reader_options(args, path))
            except MslError as exc:  # a limit of ours (inflate budget), or decryption failed (11-14)
                code = error_exit_code(exc)
                codes.append(code)
                verdict = "FAIL" if code == EXIT_FAIL else "NOT DECRYPTED"
                documents.append({"file": path, "ok": False, "verdict": verdict, "error": error_doc(exc, path)})
                print(f"msl validate: {path}: {exc}", file=sys.stderr)
                continue
            except OSError as exc:
                codes.append(EXIT_IO)
                documents.append({"file": path, "ok": False, "verdict": "I/O ERROR", "error": error_doc(exc, path)})
                if not wants_json(args):
                    print(f"{path}: I/O ERROR: {exc.strerror or exc}")
                continue
            finally:
                progress.end()
            code = EXIT_FAIL if report.failed(strict=args.strict) else (
                EXIT_NOT_CHECKED if report.header_only else EXIT_OK)
            codes.append(code)
            verdict = {EXIT_OK: "PASS", EXIT_FAIL: "FAIL", EXIT_NOT_CHECKED: "NOT CHECKED"}[code]
            if wants_json(args):
                documents.append({**report.to_dict(), "verdict": verdict})
                if report.version is not None:
                    captures.append(custody(path))
                continue
            musts = sum(f.level == "MUST" for f in report.findings)
            shoulds = len(report.findings) - musts
            if report.header_only:
                verdict += " (header only: encrypted, no key)"
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
    finally:
        progress.close()
    code = worst(codes)
    if wants_json(args):
        verdicts = ("PASS", "FAIL", "NOT CHECKED", "NOT DECRYPTED", "I/O ERROR")
        summary = {v: sum(1 for d in documents if d["verdict"] == v) for v in verdicts}
        return emit(args, documents[0] if len(documents) == 1 else {"files": documents, "summary": summary},
                    captures=captures, exit_code=code,
                    error=documents[0].get("error") if len(documents) == 1 else None)
    if len(codes) > 1:
        names = {EXIT_OK: "pass", EXIT_FAIL: "fail", EXIT_NOT_CHECKED: "not checked", EXIT_IO: "i/o error"}
        undecrypted = sum(1 for c in codes if c not in names)
        print(f"{len(codes)} files: " + ", ".join(f"{codes.count(c)} {n}" for c, n in names.items())
              + (f", {undecrypted} not decrypted" if undecrypted else ""))
    return code


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``msl validate`` to the parser."""
    p = sub.add_parser("validate", help="check captures against the producer MUST/SHOULD rules",
                       description="Validate each file, carrying on past a bad one; exit with the worst status: 0 all "
                                   "pass, 10 not checked (encrypted, no key), 1 fail, 11-14 not decrypted (secret, "
                                   "authentication, container, KDF limit), 74 I/O error.")
    p.add_argument("file", nargs="+", help="capture(s) to check")
    p.add_argument("--json", action="store_true", help="one JSON document")
    p.add_argument("--strict", action="store_true", help="SHOULD findings fail too")
    p.add_argument("--all", action="store_true", help="print every finding (default: the first --limit)")
    p.add_argument("--limit", type=int, default=50, help="findings printed per file (default %(default)s)")
    add_inflate_budget(p)
    add_secret_options(p)
    p.set_defaults(func=_cmd_validate)
