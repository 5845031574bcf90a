"""Copy first, resume, then write (``--freeze``): the target runs again while its capture is written.

Processes are the tests' own (``tests/targets/pattern_target.py``, empty environment). The
capturing CLI is paused with SIGSTOP once its partial file has grown (it is then provably
writing, after the copy); faults inside the copy are injected in-process by wrapping
:meth:`ProcessMemory.read_ranges`, the one call that reads the target's pages.
"""

from __future__ import annotations

import errno
import json
import os
import random
import re
import signal
import stat
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from memslice.acquirer import copy_first
from memslice.acquirer.engine import capture
from memslice.acquirer.errors import AcquireError
from memslice.acquirer.linux import scratch as scratch_mod
from memslice.acquirer.linux.memory import ProcessMemory
from memslice.acquirer.linux.scratch import ScratchError, ScratchFile
from memslice.acquirer.linux.source import LinuxSource
from memslice.acquirer.options import CaptureOptions
from memslice.generated.blocks import memory_region

from memslice import MslReader, verify
from tests.targets.harness import (
    MSL,
    PAGE,
    Target,
    finish,
    kill_process,
    pages,
    start_capture,
    target,
    thread_states,
    tracer_pid,
    wait_for_size,
)

MIB = 1 << 20


def _fill_page(index: int) -> bytes:
    """A page of the target's ``--fill`` area (index, then 0xA5; see pattern_target.py)."""
    return index.to_bytes(8, "little") + b"\xa5" * (PAGE - 8)


def _partial(out: Path) -> Path | None:
    found = [p for p in out.parent.iterdir() if re.fullmatch(re.escape(out.name) + r"\.[0-9a-f]{16}\.partial", p.name)]
    return found[0] if found else None


