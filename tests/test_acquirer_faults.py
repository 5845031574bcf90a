"""Faults and bad input of ``msl capture``, with real processes the tests start.

Races are made deterministic without timing: the capturing process is paused with SIGSTOP
once its ``OUT.<random>.partial`` file has grown past a size (so it is provably mid-capture), the fault is
injected (kill the target, unmap memory, Ctrl-C), then the capture is continued with SIGCONT.
"""

from __future__ import annotations

import json
import os
import pkgutil
import re
import resource
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from memslice import MslReader, verify
from tests.targets.harness import (
    PAGE,
    Target,
    block_names,
    capture,
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
    """A page of the target's ``--fill`` area."""
    return index.to_bytes(8, "little") + b"\xa5" * (PAGE - 8)


def _partial(out: Path) -> Path | None:
    """The capture's temporary file ``OUT.<16 random hex>.partial``, if there is one."""
    found = [p for p in out.parent.iterdir() if re.fullmatch(re.escape(out.name) + r"\.[0-9a-f]{16}\.partial", p.name)]
    assert len(found) <= 1, found
    return found[0] if found else None


def _paused_capture(out: Path, args: list[str], at: int) -> subprocess.Popen[str]:
    """Start a capture and SIGSTOP it once ``OUT.<random>.partial`` holds ``at`` bytes."""
    proc = start_capture(*args)
    while _partial(out) is None and proc.poll() is None:
        time.sleep(0.001)
    partial = _partial(out)
    reached = partial is not None and wait_for_size(partial, at, proc)
    assert reached, f"the capture ended before writing {at} bytes: {proc.poll()}"
    os.kill(proc.pid, signal.SIGSTOP)
    return proc


def _verify(path: Path) -> tuple[bool, str, object]:
    with MslReader(path) as reader:
        report = verify(reader)
        return report.chain == "ok", report.eoc, reader.fault


def test_freeze_stops_every_thread_and_resumes_them(tmp_path: Path) -> None:
    with target("--fill", "256", "--threads", "3") as t:
        out = tmp_path / "fz.msl"
        report = tmp_path / "fz.json"
        # paused as soon as the file exists (created while frozen); the copy-first capture resumes
        # the target before it writes memory, so it may already run again (tests/test_acquirer_copy_first.py)
        proc = _paused_capture(out, [str(t.pid), "-o", str(out), "-q", "--report", str(report)], 1)
        try:
            states = thread_states(t.pid)
            traced = tracer_pid(t.pid)
            if traced:  # still in the freeze: every thread is held by the capture
                assert traced == proc.pid and len(states) == 4 and set(states.values()) == {"t"}
            partial = _partial(out)
            assert partial is not None and not out.exists() and stat.S_IMODE(partial.stat().st_mode) == 0o600
        finally:
            os.kill(proc.pid, signal.SIGCONT)
        result = finish(proc)
        assert result.returncode == 0, result.stderr
        assert tracer_pid(t.pid) == 0 and "t" not in thread_states(t.pid).values() and t.alive()
        assert _verify(out)[:2] == (True, "present")
        freeze = json.loads(report.read_text())["freeze"]
        assert freeze["threads_stopped"] == 4 and freeze["frozen"] is True and not freeze["not_stopped"]


def test_no_freeze_never_traces(tmp_path: Path) -> None:
    with target("--fill", "256", "--threads", "2") as t:
        out = tmp_path / "nf.msl"
        proc = _paused_capture(out, [str(t.pid), "-o", str(out), "-q", "--no-freeze"], 8 * MIB)
        try:
            assert tracer_pid(t.pid) == 0 and "t" not in thread_states(t.pid).values()
            assert t.alive()  # it answers while being captured
        finally:
            os.kill(proc.pid, signal.SIGCONT)
        assert finish(proc).returncode == 0


@pytest.mark.parametrize("freeze", ["--no-freeze"])  # --freeze copies first: tests/test_acquirer_copy_first.py
def test_target_exits_mid_capture(tmp_path: Path, freeze: str) -> None:
    t = Target("--fill", "256")
    try:
        addr, size = t.area("fill")
        out = tmp_path / "gone.msl"
        report = tmp_path / "gone.json"
        proc = _paused_capture(out, [str(t.pid), "-o", str(out), "--report", str(report), freeze], 16 * MIB)
        kill_process(t.pid)
        os.kill(proc.pid, signal.SIGCONT)
        result = finish(proc)
    finally:
        t.close()
    assert result.returncode == 0, result.stderr
    assert "exited during the capture" in result.stdout
    chain_ok, eoc, fault = _verify(out)
    assert chain_ok and eoc == "present" and fault is None
    got = pages(out, addr, size)
    states = [s for s, _ in got]
    first_gone = states.index("unmapped")
    assert first_gone > 0 and set(states[:first_gone]) == {"captured"} and set(states[first_gone:]) == {"unmapped"}
    assert all(d == _fill_page(i) for i, (_, d) in enumerate(got[:first_gone]))
    errors = json.loads(report.read_text())["errors"]
    assert any("exited during the capture" in e["cause"] for e in errors)


def test_memory_unmapped_while_being_captured(tmp_path: Path) -> None:
    with target("--fill", "256") as t:
        addr, size = t.area("fill")
        out = tmp_path / "unmap.msl"
        args = [str(t.pid), "-o", str(out), "--no-freeze", "--filter-addr", f"{addr:x}-{addr + size:x}", "-q"]
        proc = _paused_capture(out, args, 16 * MIB)
        try:
            assert t.send("unmap fill") == "ok"
        finally:
            os.kill(proc.pid, signal.SIGCONT)
        result = finish(proc)
        assert result.returncode == 0, result.stderr
        got = pages(out, addr, size)
        states = [s for s, _ in got]
        first_gone = states.index("unmapped")
        assert first_gone > 0 and set(states[:first_gone]) == {"captured"} and set(states[first_gone:]) == {"unmapped"}
        assert all(d == _fill_page(i) for i, (_, d) in enumerate(got[:first_gone]))
        assert _verify(out) == (True, "present", None)
        assert t.alive()


def test_mappings_come_and_go_in_a_loop(tmp_path: Path) -> None:
    with target("--churn", "--markers", "4") as t:
        addr, size = t.area("churn")
        for i in range(3):
            out = tmp_path / f"churn{i}.msl"
            result = capture(str(t.pid), "-o", str(out), "--no-freeze", "-q")
            assert result.returncode == 0, result.stderr
            assert _verify(out) == (True, "present", None)
            for state, data in pages(out, addr, size):
                assert state in {"captured", "unmapped", "not_resident", "absent"}
                if data is not None:  # what was read is what was there: the pattern or untouched zeros
                    words = {data[j:j + 8] for j in range(0, PAGE, 8)}
                    assert words <= {b"CHURN!!!", bytes(8)}
        assert t.alive()


def test_protnone_unreadable_and_beyond_eof_pages(tmp_path: Path) -> None:
    backing = tmp_path / "eof.bin"
    with target("--protnone", "--beyond-eof", str(backing)) as t:
        out = tmp_path / "prot.msl"
        result = capture(str(t.pid), "-o", str(out), "-q")
        assert result.returncode == 0, result.stderr
        assert _verify(out) == (True, "present", None)
        assert {s for s, _ in pages(out, *t.area("touched_none"))} == {"failed"}
        assert {s for s, _ in pages(out, *t.area("untouched_none"))} == {"not_resident"}
        eof = pages(out, *t.area("beyond_eof"))
        assert [s for s, _ in eof] == ["captured", "failed", "failed", "failed"]
        assert eof[0][1] == backing.read_bytes()
        with open(f"/proc/{t.pid}/maps") as handle:
            special = [line.split() for line in handle if line.rstrip().endswith(("[vvar]", "[vsyscall]"))]
        assert special
        for fields in special:
            lo, hi = (int(x, 16) for x in fields[0].split("-"))
            assert {s for s, _ in pages(out, lo, hi - lo)} == {"failed"}


def test_huge_sparse_mapping(tmp_path: Path) -> None:
    with target("--sparse", "64") as t:
        addr, size = t.area("sparse")
        out = tmp_path / "sparse.msl"
        result = capture(str(t.pid), "-o", str(out), "-q", measure_rss=True)
        assert result.returncode == 0, result.stderr
        assert 0 < result.max_rss_kib < 200 * 1024
        assert _verify(out) == (True, "present", None)
        touched = t.info["sparse_touched"]
        with MslReader(out) as reader:
            blocks = [r for r in reader.regions() if addr <= r.base < addr + size]
            assert 16 <= len(blocks) <= 17  # 4 GiB of pages a block when little is read
            assert sum(r.size for r in blocks) == size
            # on disk: the 2-bit state map (a quarter byte a page), the touched pages and block headers
            assert sum(r.record.length for r in blocks) <= size // PAGE // 4 + len(touched) * PAGE + 64 * 1024
            captured = {}
            for region in blocks:
                data = region.captured_data()
                for n, page in enumerate(i for i, s in enumerate(region.states) if s == "0"):
                    captured[(region.base - addr) // PAGE + page] = bytes(data[n * PAGE:(n + 1) * PAGE])
                assert set(region.states) <= {"0", "3"}
        assert sorted(captured) == touched
        for page, data in captured.items():
            assert data == f"SPARSE{page:010d}".encode() * (PAGE // 16)


def test_two_gib_mapping_in_bounded_memory(tmp_path: Path) -> None:
    with target("--fill", "2048") as t:
        addr, size = t.area("fill")
        out = tmp_path / "big.msl"
        result = capture(str(t.pid), "-o", str(out), "-c", "zstd", "-q", measure_rss=True)
        assert result.returncode == 0, result.stderr
        # our own memory; the copy-first scratch mapping is page cache (ru_maxrss counts it)
        assert 0 < result.max_anon_kib < 200 * 1024, f"peak anonymous RSS {result.max_anon_kib} KiB"
        assert _verify(out) == (True, "present", None)
        last = size // PAGE - 1
        for index in (0, last // 2, last):
            state, data = pages(out, addr + index * PAGE, PAGE)[0]
            assert state == "captured" and data == _fill_page(index)


def _as_nobody(argv: list[str]) -> tuple[int, str]:
    """Run ``msl`` in a forked child that dropped root for uid/gid 65534 (nobody)."""
    # the interpreter's files are not readable by nobody: import all the CLI needs first
    import importlib.readers  # noqa: F401

    import memslice.acquirer.engine  # noqa: F401
    import memslice.acquirer.linux

    import memslice.cli
    from memslice.cli.main import build_parser, main

    # the commands and the Linux source import some modules lazily: all of them now, while root
    for package in (memslice.cli, memslice.acquirer.linux):
        for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            importlib.import_module(module.name)

    build_parser()
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: drop privileges, run the real CLI, report through the pipe
        try:
            os.close(read_fd)
            sys.stderr = sys.stdout = os.fdopen(write_fd, "w", buffering=1)  # pytest replaced both
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            code = main(argv)
        except BaseException as exc:  # noqa: BLE001 - a child must never return into pytest
            sys.stderr.write(f"child failed: {exc!r}\n")
            code = 99
        sys.stderr.flush()
        os._exit(code)
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        err = pipe.read()
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), err


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to start a process an unprivileged user may not trace")
@pytest.mark.parametrize("freeze", ["--freeze", "--no-freeze"])
def test_permission_denied_is_one_line_and_leaves_nothing(tmp_path: Path, freeze: str) -> None:
    out_dir = Path(tempfile.mkdtemp(prefix="msl-denied-", dir="/tmp"))  # reachable by nobody
    try:
        out_dir.chmod(0o777)
        with target("--markers", "1") as t:
            out = out_dir / "denied.msl"
            code, err = _as_nobody(["capture", str(t.pid), "-o", str(out), freeze])
            assert code == 5, err
            assert err.count("\n") == 1 and "permission denied" in err and "Traceback" not in err
            assert list(out_dir.iterdir()) == []
            assert t.alive() and tracer_pid(t.pid) == 0
    finally:
        shutil.rmtree(out_dir)


def _one_line(result: object) -> str:
    err = result.stderr  # type: ignore[attr-defined]
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err


def test_unknown_pid_and_name(tmp_path: Path) -> None:
    out = tmp_path / "x.msl"
    with open("/proc/sys/kernel/pid_max") as handle:
        free_pid = int(handle.read()) + 1  # above pid_max: no process can have it
    result = capture(str(free_pid), "-o", str(out))
    assert result.returncode == 3 and "no process with PID" in _one_line(result)
    result = capture(f"no-such-process-{uuid.uuid4().hex}", "-o", str(out))
    assert result.returncode == 3 and "no process named" in _one_line(result)
    assert list(tmp_path.iterdir()) == []


def test_ambiguous_name(tmp_path: Path) -> None:
    name = f"mslamb{uuid.uuid4().hex[:6]}"
    with target("--name", name) as a, target("--name", name) as b:
        result = capture(name, "-o", str(tmp_path / "x.msl"))
        assert result.returncode == 4
        err = _one_line(result)
        assert str(a.pid) in err and str(b.pid) in err
    assert list(tmp_path.iterdir()) == []


def test_existing_output_needs_force(tmp_path: Path) -> None:
    out = tmp_path / "exists.msl"
    out.write_bytes(b"precious")
    out.chmod(0o644)
    with target("--markers", "1") as t:
        result = capture(str(t.pid), "-o", str(out))
        assert result.returncode == 6 and "--force" in _one_line(result)
        assert out.read_bytes() == b"precious" and sorted(tmp_path.iterdir()) == [out]
        result = capture(str(t.pid), "-o", str(out), "--force", "-q")
        assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600 and _verify(out) == (True, "present", None)


def _limit_file_size(limit: int) -> Callable[[], None]:
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_disk_full_keeps_a_verifiable_partial(tmp_path: Path) -> None:
    with target("--fill", "64") as t:
        out = tmp_path / "full.msl"
        limit = 6 * MIB + 12345
        proc = start_capture(str(t.pid), "-o", str(out), preexec=_limit_file_size(limit))
        result = finish(proc)
        assert result.returncode == 7
        err = _one_line(result)
        partial = _partial(out)
        assert partial is not None and "File too large" in err and f"kept {partial} " in err
        assert "RLIMIT_FSIZE" in err
        assert not out.exists() and partial.stat().st_size <= limit
        assert stat.S_IMODE(partial.stat().st_mode) == 0o600
        assert _verify(partial) == (True, "absent", None)  # whole blocks only, chain intact, no EoC
        assert block_names(partial)[:2] == ["process_identity", "module_list_index"]
        assert t.alive() and tracer_pid(t.pid) == 0


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_interrupt_closes_without_end_of_capture_and_resumes(tmp_path: Path, sig: signal.Signals) -> None:
    # -c zstd: a -c none capture copies into its preallocated file, whose size says nothing of the
    # progress (its interrupt is tested in-process in tests/test_acquirer_copy_first.py); random
    # bytes, so that the compressed file grows
    with target("--random", "256", "--seed", "3", "--threads", "2") as t:
        out = tmp_path / "int.msl"
        proc = _paused_capture(out, [str(t.pid), "-o", str(out), "-q", "-c", "zstd"], 16 * MIB)
        os.kill(proc.pid, sig)
        os.kill(proc.pid, signal.SIGCONT)
        result = finish(proc)
        assert result.returncode == 130
        assert "interrupted" in _one_line(result) and "incomplete" in result.stderr
        assert out.exists() and _partial(out) is None
        assert _verify(out) == (True, "absent", None)
        names = block_names(out)
        assert "end_of_capture" not in names and "memory_region" in names
        assert tracer_pid(t.pid) == 0 and "t" not in thread_states(t.pid).values() and t.alive()
