"""Demo: write a capture with our writer, verify it, describe it, and find known patterns.

Until the live acquirer lands this builds a synthetic process image (heap, stack and an
anonymous buffer of markers, with Failed and Unmapped pages) through the generated writer.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from memslice.generated.blocks.end_of_capture import EndOfCapture  # noqa: F401 (documents the last block)
from memslice.generated.blocks.module_entry import ModuleEntry
from memslice.generated.blocks.module_list_index import ModuleListIndex, ModuleManifestEntry
from memslice.generated.blocks.process_identity import ProcessIdentity
from memslice.generated.enums import ArchType, CapBitmap, OsType, Protection, RegionType

from memslice import MslReader, MslWriter, verify
from memslice.writer import new_uuid

MARKER = b"<MSLREF:MARKER:0123456789ABCDEF>"
SECRET = b"MSLREF_STRING_ALPHA::the quick brown fox jumps over the lazy dog\0"


def build(path: Path) -> None:
    caps = CapBitmap.PROCESS_IDENTITY | CapBitmap.MODULE_LIST | CapBitmap.MEMORY_REGIONS
    with MslWriter(path, compression="zstd", cap_bitmap=caps, os_type=OsType.LINUX,
                   arch_type=ArchType.X86_64, pid=4242) as w:
        w.add(ProcessIdentity(ppid=1, exe_path="/usr/bin/demo-target", cmd_line="demo-target --patterns"))
        modules = [("/usr/bin/demo-target", 0x400000, 0x3000), ("/usr/lib/libdemo.so", 0x7F0000000000, 0x2000)]
        uuids = [new_uuid() for _ in modules]
        index = w.add(ModuleListIndex(entries=[
            ModuleManifestEntry(module_uuid=u, base_addr=b, module_size=s, path=p)
            for u, (p, b, s) in zip(uuids, modules, strict=True)]), flags=0x10)
        page = 4096
        heap = bytearray(os.urandom(8 * page))
        heap[1000:1000 + len(SECRET)] = SECRET
        w.add_memory_region(0x5555_0000_0000, "0" * 8, bytes(heap), protection=Protection.READ | Protection.WRITE,
                            region_type=RegionType.HEAP)
        buf = MARKER * (64 * page // len(MARKER))
        w.add_memory_region(0x7F00_1000_0000, "0" * 64 + "1" * 4 + "2" * 4, buf,
                            protection=Protection.READ | Protection.WRITE, region_type=RegionType.ANONYMOUS)
        w.add_memory_region(0x7FFD_0000_0000, "30" * 4, os.urandom(4 * page),
                            protection=Protection.READ | Protection.WRITE, region_type=RegionType.STACK)
        for u, (p, b, s) in zip(uuids, modules, strict=True):
            w.add(ModuleEntry(base_addr=b, module_size=s, path=p, version=None, native_blob=b""),
                  block_uuid=u, parent_uuid=index)


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "demo-out")
    out.mkdir(exist_ok=True)
    path = out / "demo.msl"
    build(path)
    print(f"wrote {path} ({path.stat().st_size} bytes, mode {oct(path.stat().st_mode & 0o777)})\n")
    subprocess.run([sys.executable, "-m", "memslice.cli.main", "info", str(path)], check=True)
    print()
    subprocess.run([sys.executable, "-m", "memslice.cli.main", "verify", str(path)], check=True)
    print()
    with MslReader(path) as reader:
        assert verify(reader).ok
        hits = 0
        for region in reader.regions():
            data = bytes(region.captured_data())
            count = data.count(MARKER)
            hits += count
            if SECRET[:20] in data:
                # map the PageData offset back to an address through the page states
                offset = data.index(SECRET[:20])
                page_index = [i for i, s in enumerate(region.states) if s == "0"][offset // region.page_size]
                addr = region.base + page_index * region.page_size + offset % region.page_size
                print(f"found {SECRET[:20].decode()}... at 0x{addr:x}")
            if count:
                states = "".join(sorted(set(region.states)))
                print(f"found the marker {count} times in region 0x{region.base:x} (page states {states})")
        spans = reader.read(0x7F00_1000_0000 + 62 * 4096, 6 * 4096)
        print("read across the end of the marker buffer:",
              ", ".join(f"{s.state} {s.length // 4096}p" for s in spans))
    return 0 if hits == 64 * 4096 // len(MARKER) else 1


if __name__ == "__main__":
    raise SystemExit(main())
