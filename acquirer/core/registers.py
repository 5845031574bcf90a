"""Register-file layouts, declared once as tables: ELF core notes, ptrace regsets, FXSAVE/XSAVE.

Used by the Linux backend (``PTRACE_GETREGSET`` gives the same structures as the core
notes), the ELF core importer and the ELF core exporter (which goes back with the same
tables). Names are lowercase mnemonics as memslicer 0.5.2 and memdiver 1.0.2 write them
(``rflags`` for EFLAGS, ``x29``/``x30`` for FP/LR, ``pstate``); roles are the generated
``RegisterRole`` bits.

Sources of the layouts: Linux ``struct user_regs_struct`` (arch/x86/include/asm/user_64.h,
user_32.h), ``struct user_pt_regs`` and ``struct user_fpsimd_state``
(arch/arm64/include/uapi/asm/ptrace.h), ``struct pt_regs`` (arch/arm/include/uapi/asm/ptrace.h)
and the FXSAVE/XSAVE layouts of the Intel SDM.
"""

from __future__ import annotations

import struct

from memslice.acquirer.source import Register as RegisterValue
from memslice.generated.enums import RegisterRole

PC, SP, FP, FLAGS, TLS, LR = (int(RegisterRole.PC), int(RegisterRole.SP), int(RegisterRole.FP),
                              int(RegisterRole.FLAGS), int(RegisterRole.TLS), int(RegisterRole.LR))

X86_64_PRSTATUS: tuple[tuple[str, int], ...] = (
    ("r15", 0), ("r14", 0), ("r13", 0), ("r12", 0), ("rbp", FP), ("rbx", 0), ("r11", 0), ("r10", 0),
    ("r9", 0), ("r8", 0), ("rax", 0), ("rcx", 0), ("rdx", 0), ("rsi", 0), ("rdi", 0), ("orig_rax", 0),
    ("rip", PC), ("cs", 0), ("rflags", FLAGS), ("rsp", SP), ("ss", 0), ("fs_base", TLS), ("gs_base", 0),
    ("ds", 0), ("es", 0), ("fs", 0), ("gs", 0),
)
"""x86_64 ``user_regs_struct``: 27 unsigned longs in this order (``eflags`` named rflags)."""

I386_PRSTATUS: tuple[tuple[str, int], ...] = (
    ("ebx", 0), ("ecx", 0), ("edx", 0), ("esi", 0), ("edi", 0), ("ebp", FP), ("eax", 0), ("ds", 0),
    ("es", 0), ("fs", 0), ("gs", 0), ("orig_eax", 0), ("eip", PC), ("cs", 0), ("eflags", FLAGS),
    ("esp", SP), ("ss", 0),
)
"""i386 ``user_regs_struct``: 17 longs (``xds`` etc. named without the x)."""

AARCH64_PRSTATUS: tuple[tuple[str, int], ...] = (
    *((f"x{i}", 0) for i in range(29)), ("x29", FP), ("x30", LR), ("sp", SP), ("pc", PC), ("pstate", FLAGS),
)
"""aarch64 ``user_pt_regs``: regs[31], sp, pc, pstate (34 u64)."""

ARM32_PRSTATUS: tuple[tuple[str, int], ...] = (
    *((f"r{i}", FP if i == 11 else 0) for i in range(13)), ("sp", SP), ("lr", LR), ("pc", PC), ("cpsr", FLAGS),
    ("orig_r0", 0),
)
"""arm ``struct pt_regs`` (``uregs[18]``): r0-r12, sp, lr, pc, cpsr, orig_r0 (18 u32)."""

FXSAVE_SCALARS: tuple[tuple[str, int, int], ...] = (
    ("fcw", 0, 2), ("fsw", 2, 2), ("ftw", 4, 1), ("fop", 6, 2), ("fip", 8, 8), ("fdp", 16, 8),
    ("mxcsr", 24, 4), ("mxcsr_mask", 28, 4),
)
"""FXSAVE (64-bit form) scalar fields: name, offset, size."""
FXSAVE_SIZE = 512
XSTATE_BV_OFFSET = 512

AARCH64_FPSIMD_SIZE = 520
"""``user_fpsimd_state``: vregs[32] (16 bytes each), fpsr u32, fpcr u32."""
AARCH64_FPSIMD_REGSET_SIZE = 528
"""``user_fpsimd_state`` as ``PTRACE_GETREGSET`` returns it (padded to 16 bytes)."""

