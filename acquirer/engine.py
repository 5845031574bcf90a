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
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from memslice.acquirer import compress_ahead, copy_first
from memslice.acquirer import investigation as investigation_hooks
from memslice.acquirer.core.plan import CapturePlan, IdentityPlan, ModulePlan, ThreadPlan, VasPlan
from memslice.acquirer.core.write import AddBlock, Layout, Steps, write_capture
from memslice.acquirer.errors import (
    AcquireError,
    OutputExistsError,
    OutputWriteError,
)
from memslice.acquirer.linux.scratch import ScratchError, ScratchFile
from memslice.acquirer.linux.writeback import WritebackStarter
from memslice.acquirer.options import CaptureOptions
from memslice.acquirer.pipeline import ChunkReader
from memslice.acquirer.plan import RegionPlan, exclusion_reason
from memslice.acquirer.progress import Progress
from memslice.acquirer.report import AcquisitionReport, RegionReport, region_type_name
from memslice.acquirer.source import (
    CaptureSource,
    Mapping,
    Module,
    ProcessInfo,
    RegionFacts,
    Thread,
    UnsupportedOperation,
    has_pc_and_sp,
)
from memslice.generated.blocks import memory_region
from memslice.generated.blocks.module_list_index import ModuleListIndex
from memslice.generated.blocks.process_identity import ProcessIdentity
from memslice.generated.blocks.thread_context import ThreadContext
from memslice.generated.blocks.vas_map import VasEntry, VasMap
from memslice.generated.enums import (
    ENUM_NAMES,
    ClockSource,
    HeaderFlags,
    NameSource,
    ThreadFlags,
)
from memslice.generated.framing import U16_STRING_MAX

from memslice.atomic_output import AtomicFile, check_destination, write_error
from memslice.errors import DestinationExistsError, MslError, OutputError
from memslice.integrity import hasher_factory
from memslice.writer import MslWriter, PreparedBlock, cap_bitmap_for

_T = TypeVar("_T")
_PATH_MAX = U16_STRING_MAX
_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
_COMPRESS_WORKERS = 2  # threads compressing the next chunks while one is written (lz4 and zstd drop the GIL)
_COMPRESS_DEPTH = 4  # chunks compressed ahead at most: memory stays at a few chunks
_IN_PLACE_HEADROOM = 16 << 20  # reserved beyond the estimate: the blocks before the memory, block heads
_ARCH_NAMES = ENUM_NAMES["arch_type"]


ThreadCapture = Thread
"""One thread as it will be written (the seam's :class:`~memslice.acquirer.source.Thread`)."""


class _Interrupted(Exception):  # noqa: N818 - control flow, never leaves this module
    """A stop was requested (Ctrl-C)."""


