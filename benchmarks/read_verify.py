"""Read and verify throughput of memslice on a large synthetic capture, against the oracles.

Builds (once, cached in ``bench-out/``) a capture of ``--size-gib`` GiB written by our
``MslWriter``: a Process Identity block, memory regions of 64 MiB of random (incompressible)
4 KiB pages, uncompressed, and the End-of-Capture. Then measures, on the warm page cache:

* our ``verify()`` (in a child process; its time, throughput and peak memory);
* our full iteration: decode every block's payload, then reassemble the captured page
  data of every region from ``regions()`` (each run of Captured pages copied into one
  contiguous buffer, so every byte is touched), in a child process;
* memdiver 1.0.2's and memslicer 0.5.2's verification, timed by their oracle scripts'
  ``--verify-only`` mode (skipped with a note when their venvs are not built);
* one single-thread BLAKE3 pass over the same bytes (``blake3(max_threads=1)``);

and prints a table with the ratios. Times are the best of ``--repeat`` runs.

Usage::

    .venv/bin/python benchmarks/read_verify.py [--size-gib 1] [--out bench-out] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import mmap
import os
import random
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import blake3
from memslice.generated.blocks.process_identity import ProcessIdentity
from memslice.generated.enums import CapBitmap

from memslice.atomic_output import write_file
from memslice.writer import MslWriter

REPO = Path(__file__).resolve().parents[1]
ORACLES = REPO / "tests" / "oracles"
MiB = 1 << 20
GiB = 1 << 30
REGION_BYTES = 64 * MiB
PAGE_LOG2 = 12
SEED = 0x4D534C


# -- the capture ---------------------------------------------------------------------------------

def capture_path(out: Path, size_gib: float) -> Path:
    return out / f"synthetic_{size_gib:g}gib_{REGION_BYTES // MiB}m_regions.msl"


def build_capture(path: Path, size_gib: float) -> None:
    """Write ``size_gib`` GiB of random pages in 64 MiB uncompressed regions."""
    total = int(size_gib * GiB)
    regions = max(1, total // REGION_BYTES)
    rng = random.Random(SEED)
    caps = CapBitmap.MEMORY_REGIONS | CapBitmap.PROCESS_IDENTITY
    path.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with MslWriter(path, cap_bitmap=caps, pid=31337, os_type=0, arch_type=1, timestamp=1_700_000_000_000_000_000,
                   compression="none") as writer:
        writer.add(ProcessIdentity(ppid=1, session_id=1, start_time=1_700_000_000_000_000_000,
                                   exe_path="/usr/bin/synthetic-target", cmd_line="synthetic-target --bench"))
        base = 0x7F00_0000_0000
        for i in range(regions):
            size = min(REGION_BYTES, total - i * REGION_BYTES) if i == regions - 1 else REGION_BYTES
            size = max(size - size % (1 << PAGE_LOG2), 1 << PAGE_LOG2)
            pages = size >> PAGE_LOG2
            writer.add_memory_region(base, "0" * pages, rng.randbytes(size), page_size_log2=PAGE_LOG2,
                                     protection=3, timestamp=1_700_000_000_000_000_000 + i)
            base += size + (1 << 20)
    print(f"built {path} ({path.stat().st_size / GiB:.3f} GiB, {regions} regions) in "
          f"{time.perf_counter() - started:.1f} s", flush=True)


def ensure_capture(out: Path, size_gib: float) -> Path:
    path = capture_path(out, size_gib)
    meta = path.with_suffix(".json")
    if path.exists() and meta.exists():
        info = json.loads(meta.read_text())
        if info.get("size") == path.stat().st_size and info.get("seed") == SEED:
            return path
    build_capture(path, size_gib)
    write_file(meta, json.dumps({"size": path.stat().st_size, "seed": SEED, "size_gib": size_gib}) + "\n", force=True)
    return path


# -- child-process measurements of our own code ------------------------------------------------------

_CHILD = textwrap.dedent("""
    import json, sys, time
    from memslice.reader import MslReader
    from memslice.verify import verify
    mode, path = sys.argv[1], sys.argv[2]
    started = time.perf_counter()
    with MslReader(path) as reader:
        opened = time.perf_counter()
        if mode == "verify":
            report = verify(reader)
            result = {"ok": report.ok, "blocks": len(reader.blocks), "problems": report.problems}
        else:
            from memslice.pages import captured_runs
            blocks = 0
            for block in reader.iter_blocks():
                blocks += 1
            touched = 0
            buf = bytearray()
            for region in reader.regions():
                data = region.captured_data()
                ps = region.page_size
                cursor = 0
                for _first, count in captured_runs(region.states):
                    n = count * ps
                    if len(buf) < n:
                        buf = bytearray(n)
                    memoryview(buf)[:n] = data[cursor:cursor + n]
                    cursor += n
                    touched += n
                del data
            result = {"blocks": blocks, "touched": touched}
        done = time.perf_counter()
    result["seconds"] = done - opened
    result["open_seconds"] = opened - started
    print(json.dumps(result))
