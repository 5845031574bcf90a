"""Builders of hostile and very large import sources (ELF cores, minidumps), written to disk
a chunk at a time so that building a million-segment file costs little memory.

The layouts are packed here by hand from the ELF gABI (Elf64_Ehdr, Elf64_Phdr, Elf64_Shdr)
and the Microsoft minidump documentation (MINIDUMP_HEADER, MINIDUMP_DIRECTORY,
MINIDUMP_MEMORY64_LIST, MINIDUMP_MEMORY_LIST), independently of the importers under test.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from pathlib import Path

PT_LOAD = 1
PN_XNUM = 0xFFFF
EHDR = 64
PHDR = 56
SHDR = 64


def write_core(path: Path, loads: Iterable[tuple[int, int, int, int]], count: int, *, data: bytes = b"",
               machine: int = 62) -> None:
    """An ELFCLASS64 little-endian ET_CORE with ``count`` PT_LOAD headers and no notes.

    Args:
        path: File to write.
        loads: (p_vaddr, p_offset, p_filesz, p_memsz) of each PT_LOAD; ``p_offset`` -1 means
            "the start of ``data``".
        count: How many ``loads`` yields.
        data: Bytes appended after the program headers (page aligned).
        machine: e_machine.
    """
    xnum = count >= PN_XNUM
    phoff = EHDR + (SHDR if xnum else 0)
    data_off = -(-(phoff + count * PHDR) // 4096) * 4096
    ehdr = b"\x7fELF\x02\x01\x01\x00" + bytes(8) + struct.pack(
        "<HHIQQQIHHHHHH", 4, machine, 1, 0, phoff, EHDR if xnum else 0, 0, EHDR, PHDR,
        PN_XNUM if xnum else count, SHDR if xnum else 0, 1 if xnum else 0, 0)
    with open(path, "wb") as f:
        f.write(ehdr)
        if xnum:  # section header 0: sh_info holds the real program header count
            f.write(struct.pack("<IIQQQQIIQQ", 0, 0, 0, 0, 0, 0, 0, count, 0, 0))
        chunk = bytearray()
        for vaddr, offset, filesz, memsz in loads:
            chunk += struct.pack("<IIQQQQQQ", PT_LOAD, 6, data_off if offset == -1 else offset, vaddr, 0, filesz,
                                 memsz, 4096)
            if len(chunk) >= 1 << 20:
                f.write(chunk)
                chunk.clear()
        f.write(chunk)
        f.write(bytes(data_off - f.tell()))
        f.write(data)


def write_minidump(path: Path, ranges: Iterable[tuple[int, int]], count: int, *, data: bytes = b"",
                   memory_list: list[tuple[int, int, int]] | None = None) -> None:
    """A minidump whose Memory64List holds ``count`` ranges (start, size) stored back to back
    from BaseRva; ``data`` is the stored bytes (their total size). ``memory_list`` adds a
    MemoryList stream of (start, size, rva) descriptors.
    """
    streams = 2 if memory_list is not None else 1
    dir_rva = 32
    m64_rva = dir_rva + 12 * streams
    m64_size = 16 + 16 * count
    ml_rva = m64_rva + m64_size
    ml_size = 4 + 16 * len(memory_list or [])
    base_rva = ml_rva + (ml_size if memory_list is not None else 0)
    with open(path, "wb") as f:
        f.write(struct.pack("<IIIIIIQ", 0x504D444D, 0xA793, streams, dir_rva, 0, 0, 0))
        f.write(struct.pack("<III", 9, m64_size, m64_rva))
        if memory_list is not None:
            f.write(struct.pack("<III", 5, ml_size, ml_rva))
        f.write(struct.pack("<QQ", count, base_rva))
        chunk = bytearray()
        for start, size in ranges:
            chunk += struct.pack("<QQ", start, size)
            if len(chunk) >= 1 << 20:
                f.write(chunk)
                chunk.clear()
        f.write(chunk)
        if memory_list is not None:
            f.write(struct.pack("<I", len(memory_list)))
            for start, size, rva in memory_list:
                f.write(struct.pack("<QII", start, size, rva))
        f.write(data)
