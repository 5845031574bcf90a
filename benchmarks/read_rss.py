"""Peak memory of ``MslReader.read(addr, 4096)`` on compressed and plain captures of the same content.

Builds (cached in ``bench-out/``) three captures of one synthetic process with our ``MslWriter``:
``--regions`` memory regions (sizes from 64 KiB to ``--max-region-mib`` MiB, ~26 MB in all by
default) whose pages are a realistic mix (zero pages, repeated text, pointers, random bytes),
written plain, zstd and LZ4. Then, for each capture and each probe address (the middle of the
largest region, and the last page of the last region), a fresh interpreter opens the file,
calls ``read(addr, 4096)`` once and reports its peak RSS (VmHWM) and the RSS it had just
before the call (after imports and ``open``). The table prints the ratio of each compressed
capture to the plain one measured in the same run.

Usage::

    .venv/bin/python benchmarks/read_rss.py [--out bench-out] [--regions 40] [--max-region-mib 4]
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import textwrap
from pathlib import Path

from memslice.generated.blocks.process_identity import ProcessIdentity
from memslice.generated.enums import CapBitmap

from memslice.reader import MslReader
from memslice.writer import MslWriter

MiB = 1 << 20
PAGE_LOG2 = 12
PAGE = 1 << PAGE_LOG2
SEED = 0x9B
BASE = 0x7F00_0000_0000

_CHILD = textwrap.dedent("""
    import json, sys, time
    from memslice.reader import MslReader

    def status(key):
        with open("/proc/self/status") as f:
            return int(next(line for line in f if line.startswith(key)).split()[1]) / 1024

    with MslReader(sys.argv[1]) as reader:
        _ = reader.blocks
        before = status("VmRSS:")
        started = time.perf_counter()
        spans = reader.read(int(sys.argv[2], 0), 4096)
        seconds = time.perf_counter() - started
    # VmHWM is synced lazily: never below the RSS seen before the call
    print(json.dumps({"before_mib": before, "peak_mib": max(before, status("VmHWM:")), "seconds": seconds,
                      "states": [s.state for s in spans], "bytes": sum(len(s.data or b"") for s in spans)}))
""")


def page(rng: random.Random, kind: int) -> bytes:
    """One 4 KiB page of a kind seen in process memory."""
    if kind == 0:
        return bytes(PAGE)
    if kind == 1:
        line = f"key={rng.randrange(1 << 30):08x} path=/usr/lib/x86_64-linux-gnu/lib{rng.randrange(99)}.so\n"
        return (line.encode() * (PAGE // len(line) + 1))[:PAGE]
    if kind == 2:
        ptr = 0x7F00_0000_0000 + rng.randrange(1 << 24) * 16
        return b"".join((ptr + 16 * i).to_bytes(8, "little") for i in range(PAGE // 8))
    return rng.randbytes(PAGE)


def build(out: Path, regions: int, max_region_mib: int) -> dict[str, Path]:
    """The same content written plain, zstd and LZ4 (built once)."""
    paths = {c: out / f"read_rss_{regions}r_{max_region_mib}m_{c}.msl" for c in ("none", "zstd", "lz4")}
    if all(p.exists() for p in paths.values()):
        return paths
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED)
    content = []
    base = BASE
    for i in range(regions):
        largest = max_region_mib * MiB // PAGE
        pages = max(16, largest * (i + 1) // regions) if i % 5 == 4 else rng.randrange(16, 256)
        data = b"".join(page(rng, rng.choices((0, 1, 2, 3), (45, 25, 15, 15))[0]) for _ in range(pages))
        content.append((base, pages, data))
        base += pages * PAGE + MiB
    caps = CapBitmap.MEMORY_REGIONS | CapBitmap.PROCESS_IDENTITY
    for codec, path in paths.items():
        with MslWriter(path, cap_bitmap=caps, pid=4242, os_type=0, arch_type=1, timestamp=1) as writer:
            writer.add(ProcessIdentity(ppid=1, session_id=1, start_time=1, exe_path="/usr/bin/target",
                                       cmd_line="target"))
            for n, (start, pages, data) in enumerate(content):
                writer.add_memory_region(start, "0" * pages, data, page_size_log2=PAGE_LOG2, protection=3,
                                         timestamp=2 + n, compress=codec)
    return paths


def probes(path: Path) -> dict[str, int]:
    """Addresses read: the middle of the largest region and the last page of the last region."""
    with MslReader(path) as reader:
        regions = [(r.base, r.size) for r in reader.regions()]
    largest = max(regions, key=lambda r: r[1])
    last = regions[-1]
    return {"middle of largest": largest[0] + (largest[1] // 2 // PAGE) * PAGE,
            "last page": last[0] + last[1] - PAGE}


def measure(path: Path, addr: int) -> dict:
    proc = subprocess.run([sys.executable, "-c", _CHILD, str(path), hex(addr)], capture_output=True, text=True,
                          check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    """Build the captures, measure each read in a fresh process, print the table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path("bench-out"))
    ap.add_argument("--regions", type=int, default=40)
    ap.add_argument("--max-region-mib", type=int, default=4)
    args = ap.parse_args()
    paths = build(args.out, args.regions, args.max_region_mib)
    with MslReader(paths["none"]) as reader:
        captured = sum(len(r.captured_data()) for r in reader.regions())
    sizes = ", ".join(f"{c} {p.stat().st_size / MiB:.1f} MiB" for c, p in paths.items())
    print(f"captures: {captured / MiB:.1f} MiB of captured pages; files: {sizes}")
    print(f"{'probe':<18} {'capture':<6} {'RSS before':>10} {'peak RSS':>9} {'growth':>8} {'peak/plain':>10} "
          f"{'seconds':>8}")
    for label, addr in probes(paths["none"]).items():
        plain = None
        for codec, path in paths.items():
            r = measure(path, addr)
            assert r["bytes"] == 4096, r
            plain = plain or r
            print(f"{label:<18} {codec:<6} {r['before_mib']:>8.1f} M {r['peak_mib']:>7.1f} M "
                  f"{r['peak_mib'] - r['before_mib']:>6.1f} M {r['peak_mib'] / plain['peak_mib']:>9.2f}x "
                  f"{r['seconds']:>8.4f}")


if __name__ == "__main__":
    main()
