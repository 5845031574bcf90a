"""Shared plumbing for the oracle reader scripts (standard library only).

The oracle scripts (``memslicer_read.py``, ``memdiver_read.py``) run inside
the third-party tools' own virtual environments, so this module must never
import ``memslice`` or anything outside the standard library. It holds only
what both scripts share: the command line, the JSON output contract, marker
counting and the stdout guard.

Output contract (one JSON object on stdout, always):

* full mode: ``tool``, ``version``, ``verify`` (``"ok"`` | ``"fail"`` |
  ``"error"``), ``verify_detail``, ``blocks``, ``region_count``,
  ``captured_page_bytes``, ``marker_count`` plus a few extra fields that each
  script documents; exit status 0 even when verification fails;
* ``--verify-only``: ``tool``, ``version``, ``verify``, ``verify_detail``,
  ``seconds`` (wall time of the verification call only); exit status 0;
* the tool crashed while reading: ``{"error": ..., ...}`` with whatever was
  already known (the verify verdict, for instance) and exit status 2.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

#: The 32-byte marker the reference captures are filled with.
MARKER = b"<MSLREF:MARKER:0123456789ABCDEF>"

#: Verdicts of the ``verify`` field.
VERIFY_OK = "ok"
VERIFY_FAIL = "fail"
VERIFY_ERROR = "error"

#: Exit status when the tool crashed on the file.
EXIT_TOOL_CRASH = 2


@dataclass
class RegionTally:
    """Running totals over the memory regions of one file."""

    region_count: int = 0
    captured_page_bytes: int = 0
    marker_count: int = 0
    per_region_markers: list[int] = field(default_factory=list)
    region_errors: list[str] = field(default_factory=list)

    def add(self, page_data: bytes | memoryview) -> None:
        """Account for one region whose captured pages are ``page_data``.

        ``page_data`` is the concatenation of the region's captured pages, in
        page order. Markers are counted inside it only: the reference
        captures never place a marker across a region boundary.
        """
        data = bytes(page_data)
        hits = data.count(MARKER)
        self.region_count += 1
        self.captured_page_bytes += len(data)
        self.marker_count += hits
        self.per_region_markers.append(hits)

    def add_undecodable(self, reason: str) -> None:
        """Count a region whose payload could not be decoded (no page bytes)."""
        self.region_count += 1
        self.per_region_markers.append(0)
        self.region_errors.append(reason)

    def as_dict(self) -> dict[str, Any]:
        """The JSON fields this tally contributes to the output."""
        return {
            "region_count": self.region_count,
            "captured_page_bytes": self.captured_page_bytes,
            "marker_count": self.marker_count,
            "per_region_markers": self.per_region_markers,
            "region_errors": self.region_errors,
        }


def block_entry(index: int, block_type: int, offset: int, length: int, segment: int) -> dict[str, int]:
    """One element of the ``blocks`` list.

    ``offset`` is the block's offset in the file for a plaintext capture and
    its offset in the decrypted block stream (Block 0 at 0) for an encrypted
    one; ``segment`` is 0 for the capture segment and ``n`` for the n-th
    extension segment.
    """
    return {
        "index": index,
        "type": block_type,
        "offset": offset,
        "length": length,
        "segment": segment,
    }


def build_parser(tool: str, extra_key_options: bool = False) -> argparse.ArgumentParser:
    """Command line shared by both oracle scripts.

    ``extra_key_options`` adds the raw-key and KEM private-key options that
    only memdiver can use.
    """
    parser = argparse.ArgumentParser(
        description=f"Read and verify a .msl file with {tool}; print one JSON object.",
    )
    parser.add_argument("file", type=Path, help="the .msl file to read")
    parser.add_argument("--passphrase", default=None, help="passphrase of an encrypted capture")
    parser.add_argument(
        "--verify-only",
        action="store_true",
        help="only run the tool's verification and time it",
    )
    if extra_key_options:
        parser.add_argument(
            "--key-hex",
            default=None,
            help="raw 32-byte content key as hex (KdfType None, KeyEncap None)",
        )
        parser.add_argument(
            "--kem-key-file",
            type=Path,
            default=None,
            help="file holding the recipient's raw private key (X25519 etc.)",
        )
    return parser


@contextlib.contextmanager
def stdout_to_stderr() -> Iterator[TextIO]:
    """Send anything the tool prints to stderr; yield the real stdout.

    Keeps stdout reserved for the single JSON object, whatever the tool's
    logging or print statements do.
    """
    real = sys.stdout
    sys.stdout = sys.stderr
    try:
        yield real
    finally:
        sys.stdout = real


def describe(exc: BaseException) -> str:
    """A one-line ``Type: message`` description of an exception."""
    return f"{type(exc).__name__}: {exc}"


def emit(out: TextIO, payload: dict[str, Any]) -> None:
    """Write ``payload`` as one JSON line to ``out``."""
    out.write(json.dumps(payload, sort_keys=False))
    out.write("\n")
    out.flush()


def crash(out: TextIO, known: dict[str, Any], exc: BaseException, stage: str) -> int:
    """Report a tool crash: print ``{"error": ...}`` plus ``known`` fields.

    The traceback goes to stderr. Returns the exit status to use.
    """
    traceback.print_exception(type(exc), exc, exc.__traceback__, file=sys.stderr)
    emit(out, {"error": describe(exc), "stage": stage, **known})
    return EXIT_TOOL_CRASH
