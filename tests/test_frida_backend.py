"""``msl capture --backend frida`` against the Linux backend, page by page.

Each test starts its own quiescent target (``pattern_target.py``, empty environment: the
main thread blocks reading stdin, worker threads wait), captures it first with the Frida
backend, then with the Linux backend (frozen), and compares the two files with our reader.

What must agree, and what may differ (and why):

* pages Captured by both: identical bytes, except a few pages in writable memory (malloc
  arena headers, thread stacks, libc data that Frida's injection and threads touched) and
  the libc and dynamic-loader code pages Gum hooks while the agent is loaded (its
  exception handler's ``signal``/``sigaction``, the loader's debug breakpoint); at most
  :data:`MAX_CHANGED_PAGES` of them, never in the marker area;
* both read ``/proc/PID/pagemap`` for private anonymous memory: never-touched pages are
  NotResident in both; Linux NotResident vs Frida Captured: the page read as zeros; Frida
  NotResident vs Linux Captured: a writable page touched after the Frida capture (counted
  with the changed pages);
* Linux Failed vs Frida Captured: only kernel pages (``[vvar]``) that ``process_vm_readv``
  cannot read but the process itself can;
* mappings only one capture has: anonymous ones only (the agent's bootstrap trampoline
  while attached; thread stacks and a malloc arena glibc keeps after the agent's threads end);
* the module list (paths and bases of file-backed ELF modules) and the thread ids agree,
  and the known marker bytes are found at their addresses.

Under ``CI=true`` a missing ``frida`` fails in one line instead of skipping.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from memslice import MslReader
from memslice.modules import module_list
from tests.targets.harness import MARKER, MSL, PAGE, capture, target

try:
    import frida  # noqa: F401
    HAVE_FRIDA = True
except ImportError:
    HAVE_FRIDA = False

if not HAVE_FRIDA:
    if os.environ.get("CI") == "true":
        pytest.fail("frida is not installed: pip install 'frida>=17,<18' (the dev extra has it)", pytrace=False)
    pytestmark = pytest.mark.skip(reason="frida is not installed (pip install 'frida>=17,<18')")

MAX_CHANGED_PAGES = 64
"""Pages Captured by both backends whose bytes may differ (writable memory touched by the injection)."""

HOOKED = ("libc.so", "ld-linux")
"""Code Gum hooks while its agent is loaded (exception handling: signal/sigaction; the loader's debug hook)."""

Pages = dict[int, tuple[str, bytes | None]]


def _pages(path: Path) -> Pages:
    out: Pages = {}
    with MslReader(path) as reader:
        for region in reader.regions():
            data = region.captured_data()
            index = 0
            for i, state in enumerate(region.states):
                if state == "0":
                    out[region.base + i * PAGE] = (state, bytes(data[index * PAGE:(index + 1) * PAGE]))
                    index += 1
                else:
                    out[region.base + i * PAGE] = (state, None)
    return out


def _mappings(report: dict) -> list[tuple[int, int, str, str]]:
    return [(int(r["start"], 16), int(r["end"], 16), r["perms"], r["path"]) for r in report["regions"]]


def _mapping_of(maps: list[tuple[int, int, str, str]], address: int) -> tuple[int, int, str, str] | None:
    return next((m for m in maps if m[0] <= address < m[1]), None)


def _both(t, tmp_path: Path) -> tuple[Path, Path, dict, dict]:
    paths = {}
    reports = {}
    for name, extra in (("frida", ["--backend", "frida"]), ("linux", [])):
        out = tmp_path / f"{name}.msl"
        rep = tmp_path / f"{name}.json"
        result = capture(str(t.pid), "-o", str(out), "-q", "--report", str(rep), *extra)
        assert result.returncode == 0, f"{name}: {result.stderr}"
        verify = subprocess.run([*MSL, "verify", "-q", str(out)], capture_output=True, text=True, check=False)
        assert verify.returncode == 0, f"{name} capture does not verify: {verify.stdout}{verify.stderr}"
        paths[name] = out
        reports[name] = json.loads(rep.read_text())
    return paths["frida"], paths["linux"], reports["frida"], reports["linux"]


def _compare(fpath: Path, lpath: Path, freport: dict, lreport: dict, protect: tuple[int, int]) -> dict[str, int]:
    """Compare page by page; assert every difference is one of the explained kinds; count them."""
    fpages, lpages = _pages(fpath), _pages(lpath)
    fmaps, lmaps = _mappings(freport), _mappings(lreport)
    counts: dict[str, int] = {}

    def note(kind: str) -> None:
        counts[kind] = counts.get(kind, 0) + 1

    for address in sorted(set(fpages) | set(lpages)):
        f, lx = fpages.get(address), lpages.get(address)
        if f is None or lx is None:
            maps = lmaps if f is None else fmaps
            mapping = _mapping_of(maps, address)
            assert mapping is not None, f"page 0x{address:x} is in no mapping of its capture"
            assert mapping[3] == "", (f"page 0x{address:x} ({mapping}) only in the "
                                      f"{'linux' if f is None else 'frida'} capture, and not anonymous")
            note("only-linux" if f is None else "only-frida")
            continue
        fs, fb = f
        ls, lb = lx
        mapping = _mapping_of(lmaps, address)
        assert mapping is not None
        if fs == ls == "0":
            if fb != lb:
                assert not (protect[0] <= address < protect[0] + protect[1]), f"marker page 0x{address:x} differs"
                perms, path = mapping[2], mapping[3]
                assert perms[1] == "w" or os.path.basename(path).startswith(HOOKED), (
                    f"page 0x{address:x} differs in a read-only mapping {mapping}")
                note("changed")
            else:
                note("same")
        elif (fs, ls) == ("1", "3"):
            assert mapping[2][0] != "r", f"0x{address:x}: frida Failed a readable never-touched page"
            note("failed/not-resident")
        elif (fs, ls) == ("0", "3"):
            assert fb == bytes(PAGE), f"0x{address:x}: Linux says never touched, Frida read non-zero bytes"
            note("zero/not-resident")
        elif (fs, ls) == ("3", "0"):
            assert mapping[2][1] == "w", f"0x{address:x}: untouched for Frida, read by Linux, in {mapping}"
            note("touched-later")
        elif (fs, ls) == ("0", "1"):
            assert mapping[3] in ("[vvar]", "[vvar_vclock]"), f"0x{address:x} ({mapping}): only Frida could read it"
            note("kernel page")
        elif fs == ls:
            note("same")
        else:
            raise AssertionError(f"0x{address:x} ({mapping}): frida state {fs}, linux state {ls}")
    assert counts.get("changed", 0) + counts.get("touched-later", 0) <= MAX_CHANGED_PAGES, counts
    assert counts.get("same", 0) > 1000, counts
    return counts


def _elf_modules(path: Path) -> dict[str, int]:
    with MslReader(path) as reader:
        return {m.path: m.base for m in module_list(reader).modules if m.path.startswith("/")}


def test_frida_and_linux_agree_page_by_page(tmp_path: Path) -> None:
    with target("--markers", "4", "--threads", "2", "--protnone") as t:
        fpath, lpath, freport, lreport = _both(t, tmp_path)
        marker_addr, marker_size = t.area("markers")
        counts = _compare(fpath, lpath, freport, lreport, (marker_addr, marker_size))
        print("page comparison:", counts)
        # the known pattern, at its address, in the Frida capture
        fpages = _pages(fpath)
        expected = MARKER * (PAGE // len(MARKER))
        for page in range(marker_addr, marker_addr + marker_size, PAGE):
            assert fpages[page] == ("0", expected), f"marker page 0x{page:x}"
        # modules and threads
        fmods, lmods = _elf_modules(fpath), _elf_modules(lpath)
        assert fmods == lmods
        assert any(p.endswith("python3.11") or "python" in os.path.basename(p) for p in fmods)
        ftids = sorted(x["tid"] for x in freport["threads"])
        ltids = sorted(x["tid"] for x in lreport["threads"])
        assert ftids == ltids and len(ftids) == 3
        assert freport["totals"]["thread_contexts"] == 3


def test_frida_identity_and_registers(tmp_path: Path) -> None:
    with target("--threads", "1") as t:
        out = tmp_path / "f.msl"
        rep = tmp_path / "f.json"
        result = capture(str(t.pid), "-o", str(out), "-q", "--backend", "frida", "--report", str(rep))
        assert result.returncode == 0, result.stderr
        report = json.loads(rep.read_text())
        assert report["target"]["pid"] == t.pid
        assert report["target"]["ppid"] == os.getpid()
        assert report["target"]["exe"] == os.path.realpath(sys.executable)
        assert report["freeze"]["frozen"] is False
        assert any("no freeze" in w for w in report["warnings"])
        with MslReader(out) as reader:
            assert reader.header.pid == t.pid
        # every thread: PC and SP present, flagged Partial (Frida gives no flags/segment registers)
        for thread in report["threads"]:
            assert thread["written"] and thread["registers"] >= 17, thread
            assert thread["flags"] & 0x8, thread


@pytest.mark.parametrize(("fmt", "untouched"), [("1.1", "3"), ("1.0", "1")])
def test_frida_unreadable_pages_are_failed_not_read(tmp_path: Path, fmt: str, untouched: str) -> None:
    """PROT_NONE pages: written ones Failed; never touched ones NotResident (1.1, from pagemap) or Failed (1.0)."""
    with target("--protnone", "--sparse", "1") as t:
        out = tmp_path / "f.msl"
        result = capture(str(t.pid), "-o", str(out), "-q", "--backend", "frida", "--format", fmt)
        assert result.returncode == 0, result.stderr
        pages = _pages(out)
        for name, expected in (("touched_none", "1"), ("untouched_none", untouched)):
            addr, size = t.area(name)
            states = {pages[a][0] for a in range(addr, addr + size, PAGE)}
            assert states == {expected}, (name, states)
        addr, size = t.area("sparse")  # 1 GiB, three pages written (first, middle, last)
        states = "".join(pages[a][0] for a in range(addr, addr + size, PAGE))
        if fmt == "1.1":
            assert states.count("0") == 3 and states.count("3") == size // PAGE - 3
            for index in (0, size // PAGE // 2, size // PAGE - 1):
                data = pages[addr + index * PAGE][1]
                assert data is not None and data.startswith(f"SPARSE{index:010d}".encode())


def test_frida_missing_process_exit_3(tmp_path: Path) -> None:
    result = capture("999999999", "-o", str(tmp_path / "x.msl"), "-q", "--backend", "frida")
    assert result.returncode == 3, result.stderr
    assert not (tmp_path / "x.msl").exists()
    assert "Traceback" not in result.stderr


def test_missing_frida_is_one_line_exit_9(tmp_path: Path) -> None:
    code = ("import sys; sys.modules['frida'] = None; sys.argv = ['msl'] + sys.argv[1:]; "
            "from memslice.cli.main import main; sys.exit(main())")
    result = subprocess.run([sys.executable, "-c", code, "capture", "999999999", "-o", str(tmp_path / "x.msl"),
                             "--backend", "frida"], capture_output=True, text=True, check=False)
    assert result.returncode == 9, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "pip install" in lines[0] and "frida" in lines[0], result.stderr
    assert not (tmp_path / "x.msl").exists()


def test_register_mapping_follows_the_kernel_layouts() -> None:
    from memslice.acquirer.frida.registers import from_context
    from memslice.generated.enums import ArchType, RegisterRole

    # x86_64 user_regs_struct order: ... rax (10th), ..., rip (17th), cs, eflags, rsp (20th)
    regs, complete = from_context(ArchType.X86_64, {"rsp": "0x7ffd0000", "pc": "0x401000", "rip": "0x401000",
                                                    "rax": "0x1", "sp": "0x7ffd0000", "xmm0": {"bytes": "11" * 16}})
    assert [r.name for r in regs] == ["rax", "rip", "rsp", "xmm0"] and not complete
    assert regs[1].value == (0x401000).to_bytes(8, "little") and regs[1].roles == RegisterRole.PC
    assert regs[2].roles == RegisterRole.SP and regs[3].value == b"\x11" * 16
    # arm64: Frida's fp/lr are x29/x30 (FP/LR roles); nzcv is not pstate and is left out
    regs, _ = from_context(ArchType.ARM64, {"pc": "0x10", "sp": "0x20", "fp": "0x30", "lr": "0x40", "nzcv": "0x0"})
    assert [(r.name, r.roles) for r in regs] == [("x29", RegisterRole.FP), ("x30", RegisterRole.LR),
                                                 ("sp", RegisterRole.SP), ("pc", RegisterRole.PC)]
    # a value wider than the register is refused, not truncated
    regs, _ = from_context(ArchType.ARM32, {"pc": "0x100000000", "sp": "0x20"})
    assert [r.name for r in regs] == ["sp"]


@pytest.mark.parametrize(("extra", "message"), [
    (["--device", "usb"], "--device usb|remote needs --backend frida"),
    (["--backend", "frida", "--device", "remote"], "choose local, usb or remote HOST[:PORT]"),
    (["--backend", "frida", "--device", "floppy"], "choose local, usb or remote HOST[:PORT]"),
])
def test_device_usage_errors_exit_2(tmp_path: Path, extra: list[str], message: str) -> None:
    result = subprocess.run([*MSL, "capture", "999999999", "-o", str(tmp_path / "x.msl"), *extra],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert not (tmp_path / "x.msl").exists()


def test_target_exiting_mid_capture_leaves_unmapped_pages(tmp_path: Path) -> None:
    import re
    import time

    from tests.targets.harness import finish, start_capture, wait_for_size

    out = tmp_path / "gone.msl"
    rep = tmp_path / "gone.json"
    with target("--random", "256", "--seed", "3") as t:
        proc = start_capture(str(t.pid), "-o", str(out), "-q", "--backend", "frida", "--report", str(rep))
        partial = None
        deadline = time.monotonic() + 120
        while partial is None and proc.poll() is None and time.monotonic() < deadline:
            found = [p for p in tmp_path.iterdir() if re.fullmatch(r"gone\.msl\.[0-9a-f]{16}\.partial", p.name)]
            partial = found[0] if found else None
            time.sleep(0.005)
        assert partial is not None and wait_for_size(partial, 32 << 20, proc), "capture did not get going"
        t.proc.kill()
        t.proc.wait()
        result = finish(proc, 120)
    assert result.returncode == 0, result.stderr
    verify = subprocess.run([*MSL, "verify", "-q", str(out)], capture_output=True, text=True, check=False)
    assert verify.returncode == 0, verify.stdout
    report = json.loads(rep.read_text())
    assert report["totals"]["pages"]["unmapped"] > 0 and report["totals"]["pages"]["captured"] > 0
    assert any(e["what"] == "target" and "Unmapped" in e["cause"] for e in report["errors"])


def test_a_broken_stream_is_reopened_and_the_chunk_read_again() -> None:
    """Host side of the recovery: the agent closed the stream after a failed send (StreamBroken)."""
    from collections import deque

    from memslice.acquirer.frida.session import StreamBroken
    from memslice.acquirer.frida.source import FridaSource
    from memslice.acquirer.source import Mapping

    class FakeSession:
        def __init__(self) -> None:
            self.posted: list[tuple[int, int]] = []
            self.reconnects = 0
            self.broken_once = True

        def post_read(self, address: int, pages: int, untouched: bool = False) -> int:
            self.posted.append((address, pages))
            return len(self.posted) - 1

        def receive(self, request: int, out: memoryview, page_size: int) -> str:
            if self.broken_once:
                self.broken_once = False
                raise StreamBroken("error sending data: Bad address")
            address, pages = self.posted[request]
            for i in range(pages):
                out[i * page_size:(i + 1) * page_size] = (address + i * page_size).to_bytes(8, "little") * (
                    page_size // 8)
            return "0" * pages

        def discard(self, request: int, pages: int, page_size: int) -> None:
            pass

        def reconnect(self) -> None:
            self.reconnects += 1

    src = object.__new__(FridaSource)
    fake = FakeSession()
    src.session = fake
    src.page_size = PAGE
    mapping = Mapping(start=0x10000, end=0x10000 + 8 * PAGE, perms="rw-p", offset=0, dev="", inode=0, path="",
                      line=b"")
    src._mappings, src._starts, src._pending = [mapping], [mapping.start], deque()
    src.gone, src.stream_restarts, src.not_resident = None, 0, False
    out = memoryview(bytearray(2 * PAGE))
    assert src.read_pages(0x10000, 2, out) == "00"
    assert fake.reconnects == 1 and src.stream_restarts == 1
    assert bytes(out[PAGE:PAGE + 8]) == (0x10000 + PAGE).to_bytes(8, "little")
    assert bytes(out[:8]) == (0x10000).to_bytes(8, "little")


def test_read_ahead_that_misses_is_dropped_in_step() -> None:
    """Reads out of order (the read-ahead guessed wrong): every page still holds its own bytes."""
    from memslice.acquirer.frida.source import FridaSource

    with target("--fill", "4") as t:
        addr, size = t.area("fill")
        src = FridaSource(t.pid)
        try:
            src.identity()
            src.mappings()
            out = memoryview(bytearray(4 * PAGE))
            for first in (0, 200, 8, 100, 4, 1000):  # each read leaves read-ahead behind that the next one misses
                page = addr + first * PAGE
                assert src.read_pages(page, 4, out) == "0000"
                for i in range(4):
                    chunk = bytes(out[i * PAGE:(i + 1) * PAGE])
                    assert chunk[:8] == (first + i).to_bytes(8, "little"), (first, i)
                    assert chunk[8:] == b"\xa5" * (PAGE - 8)
        finally:
            src.close()
