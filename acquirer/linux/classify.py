"""RegionType and Protection of a Linux mapping, from its name, permissions and context.

Rules, first match wins:

* ``[heap]`` -> Heap; ``[stack]``/``[stack:TID]`` and anonymous mappings holding a thread's
  stack pointer -> Stack;
* kernel mappings (``[vdso]``, ``[vvar]``, ``[vsyscall]``...), devices under ``/dev/`` and
  ``anon_inode:`` mappings -> Other;
* ``/dev/shm/``, ``/memfd:``, ``/SYSV``, ``[anon_shmem:...]`` and shared anonymous
  mappings -> SharedMem;
* a file mapping that belongs to a module -> Image, any other file mapping -> MappedFile;
* everything else (anonymous, ``[anon:NAME]``) -> Anonymous.

Protection: R/W/X from the permissions; CopyOnWrite for a private writable mapping of a
file (writes never reach the file); Guard for an inaccessible (``---``) mapping directly
below a stack.
"""

from __future__ import annotations

from collections.abc import Iterable

from memslice.acquirer.source import Mapping
from memslice.generated.enums import Protection, RegionType

_SHARED_PREFIXES = ("/dev/shm/", "/memfd:", "/SYSV", "[anon_shmem:")  # noqa: S108 - names, not files we open
_SHARED_ANON_NAMES = ("", "/dev/zero (deleted)", "/dev/zero")


def protection(mapping: Mapping, guard: bool = False) -> int:
    """Protection bits of a mapping.

    Args:
        mapping: The mapping.
        guard: It is a guard area (see :func:`guard_mappings`).
    """
    bits = 0
    if mapping.readable:
        bits |= Protection.READ
    if mapping.writable:
        bits |= Protection.WRITE
    if mapping.executable:
        bits |= Protection.EXECUTE
    if mapping.writable and not mapping.shared and mapping.is_file:
        bits |= Protection.COPY_ON_WRITE
    if guard:
        bits |= Protection.GUARD
    return int(bits)


def region_type(mapping: Mapping, module_starts: set[int], stack_pointers: Iterable[int]) -> RegionType:
    """Classify a mapping.

    Args:
        mapping: The mapping.
        module_starts: Start addresses of every mapping that belongs to a module.
        stack_pointers: Stack pointers of the threads (may be empty).
    """
    path = mapping.path
    if path == "[heap]":
        return RegionType.HEAP
    if path == "[stack]" or path.startswith("[stack:"):
        return RegionType.STACK
    if mapping.is_kernel or path.startswith("anon_inode:"):
        return RegionType.OTHER
    if path.startswith(_SHARED_PREFIXES) or (mapping.shared and mapping.inode == 0 and path in _SHARED_ANON_NAMES) \
            or (mapping.shared and path.startswith("/dev/zero")):
        return RegionType.SHARED_MEM
    if path.startswith("/dev/"):
        return RegionType.OTHER
    if mapping.is_file:
        return RegionType.IMAGE if mapping.start in module_starts else RegionType.MAPPED_FILE
    if mapping.inode == 0 and (path == "" or path.startswith("[anon:")):
        if any(mapping.start <= sp < mapping.end for sp in stack_pointers):
            return RegionType.STACK
        return RegionType.ANONYMOUS
    return RegionType.OTHER


def guard_mappings(mappings: list[Mapping], types: dict[int, RegionType]) -> set[int]:
    """Starts of inaccessible mappings that sit directly below a stack (thread stack guards).

    Args:
        mappings: Snapshot in address order.
        types: RegionType by mapping start.
    """
    guards: set[int] = set()
    for below, above in zip(mappings, mappings[1:], strict=False):
        if (below.perms[:3] == "---" and below.end == above.start and below.inode == 0
                and types.get(above.start) == RegionType.STACK):
            guards.add(below.start)
    return guards
