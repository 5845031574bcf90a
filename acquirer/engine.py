"""Capture a live Linux process into a Memory Slice file.

Order of the blocks (the order memslicer 0.5.2 writes, format-catalogue section 5):
Process Identity (block 0, A1), Module List Index (block 1 with pre-assigned UUIDs, A2),
one Thread Context per thread (children of the Process Identity), the Memory Regions
(bounded chunks of each mapping, see :mod:`memslice.acquirer.pipeline`), the Module
Entries (children of the index, BlockUUIDs from it), the VAS Map and the End-of-Capture.
Format 1.0 has no Thread Context and no VAS Map; they are left out there.

Timing: the process is frozen (``--freeze``, ptrace) before the maps, registers and
memory are read and resumed as soon as the last Memory Region has been read and
written; the module files are hashed afterwards (they are on disk, not in the process).
The target is resumed on every path out of :func:`capture`: success, error and Ctrl-C.

Failures:

* nothing is created before the target has been found, its ``/proc`` read and (with
  ``--freeze``) every thread stopped, so a wrong PID, a name that matches several
  processes or a permission problem leave no file behind;
* the output (and ``--report``) destination is checked before anything else: a directory,
  a missing directory, a special file or an existing file without ``--force`` fail at once
  (:func:`memslice.atomic_output.check_destination`);
* the file is created new as ``OUT.<random>.partial`` (``O_EXCL|O_NOFOLLOW``, mode 0600, see
  :mod:`memslice.atomic_output`) and renamed to ``OUT`` when complete;
* a failed write (disk full, file size limit) truncates that partial file to the end of the
  last complete block, so its hash chain still verifies, keeps it, and raises
  :class:`~memslice.acquirer.errors.OutputWriteError` naming it;
* a stop request (Ctrl-C) lets the block being written finish, resumes the target and
  closes the file without End-of-Capture (readers see an incomplete capture).
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from memslice.acquirer import investigation as investigation_hooks
from memslice.acquirer.errors import (
    AccessDeniedError,
    AcquireError,
    OutputExistsError,
    OutputWriteError,
    TargetGoneError,
    TargetNotFoundError,
    UnsupportedTargetError,
    denied_hint,
)
from memslice.acquirer.linux import classify, libc, procfs, regs
from memslice.acquirer.linux.maps import Mapping, read_maps
from memslice.acquirer.linux.memory import ProcessMemory
from memslice.acquirer.linux.modules import Module, group_modules, hash_module
from memslice.acquirer.linux.ptrace import Freezer
from memslice.acquirer.linux.writeback import WritebackStarter
from memslice.acquirer.options import CaptureOptions
from memslice.acquirer.pipeline import ChunkReader
from memslice.acquirer.plan import RegionPlan, exclusion_reason
from memslice.acquirer.progress import Progress
from memslice.acquirer.report import AcquisitionReport, RegionReport, region_type_name
from memslice.generated.blocks import memory_region
from memslice.generated.blocks.module_entry import ModuleEntry
from memslice.generated.blocks.module_list_index import ModuleListIndex, ModuleManifestEntry
from memslice.generated.blocks.process_identity import ProcessIdentity
from memslice.generated.blocks.thread_context import RegisterEntry, ThreadContext
from memslice.generated.blocks.vas_map import VasEntry, VasMap
from memslice.generated.enums import (
    ENUM_NAMES,
    ArchType,
    BlockFlags,
    ClockSource,
    HeaderFlags,
    NameSource,
    OsType,
    RegisterRole,
    ThreadFlags,
)
from memslice.generated.framing import U16_STRING_MAX

from memslice.atomic_output import check_destination, write_error
from memslice.errors import DestinationExistsError, MslError, OutputError
from memslice.integrity import hasher_factory
from memslice.writer import MslWriter, cap_bitmap_for, new_uuid

_T = TypeVar("_T")
_PATH_MAX = U16_STRING_MAX
_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
_ARCH_NAMES = ENUM_NAMES["arch_type"]


@dataclass
class ThreadCapture:
    """One thread as it will be written.

    Attributes:
        tid: Thread id.
        name: Thread name (``comm``), or None.
        state: ThreadState before the freeze.
        start_time_ns: Start time (ns since the epoch), 0 if unknown.
        registers: Register values (empty when unavailable).
        flags: ThreadFlags.
        note: Why registers are missing or partial.
    """

    tid: int
    name: str | None
    state: int
    start_time_ns: int
    registers: list[regs.Register] = field(default_factory=list)
    flags: int = 0
    note: str | None = None


class _Interrupted(Exception):  # noqa: N818 - control flow, never leaves this module
    """A stop was requested (Ctrl-C)."""


def capture(target: int, options: CaptureOptions, *, stop: threading.Event | None = None,
            progress: Progress | None = None) -> AcquisitionReport:
    """Capture process ``target`` into ``options.output``.

    Args:
        target: PID (resolve names with :func:`memslice.acquirer.linux.target.resolve`).
        options: What to capture and how.
        stop: Set it (e.g. from a SIGINT handler) to stop after the block in flight; the
            file is then closed without End-of-Capture and the report says
            ``interrupted``.
        progress: Receives progress after every block.

    Returns:
        The acquisition report (outcome ``complete`` or ``interrupted``).

    Raises:
        TargetNotFoundError: No such process.
        AccessDeniedError: ``/proc`` or ptrace access refused.
        OutputExistsError: The output exists and ``options.force`` is false.
        OutputWriteError: The output or report destination cannot be used, or the file
            could not be written (the partial file is kept, verifiable up to its last
            complete block, and named in the error).
        TargetGoneError: The process exited before anything was captured.
    """
    return _Capture(target, options, stop or threading.Event(), progress).run()


class _Capture:
    """State of one capture (one instance per call of :func:`capture`)."""

    def __init__(self, pid: int, options: CaptureOptions, stop: threading.Event, progress: Progress | None) -> None:
        self.pid = pid
        self.options = options
        self.stop = stop
        self.progress = progress
        self.report = AcquisitionReport()
        self.writer: MslWriter | None = None
        self.freezer: Freezer | None = None
        self.memory = ProcessMemory(pid)
        self.is_11 = options.format_version == "1.1"
        self.frozen_at = 0.0
        self._types: dict[int, int] = {}
        self._guards: set[int] = set()
        self.investigation: investigation_hooks.investigate.Investigation | None = None
        self._omitted: list[tuple[Mapping, int, int]] = []

    # -- top level ------------------------------------------------------------------------
    def run(self) -> AcquisitionReport:
        opts = self.options
        if not sys.platform.startswith("linux"):
            raise UnsupportedTargetError(f"live capture needs Linux /proc and ptrace, not {sys.platform}")
        check_outputs(opts)
        started = time.perf_counter()
        identity = self._identity()
        self._record_options(identity)
        pre_freeze = self._thread_stats()
        self.investigation = investigation_hooks.collect(self.pid, opts)
        if self.investigation is not None:
            self.report.investigation = self.investigation.report()
        try:
            if opts.freeze:
                self.freezer = Freezer(self.pid)
                self.freezer.freeze()
                self.frozen_at = time.perf_counter()
            self._check_stop()
            mappings = self._maps()
            threads = self._threads(identity.arch, pre_freeze)
            modules = group_modules(mappings, self._starts_with_elf)
            plans = self._plan(mappings, modules, threads)
            self._open_writer(identity, plans, threads)
            self._body(identity, mappings, modules, threads, plans)
            self.report.outcome = "complete"
        except _Interrupted:
            self._close_interrupted()
        except BaseException as exc:
            self._close_failed()
            if isinstance(exc, AcquireError):
                exc.report = self.report
            raise
        finally:
            self._thaw()
            self.memory.close()
            self._finish_report(time.perf_counter() - started)
        return self.report

    def _body(self, identity: procfs.ProcessIdentityInfo, mappings: list[Mapping], modules: list[Module],
              threads: list[ThreadCapture], plans: list[RegionPlan]) -> None:
        module_uuids = [new_uuid() for _ in modules]
        pi_uuid = self._write(self._writer().add, self._process_identity(identity),
                              flags=BlockFlags.HAS_CHILDREN if threads and self.is_11 else 0)
        index = ModuleListIndex(entries=[
            ModuleManifestEntry(module_uuid=uid, base_addr=m.base, module_size=m.size, path=self._fit(m.path))
            for uid, m in zip(module_uuids, modules, strict=True)])
        index_uuid = self._write(self._writer().add, index, flags=BlockFlags.HAS_CHILDREN if modules else 0)
        if self.investigation is not None:
            investigation_hooks.write(self.investigation, lambda *a, **k: self._write(self._writer().add, *a, **k))
        if self.is_11:
            for thread in threads:
                self._write(self._writer().add, self._thread_context(thread), parent_uuid=pi_uuid)
        self._check_stop()
        self._memory(plans)
        self._thaw()
        omitted = investigation_hooks.omission_manifest(self._omitted, self.options) if self.is_11 else None
        if omitted is not None:
            self._write(self._writer().add, omitted)
        for uid, module in zip(module_uuids, modules, strict=True):
            self._check_stop()
            hash_module(self.pid, module, hasher_factory(0))
            self._write(self._writer().add, ModuleEntry(
                base_addr=module.base, module_size=module.size, path=self._fit(module.path), version=module.version,
                disk_hash=module.disk_hash, native_blob=module.native_blob), block_uuid=uid, parent_uuid=index_uuid)
            self.report.modules.append({
                "path": module.path, "base": f"0x{module.base:x}", "size": f"0x{module.size:x}",
                "version": module.version, "disk_hash": module.disk_hash.hex(), "hash_source": module.hash_source})
        self._check_stop()
        if self.is_11:
            self._write(self._writer().add, self._vas_map(mappings), compress=self.options.compression)
        self.report.output = str(self._write(self._writer().finish))

    # -- facts about the target -------------------------------------------------------------
    def _identity(self) -> procfs.ProcessIdentityInfo:
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
            self.report.warnings.append(f"registers of arch {_ARCH_NAMES.get(identity.arch, identity.arch)} are not "
                                        "decoded: no Thread Context blocks")
        return identity

    def _maps(self) -> list[Mapping]:
        try:
            mappings = read_maps(self.pid)
        except (FileNotFoundError, ProcessLookupError):
            mappings = []
        if not mappings:
            raise TargetGoneError(f"process {self.pid} exited before its memory could be read", pid=self.pid)
        return mappings

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

    def _threads(self, arch: int, pre_freeze: dict[int, procfs.Stat]) -> list[ThreadCapture]:
        if self.freezer is not None:
            tids = sorted(set(self.freezer.result.stopped) | set(self.freezer.result.not_stopped))
        else:
            try:
                tids = procfs.list_tids(self.pid)
            except OSError:
                tids = []
        threads: list[ThreadCapture] = []
        for tid in tids:
            stat = pre_freeze.get(tid)
            if stat is None:
                try:
                    stat = procfs.read_stat(self.pid, tid)
                except (OSError, ValueError):
                    continue
            thread = ThreadCapture(tid=tid, name=procfs.thread_name(self.pid, tid),
                                   state=int(procfs.thread_state(stat.state)),
                                   start_time_ns=procfs.ticks_to_epoch_ns(stat.start_ticks))
            self._registers(thread, arch)
            threads.append(thread)
        usable = [t for t in threads if regs.has_pc_and_sp(t.registers)]
        if usable:
            current = next((t for t in usable if t.tid == self.pid), usable[0])
            current.flags |= ThreadFlags.CURRENT
        for thread in threads:
            self.report.threads.append({
                "tid": thread.tid, "name": thread.name, "state": ENUM_NAMES["thread_state"].get(thread.state),
                "registers": len(thread.registers), "flags": thread.flags,
                "written": self.is_11 and regs.has_pc_and_sp(thread.registers), "note": thread.note})
        return threads

    def _registers(self, thread: ThreadCapture, arch: int) -> None:
        arch_type = ArchType(arch)
        if self.freezer is not None:
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
            return
        sp_pc = procfs.syscall_sp_pc(self.pid, thread.tid)
        names = {ArchType.X86_64: ("rsp", "rip"), ArchType.X86: ("esp", "eip"), ArchType.ARM64: ("sp", "pc"),
                 ArchType.ARM32: ("sp", "pc")}.get(arch_type)
        if sp_pc is None or names is None:
            thread.note = "not frozen and running: no registers (a Thread Context needs PC and SP)"
            return
        width = 4 if arch_type in (ArchType.X86, ArchType.ARM32) else 8
        sp, pc = sp_pc
        thread.registers = [regs.Register(names[1], pc.to_bytes(width, "little"), int(RegisterRole.PC)),
                            regs.Register(names[0], sp.to_bytes(width, "little"), int(RegisterRole.SP))]
        thread.flags |= ThreadFlags.PARTIAL
        thread.note = "not frozen: PC and SP of the blocked thread from /proc (task/TID/syscall) only"

    def _starts_with_elf(self, mapping: Mapping) -> bool:
        if not mapping.readable:
            return False
        buf = bytearray(_PAGE_SIZE)
        try:
            got = self.memory.read_ranges([(mapping.start, _PAGE_SIZE)], buf, libc.buffer_address(buf), 0)
        except OSError:
            return False
        return got >= 4 and buf[:4] == b"\x7fELF"

    def _plan(self, mappings: list[Mapping], modules: list[Module], threads: list[ThreadCapture]) -> list[RegionPlan]:
        module_starts = {m.start for module in modules for m in module.mappings}
        sps = [sp for t in threads if (sp := regs.role_value(t.registers, RegisterRole.SP)) is not None]
        types = {m.start: classify.region_type(m, module_starts, sps) for m in mappings}
        guards = classify.guard_mappings(mappings, types)
        plans: list[RegionPlan] = []
        for mapping in mappings:
            prot = classify.protection(mapping, guard=mapping.start in guards)
            rtype = types[mapping.start]
            reason = exclusion_reason(mapping, prot, rtype, self.options)
            if reason is not None:
                self.report.excluded.append({"start": f"0x{mapping.start:x}", "end": f"0x{mapping.end:x}",
                                             "perms": mapping.perms, "path": mapping.path, "reason": reason})
                self._omitted.append((mapping, prot, int(rtype)))
                continue
            plans.append(RegionPlan(mapping=mapping, protection=prot, region_type=rtype))
        self._types = {k: int(v) for k, v in types.items()}
        self._guards = guards
        return plans

    # -- building blocks --------------------------------------------------------------------------
    @staticmethod
    def _fit(text: str) -> str:
        raw = text.encode("utf-8", "surrogateescape")
        return text if len(raw) <= _PATH_MAX else raw[:_PATH_MAX].decode("utf-8", "ignore")

    def _process_identity(self, identity: procfs.ProcessIdentityInfo) -> ProcessIdentity:
        self.report.warnings.extend(identity.notes)
        return ProcessIdentity(ppid=identity.ppid, session_id=identity.session_id, start_time=identity.start_time_ns,
                               exe_path=identity.exe_path, cmd_line=identity.cmd_line)

    def _thread_context(self, thread: ThreadCapture) -> ThreadContext:
        return ThreadContext(
            thread_id=thread.tid, start_time=thread.start_time_ns, flags=thread.flags, state=thread.state, arch=0,
            name=thread.name, registers=[RegisterEntry(flags=r.roles, name=r.name, value=r.value)
                                         for r in thread.registers])

    def _vas_map(self, mappings: list[Mapping]) -> VasMap:
        entries = []
        for m in mappings:
            prot = classify.protection(m, guard=m.start in self._guards)
            entries.append(VasEntry(base_addr=m.start, region_size=m.size, protection=prot,
                                    region_type=self._types[m.start], mapped_path=self._fit(m.path) or None,
                                    name_source=NameSource.LIVE if m.path else NameSource.UNSPECIFIED))
        return VasMap(len_entry=0, entries=entries)

    # -- the file --------------------------------------------------------------------------------
    def _open_writer(self, identity: procfs.ProcessIdentityInfo, plans: list[RegionPlan],
                     threads: list[ThreadCapture]) -> None:
        blocks = {ProcessIdentity.BLOCK_TYPE, ModuleListIndex.BLOCK_TYPE}
        if plans:
            blocks.add(memory_region.BLOCK_TYPE)
        if self.is_11 and any(regs.has_pc_and_sp(t.registers) for t in threads):
            blocks.add(ThreadContext.BLOCK_TYPE)
        flags = 0
        if self.investigation is not None:
            blocks |= self.investigation.block_types()
            flags = HeaderFlags.INVESTIGATION
        caps = cap_bitmap_for(blocks)
        try:
            self.writer = MslWriter(
                self.options.output, format_version=self.options.format_version, compression=self.options.compression,
                cap_bitmap=int(caps), flags=int(flags), os_type=OsType.LINUX, arch_type=int(identity.arch),
                pid=self.pid, timestamp=self.report.timing.get("started_ns") or time.time_ns(),
                clock_source=ClockSource.CLOCK_REALTIME, overwrite=self.options.force,
                encryption=self.options.encryption)
        except OutputError as exc:
            raise _acquire_error(exc, self.pid) from None
        except OSError as exc:
            raise OutputWriteError(f"cannot create {self.options.output}: {exc.strerror}", pid=self.pid) from None
        self.report.output = str(self.writer.partial)
        threads[:] = [t for t in threads if regs.has_pc_and_sp(t.registers)]

    def _writer(self) -> MslWriter:
        assert self.writer is not None
        return self.writer

    def _write(self, method: Callable[..., _T], *args: Any, **kwargs: Any) -> _T:
        """Call a writer method; on an I/O failure keep the file verifiable and raise."""
        writer = self._writer()
        block_start = writer.bytes_written
        try:
            return method(*args, **kwargs)
        except (MslError, OSError) as exc:
            cause = exc if isinstance(exc, OSError) else exc.__cause__
            if not isinstance(cause, OSError):
                if isinstance(exc, OutputError):  # e.g. the output appeared meanwhile: the file is kept
                    if exc.kept:
                        self.report.output = exc.kept
                    raise _acquire_error(exc, self.pid) from None
                raise
            kept = writer.close_partial(block_start) if not writer.closed else writer.partial
            self.report.output = str(kept)
            what = ("ciphertext without its AEAD tag: it cannot be authenticated" if self.options.encryption
                    else "hash chain verifiable up to the last complete block")
            raise OutputWriteError(
                f"{write_error(cause, str(self.options.output)).message}; kept {kept} "
                f"({writer.bytes_written} bytes, {what})",
                partial=str(kept), pid=self.pid) from None

    def _close_keep_partial(self) -> None:
        """Close the writer's file descriptor without renaming or deleting the partial file."""
        writer = self._writer()
        if not writer.closed:
            writer.close_partial()

    # -- memory ------------------------------------------------------------------------------------
    def _memory(self, plans: list[RegionPlan]) -> None:
        reader = ChunkReader(self.memory, plans, page_size=_PAGE_SIZE, chunk_bytes=self.options.chunk_bytes,
                             queue_depth=self.options.queue_depth, not_resident=self.is_11,
                             frozen=self._all_stopped(), stop=threading.Event())
        self.report.read_method = self.memory.method
        log2 = _PAGE_SIZE.bit_length() - 1
        writeback = WritebackStarter(self._writer().fileno())
        bytes_done = 0
        regions_done = 0
        failed = 0
        reader.start()
        try:
            for chunk in reader.chunks():
                if self.stop.is_set():
                    reader.release(chunk)
                    break
                self._write(self._writer().add_memory_region, chunk.base, chunk.states, chunk.data,
                            page_size_log2=log2, protection=chunk.plan.protection,
                            region_type=int(chunk.plan.region_type), timestamp=chunk.timestamp)
                reader.release(chunk)
                writeback.advance(self._writer().bytes_written)
                stats = chunk.plan.stats
                stats.blocks += 1
                for digit in "0123":
                    stats.pages[digit] += chunk.states.count(digit)
                nbytes = len(chunk.data)
                stats.bytes_captured += nbytes
                stats.read_seconds += chunk.read_seconds
                stats.first_read_ns = stats.first_read_ns or chunk.timestamp
                stats.causes.extend(c for c in chunk.causes if c not in stats.causes)
                bytes_done += nbytes
                failed += chunk.states.count("1")
                regions_done += chunk.last
                if self.progress is not None:
                    self.progress.update(bytes_done=bytes_done, regions_done=regions_done, regions_total=len(plans),
                                         pages_failed=failed)
        finally:
            writeback.close()
            reader.drain()
            reader.join()
            if reader.gone_note:
                self.report.error("target", reader.gone_note + "; the pages not read by then are Unmapped")
            if self.memory.pagemap_error:
                self.report.warnings.append(f"{self.memory.pagemap_error}: untouched pages were read (no NotResident)")
            self._region_reports(plans)
        self._check_stop()

    def _all_stopped(self) -> bool:
        """Every thread is held stopped, so the mappings cannot change while we read."""
        return self.freezer is not None and self.freezer.frozen and not self.freezer.result.not_stopped

    def _region_reports(self, plans: list[RegionPlan]) -> None:
        for plan in plans:
            m = plan.mapping
            s = plan.stats
            self.report.regions.append(RegionReport(
                start=f"0x{m.start:x}", end=f"0x{m.end:x}", perms=m.perms, path=m.path, protection=plan.protection,
                region_type=region_type_name(int(plan.region_type)), blocks=s.blocks, pages=dict(s.pages),
                bytes_captured=s.bytes_captured, read_seconds=round(s.read_seconds, 6), timestamp_ns=s.first_read_ns,
                causes=s.causes))

    # -- ending ------------------------------------------------------------------------------------
    def _check_stop(self) -> None:
        if self.stop.is_set():
            raise _Interrupted

    def _thaw(self) -> None:
        if self.freezer is None:
            return
        if self.freezer.frozen or self.frozen_at:
            seconds = time.perf_counter() - self.frozen_at if self.frozen_at else 0.0
            problems = self.freezer.thaw()
            for problem in problems:
                self.report.error("resume", problem)
            if self.frozen_at:
                self.report.freeze["seconds"] = round(seconds, 3)
            self.frozen_at = 0.0

    def _close_interrupted(self) -> None:
        self.report.outcome = "interrupted"
        if self.writer is None:
            self.report.output = None
            return
        try:
            path = self.writer.close_incomplete()
        except (OSError, MslError) as exc:
            self.report.error("close", str(exc))
            self.report.output = getattr(exc, "kept", None)
            return
        self.report.output = str(path)

    def _close_failed(self) -> None:
        self.report.outcome = "failed"
        if self.writer is not None and not self.writer.closed:
            self._close_keep_partial()

    # -- report ------------------------------------------------------------------------------------
    def _record_options(self, identity: procfs.ProcessIdentityInfo) -> None:
        opts = self.options
        self.report.target = {"pid": self.pid, "ppid": identity.ppid, "session_id": identity.session_id,
                              "comm": identity.comm, "exe": identity.exe_path, "argv": identity.argv,
                              "start_time_ns": identity.start_time_ns,
                              "arch": _ARCH_NAMES.get(identity.arch, str(identity.arch))}
        self.report.options = {"output": str(opts.output), "compression": opts.compression,
                               "format_version": opts.format_version, "freeze": opts.freeze,
                               "filter_prot": opts.filter_prot,
                               "filter_addr": [f"0x{lo:x}-0x{hi:x}" for lo, hi in opts.filter_addr],
                               "scope": sorted(region_type_name(int(s)) for s in opts.scope) if opts.scope else None,
                               "chunk_bytes": opts.chunk_bytes}
        self.report.timing["started_ns"] = time.time_ns()

    def _finish_report(self, seconds: float) -> None:
        r = self.report
        r.timing.update({"ended_ns": time.time_ns(), "seconds": round(seconds, 3)})
        r.freeze.setdefault("frozen", self.freezer is not None and bool(self.freezer.result.stopped))
        if self.freezer is not None:
            res = self.freezer.result
            r.freeze.update({"threads_stopped": len(res.stopped), "vanished": res.vanished,
                             "not_stopped": {str(k): v for k, v in res.not_stopped.items()},
                             "stop_seconds": round(res.seconds, 4)})
        pages = {"0": 0, "1": 0, "2": 0, "3": 0}
        for region in r.regions:
            for k, v in region.pages.items():
                pages[k] += v
        size = 0
        if r.output:
            try:
                size = os.stat(r.output).st_size
            except OSError:
                size = 0
        r.timing["peak_rss_bytes"] = _peak_rss()
        r.totals = {"regions": len(r.regions), "region_blocks": sum(x.blocks for x in r.regions), "pages": pages,
                    "bytes_captured": sum(x.bytes_captured for x in r.regions),
                    "blocks": self.writer.blocks_written if self.writer else 0, "file_bytes": size,
                    "thread_contexts": sum(1 for t in r.threads if t["written"])}


