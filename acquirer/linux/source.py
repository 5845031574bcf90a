"""The Linux backend of the capture seam: ``/proc``, ``process_vm_readv`` and ``ptrace``.

:class:`LinuxSource` implements :class:`memslice.acquirer.source.CaptureSource` over the
modules of this package. It also exposes :attr:`LinuxSource.memory` (the
:class:`~memslice.acquirer.linux.memory.ProcessMemory` reader), which the engine's fast
memory path (:mod:`memslice.acquirer.pipeline`: pagemap, vectored reads, salvage) uses
directly; :meth:`LinuxSource.read_pages` offers the same reads through the neutral protocol.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from memslice.acquirer.errors import (
    AccessDeniedError,
    TargetGoneError,
    TargetNotFoundError,
    UnsupportedTargetError,
    denied_hint,
)
from memslice.acquirer.linux import classify, libc, procfs, regs
from memslice.acquirer.linux.maps import MapIndex, read_maps
from memslice.acquirer.linux.memory import ProcessMemory
from memslice.acquirer.linux.modules import group_modules
from memslice.acquirer.linux.modules import hash_module as _hash_module
from memslice.acquirer.linux.ptrace import Freezer
from memslice.acquirer.options import CaptureOptions
from memslice.acquirer.source import (
    FreezeResult,
    Mapping,
    Module,
    ProcessInfo,
    RegionFacts,
    Thread,
    role_value,
)
from memslice.generated.enums import ENUM_NAMES, ArchType, OsType, RegisterRole, ThreadFlags

from memslice.integrity import Hasher

_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
_ARCH_NAMES = ENUM_NAMES["arch_type"]
_SYSCALL_SP_PC = {ArchType.X86_64: ("rsp", "rip"), ArchType.X86: ("esp", "eip"), ArchType.ARM64: ("sp", "pc"),
                  ArchType.ARM32: ("sp", "pc")}


class LinuxSource:
    """A live Linux process as a capture source.

    Args:
        pid: The target (resolve names with :func:`memslice.acquirer.linux.target.resolve`).

    Raises:
        UnsupportedTargetError: Not running on Linux.
    """

    name = "linux"
    os_type = int(OsType.LINUX)
    page_size = _PAGE_SIZE

    def __init__(self, pid: int) -> None:
        if not sys.platform.startswith("linux"):
            raise UnsupportedTargetError(f"live capture needs Linux /proc and ptrace, not {sys.platform}")
        self.pid = pid
        self.memory = ProcessMemory(pid)
        self.freezer: Freezer | None = None
        self._pre_freeze: dict[int, procfs.Stat] = {}

    @property
    def read_method(self) -> str:
        """``process_vm_readv`` or ``/proc/PID/mem``."""
        return self.memory.method

    # -- identity ----------------------------------------------------------------------------
    def identity(self) -> ProcessInfo:
        """The Process Identity facts from ``/proc`` (see the protocol for the errors)."""
        try:
            identity = procfs.read_identity(self.pid)
            state = procfs.read_stat(self.pid).state
            mappings = read_maps(self.pid)
        except (FileNotFoundError, ProcessLookupError):
            raise TargetNotFoundError(f"no process with PID {self.pid}", pid=self.pid) from None
        except PermissionError:
            raise AccessDeniedError(f"cannot read /proc/{self.pid}/maps: permission denied ("
                                    f"{denied_hint('reading another process')})", pid=self.pid) from None
        if state in ("Z", "X"):
            raise TargetGoneError(f"process {self.pid} is a zombie: it has exited and holds no memory", pid=self.pid)
        if not mappings:
            raise TargetGoneError(f"process {self.pid} has no user-space memory (a kernel thread?)", pid=self.pid)
        if not regs.supported(identity.arch):
            identity.warnings.append(f"registers of arch {_ARCH_NAMES.get(identity.arch, identity.arch)} are not "
                                     "decoded: no Thread Context blocks")
        self._pre_freeze = self._thread_stats()
        return identity

    def investigate(self, options: CaptureOptions) -> Any | None:
        """The investigation tables of :mod:`memslice.acquirer.linux.investigate`, or None."""
        if not options.investigate:
            return None
        from memslice.acquirer.linux import investigate

        return investigate.collect(self.pid, case_ref=options.case_ref, redact_env=options.redact_env)

    # -- freezing ----------------------------------------------------------------------------
    @property
    def can_freeze(self) -> bool:
        """Ptrace can stop the process."""
        return True

    def freeze(self) -> FreezeResult:
        """Seize and stop every thread (ptrace)."""
        self.freezer = Freezer(self.pid)
        return self.freezer.freeze()

    @property
    def frozen(self) -> bool:
        """At least one thread is held stopped."""
        return self.freezer is not None and self.freezer.frozen

    def freeze_result(self) -> FreezeResult | None:
        """What the freeze did, or None without one."""
        return self.freezer.result if self.freezer is not None else None

    def all_stopped(self) -> bool:
        """Every thread is held stopped."""
        return self.freezer is not None and self.freezer.frozen and not self.freezer.result.not_stopped

    def resume(self) -> list[str]:
        """Detach from every stopped thread."""
        return self.freezer.thaw() if self.freezer is not None else []

    # -- the address space -------------------------------------------------------------------
    def mappings(self) -> list[Mapping]:
        """``/proc/PID/maps`` now."""
        try:
            mappings = read_maps(self.pid)
        except (FileNotFoundError, ProcessLookupError):
            mappings = []
        if not mappings:
            raise TargetGoneError(f"process {self.pid} exited before its memory could be read", pid=self.pid)
        return mappings

    def modules(self, mappings: Sequence[Mapping]) -> list[Module]:
        """Runs of mappings of one ELF file."""
        return group_modules(mappings, self._starts_with_elf)

    def region_facts(self, mappings: Sequence[Mapping], modules: Sequence[Module],
                     threads: Sequence[Thread]) -> RegionFacts:
        """Protection and RegionType from the names and permissions (:mod:`classify`)."""
        module_starts = {m.start for module in modules for m in module.mappings}
        sps = [sp for t in threads if (sp := role_value(t.registers, RegisterRole.SP)) is not None]
        types = {m.start: classify.region_type(m, module_starts, sps) for m in mappings}
        guards = classify.guard_mappings(list(mappings), types)
        return {m.start: (classify.protection(m, guard=m.start in guards), types[m.start]) for m in mappings}

    def _starts_with_elf(self, mapping: Mapping) -> bool:
        if not mapping.readable:
            return False
        buf = bytearray(_PAGE_SIZE)
        try:
            got = self.memory.read_ranges([(mapping.start, _PAGE_SIZE)], buf, libc.buffer_address(buf), 0)
        except OSError:
            return False
        return got >= 4 and buf[:4] == b"\x7fELF"

    def read_pages(self, address: int, pages: int, out: memoryview) -> str:
        """Read pages one vectored call at a time; a short read is salvaged page by page."""
        size = pages * _PAGE_SIZE
        buf = out.obj if isinstance(out.obj, bytearray) and out.nbytes == len(out.obj) else bytearray(size)
        base = libc.buffer_address(buf)
        try:
            got = self.memory.read_ranges([(address, size)], buf, base, 0)
        except OSError:
            got = 0
        states = ["0"] * (got // _PAGE_SIZE)
        index: MapIndex | None = None
        for i in range(len(states), pages):
            page = address + i * _PAGE_SIZE
            try:
                one = self.memory.read_ranges([(page, _PAGE_SIZE)], buf, base, i * _PAGE_SIZE)
            except OSError:
                one = 0
            if one == _PAGE_SIZE:
                states.append("0")
                continue
            if index is None:
                try:
                    index = MapIndex(read_maps(self.pid))
                except OSError:
                    index = MapIndex([])
            states.append("1" if index.find(page) is not None else "2")
        if buf is not out.obj:
            out[:size] = buf
        return "".join(states)

    # -- threads -----------------------------------------------------------------------------
    def _thread_stats(self) -> dict[int, procfs.Stat]:
        out: dict[int, procfs.Stat] = {}
        try:
            tids = procfs.list_tids(self.pid)
        except OSError:
            return out
        for tid in tids:
            try:
                out[tid] = procfs.read_stat(self.pid, tid)
            except (OSError, ValueError):
                continue
        return out

    def threads(self, arch: ArchType) -> list[Thread]:
        """Threads with their state before the freeze and their registers (ptrace or ``/proc``)."""
        if self.freezer is not None:
            tids = sorted(set(self.freezer.result.stopped) | set(self.freezer.result.not_stopped))
        else:
            try:
                tids = procfs.list_tids(self.pid)
            except OSError:
                tids = []
        threads: list[Thread] = []
        for tid in tids:
            stat = self._pre_freeze.get(tid)
            if stat is None:
                try:
                    stat = procfs.read_stat(self.pid, tid)
                except (OSError, ValueError):
                    continue
            thread = Thread(tid=tid, name=procfs.thread_name(self.pid, tid),
                            state=int(procfs.thread_state(stat.state)),
                            start_time_ns=procfs.ticks_to_epoch_ns(stat.start_ticks))
            if self.freezer is not None:
                self._ptrace_registers(thread, ArchType(arch))
            else:
                self._syscall_registers(thread, ArchType(arch))
            threads.append(thread)
        return threads

    def _ptrace_registers(self, thread: Thread, arch_type: ArchType) -> None:
        assert self.freezer is not None
        raw = self.freezer.get_regset(thread.tid, regs.NT_PRSTATUS)
        gpr = regs.decode_gpr(arch_type, raw) if raw is not None else None
        if gpr is None:
            unknown = f"unknown register set of {len(raw)} bytes" if raw is not None else "registers unreadable"
            thread.note = self.freezer.result.not_stopped.get(thread.tid) or unknown
            return
        thread.registers = gpr
        fp = self.freezer.get_regset(thread.tid, regs.NT_PRFPREG)
        if fp is not None:
            thread.registers += regs.decode_fp(arch_type, fp)
        if arch_type == ArchType.X86_64:
            xstate = self.freezer.get_regset(thread.tid, regs.NT_X86_XSTATE, regs.XSTATE_MAX)
            if xstate is not None:
                thread.registers += regs.decode_xstate(xstate)
        if arch_type == ArchType.ARM64:
            tls = self.freezer.get_regset(thread.tid, regs.NT_ARM_TLS)
            if tls is not None:
                thread.registers += regs.decode_arm_tls(tls)
        thread.flags |= ThreadFlags.SUSPENDED

    def _syscall_registers(self, thread: Thread, arch_type: ArchType) -> None:
        sp_pc = procfs.syscall_sp_pc(self.pid, thread.tid)
        names = _SYSCALL_SP_PC.get(arch_type)
        if sp_pc is None or names is None:
            thread.note = "not frozen and running: no registers (a Thread Context needs PC and SP)"
            return
        width = 4 if arch_type in (ArchType.X86, ArchType.ARM32) else 8
        sp, pc = sp_pc
        thread.registers = [regs.Register(names[1], pc.to_bytes(width, "little"), int(RegisterRole.PC)),
                            regs.Register(names[0], sp.to_bytes(width, "little"), int(RegisterRole.SP))]
        thread.flags |= ThreadFlags.PARTIAL
        thread.note = "not frozen: PC and SP of the blocked thread from /proc (task/TID/syscall) only"

    # -- modules and the end -----------------------------------------------------------------
    def hash_module(self, module: Module, new_hasher: Callable[[], Hasher]) -> None:
        """Hash the mapped file through ``/proc/PID/map_files`` or ``/proc/PID/root``."""
        _hash_module(self.pid, module, new_hasher)

    def close(self) -> None:
        """Resume the target if still frozen and close the ``/proc`` files."""
        if self.frozen:
            self.resume()
        self.memory.close()

