"""ELF-core export of a live capture, judged by gdb against gdb attached to the process.

A multi-threaded target (``tests/targets/vector_target.c``) holds known values in its
vector registers while its threads block in read(2); it is stopped (SIGSTOP), captured
with ``msl capture``, attached with ``gdb -p`` (registers and backtraces of every
thread), exported with ``msl export --to elf-core`` and opened with ``gdb -c CORE EXE``.
Every register gdb shows (general, x87 with fip/fdp, SSE, AVX) and every backtrace must
be the same; the backtraces must be symbolized (NT_AUXV lets gdb relocate the PIE
executable, NT_FILE names the mapped files).
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import struct
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.targets_import import harness

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "targets" / "vector_target.c"
MSL = [sys.executable, "-m", "memslice.cli.main"]
pytestmark = pytest.mark.skipif(not (platform.system() == "Linux" and platform.machine() == "x86_64"
                                     and shutil.which("gdb") and (shutil.which("gcc") or shutil.which("cc"))),
                                reason="needs gdb and a C compiler on Linux x86_64")


def _gdb(*args: str, cwd: Path) -> str:
    cmd = ["gdb", "-nx", "-batch", "-ex", "set width 0", "-ex", "thread apply all info all-registers",
           "-ex", "thread apply all bt", *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL,
                          env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(cwd)})
    return proc.stdout


def parse(out: str) -> tuple[dict[int, dict[str, str]], dict[int, list[str]]]:
    """(registers by thread, backtrace function names by thread) from gdb's output."""
    regs: dict[int, dict[str, str]] = {}
    frames: dict[int, list[str]] = {}
    tid = None
    for line in out.splitlines():
        if line.startswith("Thread ") and "LWP " in line:
            tid = int(line.split("LWP ", 1)[1].split(")", 1)[0])
            regs.setdefault(tid, {})
            frames[tid] = []
        elif tid is not None and line.startswith("#"):
            match = re.match(r"#\d+\s+(?:0x[0-9a-f]+ in )?(\S+)", line)
            frames[tid].append(match.group(1) if match else "?")
        elif tid is not None and line and not line.startswith((" ", "[", "warning", "#")) and not frames[tid]:
            name, _, rest = line.partition(" ")
            if rest.strip():
                regs[tid][name] = re.sub(r"\s*<[^<>]*>$", "", rest.strip())
    return regs, frames