""")


def _proc_status(pid: int) -> dict[str, int]:
    out = {}
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                key, _, value = line.partition(":")
                if key in ("VmRSS", "RssAnon", "RssFile", "VmHWM"):
                    out[key] = int(value.split()[0]) * 1024
    except (OSError, ValueError):
        pass
    return out


def run_ours(mode: str, path: Path) -> dict:
    """Run ``mode`` (verify | iterate) in a child; add its ru_maxrss and sampled peak RssAnon."""
    proc = subprocess.Popen([sys.executable, "-c", _CHILD, mode, str(path)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd=REPO)
    peak_anon = 0
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        peak_anon = max(peak_anon, _proc_status(proc.pid).get("RssAnon", 0))
        time.sleep(0.002)
    proc.returncode = os.waitstatus_to_exitcode(status)
    stdout, stderr = proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"{mode} child failed ({proc.returncode}): {stderr.decode()[-2000:]}")
    result = json.loads(stdout.decode().strip().splitlines()[-1])
    result["maxrss"] = usage.ru_maxrss * 1024
    result["peak_anon"] = peak_anon
    return result


# -- references -------------------------------------------------------------------------------------

def blake3_pass(path: Path) -> float:
    with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        started = time.perf_counter()
        h = blake3.blake3(max_threads=1)
        h.update(mm)
        h.digest()
        return time.perf_counter() - started


def oracle_verify(name: str, path: Path) -> tuple[dict | None, str]:
    """(result, note) of the oracle's --verify-only run, or (None, why not)."""
    sys.path.insert(0, str(ORACLES))
    try:
        import venvs
    finally:
        sys.path.pop(0)
    venv = venvs.default_root() / name
    if not (venv / venvs.MARKER_NAME).is_file():
        return None, f"{name} venv not built ({venv}); run: python tests/oracles/venvs.py {name}"
    try:
        result = venvs.run_oracle(name, path, "--verify-only")
    except Exception as exc:  # noqa: BLE001 - reported, not fatal
        return None, f"{name} oracle failed: {type(exc).__name__}: {exc}"
    if "seconds" not in result:
        return None, f"{name} oracle gave no time: {result.get('error') or result}"
    return result, ""


