"""ELF core dumps (Linux kernel cores and gdb ``gcore`` files; x86_64, aarch64, i386).

What the format gives and how it maps:

- ``PT_LOAD`` segments -> Memory Regions. Pages wholly inside the first ``p_filesz``
  bytes (and inside the file) are Captured. Pages of ``p_memsz`` beyond ``p_filesz`` are
  mapped in the process but their bytes are not in the core (the dumper left them out, or
  the core is truncated): they are written as **Failed**. Not NotResident (``11``):
  spec 1.1 defines that as "content known to be zero", which these pages are not; not
  Unmapped (``10``): that means "gone at read time", and these pages were mapped.
  Failed ("mapped, content not available") is the state that says exactly that.
- ``NT_PRSTATUS`` (+ ``NT_FPREGSET``, ``NT_X86_XSTATE`` AVX halves, ``NT_ARM_TLS``) ->
  one Thread Context per thread; the first thread is Current (the kernel writes the
  dumping thread first), every thread Suspended (a core is written from stopped threads).
- ``NT_FILE`` -> Module List Index and Module Entries (one per file instance: a mapping
  at file offset 0 starts a new instance), and the names of the VAS Map entries.
- ``NT_PRPSINFO`` -> Process Identity (PPID, session id, command line as ``pr_psargs``
  holds it) and the header PID; the executable path is the ``NT_FILE`` mapping that holds
  ``AT_ENTRY`` from ``NT_AUXV``. Page size: ``AT_PAGESZ``, else ``NT_FILE``'s page size.

Untrusted sizes are checked against the file size and fixed limits before any read.
"""

from __future__ import annotations

import bisect
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from memslice.acquirer.core.elf import (
    AT_ENTRY,
    AT_NULL,
    AT_PAGESZ,
    EI_NIDENT,
    ELF_CLASSES,
    ELF_MAGIC,
    ELFOSABI_FREEBSD,
    ET_CORE,
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
    AARCH64_FPSIMD_SIZE,
    AARCH64_PRSTATUS,
    FXSAVE_SIZE,
    I386_PRSTATUS,
    PRSTATUS_CURSIG_OFFSET,
    PRSTATUS_PID_OFFSET,
    PRSTATUS_REG_OFFSET,
    SP,
    TLS,
    X86_64_PRSTATUS,
    aarch64_fpsimd_registers,
    fxsave_registers,
    words,
    xstate_registers,
)
from memslice.acquirer.importers.emit import vas_entry_encoder
from memslice.acquirer.importers.errors import SourceError
from memslice.acquirer.importers.plan import (
    EncodedVas,
    IdentityPlan,
    ImportPlan,
    Lazy,
    ModulePlan,
    Piece,
    RegionPlan,
    RegisterValue,
    ThreadPlan,
    VasPlan,
    page_log2_for,
)
from memslice.acquirer.importers.registry import Importer, PlanOptions
from memslice.acquirer.importers.source import SourceFile
from memslice.acquirer.source import has_pc_and_sp
from memslice.generated.enums import ArchType, OsType, Protection, RegionType, SourceFormat, ThreadFlags
from memslice.generated.framing import PAGE_SIZE_LOG2_MAX as LOG2_MAX
from memslice.generated.framing import PAGE_SIZE_LOG2_MIN as LOG2_MIN

MAX_SEGMENTS = 1 << 20
"""Largest program-header (and NT_FILE mapping) count accepted; Linux's default map limit
is 65530 and large servers raise it to 262144."""
NOTE_SEGMENT_LIMIT = 256 << 20
"""Largest PT_NOTE segment read, and most PT_NOTE bytes read from one core in total."""
DEFAULT_PAGE_LOG2 = 12

_MACHINES: dict[int, tuple[int, int]] = {
    # e_machine: (ArchType for ELFCLASS32, ArchType for ELFCLASS64)
    3: (ArchType.X86, ArchType.UNKNOWN), 62: (ArchType.UNKNOWN, ArchType.X86_64),
    183: (ArchType.UNKNOWN, ArchType.ARM64), 40: (ArchType.ARM32, ArchType.UNKNOWN),
    8: (ArchType.MIPS32, ArchType.MIPS64), 243: (ArchType.RISCV32, ArchType.RISCV64),
    20: (ArchType.PPC32, ArchType.UNKNOWN), 21: (ArchType.UNKNOWN, ArchType.PPC64),
    22: (ArchType.UNKNOWN, ArchType.S390X), 258: (ArchType.UNKNOWN, ArchType.LOONGARCH64),
}


