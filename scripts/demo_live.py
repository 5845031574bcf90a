"""Demo: capture a live process, verify the capture, and show where known patterns were found.

Starts a throw-away target (``tests/targets/pattern_target.py``) with an EMPTY environment: a
4 MiB area of the 32-byte reference marker, two reference strings on its heap, two named
worker threads and a PROT_NONE area. Captures it with ``msl capture`` (the target is frozen
while its memory is read, then resumed), verifies the file with ``msl verify``, then reads
the capture back and prints where each pattern lies (address, region type, protection), and
ends with ``msl regions`` of the marker area and ``msl search`` of the marker. The target is
killed at the end; nothing else is captured.

Usage: ``python scripts/demo_live.py [OUT_DIR]`` (default ``demo-out``).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from memslice.generated.enums import ENUM_NAMES

from memslice import MslReader

REPO = Path(__file__).resolve().parents[1]
TARGET = REPO / "tests" / "targets" / "pattern_target.py"
MSL = [sys.executable, "-m", "memslice.cli.main"]
MARKER = b"<MSLREF:MARKER:0123456789ABCDEF>"
PATTERNS = {
    "reference marker": MARKER,
    "string ALPHA": b"MSLREF_STRING_ALPHA::the quick brown fox jumps over the lazy dog\0",
    "string BETA": b"MSLREF_STRING_BETA::0xDEADBEEFCAFEBABE::reference capture\0",
}


def _prot(bits: int) -> str:
    return "".join(c if bits & (1 << i) else "-" for i, c in enumerate("rwx"))


def where(path: Path) -> None:
    """Print, for every pattern, the regions holding it and the first address."""
    region_types = ENUM_NAMES["region_type"]
    with MslReader(path) as reader:
        regions = list(reader.regions())
        for label, pattern in PATTERNS.items():
            total = 0
            places = []
            for region in regions:
                data = bytes(region.captured_data())
                count = data.count(pattern)
                if not count:
                    continue
                first = data.find(pattern)
                page = first // region.page_size
                captured = [i for i, s in enumerate(region.states) if s == "0"]
                addr = region.base + captured[page] * region.page_size + first % region.page_size
                places.append(f"0x{addr:x} in {region_types[region.payload.region_type]} "
                              f"{_prot(region.payload.protection)} region 0x{region.base:x}+0x{region.size:x}"
                              + (f" ({count} copies)" if count > 1 else ""))
                total += count
            print(f"  {label}: {total} occurrence(s)")
            for place in places[:4]:
                print(f"    {place}")
            if len(places) > 4:
                print(f"    ... and {len(places) - 4} more region(s)")
        print(f"  threads: {sum(1 for r in reader.blocks if r.block_type == 0x0011)} Thread Context block(s)")


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "demo-out")
    out.mkdir(parents=True, exist_ok=True)
    capture_path = out / "live.msl"
    report_path = out / "live-report.json"
    target = subprocess.Popen([sys.executable, str(TARGET), "--markers", "4", "--threads", "2", "--protnone",
                               "--name", "msl-demo"], env={}, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert target.stdout is not None
        info = json.loads(target.stdout.readline())
        pid = info["pid"]
        marker_addr = info["areas"]["markers"][0]
        print(f"target: PID {pid} (empty environment), marker area at 0x{marker_addr:x}\n")
        print(f"$ msl capture {pid} -o {capture_path} -c zstd --report {report_path} --force")
        done = subprocess.run([*MSL, "capture", str(pid), "-o", str(capture_path), "-c", "zstd", "--report",
                               str(report_path), "--force"], check=False)
        if done.returncode != 0:
            return done.returncode
        print(f"\n$ msl verify {capture_path}")
        verified = subprocess.run([*MSL, "verify", str(capture_path)], check=False)
        print(f"\npatterns found in {capture_path} ({capture_path.stat().st_size} bytes, mode "
              f"{oct(capture_path.stat().st_mode & 0o777)}):")
        where(capture_path)
        print(f"\nacquisition report: {report_path}")
        print(f"\n$ msl regions {capture_path} --addr 0x{marker_addr:x}")
        subprocess.run([*MSL, "regions", str(capture_path), "--addr", hex(marker_addr)], check=False)
        print(f"\n$ msl search {capture_path} '{MARKER.decode()}' --max 3")
        subprocess.run([*MSL, "search", str(capture_path), MARKER.decode(), "--max", "3"], check=False)
        return verified.returncode
    finally:
        target.kill()
        target.wait()


if __name__ == "__main__":
    raise SystemExit(main())
