"""Frida CPU contexts -> the register layout tables of the Linux backend.

Frida's ``Process.enumerateThreads()`` gives each thread's ``CpuContext`` by name (``rip``,
``x0``, ``fp``, ``lr``...). The values are written in the order, with the names and the
roles, of the layouts in :mod:`memslice.acquirer.core.registers` (the kernel's regsets), so a
Frida capture and a Linux capture of the same thread carry the same register entries.
Names Frida gives under another mnemonic are renamed (arm64 ``fp``/``lr`` = ``x29``/``x30``,
``qN`` = ``vN``); registers Frida does not provide (``rflags``, segment registers,
``fs_base``...) are absent, and the thread is then flagged Partial.
"""

from __future__ import annotations

from memslice.acquirer.core import registers as tables
from memslice.acquirer.source import Register
from memslice.generated.enums import ArchType

ARCHES: dict[str, ArchType] = {"x64": ArchType.X86_64, "ia32": ArchType.X86, "arm64": ArchType.ARM64,
                               "arm": ArchType.ARM32}
"""``Process.arch`` -> ArchType."""

_ALIASES: dict[ArchType, dict[str, str]] = {
    ArchType.ARM64: {"fp": "x29", "lr": "x30", **{f"q{i}": f"v{i}" for i in range(32)}},
}
_GPR: dict[ArchType, tuple[tuple[tuple[str, int], ...], int]] = {
    ArchType.X86_64: (tables.X86_64_PRSTATUS, 8), ArchType.X86: (tables.I386_PRSTATUS, 4),
    ArchType.ARM64: (tables.AARCH64_PRSTATUS, 8), ArchType.ARM32: (tables.ARM32_PRSTATUS, 4),
}
_VECTOR: dict[ArchType, tuple[tuple[str, int, int], ...]] = {
    ArchType.X86_64: tables.FXSAVE_LAYOUT, ArchType.ARM64: tables.AARCH64_FPSIMD_LAYOUT,
}


def _layout(arch: ArchType) -> list[tuple[str, int, int]]:
    """The general-register layout of ``arch`` (name, width, roles), then its FP/SIMD registers."""
    names, width = _GPR.get(arch, ((), 0))
    return [(name, width, roles) for name, roles in names] + [(n, w, 0) for n, _off, w in _VECTOR.get(arch, ())]


def from_context(arch: ArchType, context: dict[str, object]) -> tuple[list[Register], bool]:
    """Registers of one Frida context, in layout order.

    Args:
        arch: The process's ArchType.
        context: Register name -> ``"0x..."`` (integer registers) or ``{"bytes": hex}``
            (vector registers), as the agent sends them.

    Returns:
        The registers, and whether every register of the layout was present.
    """
    aliases = _ALIASES.get(arch, {})
    values: dict[str, bytes] = {}
    layout = _layout(arch)
    widths = {name: width for name, width, _ in layout}
    for raw_name, value in context.items():
        name = aliases.get(raw_name, raw_name)
        width = widths.get(name)
        if width is None:
            continue  # pc/sp aliases of named registers, nzcv, registers outside the layout
        if isinstance(value, str):
            number = int(value, 16)
            if number >> (8 * width):
                continue
            values[name] = number.to_bytes(width, "little")
        elif isinstance(value, dict) and isinstance(value.get("bytes"), str):
            data = bytes.fromhex(value["bytes"])
            if len(data) == width:
                values[name] = data
    out = [Register(name, values[name], int(roles)) for name, _w, roles in layout if name in values]
    return out, len(out) == len(layout)