@dataclass(slots=True)
class _Elf:
    bits: int
    endian: str
    osabi: int
    machine: int
    phoff: int
    phnum: int


@dataclass(slots=True)
class _Segment:
    index: int
    type: int
    flags: int
    offset: int
    vaddr: int
    filesz: int
    memsz: int
    header_at: int


@dataclass(slots=True)
class _Note:
    name: bytes
    type: int
    desc: bytes
    offset: int


@dataclass(slots=True)
class _Thread:
    prstatus: _Note
    extra: dict[tuple[bytes, int], _Note] = field(default_factory=dict)


@dataclass(slots=True)
class _FileMap:
    start: int
    end: int
    page_offset: int
    path: str


def _header(source: SourceFile) -> _Elf:
    ident = source.read(0, 16, "ELF identification")
    if ident[:4] != ELF_MAGIC:
        raise SourceError(f"not an ELF file: magic is {ident[:4]!r}", offset=0)
    if ident[4] not in (1, 2):
        raise SourceError(f"EI_CLASS {ident[4]} is neither ELFCLASS32 (1) nor ELFCLASS64 (2)", offset=4)
    if ident[5] not in (1, 2):
        raise SourceError(f"EI_DATA {ident[5]} is neither little- (1) nor big-endian (2)", offset=5)
    bits = 64 if ident[4] == 2 else 32
    e = "<" if ident[5] == 1 else ">"
    cls = ELF_CLASSES[bits]
    rest = cls.unpack_ehdr(e, source.read(EI_NIDENT, cls.ehsize - EI_NIDENT, "ELF header"))
    e_type, machine, _ver, _entry, phoff, shoff, _flags, _ehsize, phentsize, phnum, shentsize, _shnum, _ = rest
    if e_type != ET_CORE:
        raise SourceError(f"ELF e_type is {e_type}, not ET_CORE (4): not a core dump", offset=16)
    want = cls.phentsize
    if phentsize != want:
        raise SourceError(f"e_phentsize is {phentsize}, not {want}", offset=cls.phentsize_at)
    if phnum == PN_XNUM:
        # more than 65534 segments: the real count is sh_info of section header 0
        if shoff == 0 or shentsize != cls.shentsize:
            raise SourceError("e_phnum is PN_XNUM but there is no section header 0 holding the count")
        at = shoff + cls.sh_info_at
        (phnum,) = struct.unpack(e + "I", source.read(at, 4, "section header 0 sh_info"))
    if phnum > MAX_SEGMENTS:
        raise SourceError(f"{phnum} program headers exceed the limit of {MAX_SEGMENTS}")
    source.require(phoff, phnum * phentsize, "program header table")
    return _Elf(bits, e, ident[7], machine, phoff, phnum)


def _phdrs(source: SourceFile, elf: _Elf, want: int) -> Iterator[_Segment]:
    """The program headers of type ``want``, in table order, read a bounded chunk at a time."""
    cls = ELF_CLASSES[elf.bits]
    size = cls.phentsize
    fmt = elf.endian + cls.phdr
    step = 1 << 14
    for first in range(0, elf.phnum, step):
        count = min(step, elf.phnum - first)
        table = source.read(elf.phoff + first * size, count * size, "program headers")
        for i, row in enumerate(struct.iter_unpack(fmt, table)):
            if row[0] != want:
                continue
            _t, p_flags, off, vaddr, _pa, filesz, memsz, _al = cls.normalize_phdr(row)
            yield _Segment(first + i, want, p_flags, off, vaddr, filesz, memsz, elf.phoff + (first + i) * size)


def _notes(source: SourceFile, elf: _Elf, seg: _Segment) -> list[_Note]:
    if seg.filesz > NOTE_SEGMENT_LIMIT:
        raise SourceError(f"PT_NOTE #{seg.index} of {seg.filesz} bytes exceeds the {NOTE_SEGMENT_LIMIT}-byte limit",
                          offset=seg.offset)
    data = source.read(seg.offset, seg.filesz, f"PT_NOTE #{seg.index}", limit=NOTE_SEGMENT_LIMIT)
    notes: list[_Note] = []
    pos = 0
    while len(data) - pos >= 12:
        namesz, descsz, ntype = struct.unpack_from(elf.endian + NHDR, data, pos)
        name_at = pos + 12
        desc_at = name_at + ((namesz + 3) & ~3)
        if desc_at > len(data) or descsz > len(data) - desc_at:
            raise SourceError(f"note of type 0x{ntype:X} (name {namesz} bytes, desc {descsz} bytes) runs past "
                              f"the end of PT_NOTE #{seg.index}", offset=seg.offset + pos)
        name = data[name_at:name_at + namesz].rstrip(b"\0")
        notes.append(_Note(name, ntype, data[desc_at:desc_at + descsz], seg.offset + desc_at))
        pos = desc_at + ((descsz + 3) & ~3)
    if data[pos:].strip(b"\0"):
        raise SourceError(f"{len(data) - pos} trailing bytes in PT_NOTE #{seg.index} are not a note",
                          offset=seg.offset + pos)
    return notes


