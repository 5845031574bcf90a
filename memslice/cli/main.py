"""The ``msl`` command line.

Each subcommand lives in its own module ``memslice/cli/cmd_<name>.py`` with a
``register(subparsers)`` function; this module finds them all, so a new command is a new
file.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence

import memslice.cli
from memslice.cli.common import EXIT_FAIL, EXIT_OK, EXIT_USAGE
from memslice.errors import MslError

COMMAND_MODULES: tuple[str, ...] = tuple(sorted(
    f"memslice.cli.{info.name}" for info in pkgutil.iter_modules(memslice.cli.__path__)
    if info.name.startswith("cmd_")))
"""The subcommand modules, found once when this module is imported (later privilege drops or
unreadable folders cannot hide them)."""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``msl`` with every ``cmd_*`` module registered."""
    parser = argparse.ArgumentParser(prog="msl", description="Memory Slice (.msl) toolchain")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``msl``; return the exit code (0 ok, 1 invalid/failed, 2 usage or I/O error)."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except MslError as exc:
        print(f"msl {args.command}: {getattr(args, 'file', '')}: {exc}", file=sys.stderr)
        return int(getattr(exc, "exit_code", EXIT_FAIL))
    except BrokenPipeError:
        return EXIT_OK
    except OSError as exc:
        print(f"msl {args.command}: {exc.strerror or exc}: {exc.filename or ''}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"msl {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
