"""Process and thread facts from ``/proc``: stat fields, identity, threads, architecture.

Times: ``/proc`` gives start times in clock ticks since boot (``CLOCK_BOOTTIME``); they
are converted to ns since the Unix epoch with the current offset between
``CLOCK_REALTIME`` and ``CLOCK_BOOTTIME`` (precision: one tick, usually 10 ms).
"""

from __future__ import annotations

import os
import shlex
import time
from dataclasses import dataclass

from memslice.acquirer.source import ProcessInfo
from memslice.generated.enums import ArchType, ThreadState
from memslice.generated.framing import U16_STRING_MAX

_CLK_TCK = os.sysconf("SC_CLK_TCK")

# ELF e_machine values (System V gABI) of the architectures the format names.
_ELF_MACHINES = {3: ArchType.X86, 62: ArchType.X86_64, 183: ArchType.ARM64, 40: ArchType.ARM32,
                 8: ArchType.MIPS32, 243: ArchType.RISCV64, 20: ArchType.PPC32, 21: ArchType.PPC64,
                 22: ArchType.S390X, 258: ArchType.LOONGARCH64}
_UNAME_MACHINES = {"x86_64": ArchType.X86_64, "amd64": ArchType.X86_64, "i386": ArchType.X86,
                   "i686": ArchType.X86, "aarch64": ArchType.ARM64, "arm64": ArchType.ARM64,
                   "armv7l": ArchType.ARM32, "riscv64": ArchType.RISCV64, "ppc64le": ArchType.PPC64,
                   "ppc64": ArchType.PPC64, "s390x": ArchType.S390X, "loongarch64": ArchType.LOONGARCH64}
_STATES = {"R": ThreadState.RUNNING, "S": ThreadState.SLEEPING, "D": ThreadState.UNINTERRUPTIBLE,
           "T": ThreadState.STOPPED, "t": ThreadState.STOPPED, "Z": ThreadState.ZOMBIE,
           "X": ThreadState.ZOMBIE, "I": ThreadState.WAITING, "P": ThreadState.WAITING,
           "W": ThreadState.WAITING, "K": ThreadState.WAITING}

CMDLINE_MAX = U16_STRING_MAX
"""Longest string a u16 length field holds, its NUL excluded."""


@dataclass(frozen=True, slots=True)
class Stat:
    """The fields of ``/proc/PID/stat`` (or ``task/TID/stat``) the acquirer uses.

    Attributes:
        comm: Command name (``comm``, up to 15 bytes).
        state: State character (``R``, ``S``, ``D``, ``T``, ``t``, ``Z``...).
        ppid: Parent PID.
        session: Session id.
        start_ticks: Start time in clock ticks since boot.
    """

    comm: str
    state: str
    ppid: int
    session: int
    start_ticks: int


def parse_stat(data: bytes) -> Stat:
    """Parse a stat line; ``comm`` may contain spaces and parentheses.

    Raises:
        ValueError: The line does not have the kernel's format.
    """
    open_paren = data.find(b"(")
    close_paren = data.rfind(b")")
    if open_paren < 0 or close_paren < open_paren:
        raise ValueError(f"malformed stat line: {data[:80]!r}")
    comm = data[open_paren + 1:close_paren].decode("utf-8", "surrogateescape")
    rest = data[close_paren + 1:].split()
    # rest[0] is field 3 (state); field n is rest[n - 3]
    return Stat(comm=comm, state=rest[0].decode("ascii"), ppid=int(rest[1]), session=int(rest[3]),
                start_ticks=int(rest[19]))


def read_stat(pid: int, tid: int | None = None) -> Stat:
    """Read ``/proc/PID/stat`` or ``/proc/PID/task/TID/stat``."""
    path = f"/proc/{pid}/task/{tid}/stat" if tid is not None else f"/proc/{pid}/stat"
    with open(path, "rb") as handle:
        return parse_stat(handle.read())


def ticks_to_epoch_ns(ticks: int) -> int:
    """Convert clock ticks since boot to ns since the Unix epoch."""
    boot_ns = time.clock_gettime_ns(time.CLOCK_REALTIME) - time.clock_gettime_ns(time.CLOCK_BOOTTIME)
    return boot_ns + ticks * 1_000_000_000 // _CLK_TCK


def thread_state(state_char: str) -> ThreadState:
    """The format's ThreadState for a ``/proc`` state character."""
    return _STATES.get(state_char, ThreadState.UNKNOWN)


