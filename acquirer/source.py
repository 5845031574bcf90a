"""The platform seam: what a capture backend provides, in OS-neutral types.

The engine (:mod:`memslice.acquirer.engine`) turns a :class:`CaptureSource` into blocks; it
never asks the operating system anything itself. A backend (``acquirer/linux`` over
``/proc``, ``process_vm_readv`` and ``ptrace``; ``acquirer/frida`` over Frida) implements
the protocol and fills the dataclasses below:

* :class:`ProcessInfo`: the Process Identity facts;
* :class:`Mapping`: one range of the address space, in the vocabulary of Linux
  ``/proc/PID/maps`` (``rwxp``/``rwxs`` permissions, file offset, path), which every
  backend can express;
* :class:`Thread` with its :class:`Register` values;
* :class:`Module`: a loaded executable or library, with the hash of its file when the
  backend can read the file;
* :class:`FreezeResult`: which threads a freeze stopped.

Memory reads are honest: :meth:`CaptureSource.read_pages` returns one page-state digit per
page (``0`` captured, ``1`` failed, ``2`` unmapped, ``3`` not resident), and only pages
marked ``0`` hold bytes that were read. Nothing is zero-filled. The engine writes the
Memory Regions of any source through :meth:`CaptureSource.read_pages` in chunks of
``--chunk-bytes``; a source that also has a ``memory`` attribute (the Linux
:class:`~memslice.acquirer.linux.memory.ProcessMemory`) gets the Linux fast path instead
(:mod:`memslice.acquirer.pipeline`: pagemap NotResident, vectored reads, salvage).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from memslice.generated.enums import ArchType, RegionType, RegisterRole

from memslice.integrity import ZERO_HASH, Hasher

if TYPE_CHECKING:
    from memslice.acquirer.options import CaptureOptions

_DELETED = " (deleted)"
_PRIVATE_ANON_NAMES = ("[heap]", "[stack]")
_KERNEL_NAMES = frozenset({"[vdso]", "[vvar]", "[vvar_vclock]", "[vsyscall]", "[vectors]", "[sigpage]",
                           "[uprobes]"})


class UnsupportedOperation(Exception):  # noqa: N818 - a capability answer, not a failure of the capture
    """The backend cannot do this (e.g. freeze a process); the engine carries on without it."""


# -- identity ----------------------------------------------------------------------------------
@dataclass
class ProcessInfo:
    """What the Process Identity block says about the target.

    Attributes:
        pid: Process id.
        ppid: Parent process id.
        session_id: Session id.
        start_time_ns: Start time, ns since the epoch (0 when unknown).
        comm: Command name.
        exe_path: Path of the executable, or ``""`` when unknown.
        argv: The arguments.
        cmd_line: The command line as one string (argument boundaries kept), truncated
            UTF-8-safe to the u16 length field; None when empty.
        arch: ArchType of the executable.
        notes: Truncations and unreadable facts (reported when the block is written).
        warnings: Limits of the backend for this target (reported at once), e.g.
            registers of this architecture cannot be decoded.
    """

    pid: int
    ppid: int
    session_id: int
    start_time_ns: int
    comm: str
    exe_path: str
    argv: list[str]
    cmd_line: str | None
    arch: ArchType
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# -- the address space -------------------------------------------------------------------------
def _looks_like_file(path: str) -> bool:
    return path.startswith("/") or (len(path) > 2 and path[1] == ":" and path[2] in "\\/")


@dataclass(frozen=True, slots=True)
class Mapping:
    """One mapping of the address space.

    Attributes:
        start: First address.
        end: Address just past the mapping.
        perms: The four permission characters, e.g. ``rw-p`` (``s`` = shared).
        offset: File offset of ``start``.
        dev: ``major:minor`` of the backing device (hex, as Linux prints it), or ``""`` when
            the backend has no device numbers.
        inode: Inode of the backing file; 0 for anonymous and pseudo mappings (and when
            the backend has no inode numbers).
        path: The name (file path, ``[heap]``, ``[anon:x]``...) or ``""``.
        line: The backend's native description (the raw maps line on Linux), without a
            newline; written as the module's native blob.
    """

    start: int
    end: int
    perms: str
    offset: int
    dev: str
    inode: int
    path: str
    line: bytes

    @property
    def size(self) -> int:
        """Bytes mapped."""
        return self.end - self.start

    @property
    def readable(self) -> bool:
        """``r`` permission."""
        return self.perms[0] == "r"

    @property
    def writable(self) -> bool:
        """``w`` permission."""
        return self.perms[1] == "w"

    @property
    def executable(self) -> bool:
        """``x`` permission."""
        return self.perms[2] == "x"

    @property
    def shared(self) -> bool:
        """``s``: a shared mapping (writes reach the file or other processes)."""
        return self.perms[3] == "s"

    @property
    def _file_backed(self) -> bool:
        # With device numbers (Linux) a file has an inode; without them, a path names one.
        return self.inode != 0 if self.dev else _looks_like_file(self.path)

    @property
    def deleted(self) -> bool:
        """The backing file was unlinked after it was mapped."""
        return self._file_backed and self.path.endswith(_DELETED)

    @property
    def file_path(self) -> str:
        """The path without a trailing `` (deleted)``, or ``""`` when not file-backed."""
        if not self._file_backed or not _looks_like_file(self.path):
            return ""
        return self.path[: -len(_DELETED)] if self.path.endswith(_DELETED) else self.path

    @property
    def is_file(self) -> bool:
        """Backed by a file (an absolute path, and an inode where the backend has them)."""
        return bool(self.file_path)

    @property
    def is_kernel(self) -> bool:
        """A kernel-provided mapping such as ``[vdso]`` or ``[vvar]``."""
        return self.path in _KERNEL_NAMES

    @property
    def is_private_anonymous(self) -> bool:
        """Private memory with no backing file: a never-touched page of it reads as zero."""
        if self.shared or self.inode != 0:
            return False
        return self.path == "" or self.path in _PRIVATE_ANON_NAMES or self.path.startswith(("[stack:", "[anon:"))

    def file_identity(self) -> tuple[str, int | str]:
        """Identity of the backing file: ``(dev, inode)``, or ``("", path)`` without inodes."""
        return (self.dev, self.inode) if self.dev else ("", self.file_path)


# -- threads -----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Register:
    """One register value.

    Attributes:
        name: Lowercase mnemonic (``rip``, ``x0``...).
        value: Raw bytes, little-endian.
        roles: ``RegisterRole`` bits.
    """

    name: str
    value: bytes
    roles: int = 0


def has_pc_and_sp(registers: Sequence[Register]) -> bool:
    """The block rule V11-5.7-pc-sp: a program counter and a stack pointer are present."""
    roles = 0
    for reg in registers:
        roles |= reg.roles
    return bool(roles & RegisterRole.PC) and bool(roles & RegisterRole.SP)


def role_value(registers: Sequence[Register], role: int) -> int | None:
    """The value (as an unsigned int) of the first register with ``role``."""
    for reg in registers:
        if reg.roles & role:
            return int.from_bytes(reg.value, "little")
    return None


@dataclass
class Thread:
    """One thread as it will be written.

    Attributes:
        tid: Thread id.
        name: Thread name, or None.
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
    registers: list[Register] = field(default_factory=list)
    flags: int = 0
    note: str | None = None


