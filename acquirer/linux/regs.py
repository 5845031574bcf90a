"""Register files as the kernel hands them out through ``PTRACE_GETREGSET``.

The layouts below are the kernel's user-space ABI (``NT_PRSTATUS`` is ``struct
user_regs_struct`` on x86, ``struct user_pt_regs`` on arm64, ``struct pt_regs`` on arm;
``NT_PRFPREG`` is ``struct user_fpregs_struct`` / ``struct user_fpsimd_state``), taken from
``arch/*/include/uapi/asm/ptrace.h`` and ``arch/x86/include/asm/user_64.h`` /
``user_32.h``. Names are the lowercase mnemonics the 1.1 Thread Context uses (``rip``,
``rsp``, ``rflags``, ``fs_base``, ``x0``..``x30``, ``sp``, ``pc``, ``pstate``,
``tpidr_el0``); roles come from the generated ``RegisterRole`` flags.

The layout is chosen by the regset's architecture *and* size: a 32-bit (compat) thread on a
64-bit kernel returns the 32-bit layout, which the size tells apart.
"""

from __future__ import annotations

from memslice.acquirer.importers.registers import FXSAVE_SCALARS, FXSAVE_SIZE, xstate_registers
from memslice.acquirer.source import Register, has_pc_and_sp, role_value
from memslice.generated.enums import ArchType, RegisterRole

__all__ = ["Register", "decode_arm_tls", "decode_fp", "decode_gpr", "decode_xstate", "has_pc_and_sp",
           "role_value", "supported"]

NT_PRSTATUS = 1
"""General-purpose registers."""
NT_PRFPREG = 2
"""Floating-point / SIMD registers."""
NT_ARM_TLS = 0x401
"""arm64 thread pointer (tpidr_el0)."""
NT_X86_XSTATE = 0x202
"""x86 XSAVE area (AVX, MPX, AVX-512, PKRU; XCR0 in its software-reserved bytes)."""
XSTATE_MAX = 1 << 14
"""Buffer for NT_X86_XSTATE: larger than every XSAVE area (AMX tiles included)."""

_PC, _SP, _FP, _FLAGS, _TLS, _LR = (RegisterRole.PC, RegisterRole.SP, RegisterRole.FP, RegisterRole.FLAGS,
                                    RegisterRole.TLS, RegisterRole.LR)


# (name, width, roles) in struct order; offsets follow from the widths.
_X86_64_GPR = [(n, 8, r) for n, r in (
    ("r15", 0), ("r14", 0), ("r13", 0), ("r12", 0), ("rbp", _FP), ("rbx", 0), ("r11", 0), ("r10", 0), ("r9", 0),
    ("r8", 0), ("rax", 0), ("rcx", 0), ("rdx", 0), ("rsi", 0), ("rdi", 0), ("orig_rax", 0), ("rip", _PC),
    ("cs", 0), ("rflags", _FLAGS), ("rsp", _SP), ("ss", 0), ("fs_base", _TLS), ("gs_base", 0), ("ds", 0),
    ("es", 0), ("fs", 0), ("gs", 0))]
_I386_GPR = [(n, 4, r) for n, r in (
    ("ebx", 0), ("ecx", 0), ("edx", 0), ("esi", 0), ("edi", 0), ("ebp", _FP), ("eax", 0), ("ds", 0), ("es", 0),
    ("fs", 0), ("gs", 0), ("orig_eax", 0), ("eip", _PC), ("cs", 0), ("eflags", _FLAGS), ("esp", _SP), ("ss", 0))]
_ARM64_GPR = ([(f"x{i}", 8, _FP if i == 29 else _LR if i == 30 else 0) for i in range(31)]
              + [("sp", 8, _SP), ("pc", 8, _PC), ("pstate", 8, _FLAGS)])
_ARM32_GPR = ([(f"r{i}", 4, _FP if i == 11 else 0) for i in range(13)]
              + [("sp", 4, _SP), ("lr", 4, _LR), ("pc", 4, _PC), ("cpsr", 4, _FLAGS), ("orig_r0", 4, 0)])

_GPR_LAYOUTS: dict[tuple[ArchType, int], list[tuple[str, int, int]]] = {
    (ArchType.X86_64, 27 * 8): _X86_64_GPR,
    (ArchType.X86_64, 17 * 4): _I386_GPR,
    (ArchType.X86, 17 * 4): _I386_GPR,
    (ArchType.ARM64, 34 * 8): _ARM64_GPR,
    (ArchType.ARM64, 18 * 4): _ARM32_GPR,
    (ArchType.ARM32, 18 * 4): _ARM32_GPR,
}

# struct user_fpregs_struct (x86_64, 512 bytes = the FXSAVE area): name, offset, width. Every
# scalar (fip, fdp and mxcsr_mask included) is kept: the ELF core exporter rebuilds
# NT_FPREGSET only from a complete set.
_X86_64_FP = (list(FXSAVE_SCALARS)
              + [(f"st{i}", 32 + 16 * i, 10) for i in range(8)]
              + [(f"xmm{i}", 160 + 16 * i, 16) for i in range(16)])
# struct user_fpsimd_state (arm64, 528 bytes).
_ARM64_FP = [(f"v{i}", 16 * i, 16) for i in range(32)] + [("fpsr", 512, 4), ("fpcr", 516, 4)]

_FP_LAYOUTS: dict[tuple[ArchType, int], list[tuple[str, int, int]]] = {
    (ArchType.X86_64, FXSAVE_SIZE): _X86_64_FP,
    (ArchType.ARM64, 528): _ARM64_FP,
}


def supported(arch: ArchType) -> bool:
    """True when general registers of ``arch`` can be decoded."""
    return any(a == arch for a, _ in _GPR_LAYOUTS)


def decode_gpr(arch: ArchType, raw: bytes) -> list[Register] | None:
    """Decode an ``NT_PRSTATUS`` regset.

    Args:
        arch: The process's ArchType.
        raw: The bytes the kernel returned (their length selects the layout).

    Returns:
        The registers in struct order, or None for an unknown architecture or size.
    """
    layout = _GPR_LAYOUTS.get((arch, len(raw)))
    if layout is None:
        return None
    out: list[Register] = []
    pos = 0
    for name, width, roles in layout:
        out.append(Register(name, bytes(raw[pos:pos + width]), int(roles)))
        pos += width
    return out


def decode_fp(arch: ArchType, raw: bytes) -> list[Register]:
    """Decode an ``NT_PRFPREG`` regset (empty list for an unknown layout)."""
    layout = _FP_LAYOUTS.get((arch, len(raw)))
    if layout is None:
        return []
    return [Register(name, bytes(raw[off:off + width])) for name, off, width in layout]


def decode_xstate(raw: bytes) -> list[Register]:
    """Decode an x86 ``NT_X86_XSTATE`` regset: ``xcr0`` and the enabled extended components.

    Components XCR0 enables but XSTATE_BV marks unused are their initial value (zeros), as
    the kernel and gdb define them.
    """
    values, _short = xstate_registers(raw)
    return [Register(v.name, bytes(v.value), int(v.roles)) for v in values]


def decode_arm_tls(raw: bytes) -> list[Register]:
    """Decode an arm64 ``NT_ARM_TLS`` regset (tpidr_el0, then tpidr2_el0 on SME kernels)."""
    out = [Register("tpidr_el0", bytes(raw[:8]), int(_TLS))] if len(raw) >= 8 else []
    if len(raw) >= 16:
        out.append(Register("tpidr2_el0", bytes(raw[8:16])))
    return out
