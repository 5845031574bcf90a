"""What ``msl enrich`` adds to a finished capture: build ids, disk hashes, the physical map.

* Build ids (``--build-ids``): the GNU build id of each module, read from the ELF headers
  and ``PT_NOTE`` segments in the capture's own pages (BuildIdSource captured_region; the
  header is looked for at the module's base, then at the first VAS Map mapping of the file
  mapped there, since memslicer's bases point at the text);
  when those pages were not captured, from the file now on disk at the module's path
  (source on_disk: the file may have changed since the capture).
* Disk hashes (``--disk-hashes``): for modules whose Module Entry has an all-zero
  DiskHash, the hash (the capture's HashAlgo) of the file now at the module's path.
  Readers let a non-zero DiskHash supersede the zero one.
* Physical map (``--physical-map``): the top level of ``/proc/iomem`` (addresses are zero
  for an unprivileged reader; the report says so).

Module paths come from the capture; files are opened ``O_NOFOLLOW`` read-only; nothing is
read beyond :data:`MAX_NOTES` bytes of notes per module.
"""

from __future__ import annotations

import bisect
import os
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from memslice.generated.blocks import vas_map
from memslice.generated.blocks.module_build_id_manifest import BuildIdRow, ModuleBuildIdManifest
from memslice.generated.blocks.physical_memory_map import PhysicalMemoryMap, PhysicalRangeRow
from memslice.generated.enums import BuildIdFlags, BuildIdSource

from memslice.integrity import ZERO_HASH, hasher_factory
from memslice.reader import MslReader

MAX_NOTES = 64 << 10
"""Most bytes of PT_NOTE data read per module."""
MAX_PHDRS = 256
_NT_GNU_BUILD_ID = 3
_PT_NOTE = 4
_PT_LOAD = 1
_BUILD_ID_BYTES = 20
_PIECE = 1 << 20


@dataclass
class EnrichResult:
    """What was found.

    Attributes:
        payloads: Blocks to append (manifest and/or physical map).
        notes: Per module / table what was found or why not.
    """

    payloads: list[Any] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _read(reader: MslReader, addr: int, size: int) -> bytes | None:
    spans = reader.read(addr, size)
    if len(spans) != 1 or spans[0].state != "captured" or spans[0].data is None:
        return None
    return bytes(spans[0].data)


def parse_notes(data: bytes, endian: str) -> bytes:
    """The GNU build id in a run of ELF notes, or b""."""
    pos = 0
    while pos + 12 <= len(data):
        namesz, descsz, ntype = struct.unpack_from(endian + "III", data, pos)
        name_at = pos + 12
        desc_at = name_at + _pad4(namesz)
        nxt = desc_at + _pad4(descsz)
        if nxt > len(data):
            break
        if ntype == _NT_GNU_BUILD_ID and data[name_at:name_at + namesz] == b"GNU\0":
            return data[desc_at:desc_at + descsz]
        pos = nxt
    return b""


def _pad4(n: int) -> int:
    return (n + 3) & ~3


def _elf_layout(ehdr: bytes) -> tuple[str, bool, int, int, int] | None:
    """(endian, is64, phoff, phentsize, phnum) of an ELF header, or None."""
    if len(ehdr) < 64 or ehdr[:4] != b"\x7fELF" or ehdr[4] not in (1, 2) or ehdr[5] not in (1, 2):
        return None
    endian = "<" if ehdr[5] == 1 else ">"
    is64 = ehdr[4] == 2
    if is64:
        phoff, = struct.unpack_from(endian + "Q", ehdr, 0x20)
        phentsize, phnum = struct.unpack_from(endian + "HH", ehdr, 0x36)
    else:
        phoff, = struct.unpack_from(endian + "I", ehdr, 0x1C)
        phentsize, phnum = struct.unpack_from(endian + "HH", ehdr, 0x2A)
    if phnum > MAX_PHDRS or phentsize < (56 if is64 else 32):
        return None
    return endian, is64, phoff, phentsize, phnum


def _phdrs(raw: bytes, endian: str, is64: bool, phentsize: int, phnum: int) -> list[tuple[int, int, int, int]]:
    """(type, offset, vaddr, filesz) of each program header."""
    out = []
    for i in range(phnum):
        at = i * phentsize
        if is64:
            ptype, _, off, vaddr, _, filesz = struct.unpack_from(endian + "IIQQQQ", raw, at)
        else:
            ptype, off, vaddr, _, filesz = struct.unpack_from(endian + "IIIII", raw, at)
        out.append((ptype, off, vaddr, filesz))
    return out


def build_id_from_capture(reader: MslReader, base: int) -> bytes:
    """The build id of the module loaded at ``base``, from captured pages only."""
    ehdr = _read(reader, base, 64)
    layout = _elf_layout(ehdr or b"")
    if layout is None:
        return b""
    endian, is64, phoff, phentsize, phnum = layout
    raw = _read(reader, base + phoff, phentsize * phnum)
    if raw is None:
        return b""
    headers = _phdrs(raw, endian, is64, phentsize, phnum)
    first_load = min((v for t, _, v, _ in headers if t == _PT_LOAD), default=0)
    for ptype, _, vaddr, filesz in headers:
        if ptype == _PT_NOTE and 0 < filesz <= MAX_NOTES:
            notes = _read(reader, base + vaddr - first_load, filesz)
            found = parse_notes(notes or b"", endian)
            if found:
                return found
    return b""


