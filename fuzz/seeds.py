"""Seed inputs for each fuzz target, from the corpus and from hand-packed structures.

Seeds for ``msl`` are the conformance corpus's small files and the minidump fixtures are
the ``minidump`` seeds. ELF cores are packed here with :mod:`struct` from the System V ABI
and the Linux core-file layout (``ET_CORE``, ``PT_NOTE`` with ``NT_PRSTATUS`` /
``NT_PRPSINFO`` / ``NT_FILE``, ``PT_LOAD`` segments), so the ELF seeds do not depend on the
code they exercise.
"""

from __future__ import annotations

import shutil
import struct
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CASES = REPO / "conformance" / "cases"
MINIDUMPS = REPO / "tests" / "fixtures" / "minidump"

MAX_SEED_BYTES = 128 * 1024
"""Largest seed copied from the corpus (the engine's ``-max_len`` is set from the seeds)."""

# System V ABI / Linux core-file constants (elf.h), not Memory Slice format facts.
_ET_CORE, _EM_X86_64, _PT_LOAD, _PT_NOTE = 4, 62, 1, 4
_NT_PRSTATUS, _NT_PRPSINFO, _NT_FILE = 1, 3, 0x46494C45
_PF_X, _PF_W, _PF_R = 1, 2, 4
_PRSTATUS_SIZE, _PRPSINFO_SIZE = 336, 136
_PAGE = 4096


def _note(name: bytes, note_type: int, desc: bytes) -> bytes:
    name_z = name + b"\0"
    pad = lambda b: b + b"\0" * (-len(b) % 4)  # noqa: E731 - two uses, both here
    return struct.pack("<III", len(name_z), len(desc), note_type) + pad(name_z) + pad(desc)


def _prstatus(pid: int, rip: int) -> bytes:
    desc = bytearray(_PRSTATUS_SIZE)
    struct.pack_into("<i", desc, 32, pid)           # pr_pid
    struct.pack_into("<i", desc, 36, 1)             # pr_ppid
    struct.pack_into("<Q", desc, 112 + 16 * 8, rip)  # pr_reg.rip (user_regs_struct slot 16)
    return bytes(desc)


def _prpsinfo(pid: int, name: bytes, args: bytes) -> bytes:
    desc = bytearray(_PRPSINFO_SIZE)
    struct.pack_into("<i", desc, 24, pid)  # pr_pid
    desc[40:56] = name[:16].ljust(16, b"\0")
    desc[56:136] = args[:80].ljust(80, b"\0")
    return bytes(desc)


def _nt_file(entries: list[tuple[int, int, int, bytes]]) -> bytes:
    head = struct.pack("<QQ", len(entries), _PAGE)
    ranges = b"".join(struct.pack("<QQQ", start, end, offset) for start, end, offset, _ in entries)
    names = b"".join(name + b"\0" for *_, name in entries)
    return head + ranges + names


def elf_core(loads: list[tuple[int, int, int, int]], *, threads: int = 1) -> bytes:
    """Pack a little-endian x86-64 core file.

    Args:
        loads: ``(vaddr, filesz, memsz, flags)`` per ``PT_LOAD``; the file bytes of each
            segment are a recognisable pattern.
        threads: Number of ``NT_PRSTATUS`` notes.
    """
    notes = b"".join(_note(b"CORE", _NT_PRSTATUS, _prstatus(1000 + i, 0x401000 + i)) for i in range(threads))
    notes += _note(b"CORE", _NT_PRPSINFO, _prpsinfo(1000, b"target", b"target --seed"))
    notes += _note(b"CORE", _NT_FILE, _nt_file([(v, v + m, 0, b"/usr/bin/target") for v, _, m, _ in loads[:1]]))
    phnum = 1 + len(loads)
    data_off = 64 + 56 * phnum
    note_off = data_off
    seg_off = (note_off + len(notes) + _PAGE - 1) // _PAGE * _PAGE
    header = b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8)
    header += struct.pack("<HHIQQQIHHHHHH", _ET_CORE, _EM_X86_64, 1, 0, 64, 0, 0, 64, 56, phnum, 0, 0, 0)
    phdrs = struct.pack("<IIQQQQQQ", _PT_NOTE, 0, note_off, 0, 0, len(notes), 0, 4)
    body = bytearray()
    offset = seg_off
    for vaddr, filesz, memsz, flags in loads:
        phdrs += struct.pack("<IIQQQQQQ", _PT_LOAD, flags, offset, vaddr, 0, filesz, memsz, _PAGE)
        body += bytes((vaddr >> 12) + i & 0xFF for i in range(filesz))
        offset += filesz
    image = bytearray(header + phdrs)
    image += notes
    image += bytes(seg_off - len(image))
    image += body
    return bytes(image)


def elf_seeds() -> dict[str, bytes]:
    """A handful of small, well-formed ELF cores covering the importer's main paths."""
    rw, rx = _PF_R | _PF_W, _PF_R | _PF_X
    return {
        "one-load.core": elf_core([(0x400000, _PAGE, _PAGE, rx)]),
        "two-loads.core": elf_core([(0x400000, _PAGE, _PAGE, rx), (0x7F0000000000, 2 * _PAGE, 2 * _PAGE, rw)]),
        "memsz-gt-filesz.core": elf_core([(0x600000, _PAGE, 4 * _PAGE, rw)]),
        "no-file-bytes.core": elf_core([(0x400000, 0, 2 * _PAGE, _PF_R), (0x500000, _PAGE, _PAGE, rw)]),
        "threads.core": elf_core([(0x400000, _PAGE, _PAGE, rx)], threads=3),
    }


def write_seeds(target: str, directory: Path) -> int:
    """Fill ``directory`` with the seeds of ``target``; return how many were written."""
    directory.mkdir(parents=True, exist_ok=True)
    count = 0
    if target == "msl":
        for path in sorted(CASES.rglob("*.msl")):
            if path.stat().st_size <= MAX_SEED_BYTES:
                name = "-".join(path.relative_to(CASES).parts)
                shutil.copyfile(path, directory / name)
                count += 1
    elif target == "elf-core":
        for name, data in elf_seeds().items():
            (directory / name).write_bytes(data)
            count += 1
    elif target == "minidump":
        for path in sorted(MINIDUMPS.glob("*.dmp")):
            if path.stat().st_size <= MAX_SEED_BYTES:
                shutil.copyfile(path, directory / path.name)
                count += 1
    elif target.startswith("canary-"):
        (directory / "seed").write_bytes(b"seed")
        count = 1
    else:
        raise ValueError(f"unknown fuzz target {target!r}")
    return count
