"""``NT_FILE`` and ``NT_AUXV`` notes of an exported ELF core, from what a capture holds.

``NT_FILE`` lists the file-backed mappings with their file offsets, so that a debugger
can tell which file backs which range. Offsets come from the maps lines our acquirer
keeps in each Module Entry's NativeBlob; the other file mappings of the VAS Map
(memslicer captures, whose blobs hold no maps lines) get ``address - first mapping of the
file`` (exact for the usual ELF layout, where file offset and address advance together).

``NT_AUXV`` is the auxiliary vector the kernel put on the main stack: it is searched in
the captured stack pages (it starts after the environment's NULL and ends with AT_NULL;
its AT_ENTRY pair is what the search looks for). When the stack was not captured, a
vector is rebuilt from the captured executable headers (AT_PHDR, AT_PHENT, AT_PHNUM,
AT_ENTRY, AT_BASE of the interpreter, AT_SYSINFO_EHDR of the vDSO, AT_PAGESZ): the values
a debugger needs to relocate a PIE executable. Either way the export says which.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from typing import Any

from memslice.acquirer.core.elf import (
    AT_BASE,
    AT_ENTRY,
    AT_NULL,
    AT_PAGESZ,
    AT_PHDR,
    AT_PHENT,
    AT_PHNUM,
    AT_SYSINFO_EHDR,
    EI_NIDENT,
    ELF_CLASSES,
    ET_DYN,
    PT_INTERP,
    PT_LOAD,
)
from memslice.acquirer.linux.maps import parse_line
from memslice.generated.blocks import module_entry, process_identity, vas_map
from memslice.generated.enums import RegionType

from memslice.reader import MslReader

_AT_MAX = 64
_MAX_AUXV = 64
_MAX_PHDRS = 256


@dataclass
class _Module:
    base: int
    size: int
    path: str
    lines: list[tuple[int, int, int, str]]  # start, end, offset, path


def _modules(reader: MslReader) -> list[_Module]:
    out = []
    for rec in reader.blocks:
        if rec.block_type != module_entry.BLOCK_TYPE or rec.segment != 0:
            continue
        p = reader.decode(rec).payload
        if p is None:
            continue
        lines = []
        for raw in bytes(p.native_blob or b"").splitlines():
            try:
                m = parse_line(raw)
            except (ValueError, UnicodeError):
                lines = []
                break
            lines.append((m.start, m.end, m.offset, m.path))
        out.append(_Module(int(p.base_addr), int(p.module_size), str(p.path or ""), lines))
    return out


def _vas(reader: MslReader) -> list[Any]:
    last = None
    for rec in reader.blocks:
        if rec.block_type == vas_map.BLOCK_TYPE and rec.segment >= 0:
            last = rec
    if last is None:
        return []
    p = reader.decode(last).payload
    return list((p.entries or p.entries_fixed or []) if p is not None else [])


def _first_starts(vas: list[Any]) -> dict[str, int]:
    """Lowest mapping start of each mapped path."""
    first: dict[str, int] = {}
    for e in vas:
        path = str(e.mapped_path or "")
        if path and (path not in first or int(e.base_addr) < first[path]):
            first[path] = int(e.base_addr)
    return first


def file_note(reader: MslReader, bits: int, page_size: int) -> tuple[bytes, int]:
    """The ``NT_FILE`` descriptor (empty when no mapping qualifies) and its entry count."""
    entries: dict[int, tuple[int, int, str]] = {}
    modules = _modules(reader)
    for module in modules:
        for start, end, offset, path in module.lines:
            if path.startswith("/"):
                entries[start] = (end, offset, path)
    known = {path for _e, _o, path in entries.values()}
    vas = _vas(reader)
    first = _first_starts(vas)
    for e in vas:
        start, size, path = int(e.base_addr), int(e.region_size), str(e.mapped_path or "")
        if start in entries or not path.startswith("/") or path in known:
            continue
        entries[start] = (start + size, start - first[path], path)
    if not entries:
        return b"", 0
    word = "<Q" if bits == 64 else "<I"
    rows = sorted(entries.items())
    head = struct.pack(word, len(rows)) + struct.pack(word, page_size)
    body = b"".join(struct.pack(word, s) + struct.pack(word, e) + struct.pack(word, off // page_size)
                    for s, (e, off, _p) in rows)
    names = b"".join(p.encode("utf-8", "surrogateescape") + b"\0" for _s, (_e, _o, p) in rows)
    return head + body + names, len(rows)


def _read(reader: MslReader, addr: int, size: int) -> bytes | None:
    spans = reader.read(addr, size)
    if len(spans) != 1 or spans[0].data is None:
        return None
    return bytes(spans[0].data)


@dataclass
class _Exe:
    base: int
    entry: int
    phdr: int
    phent: int
    phnum: int
    interp: str


def _executable(reader: MslReader, modules: list[_Module], bits: int) -> _Exe | None:
    exe_path = ""
    for rec in reader.blocks:
        if rec.block_type == process_identity.BLOCK_TYPE:
            p = reader.decode(rec).payload
            exe_path = str(p.exe_path or "") if p is not None else ""
            break
    exe = next((m for m in modules if exe_path and m.path == exe_path), None)
    ehdr = _read(reader, exe.base, 64) if exe is not None else None
    if ehdr is None or ehdr[:4] != b"\x7fELF":
        # memslicer: no module for the executable, or a base at the text: its first mapping
        first = _first_starts(_vas(reader)).get(exe_path)
        ehdr = _read(reader, first, 64) if first is not None else None
        if first is None or ehdr is None or ehdr[:4] != b"\x7fELF":
            return None
        exe = _Module(first, 0, exe_path, [])
    cls = ELF_CLASSES[bits]
    etype, _machine, _version, entry, phoff, *_rest = cls.unpack_ehdr("<", ehdr[EI_NIDENT:])
    phent, phnum = _rest[3], _rest[4]
    if phnum > _MAX_PHDRS or phent < struct.calcsize(cls.phdr):
        return None
    raw = _read(reader, exe.base + phoff, phent * phnum) or b""
    loads, interp_at = [], None
    for i in range(phnum if len(raw) == phent * phnum else 0):
        ptype, _flags, _offset, vaddr, _paddr, filesz, *_ = cls.unpack_phdr("<", raw, i * phent)
        if ptype == PT_LOAD:
            loads.append(vaddr)
        elif ptype == PT_INTERP and 0 < filesz < 4096:
            interp_at = (vaddr, filesz)
    bias = exe.base - min(loads, default=0) if etype == ET_DYN else 0
    interp = ""
    if interp_at is not None:
        text = _read(reader, interp_at[0] + bias, interp_at[1])
        interp = (text or b"").split(b"\0")[0].decode("utf-8", "replace")
    return _Exe(exe.base, entry + bias, exe.base + phoff if etype == ET_DYN else min(loads, default=0) + phoff,
                phent, phnum, interp)


def _auxv_from_stack(reader: MslReader, entry: int, bits: int) -> bytes | None:
    word = 8 if bits == 64 else 4
    fmt = "<Q" if bits == 64 else "<I"
    needle = struct.pack(fmt, AT_ENTRY) + struct.pack(fmt, entry)
    for region in reader.regions():
        if int(region.payload.region_type) != RegionType.STACK:
            continue
        for span in reader.read(region.base, region.size):
            if span.data is None:
                continue
            data = bytes(span.data)
            at = data.find(needle)
            while at >= 0 and at % word:
                at = data.find(needle, at + 1)
            if at < 0:
                continue
            start = at
            while start >= 2 * word and 0 < struct.unpack_from(fmt, data, start - 2 * word)[0] < _AT_MAX:
                start -= 2 * word
            end = start
            for _ in range(_MAX_AUXV):
                if end + 2 * word > len(data):
                    return None
                end += 2 * word
                if struct.unpack_from(fmt, data, end - 2 * word)[0] == AT_NULL:
                    return data[start:end]
    return None


def auxv_note(reader: MslReader, bits: int, page_size: int) -> tuple[bytes, str]:
    """The ``NT_AUXV`` descriptor and where it came from (``stack``, ``rebuilt``), or (b"", why not)."""
    modules = _modules(reader)
    exe = _executable(reader, modules, bits)
    if exe is None:
        return b"", "the executable's ELF header is not in the capture"
    found = _auxv_from_stack(reader, exe.entry, bits)
    if found is not None:
        return found, "stack"
    fmt = "<QQ" if bits == 64 else "<II"
    pairs = [(AT_PHDR, exe.phdr), (AT_PHENT, exe.phent), (AT_PHNUM, exe.phnum), (AT_PAGESZ, page_size)]
    if exe.interp:
        name = os.path.basename(exe.interp)
        ld = next((m for m in modules if os.path.basename(m.path) == name), None)
        if ld is not None:
            pairs.append((AT_BASE, ld.base))
    pairs.append((AT_ENTRY, exe.entry))
    vdso = next((int(e.base_addr) for e in _vas(reader) if str(e.mapped_path or "") == "[vdso]"), None)
    if vdso is not None:
        pairs.append((AT_SYSINFO_EHDR, vdso))
    pairs.append((AT_NULL, 0))
    return b"".join(struct.pack(fmt, t, v) for t, v in pairs), "rebuilt"
