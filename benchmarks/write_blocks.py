"""Blocks per second of ``MslWriter`` for many small Memory Region blocks (what an import of a
core with a million one-page segments writes), against the write limit: the same bytes
written by a plain ``os.write`` loop, one call per block and in 1 MiB chunks.

Usage:
    .venv/bin/python benchmarks/write_blocks.py [--blocks N] [--baseline REF | --no-baseline]

Each block is one Failed page (no page data): 80 bytes of block header, 32 of region
fields and an 8-byte page-state map. Times are CPU seconds (user + system) of a child
process, so a shared machine disturbs them less than wall time. With a baseline revision
(default: where this branch left main) the same loop runs on that code too, in the same run
(the revision is unpacked with ``git archive``, as in ``benchmarks/import_rss.py``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.import_rss import add_baseline_options, baseline_ref, baseline_root  # noqa: E402

CHILD = r"""
import json, os, resource, sys
from memslice.writer import MslWriter
from memslice.generated.enums import CapBitmap
n, out = int(sys.argv[1]), sys.argv[2]
before = resource.getrusage(resource.RUSAGE_SELF)
with MslWriter(out, cap_bitmap=CapBitmap.MEMORY_REGIONS, timestamp=0) as w:
    add = w.add_memory_region
    for i in range(n):
        add(0x10000000 + i * 0x2000, "1", b"", timestamp=0)
after = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"cpu": after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime,
                  "size": os.path.getsize(out)}))
"""

LIMIT = r"""
import json, os, resource, sys
n, src, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
data = open(src, "rb").read()
per = len(data) // n
def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime
fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
start = cpu()
for i in range(n):
    os.write(fd, data[i * per:(i + 1) * per])
per_block = cpu() - start
os.lseek(fd, 0, os.SEEK_SET)
start = cpu()
for i in range(0, len(data), 1 << 20):
    os.write(fd, data[i:i + (1 << 20)])
chunked = cpu() - start
os.close(fd)
print(json.dumps({"per_block": per_block, "chunked": chunked}))
"""


def child(code: str, args: list[str], root: Path | None, cwd: Path) -> dict:
    """Run ``code`` in a child in ``cwd`` (on revision ``root`` when given); its JSON result."""
    env = dict(os.environ)
    cmd = [sys.executable]
    if root is not None:
        purelib = subprocess.run([sys.executable, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                 capture_output=True, text=True, check=True).stdout.strip()
        env["PYTHONPATH"] = f"{root}{os.pathsep}{purelib}"
        cmd.append("-S")
    result = subprocess.run([*cmd, "-c", code, *args], capture_output=True, text=True, env=env, check=False,
                            cwd=cwd)
    if result.returncode:
        raise SystemExit(f"child failed: {result.stderr[-500:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--blocks", type=int, default=1 << 20, help="blocks to write (default 2^20)")
    add_baseline_options(parser)
    args = parser.parse_args()
    n = args.blocks
    ref = baseline_ref(args)
    with tempfile.TemporaryDirectory(prefix="write-blocks-") as tmp:
        work = Path(tmp)
        ours = child(CHILD, [str(n), str(work / "ours.msl")], None, work)
        limit = child(LIMIT, [str(n), str(work / "ours.msl"), str(work / "plain.bin")], None, work)
        print(f"{n} small Memory Region blocks ({ours['size'] // n} bytes each, {ours['size'] / 2**20:.1f} MiB); "
              "CPU seconds of a child")
        print(f"{'':<36} {'CPU s':>8} {'blocks/s':>12} {'x write limit':>14}")
        rows = [("MslWriter (this checkout)", ours["cpu"])]
        if ref and not args.no_baseline:
            (work / "base").mkdir()
            base = child(CHILD, [str(n), str(work / "base.msl")], baseline_root(ref, work / "base"), work)
            rows.append((f"MslWriter ({ref[:12]})", base["cpu"]))
        rows += [("os.write, one call per block", limit["per_block"]), ("os.write, 1 MiB chunks", limit["chunked"])]
        for label, cpu in rows:
            print(f"{label:<36} {cpu:>8.2f} {n / max(cpu, 1e-9):>12,.0f} {cpu / max(limit['per_block'], 1e-9):>13.1f}x")
        if len(rows) == 4:
            print(f"speed-up over the baseline: {rows[1][1] / max(rows[0][1], 1e-9):.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