def _auxv(note: _Note | None, elf: _Elf) -> dict[int, int]:
    if note is None:
        return {}
    w = 8 if elf.bits == 64 else 4
    fmt = elf.endian + ("QQ" if w == 8 else "II")
    out: dict[int, int] = {}
    for pos in range(0, len(note.desc) - 2 * w + 1, 2 * w):
        key, value = struct.unpack_from(fmt, note.desc, pos)
        if key == AT_NULL:
            break
        out.setdefault(key, value)
    return out


def _file_maps(note: _Note | None, elf: _Elf) -> tuple[list[_FileMap], int]:
    """Decode NT_FILE: (mappings sorted by start, page size)."""
    if note is None:
        return [], 0
    desc = note.desc
    w = 8 if elf.bits == 64 else 4
    word = elf.endian + ("Q" if w == 8 else "I")
    if len(desc) < 2 * w:
        raise SourceError("NT_FILE note is shorter than its count and page size", offset=note.offset)
    count = struct.unpack_from(word, desc, 0)[0]
    page_size = struct.unpack_from(word, desc, w)[0]
    if count > MAX_SEGMENTS:
        raise SourceError(f"NT_FILE declares {count} mappings, more than the limit of {MAX_SEGMENTS}",
                          offset=note.offset)
    if count > (len(desc) - 2 * w) // (3 * w):
        raise SourceError(f"NT_FILE declares {count} mappings but its {len(desc)} bytes cannot hold them",
                          offset=note.offset)
    triples = struct.unpack_from(elf.endian + ("Q" if w == 8 else "I") * (3 * count), desc, 2 * w)
    names = desc[2 * w + 3 * w * count:].split(b"\0")
    if len(names) < count + 1 and count:
        raise SourceError(f"NT_FILE declares {count} mappings but holds {len(names) - 1} file names",
                          offset=note.offset)
    maps = [_FileMap(triples[3 * i], triples[3 * i + 1], triples[3 * i + 2],
                     names[i].decode("utf-8", "surrogateescape")) for i in range(count)]
    for m in maps:
        if m.end < m.start:
            raise SourceError(f"NT_FILE mapping of {m.path!r} ends (0x{m.end:X}) before it starts (0x{m.start:X})",
                              offset=note.offset)
    maps.sort(key=lambda m: m.start)
    return maps, page_size


def _modules(maps: list[_FileMap]) -> list[ModulePlan]:
    """One module per file instance: a mapping at file offset 0 starts a new one."""
    modules: list[ModulePlan] = []
    latest: dict[str, ModulePlan] = {}
    for m in maps:
        mod = latest.get(m.path)
        if mod is None or m.page_offset == 0:
            mod = ModulePlan(base=m.start, size=m.end - m.start, path=m.path)
            modules.append(mod)
            latest[m.path] = mod
        else:
            mod.size = max(mod.size, m.end - mod.base)
    return modules


def _file_at(maps: list[_FileMap], starts: list[int], start: int, end: int) -> _FileMap | None:
    """The NT_FILE mapping that overlaps [start, end), if any."""
    i = bisect.bisect_right(starts, start) - 1
    for j in (i, i + 1):
        if 0 <= j < len(maps) and maps[j].start < end and start < maps[j].end:
            return maps[j]
    return None


def _any_in(sorted_values: list[int], start: int, end: int) -> bool:
    """True when a value of the sorted list lies in [start, end)."""
    i = bisect.bisect_left(sorted_values, start)
    return i < len(sorted_values) and sorted_values[i] < end


def _protection(p_flags: int) -> int:
    prot = 0
    if p_flags & PF_R:
        prot |= Protection.READ
    if p_flags & PF_W:
        prot |= Protection.WRITE
    if p_flags & PF_X:
        prot |= Protection.EXECUTE
    return int(prot)


def _cstr(raw: bytes) -> str:
    return raw.split(b"\0", 1)[0].decode("utf-8", "surrogateescape")


