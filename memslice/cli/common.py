"""Constants shared by the ``msl`` subcommands."""

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
"""Usage or I/O error (no such file, permission denied)."""

DIALECT_HELP = "dialect to decode with: auto, spec-1.0, spec-1.1, memdiver-1.0.2, g0"


def add_inflate_budget(parser: argparse.ArgumentParser) -> None:
    """Add ``--inflate-budget BYTES``: the most one compressed block may declare (MslReader's budget)."""
    from memslice.compression import DEFAULT_INFLATE_BUDGET

    parser.add_argument("--inflate-budget", type=int, default=DEFAULT_INFLATE_BUDGET, metavar="BYTES",
                        help="refuse compressed blocks that declare more than BYTES inflated "
                             "(default %(default)s, 1 GiB)")
