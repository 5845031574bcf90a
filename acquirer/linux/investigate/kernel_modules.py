"""Kernel Module List (0x0057): ``/proc/modules`` joined with ``/sys/module``.

A module listed in only one of the two sources gets a hidden-module flag: only in
``/proc/modules`` (hidden from sysfs) or only in ``/sys/module``. ``/sys/module`` also
lists built-in code that has parameters but was never loaded as a module; a directory
without ``initstate`` or ``refcnt`` is such built-in code, not a hidden module, and is
left out. Rows keep ``/proc/modules`` order (load order), then the sysfs-only ones sorted.
Base is 0 when ``kptr_restrict`` hides addresses.
"""

from __future__ import annotations

import os

from memslice.acquirer.linux.investigate._common import Collected, fit, read_str
from memslice.generated.blocks.kernel_module_list import KernelModuleList, KernelModuleRow
from memslice.generated.enums import KernelModuleFlags, KernelModuleState

_STATES = {"Live": KernelModuleState.LIVE, "Loading": KernelModuleState.LOADING,
           "Unloading": KernelModuleState.UNLOADING}
_TAINT_LETTERS = "PFSRMBUDAWCIOELKXT"  # bit n of the kernel taint mask (include/linux/panic.h)


def taint_mask(letters: str) -> int:
    """The low byte of the taint bitmask a ``/sys/module/NAME/taint`` letter string stands for."""
    mask = 0
    for ch in letters:
        bit = _TAINT_LETTERS.find(ch)
        if bit >= 0:
            mask |= 1 << bit
    return mask & 0xFF


def _sysfs_modules() -> dict[str, int] | None:
    try:
        names = os.listdir("/sys/module")
    except OSError:
        return None
    out: dict[str, int] = {}
    for name in names:
        base = f"/sys/module/{name}"
        if not (os.path.exists(f"{base}/initstate") or os.path.exists(f"{base}/refcnt")):
            continue  # built-in code with parameters, never a loadable module
        taint = read_str(f"{base}/taint", 64)
        out[name] = taint_mask(taint.strip()) if taint else 0
    return out


def collect() -> Collected:
    """The module list; absent when neither source is readable (e.g. no /proc/modules)."""
    body = read_str("/proc/modules", 16 << 20)
    sysfs = _sysfs_modules()
    if body is None and sysfs is None:
        return Collected(None, reason="neither /proc/modules nor /sys/module is readable")
    partial: list[str] = []
    if body is None:
        partial.append("/proc/modules unreadable: every row is flagged only_sys_module")
    if sysfs is None:
        partial.append("/sys/module unreadable: every row is flagged only_proc_modules")
    rows: list[KernelModuleRow] = []
    seen: set[str] = set()
    hidden_addresses = False
    for line in (body or "").splitlines():
        f = line.split()
        if len(f) < 5:
            continue
        try:
            size, refs = int(f[1]), int(f[2])
            base = int(f[5], 16) if len(f) > 5 else 0
        except ValueError:
            continue
        hidden_addresses |= base == 0
        name = f[0]
        seen.add(name)
        in_sysfs = sysfs is not None and name in sysfs
        rows.append(KernelModuleRow(
            name=fit(name), size=size, ref_count=refs & 0xFFFFFFFF,
            state=int(_STATES.get(f[4], KernelModuleState.UNKNOWN)),
            taint=(sysfs or {}).get(name, 0), base_addr=base,
            flags=0 if in_sysfs else int(KernelModuleFlags.ONLY_PROC_MODULES)))
    for name in sorted(set(sysfs or {}) - seen):
        rows.append(KernelModuleRow(name=fit(name), size=0, ref_count=0, state=int(KernelModuleState.UNKNOWN),
                                    taint=(sysfs or {})[name], base_addr=0,
                                    flags=int(KernelModuleFlags.ONLY_SYS_MODULE)))
    if hidden_addresses and rows:
        partial.append("module base addresses hidden by kptr_restrict (Base 0)")
    if not rows:
        return Collected(None, reason="no kernel modules are loaded")
    return Collected(KernelModuleList(rows=rows), rows=len(rows), partial=partial)