@pytest.fixture(scope="module")
def stopped_target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    work = tmp_path_factory.mktemp("vector")
    cc = shutil.which("gcc") or shutil.which("cc")
    exe = work / "vector-target"
    subprocess.run([str(cc), "-O0", "-g", "-pthread", "-o", str(exe), str(SOURCE)], check=True, capture_output=True,
                   timeout=120)
    avx = " avx " in f" {Path('/proc/cpuinfo').read_text().replace(chr(10), ' ')} "
    proc = subprocess.Popen([str(exe), "1" if avx else "0"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            env={}, cwd=work)
    try:
        assert proc.stdout is not None
        info = json.loads(proc.stdout.readline())
        harness.stop(proc.pid)
        yield {"pid": proc.pid, "exe": exe, "work": work, "avx": avx, "info": info}
    finally:
        proc.kill()
        proc.wait()


def test_core_shows_what_gdb_attached_shows(stopped_target: dict) -> None:
    pid, exe, work = stopped_target["pid"], stopped_target["exe"], stopped_target["work"]
    msl, core = work / "live.msl", work / "live.core"
    subprocess.run([*MSL, "capture", str(pid), "-o", str(msl), "-q"], check=True, timeout=300)
    live_regs, live_frames = parse(_gdb("-p", str(pid), cwd=work))
    proc = subprocess.run([*MSL, "export", str(msl), "-o", str(core), "--to", "elf-core"], capture_output=True,
                          text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    core_regs, core_frames = parse(_gdb(str(exe), "-c", str(core), cwd=work))
    assert len(live_regs) == 3 and set(core_regs) == set(live_regs)
    vector = "ymm" if stopped_target["avx"] else "xmm"
    for tid, regs in live_regs.items():
        assert len(regs) > 50 and {"rip", "rsp", "fioff", "fooff", "mxcsr", f"{vector}15"} <= set(regs)
        assert core_regs[tid] == regs, f"thread {tid}"
    # the vector registers hold the target's patterns (not zeros gdb would show for missing state)
    for index in range(3):
        pattern = bytes((index * 37 + i * 11 + 1) & 0xFF for i in range(512))
        lane = struct.unpack("<Q", pattern[32:40] if vector == "ymm" else pattern[16:24])[0]
        assert any(f"0x{lane:x}" in regs[f"{vector}1"] for regs in core_regs.values()), index
    # symbolized backtraces, frame for frame
    assert core_frames == live_frames
    names = {name for frames in core_frames.values() for name in frames}
    assert {"hold", "vector_worker", "main"} <= names and "??" not in names


def test_auxv_and_file_notes(stopped_target: dict) -> None:
    from memslice.acquirer.exporters import export_elf_core

    pid, work = stopped_target["pid"], stopped_target["work"]
    msl = work / "notes.msl"
    subprocess.run([*MSL, "capture", str(pid), "-o", str(msl), "-q"], check=True, timeout=300)
    result = export_elf_core(msl, work / "notes.core")
    assert not [w for w in result.warnings if "AUXV" in w or "NT_FILE" in w], result.warnings
    data = (work / "notes.core").read_bytes()
    auxv = Path(f"/proc/{pid}/auxv").read_bytes()
    assert auxv.rstrip(b"\0") and auxv[:len(auxv.rstrip(b"\0"))] in data  # the kernel's vector, verbatim
    text = subprocess.run(["gdb", "-nx", "-batch", "-ex", "info proc mappings", str(stopped_target["exe"]), "-c",
                           str(work / "notes.core")], capture_output=True, text=True, timeout=300,
                          env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(work)}).stdout
    shown = {tuple(line.split()) for line in text.splitlines() if line.strip().startswith("0x")}
    expected = set()
    for line in Path(f"/proc/{pid}/maps").read_text().splitlines():
        parts = line.split()
        if len(parts) == 6 and parts[5].startswith("/"):
            lo, hi = (int(x, 16) for x in parts[0].split("-"))
            expected.add((f"0x{lo:x}", f"0x{hi:x}", f"0x{hi - lo:x}", f"0x{int(parts[2], 16):x}", parts[5]))
    assert expected and expected <= shown, expected - shown


def test_memslicer_capture_exports_auxv_and_files(tmp_path: Path) -> None:
    """memslicer's sample (module bases at the text, no executable module): both notes still built."""
    from memslice.acquirer.exporters import export_elf_core

    sample = HERE / "fixtures" / "samples" / "memslicer-0.5.2" / "gdb_inv_plain_zstd_64m.msl"
    core = tmp_path / "ms.core"
    result = export_elf_core(sample, core)
    assert not [w for w in result.warnings if "AUXV" in w or "NT_FILE" in w], result.warnings
    text = subprocess.run(["gdb", "-nx", "-batch", "-ex", "info proc mappings", "-ex", "info auxv", "-c", str(core)],
                          capture_output=True, text=True, timeout=300,
                          env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path)}).stdout
    rows = {tuple(line.split()) for line in text.splitlines() if line.strip().startswith("0x")}
    # the VAS Map of the sample: /usr/bin/python3.11 mapped at 0x400000 (126976 bytes) and 0x41f000
    assert ("0x400000", "0x41f000", "0x1f000", "0x0", "/usr/bin/python3.11") in rows
    assert ("0x41f000", "0x6d2000", "0x2b3000", "0x1f000", "/usr/bin/python3.11") in rows
    assert re.search(r"AT_ENTRY\s+Entry point of program\s+0x[0-9a-f]+", text)