def _identity(note: _Note, elf: _Elf, plan: ImportPlan) -> tuple[int, IdentityPlan]:
    """Decode NT_PRPSINFO: (pid, identity)."""
    d = note.desc
    e = elf.endian
    if elf.bits == 64 and len(d) >= 136:
        pid, ppid, _pgrp, sid = struct.unpack_from(e + "iiii", d, 24)
        fname, psargs = d[40:56], d[56:136]
    elif elf.bits == 32 and len(d) >= 124:
        # i386/arm: 16-bit uid/gid (124 bytes); other 32-bit ABIs: 32-bit uid/gid (128 bytes)
        base = 12 if len(d) < 128 else 16
        pid, ppid, _pgrp, sid = struct.unpack_from(e + "iiii", d, base)
        fname, psargs = d[base + 16:base + 32], d[base + 32:base + 112]
    else:
        raise SourceError(f"NT_PRPSINFO of {len(d)} bytes is too short for the {elf.bits}-bit layout",
                          offset=note.offset)
    args = _cstr(psargs)
    plan.facts.append(f"NT_PRPSINFO: pr_fname '{_cstr(fname)}'; command line from pr_psargs, which holds at "
                      "most 79 bytes with arguments joined by spaces"
                      + (" (it is full here: the command line may be longer)"
                         if len(psargs.split(b"\0", 1)[0]) >= 79 else ""))
    return max(pid, 0), IdentityPlan(ppid=max(ppid, 0), session_id=max(sid, 0), exe_path="",
                                     cmd_line=args)


def _thread(t: _Thread, elf: _Elf, arch: int, first: bool, plan: ImportPlan) -> ThreadPlan | None:
    d = t.prstatus.desc
    reg_off = PRSTATUS_REG_OFFSET[elf.bits]
    if len(d) < PRSTATUS_PID_OFFSET[elf.bits] + 4:
        raise SourceError(f"NT_PRSTATUS of {len(d)} bytes is too short", offset=t.prstatus.offset)
    (tid,) = struct.unpack_from(elf.endian + "i", d, PRSTATUS_PID_OFFSET[elf.bits])
    (cursig,) = struct.unpack_from(elf.endian + "h", d, PRSTATUS_CURSIG_OFFSET)
    if cursig:
        plan.facts.append(f"thread {tid}: NT_PRSTATUS pr_cursig {cursig}")
    regs: list[RegisterValue]
    complete = True
    if arch == ArchType.X86_64:
        layout, width = X86_64_PRSTATUS, 8
    elif arch == ArchType.ARM64:
        layout, width = AARCH64_PRSTATUS, 8
    elif arch == ArchType.X86:
        layout, width = I386_PRSTATUS, 4
    else:
        return None
    if len(d) < reg_off + len(layout) * width:
        raise SourceError(f"NT_PRSTATUS of {len(d)} bytes is too short for the {len(layout)} registers of this "
                          "architecture", offset=t.prstatus.offset)
    regs = words(d, reg_off, layout, width)
    if arch == ArchType.X86_64:
        fp = t.extra.get((b"CORE", NT_FPREGSET))
        if fp is not None and len(fp.desc) >= FXSAVE_SIZE:
            regs += fxsave_registers(fp.desc)
        else:
            complete = False
        xs = t.extra.get((b"LINUX", NT_X86_XSTATE))
        if xs is not None:
            extended, short = xstate_registers(xs.desc)
            regs += extended
            if short:
                plan.facts.append(f"thread {tid}: NT_X86_XSTATE too short for {', '.join(short)}")
    elif arch == ArchType.ARM64:
        fp = t.extra.get((b"CORE", NT_FPREGSET))
        if fp is not None and len(fp.desc) >= AARCH64_FPSIMD_SIZE:
            regs += aarch64_fpsimd_registers(fp.desc)
        else:
            complete = False
        tls = t.extra.get((b"LINUX", NT_ARM_TLS))
        if tls is not None and len(tls.desc) >= 8:
            regs.append(RegisterValue("tpidr_el0", tls.desc[:8], TLS))
    else:
        complete = False
    if not has_pc_and_sp(regs):  # pragma: no cover - every layout above names both
        return None
    flags = ThreadFlags.SUSPENDED | (ThreadFlags.CURRENT if first else 0) | (0 if complete else ThreadFlags.PARTIAL)
    return ThreadPlan(thread_id=max(tid, 0), flags=int(flags), registers=regs)


