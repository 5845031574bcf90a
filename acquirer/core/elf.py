"""ELF formats declared once: header, program header, section header 0 and note layouts.

Shared by the ELF core importer (:mod:`memslice.acquirer.importers.elf_core`), the exporter
(:mod:`memslice.acquirer.exporters.elf_core`, :mod:`~memslice.acquirer.exporters.core_notes`)
and whoever reads an ELF header out of captured memory. Source: the System V gABI (ELF
header, program header, section header, note entry) and Linux ``include/uapi/linux/elf.h``
(note types); the auxiliary vector keys from ``include/uapi/linux/auxvec.h``.

The two classes differ only in field widths and, for the program header, in where
``p_flags`` sits; :class:`ElfClass` hides both: program headers are packed and unpacked in
the 64-bit field order ``(p_type, p_flags, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz,
p_align)`` whatever the class.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

ELF_MAGIC = b"\x7fELF"
EI_NIDENT = 16
ELFCLASS32, ELFCLASS64 = 1, 2
ELFDATA2LSB, ELFDATA2MSB = 1, 2
EV_CURRENT = 1
ELFOSABI_FREEBSD = 9
ET_DYN, ET_CORE = 3, 4
EM_386, EM_X86_64, EM_AARCH64 = 3, 62, 183
PT_LOAD, PT_INTERP, PT_NOTE = 1, 3, 4
PN_XNUM = 0xFFFF
"""e_phnum saying "more than 65534 program headers: the count is section header 0's sh_info"."""
PF_X, PF_W, PF_R = 1, 2, 4
NT_PRSTATUS, NT_FPREGSET, NT_PRPSINFO, NT_AUXV = 1, 2, 3, 6
NT_FILE = 0x46494C45
NT_X86_XSTATE = 0x202
NT_ARM_TLS = 0x401
AT_NULL, AT_PHDR, AT_PHENT, AT_PHNUM, AT_PAGESZ, AT_BASE, AT_ENTRY, AT_SYSINFO_EHDR = 0, 3, 4, 5, 6, 7, 9, 33
NHDR = "III"
"""Note header: n_namesz, n_descsz, n_type (4-byte words in both classes)."""
NHDR_SIZE = 12

_PHDR32_FROM_64 = (0, 6, 1, 2, 3, 4, 5, 7)
"""Index in the 32-bit program header of each field in 64-bit order."""
_PHDR32_TO_64 = (0, 2, 3, 4, 5, 6, 1, 7)
"""Index in the 64-bit order of each field of the 32-bit program header."""


@dataclass(frozen=True)
class ElfClass:
    """The layouts of one ELF class.

    Attributes:
        bits: 32 or 64.
        ehdr: struct format of the ELF header after ``e_ident`` (e_type .. e_shstrndx).
        phdr: struct format of one program header, in the class's own field order.
        shdr: struct format of one section header.
        word: struct code of an address-sized word (auxv entries, NT_FILE fields).
        ehsize: ELF header size.
        phentsize: Program header size.
        shentsize: Section header size.
        phentsize_at: File offset of e_phentsize (for messages).
        sh_info_at: Offset of sh_info inside a section header.
    """

    bits: int
    ehdr: str
    phdr: str
    shdr: str
    word: str
    ehsize: int
    phentsize: int
    shentsize: int
    phentsize_at: int
    sh_info_at: int

    def unpack_ehdr(self, endian: str, data: bytes) -> tuple[int, ...]:
        """The ELF header fields from the bytes after ``e_ident``.

        Returns:
            (e_type, e_machine, e_version, e_entry, e_phoff, e_shoff, e_flags, e_ehsize,
            e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx).
        """
        return struct.unpack_from(endian + self.ehdr, data)

    def pack_ehdr(self, endian: str, *fields: int) -> bytes:
        """The ELF header after ``e_ident`` (fields in :meth:`unpack_ehdr` order)."""
        return struct.pack(endian + self.ehdr, *fields)

    def unpack_phdr(self, endian: str, data: bytes, offset: int = 0) -> tuple[int, ...]:
        """One program header, fields in 64-bit order (p_type, p_flags, p_offset, p_vaddr, ...)."""
        return self.normalize_phdr(struct.unpack_from(endian + self.phdr, data, offset))

    def normalize_phdr(self, row: tuple[int, ...]) -> tuple[int, ...]:
        """A program header row as unpacked with :attr:`phdr`, in 64-bit field order."""
        return row if self.bits == 64 else tuple(row[i] for i in _PHDR32_FROM_64)

    def pack_phdr(self, endian: str, *fields: int) -> bytes:
        """One program header from fields in 64-bit order."""
        if self.bits == 32:
            fields = tuple(fields[i] for i in _PHDR32_TO_64)
        return struct.pack(endian + self.phdr, *fields)

    def pack_shdr(self, endian: str, *fields: int) -> bytes:
        """One section header (sh_name .. sh_entsize)."""
        return struct.pack(endian + self.shdr, *fields)

    def ident(self, endian: str, osabi: int = 0) -> bytes:
        """``e_ident`` of this class and byte order."""
        data = ELFDATA2LSB if endian == "<" else ELFDATA2MSB
        klass = ELFCLASS64 if self.bits == 64 else ELFCLASS32
        return ELF_MAGIC + bytes([klass, data, EV_CURRENT, osabi]) + bytes(EI_NIDENT - 8)


ELF64 = ElfClass(bits=64, ehdr="HHIQQQIHHHHHH", phdr="IIQQQQQQ", shdr="IIQQQQIIQQ", word="Q", ehsize=64,
                 phentsize=56, shentsize=64, phentsize_at=0x36, sh_info_at=44)
ELF32 = ElfClass(bits=32, ehdr="HHIIIIIHHHHHH", phdr="IIIIIIII", shdr="IIIIIIIIII", word="I", ehsize=52,
                 phentsize=32, shentsize=40, phentsize_at=0x2A, sh_info_at=28)
ELF_CLASSES = {64: ELF64, 32: ELF32}
"""The class by its address width."""
