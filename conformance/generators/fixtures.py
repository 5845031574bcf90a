"""Deterministic building material for generated cases: UUIDs, times, a standard capture.

Everything a generated case contains is a function of the case id, so regenerating the
corpus gives the same bytes (``msl conformance generate --verify``).
"""

from __future__ import annotations

import contextlib
import hashlib
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from memslice.generated.blocks import key_hint, memory_region, module_entry, module_list_index, process_identity
from memslice.generated.enums import CapBitmap, ClockSource, OsType

import memslice.writer as writer_module
from memslice.pages import encode_state_string
from memslice.writer import MslWriter

TIMESTAMP = 1_767_225_600_000_000_000
"""Header Timestamp of every generated capture (2026-01-01T00:00:00Z in ns)."""
ACQ_END = TIMESTAMP + 2_000_000_000
"""End-of-Capture AcqEnd."""
WRITTEN_AT = TIMESTAMP + 3_600_000_000_000
"""End-of-Extension WrittenAt."""
PID = 4242
PAGE_LOG2 = 12
PAGE = 1 << PAGE_LOG2


def uuid4(*parts: object) -> bytes:
    """A UUIDv4 (version and variant bits set, rule B-1.4-uuid-v4) derived from ``parts``."""
    return uuid.UUID(bytes=hashlib.sha256(":".join(str(p) for p in parts).encode()).digest()[:16], version=4).bytes


def page_bytes(seed: object, index: int, size: int = PAGE) -> bytes:
    """Deterministic, non-repeating page content (SHA-256 counter stream)."""
    out = bytearray()
    counter = 0
    while len(out) < size:
        out += hashlib.sha256(f"page:{seed}:{index}:{counter}".encode()).digest()
        counter += 1
    return bytes(out[:size])


@contextlib.contextmanager
def deterministic_uuids(seed: str) -> Iterator[None]:
    """Make the writer's own UUIDs (End-of-Capture, End-of-Extension) a function of ``seed``.

    ``MslWriter.finish_capture`` and ``end_extension`` take no ``block_uuid``; until they do
    (requested in the issue-4 report) the generator swaps ``memslice.writer.new_uuid`` for
    the duration of one case.
    """
    counter = iter(range(1 << 30))
    original = writer_module.new_uuid
    writer_module.new_uuid = lambda: uuid4(seed, "writer", next(counter))
    try:
        yield
    finally:
        writer_module.new_uuid = original


def write_capture(seed: str, body: Callable[[MslWriter], None], *, finish: bool = True,
                  **writer_args: Any) -> bytes:
    """Run ``body`` against a fresh writer and return the file's bytes.

    Args:
        seed: The case id (seeds every UUID).
        body: Adds the blocks.
        finish: Write the End-of-Capture and close (else close without one).
        **writer_args: ``MslWriter`` keyword arguments (defaults: fixed DumpUUID,
            Timestamp, PID, Linux, x86-64, CLOCK_REALTIME).
    """
    args: dict[str, Any] = {"dump_uuid": uuid4(seed, "dump"), "timestamp": TIMESTAMP, "pid": PID,
                            "os_type": OsType.LINUX, "arch_type": 1, "clock_source": ClockSource.CLOCK_REALTIME}
    args.update(writer_args)
    with tempfile.TemporaryDirectory(prefix="msl-conformance-") as tmp, deterministic_uuids(seed):
        path = Path(tmp) / "case.msl"
        w = MslWriter(path, **args)
        try:
            body(w)
        except BaseException:
            w.abort()
            raise
        if finish:
            w.finish(acq_end=ACQ_END)
        else:
            w.close_incomplete()
        return path.read_bytes()


def region_payload(seed: object, base: int, states: str, *, log2: int = PAGE_LOG2,
                   region_type: int = 1, protection: int = 0b011) -> memory_region.MemoryRegion:
    """A Memory Region payload whose captured pages are :func:`page_bytes`."""
    captured = states.count("0")
    data = b"".join(page_bytes(seed, i, 1 << log2) for i in range(captured))
    return memory_region.MemoryRegion(
        base_addr=base, region_size=len(states) << log2, protection=protection, region_type=region_type,
        page_size_log2=log2, timestamp=TIMESTAMP + 1_000_000, page_state_map=encode_state_string(states),
        page_data=data)


@dataclass
class Standard:
    """UUIDs of the blocks :func:`add_standard` wrote (for children and references)."""

    identity: bytes
    manifest: bytes
    modules: list[bytes] = field(default_factory=list)
    regions: list[bytes] = field(default_factory=list)
    key_hint: bytes | None = None


STANDARD_CAPS = (CapBitmap.PROCESS_IDENTITY | CapBitmap.MODULE_LIST | CapBitmap.MEMORY_REGIONS
                 | CapBitmap.CRYPTO_HINTS)
"""CapBitmap of :func:`add_standard` (P8: exactly the categories written)."""

MODULES = (("/usr/bin/conformance-target", "1.0", 0x5555_5555_4000, 0x3000),
           ("/usr/lib/x86_64-linux-gnu/libc.so.6", None, 0x7F00_0000_0000, 0x1C_0000))
"""(path, version, base, size) of the two modules of the standard capture."""


def add_standard(w: MslWriter, seed: str, *, compress: str | None = None, regions: str = "0010200",
                 with_key_hint: bool = True) -> Standard:
    """Write a small live capture: Process Identity, Module List Index, a region, modules.

    Block order follows rules A1 and A2 (Process Identity as block 0, Module List Index
    with pre-assigned UUIDs as block 1); Module Entries name the index as parent (B-5.2).

    Args:
        w: The writer.
        seed: Case id.
        compress: Codec for the Memory Region.
        regions: Page states of the region (``0`` Captured, ``1`` Failed, ``2`` Unmapped,
            ``3`` NotResident).
        with_key_hint: Also write a Key Hint into the region.
    """
    ids = Standard(uuid4(seed, "identity"), uuid4(seed, "manifest"))
    w.add(process_identity.ProcessIdentity(ppid=1, session_id=2, start_time=TIMESTAMP - 10**12,
                                           exe_path=MODULES[0][0], cmd_line="conformance-target --serve"),
          block_uuid=ids.identity)
    ids.modules = [uuid4(seed, "module", i) for i in range(len(MODULES))]
    entries = [module_list_index.ModuleManifestEntry(module_uuid=u, base_addr=m[2], module_size=m[3], path=m[0])
               for u, m in zip(ids.modules, MODULES, strict=True)]
    w.add(module_list_index.ModuleListIndex(entries=entries), block_uuid=ids.manifest)
    ids.regions.append(uuid4(seed, "region", 0))
    w.add(region_payload(seed, 0x7FFD_0000_0000, regions), block_uuid=ids.regions[0], compress=compress)
    for u, m in zip(ids.modules, MODULES, strict=True):
        w.add(module_entry.ModuleEntry(base_addr=m[2], module_size=m[3], path=m[0], version=m[1],
                                       native_blob=b""), block_uuid=u, parent_uuid=ids.manifest)
    if with_key_hint:
        ids.key_hint = uuid4(seed, "key-hint")
        w.add(key_hint.KeyHint(region_uuid=ids.regions[0], region_offset=0x40, len_key=32, key_type=3,
                               protocol=2, confidence=2, key_state=1, note="derived by the conformance generator"),
              block_uuid=ids.key_hint)
    return ids