def list_tids(pid: int) -> list[int]:
    """Thread ids of a process, ascending (raises FileNotFoundError when it is gone)."""
    return sorted(int(name) for name in os.listdir(f"/proc/{pid}/task") if name.isdigit())


def read_text(path: str, default: str | None = None) -> str | None:
    """A small ``/proc`` file as text (surrogate escapes), or ``default`` when unreadable."""
    try:
        with open(path, "rb") as handle:
            return handle.read().decode("utf-8", "surrogateescape")
    except OSError:
        return default


def thread_name(pid: int, tid: int) -> str | None:
    """The thread's ``comm`` (as set by ``prctl(PR_SET_NAME)``), or None."""
    text = read_text(f"/proc/{pid}/task/{tid}/comm")
    return text.rstrip("\n") if text is not None else None


ProcessIdentityInfo = ProcessInfo
"""The Process Identity facts (the seam's :class:`~memslice.acquirer.source.ProcessInfo`)."""


def _truncate_utf8(text: str, limit: int) -> str:
    raw = text.encode("utf-8", "surrogateescape")
    if len(raw) <= limit:
        return text
    return raw[:limit].decode("utf-8", "ignore")


def elf_arch(path: str) -> ArchType | None:
    """ArchType from an ELF file's e_machine, or None when unreadable or not ELF."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(20)
    except OSError:
        return None
    if len(head) < 20 or head[:4] != b"\x7fELF":
        return None
    machine = int.from_bytes(head[18:20], "little" if head[5] == 1 else "big")
    if machine == 8 and head[4] == 2:
        return ArchType.MIPS64
    if machine == 243 and head[4] == 1:
        return ArchType.RISCV32
    return _ELF_MACHINES.get(machine)


def host_arch() -> ArchType:
    """ArchType of the machine we run on."""
    return _UNAME_MACHINES.get(os.uname().machine, ArchType.UNKNOWN)


def read_identity(pid: int) -> ProcessIdentityInfo:
    """Collect the Process Identity facts of ``pid``.

    Raises:
        FileNotFoundError: The process does not exist.
        PermissionError: ``/proc/PID`` is not readable.
    """
    stat = read_stat(pid)
    notes: list[str] = []
    try:
        exe = os.readlink(f"/proc/{pid}/exe")
    except OSError as exc:
        exe = ""
        notes.append(f"executable path unreadable: {exc.strerror}")
    raw_cmd = read_text(f"/proc/{pid}/cmdline", "") or ""
    argv = raw_cmd.split("\0")
    if argv and argv[-1] == "":
        argv.pop()
    cmd_line: str | None = shlex.join(argv) if argv else None
    if cmd_line is not None and len(cmd_line.encode("utf-8", "surrogateescape")) > CMDLINE_MAX:
        cmd_line = _truncate_utf8(cmd_line, CMDLINE_MAX)
        notes.append(f"command line truncated to {CMDLINE_MAX} bytes (u16 CmdLineLen)")
    if len(exe.encode("utf-8", "surrogateescape")) > CMDLINE_MAX:
        exe = _truncate_utf8(exe, CMDLINE_MAX)
        notes.append(f"executable path truncated to {CMDLINE_MAX} bytes (u16 ExePathLen)")
    arch = elf_arch(f"/proc/{pid}/exe") or host_arch()
    return ProcessIdentityInfo(pid=pid, ppid=stat.ppid, session_id=stat.session,
                               start_time_ns=ticks_to_epoch_ns(stat.start_ticks), comm=stat.comm, exe_path=exe,
                               argv=argv, cmd_line=cmd_line, arch=arch, notes=notes)


def tracer_pid(pid: int) -> int:
    """``TracerPid`` from ``/proc/PID/status`` (0 = not traced, -1 = unreadable)."""
    text = read_text(f"/proc/{pid}/status")
    if text is None:
        return -1
    for line in text.splitlines():
        if line.startswith("TracerPid:"):
            return int(line.split()[1])
    return -1


def syscall_sp_pc(pid: int, tid: int) -> tuple[int, int] | None:
    """SP and PC of a thread blocked in the kernel, from ``task/TID/syscall``.

    Returns:
        ``(sp, pc)``, or None while the thread is running or when unreadable.
    """
    text = read_text(f"/proc/{pid}/task/{tid}/syscall")
    if not text:
        return None
    fields = text.split()
    if fields[0] == "running" or len(fields) < 3:
        return None
    try:
        return int(fields[-2], 16), int(fields[-1], 16)
    except ValueError:
        return None
