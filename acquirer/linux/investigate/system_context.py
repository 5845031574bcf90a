"""System Context (0x0050): boot time, acquiring user, host name, domain, OS, case reference."""

from __future__ import annotations

import os
import pwd

from memslice.acquirer.linux.investigate._common import fit, read_str
from memslice.generated.blocks.system_context import SystemContext


def boot_time_ns() -> int:
    """Host boot time (ns since the epoch) from ``/proc/stat`` ``btime``; 0 when unreadable."""
    for line in (read_str("/proc/stat", 1 << 20) or "").splitlines():
        if line.startswith("btime "):
            try:
                return int(line.split()[1]) * 1_000_000_000
            except (ValueError, IndexError):
                return 0
    return 0


def acquiring_user() -> str:
    """Name of the effective user running the acquisition (its number when it has no name)."""
    uid = os.geteuid()
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def os_detail() -> str:
    """``PRETTY_NAME`` of os-release, then the kernel release, version and machine."""
    pretty = ""
    for line in (read_str("/etc/os-release", 1 << 16) or "").splitlines():
        key, _, value = line.partition("=")
        if key == "PRETTY_NAME":
            pretty = value.strip().strip('"')
    u = os.uname()
    return " ".join(p for p in (pretty, u.sysname, u.release, u.version, u.machine) if p)


def build(table_bitmap: int, case_ref: str | None) -> SystemContext:
    """The System Context for the tables announced in ``table_bitmap``.

    AcqUser, Hostname and OSDetail are always written (a lone NUL when empty), Domain and
    CaseRef only when known, as memslicer 0.5.2 writes layout A.
    """
    domain = (read_str("/proc/sys/kernel/domainname", 256) or "").strip()
    return SystemContext(
        boot_time=boot_time_ns(), num_targets=1, table_bitmap=table_bitmap, acq_user=fit(acquiring_user()),
        hostname=fit(os.uname().nodename), domain=fit(domain) if domain and domain != "(none)" else None,
        os_detail=fit(os_detail()), case_ref=fit(case_ref) if case_ref else None)