# -- modules -----------------------------------------------------------------------------------
@dataclass
class Module:
    """One loaded module.

    Attributes:
        path: The mapping name (file path, `` (deleted)`` kept).
        base: First address.
        size: Bytes from base to the end of its last mapping.
        mappings: Its mappings, in address order.
        version: Version the file name tells (``libz.so.1.2.13`` -> ``1.2.13``), or None.
        disk_hash: Hash of the mapped file, or 32 zero bytes.
        hash_source: Where the hashed bytes came from, or why there is no hash.
        notes: Anything worth reporting about it.
    """

    path: str
    base: int
    size: int
    mappings: list[Mapping]
    version: str | None = None
    disk_hash: bytes = ZERO_HASH
    hash_source: str = "not hashed"
    notes: list[str] = field(default_factory=list)

    @property
    def native_blob(self) -> bytes:
        """The native descriptions of its mappings, each ending with a newline."""
        return b"".join(m.line + b"\n" for m in self.mappings)


# -- freezing ----------------------------------------------------------------------------------
@dataclass
class FreezeResult:
    """Outcome of :meth:`CaptureSource.freeze`.

    Attributes:
        stopped: Thread ids that are stopped now.
        vanished: Threads that exited while the process was being frozen.
        not_stopped: Threads that did not stop in time, with the reason.
        seconds: Time the freeze took.
    """

    stopped: list[int] = field(default_factory=list)
    vanished: list[int] = field(default_factory=list)
    not_stopped: dict[int, str] = field(default_factory=dict)
    seconds: float = 0.0