# -- main -------------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-gib", type=float, default=1.0, help="capture size (default 1 GiB)")
    parser.add_argument("--out", type=Path, default=REPO / "bench-out", help="cache folder (default bench-out/)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the best is kept")
    parser.add_argument("--oracle-repeat", type=int, default=1, help="runs per oracle verification")
    args = parser.parse_args(argv)

    path = ensure_capture(args.out, args.size_gib)
    size = path.stat().st_size
    print(f"capture: {path} ({size / GiB:.3f} GiB), {os.cpu_count()} CPUs, python {sys.version.split()[0]}",
          flush=True)
    b3 = min(blake3_pass(path) for _ in range(args.repeat + 1))  # first run also warms the page cache

    verifies = [run_ours("verify", path) for _ in range(args.repeat)]
    ours = min(verifies, key=lambda r: r["seconds"])
    if not ours["ok"]:
        print(f"WARNING: our verify says the capture is not valid: {ours['problems']}")
    iters = [run_ours("iterate", path) for _ in range(args.repeat)]
    it = min(iters, key=lambda r: r["seconds"])
    if it["touched"] < size - 64 * MiB:
        print(f"WARNING: full iteration touched only {it['touched']} bytes of page data")

    oracles: dict[str, float | None] = {}
    notes: list[str] = []
    for name in ("memdiver", "memslicer"):
        best = None
        for _ in range(args.oracle_repeat):
            result, note = oracle_verify(name, path)
            if result is None:
                notes.append(note)
                break
            if result.get("verify") != "ok":
                notes.append(f"{name} verdict {result.get('verify')}: {result.get('verify_detail')}")
            best = result["seconds"] if best is None else min(best, result["seconds"])
            if name == "memdiver":
                notes.append(f"memdiver: open {result.get('open_seconds', 0):.3f} s + chain "
                             f"{result.get('chain_seconds', 0):.3f} s")
        oracles[name] = best

    def gbps(seconds: float | None) -> str:
        return "n/a" if not seconds else f"{size / seconds / 1e9:7.2f}"

    def secs(seconds: float | None) -> str:
        return "n/a" if seconds is None else f"{seconds:8.3f}"

    rows = [
        ("memslice verify()", ours["seconds"], f"ru_maxrss {ours['maxrss'] / MiB:.0f} MiB, "
         f"peak RssAnon {ours['peak_anon'] / MiB:.0f} MiB"),
        ("memslice full iteration", it["seconds"], f"ru_maxrss {it['maxrss'] / MiB:.0f} MiB, "
         f"peak RssAnon {it['peak_anon'] / MiB:.0f} MiB, {it['blocks']} blocks"),
        ("memdiver 1.0.2 verify", oracles.get("memdiver"), "oracle --verify-only (open + verify_chain)"),
        ("memslicer 0.5.2 verify", oracles.get("memslicer"), "oracle --verify-only (verify_slice)"),
        ("BLAKE3 1 thread, 1 pass", b3, "blake3(max_threads=1) over the mmap"),
    ]
    print()
    print(f"{'measurement':<26} {'seconds':>8} {'GB/s':>7}  notes")
    print("-" * 100)
    for label, seconds, note in rows:
        print(f"{label:<26} {secs(seconds)} {gbps(seconds)}  {note}")
    print()

    def ratio(label: str, other: float | None, target: float | None) -> None:
        if other is None:
            print(f"{label:<44} n/a")
            return
        r = other / ours["seconds"]
        verdict = ""
        if target is not None:
            verdict = f"  target >= {target:g}x: " + ("met" if r >= target else f"MISSED ({r / target:.0%} of target)")
        print(f"{label:<44} {r:6.2f}x{verdict}")

    print("ratios (throughput of our verify / throughput of the other)")
    ratio("  ours vs memdiver 1.0.2 verify", oracles.get("memdiver"), 4)
    ratio("  ours vs memslicer 0.5.2 verify", oracles.get("memslicer"), 2)
    ratio("  ours vs one single-thread BLAKE3 pass", b3, None)
    print(f"  full iteration vs one single-thread BLAKE3 pass {b3 / it['seconds']:6.2f}x")
    anon = ours["peak_anon"]
    print(f"peak memory of our verify: peak RssAnon {anon / MiB:.0f} MiB (target < 150 MB: "
          f"{'met' if anon < 150e6 else 'MISSED'}); ru_maxrss {ours['maxrss'] / MiB:.0f} MiB "
          "(includes the file pages mapped by mmap, which are page cache, not process memory)")
    for note in notes:
        print(f"note: {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
