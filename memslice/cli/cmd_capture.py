"""Capture a live process (``msl capture PID|NAME -o OUT.msl``).

Exit codes: 0 complete; 3 no such process; 4 ambiguous name; 5 access denied (ptrace or
``/proc``); 6 output exists (use ``-f/--force``); 7 the output cannot be used (a directory,
a missing directory, a special file) or could not be written (the partial file
``OUT.<random>.partial`` is kept, verifiable up to its last complete block, and named in the
message); 8 the target exited
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
from typing import Any

from memslice.cli.common import (
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_IO,
    EXIT_OK,
    EXIT_USAGE,
    add_encrypt_options,
    encryption_config,
)


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


def _write_report(write: Callable[..., None], report: object, path: Path, force: bool) -> None:
    from memslice.errors import OutputError

    try:
        write(report, path, force=force)
    except OutputError as exc:
        print(f"msl capture: report not written: {exc}", file=sys.stderr)


def _add_custody(report: Any) -> None:
    """Tool version, and the written file's SHA-256 and recorded FileHash, in the report."""
    from memslice.cli.scripting import custody, tool_version
    from memslice.errors import MslError
    from memslice.reader import MslReader

    report.tool = {"name": "msl", "version": tool_version()}
    if not report.output or not Path(report.output).exists():
        return
    try:
        with MslReader(report.output) as reader:
            report.chain_of_custody = custody(report.output, reader)
    except (MslError, OSError) as exc:
        report.chain_of_custody = {"path": report.output, "error": str(exc)}


def _source(args: argparse.Namespace) -> Any:
    """The capture source of ``--backend`` (the target resolved on its device).

    ``--format 1.1`` lets the Frida backend use the NotResident state for untouched pages.
    """
    if args.backend == "frida":
        from memslice.acquirer.frida.session import DeviceSpec
        from memslice.acquirer.frida.source import FridaSource, resolve_target

        kind = args.device[0]
        spec = DeviceSpec(kind, args.device[1] if kind == "remote" else None)
        return FridaSource(resolve_target(spec, args.target), spec, not_resident=args.format == "1.1")
    from memslice.acquirer.linux.source import LinuxSource
    from memslice.acquirer.linux.target import resolve

    return LinuxSource(resolve(args.target))


class _DeviceAction(argparse.Action):
    """``--device local``, ``--device usb`` or ``--device remote HOST[:PORT]``."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        words = list(values)
        if words[:1] in (["local"], ["usb"]) and len(words) == 1:
            setattr(namespace, self.dest, (words[0], None))
        elif words[:1] == ["remote"] and len(words) == 2:
            setattr(namespace, self.dest, ("remote", words[1]))
        else:
            parser.error(f"--device {' '.join(words)}: choose local, usb or remote HOST[:PORT] "
                         "(give the PID|NAME before --device)")


def _cmd_capture(args: argparse.Namespace) -> int:
    from memslice.acquirer.engine import capture, check_outputs
    from memslice.acquirer.errors import AcquireError
    from memslice.acquirer.options import CaptureOptions
    from memslice.acquirer.progress import TerminalProgress
    from memslice.acquirer.report import write_report
    from memslice.errors import CryptoError

    options = CaptureOptions(
        output=Path(args.output), compression=args.compress, format_version=args.format, freeze=args.freeze,
        filter_prot=args.filter_prot or 0, filter_addr=list(args.filter_addr or []), scope=args.scope,
        force=args.force, report=Path(args.report) if args.report else None, investigate=args.investigate,
        case_ref=args.case_ref, redact_env=[k for k in (args.redact_env or "").split(",") if k])
    if args.device[0] != "local" and args.backend != "frida":
        print("msl capture: --device usb|remote needs --backend frida", file=sys.stderr)
        return EXIT_USAGE
    if options.investigate and options.format_version != "1.1":
        print("msl capture: --investigate needs --format 1.1 (the tables are 1.1 block types)", file=sys.stderr)
        return EXIT_USAGE
    stop = threading.Event()
    progress = TerminalProgress(sys.stderr) if not args.quiet else None
    try:
        check_outputs(options, typed=(args.output, args.report))  # before a process is even looked up
        if args.encrypt:  # after the destination check: a prompt only once the output is known to be writable
            try:
                options.encryption = encryption_config(args)
            except OSError as exc:  # an unreadable --key-file / --recipient / --passphrase-file
                print(f"msl capture: {exc.strerror or exc}: {exc.filename or ''}", file=sys.stderr)
                return EXIT_IO
        source = _source(args)
        with _stop_on_signals(stop):
            report = capture(source, options, stop=stop, progress=progress)
    except AcquireError as exc:
        if progress is not None:
            progress.finish()
        print(f"msl capture: {exc}", file=sys.stderr)
        if options.report is not None and exc.report is not None:
            _write_report(write_report, exc.report, options.report, args.force)
        return exc.exit_code
    except CryptoError as exc:  # no usable secret for --encrypt (exit code of the table, 11-14)
        print(f"msl capture: {exc}", file=sys.stderr)
        return exc.exit_code
    except Exception as exc:  # the one place a bug becomes a one-line message, never a traceback
        print(f"msl capture: internal error: {type(exc).__name__}: {exc} (please report)", file=sys.stderr)
        return EXIT_INTERNAL
    if progress is not None:
        progress.finish()
    if options.report is not None:
        _add_custody(report)
        _write_report(write_report, report, options.report, args.force)
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
        "capture", help="capture a live process into a .msl file (Linux: /proc and ptrace; or Frida)",
        description="Capture the memory, threads and modules of one running process. The file is created new as "
                    "OUT.<random>.partial (mode 0600) and renamed when complete; the output and report "
                    "destinations are checked before the process is touched. Exit codes: 3 no such process, "
                    "4 ambiguous name, 5 access denied, 6 output exists, 7 output unusable or write failed, "
                    "8 target exited, 130 interrupted.")
    p.add_argument("target", metavar="PID|NAME", help="process id, or a name that matches exactly one process")
    p.add_argument("--backend", choices=("linux", "frida"), default="linux",
                   help="linux: /proc, process_vm_readv and ptrace (default); frida: a Frida 17 agent in the "
                        "target (local, or Windows/macOS/Android/iOS through frida-server; no freeze: the "
                        "process runs during the capture)")
    p.add_argument("--device", action=_DeviceAction, nargs="+", default=("local", None),
                   metavar="local|usb|remote HOST",
                   help="where the Frida target runs: local (default), usb, or remote HOST[:PORT] of a frida-server")
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
    p.add_argument("--investigate", action="store_true",
                   help="investigation mode: also record the host and target tables (processes, connections, "
                        "open files, kernel modules, persistence files, target introspection)")
    p.add_argument("--case-ref", metavar="TEXT", help="case reference recorded in the System Context")
    p.add_argument("--redact-env", metavar="KEY,...",
                   help="environment variables to redact besides the usual secret names (token, key, password...)")
    p.add_argument("--report", metavar="R.json", help="write the JSON acquisition report here")
    p.add_argument("-f", "--force", action="store_true",
                   help="replace OUT.msl (and R.json) if it exists as a regular file (a symbolic link is replaced "
                        "itself, never followed)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress line, no summary")
    p.add_argument("--encrypt", action="store_true",
                   help="write an encrypted capture (plaintext never reaches the disk); secret options below")
    add_encrypt_options(p)
    p.set_defaults(func=_cmd_capture)