def capture(source: CaptureSource, options: CaptureOptions, *, stop: threading.Event | None = None,
            progress: Progress | None = None) -> AcquisitionReport:
    """Capture the process behind ``source`` into ``options.output``.

    The source is closed on every path out (success, error, Ctrl-C), and the target
    resumed first when it was frozen.

    Args:
        source: The backend and its target, e.g.
            :class:`memslice.acquirer.linux.source.LinuxSource` (resolve names with
            :func:`memslice.acquirer.linux.target.resolve`).
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
    return _Capture(source, options, stop or threading.Event(), progress).run()


class _Capture:
    """State of one capture (one instance per call of :func:`capture`)."""

    def __init__(self, source: CaptureSource, options: CaptureOptions, stop: threading.Event,
                 progress: Progress | None) -> None:
        self.source = source
        self.pid = source.pid
        self.options = options
        self.stop = stop
        self.progress = progress
        self.report = AcquisitionReport()
        self.writer: MslWriter | None = None
        self.frozen = False
        self.memory = getattr(source, "memory", None)  # the Linux fast path's reader (pipeline.ChunkReader)
        self.is_11 = options.format_version == "1.1"
        self.frozen_at = 0.0
        self._facts: RegionFacts = {}
        self.investigation: Any | None = None  # linux.investigate.Investigation, from the source
        self._omitted: list[tuple[Mapping, int, int]] = []
        self.scratch: ScratchFile | None = None
        self._scratch_closing: threading.Thread | None = None
        self._early: AtomicFile | None = None
        self._bytes_done = self._regions_done = self._failed = self._plans_total = 0

    # -- top level ------------------------------------------------------------------------
    def run(self) -> AcquisitionReport:
        opts = self.options
        started = time.perf_counter()
        try:
            check_outputs(opts)
            identity = self.source.identity()
        except BaseException:
            self.source.close()
            raise
        self.report.warnings.extend(identity.warnings)
        self._record_options(identity)
        try:
            self.investigation = investigation_hooks.collect(self.source, opts)
            if self.investigation is not None:
                self.report.investigation = self.investigation.report()
            self._prepare_copy_first()  # inside: whatever happens, an early capture file is removed below
            if opts.freeze:
                self._freeze()
            self._check_stop()
            mappings = self.source.mappings()
            threads = self._threads(identity.arch)
            modules = self.source.modules(mappings)
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
            self.source.close()
            if self.scratch is not None:
                self.scratch.close()
            if self._scratch_closing is not None:
                self._scratch_closing.join()
            if self._early is not None and self.writer is None:  # never handed to a writer: remove it
                self._early.discard()
            self._finish_report(time.perf_counter() - started)
        return self.report

    def _body(self, identity: ProcessInfo, mappings: list[Mapping], modules: list[Module],
              threads: list[Thread], plans: list[RegionPlan]) -> None:
        plan = self._capture_plan(identity, mappings, modules, threads, plans)
        layout = Layout(index_always=True, modules_after_memory=True)
        result = write_capture(plan, _LiveOut(self), self._memory_step, layout=layout, steps=_LiveSteps(self))
        self.report.output = str(result)

    def _memory_step(self, regions: Sequence[RegionPlan]) -> None:
        plans = list(regions)
        if self.memory is not None:
            copied = self._copy_first(plans)  # while frozen; None: read while writing (streaming)
            if copied is not None:
                self._thaw()
            self._check_stop()
            self._memory(plans, copied)
        else:
            self._memory_from_source(plans)

    def _capture_plan(self, identity: ProcessInfo, mappings: list[Mapping], modules: list[Module],
                      threads: list[Thread], plans: list[RegionPlan]) -> CapturePlan:
        """The shared plan of this capture (format 1.0 has no Thread Context and no VAS Map)."""
        self.report.warnings.extend(identity.notes)
        ident = IdentityPlan(ppid=identity.ppid, session_id=identity.session_id, start_time=identity.start_time_ns,
                             exe_path=identity.exe_path, cmd_line=identity.cmd_line)
        module_plans = [ModulePlan(base=m.base, size=m.size, path=self._fit(m.path), version=m.version,
                                   native_blob=m.native_blob, source=m) for m in modules]
        thread_plans = [ThreadPlan(thread_id=t.tid, flags=t.flags, registers=t.registers, state=t.state,
                                   name=t.name, start_time=t.start_time_ns) for t in threads] if self.is_11 else []
        vas: list[VasPlan] = []
        if self.is_11:
            for m in mappings:
                prot, rtype = self._facts[m.start]
                vas.append(VasPlan(base=m.start, size=m.size, protection=prot, region_type=int(rtype),
                                   path=self._fit(m.path) or None))
        return CapturePlan(os_type=self.source.os_type, arch_type=int(identity.arch), pid=self.pid,
                           identity=ident, modules=module_plans, threads=thread_plans, regions=plans, vas=vas)

    # -- facts about the target -------------------------------------------------------------
    def _freeze(self) -> None:
        if not self.source.can_freeze:
            self.report.warnings.append(f"the {self.source.name} backend cannot freeze the target: captured running")
            return
        self.frozen = True  # from the first attempt on: a freeze that fails half-way is undone too
        try:
            self.source.freeze()
        except UnsupportedOperation as exc:
            self.frozen = False
            self.report.warnings.append(f"not frozen: {exc}")
            return
        self.frozen_at = time.perf_counter()

    def _threads(self, arch: int) -> list[Thread]:
        threads = self.source.threads(arch)
        usable = [t for t in threads if has_pc_and_sp(t.registers)]
        if usable:
            current = next((t for t in usable if t.tid == self.pid), usable[0])
            current.flags |= ThreadFlags.CURRENT
        for thread in threads:
            self.report.threads.append({
                "tid": thread.tid, "name": thread.name, "state": ENUM_NAMES["thread_state"].get(thread.state),
                "registers": len(thread.registers), "flags": thread.flags,
                "written": self.is_11 and has_pc_and_sp(thread.registers), "note": thread.note})
        return threads

    def _plan(self, mappings: list[Mapping], modules: list[Module], threads: list[Thread]) -> list[RegionPlan]:
        facts = self.source.region_facts(mappings, modules, threads)
        plans: list[RegionPlan] = []
        for mapping in mappings:
            prot, rtype = facts[mapping.start]
            reason = exclusion_reason(mapping, prot, rtype, self.options)
            if reason is not None:
                self.report.excluded.append({"start": f"0x{mapping.start:x}", "end": f"0x{mapping.end:x}",
                                             "perms": mapping.perms, "path": mapping.path, "reason": reason})
                self._omitted.append((mapping, prot, int(rtype)))
                continue
            plans.append(RegionPlan.for_mapping(mapping, prot, rtype))
        self._facts = facts
        return plans

    # -- building blocks --------------------------------------------------------------------------
    @staticmethod
    def _fit(text: str) -> str:
        raw = text.encode("utf-8", "surrogateescape")
        return text if len(raw) <= _PATH_MAX else raw[:_PATH_MAX].decode("utf-8", "ignore")

    # -- the file --------------------------------------------------------------------------------
    def _open_writer(self, identity: ProcessInfo, plans: list[RegionPlan], threads: list[Thread]) -> None:
        blocks = {ProcessIdentity.BLOCK_TYPE, ModuleListIndex.BLOCK_TYPE}
        if plans:
            blocks.add(memory_region.BLOCK_TYPE)
        if self.is_11 and any(has_pc_and_sp(t.registers) for t in threads):
            blocks.add(ThreadContext.BLOCK_TYPE)
        flags = 0
        if self.investigation is not None:
            blocks |= self.investigation.block_types()
            flags = HeaderFlags.INVESTIGATION
        caps = cap_bitmap_for(blocks)
        try:
            self.writer = MslWriter(
                self.options.output, format_version=self.options.format_version, compression=self.options.compression,
                cap_bitmap=int(caps), flags=int(flags), os_type=self.source.os_type, arch_type=int(identity.arch),
                pid=self.pid, timestamp=self.report.timing.get("started_ns") or time.time_ns(),
                clock_source=ClockSource.CLOCK_REALTIME, overwrite=self.options.force,
                encryption=self.options.encryption, atomic_file=self._early)
        except OutputError as exc:
            raise _acquire_error(exc, self.pid) from None
        except OSError as exc:
            raise OutputWriteError(f"cannot create {self.options.output}: {exc.strerror}", pid=self.pid) from None
        self.report.output = str(self.writer.partial)
        threads[:] = [t for t in threads if has_pc_and_sp(t.registers)]

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
    def _prepare_copy_first(self) -> None:
        """Before the freeze: reserve and fault in the scratch copy (``--freeze``, not encrypted).

        Encrypted captures never put plaintext on disk, so they stream (read while writing)
        as does ``--no-freeze``; so does a capture whose scratch space cannot be reserved
        (with a warning).
        """
        opts = self.options
        if not opts.freeze or opts.encryption is not None or self.memory is None or not self.source.can_freeze:
            return
        expected = copy_first.estimate(self.pid, opts, not_resident=self.is_11)
        try:
            if opts.compression == "none":  # copy in place: the capture file itself, mapped and preallocated
                self._early = AtomicFile(opts.output, force=opts.force, readable=True)
                self.scratch = ScratchFile(opts.output, expected + _IN_PLACE_HEADROOM, opts.chunk_bytes,
                                           fd=self._early.fd)
            else:
                self.scratch = ScratchFile(opts.output, expected, opts.chunk_bytes)
        except (ScratchError, OutputError, OSError) as exc:
            self.report.warnings.append(f"no scratch space for a copy-first capture ({exc}); the target stays "
                                        "frozen while the capture is written")
            self.scratch = None
            if self._early is not None:
                self._early.discard()
                self._early = None

    def _copy_first(self, plans: list[RegionPlan]) -> list[copy_first.CopiedChunk] | None:
        """Copy every planned page into the scratch file while frozen; None when streaming."""
        if self.scratch is None or not self._all_stopped():
            return None
        copier: copy_first.SnapshotCopier
        if self._early is not None:
            writer = self._writer()
            log2 = _PAGE_SIZE.bit_length() - 1
            copier = copy_first.InPlaceCopier(
                self.memory, plans, self.scratch, start=writer.bytes_written,
                head_size=lambda pages: writer.region_head_size(pages, log2), page_size=_PAGE_SIZE,
                chunk_bytes=self.options.chunk_bytes, not_resident=self.is_11, frozen=True)
        else:
            copier = copy_first.SnapshotCopier(self.memory, plans, self.scratch, page_size=_PAGE_SIZE,
                                               chunk_bytes=self.options.chunk_bytes, not_resident=self.is_11,
                                               frozen=True)
        self.report.read_method = self.memory.method
        started = time.perf_counter()
        try:
            copied = copier.copy(self.stop.is_set)
        except ScratchError as exc:
            raise OutputWriteError(f"copying the target's memory into {self.options.output}'s directory: "
                                   f"{exc.strerror}", pid=self.pid) from None
        self.report.freeze["copy_seconds"] = round(time.perf_counter() - started, 4)
        self.report.freeze["copy_first"] = True
        if copier.gone_note:
            self.report.error("target", copier.gone_note + "; the pages not read by then are Unmapped")
        return copied

    def _memory(self, plans: list[RegionPlan], copied: list[copy_first.CopiedChunk] | None = None) -> None:
        self._bytes_done = self._regions_done = self._failed = 0
        self._plans_total = len(plans)
        if copied is not None:
            self._memory_from_copy(plans, copied)
            return
        reader = ChunkReader(self.memory, plans, page_size=_PAGE_SIZE, chunk_bytes=self.options.chunk_bytes,
                             queue_depth=self.options.queue_depth, not_resident=self.is_11,
                             frozen=self._all_stopped(), stop=threading.Event())
        self.report.read_method = self.memory.method
        writeback = WritebackStarter(self._writer().fileno())
        reader.start()
        try:
            for chunk in reader.chunks():
                if self.stop.is_set():
                    reader.release(chunk)
                    break
                self._region_block(chunk.plan, chunk.base, chunk.states, chunk.data, chunk.timestamp,
                                   chunk.read_seconds, chunk.causes, chunk.last)
                reader.release(chunk)
                writeback.advance(self._writer().bytes_written)
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

    def _memory_from_source(self, plans: list[RegionPlan]) -> None:
        """The memory step for a backend without the Linux fast path: ``source.read_pages`` per chunk."""
        page = self.source.page_size
        log2 = page.bit_length() - 1
        chunk_pages = max(1, self.options.chunk_bytes // page)
        buf = bytearray(chunk_pages * page)
        view = memoryview(buf)
        self.report.read_method = self.source.read_method
        self._bytes_done = self._regions_done = self._failed = 0
        self._plans_total = len(plans)
        for plan in plans:
            end = plan.start + plan.size
            for base in range(plan.start, end, chunk_pages * page):
                self._check_stop()
                pages = min(chunk_pages, (end - base) // page)
                started = time.perf_counter()
                timestamp = time.time_ns()
                states = self.source.read_pages(base, pages, view[:pages * page])
                data = (view[:pages * page] if states.count("0") == pages else
                        memoryview(b"".join(view[i * page:(i + 1) * page] for i, st in enumerate(states) if st == "0")))
                self._region_block(plan, base, states, data, timestamp, time.perf_counter() - started, [],
                                   base + pages * page >= end, page_size_log2=log2)
        gone = getattr(self.source, "gone", None)  # a backend that lost its target mid-capture says why
        if gone:
            self.report.error("target", f"{gone}; the pages not read by then are Unmapped")
        self._region_reports(plans)

    def _memory_from_copy(self, plans: list[RegionPlan], copied: list[copy_first.CopiedChunk]) -> None:
        """Write the Memory Regions from the scratch copy (the target runs again by now).

        Compressed captures prepare (compress) the next chunks on :data:`_COMPRESS_WORKERS`
        threads while this one hashes and writes (:mod:`~memslice.acquirer.compress_ahead`).
        """
        scratch = self.scratch
        assert scratch is not None
        writer = self._writer()
        writeback = WritebackStarter(writer.fileno())
        compressing = writer.compression != 0
        blocks = compress_ahead.prepared_in_order(
            copied, self._prepare_region,
            lambda chunk: scratch.view(chunk.offset, chunk.nbytes) if chunk.nbytes else memoryview(b""),
            workers=_COMPRESS_WORKERS if compressing else 0, depth=_COMPRESS_DEPTH)
        try:
            for chunk, prepared in blocks:
                if self.stop.is_set():
                    break
                if chunk.block_offset >= 0 and chunk.block_offset != writer.bytes_written:
                    raise AcquireError(f"internal: block planned at {chunk.block_offset}, file at "
                                       f"{writer.bytes_written}", pid=self.pid)
                self._write(writer.append_prepared, prepared)
                self._account(chunk.plan, chunk.states, chunk.nbytes, chunk.timestamp, chunk.read_seconds,
                              chunk.causes, chunk.last)
                if chunk.block_offset >= 0:  # in place: our mapping of the file's pages both hashes passed
                    settled = writer.hashed_through
                    scratch.drop(0, settled)
                    writeback.advance(settled)  # writing back a page still mapped stops our threads
                else:
                    scratch.drop(chunk.offset, chunk.nbytes)
                    writeback.advance(writer.bytes_written)
        finally:
            writer.settle()  # the running hash may still read the last chunk's pages
            blocks.close()
            writeback.close()
            self._scratch_closing = scratch.close_in_background()  # freed while modules are hashed and fsync runs
            if self.memory.pagemap_error:
                self.report.warnings.append(f"{self.memory.pagemap_error}: untouched pages were read (no NotResident)")
            self._region_reports(plans)
        self._check_stop()

    def _prepare_region(self, chunk: copy_first.CopiedChunk, data: memoryview) -> list[PreparedBlock]:
        """The blocks of one copied chunk (on a worker thread when compressing)."""
        plan = chunk.plan
        return self._writer().prepare_memory_region(
            chunk.base, chunk.states, data, page_size_log2=_PAGE_SIZE.bit_length() - 1, protection=plan.protection,
            region_type=int(plan.region_type), timestamp=chunk.timestamp,
            in_place=chunk.block_offset >= 0 and bool(len(data)))

    def _region_block(self, plan: RegionPlan, base: int, states: str, data: memoryview, timestamp: int,
                      read_seconds: float, causes: list[str], last: bool,
                      page_size_log2: int = _PAGE_SIZE.bit_length() - 1) -> None:
        """Write one chunk as a Memory Region block and account for it."""
        self._write(self._writer().add_memory_region, base, states, data,
                    page_size_log2=page_size_log2, protection=plan.protection,
                    region_type=int(plan.region_type), timestamp=timestamp)
        self._account(plan, states, len(data), timestamp, read_seconds, causes, last)

    def _account(self, plan: RegionPlan, states: str, nbytes: int, timestamp: int, read_seconds: float,
                 causes: list[str], last: bool) -> None:
        """Count one written chunk in its region's statistics and the progress display."""
        stats = plan.stats
        stats.blocks += 1
        for digit in "0123":
            stats.pages[digit] += states.count(digit)
        stats.bytes_captured += nbytes
        stats.read_seconds += read_seconds
        stats.first_read_ns = stats.first_read_ns or timestamp
        stats.causes.extend(c for c in causes if c not in stats.causes)
        self._bytes_done += nbytes
        self._failed += states.count("1")
        self._regions_done += last
        if self.progress is not None:
            self.progress.update(bytes_done=self._bytes_done, regions_done=self._regions_done,
                                 regions_total=self._plans_total, pages_failed=self._failed)

    def _all_stopped(self) -> bool:
        """Every thread is held stopped, so the mappings cannot change while we read."""
        return self.frozen and self.source.all_stopped()

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
        if not self.frozen:
            return
        if self.source.frozen or self.frozen_at:
            seconds = time.perf_counter() - self.frozen_at if self.frozen_at else 0.0
            problems = self.source.resume()
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
    def _record_options(self, identity: ProcessInfo) -> None:
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
        res = self.source.freeze_result()
        r.freeze.setdefault("frozen", res is not None and bool(res.stopped))
        if res is not None:
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


