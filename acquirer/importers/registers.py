"""Register-file layouts of Microsoft ``CONTEXT`` records (the Linux tables: :mod:`~memslice.acquirer.core.registers`).

``NT_PRSTATUS``, ``NT_FPREGSET``, ``NT_X86_XSTATE`` and ``CONTEXT`` are decoded into
named :class:`RegisterValue` lists.

Names are lowercase mnemonics as memslicer 0.5.2 and memdiver 1.0.2 write them (``rflags``
for EFLAGS, ``x29``/``x30`` for FP/LR, ``pstate``); general, flags and segment registers
use the general-register width, zero-extended. The exporter uses the same tables to go
back (``X86_64_PRSTATUS``, ``AARCH64_PRSTATUS``, :func:`fxsave_registers`).

Sources of the layouts: Linux ``struct user_regs_struct`` (arch/x86/include/asm/user_64.h,
user_32.h), ``struct user_pt_regs`` and ``struct user_fpsimd_state``
(arch/arm64/include/uapi/asm/ptrace.h), the FXSAVE/XSAVE layouts of the Intel SDM, and
the ``CONTEXT`` / ``ARM64_NT_CONTEXT`` structures of the Windows SDK (winnt.h).
"""

from __future__ import annotations

import struct

from memslice.acquirer.core.registers import (  # the shared tables, re-exported for the importers
    FLAGS,
    FP,
    FXSAVE_SIZE,
    LR,
    PC,
    SP,
    TLS,
    fxsave_registers,
)
from memslice.acquirer.importers.plan import RegisterValue

# --- Microsoft CONTEXT records (winnt.h) -------------------------------------------

CONTEXT_CONTROL = 0x1
CONTEXT_INTEGER = 0x2
CONTEXT_SEGMENTS = 0x4
CONTEXT_FLOATING_POINT = 0x8
CONTEXT_DEBUG_REGISTERS = 0x10
CONTEXT_EXTENDED_REGISTERS = 0x20
ARM64_FLOATING_POINT = 0x4
ARM64_DEBUG = 0x8

CONTEXT_AMD64 = 0x00100000
CONTEXT_I386 = 0x00010000
CONTEXT_ARM64 = 0x00400000

AMD64_CONTEXT_SIZE = 1232
I386_CONTEXT_SIZE = 716
ARM64_CONTEXT_SIZE = 912


def _zext(raw: bytes, width: int) -> bytes:
    return raw + bytes(width - len(raw))


def _field(ctx: bytes, name: str, offset: int, size: int, roles: int = 0, width: int = 0) -> RegisterValue:
    raw = ctx[offset:offset + size]
    return RegisterValue(name, _zext(raw, width) if width else raw, roles)


_AMD64_GROUPS: tuple[tuple[int, tuple[tuple[str, int, int, int], ...]], ...] = (
    (CONTEXT_INTEGER, (
        ("rax", 0x78, 8, 0), ("rcx", 0x80, 8, 0), ("rdx", 0x88, 8, 0), ("rbx", 0x90, 8, 0),
        ("rbp", 0xA0, 8, FP), ("rsi", 0xA8, 8, 0), ("rdi", 0xB0, 8, 0),
        *((f"r{n}", 0xB8 + (n - 8) * 8, 8, 0) for n in range(8, 16)))),
    (CONTEXT_CONTROL, (
        ("rip", 0xF8, 8, PC), ("rsp", 0x98, 8, SP), ("rflags", 0x44, 4, FLAGS), ("cs", 0x38, 2, 0),
        ("ss", 0x42, 2, 0))),
    (CONTEXT_SEGMENTS, (("ds", 0x3A, 2, 0), ("es", 0x3C, 2, 0), ("fs", 0x3E, 2, 0), ("gs", 0x40, 2, 0))),
    (CONTEXT_DEBUG_REGISTERS, (
        ("dr0", 0x48, 8, 0), ("dr1", 0x50, 8, 0), ("dr2", 0x58, 8, 0), ("dr3", 0x60, 8, 0),
        ("dr6", 0x68, 8, 0), ("dr7", 0x70, 8, 0))),
)

_I386_GROUPS: tuple[tuple[int, tuple[tuple[str, int, int, int], ...]], ...] = (
    (CONTEXT_INTEGER, (
        ("edi", 0x9C, 4, 0), ("esi", 0xA0, 4, 0), ("ebx", 0xA4, 4, 0), ("edx", 0xA8, 4, 0),
        ("ecx", 0xAC, 4, 0), ("eax", 0xB0, 4, 0))),
    (CONTEXT_CONTROL, (
        ("ebp", 0xB4, 4, FP), ("eip", 0xB8, 4, PC), ("cs", 0xBC, 4, 0), ("eflags", 0xC0, 4, FLAGS),
        ("esp", 0xC4, 4, SP), ("ss", 0xC8, 4, 0))),
    (CONTEXT_SEGMENTS, (("gs", 0x8C, 4, 0), ("fs", 0x90, 4, 0), ("es", 0x94, 4, 0), ("ds", 0x98, 4, 0))),
    (CONTEXT_DEBUG_REGISTERS, (
        ("dr0", 0x04, 4, 0), ("dr1", 0x08, 4, 0), ("dr2", 0x0C, 4, 0), ("dr3", 0x10, 4, 0),
        ("dr6", 0x14, 4, 0), ("dr7", 0x18, 4, 0))),
    (CONTEXT_FLOATING_POINT, (
        ("fcw", 0x1C, 4, 0), ("fsw", 0x20, 4, 0), ("ftw", 0x24, 4, 0), ("fip", 0x28, 4, 0),
        ("fcs", 0x2C, 4, 0), ("fdp", 0x30, 4, 0), ("fds", 0x34, 4, 0),
        *((f"st{i}", 0x38 + 10 * i, 10, 0) for i in range(8)), ("cr0npxstate", 0x88, 4, 0))),
)


