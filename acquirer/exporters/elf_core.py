"""Export a capture as a Linux ELF core file that gdb (and other ELF-core readers) open.

What goes in:

- One ``PT_LOAD`` per run of Captured pages (adjacent runs of equal protection merged,
  except across a mapping boundary of the VAS Map), ``p_filesz == p_memsz``. Pages in
  any other state are **left out**: no program header covers them, so a reader reports
  them as inaccessible instead of showing invented zeros. Exception: NotResident pages
  of a 1.1 file are mapped pages whose content the format defines as zero, and are
  written as zero bytes (spec 1.0 reserves that state: there they are left out like
  Failed pages).
- ``NT_PRPSINFO`` from the header PID and Process Identity (PPID, session id, the
  executable's base name as ``pr_fname``, the command line cut to 79 bytes as
  ``pr_psargs``; uid/gid are not captured and are written as -1).
- Per Thread Context: ``NT_PRSTATUS`` (the Current thread first; registers by name;
  registers the capture lacks are written as 0 and reported), ``NT_FPREGSET`` when the
  whole FP/SIMD file is present, ``NT_X86_XSTATE`` from ``xcr0`` and the extended
  components (AVX, MPX, AVX-512, PKRU), ``NT_ARM_TLS`` from ``tpidr_el0``.

- ``NT_AUXV`` (the vector found in the captured stack, else rebuilt from the captured
  executable headers) and ``NT_FILE`` (file mappings with offsets), from
  :mod:`.core_notes`, so that gdb relocates a PIE executable and finds its libraries.

What cannot go in: ``NT_SIGINFO``; uids. Architectures: x86_64, aarch64 (ELFCLASS64) and x86
(ELFCLASS32, general registers only).
"""

from __future__ import annotations

import errno
import os
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from memslice.acquirer.core.elf import (
    ELF_CLASSES,
    EM_386,
    EM_AARCH64,
    EM_X86_64,
    ET_CORE,
    EV_CURRENT,
    NHDR,
    NT_ARM_TLS,
    NT_AUXV,
    NT_FILE,
    NT_FPREGSET,
    NT_PRPSINFO,
    NT_PRSTATUS,
    NT_X86_XSTATE,
    PF_R,
    PF_W,
    PF_X,
    PN_XNUM,
    PT_LOAD,
    PT_NOTE,
)
from memslice.acquirer.core.registers import (
    AARCH64_PRSTATUS,
    FXSAVE_SCALARS,
    FXSAVE_SIZE,
    I386_PRSTATUS,
    X86_64_PRSTATUS,
    XCR0_OFFSET,
    XSAVE_COMPONENTS,
)
from memslice.acquirer.exporters import core_notes
from memslice.generated.blocks import process_identity, thread_context, vas_map
from memslice.generated.enums import ArchType, PageState, Protection, ThreadFlags

from memslice.atomic_output import AtomicFile, check_destination, check_size, write_error
from memslice.errors import IntegrityError, UnsupportedError
from memslice.reader import MslReader
from memslice.verify import verify

DATA_ALIGN = 4096

_THREAD_CONTEXT = thread_context.BLOCK_TYPE
_PROCESS_IDENTITY = process_identity.BLOCK_TYPE
_VAS_MAP = vas_map.BLOCK_TYPE


ALIASES: dict[str, tuple[str, ...]] = {"rflags": ("eflags",)}
"""Other names producers use for a slot: memslicer 0.5.2 names the x86_64 flags ``eflags``."""


@dataclass
class _Arch:
    machine: int
    bits: int
    layout: tuple[tuple[str, int], ...]
    width: int
    reg_offset: int
    prstatus_size: int
    prpsinfo_size: int


_ARCHES = {
    ArchType.X86_64: _Arch(EM_X86_64, 64, X86_64_PRSTATUS, 8, 112, 336, 136),
    ArchType.ARM64: _Arch(EM_AARCH64, 64, AARCH64_PRSTATUS, 8, 112, 392, 136),
    ArchType.X86: _Arch(EM_386, 32, I386_PRSTATUS, 4, 72, 144, 124),
}