def _peak_rss() -> int:
    """This process's peak resident memory (``VmHWM``: of its own address space only)."""
    text = procfs.read_text("/proc/self/status") or ""
    for line in text.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


def check_outputs(options: CaptureOptions, *, typed: tuple[str | None, str | None] = (None, None)) -> None:
    """Check the output and report destinations before anything is read or stopped.

    Args:
        options: The capture options.
        typed: The output and report paths exactly as the user typed them, when known
            (a :class:`~pathlib.Path` drops a trailing ``/``; messages quote these).

    Raises:
        OutputExistsError: A destination exists and ``options.force`` is false.
        OutputWriteError: A destination is a directory or a special file, its directory is
            missing or not writable, or the report and the output are the same file.
    """
    try:
        check_destination(typed[0] or options.output, force=options.force)
        if options.report is not None:
            check_destination(typed[1] or options.report, force=options.force)
    except OutputError as exc:
        raise _acquire_error(exc, None) from None
    if options.report is not None and os.path.abspath(options.report) == os.path.abspath(options.output):
        raise OutputWriteError(f"the report {options.report} and the output are the same file")


def _acquire_error(exc: OutputError, pid: int | None) -> AcquireError:
    """The acquirer's error (and exit code) for an output problem."""
    if isinstance(exc, DestinationExistsError):
        return OutputExistsError(exc.message, pid=pid)
    return OutputWriteError(exc.message, partial=exc.kept, pid=pid)
