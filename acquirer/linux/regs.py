"""Register files as the kernel hands them out through ``PTRACE_GETREGSET``.

The layouts (tables in :mod:`memslice.acquirer.core.registers`, shared with the ELF core
importer and exporter) are the kernel's user-space ABI (``NT_PRSTATUS`` is ``struct
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

from memslice.acquirer.core.elf import NT_ARM_TLS, NT_FPREGSET, NT_PRSTATUS, NT_X86_XSTATE
from memslice.acquirer.core.registers import (
    AARCH64_FPSIMD_LAYOUT,
    AARCH64_FPSIMD_REGSET_SIZE,
    AARCH64_PRSTATUS,
    ARM32_PRSTATUS,
    FXSAVE_LAYOUT,
    FXSAVE_SIZE,
    I386_PRSTATUS,
    TLS,
    X86_64_PRSTATUS,
    xstate_registers,
)
from memslice.acquirer.source import Register, has_pc_and_sp, role_value
from memslice.generated.enums import ArchType

__all__ = ["NT_ARM_TLS", "NT_PRFPREG", "NT_PRSTATUS", "NT_X86_XSTATE", "XSTATE_MAX", "Register",
           "decode_arm_tls", "decode_fp", "decode_gpr", "decode_xstate", "has_pc_and_sp",
           "role_value", "supported"]

NT_PRFPREG = NT_FPREGSET
"""Floating-point / SIMD registers (regsets are named by their core note types)."""
XSTATE_MAX = 1 << 14
"""Buffer for NT_X86_XSTATE: larger than every XSAVE area (AMX tiles included)."""

_GPR_LAYOUTS: dict[tuple[ArchType, int], list[tuple[str, int, int]]] = {
    (ArchType.X86_64, 27 * 8): [(n, 8, r) for n, r in X86_64_PRSTATUS],
    (ArchType.X86_64, 17 * 4): [(n, 4, r) for n, r in I386_PRSTATUS],
    (ArchType.X86, 17 * 4): [(n, 4, r) for n, r in I386_PRSTATUS],
    (ArchType.ARM64, 34 * 8): [(n, 8, r) for n, r in AARCH64_PRSTATUS],
    (ArchType.ARM64, 18 * 4): [(n, 4, r) for n, r in ARM32_PRSTATUS],
    (ArchType.ARM32, 18 * 4): [(n, 4, r) for n, r in ARM32_PRSTATUS],
}
"""(arch, regset size) -> (name, width, roles) in struct order (offsets follow from the widths).
A 32-bit (compat) thread on a 64-bit kernel returns the 32-bit layout, which the size tells apart."""

# Every FXSAVE scalar (fip, fdp and mxcsr_mask included) is kept: the ELF core exporter
# rebuilds NT_FPREGSET only from a complete set.
_FP_LAYOUTS: dict[tuple[ArchType, int], tuple[tuple[str, int, int], ...]] = {
    (ArchType.X86_64, FXSAVE_SIZE): FXSAVE_LAYOUT,
    (ArchType.ARM64, AARCH64_FPSIMD_REGSET_SIZE): AARCH64_FPSIMD_LAYOUT,
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
    out = [Register("tpidr_el0", bytes(raw[:8]), TLS)] if len(raw) >= 8 else []
    if len(raw) >= 16:
        out.append(Register("tpidr2_el0", bytes(raw[8:16])))
    return out