@dataclass
class ExportResult:
    """What an export wrote.

    Attributes:
        path: The core file.
        segments: PT_LOAD segments written.
        memory_bytes: Bytes of memory written.
        left_out_pages: Pages not written (not Captured).
        threads: NT_PRSTATUS notes written.
        warnings: Values the core needed but the capture lacks, and similar facts.
    """

    path: Path
    segments: int = 0
    memory_bytes: int = 0
    left_out_pages: int = 0
    threads: int = 0
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Run:
    address: int
    length: int
    flags: int
    parts: list[tuple[int, int, int, bool]] = field(default_factory=list)  # block index, data offset, length, zero
    offset: int = 0


def _note(name: bytes, ntype: int, desc: bytes) -> bytes:
    name += b"\0"
    head = struct.pack("<" + NHDR, len(name), len(desc), ntype)
    return head + name + bytes(-len(name) % 4) + desc + bytes(-len(desc) % 4)


def _pflags(protection: int) -> int:
    flags = 0
    if protection & Protection.READ:
        flags |= PF_R
    if protection & Protection.WRITE:
        flags |= PF_W
    if protection & Protection.EXECUTE:
        flags |= PF_X
    return flags


def _runs(reader: MslReader, zero_not_resident: bool, result: ExportResult) -> list[_Run]:
    """Address-sorted runs of exportable pages, adjacent ones of equal flags merged."""
    pieces: list[_Run] = []
    exportable = {str(int(PageState.CAPTURED))}
    if zero_not_resident:
        exportable.add(str(int(PageState.NOT_RESIDENT)))
    for region in reader.regions():
        page = region.page_size
        flags = _pflags(int(region.payload.protection))
        cursor = 0  # index into PageData
        states = region.states
        i = 0
        while i < len(states):
            j = i
            while j < len(states) and states[j] == states[i]:
                j += 1
            count = j - i
            state = states[i]
            if state in exportable:
                zero = state != str(int(PageState.CAPTURED))
                run = _Run(region.base + i * page, count * page, flags,
                           [(region.record.index, cursor, count * page, zero)])
                pieces.append(run)
            else:
                result.left_out_pages += count
            if state == str(int(PageState.CAPTURED)):
                cursor += count * page
            i = j
    pieces.sort(key=lambda r: r.address)
    bounds = _mapping_bounds(reader)
    runs: list[_Run] = []
    for p in pieces:
        if runs and p.address < runs[-1].address + runs[-1].length:
            raise UnsupportedError(f"two Memory Regions both hold the page at 0x{p.address:X}: an ELF core can "
                                   "hold one version of each address")
        if (runs and runs[-1].address + runs[-1].length == p.address and runs[-1].flags == p.flags
                and p.address not in bounds):
            runs[-1].length += p.length
            runs[-1].parts += p.parts
        else:
            runs.append(p)
    return runs


def _mapping_bounds(reader: MslReader) -> set[int]:
    """Start and end addresses of the mappings in the last VAS Map (empty when there is none)."""
    last = None
    for rec in reader.blocks:
        if rec.block_type == _VAS_MAP and rec.segment >= 0:
            last = rec
    if last is None:
        return set()
    payload = reader.decode(last).payload
    entries = (payload.entries or payload.entries_fixed or []) if payload is not None else []
    return {int(e.base_addr) for e in entries} | {int(e.base_addr) + int(e.region_size) for e in entries}


def _registers(payload: Any) -> dict[str, bytes]:
    return {str(r.name): bytes(r.value) for r in payload.registers}


def _slots(regs: dict[str, bytes], layout: tuple[tuple[str, int], ...], width: int, tid: int,
           warnings: list[str]) -> bytes:
    out = bytearray()
    missing = []
    for name, _roles in layout:
        value = regs.get(name)
        if value is None:
            value = next((regs[a] for a in ALIASES.get(name, ()) if a in regs), None)
        if value is None or len(value) > width:
            missing.append(name)
            value = b""
        out += value + bytes(width - len(value))
    if missing:
        warnings.append(f"thread {tid}: {', '.join(missing)} not in the capture (written as 0)")
    return bytes(out)


