"""Capture a live process (``msl capture PID|NAME -o OUT.msl``).

Exit codes: 0 complete; 3 no such process; 4 ambiguous name; 5 access denied (ptrace or
``/proc``); 6 output exists (use ``--force``); 7 the output could not be written (the
``.partial`` file is kept, verifiable up to its last complete block); 8 the target exited
before anything was captured; 9 unsupported platform or architecture; 70 internal error;
130 interrupted (Ctrl-C or SIGTERM: the file is closed without End-of-Capture and the
target resumed); 2 usage errors.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from memslice.cli.common import EXIT_OK, add_encrypt_options, encryption_config

EXIT_INTERRUPTED = 130
"""The capture was stopped by Ctrl-C or SIGTERM."""
EXIT_INTERNAL = 70
"""A bug: an unexpected exception (reported in one line)."""


def _arg(parse: Callable[[str], object]) -> Callable[[str], object]:
    def convert(text: str) -> object:
        try:
            return parse(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return convert


@contextmanager
def _stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """While capturing, Ctrl-C and SIGTERM only set ``stop`` (the block in flight completes)."""

    def handler(signum: int, frame: FrameType | None) -> None:
        del frame
        stop.set()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def _write_report(write: Callable[[object, Path], None], report: object, path: Path) -> None:
    try:
        write(report, path)
    except OSError as exc:
        print(f"msl capture: cannot write report {path}: {exc.strerror}", file=sys.stderr)


def _cmd_capture(args: argparse.Namespace) -> int:
    from memslice.acquirer.engine import capture
    from memslice.acquirer.errors import AcquireError
    from memslice.acquirer.linux.target import resolve
    from memslice.acquirer.options import CaptureOptions
    from memslice.acquirer.progress import TerminalProgress
    from memslice.acquirer.report import write_report

    options = CaptureOptions(
        output=Path(args.output), compression=args.compress, format_version=args.format, freeze=args.freeze,
        filter_prot=args.filter_prot or 0, filter_addr=list(args.filter_addr or []), scope=args.scope,
        force=args.force, report=Path(args.report) if args.report else None,
        encryption=encryption_config(args) if args.encrypt else None)
    stop = threading.Event()
    progress = TerminalProgress(sys.stderr) if not args.quiet else None
    try:
        pid = resolve(args.target)
        with _stop_on_signals(stop):
            report = capture(pid, options, stop=stop, progress=progress)
    except AcquireError as exc:
        if progress is not None:
            progress.finish()
        print(f"msl capture: {exc}", file=sys.stderr)
        if options.report is not None and exc.report is not None:
            _write_report(write_report, exc.report, options.report)
        return exc.exit_code
    except Exception as exc:  # the one place a bug becomes a one-line message, never a traceback
        print(f"msl capture: internal error: {type(exc).__name__}: {exc} (please report)", file=sys.stderr)
        return EXIT_INTERNAL
    if progress is not None:
        progress.finish()
    if options.report is not None:
        _write_report(write_report, report, options.report)
    if not args.quiet:
        print("\n".join(report.summary_lines()))
    if report.outcome == "interrupted":
        where = (f"{report.output} is incomplete (no End-of-Capture)" if report.output
                 else "nothing was written")
        print(f"msl capture: interrupted: {where}; the target was resumed", file=sys.stderr)
        return EXIT_INTERRUPTED
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``msl capture`` to the parser."""
    from memslice.acquirer.options import parse_addr_range, parse_prot, parse_scope

    p = sub.add_parser(
        "capture", help="capture a live process into a .msl file (Linux: /proc and ptrace)",
        description="Capture the memory, threads and modules of one running process. The file is written as "
                    "OUT.partial (mode 0600) and renamed when complete. Exit codes: 3 no such process, 4 ambiguous "
                    "name, 5 access denied, 6 output exists, 7 write failed, 8 target exited, 130 interrupted.")
    p.add_argument("target", metavar="PID|NAME", help="process id, or a name that matches exactly one process")
    p.add_argument("-o", "--output", required=True, metavar="OUT.msl", help="output file")
    p.add_argument("-c", "--compress", choices=("none", "zstd", "lz4"), default="none",
                   help="codec of Memory Region and VAS Map payloads (default: none)")
    p.add_argument("--format", choices=("1.0", "1.1"), default="1.1",
                   help="format version (1.0: no Thread Context, VAS Map or NotResident pages)")
    freeze = p.add_mutually_exclusive_group()
    freeze.add_argument("--freeze", dest="freeze", action="store_true", default=True,
                        help="stop all threads while reading (ptrace; default)")
    freeze.add_argument("--no-freeze", dest="freeze", action="store_false", help="leave the process running")
    p.add_argument("--filter-prot", type=_arg(parse_prot), metavar="rwx",
                   help="keep mappings having every letter given, e.g. rw- (a '-' matches anything)")
    p.add_argument("--filter-addr", type=_arg(parse_addr_range), action="append", metavar="START-END",
                   help="keep mappings overlapping this hex range (repeatable)")
    p.add_argument("--scope", type=_arg(parse_scope), metavar="KINDS",
                   help="keep only these kinds: heap,stack,image,anon,file,shared,other")
    p.add_argument("--report", metavar="R.json", help="write the JSON acquisition report here")
    p.add_argument("--force", action="store_true", help="replace OUT.msl if it exists")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress line, no summary")
    p.add_argument("--encrypt", action="store_true",
                   help="write an encrypted capture (plaintext never reaches the disk); secret options below")
    add_encrypt_options(p)
    p.set_defaults(func=_cmd_capture)