FXSAVE_LAYOUT: tuple[tuple[str, int, int], ...] = (
    *FXSAVE_SCALARS, *((f"st{i}", 32 + 16 * i, 10) for i in range(8)),
    *((f"xmm{i}", 160 + 16 * i, 16) for i in range(16)),
)
"""Every register of a 64-bit FXSAVE area (``user_fpregs_struct``): name, offset, size."""
AARCH64_FPSIMD_LAYOUT: tuple[tuple[str, int, int], ...] = (
    *((f"v{i}", 16 * i, 16) for i in range(32)), ("fpsr", 512, 4), ("fpcr", 516, 4),
)
"""``user_fpsimd_state``: name, offset, size."""

PRSTATUS_REG_OFFSET = {64: 112, 32: 72}
"""Offset of ``pr_reg`` in ``struct elf_prstatus`` for 64-bit and 32-bit (i386) layouts."""
PRSTATUS_PID_OFFSET = {64: 32, 32: 24}
PRSTATUS_CURSIG_OFFSET = 12


def words(data: bytes, offset: int, layout: tuple[tuple[str, int], ...], width: int) -> list[RegisterValue]:
    """Consecutive ``width``-byte little-endian registers named by ``layout``."""
    return [RegisterValue(name, data[offset + i * width: offset + (i + 1) * width], roles)
            for i, (name, roles) in enumerate(layout)]


def fxsave_registers(area: bytes, *, xmm_count: int = 16, with_x87: bool = True) -> list[RegisterValue]:
    """Decode an FXSAVE area (x87 state, MXCSR, st0-st7 as 10 bytes, xmm0-xmmN as 16 bytes)."""
    regs: list[RegisterValue] = []
    if with_x87:
        regs += [RegisterValue(name, area[off:off + size]) for name, off, size in FXSAVE_SCALARS]
        regs += [RegisterValue(f"st{i}", area[32 + 16 * i: 32 + 16 * i + 10]) for i in range(8)]
    else:
        regs += [RegisterValue(name, area[off:off + size]) for name, off, size in FXSAVE_SCALARS
                 if name.startswith("mxcsr")]
    regs += [RegisterValue(f"xmm{i}", area[160 + 16 * i: 176 + 16 * i]) for i in range(xmm_count)]
    return regs


XSAVE_COMPONENTS: tuple[tuple[int, int, int, tuple[tuple[str, int], ...]], ...] = (
    (2, 576, 256, tuple((f"ymm{i}h", 16) for i in range(16))),
    (3, 960, 64, tuple((f"bnd{i}", 16) for i in range(4))),
    (4, 1024, 64, (("bndcfgu", 8), ("bndstatus", 8))),
    (5, 1088, 64, tuple((f"k{i}", 8) for i in range(8))),
    (6, 1152, 512, tuple((f"zmm{i}h", 32) for i in range(16))),
    (7, 1664, 1024, tuple((f"zmm{i}", 64) for i in range(16, 32))),
    (9, 2688, 8, (("pkru", 4),)),
)
"""XSAVE user state components (bit, standard-format offset, size, registers): AVX upper
halves, MPX bounds and config, AVX-512 opmask, upper halves of zmm0-15, zmm16-31, PKRU."""
XCR0_OFFSET = 464
"""Linux core and ptrace XSAVE areas hold XCR0 in the first software-reserved word."""


def xstate_registers(area: bytes) -> tuple[list[RegisterValue], list[str]]:
    """Decode the extended state of an ``NT_X86_XSTATE`` area (standard format).

    Every component that XCR0 enables is imported: its bytes when XSTATE_BV marks it in
    use, else zeros (the component's architectural initial value, as gdb shows it). XCR0
    itself is imported as register ``xcr0``.

    Returns:
        (registers, names of enabled components the area is too short for).
    """
    if len(area) < XSTATE_BV_OFFSET + 8:
        return [], ["XSAVE header"]
    (xcr0,) = struct.unpack_from("<Q", area, XCR0_OFFSET)
    (xstate_bv,) = struct.unpack_from("<Q", area, XSTATE_BV_OFFSET)
    regs = [RegisterValue("xcr0", area[XCR0_OFFSET:XCR0_OFFSET + 8])]
    short: list[str] = []
    for bit, offset, _size, fields in XSAVE_COMPONENTS:
        if not xcr0 & (1 << bit):
            continue
        size = sum(width for _, width in fields)
        if len(area) < offset + size:
            short.append(f"XSAVE component {bit}")
            continue
        at = offset
        for name, width in fields:
            value = area[at:at + width] if xstate_bv & (1 << bit) else bytes(width)
            regs.append(RegisterValue(name, value))
            at += width
    return regs, short


def aarch64_fpsimd_registers(area: bytes) -> list[RegisterValue]:
    """Decode ``user_fpsimd_state``: v0-v31 (16 bytes), fpsr, fpcr (4 bytes)."""
    return [RegisterValue(name, area[off:off + size]) for name, off, size in AARCH64_FPSIMD_LAYOUT]