def _fxsave(regs: dict[str, bytes]) -> bytes | None:
    names = [n for n, _, _ in FXSAVE_SCALARS] + [f"st{i}" for i in range(8)] + [f"xmm{i}" for i in range(16)]
    if not all(n in regs for n in names):
        return None
    area = bytearray(FXSAVE_SIZE)
    for name, off, size in FXSAVE_SCALARS:
        area[off:off + size] = regs[name][:size].ljust(size, b"\0")
    for i in range(8):
        area[32 + 16 * i: 32 + 16 * i + 10] = regs[f"st{i}"][:10].ljust(10, b"\0")
    for i in range(16):
        area[160 + 16 * i: 176 + 16 * i] = regs[f"xmm{i}"][:16].ljust(16, b"\0")
    return bytes(area)


def _xsave(regs: dict[str, bytes], fx: bytes) -> bytes | None:
    """An XSAVE area (standard format) from ``xcr0`` and the component registers, or None.

    XSTATE_BV marks x87, SSE and each component whose registers are all present; XCR0 is
    the captured value (gdb picks its register set from it).
    """
    if "xcr0" not in regs:
        return None
    (xcr0,) = struct.unpack("<Q", regs["xcr0"][:8].ljust(8, b"\0"))
    size = FXSAVE_SIZE + 64
    xstate_bv = 0x3
    parts: list[tuple[int, bytes]] = []
    for bit, offset, comp_size, fields in XSAVE_COMPONENTS:
        if not xcr0 & (1 << bit):
            continue
        size = max(size, offset + comp_size)
        values = [regs.get(name, b"") for name, _ in fields]
        if all(len(v) == width for v, (_, width) in zip(values, fields, strict=True)):
            xstate_bv |= 1 << bit
            parts.append((offset, b"".join(values)))
    area = bytearray(size)
    area[:FXSAVE_SIZE] = fx
    area[XCR0_OFFSET:XCR0_OFFSET + 8] = struct.pack("<Q", xcr0)
    area[512:520] = struct.pack("<Q", xstate_bv)
    for offset, data in parts:
        area[offset:offset + len(data)] = data
    return bytes(area)


def _thread_notes(arch: _Arch, payload: Any, ident: Any, result: ExportResult) -> list[bytes]:
    regs = _registers(payload)
    tid = int(payload.thread_id) & 0x7FFFFFFF
    pr_reg = _slots(regs, arch.layout, arch.width, tid, result.warnings)
    ppid = int(ident.ppid) if ident is not None else 0
    sid = int(ident.session_id) if ident is not None else 0
    if arch.bits == 64:
        head = struct.pack("<iiihxxQQiiii", 0, 0, 0, 0, 0, 0, tid, ppid, 0, sid) + bytes(64)
    else:
        head = struct.pack("<iiihxxIIiiii", 0, 0, 0, 0, 0, 0, tid, ppid, 0, sid) + bytes(32)
    prstatus = (head + pr_reg).ljust(arch.prstatus_size, b"\0")
    notes = [_note(b"CORE", NT_PRSTATUS, prstatus)]
    if arch.machine == EM_X86_64:
        fx = _fxsave(regs)
        if fx is None:
            result.warnings.append(f"thread {tid}: x87/SSE registers incomplete: no NT_FPREGSET written")
        else:
            notes.append(_note(b"CORE", NT_FPREGSET, fx))
            xs = _xsave(regs, fx)
            if xs is not None:
                notes.append(_note(b"LINUX", NT_X86_XSTATE, xs))
    elif arch.machine == EM_AARCH64:
        names = [f"v{i}" for i in range(32)] + ["fpsr", "fpcr"]
        if all(n in regs for n in names):
            area = b"".join(regs[f"v{i}"][:16].ljust(16, b"\0") for i in range(32))
            area += regs["fpsr"][:4].ljust(4, b"\0") + regs["fpcr"][:4].ljust(4, b"\0") + bytes(8)
            notes.append(_note(b"CORE", NT_FPREGSET, area))
        else:
            result.warnings.append(f"thread {tid}: FP/SIMD registers incomplete: no NT_FPREGSET written")
        if "tpidr_el0" in regs:
            notes.append(_note(b"LINUX", NT_ARM_TLS, regs["tpidr_el0"][:8].ljust(8, b"\0")))
    else:
        result.warnings.append(f"thread {tid}: i386 floating-point state is not exported")
    return notes


