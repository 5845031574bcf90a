"""What to capture and how: the options of ``msl capture`` as a plain value.

Parsers for the option strings (``--filter-prot rw-``, ``--filter-addr START-END``,
``--scope heap,stack``) raise ``ValueError`` with a message fit for the user.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from memslice.generated.enums import Protection, RegionType

SCOPES: dict[str, RegionType] = {
    "heap": RegionType.HEAP,
    "stack": RegionType.STACK,
    "image": RegionType.IMAGE,
    "anon": RegionType.ANONYMOUS,
    "file": RegionType.MAPPED_FILE,
    "shared": RegionType.SHARED_MEM,
    "other": RegionType.OTHER,
}
"""``--scope`` words and the RegionType each one keeps."""

DEFAULT_CHUNK_BYTES = 8 << 20
"""Largest PageData of one Memory Region block: bigger mappings become several blocks."""
DEFAULT_QUEUE_DEPTH = 3
"""Chunks read ahead of the writer (bounds memory: about (depth + 2) x chunk)."""


@dataclass
class CaptureOptions:
    """Options of one capture.

    Attributes:
        output: Final file name (written as ``output.<random>.partial`` first, see
            :mod:`memslice.atomic_output`).
        compression: ``none``, ``zstd`` or ``lz4`` for Memory Region and VAS Map payloads.
        format_version: ``1.1`` (default) or ``1.0`` (no Thread Context, VAS Map or
            NotResident pages, which 1.0 does not define).
        freeze: Stop all threads (ptrace) while memory is read.
        filter_prot: Protection bits a mapping must all have (0 = any).
        filter_addr: Address ranges; a mapping is kept when it overlaps one of them.
        scope: RegionTypes to keep (None = all).
        force: Replace an existing output file.
        report: Where to write the JSON acquisition report, or None.
        chunk_bytes: Largest PageData of a Memory Region block.
        queue_depth: Chunks read ahead of the writer.
        investigate: Investigation mode: write the host and target tables (1.1 only).
        case_ref: Case reference recorded in the System Context.
        redact_env: Environment variables redacted on top of the default secret names.
        encryption: A :class:`memslice.crypto.producer.EncryptionConfig` to write an encrypted
            capture (the plaintext never reaches the disk), or None.
    """

    output: Path
    compression: str = "none"
    format_version: str = "1.1"
    freeze: bool = True
    filter_prot: int = 0
    filter_addr: list[tuple[int, int]] = field(default_factory=list)
    scope: frozenset[RegionType] | None = None
    force: bool = False
    report: Path | None = None
    chunk_bytes: int = DEFAULT_CHUNK_BYTES
    queue_depth: int = DEFAULT_QUEUE_DEPTH
    investigate: bool = False
    case_ref: str | None = None
    redact_env: list[str] = field(default_factory=list)
    encryption: Any = None


def parse_prot(text: str) -> int:
    """``rw-`` -> READ|WRITE: every letter given is required, ``-`` means "any".

    Raises:
        ValueError: Not of the form ``[r-][w-][x-]``.
    """
    bits = 0
    letters = {0: ("r", Protection.READ), 1: ("w", Protection.WRITE), 2: ("x", Protection.EXECUTE)}
    if not 1 <= len(text) <= 3:
        raise ValueError(f"protection filter {text!r} is not like 'r--', 'rw-' or 'r-x'")
    for i, ch in enumerate(text):
        letter, bit = letters[i]
        if ch == letter:
            bits |= bit
        elif ch != "-":
            raise ValueError(f"protection filter {text!r}: position {i + 1} must be {letter!r} or '-'")
    return int(bits)


def parse_addr_range(text: str) -> tuple[int, int]:
    """``0x7f00-0x7fff`` (hex, ``0x`` optional) -> (start, end), end exclusive.

    Raises:
        ValueError: Malformed or empty range.
    """
    lo, sep, hi = text.partition("-")
    if not sep:
        raise ValueError(f"address range {text!r} is not START-END")
    try:
        start, end = int(lo, 16), int(hi, 16)
    except ValueError:
        raise ValueError(f"address range {text!r}: START and END must be hexadecimal") from None
    if end <= start:
        raise ValueError(f"address range {text!r} is empty")
    return start, end


def parse_scope(text: str) -> frozenset[RegionType]:
    """``heap,stack`` -> {HEAP, STACK}.

    Raises:
        ValueError: An unknown word.
    """
    words = [w.strip() for w in text.split(",") if w.strip()]
    unknown = [w for w in words if w not in SCOPES]
    if unknown or not words:
        raise ValueError(f"unknown scope {', '.join(unknown) or text!r}; choose from {', '.join(SCOPES)}")
    return frozenset(SCOPES[w] for w in words)
