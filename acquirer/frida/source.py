"""The Frida backend of the capture seam (``msl capture --backend frida``).

:class:`FridaSource` implements :class:`memslice.acquirer.source.CaptureSource` with Frida 17:
a local process (``frida.get_local_device()``) or, through a frida-server, a process on a USB
or remote device (Windows, macOS, Android, iOS). What it gives:

* identity: pid, ppid (``getppid`` where the platform has it), name and path of the main
  module, arch, command line (Linux/Android only);
* mappings: ``Process.enumerateRanges`` (every range, protection and mapped file); on
  Linux/Android the names, shared flag, device and inode come from ``/proc/self/maps`` for the
  ranges Frida lists (Frida hides its own agent's memory, so it is never captured);
* threads: ``Process.enumerateThreads`` with their CPU context, mapped onto the Linux
  backend's register tables (:mod:`memslice.acquirer.frida.registers`);
* modules: ``Process.enumerateModules`` (path, base, size); module files are hashed only for
  a local Linux process (through ``/proc/PID/map_files``, as the Linux backend does);
* memory: each page judged in the target by a guarded one-byte read (Captured, Failed, or
  Unmapped when no range holds it any more), the readable runs sent by the kernel from the
  target's memory into the stream (``writeMemoryRegion``: no copy in the target, and a page
  unmapped meanwhile fails the send with EFAULT instead of faulting the target; the stream
  is then reopened and the chunk judged again); a bounded
  read-ahead inside the mapping being read, received straight into the caller's buffer.

There is no freeze: Frida cannot hold the whole process stopped, so the capture is live
(the engine records "captured running"); each Memory Region carries the time it was read.
Investigation tables are not collected by this backend.
"""

from __future__ import annotations

import bisect
import shlex
from collections import deque
from collections.abc import Callable, Sequence
from typing import Any

from memslice.acquirer.errors import AmbiguousTargetError, TargetGoneError, TargetNotFoundError
from memslice.acquirer.frida import registers
from memslice.acquirer.frida.session import DeviceSpec, FridaSession, StreamBroken, get_device
from memslice.acquirer.linux import classify
from memslice.acquirer.linux.maps import parse_maps
from memslice.acquirer.linux.modules import hash_module as linux_hash_module
from memslice.acquirer.linux.modules import soname_version
from memslice.acquirer.linux.procfs import CMDLINE_MAX
from memslice.acquirer.options import CaptureOptions
from memslice.acquirer.source import (
    FreezeResult,
    Mapping,
    Module,
    ProcessInfo,
    RegionFacts,
    Thread,
    UnsupportedOperation,
    role_value,
)
from memslice.generated.enums import ArchType, OsType, RegisterRole, ThreadFlags, ThreadState

from memslice.integrity import Hasher

READ_AHEAD = 2
"""Requests the agent may work on beyond the one being received (bounds memory on both sides)."""
_RETRIES = 3

_OS_IDS = {"windows": OsType.WINDOWS, "linux": OsType.LINUX, "macos": OsType.MACOS, "android": OsType.ANDROID,
           "ios": OsType.IOS, "freebsd": OsType.FREEBSD, "darwin": OsType.MACOS}
_STATES = {"running": ThreadState.RUNNING, "stopped": ThreadState.STOPPED, "waiting": ThreadState.WAITING,
           "uninterruptible": ThreadState.UNINTERRUPTIBLE, "halted": ThreadState.HALTED}


def resolve_target(spec: DeviceSpec, text: str) -> int:
    """``PID`` or the name of exactly one process on the Frida device -> PID.

    Raises:
        TargetNotFoundError: No process of that name.
        AmbiguousTargetError: Several processes of that name.
    """
    if text.isdigit():
        return int(text)
    found = [p.pid for p in get_device(spec).enumerate_processes() if p.name == text]
    if not found:
        raise TargetNotFoundError(f"no process named {text!r} on the Frida device {spec.describe()}")
    if len(found) > 1:
        raise AmbiguousTargetError(f"{len(found)} processes named {text!r} on {spec.describe()}: "
                                   f"{', '.join(map(str, sorted(found)))}; give a PID")
    return found[0]