def _process_notes(reader: MslReader, arch: _Arch, result: ExportResult) -> list[bytes]:
    """NT_AUXV and NT_FILE (see :mod:`.core_notes`); what is missing goes to the warnings."""
    page = next((r.page_size for r in reader.regions()), DATA_ALIGN)
    notes = []
    auxv, source = core_notes.auxv_note(reader, arch.bits, page)
    if auxv:
        notes.append(_note(b"CORE", NT_AUXV, auxv))
        if source != "stack":
            result.warnings.append("auxiliary vector not found in the captured stack: NT_AUXV rebuilt from the "
                                   "executable's headers")
    else:
        result.warnings.append(f"no NT_AUXV: {source}")
    files, count = core_notes.file_note(reader, arch.bits, page)
    if count:
        notes.append(_note(b"CORE", NT_FILE, files))
    else:
        result.warnings.append("no NT_FILE: the capture names no file mapping with a known offset")
    return notes


def _prpsinfo(arch: _Arch, pid: int, ident: Any) -> bytes:
    exe = str(ident.exe_path or "") if ident is not None else ""
    fname = exe.replace("\\", "/").rsplit("/", 1)[-1].encode("utf-8", "surrogateescape")[:15]
    args = str(ident.cmd_line or "") if ident is not None else ""
    psargs = args.encode("utf-8", "surrogateescape")[:79]
    ppid = int(ident.ppid) if ident is not None else 0
    sid = int(ident.session_id) if ident is not None else 0
    if arch.bits == 64:
        body = struct.pack("<bbbbxxxxQIIiiii", 0, 0, 0, 0, 0, 0xFFFFFFFF, 0xFFFFFFFF, pid, ppid, 0, sid)
    else:
        body = struct.pack("<bbbbIHHiiii", 0, 0, 0, 0, 0, 0xFFFF, 0xFFFF, pid, ppid, 0, sid)
    return _note(b"CORE", NT_PRPSINFO, body + fname.ljust(16, b"\0") + psargs.ljust(80, b"\0"))


def export_elf_core(capture: str | os.PathLike[str], out: str | os.PathLike[str], *, overwrite: bool = False,
                    check: bool = True, progress: Callable[[int], None] | None = None,
                    total: Callable[[int], None] | None = None,
                    reader_options: dict[str, Any] | None = None) -> ExportResult:
    """Write ``capture`` as the ELF core ``out`` (created new, mode 0600, renamed into place when complete).

    Args:
        capture: The ``.msl`` file.
        out: The core file to write.
        overwrite: Replace an existing ``out``.
        check: Verify the capture's hashes first and refuse a file that fails.
        progress: Called with the number of memory bytes written after each piece.
        total: Called once with the number of memory bytes to write.
        reader_options: Passed to :class:`MslReader` (the secret of an encrypted capture).

    Returns:
        What was written.

    Raises:
        IntegrityError: ``check`` is set and the capture does not verify.
        UnsupportedError: The capture's architecture has no ELF core layout here, or two
            regions hold the same page.
        OutputError: ``out`` is refused (exists and ``overwrite`` is false, a directory, a
            missing directory, a special file: checked before the capture is read) or
            cannot be written (e.g. larger than the file size limit); no temporary file is
            left behind.
    """
    shown = os.fspath(out)
    out = check_destination(out, force=overwrite)
    result = ExportResult(out)
    with MslReader(capture, **(reader_options or {})) as reader:
        reader.require_clean()
        if check:
            report = verify(reader)
            if not report.ok:
                raise IntegrityError("the capture does not verify (" + "; ".join(report.problems[:3])
                                     + "); export refused (use --no-verify to export anyway)")
        arch = _ARCHES.get(reader.header.arch_type)
        if arch is None:
            raise UnsupportedError(f"no ELF core layout for ArchType 0x{reader.header.arch_type:04X} "
                                   "(supported: x86_64, arm64, x86)")
        zero_not_resident = reader.dialect != "spec-1.0"
        runs = _runs(reader, zero_not_resident, result)
        if arch.bits == 32 and any(r.address + r.length > 1 << 32 for r in runs):
            raise UnsupportedError("an x86 capture holds memory above 4 GiB: no 32-bit ELF core can hold it")
        ident = None
        threads: list[Any] = []
        for rec in reader.blocks:
            if rec.segment != 0:
                continue
            if rec.block_type == _PROCESS_IDENTITY and ident is None:
                ident = reader.decode(rec).payload
            elif rec.block_type == _THREAD_CONTEXT:
                payload = reader.decode(rec).payload
                if payload is not None:
                    threads.append(payload)
        threads.sort(key=lambda t: 0 if int(t.flags) & ThreadFlags.CURRENT else 1)
        notes = [_prpsinfo(arch, int(reader.header.pid) & 0x7FFFFFFF, ident)]
        notes += _process_notes(reader, arch, result)
        for t in threads:
            notes += _thread_notes(arch, t, ident, result)
        result.threads = len(threads)
        if not threads:
            result.warnings.append("the capture has no Thread Context: the core has no registers")
        if ident is None:
            result.warnings.append("the capture has no Process Identity: NT_PRPSINFO holds only the PID")
        note_data = b"".join(notes)
        _write(shown, overwrite, arch, runs, note_data, reader, result, progress, total)
    return result


