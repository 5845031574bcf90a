# Generated from spec/dialects.yaml and format.yaml by `msl codegen`.
# Do not edit: change the YAML and regenerate.
"""Format versions and the dialects a reader can select and report."""

from __future__ import annotations

from typing import NamedTuple


class Dialect(NamedTuple):
    """A family of files sharing payload layouts.

    Attributes:
        id: Dialect id (used by layouts and by ``MslReader(dialect=...)``).
        title: Human name.
        versions: Header Version values it is written with.
        doc: What sets it apart.
        detect: How a reader recognises it, or None.
        extends: The dialect whose layouts it inherits, or None.
    """

    id: str
    title: str
    versions: tuple[int, ...]
    doc: str
    detect: str | None
    extends: str | None = None


class Signal(NamedTuple):
    """One observation that marks a file as written in a dialect (``signals:`` in dialects.yaml).

    Attributes:
        kind: ``every_payload_version`` (every block has PayloadVersion ``value``),
            ``block0_prev_hash_zero``, ``header_block_count_set``, ``legacy_compression`` (a
            compressed payload without the UncompressedSize prefix), ``unpadded_payload`` (an
            uncompressed payload whose length is not a multiple of 8), ``payload_size`` (a
            ``block_type`` payload of ``size`` bytes) or ``tail_absent`` (a ``block_type``
            payload that ends before its optional tail).
        doc: The reason a reader reports.
        block_type: The block type code it looks at, or None.
        size: Payload size of ``payload_size``, or None.
        value: The value of ``every_payload_version``, or None.
        alone: False for supporting evidence that never selects the dialect by itself.
    """

    kind: str
    doc: str
    block_type: int | None = None
    size: int | None = None
    value: int | None = None
    alone: bool = True


DIALECTS: dict[str, Dialect] = {
    "spec-1.0": Dialect(
        "spec-1.0", "Public specification 1.0.0", (0x0100, ),
        (
            "The layout of the public spec 1.0.0, as memslicer 0.2.x writes it (Version 0x0100). Header 0x39-0x3F "
            "reserved (memslicer 0.2.7 already stores BlockCount/HashAlgo there, which reads back as zero or "
            "BLAKE3), 48-byte End-of-Capture with 8 reserved bytes."
        ),
        None,
    ),
    "spec-1.1": Dialect(
        "spec-1.1", "Memory Slice 1.1 (memslicer 0.5.2)", (0x0101, ),
        (
            "The unpublished 1.1 as memslicer 0.5.2 writes it: header BlockCount and HashAlgo, End-of-Capture "
            "BlockCount, 1.1 block types, System Context layout A, Connectivity Table at 0x0054 and Kernel Symbol "
            "Bundle at 0x0055. This is what our writer emits by default."
        ),
        None,
    ),
    "memdiver-1.0.2": Dialect(
        "memdiver-1.0.2", "memdiver 1.0.2 dialect", (0x0101, ),
        (
            "Files written by memdiver (1.0.2 and the earlier MemDiver tree): Module Entry without "
            "BlobLen/NativeBlob, Related Dump of 56 bytes (+TargetHash), Import Provenance with a trailing 32-byte "
            "SourceHash, System Context layout B (u32 TargetCount), Connectivity Table at 0x0055 with "
            "NUL-terminated strings, u16 HandleType, unpadded payloads, and in the pre-1.1 MemDiver tree a zero "
            "block 0 PrevHash, bare zstd/LZ4-frame compression and a 40-byte End-of-Capture."
        ),
        (
            "Version 0x0101 and any of: non-zero header BlockCount (memslicer always writes 0); block 0 PrevHash "
            "all zero; a Module Entry whose payload ends right after DiskHash; a Related Dump payload of 56 bytes; "
            "an uncompressed payload whose length is not a multiple of 8."
        ),
    ),
    "g0": Dialect(
        "g0", 'Pre-1.0 draft layout ("G0")', (0x0001, ),
        (
            "Files written from the first draft (memslicer 0.1, libmsl, memslicer-rs and the Chrome capture): "
            "Version stored as two bytes 01 00 (reads as 0x0001), PayloadVersion 0, HasChildren in flag bit 0, "
            "Memory Region with PageSize u16 and a page count, Module Entry lengths that include the padding, "
            "count-only Module List Index, no ClockSource."
        ),
        "Version reads 0x0001 (bytes 01 00 in a little-endian file).",
    ),
}

SIGNALS: dict[str, tuple[Signal, ...]] = {
    "memdiver-1.0.2": (
        Signal("header_block_count_set", "header BlockCount is set (memslicer writes 0)", alone=False),
        Signal("block0_prev_hash_zero", "block 0 PrevHash is all zero (pre-1.1 MemDiver)"),
        Signal("legacy_compression", "a compressed payload in legacy framing (no size prefix)"),
        Signal("unpadded_payload", "an uncompressed payload is not padded to 8"),
        Signal("payload_size", "a 56-byte Related Dump (+TargetHash)", block_type=0x0041, size=56),
        Signal("tail_absent", "a Module Entry that ends after DiskHash (no NativeBlob)", block_type=0x0002),
    ),
    "g0": (
        Signal("every_payload_version", "every block has PayloadVersion 0 (edited version bytes)", value=0),
    ),
}
"""Dialect id -> what a reader tests to recognise it, in order."""

KNOWN_VERSIONS: frozenset[int] = frozenset({0x0001, 0x0100, 0x0101})
"""Every header Version some dialect is written with."""

VERSION_DIALECT: dict[int, str] = {0x0100: "spec-1.0", 0x0101: "spec-1.1"}
"""Header Version -> the dialect of a file showing no other signal (the first dialect listing it)."""

VERSIONS: dict[str, int] = {"1.0": 0x0100, "1.1": 0x0101}
"""Format version id -> header Version value."""

VERSION_DIALECTS: dict[str, str] = {"1.0": "spec-1.0", "1.1": "spec-1.1"}
"""Format version id -> the dialect a writer emits for it (the first dialect listing the version)."""

DEFAULT_WRITE = "spec-1.1"
"""The dialect the writer emits unless told otherwise."""

DEFAULT_VERSION = "1.1"
"""The format version id of ``DEFAULT_WRITE``."""