def _deep_ok(path: Path) -> tuple[str, str]:
    """``msl verify --deep`` passes (every payload decoded) and the chain and End-of-Capture are there."""
    result = subprocess.run([*MSL, "verify", "--deep", str(path)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    with MslReader(path) as reader:
        report = verify(reader)
        return report.chain, report.eoc


def _pause_when_written(out: Path, args: list[str], at: int):
    proc = start_capture(*args)
    while _partial(out) is None and proc.poll() is None:
        pass
    partial = _partial(out)
    assert partial is not None and wait_for_size(partial, at, proc), f"capture ended early: {proc.poll()}"
    os.kill(proc.pid, signal.SIGSTOP)
    return proc


def test_target_runs_while_the_copy_is_written_and_dies_without_losing_a_page(tmp_path: Path) -> None:
    t = Target("--random", "48", "--seed", "11", "--threads", "2")
    try:
        addr, size = t.area("random")
        out = tmp_path / "cf.msl"
        report = tmp_path / "cf.json"
        # -c zstd: copied into the scratch file (a -c none file is preallocated: its size is no progress);
        # random bytes, so the file grows past 8 MiB while the memory is written
        proc = _pause_when_written(out, [str(t.pid), "-o", str(out), "-q", "-c", "zstd", "--report", str(report)],
                                   8 * MIB)
        try:
            # the file is being written: the copy is done and the target runs again, untraced
            assert tracer_pid(t.pid) == 0 and "t" not in thread_states(t.pid).values()
            assert t.alive()
            kill_process(t.pid)  # its memory is gone now; the copy is not
        finally:
            os.kill(proc.pid, signal.SIGCONT)
        result = finish(proc)
    finally:
        t.close()
    assert result.returncode == 0, result.stderr
    got = pages(out, addr, size)
    assert [s for s, _ in got] == ["captured"] * (size // PAGE)
    assert b"".join(d for _, d in got if d is not None) == random.Random(11).randbytes(size)
    assert _deep_ok(out) == ("ok", "present")
    rep = json.loads(report.read_text())
    assert rep["freeze"]["copy_first"] is True and rep["freeze"]["threads_stopped"] == 3
    assert rep["freeze"]["seconds"] >= rep["freeze"]["copy_seconds"] > 0
    assert not rep["errors"]


class _OnFirstBlock:
    """A progress callback that runs ``action`` once, after the first Memory Region is written."""

    def __init__(self, action: Callable[[], None]) -> None:
        self.action = action
        self.calls = 0

    def update(self, **_: int) -> None:
        self.calls += 1
        if self.calls == 1:
            self.action()

    def finish(self) -> None:
        pass


def test_in_place_copy_target_runs_while_written_and_dies_without_losing_a_page(tmp_path: Path) -> None:
    t = Target("--fill", "64", "--threads", "2")
    seen: dict[str, object] = {}

    def first_block() -> None:  # the memory is being written: the target runs again, untraced
        seen["tracer"] = tracer_pid(t.pid)
        seen["states"] = set(thread_states(t.pid).values())
        seen["alive"] = t.alive()
        kill_process(t.pid)

    try:
        addr, size = t.area("fill")
        out = tmp_path / "ip.msl"
        report = capture(LinuxSource(t.pid), _options(out), progress=_OnFirstBlock(first_block))
    finally:
        t.close()
    assert seen["tracer"] == 0 and "t" not in seen["states"] and seen["alive"] is True  # type: ignore[operator]
    assert report.outcome == "complete" and report.freeze["copy_first"] is True
    assert report.freeze["threads_stopped"] == 3
    got = pages(out, addr, size)
    assert [s for s, _ in got] == ["captured"] * (size // PAGE)
    assert all(d == _fill_page(i) for i, (_, d) in enumerate(got))
    assert _deep_ok(out) == ("ok", "present")
    assert out.stat().st_size == report.totals["file_bytes"]  # the preallocated tail was cut off


def test_in_place_copy_interrupted_keeps_a_verifiable_file(tmp_path: Path) -> None:
    stop = threading.Event()
    with target("--fill", "64", "--threads", "1") as t:
        out = tmp_path / "ipint.msl"
        report = capture(LinuxSource(t.pid), _options(out), stop=stop, progress=_OnFirstBlock(stop.set))
        assert tracer_pid(t.pid) == 0 and "t" not in thread_states(t.pid).values() and t.alive()
    assert report.outcome == "interrupted"
    with MslReader(out) as reader:
        result = verify(reader)
        names = [r.block_type for r in reader.blocks]
    assert result.chain == "ok" and result.eoc == "absent"
    assert names.count(memory_region.BLOCK_TYPE) == 1  # the block in flight was completed, no more
    assert _partial(out) is None


def _options(out: Path, **kw: object) -> CaptureOptions:
    return CaptureOptions(output=out, **kw)  # type: ignore[arg-type]


def _fail_reads_at(monkeypatch: pytest.MonkeyPatch, bad: set[int], error: OSError | None = None) -> None:
    """Make every read of a page in ``bad`` fail (short count, as for an unreadable page), or raise ``error``."""
    original = ProcessMemory.read_ranges

    def read_ranges(self, ranges, buf, buf_addr, offset):  # noqa: ANN001, ANN202 - same signature
        kept = []
        for address, length in ranges:
            hit = [p for p in bad if address <= p < address + length]
            if hit:
                if error is not None:
                    raise error
                first = min(hit)
                if first > address:
                    kept.append((address, first - address))
                break
            kept.append((address, length))
        return original(self, kept, buf, buf_addr, offset) if kept else 0

    monkeypatch.setattr(ProcessMemory, "read_ranges", read_ranges)


def test_page_failing_during_the_copy_is_failed_and_the_target_resumed(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    with target("--fill", "16", "--threads", "1") as t:
        addr, size = t.area("fill")
        bad = {addr + 5 * PAGE, addr + 6 * PAGE, addr + 300 * PAGE}
        _fail_reads_at(monkeypatch, bad)
        out = tmp_path / "fail.msl"
        report = capture(LinuxSource(t.pid), _options(out))
        assert report.outcome == "complete" and report.freeze["copy_first"] is True
        assert tracer_pid(t.pid) == 0 and "t" not in thread_states(t.pid).values() and t.alive()
    got = pages(out, addr, size)
    for i, (state, data) in enumerate(got):
        if addr + i * PAGE in bad:
            assert (state, data) == ("failed", None), i
        else:
            assert state == "captured" and data == _fill_page(i), i
    assert _deep_ok(out) == ("ok", "present")


def test_error_during_the_copy_resumes_the_target_and_keeps_a_verifiable_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with target("--fill", "16", "--threads", "1") as t:
        addr, _ = t.area("fill")
        _fail_reads_at(monkeypatch, {addr + 3 * PAGE}, OSError(errno.EPERM, "Operation not permitted"))
        out = tmp_path / "denied.msl"
        with pytest.raises(AcquireError) as info:
            capture(LinuxSource(t.pid), _options(out))
        assert "permission" in str(info.value).lower() or "not permitted" in str(info.value)
        assert tracer_pid(t.pid) == 0 and "t" not in thread_states(t.pid).values() and t.alive()
    assert not out.exists()
    kept = _partial(out)
    assert kept is not None and stat.S_IMODE(kept.stat().st_mode) == 0o600
    with MslReader(kept) as reader:
        assert verify(reader).chain == "ok"
    # the scratch copy never had a name: nothing but the kept partial file is left
    assert sorted(p.name for p in tmp_path.iterdir()) == [kept.name]


def test_no_scratch_space_streams_with_a_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_a: object, **_k: object) -> None:
        raise ScratchError(errno.ENOSPC, "cannot reserve bytes for the copy: No space left on device")

    monkeypatch.setattr("memslice.acquirer.engine.ScratchFile", refuse)
    with target("--fill", "8") as t:
        addr, size = t.area("fill")
        out = tmp_path / "stream.msl"
        report = capture(LinuxSource(t.pid), _options(out))
        assert t.alive() and tracer_pid(t.pid) == 0
    assert "copy_first" not in report.freeze and report.freeze["frozen"] is True
    assert any("No space left" in w for w in report.warnings)
    got = pages(out, addr, size)
    assert all(s == "captured" and d == _fill_page(i) for i, (s, d) in enumerate(got))
    assert _deep_ok(out) == ("ok", "present")


def test_scratch_file_grows_keeps_bytes_and_has_no_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scratch_mod, "_GROW_MIN", 2 * MIB)
    s = ScratchFile(tmp_path / "out.msl", expected=0, window=MIB)
    try:
        assert list(tmp_path.iterdir()) == []  # unlinked at once
        assert stat.S_IMODE(os.fstat(s.fd).st_mode) == 0o600
        written = []
        for i in range(7):  # 7 MiB through 1 MiB windows: more than the first reservation
            window, offset = s.window()
            data = bytes([i + 1]) * (MIB - PAGE)
            window[:len(data)] = data
            window.release()
            s.commit(len(data))
            written.append((offset, data))
        assert len(s.segments) > 1
        for offset, data in written:
            view = s.view(offset, len(data))
            assert bytes(view) == data
            view.release()
        monkeypatch.setattr(scratch_mod, "DROP_BATCH", 2 * MIB)
        s.drop(written[2][0], len(written[2][1]))  # three parts done: one 2 MiB batch is freed
        view = s.view(written[0][0], len(written[0][1]))
        assert bytes(view) == bytes(len(written[0][1]))  # punched out: reads as zeros now
        view.release()
        for offset, data in written[3:]:  # the parts not yet written out are untouched
            view = s.view(offset, len(data))
            assert bytes(view) == data
            view.release()
    finally:
        s.close_in_background().join()
    assert s.fd == -1 and s.segments == []


def test_estimate_counts_resident_pages_not_reservations() -> None:
    with target("--fill", "32", "--sparse", "4") as t:
        fill = t.area("fill")[1]
        opts = CaptureOptions(output=Path("unused.msl"))
        got = copy_first.estimate(t.pid, opts, not_resident=True)
        everything = copy_first.estimate(t.pid, opts, not_resident=False)
    assert fill <= got < 4 << 30 <= everything


def test_estimate_counts_pages_only_read_which_rss_leaves_out() -> None:
    """Reading an untouched anonymous page maps the shared zero page: not in Rss, but read by the copy."""
    with target("--fill", "8", "--sparse", "1") as t:
        start, _ = t.area("sparse")
        opts = CaptureOptions(output=Path("unused.msl"))
        before = copy_first.estimate(t.pid, opts, not_resident=True)
        fd = os.open(f"/proc/{t.pid}/mem", os.O_RDONLY)
        try:
            for at in range(start + MIB, start + 65 * MIB, MIB):  # 64 MiB read, never written
                assert os.pread(fd, MIB, at) == bytes(MIB)
        finally:
            os.close(fd)
        rss = copy_first._anonymous_rss(t.pid)[start]
        after = copy_first.estimate(t.pid, opts, not_resident=True)
    assert rss < MIB  # the kernel does not count zero-page mappings as resident
    assert after - before >= 64 * MIB


def _mapped_kib(address: int, field: str = "Rss") -> int:
    """KiB of our own mapping starting at ``address`` in one ``/proc/self/smaps`` field."""
    text = Path("/proc/self/smaps").read_text()
    head = f"{address:x}-"
    block = text[text.index("\n" + head) + 1:] if not text.startswith(head) else text
    found = re.search(rf"^{field}:\s+(\d+) kB", block, re.MULTILINE)
    assert found is not None
    return int(found.group(1))


def test_prefault_dirties_only_its_budget_and_maps_the_rest_clean(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the zero-fill budget (below the kernel's write-back threshold) pages are mapped but left clean."""
    monkeypatch.setattr(scratch_mod, "_zero_fill_budget", lambda: 8 * MIB)
    s = ScratchFile(tmp_path / "out.msl", expected=31 * MIB, window=MIB)
    try:
        address = scratch_mod.libc.mapping_address(s.segments[0].map)
        assert _mapped_kib(address) >= 32 * 1024  # every page mapped before the freeze
        dirty = _mapped_kib(address, "Shared_Dirty") + _mapped_kib(address, "Private_Dirty")
        assert 8 * 1024 <= dirty <= 8 * 1024 + 4  # only the zero-filled part is dirty
        view = s.view(20 * MIB, MIB)
        view[:] = b"\x5a" * MIB  # the copy writes into the clean pages too
        view.release()
        assert _mapped_kib(address, "Shared_Dirty") + _mapped_kib(address, "Private_Dirty") >= dirty + 1024
        assert os.pread(s.fd, 4, 20 * MIB) == b"\x5a" * 4
    finally:
        s.close()


def test_in_place_file_is_prefaulted_with_zeros_and_unmapped_when_done(tmp_path: Path) -> None:
    """The capture file's pages are written and mapped before the freeze; done parts leave our mapping only."""
    path = tmp_path / "capture.bin"
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    s = ScratchFile(path, expected=24 * MIB, window=MIB, fd=fd)
    try:
        seg = s.segments[0]
        address = scratch_mod.libc.mapping_address(seg.map)
        before = _mapped_kib(address)
        assert before >= 24 * 1024  # faulted in ahead: the copy takes no fault
        assert os.fstat(fd).st_size >= 24 * MIB and os.pread(fd, MIB, 5 * MIB) == bytes(MIB)
        data = random.Random(3).randbytes(20 * MIB + 100)
        window = s.window_at(100, len(data))
        window[:] = data
        window.release()
        s.drop(100, 16 * MIB)  # hashed and written: our mapping of those pages goes
        assert _mapped_kib(address) <= before - 16 * 1024 + 4
        assert os.pread(fd, len(data), 100) == data  # the file keeps every byte
        view = s.view(100, len(data))
        assert bytes(view) == data  # and reads back through the mapping
        view.release()
    finally:
        s.close()
        os.close(fd)
    assert path.stat().st_size >= 24 * MIB