def _write(out: str, force: bool, arch: _Arch, runs: list[_Run], note_data: bytes, reader: MslReader,
           result: ExportResult, progress: Callable[[int], None] | None, total: Callable[[int], None] | None) -> None:
    cls = ELF_CLASSES[arch.bits]
    ehsize, phentsize, shentsize = cls.ehsize, cls.phentsize, cls.shentsize
    phnum = 1 + len(runs)
    xnum = phnum >= PN_XNUM
    phoff = ehsize
    notes_off = phoff + phnum * phentsize
    shoff = notes_off + len(note_data) if xnum else 0
    data_off = -(-(notes_off + len(note_data) + (shentsize if xnum else 0)) // DATA_ALIGN) * DATA_ALIGN
    cursor = data_off
    for run in runs:
        run.offset = cursor
        cursor += run.length
    if total is not None:
        total(cursor - data_off)
    ehdr = cls.ident("<") + cls.pack_ehdr("<", ET_CORE, arch.machine, EV_CURRENT, 0, phoff, shoff, 0, ehsize,
                                           phentsize, PN_XNUM if xnum else phnum, shentsize if xnum else 0,
                                           1 if xnum else 0, 0)
    phdr = [cls.pack_phdr("<", PT_NOTE, 0, notes_off, 0, 0, len(note_data), 0, 4)]
    phdr += [cls.pack_phdr("<", PT_LOAD, r.flags, r.offset, r.address, 0, r.length, r.length, 1) for r in runs]
    shdr = cls.pack_shdr("<", 0, 0, 0, 0, 0, 0, 0, phnum, 0, 0)
    check_size(out, cursor)
    core = AtomicFile(out, force=force)
    fd = core.fd
    assert fd is not None
    try:
        head = ehdr + b"".join(phdr) + note_data + (shdr if xnum else b"")
        _pwrite(fd, head, 0)
        core.truncate(cursor)
        by_block: dict[int, list[tuple[_Run, int, int, int, bool]]] = {}
        for run in runs:
            at = run.offset
            for index, data_offset, length, zero in run.parts:
                by_block.setdefault(index, []).append((run, at, data_offset, length, zero))
                at += length
        for index in sorted(by_block):
            record = reader.blocks[index]
            payload = reader.decode(record).payload
            data = memoryview(payload.page_data)
            for _run, at, data_offset, length, zero in by_block[index]:
                if not zero:  # zero (NotResident) pages stay the zero-filled hole made by ftruncate
                    _pwrite(fd, data[data_offset:data_offset + length], at)
                result.memory_bytes += length
                if progress is not None:
                    progress(length)
            del data, payload
    except OSError as exc:
        core.discard()
        raise write_error(exc, out, size=cursor) from exc
    except BaseException:
        core.discard()
        raise
    core.commit()
    result.segments = len(runs)


def _pwrite(fd: int, data: bytes | memoryview, offset: int) -> None:
    view = memoryview(data)
    while view:
        n = os.pwrite(fd, view, offset)
        if n <= 0:
            raise OSError(errno.EIO, f"short write at offset {offset}")
        view = view[n:]
        offset += n