def plan_elf_core(source: SourceFile, *, preferred_page_log2: int | None = None,
                  accept_loss: bool = False) -> ImportPlan:
    """Plan the import of an ELF core dump.

    The program headers are read again for every pass over the memory (checking, regions,
    VAS Map), so memory does not grow with their number.

    Args:
        source: The open source.
        preferred_page_log2: Page size exponent to use instead of the core's own.
        accept_loss: Import a truncated core (segments whose stored bytes run past the end
            of the file) with those pages Failed, instead of refusing it.

    Returns:
        The plan.

    Raises:
        SourceError: The file is not an ELF core or is malformed.
    """
    elf = _header(source)
    notes = _collect_notes(source, elf)
    arch = _MACHINES.get(elf.machine, (ArchType.UNKNOWN, ArchType.UNKNOWN))[elf.bits == 64]
    names = {n.name for n in notes}
    if elf.osabi == ELFOSABI_FREEBSD or b"FreeBSD" in names:
        os_type = OsType.FREEBSD
    elif elf.osabi in (0, 3) and names & {b"CORE", b"LINUX"}:
        os_type = OsType.LINUX
    else:
        os_type = OsType.UNKNOWN
    plan = ImportPlan(source_format=SourceFormat.ELF_CORE, source_label="elf-core", os_type=os_type,
                      arch_type=arch)
    plan.missing = ["time of the dump", "process start time", "thread names", "thread scheduler states",
                    "module versions", "module on-disk hashes",
                    "memory protection beyond read/write/execute (private/shared, guard)",
                    "mappings the dumper left out entirely (no program header)"]
    if arch == ArchType.UNKNOWN:
        plan.missing.append(f"architecture (e_machine {elf.machine} is not known)")
    mtime = datetime.fromtimestamp(source.mtime_ns / 1e9, UTC)
    plan.facts.append(f"source file modification time {mtime:%Y-%m-%dT%H:%M:%SZ} (a property of the file, not of "
                      "the dump)")

    prpsinfo, auxv_note, file_note, threads = _sort_notes(notes, plan)
    auxv = _auxv(auxv_note, elf)
    maps, file_page = _file_maps(file_note, elf)
    starts = [m.start for m in maps]
    page_log2 = _page_log2(preferred_page_log2, auxv.get(AT_PAGESZ) or file_page, plan)
    _plan_identity(prpsinfo, elf, auxv, maps, starts, plan)
    _plan_threads(threads, elf, arch, os_type, plan)
    sps = sorted(int.from_bytes(r.value, "little") for t in plan.threads for r in t.registers if r.roles & SP)
    # modules
    if file_note is not None:
        plan.modules = _modules(maps)
        plan.facts.append("modules: every file instance NT_FILE lists (libraries, the executable and mapped "
                          "data files), from its first mapping to the end of its last")
    else:
        plan.missing.append("modules and mapping names (no NT_FILE)")

    _plan_memory(source, elf, page_log2, maps, starts, sps, accept_loss, file_note is not None, plan)
    return plan


def _collect_notes(source: SourceFile, elf: _Elf) -> list[_Note]:
    """Every note of every PT_NOTE segment (bounded by NOTE_SEGMENT_LIMIT)."""
    notes: list[_Note] = []
    note_bytes = 0
    for seg in _phdrs(source, elf, PT_NOTE):
        note_bytes += seg.filesz
        if note_bytes > NOTE_SEGMENT_LIMIT:
            raise SourceError(f"PT_NOTE #{seg.index} (program header at offset 0x{seg.header_at:X}) brings the "
                              f"notes to {note_bytes} bytes, over the {NOTE_SEGMENT_LIMIT}-byte limit",
                              offset=seg.header_at)
        notes += _notes(source, elf, seg)
    return notes


def _sort_notes(notes: list[_Note], plan: ImportPlan) -> tuple[_Note | None, _Note | None, _Note | None,
                                                                  list[_Thread]]:
    """(NT_PRPSINFO, NT_AUXV, NT_FILE, threads with their register notes)."""
    prpsinfo = auxv_note = file_note = None
    threads: list[_Thread] = []
    orphans = 0
    for n in notes:
        key = (n.name, n.type)
        if key == (b"CORE", NT_PRSTATUS):
            threads.append(_Thread(n))
        elif key == (b"CORE", NT_PRPSINFO):
            prpsinfo = prpsinfo or n
        elif key == (b"CORE", NT_AUXV):
            auxv_note = auxv_note or n
        elif key == (b"CORE", NT_FILE):
            file_note = file_note or n
        elif key in ((b"CORE", NT_FPREGSET), (b"LINUX", NT_X86_XSTATE), (b"LINUX", NT_ARM_TLS)):
            if threads:
                threads[-1].extra.setdefault(key, n)
            else:
                orphans += 1
    if orphans:
        plan.facts.append(f"{orphans} per-thread register notes precede every NT_PRSTATUS and were ignored")
    return prpsinfo, auxv_note, file_note, threads