class FridaSource:
    """A process reached through Frida, as a capture source.

    Args:
        pid: The target's process id on the device.
        device: Where it runs (default: this machine).
        not_resident: Mark never-touched private anonymous pages NotResident without reading
            them (format 1.1; Linux and Android targets, from ``/proc/self/pagemap``).

    Raises:
        FridaUnavailableError: frida is not installed.
        TargetNotFoundError, AccessDeniedError, TargetGoneError: Attaching failed.
    """

    name = "frida"
    read_method = "frida agent (page probe, writeMemoryRegion over TCP)"

    def __init__(self, pid: int, device: DeviceSpec | None = None, *, not_resident: bool = False) -> None:
        self.pid = pid
        self.not_resident = not_resident
        self.device_spec = device or DeviceSpec()
        self._device = get_device(self.device_spec)
        self.session = FridaSession(self._device, pid, local=self.device_spec.kind == "local")
        try:
            self._info: dict[str, Any] = self.session.call("identity")
        except BaseException:
            self.session.close()
            raise
        self.page_size = int(self._info["pageSize"])
        self.platform = str(self._info["platform"])
        self.os_type = int(self._os_type())
        self._mappings: list[Mapping] = []
        self._starts: list[int] = []
        self._pending: deque[tuple[int, int, int]] = deque()
        self.gone: str | None = None
        self.stream_restarts = 0
        """Times the data stream was reopened because a page vanished between its probe and its send."""
        """Why the session ended during the capture (the pages not read by then are Unmapped), or None."""

    def _os_type(self) -> OsType:
        try:
            os_id = str(self._device.query_system_parameters().get("os", {}).get("id", ""))
        except Exception:  # noqa: BLE001 - an old frida-server without system parameters: fall back
            os_id = ""
        return _OS_IDS.get(os_id) or _OS_IDS.get(self.platform, OsType.LINUX)

    # -- identity ----------------------------------------------------------------------------
    def identity(self) -> ProcessInfo:
        """pid, ppid, main module name and path, arch and (Linux) command line from the agent."""
        info = self._info
        arch = registers.ARCHES.get(str(info["arch"]))
        warnings = [f"Frida backend on {self.device_spec.describe()} ({self.platform}): no freeze, the process "
                    "ran during the capture"]
        if arch is None:
            warnings.append(f"arch {info['arch']} has no ArchType here: recorded as x86-64, no Thread Context")
        argv = [a for a in str(info.get("cmdline") or "").split("\0")]
        if argv and argv[-1] == "":
            argv.pop()
        cmd_line = shlex.join(argv) if argv else None
        notes = []
        if cmd_line is not None and len(cmd_line.encode("utf-8", "surrogateescape")) > CMDLINE_MAX:
            cmd_line = cmd_line.encode("utf-8", "surrogateescape")[:CMDLINE_MAX].decode("utf-8", "ignore")
            notes.append(f"command line truncated to {CMDLINE_MAX} bytes (u16 CmdLineLen)")
        return ProcessInfo(pid=int(info["pid"]), ppid=int(info["ppid"] or 0), session_id=0, start_time_ns=0,
                           comm=str(info.get("name") or ""), exe_path=str(info.get("path") or ""), argv=argv,
                           cmd_line=cmd_line, arch=arch or ArchType.X86_64, notes=notes, warnings=warnings)

    def investigate(self, options: CaptureOptions) -> Any | None:
        """Not offered by this backend."""
        if not options.investigate:
            return None
        raise UnsupportedOperation("investigation tables are collected by the Linux backend only")

    # -- freezing: not available -----------------------------------------------------------------
    @property
    def can_freeze(self) -> bool:
        """Frida cannot hold every thread of the process stopped."""
        return False

    def freeze(self) -> FreezeResult:
        """Always refused.

        Raises:
            UnsupportedOperation: Always.
        """
        raise UnsupportedOperation("Frida cannot stop every thread of the target")

    @property
    def frozen(self) -> bool:
        """Never."""
        return False

    def freeze_result(self) -> FreezeResult | None:
        """None: there is no freeze."""
        return None

    def all_stopped(self) -> bool:
        """Never: the target runs."""
        return False

    def resume(self) -> list[str]:
        """Nothing to resume."""
        return []

    # -- the address space -------------------------------------------------------------------
    def mappings(self) -> list[Mapping]:
        """Frida's ranges (named from ``/proc/self/maps`` on Linux/Android)."""
        answer = self.session.call("ranges")
        native = {m.start: m for m in parse_maps(answer["maps"].encode("utf-8", "surrogateescape"))} \
            if answer.get("maps") else {}
        out: list[Mapping] = []
        for r in answer["ranges"]:
            start = int(r["base"], 16)
            end = start + int(r["size"])
            line = native.get(start)
            if line is not None and line.end == end:
                out.append(line)
                continue
            prot = str(r["protection"])
            f = r.get("file") or {}
            path = str(f.get("path") or "") if line is None else line.path
            perms = prot + (line.perms[3] if line is not None else "p")
            text = f"{start:x}-{end:x} {perms} {int(f.get('offset') or 0):08x} {path}".rstrip()
            out.append(Mapping(start=start, end=end, perms=perms, offset=int(f.get("offset") or 0),
                               dev=line.dev if line is not None else "", inode=line.inode if line is not None else 0,
                               path=path, line=text.encode("utf-8", "surrogateescape")))
        out.sort(key=lambda m: m.start)
        if not out:
            raise TargetGoneError(f"process {self.pid} has no memory ranges Frida can see", pid=self.pid)
        self._mappings = out
        self._starts = [m.start for m in out]
        return out

    def modules(self, mappings: Sequence[Mapping]) -> list[Module]:
        """``Process.enumerateModules``, each with the mappings inside its [base, base + size)."""
        out: list[Module] = []
        for m in self.session.call("modules"):
            base, size, path = int(m["base"], 16), int(m["size"]), str(m.get("path") or m.get("name") or "")
            inside = [x for x in mappings if base <= x.start < base + size]
            out.append(Module(path=path, base=base, size=size, mappings=inside, version=soname_version(path)))
        out.sort(key=lambda m: m.base)
        return out

    def region_facts(self, mappings: Sequence[Mapping], modules: Sequence[Module],
                     threads: Sequence[Thread]) -> RegionFacts:
        """Protection and RegionType by the Linux backend's rules (names, permissions, stack pointers)."""
        module_starts = {m.start for module in modules for m in module.mappings}
        sps = [sp for t in threads if (sp := role_value(t.registers, RegisterRole.SP)) is not None]
        types = {m.start: classify.region_type(m, module_starts, sps) for m in mappings}
        guards = classify.guard_mappings(list(mappings), types)
        return {m.start: (classify.protection(m, guard=m.start in guards), types[m.start]) for m in mappings}

    # -- threads -----------------------------------------------------------------------------
    def threads(self, arch: ArchType) -> list[Thread]:
        """Every thread Frida lists (its own are hidden), with the registers of its CPU context."""
        out: list[Thread] = []
        for t in self.session.call("threads"):
            regs, complete = registers.from_context(ArchType(arch), t.get("registers") or {})
            thread = Thread(tid=int(t["id"]), name=t.get("name"), state=int(_STATES.get(t.get("state"), 0)),
                            start_time_ns=0, registers=regs)
            if not complete:
                thread.flags |= ThreadFlags.PARTIAL
                thread.note = "Frida's CPU context: flags, segment and TLS registers are not provided"
            out.append(thread)
        out.sort(key=lambda t: t.tid)
        return out

    # -- memory ------------------------------------------------------------------------------
    def _mapping_at(self, address: int) -> Mapping | None:
        i = bisect.bisect_right(self._starts, address) - 1
        if i >= 0 and self._mappings[i].start <= address < self._mappings[i].end:
            return self._mappings[i]
        return None

    def read_pages(self, address: int, pages: int, out: memoryview) -> str:
        """Read through the agent; the next chunks of the same mapping are requested ahead."""
        mapping = self._mapping_at(address)
        if mapping is None or self.gone is not None:
            return "2" * pages
        if not mapping.readable and not (self.not_resident and mapping.is_private_anonymous):
            return "1" * pages  # not read; private anonymous ones go to pagemap: untouched 3, else 1
        try:
            for _attempt in range(_RETRIES):
                try:
                    return self._read(mapping, address, pages, out)
                except StreamBroken:  # a page vanished between its probe and its send: judge the chunk again
                    self._pending.clear()
                    self.stream_restarts += 1
                    self.session.reconnect()
        except TargetGoneError as exc:  # the process exited: what was not read by then is Unmapped
            self.gone = str(exc)
            self._pending.clear()
            return "2" * pages
        return "1" * pages  # its pages kept changing under every attempt: mapped, not read

    def _read(self, mapping: Mapping, address: int, pages: int, out: memoryview) -> str:
        ps = self.page_size
        untouched = self.not_resident and mapping.is_private_anonymous
        if self._pending and self._pending[0][1:] == (address, pages):
            request = self._pending.popleft()[0]
        else:
            self._drop_pending()
            request = self.session.post_read(address, pages, untouched)
        ahead = self._pending[-1][1] + self._pending[-1][2] * ps if self._pending else address + pages * ps
        while len(self._pending) < READ_AHEAD and ahead < mapping.end:
            n = min(pages, (mapping.end - ahead) // ps)
            self._pending.append((self.session.post_read(ahead, n, untouched), ahead, n))
            ahead += n * ps
        return self.session.receive(request, out, ps)

    def _drop_pending(self) -> None:
        while self._pending:
            request, _address, pages = self._pending.popleft()
            self.session.discard(request, pages, self.page_size)

    def hash_module(self, module: Module, new_hasher: Callable[[], Hasher]) -> None:
        """Hash the file for a local Linux process (``/proc/PID/map_files``); elsewhere say why not."""
        if self.device_spec.kind == "local" and self.platform == "linux" and any(m.inode for m in module.mappings):
            linux_hash_module(self.pid, module, new_hasher)
            return
        module.hash_source = f"not hashed: the file is on the Frida device ({self.device_spec.describe()})" \
            if self.device_spec.kind != "local" else "not hashed: no file identity from Frida"

    def close(self) -> None:
        """Drop read-ahead, unload the agent and detach."""
        self._pending.clear()
        self.session.close()