def build_id_from_file(path: str) -> bytes:
    """The build id in the ELF file at ``path`` (read through its program headers), or b""."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return b""
    try:
        layout = _elf_layout(os.pread(fd, 64, 0))
        if layout is None:
            return b""
        endian, is64, phoff, phentsize, phnum = layout
        raw = os.pread(fd, phentsize * phnum, phoff)
        if len(raw) < phentsize * phnum:
            return b""
        for ptype, off, _, filesz in _phdrs(raw, endian, is64, phentsize, phnum):
            if ptype == _PT_NOTE and 0 < filesz <= MAX_NOTES:
                found = parse_notes(os.pread(fd, filesz, off), endian)
                if found:
                    return found
        return b""
    except OSError:
        return b""
    finally:
        os.close(fd)


def hash_file(path: str, hash_algo: int) -> bytes:
    """Hash of the regular file at ``path`` (the capture's HashAlgo), or the zero hash."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return ZERO_HASH
    try:
        if not os.path.isfile(f"/proc/self/fd/{fd}"):
            return ZERO_HASH
        hasher = hasher_factory(hash_algo)()
        while chunk := os.read(fd, _PIECE):
            hasher.update(chunk)
        return hasher.digest()
    except OSError:
        return ZERO_HASH
    finally:
        os.close(fd)


def _modules(reader: MslReader) -> list[Any]:
    return [b.payload for b in reader.iter_blocks() if b.block_id == "module_entry" and b.payload is not None]


def _header_address(reader: MslReader) -> Callable[[int], int | None]:
    """Address -> start of the first mapping of the file mapped there (from the last VAS Map).

    memslicer's Module Entries give the start of the text (and its path as the loader
    names it), not the file's first mapping, where the ELF header sits.
    """
    last = None
    for rec in reader.blocks:
        if rec.block_type == vas_map.BLOCK_TYPE and rec.segment >= 0:
            last = rec
    payload = reader.decode(last).payload if last is not None else None
    entries = sorted((int(e.base_addr), int(e.region_size), str(e.mapped_path or ""))
                      for e in ((payload.entries or payload.entries_fixed or []) if payload is not None else []))
    starts: dict[str, int] = {}
    for base, _size, path in entries:
        if path:
            starts.setdefault(path, base)

    def lookup(address: int) -> int | None:
        at = bisect.bisect_right(entries, (address, float("inf"), "")) - 1
        if at < 0:
            return None
        base, size, path = entries[at]
        return starts.get(path) if path and base <= address < base + size else None

    return lookup


def manifest(reader: MslReader, *, build_ids: bool, disk_hashes: bool,
             notes: list[str]) -> ModuleBuildIdManifest | None:
    """Manifest rows for the capture's modules (None when nothing was found)."""
    rows: list[BuildIdRow] = []
    header_at = _header_address(reader)
    for module in _modules(reader):
        path = (module.path or "").removesuffix(" (deleted)")
        deleted = (module.path or "").endswith(" (deleted)")
        bid, source = b"", BuildIdSource.NONE
        if build_ids:
            bid = build_id_from_capture(reader, module.base_addr)
            first = header_at(module.base_addr)
            if not bid and first is not None and first != module.base_addr:
                bid = build_id_from_capture(reader, first)
            source = BuildIdSource.CAPTURED_REGION if bid else BuildIdSource.NONE
            if not bid and path and not deleted:
                bid = build_id_from_file(path)
                source = BuildIdSource.ON_DISK if bid else BuildIdSource.NONE
            if len(bid) not in (0, 16, 20):
                notes.append(f"{path}: build id of {len(bid)} bytes does not fit the manifest; left out")
                bid, source = b"", BuildIdSource.NONE
        digest = ZERO_HASH
        if disk_hashes and bytes(module.disk_hash) == ZERO_HASH and path and not deleted:
            digest = hash_file(path, reader.header.hash_algo)
        if not bid and digest == ZERO_HASH:
            notes.append(f"{module.path}: nothing found")
            continue
        notes.append(f"{module.path}: build id {bid.hex() or '-'} ({source.name.lower()})"
                     + (f", disk hash {digest.hex()[:16]}..." if digest != ZERO_HASH else ""))
        rows.append(BuildIdRow(base_addr=module.base_addr, len_build_id=len(bid), build_id_source=int(source),
                               flags=int(BuildIdFlags.DELETED) if deleted else 0,
                               build_id=bid.ljust(_BUILD_ID_BYTES, b"\0"), disk_hash=digest))
    return ModuleBuildIdManifest(rows=rows) if rows else None


def physical_map(notes: list[str], path: str = "/proc/iomem") -> PhysicalMemoryMap | None:
    """The top-level ranges of ``/proc/iomem`` (None when unreadable or empty)."""
    try:
        with open(path, "rb") as handle:
            text = handle.read(1 << 20).decode("utf-8", "replace")
    except OSError as exc:
        notes.append(f"{path}: {exc.strerror}")
        return None
    rows = []
    for line in text.splitlines():
        if not line or line[0] == " ":
            continue
        span, _, label = line.partition(" : ")
        lo, _, hi = span.partition("-")
        try:
            rows.append(PhysicalRangeRow(start=int(lo, 16), end=int(hi, 16), label=label.strip()[:4096]))
        except ValueError:
            continue
    if rows and all(r.start == 0 and r.end == 0 for r in rows):
        notes.append(f"{path}: addresses hidden (not root); ranges recorded with zero addresses")
    return PhysicalMemoryMap(rows=rows) if rows else None


def enrich(reader: MslReader, *, build_ids: bool, disk_hashes: bool, physical: bool) -> EnrichResult:
    """The blocks ``msl enrich`` appends for these options."""
    result = EnrichResult()
    if build_ids or disk_hashes:
        found = manifest(reader, build_ids=build_ids, disk_hashes=disk_hashes, notes=result.notes)
        if found is not None:
            result.payloads.append(found)
    if physical:
        pm = physical_map(result.notes)
        if pm is not None:
            result.payloads.append(pm)
    return result