def _page_log2(preferred_page_log2: int | None, page_size: int | None, plan: ImportPlan) -> int:
    """The page size exponent: the user's, else the core's own, else 4096."""
    page_log2 = preferred_page_log2
    if page_log2 is None:
        if page_size and page_size & (page_size - 1) == 0 and 1 << LOG2_MIN <= page_size <= 1 << LOG2_MAX:
            page_log2 = page_size.bit_length() - 1
        else:
            page_log2 = DEFAULT_PAGE_LOG2
            plan.facts.append("the core records no page size (no AT_PAGESZ, no NT_FILE): 4096 assumed")

    return page_log2


def _plan_identity(prpsinfo: _Note | None, elf: _Elf, auxv: dict[int, int], maps: list[_FileMap],
                   starts: list[int], plan: ImportPlan) -> None:
    """Process Identity and header PID (NT_PRPSINFO), executable path (AT_ENTRY in NT_FILE)."""
    if prpsinfo is not None:
        plan.pid, plan.identity = _identity(prpsinfo, elf, plan)
    else:
        plan.missing += ["process identity (no NT_PRPSINFO)", "process id"]
    if plan.identity is not None:
        entry = auxv.get(AT_ENTRY)
        owner = _file_at(maps, starts, entry, entry + 1) if entry else None
        if owner is not None:
            plan.identity.exe_path = owner.path
            plan.facts.append("executable path: the NT_FILE mapping that holds AT_ENTRY")
        else:
            plan.missing.append("executable path (needs NT_AUXV AT_ENTRY inside an NT_FILE mapping)")



def _plan_threads(threads: list[_Thread], elf: _Elf, arch: ArchType, os_type: OsType, plan: ImportPlan) -> None:
    """Thread Contexts of the NT_PRSTATUS notes (Linux x86_64, arm64, i386 little-endian)."""
    if os_type == OsType.LINUX and elf.endian == "<" and arch in (ArchType.X86_64, ArchType.ARM64, ArchType.X86):
        for i, t in enumerate(threads):
            plan_thread = _thread(t, elf, arch, i == 0, plan)
            if plan_thread is not None:
                plan.threads.append(plan_thread)
        if arch == ArchType.X86:
            plan.facts.append("i386 floating-point state is not imported")
        elif any(t.flags & ThreadFlags.PARTIAL for t in plan.threads):
            plan.facts.append("threads flagged Partial have no NT_FPREGSET in the core")
        if arch == ArchType.X86_64:
            plan.facts.append("x86_64 registers: NT_PRSTATUS, NT_FPREGSET (x87/SSE) and NT_X86_XSTATE (xcr0 and "
                              "every component it enables: AVX, MPX, AVX-512, PKRU; a component in its initial "
                              "state is written as zeros, its architectural initial value)")
    elif threads:
        plan.missing.append(f"registers ({len(threads)} NT_PRSTATUS notes of e_machine {elf.machine}, "
                            f"{'big' if elf.endian == '>' else 'little'}-endian, are not decoded)")
    if not threads:
        plan.missing.append("threads (no NT_PRSTATUS)")


def _plan_memory(source: SourceFile, elf: _Elf, page_log2: int, maps: list[_FileMap], starts: list[int],
                 sps: list[int], accept_loss: bool, has_file_note: bool, plan: ImportPlan) -> None:
    """Regions and VAS entries: one checking pass now, produced again on demand."""
    memory = _Memory(source, elf, page_log2, maps, starts, sps, accept_loss)
    stats = memory.check()
    plan.regions = Lazy(memory.regions, stats.regions)
    plan.vas = stats.vas
    plan.captured_total = stats.captured
    for fact in stats.facts:
        plan.facts.append(fact)
    if stats.empty:
        plan.facts.append(f"{stats.empty} PT_LOAD segments with p_memsz 0 map nothing and were skipped")
    if stats.short:
        plan.facts.append(f"{stats.short} PT_LOAD segments store fewer bytes than they map (p_filesz < p_memsz: the "
                          f"dumper left those pages out); {stats.failed_bytes} bytes of mapped memory are Failed")
    if stats.truncated:
        plan.facts.append(f"{stats.truncated} PT_LOAD segments are cut by the end of the file (truncated core): "
                          f"{stats.lost_bytes} stored bytes are missing and their pages are Failed (accepted with "
                          "the accept-loss option)")
    if stats.unaligned:
        plan.facts.append(f"{stats.unaligned} PT_LOAD segments are not aligned to 1 KiB: their edge pages are Failed")
    if has_file_note and stats.maps_without_load:
        plan.facts.append(f"{stats.maps_without_load} NT_FILE mappings have no PT_LOAD at all (left out by the "
                          "dumper); they are known only through the module list")
    plan.facts.append("region types: MappedFile = overlaps an NT_FILE mapping; Stack = holds a thread's stack "
                      "pointer; Unknown otherwise; timestamps 0 = not recorded")