RegionFacts = dict[int, tuple[int, RegionType]]
"""Protection bits and RegionType of each mapping, by mapping start."""


# -- the protocol ------------------------------------------------------------------------------
@runtime_checkable
class CaptureSource(Protocol):
    """What a capture backend must provide.

    Call order used by the engine: :meth:`identity`, :meth:`investigate` (optional),
    :meth:`freeze` (when asked for), :meth:`mappings`, :meth:`threads`, :meth:`modules`,
    :meth:`region_facts`, then memory reads, :meth:`resume`, :meth:`hash_module` per
    module, :meth:`close` (always, also after errors).

    Attributes:
        name: Backend name (``linux``, ``frida``), recorded in the report.
        pid: The target's process id.
        os_type: OsType of the target, for the file header.
        page_size: The target's page size (a power of two).
        read_method: How memory is read (e.g. ``process_vm_readv``), for the report.
    """

    name: str
    pid: int
    os_type: int
    page_size: int
    read_method: str

    def identity(self) -> ProcessInfo:
        """The Process Identity facts.

        Raises:
            TargetNotFoundError: No such process.
            AccessDeniedError: The backend may not inspect it.
            TargetGoneError: It has exited (or holds no user memory).
        """
        ...

    def investigate(self, options: CaptureOptions) -> Any | None:
        """The investigation tables (``--investigate``), or None.

        Raises:
            UnsupportedOperation: The backend collects no investigation tables.
        """
        ...

    @property
    def can_freeze(self) -> bool:
        """Whether :meth:`freeze` is supported."""
        ...

    def freeze(self) -> FreezeResult:
        """Stop every thread of the target.

        Raises:
            UnsupportedOperation: The backend cannot stop the target.
            AccessDeniedError: Stopping it was refused.
        """
        ...

    @property
    def frozen(self) -> bool:
        """At least one thread is held stopped now."""
        ...

    def freeze_result(self) -> FreezeResult | None:
        """What the last :meth:`freeze` did, or None when none was done."""
        ...

    def all_stopped(self) -> bool:
        """Every thread is held stopped, so the mappings cannot change while memory is read."""
        ...

    def resume(self) -> list[str]:
        """Let the target run again; a no-op when not frozen.

        Returns:
            Problems met (one line each), empty when every thread resumed.
        """
        ...

    def mappings(self) -> list[Mapping]:
        """The address space now, in address order.

        Raises:
            TargetGoneError: The target exited.
        """
        ...

    def threads(self, arch: ArchType) -> list[Thread]:
        """Every thread with its registers (as many as the backend can read; why not in ``note``)."""
        ...

    def modules(self, mappings: Sequence[Mapping]) -> list[Module]:
        """Loaded modules in address order (not hashed yet)."""
        ...

    def region_facts(self, mappings: Sequence[Mapping], modules: Sequence[Module],
                     threads: Sequence[Thread]) -> RegionFacts:
        """Protection bits and RegionType of every mapping (for Memory Regions and the VAS Map)."""
        ...

    def read_pages(self, address: int, pages: int, out: memoryview) -> str:
        """Read ``pages`` pages at ``address`` (page-aligned) into ``out``.

        Args:
            address: First address.
            pages: Page count.
            out: Caller buffer of at least ``pages * page_size`` bytes; page ``i`` goes to
                ``out[i * page_size:]``.

        Returns:
            One state digit per page: ``0`` read (its bytes are in ``out``), ``1`` failed,
            ``2`` unmapped, ``3`` not resident (known to read as zero, not read). The
            content of ``out`` for pages not ``0`` is undefined.
        """
        ...

    def hash_module(self, module: Module, new_hasher: Callable[[], Hasher]) -> None:
        """Fill ``module.disk_hash`` and ``module.hash_source`` (the reason when the file cannot be read)."""
        ...

    def close(self) -> None:
        """Release what the backend holds (resuming the target first when frozen)."""
        ...