def _decode_groups(ctx: bytes, flags: int, groups: tuple[tuple[int, tuple[tuple[str, int, int, int], ...]], ...],
                   width: int) -> list[RegisterValue]:
    regs: list[RegisterValue] = []
    for bit, fields in groups:
        if flags & bit:
            for name, off, size, roles in fields:
                scalar = size <= width
                regs.append(_field(ctx, name, off, size, roles, width if scalar else 0))
    return regs


def context_registers(ctx: bytes, arch: str, *, windows: bool) -> tuple[list[RegisterValue], int, int]:
    """Decode a minidump ``CONTEXT`` record.

    Args:
        ctx: The record bytes.
        arch: ``x86_64``, ``x86`` or ``arm64``.
        windows: The dump is of a Windows process (x18 then holds the TEB: TLS role).

    Returns:
        (registers, ContextFlags as stored, the register groups decoded). When ContextFlags
        carries the CPU bit but no group bit at all (as Breakpad's macOS writer stores it),
        every group is decoded and the caller must say so.

    Raises:
        ValueError: The record is too short or its CPU bit does not match ``arch``.
    """
    if arch == "x86_64":
        size, cpu, flag_off, known = (AMD64_CONTEXT_SIZE, CONTEXT_AMD64, 0x30,
                                      CONTEXT_CONTROL | CONTEXT_INTEGER | CONTEXT_SEGMENTS
                                      | CONTEXT_FLOATING_POINT | CONTEXT_DEBUG_REGISTERS)
    elif arch == "x86":
        size, cpu, flag_off, known = (I386_CONTEXT_SIZE, CONTEXT_I386, 0,
                                      CONTEXT_CONTROL | CONTEXT_INTEGER | CONTEXT_SEGMENTS | CONTEXT_FLOATING_POINT
                                      | CONTEXT_DEBUG_REGISTERS | CONTEXT_EXTENDED_REGISTERS)
    elif arch == "arm64":
        size, cpu, flag_off, known = (ARM64_CONTEXT_SIZE, CONTEXT_ARM64, 0,
                                      CONTEXT_CONTROL | CONTEXT_INTEGER | ARM64_FLOATING_POINT | ARM64_DEBUG)
    else:
        raise ValueError(f"no CONTEXT layout for {arch}")
    if len(ctx) < size:
        raise ValueError(f"CONTEXT of {len(ctx)} bytes is shorter than the {size}-byte {arch} layout")
    (stored,) = struct.unpack_from("<I", ctx, flag_off)
    if stored & 0xFFFF0000 != cpu:
        raise ValueError(f"ContextFlags 0x{stored:08X} do not name the {arch} CPU (0x{cpu:08X})")
    groups = stored & known if stored & known else known
    if arch == "x86_64":
        regs = _decode_groups(ctx, groups, _AMD64_GROUPS, 8)
        if groups & CONTEXT_FLOATING_POINT:
            regs += fxsave_registers(ctx[0x100:0x100 + FXSAVE_SIZE])
    elif arch == "x86":
        regs = _decode_groups(ctx, groups, _I386_GROUPS, 4)
        if groups & CONTEXT_EXTENDED_REGISTERS:
            regs += fxsave_registers(ctx[0xCC:0xCC + FXSAVE_SIZE], xmm_count=8, with_x87=False)
    else:
        regs = []
        if groups & CONTEXT_INTEGER:
            regs += [RegisterValue(f"x{i}", ctx[8 + 8 * i: 16 + 8 * i], TLS if (i == 18 and windows) else 0)
                     for i in range(29)]
        if groups & CONTEXT_CONTROL:
            regs += [RegisterValue("x29", ctx[0xF0:0xF8], FP), RegisterValue("x30", ctx[0xF8:0x100], LR),
                     RegisterValue("sp", ctx[0x100:0x108], SP), RegisterValue("pc", ctx[0x108:0x110], PC),
                     RegisterValue("pstate", _zext(ctx[4:8], 8), FLAGS)]
        if groups & ARM64_FLOATING_POINT:
            regs += [RegisterValue(f"v{i}", ctx[0x110 + 16 * i: 0x120 + 16 * i]) for i in range(32)]
            regs += [RegisterValue("fpcr", ctx[0x310:0x314]), RegisterValue("fpsr", ctx[0x314:0x318])]
        if groups & ARM64_DEBUG:
            regs += [RegisterValue(f"bcr{i}", ctx[0x318 + 4 * i: 0x31C + 4 * i]) for i in range(8)]
            regs += [RegisterValue(f"bvr{i}", ctx[0x338 + 8 * i: 0x340 + 8 * i]) for i in range(8)]
            regs += [RegisterValue(f"wcr{i}", ctx[0x378 + 4 * i: 0x37C + 4 * i]) for i in range(2)]
            regs += [RegisterValue(f"wvr{i}", ctx[0x380 + 8 * i: 0x388 + 8 * i]) for i in range(2)]
    return regs, stored, groups
