"""Search and YARA throughput of ``msl search`` / ``msl yara`` against grep and yara on the raw bytes.

Builds (once, cached in ``bench-out/``) a capture of ``--size-gib`` GiB of random pages in
contiguous 64 MiB uncompressed regions. A 16-byte needle is planted in the middle of every
region and across every boundary between two regions (a match msl must find), and across a
Failed page in every region (a match msl must not report: the bytes are not contiguous in
memory). The captured bytes are extracted once to a raw file (every captured run,
concatenated, as a naive dump would), then measured on the warm page cache, best of
``--repeat`` runs:

* ``msl search -c PATTERN CAPTURE`` (the console script: start-up, index, scan), with the
  child's peak anonymous RSS (RssAnon, sampled) and ru_maxrss;
* the same scan in-process (``memslice.scan.find_literal``), without start-up;
* ``grep -c -a -F -f PATTERN RAW`` on the extracted bytes (LC_ALL=C);
* ``msl yara RULE CAPTURE`` (console script) and yara-python ``rules.match(filepath=RAW)``;

and prints a table with GB/s of captured bytes and the ratios, with the match counts (the
raw file holds one false match per region across the joined Failed page, which grep and
yara report and msl does not). A last row times a 3-byte literal in-process beside grep:
CPython's ``find`` is much slower on very short needles.

Usage::

    .venv/bin/python benchmarks/search.py [--size-gib 1] [--out bench-out] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from read_verify import _proc_status  # noqa: E402

from memslice.address_space import AddressSpace  # noqa: E402
from memslice.reader import MslReader  # noqa: E402
from memslice.scan import find_literal  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
MSL = Path(sys.executable).parent / "msl"
PATTERN = b"MSL-BENCH-NEEDLE"
SHORT = b"Q7z"
GB = 1e9
MiB = 1 << 20
REGION = 64 * MiB
PAGE = 4096
SEED = 0x5EA7C4


def ensure_capture(out: Path, size_gib: float) -> tuple[Path, int]:
    """Build the capture once; return it and the number of needles msl must find."""
    import random

    from memslice.writer import MslWriter, cap_bitmap_for

    regions = max(2, int(size_gib * (1 << 30)) // REGION)
    expected = regions + (regions - 1)
    path = out / f"search_{size_gib:g}gib.msl"
    if path.exists():
        return path, expected
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED)
    half = len(PATTERN) // 2
    base = 0x7F00_0000_0000
    pages = REGION // PAGE
    states = "0" * (pages // 4) + "1" + "0" * (pages - pages // 4 - 1)
    with MslWriter(path, cap_bitmap=cap_bitmap_for([0x0001]), compression="none") as writer:
        for i in range(regions):
            data = bytearray(rng.randbytes(REGION - PAGE))
            mid = len(data) // 2
            data[mid:mid + len(PATTERN)] = PATTERN
            hole = (pages // 4) * PAGE  # the Failed page's place in the address space = offset in PageData
            data[hole - half:hole + half] = PATTERN  # joined only in a naive raw dump
            if i:
                data[:half] = PATTERN[half:]
            if i < regions - 1:
                data[-half:] = PATTERN[:half]
            writer.add_memory_region(base + i * REGION, states, bytes(data), protection=3)
    return path, expected


def extract_raw(capture: Path, raw: Path) -> int:
    """Write every captured extent to ``raw`` (once); return the captured byte count."""
    with MslReader(capture) as reader:
        space = AddressSpace(reader)
        total = space.captured_bytes()
        if raw.exists() and raw.stat().st_size == total:
            return total
        tmp = raw.with_name(raw.name + ".partial")
        with open(tmp, "wb") as fh:
            for extent in space.extents():
                for run in extent:
                    for _addr, piece, _off in space.segments(run):
                        fh.write(piece)
        tmp.replace(raw)
    return total


def timed_child(cmd: list[str]) -> tuple[float, int, int, str]:
    """Run ``cmd``; return seconds, peak RssAnon (sampled), ru_maxrss (bytes) and stdout."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "LC_ALL": "C"})
    peak = 0
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        peak = max(peak, _proc_status(proc.pid).get("RssAnon", 0))
        time.sleep(0.002)
    seconds = time.perf_counter() - started
    out = proc.stdout.read().decode() if proc.stdout else ""
    err = proc.stderr.read().decode() if proc.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise RuntimeError(f"{cmd[0]} failed ({code}): {err[-2000:]}")
    return seconds, peak, usage.ru_maxrss * 1024, out