class _LiveOut:
    """The capture's file (:class:`~memslice.acquirer.core.write.BlockOut`).

    Every write goes through :meth:`_Capture._write`, so a failed write keeps a verifiable
    partial file.
    """

    def __init__(self, cap: _Capture) -> None:
        self.cap = cap

    def add(self, payload: Any, **kwargs: Any) -> bytes:
        return self.cap._write(self.cap._writer().add, payload, **kwargs)

    def write_vas(self, vas: Sequence[VasPlan]) -> None:
        entries = [VasEntry(base_addr=v.base, region_size=v.size, protection=v.protection, region_type=v.region_type,
                            mapped_path=v.path, name_source=NameSource.LIVE if v.path else NameSource.UNSPECIFIED)
                   for v in vas]
        self.add(VasMap(len_entry=0, entries=entries), compress=self.cap.options.compression)

    def finish(self) -> Any:
        return self.cap._write(self.cap._writer().finish)


class _LiveSteps(Steps):
    """Live capture's hooks: investigation tables, Ctrl-C, resume, omissions, module hashing."""

    def __init__(self, cap: _Capture) -> None:
        self.cap = cap

    def after_index(self, add: AddBlock) -> None:
        if self.cap.investigation is not None:
            investigation_hooks.write(self.cap.investigation, add)

    def checkpoint(self) -> None:
        self.cap._check_stop()

    def after_memory(self, add: AddBlock) -> None:
        cap = self.cap
        cap._thaw()
        omitted = investigation_hooks.omission_manifest(cap._omitted, cap.options) if cap.is_11 else None
        if omitted is not None:
            add(omitted)

    def before_module(self, module: ModulePlan) -> None:
        source_module: Module = module.source
        self.cap.source.hash_module(source_module, hasher_factory(0))
        module.disk_hash = source_module.disk_hash

    def after_module(self, module: ModulePlan) -> None:
        m: Module = module.source
        self.cap.report.modules.append({
            "path": m.path, "base": f"0x{m.base:x}", "size": f"0x{m.size:x}",
            "version": m.version, "disk_hash": m.disk_hash.hex(), "hash_source": m.hash_source})


def _peak_rss() -> int:
    """This process's peak resident memory (``VmHWM``: of its own address space only)."""
    try:
        with open("/proc/self/status", encoding="utf-8", errors="replace") as handle:
            text = handle.read()
    except OSError:
        return 0
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
