"""Putting a capture file's pages in the page cache before the freeze, three ways, against the copy into them.

Usage:
    .venv/bin/python benchmarks/prefault.py [--size-mib 560] [--repeat 3] [--idle 5] [--dir DIR]

The copy-first capture reserves its output (``posix_fallocate``), then faults the pages in
writable so the copy in the freeze takes no page fault. How the pages are made matters on
the 6.18 kernel of our CI machine kind: it builds 2 MiB folios when a reserved range is
faulted in directly, or written in 2 MiB pieces, and such folios cost far more than their
bytes once the memory has been idle a few seconds (``--idle``: the pause before each
measurement; 0 measures right after the previous file freed its pages).

Lines, each a fresh file in ``--dir`` (default: the repository's ``bench-out``, the file
system captures go to), interleaved, best of ``--repeat``:

* ours: :class:`memslice.acquirer.linux.scratch.ScratchFile` as the capture makes it (zeros
  written in small pieces, then ``MADV_POPULATE_WRITE`` on two threads);
* fault in directly: ``MADV_POPULATE_WRITE`` on the reserved range (what the capture did before);
* zeros in 2 MiB pieces: the same as ours with 2 MiB ``pwrite`` calls;
* the copy limit: writing the same bytes into the pages once they are there (the work the
  freeze then does), for scale.

Wall seconds and system CPU seconds of this process; ratios against ours.
"""

from __future__ import annotations

import argparse
import mmap
import os
import resource
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from memslice.acquirer.linux import libc, scratch  # noqa: E402

_POPULATE_WRITE = 23


def _fault_in(fd: int, size: int, zero_piece: int) -> mmap.mmap:
    """The old way (``zero_piece`` 0) or zeros in ``zero_piece`` pieces, then populate on two threads."""
    os.posix_fallocate(fd, 0, size)
    if zero_piece:
        zeros = bytes(zero_piece)
        for at in range(0, size, zero_piece):
            os.pwrite(fd, zeros[:min(zero_piece, size - at)], at)
    mapping = mmap.mmap(fd, size, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
    base = libc.mapping_address(mapping)
    half = size // 2 // mmap.PAGESIZE * mmap.PAGESIZE
    workers = [threading.Thread(target=libc.madvise, args=(base + lo, n, _POPULATE_WRITE))
               for lo, n in ((0, half), (half, size - half))]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return mapping


def measure(directory: Path, size: int, how: str) -> tuple[float, float, float]:
    """(wall s, system s) of making the pages one way, and wall s of copying into them."""
    fd, name = tempfile.mkstemp(dir=directory, suffix=".prefault")
    os.unlink(name)
    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    scratch_file = None
    if how == "ours":
        scratch_file = scratch.ScratchFile(name, size, 1 << 20, fd=fd)
        mapping = scratch_file.segments[0].map
    else:
        mapping = _fault_in(fd, size, 2 << 20 if how == "zeros in 2 MiB pieces" else 0)
    seconds = time.perf_counter() - started
    system = resource.getrusage(resource.RUSAGE_SELF).ru_stime - before.ru_stime
    chunk = os.urandom(8 << 20)
    view = memoryview(mapping)
    started = time.perf_counter()
    for at in range(0, size - len(chunk) + 1, len(chunk)):
        view[at:at + len(chunk)] = chunk
    copy = time.perf_counter() - started
    view.release()
    if scratch_file is not None:
        scratch_file.close()
    else:
        mapping.close()
    os.close(fd)
    return seconds, system, copy


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mib", type=int, default=560)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--idle", type=float, default=5.0, help="seconds of pause before each measurement")
    parser.add_argument("--dir", type=Path, default=ROOT / "bench-out")
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    size = args.size_mib << 20
    ways = ["ours", "fault in directly", "zeros in 2 MiB pieces"]
    results: dict[str, list[tuple[float, float, float]]] = {way: [] for way in ways}
    for _ in range(args.repeat):
        for way in ways:
            time.sleep(args.idle)
            results[way].append(measure(args.dir, size, way))
    best: Callable[[str, int], float] = lambda way, i: min(r[i] for r in results[way])  # noqa: E731
    ours = best("ours", 0)
    print(f"prefault of {args.size_mib} MiB in {args.dir} (idle {args.idle:g} s before each, best of {args.repeat})")
    print()
    print("|way|wall s|x ours|system s|")
    print("|---|---|---|---|")
    for way in ways:
        print(f"|{way}|{best(way, 0):.3f}|{best(way, 0) / ours:.2f}|{best(way, 1):.2f}|")
    copy = min(r[2] for rs in results.values() for r in rs)
    print(f"|copy limit: writing the bytes into the mapped pages|{copy:.3f}|{copy / ours:.2f}|-|")
    print()
    print("every run, wall s:", {way: [round(r[0], 3) for r in rs] for way, rs in results.items()})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
