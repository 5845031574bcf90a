"""``msl validate`` against ``msl verify`` on the same capture (the target: validate within 2x).

Uses the synthetic capture of ``benchmarks/search.py`` (``--size-gib`` GiB of random pages in
contiguous 64 MiB uncompressed regions, cached in ``bench-out/``), and times the console
scripts ``msl verify`` and ``msl validate`` on the warm page cache, best of ``--repeat`` runs,
with each child's peak anonymous RSS (RssAnon, sampled). validate runs verify's hash checks
and decodes and checks every payload besides.

Usage::

    .venv/bin/python benchmarks/validate.py [--size-gib 1] [--out bench-out] [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from search import MSL, REPO, best, ensure_capture, timed_child  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-gib", type=float, default=1.0, help="capture size (default 1 GiB)")
    parser.add_argument("--out", type=Path, default=REPO / "bench-out", help="cache folder (default bench-out/)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the best is kept")
    args = parser.parse_args(argv)
    capture, _ = ensure_capture(args.out, args.size_gib)
    size = capture.stat().st_size
    rows = []
    for command in ("verify", "validate"):
        secs, anon, _maxrss, out = best(args.repeat, lambda c=command: timed_child([str(MSL), c, str(capture)]))
        rows.append((command, secs, anon, out.strip().splitlines()[0].split(": ", 1)[1][:60]))
    print(f"\ncapture {capture.name}: {size / 2**30:.3f} GiB")
    print("| command | best s | GB/s | peak RssAnon MiB | verdict |")
    print("|---|---|---|---|---|")
    for command, secs, anon, verdict in rows:
        print(f"| msl {command} | {secs:.3f} | {size / secs / 1e9:.2f} | {anon / 2**20:.0f} | {verdict} |")
    print(f"\nmsl validate takes {rows[1][1] / rows[0][1]:.2f}x the time of msl verify (target: at most 2x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