@dataclass(slots=True)
class _Stats:
    regions: int = 0
    captured: int = 0
    empty: int = 0
    short: int = 0
    failed_bytes: int = 0
    truncated: int = 0
    lost_bytes: int = 0
    unaligned: int = 0
    maps_without_load: int = 0
    facts: list[str] = field(default_factory=list)
    vas: EncodedVas = field(default_factory=EncodedVas)


def _where(index: int, header_at: int) -> str:
    """Names a program header in a message."""
    return f"PT_LOAD #{index} (program header at offset 0x{header_at:X})"


_Load = tuple[int, int, int, int, int, int, int, int, int, "_FileMap | None"]
"""One non-empty PT_LOAD as :meth:`_Memory.loads` yields it: (start, end, base, region end, page log2,
stored bytes available, file offset, protection, region type, the NT_FILE mapping overlapping it)."""


class _Memory:
    """The PT_LOAD segments as regions and VAS entries, streamed from the program header table.

    The table is read a bounded chunk at a time and unpacked row by row into plain tuples
    (:meth:`loads`): no object per segment on the checking pass, one
    :class:`~memslice.acquirer.importers.plan.RegionPlan` per segment when the regions are written.
    """

    def __init__(self, source: SourceFile, elf: _Elf, page_log2: int, maps: list[_FileMap], starts: list[int],
                 sps: list[int], accept_loss: bool) -> None:
        self.source, self.elf, self.page_log2 = source, elf, page_log2
        self.maps, self.starts, self.sps = maps, starts, sps
        self.accept_loss = accept_loss

    def check(self) -> _Stats:
        """Walk every segment once (every refusal happens here, before anything is written).

        The VAS Map entries are encoded on this pass (a few dozen bytes each), so the
        program headers are read once more only for the regions.
        """
        stats = _Stats()
        maps, starts = self.maps, self.starts
        hit = bytearray(len(maps))
        body = stats.vas.body
        count = captured = 0
        entry = vas_entry_encoder()
        for start, end, base, rend, log2, avail, _off, prot, rtype, fmap in self.loads(stats):
            path = fmap.path if fmap is not None and fmap.start <= start and end <= fmap.end else None
            body += entry(start, end - start, prot, rtype, path)
            count += 1
            if avail:  # the pages wholly inside the one stored piece [start, start + avail)
                first = -(-(start - base) >> log2)
                last = (start + avail - base) >> log2
                if last > first:
                    captured += (last - first) << log2
            if maps:
                j = max(0, bisect.bisect_right(starts, base) - 1)
                while j < len(maps) and maps[j].start < rend:
                    if base < maps[j].end:
                        hit[j] = 1
                    j += 1
        stats.vas.count = stats.regions = count
        stats.captured = captured
        stats.maps_without_load = hit.count(0)
        return stats

    def regions(self) -> Iterator[RegionPlan]:
        """The region of every non-empty PT_LOAD, in address order (checked again on the way)."""
        for start, _end, base, rend, log2, avail, off, prot, rtype, _fmap in self.loads(_Stats()):
            yield RegionPlan(base=base, size=rend - base, page_log2=log2, protection=prot, region_type=rtype,
                             pieces=[Piece(start, start + avail, off)] if avail else [])

    def walk(self, stats: _Stats | None = None) -> Iterator[tuple[RegionPlan, VasPlan]]:
        """(region, VAS entry) of every non-empty PT_LOAD, in address order.

        Raises:
            SourceError: As :meth:`loads`.
        """
        for start, end, base, rend, log2, avail, off, prot, rtype, fmap in self.loads(stats or _Stats()):
            inside = fmap is not None and fmap.start <= start and end <= fmap.end
            yield (RegionPlan(base=base, size=rend - base, page_log2=log2, protection=prot, region_type=rtype,
                              pieces=[Piece(start, start + avail, off)] if avail else []),
                   VasPlan(base=start, size=end - start, protection=prot, region_type=rtype,
                           path=fmap.path if inside else None))

    def loads(self, stats: _Stats) -> Iterator[_Load]:
        """Every non-empty PT_LOAD as a plain tuple (:data:`_Load`), in table order, counted into ``stats``.

        Raises:
            SourceError: A segment wraps the address space, is out of order or overlaps the
                previous one, or (without ``accept_loss``) runs past the end of the file.
        """
        elf, source = self.elf, self.source
        cls = ELF_CLASSES[elf.bits]
        entsize = cls.phentsize
        fmt = struct.Struct(elf.endian + cls.phdr)
        normalize = cls.normalize_phdr if elf.bits != 64 else None
        space = 1 << elf.bits
        name = source.path.name
        size = source.size
        maps, starts, sps = self.maps, self.starts, self.sps
        preferred = self.page_log2
        preferred_mask = (1 << preferred) - 1
        prots = [_protection(f) for f in range(8)]
        mapped_file, stack, unknown = int(RegionType.MAPPED_FILE), int(RegionType.STACK), int(RegionType.UNKNOWN)
        accept_loss = self.accept_loss
        prev_end = prev_start = -1
        step = 1 << 14
        for first in range(0, elf.phnum, step):
            n = min(step, elf.phnum - first)
            table = source.read(elf.phoff + first * entsize, n * entsize, "program headers")
            for i, row in enumerate(fmt.iter_unpack(table), first):
                if row[0] != PT_LOAD:
                    continue
                if normalize is not None:
                    row = normalize(row)
                _t, p_flags, off, start, _pa, filesz, memsz, _al = row
                if memsz == 0:
                    stats.empty += 1
                    continue
                end = start + memsz
                if end > space:
                    at = elf.phoff + i * entsize
                    raise SourceError(f"{_where(i, at)}: 0x{start:X} + 0x{memsz:X} wraps the {elf.bits}-bit address "
                                      f"space of {name}", offset=at)
                if start < prev_start:
                    at = elf.phoff + i * entsize
                    raise SourceError(f"{_where(i, at)}: p_vaddr 0x{start:X} is below the previous PT_LOAD's "
                                      f"0x{prev_start:X}; the ELF gABI requires PT_LOAD entries in ascending p_vaddr "
                                      "order", offset=at)
                if (start | end) & preferred_mask:
                    log2 = page_log2_for(start, end, preferred)
                    page_mask = (1 << log2) - 1
                    if start & page_mask or end & page_mask:
                        stats.unaligned += 1
                    base, rend = start & ~page_mask, (end + page_mask) & ~page_mask
                else:
                    log2, base, rend = preferred, start, end
                if base < prev_end:
                    at = elf.phoff + i * entsize
                    raise SourceError(f"{_where(i, at)} at 0x{start:X} overlaps the previous segment (ends "
                                      f"0x{prev_end:X})", offset=at)
                prev_end, prev_start = rend, start
                stored = min(filesz, memsz)
                avail = max(0, min(stored, size - off)) if off <= size else 0
                if avail < stored:
                    if not accept_loss:
                        at = elf.phoff + i * entsize
                        raise SourceError(f"{_where(i, at)}: {stored} stored bytes at file offset 0x{off:X} run past "
                                          f"the end of the {size}-byte file {name} (truncated or corrupt core); pass "
                                          "--accept-loss (accept_loss=True) to import it with those pages Failed",
                                          offset=at)
                    stats.truncated += 1
                    stats.lost_bytes += stored - avail
                if filesz < memsz:
                    stats.short += 1
                stats.failed_bytes += memsz - avail
                fmap = _file_at(maps, starts, start, end) if maps else None
                if fmap is not None:
                    rtype = mapped_file
                elif sps and _any_in(sps, start, end):
                    rtype = stack
                else:
                    rtype = unknown
                yield start, end, base, rend, log2, avail, off, prots[p_flags & 7], rtype, fmap


def is_elf(head: bytes) -> bool:
    """True when ``head`` starts like an ELF file."""
    return head[:4] == ELF_MAGIC


def _plan(source: SourceFile, options: PlanOptions) -> ImportPlan:
    return plan_elf_core(source, preferred_page_log2=options.page_log2, accept_loss=options.accept_loss)


IMPORTER = Importer(name="elf-core", plan=_plan, sniff=is_elf, takes_page_size=True, order=10)
"""ELF core files (``ET_CORE``)."""
