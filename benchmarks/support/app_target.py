"""A throw-away Python process whose memory looks like an application's, for benchmarks/capture.py.

It builds ``--mib`` MiB (about) of what a long-running Python service holds, from a fixed
seed: records (dicts of ints, floats and short strings), log-like text lines, a token
vocabulary, a few byte caches of which some are compressible JSON and a little is random
(keys, compressed blobs), and zero-filled buffers that were written (zero pages that are
resident, as after a ``memset``) beside a reservation never touched. It prints one JSON line
(``{"pid": ..., "mib": ...}``) and waits until stdin closes.

Run it with an empty environment; only the standard library is used.
"""

from __future__ import annotations

import argparse
import json
import mmap
import os
import random
import sys


def build(mib: int, seed: int) -> list[object]:
    """The objects, about ``mib`` MiB in all (kept alive by the caller)."""
    rnd = random.Random(seed)
    words = ["".join(rnd.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rnd.randint(3, 11)))
             for _ in range(20000)]
    keep: list[object] = [words]
    budget = mib << 20
    share = {"records": 0.35, "log": 0.2, "json": 0.15, "zero": 0.2, "random": 0.1}
    records = []
    size = 0
    while size < budget * share["records"]:
        rec = {"id": len(records), "user": rnd.choice(words), "score": rnd.random(), "count": rnd.randint(0, 10**6),
               "tags": [rnd.choice(words) for _ in range(3)], "active": rnd.random() < 0.5}
        records.append(rec)
        size += 560
    keep.append(records)
    lines = []
    statuses = (200, 200, 200, 404, 500)
    size = 0
    while size < budget * share["log"]:
        line = (f"2026-12-07T04:{rnd.randint(0, 59):02d}:{rnd.randint(0, 59):02d}Z INFO "
                f"{rnd.choice(words)}.{rnd.choice(words)} request id={rnd.getrandbits(32):08x} "
                f"user={rnd.choice(words)} took {rnd.randint(1, 900)} ms status={rnd.choice(statuses)}")
        lines.append(line)
        size += len(line) + 49
    keep.append(lines)
    templates = [json.dumps([{"k": rnd.choice(words), "v": rnd.randint(0, 999)} for _ in range(400)]).encode()
                 for _ in range(64)]
    blobs = []
    size = 0
    while size < budget * share["json"]:
        blob = b"%d:" % len(blobs) + rnd.choice(templates)  # cached responses: similar, not identical
        blobs.append(blob)
        size += len(blob)
    keep.append(blobs)
    zero = mmap.mmap(-1, int(budget * share["zero"]), flags=mmap.MAP_PRIVATE)
    zero.write(bytes(len(zero)))  # written zeros: resident zero pages
    keep.append(zero)
    keep.append(mmap.mmap(-1, 256 << 20, flags=mmap.MAP_PRIVATE))  # reserved, never touched
    keep.append([rnd.randbytes(1 << 20) for _ in range(int(budget * share["random"]) >> 20)])
    return keep


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mib", type=int, default=384)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    keep = build(args.mib, args.seed)
    print(json.dumps({"pid": os.getpid(), "mib": args.mib}), flush=True)
    sys.stdin.read()
    del keep
    return 0


if __name__ == "__main__":
    sys.exit(main())