def best(repeat: int, fn) -> tuple:  # type: ignore[no-untyped-def]
    results = [fn() for _ in range(repeat)]
    return min(results, key=lambda r: r[0])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-gib", type=float, default=1.0, help="capture size (default 1 GiB)")
    parser.add_argument("--out", type=Path, default=REPO / "bench-out", help="cache folder (default bench-out/)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the best is kept")
    args = parser.parse_args(argv)

    import yara

    capture, planted = ensure_capture(args.out, args.size_gib)
    raw = args.out / (capture.stem + ".raw")
    captured = extract_raw(capture, raw)
    pattern_file = args.out / "search-pattern.txt"
    pattern_file.write_bytes(PATTERN + b"\n")
    rule_file = args.out / "search-rule.yar"
    rule_file.write_text(f'rule bench {{ strings: $p = "{PATTERN.decode()}" condition: $p }}\n')
    rules = yara.compile(filepath=str(rule_file))
    rows = []

    t, peak, maxrss, out = best(args.repeat, lambda: timed_child([str(MSL), "search", "-c", str(capture),
                                                                    PATTERN.decode()]))
    rows.append(("msl search -c (console script)", t, peak, maxrss, out.strip()))

    def inproc() -> tuple[float, int]:
        started = time.perf_counter()
        with MslReader(capture) as reader:
            n = sum(1 for _ in find_literal(AddressSpace(reader), PATTERN))
        return time.perf_counter() - started, n

    t2, n2 = best(args.repeat, inproc)
    rows.append(("find_literal in-process", t2, None, None, str(n2)))
    t3, peak3, maxrss3, out3 = best(args.repeat, lambda: timed_child(["grep", "-c", "-a", "-F", "-f",
                                                                      str(pattern_file), str(raw)]))
    rows.append(("grep -c -a -F on the raw bytes", t3, peak3, maxrss3, out3.strip() + " lines"))
    t4, peak4, maxrss4, out4 = best(args.repeat, lambda: timed_child([str(MSL), "yara", str(rule_file),
                                                                      str(capture)]))
    rows.append(("msl yara (console script)", t4, peak4, maxrss4, out4.strip().splitlines()[-1].split(",")[1].strip()))

    def yara_file() -> tuple[float, int]:
        started = time.perf_counter()
        matches = rules.match(filepath=str(raw))
        return time.perf_counter() - started, sum(len(s.instances) for m in matches for s in m.strings)

    t5, n5 = best(args.repeat, yara_file)
    rows.append(("yara-python rules.match(filepath=raw)", t5, None, None, f"{n5} string matches"))

    def short_inproc() -> tuple[float, int]:
        started = time.perf_counter()
        with MslReader(capture) as reader:
            n = sum(1 for _ in find_literal(AddressSpace(reader), SHORT))
        return time.perf_counter() - started, n

    t6, n6 = best(1, short_inproc)
    rows.append((f"find_literal in-process, 3-byte {SHORT.decode()!r}", t6, None, None, str(n6)))
    t7, _p7, _m7, out7 = best(1, lambda: timed_child(["grep", "-c", "-a", "-F", SHORT.decode(), str(raw)]))
    rows.append((f"grep -c -a -F {SHORT.decode()!r} on the raw bytes", t7, None, None, out7.strip() + " lines"))

    print(f"\ncapture {capture.name}: {captured / 2**30:.3f} GiB captured; pattern {PATTERN!r}; "
          f"{planted} needles planted in captured runs (+1 false match per region in the raw dump)")
    print("| measurement | best s | GB/s of captured bytes | peak RssAnon MiB | ru_maxrss MiB | result |")
    print("|---|---|---|---|---|---|")
    for label, secs, anon, mx, result in rows:
        a = "-" if anon is None else f"{anon / 2**20:.0f}"
        m = "-" if mx is None else f"{mx / 2**20:.0f}"
        print(f"| {label} | {secs:.3f} | {captured / secs / GB:.2f} | {a} | {m} | {result} |")
    print(f"\nmsl search: {t3 / t:.2f}x grep's throughput (console script), {t3 / t2:.2f}x in-process; "
          f"msl yara: {t5 / t4:.2f}x yara-python on the raw file")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
