"""The ``msl`` command line.

Each subcommand lives in its own module ``memslice/cli/cmd_<name>.py`` with a
``register(subparsers)`` function; this module finds them all, so a new command is a new
file. Every command takes ``-q/--quiet``; every ``--json`` run prints exactly one JSON
document (``memslice.cli.scripting``), errors included; the exit codes are one table
(``memslice.cli.common.EXIT_CODES``).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import pkgutil
import sys
from collections.abc import Sequence

import memslice.cli
from memslice.cli.common import (
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_IO,
    EXIT_NOT_CHECKED,
    EXIT_OK,
    EXIT_USAGE,
    error_exit_code,
    exit_code_table,
)
from memslice.errors import EncryptedError, MslError, OutputError

COMMAND_MODULES: tuple[str, ...] = tuple(sorted(
    f"memslice.cli.{info.name}" for info in pkgutil.iter_modules(memslice.cli.__path__)
    if info.name.startswith("cmd_")))
"""The subcommand modules, found once when this module is imported (later privilege drops or
unreadable folders cannot hide them)."""


SPEC_COMMANDS: tuple[str, ...] = ("codegen", "spec")
"""Commands that work on ``spec/`` and must run even when ``generated/`` is broken: like every
command named on the command line they register only themselves (:func:`main`), so nothing
imports ``memslice.generated``."""


class _Version(argparse.Action):
    def __init__(self, option_strings: list[str], dest: str = argparse.SUPPRESS, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS,
                         help="print the tool, format and library versions and exit")

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: object,
                 option_string: str | None = None) -> None:
        from memslice.cli.scripting import version_text

        print(version_text())
        parser.exit(0)


def build_parser(only: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The argument parser of ``msl`` with every ``cmd_*`` module registered (or only those named)."""
    parser = argparse.ArgumentParser(
        prog="msl", description="Memory Slice (.msl) toolchain",
        epilog="exit codes (every command):\n" + exit_code_table() + "\n  msl capture also uses 3-9 for "
               "what went wrong with the target (msl capture --help)",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action=_Version)
    sub = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        if only is None or name.removeprefix("memslice.cli.cmd_") in only:
            importlib.import_module(name).register(sub)
    for command in sub.choices.values():
        if "-q" not in command._option_string_actions:
            command.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``msl``; return the exit code (see :data:`memslice.cli.common.EXIT_CODES`)."""
    words = list(sys.argv[1:] if argv is None else argv)
    # ``msl COMMAND ...`` parses with that command's module alone (the others' imports are not
    # paid at every start); ``msl --help``, ``--version`` or an unknown word get every command.
    only = words[:1] if words[:1] and f"memslice.cli.cmd_{words[0]}" in COMMAND_MODULES else None
    args = build_parser(only).parse_args(words)
    quiet = getattr(args, "quiet", False) and not getattr(args, "data_on_stdout", False)
    with open(os.devnull, "w") as devnull, contextlib.ExitStack() as stack:
        if quiet and getattr(args, "json", None) is not True:
            stack.enter_context(contextlib.redirect_stdout(devnull))
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    from memslice.cli.scripting import emit, error_doc, wants_json

    path = getattr(args, "file", None)
    where = f"{path}: " if isinstance(path, str) else ""
    try:
        return int(args.func(args))
    except OutputError as exc:  # names the output path itself, never a temporary name
        code, message, err = EXIT_USAGE, str(exc), exc
    except EncryptedError as exc:
        code, message, err = EXIT_NOT_CHECKED, f"{where}{exc}", exc
    except MslError as exc:
        code, message, err = error_exit_code(exc), f"{where}{exc}", exc
    except argparse.ArgumentTypeError as exc:
        code, message, err = EXIT_USAGE, str(exc), exc
    except BrokenPipeError:
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (no flush error at exit)
        return EXIT_OK
    except FileExistsError as exc:  # the user named an existing output without -f: a usage error
        code, message, err = EXIT_USAGE, f"{exc.strerror or exc}: {exc.filename or ''}", exc
    except OSError as exc:
        code, message, err = EXIT_IO, f"{exc.strerror or exc}: {exc.filename or ''}", exc
    except KeyboardInterrupt as exc:
        code, message, err = EXIT_INTERRUPTED, "interrupted", exc
    except Exception as exc:  # a bug: one line and the internal-error status, never a traceback
        code, message, err = EXIT_INTERNAL, f"internal error: {type(exc).__name__}: {exc} (please report)", exc
    print(f"msl {args.command}: {message}", file=sys.stderr)
    if wants_json(args) and not getattr(args, "json_emitted", False):
        emit(args, None, exit_code=code, error=error_doc(err, path if isinstance(path, str) else None))
    return code


if __name__ == "__main__":
    raise SystemExit(main())
