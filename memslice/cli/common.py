"""Constants shared by the ``msl`` subcommands: exit codes and option help."""

from __future__ import annotations

import argparse
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
"""The source tree (``spec/`` and ``generated/`` live here in an editable install)."""

EXIT_OK = 0
"""Success: the file is valid / the command did what was asked."""
EXIT_FAIL = 1
"""The file is invalid, rejected, or a check failed."""
EXIT_USAGE = 2
"""Usage error: a bad option or argument (argparse uses 2 as well)."""
EXIT_NOT_CHECKED = 10
"""The file could not be checked (encrypted without a key): neither valid nor invalid."""
EXIT_INTERNAL = 70
"""A bug: an unexpected exception, reported in one line (sysexits EX_SOFTWARE)."""
EXIT_IO = 74
"""I/O error: no such file, permission denied, a read or write failed (sysexits EX_IOERR)."""
EXIT_INTERRUPTED = 130
"""Interrupted by Ctrl-C or SIGTERM."""

EXIT_CODES: tuple[tuple[int, str], ...] = (
    (EXIT_OK, "valid / done"),
    (EXIT_FAIL, "invalid: a check failed or the file was rejected"),
    (EXIT_USAGE, "usage error (bad option or argument; an output that exists without -f)"),
    (EXIT_NOT_CHECKED, "not checked (e.g. encrypted without a key)"),
    (EXIT_IO, "I/O error (no such file, permission denied, read or write failed)"),
    (EXIT_INTERNAL, "internal error (please report)"),
    (EXIT_INTERRUPTED, "interrupted (Ctrl-C, SIGTERM)"),
)
"""The exit codes every ``msl`` command uses, with their meaning (``msl --help``, README)."""

SEVERITY = {EXIT_OK: 0, EXIT_NOT_CHECKED: 1, EXIT_FAIL: 2, EXIT_USAGE: 3, EXIT_IO: 4, EXIT_INTERNAL: 5,
            EXIT_INTERRUPTED: 6}
"""Order of exit codes when a command checks several files and exits with the worst."""


def worst(codes: list[int]) -> int:
    """The most severe of several exit codes (0 for none)."""
    return max(codes, key=lambda c: SEVERITY.get(c, 5), default=EXIT_OK)


def exit_code_table() -> str:
    """The exit-code table as plain text lines."""
    return "\n".join(f"  {code:>3}  {meaning}" for code, meaning in EXIT_CODES)


DIALECT_HELP = "dialect to decode with: auto, spec-1.0, spec-1.1, memdiver-1.0.2, g0"


def add_inflate_budget(parser: argparse.ArgumentParser) -> None:
    """Add ``--inflate-budget BYTES``: the most one compressed block may declare (MslReader's budget)."""
    from memslice.compression import DEFAULT_INFLATE_BUDGET

    parser.add_argument("--inflate-budget", type=int, default=DEFAULT_INFLATE_BUDGET, metavar="BYTES",
                        help="refuse compressed blocks that declare more than BYTES inflated "
                             "(default %(default)s, 1 GiB)")
