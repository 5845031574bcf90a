"""Output files in a directory other users can write to (issue 9, finding 1 and the export part of 4).

The attacker is the unprivileged user ``nobody`` (``setpriv``); the victim is root running
``msl`` (these tests run as root and skip otherwise). Everything happens in a world-writable
sticky directory the test makes itself, like ``/tmp``. The attacker plants what a
predictable writer would trip over: a symbolic link, a file of its own or a FIFO at the old
temporary names (``NAME.partial``, ``NAME.tmp``), or a link at the final name. Every writer
of the project is driven the way a user drives it (the CLI, or the Python API in a
subprocess), each under a timeout so a FIFO cannot hang the suite.

The expectations come from the threat, not from the code: the linked file keeps its bytes
and mode, the attacker's file stays empty and the attacker cannot read the output (owned by
root, mode 0600), nothing blocks, and a bad destination fails before any work with the path
the user typed.
"""

from __future__ import annotations

import os
import resource
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from memslice.generated.enums import ArchType, CapBitmap, OsType

from memslice import MslWriter
from memslice.atomic_output import AtomicFile, check_destination, is_temp_name, write_file
from memslice.errors import DestinationExistsError, OutputError
from tests.targets.harness import MSL, Target, thread_states, tracer_pid

SETPRIV = shutil.which("setpriv")
pytestmark = pytest.mark.skipif(os.geteuid() != 0 or SETPRIV is None or not sys.platform.startswith("linux"),
                                reason="needs root and setpriv (the attacker is the user nobody)")

VICTIM_BYTES = b"root's precious file\n"
TIMEOUT = 180  # seconds; a writer blocked on a FIFO never ends, a working one ends in a few seconds
WRITERS = ["capture", "report", "import", "export", "canon", "conformance-json", "report-api", "mslwriter-api"]
FORCE_FLAG = {"conformance-json": "-f"}  # every CLI command spells it -f/--force; the API takes force=/overwrite=

MSLWRITER_SCRIPT = """
import sys
from memslice import MslWriter
from memslice.errors import OutputError
from memslice.generated.enums import CapBitmap
try:
    with MslWriter(sys.argv[1], cap_bitmap=CapBitmap.MEMORY_REGIONS, overwrite=sys.argv[2] == "1") as w:
        w.add_memory_region(0x10000, "00", bytes(range(256)) * 32)
except OutputError as exc:
    sys.exit(f"refused: {exc}")
"""
REPORT_API_SCRIPT = """
import sys
from pathlib import Path
from memslice.conformance.report import write_text
from memslice.errors import OutputError
try:
    write_text(Path(sys.argv[1]), "<testsuite/>\\n", force=sys.argv[2] == "1")
except OutputError as exc:
    sys.exit(f"refused: {exc}")
"""


def as_nobody(*argv: str) -> subprocess.CompletedProcess[str]:
    """Run a command as the unprivileged attacker."""
    assert SETPRIV is not None
    return subprocess.run([SETPRIV, "--reuid=nobody", "--regid=nogroup", "--clear-groups", *argv],
                          capture_output=True, text=True, timeout=60, env={"PATH": "/usr/bin:/bin"})


@pytest.fixture(scope="module")
def world() -> Iterator[dict[str, object]]:
    """Inputs (root only), a target process, and the victim file."""
    private = Path(tempfile.mkdtemp(prefix="msl-private-"))  # 0700: the attacker cannot read in here
    capture_file = private / "in.msl"
    with MslWriter(capture_file, cap_bitmap=CapBitmap.MEMORY_REGIONS, arch_type=int(ArchType.X86_64),
                   os_type=int(OsType.LINUX), pid=4242) as w:
        w.add_memory_region(0x400000, "000", os.urandom(3 * 4096), protection=3)
    raw = private / "in.bin"
    raw.write_bytes(os.urandom(3 * 4096))
    target = Target("--markers", "1")
    try:
        yield {"private": private, "capture": capture_file, "raw": raw, "pid": str(target.pid), "target": target}
    finally:
        target.close()
        shutil.rmtree(private)


@pytest.fixture
def shared() -> Iterator[Path]:
    """A fresh world-writable sticky directory (like /tmp) that this test owns."""
    path = Path(tempfile.mkdtemp(prefix="msl-shared-", dir="/tmp"))
    os.chmod(path, 0o1777)
    try:
        yield path
    finally:
        shutil.rmtree(path)


@pytest.fixture
def victim(world: dict[str, object]) -> Iterator[Path]:
    """A file of root's that a planted link points to."""
    path = Path(world["private"]) / f"victim-{os.urandom(4).hex()}"  # type: ignore[arg-type]
    path.write_bytes(VICTIM_BYTES)
    path.chmod(0o644)
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)


def command(kind: str, out: Path, world: dict[str, object], *, force: bool = False) -> list[str]:
    """How a user makes ``kind`` write ``out``."""
    flag = [FORCE_FLAG.get(kind, "--force")] if force else []
    private = Path(world["private"])  # type: ignore[arg-type]
    pid = str(world["pid"])
    if kind == "capture":
        return [*MSL, "capture", pid, "-o", str(out), "-q", *flag]
    if kind == "report":
        side = private / f"side-{os.urandom(4).hex()}.msl"
        return [*MSL, "capture", pid, "-o", str(side), "--report", str(out), "-q", *flag]
    if kind == "import":
        return [*MSL, "import", "--from", "raw", str(world["raw"]), "-o", str(out), "-q", *flag]
    if kind == "export":
        return [*MSL, "export", str(world["capture"]), "-o", str(out), "-q", *flag]
    if kind == "canon":
        return [*MSL, "canon", str(world["capture"]), "-o", str(out), *flag]
    if kind == "conformance-json":
        return [*MSL, "conformance", "run", "--adapter", "reference", "--run", "header/bad-magic", "--jobs", "1",
                "--json", str(out), *flag]
    if kind == "report-api":
        return [sys.executable, "-c", REPORT_API_SCRIPT, str(out), "1" if force else "0"]
    if kind == "mslwriter-api":
        return [sys.executable, "-c", MSLWRITER_SCRIPT, str(out), "1" if force else "0"]
    raise AssertionError(kind)


def run(argv: list[str], cwd: Path | None = None, timeout: float = TIMEOUT) -> subprocess.CompletedProcess[str]:
    """Run a writer; a writer still running after ``timeout`` is blocked (e.g. on a FIFO): fail."""
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, cwd=cwd)
    except subprocess.TimeoutExpired:
        pytest.fail(f"blocked for {timeout} s: {' '.join(argv)}")


def assert_private_output(out: Path) -> None:
    """A regular file of root's, mode 0600, with content, that nobody cannot read."""
    st = os.lstat(out)
    assert stat.S_ISREG(st.st_mode), f"{out} is not a regular file"
    assert st.st_uid == 0 and stat.S_IMODE(st.st_mode) == 0o600 and st.st_size > 0
    peek = as_nobody("cat", str(out))
    assert peek.returncode != 0 and peek.stdout == ""


def assert_no_temp_files(folder: Path) -> None:
    leftovers = [p.name for p in folder.iterdir() if is_temp_name(p.name)]
    assert leftovers == []


def assert_victim_untouched(victim: Path) -> None:
    assert victim.read_bytes() == VICTIM_BYTES and stat.S_IMODE(victim.stat().st_mode) == 0o644


def assert_target_running(world: dict[str, object]) -> None:
    target = world["target"]
    assert isinstance(target, Target)
    assert tracer_pid(target.pid) == 0 and "t" not in thread_states(target.pid).values() and target.alive()


# ------------------------------------------------------------------------------------------
# (a) a symbolic link at the old predictable temporary names
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", WRITERS)
def test_link_at_predictable_temp_name_is_not_followed(kind: str, world: dict[str, object], shared: Path,
                                                       victim: Path) -> None:
    out = shared / f"{kind}.out"
    planted = [shared / (out.name + ".partial"), shared / (out.name + ".tmp")]
    for link in planted:
        assert as_nobody("ln", "-s", str(victim), str(link)).returncode == 0
    result = run(command(kind, out, world))
    assert result.returncode == 0, result.stderr
    assert_victim_untouched(victim)
    for link in planted:
        assert link.is_symlink() and os.readlink(link) == str(victim)
    assert_private_output(out)
    assert_no_temp_files(shared)


# ------------------------------------------------------------------------------------------
# (b) the attacker's own file at the predictable name
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", WRITERS)
def test_attackers_file_at_predictable_temp_name_is_not_used(kind: str, world: dict[str, object],
                                                             shared: Path) -> None:
    out = shared / f"{kind}.out"
    planted = shared / (out.name + ".partial")
    made = as_nobody("sh", "-c", 'umask 0; : > "$0" && chmod 666 "$0"', str(planted))
    assert made.returncode == 0, made.stderr
    result = run(command(kind, out, world))
    assert result.returncode == 0, result.stderr
    st = planted.stat()
    assert st.st_size == 0 and st.st_uid != 0  # still the attacker's, and nothing was written into it
    assert_private_output(out)  # a new file of root's, not the planted one renamed
    assert os.stat(out).st_ino != st.st_ino


# ------------------------------------------------------------------------------------------
# (c) a FIFO at the predictable name
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", WRITERS)
def test_fifo_at_predictable_temp_name_does_not_block(kind: str, world: dict[str, object], shared: Path) -> None:
    out = shared / f"{kind}.out"
    fifo = shared / (out.name + ".partial")
    assert as_nobody("mkfifo", "-m", "666", str(fifo)).returncode == 0
    result = run(command(kind, out, world))
    assert result.returncode == 0, result.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert_private_output(out)
    if kind in ("capture", "report"):
        assert_target_running(world)


# ------------------------------------------------------------------------------------------
# (d) a symbolic link at the final name
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", WRITERS)
def test_link_at_final_name(kind: str, world: dict[str, object], shared: Path, victim: Path) -> None:
    """Without force: refused, naming the path. With force: the link itself is replaced, never followed."""
    out = shared / f"{kind}.out"
    assert as_nobody("ln", "-s", str(victim), str(out)).returncode == 0
    refused = run(command(kind, out, world))
    assert refused.returncode != 0 and "exists" in refused.stderr and str(out) in refused.stderr
    assert "Traceback" not in refused.stderr
    assert out.is_symlink() and os.readlink(out) == str(victim)
    assert_victim_untouched(victim)
    replaced = run(command(kind, out, world, force=True))
    assert replaced.returncode == 0, replaced.stderr
    assert_victim_untouched(victim)
    assert_private_output(out)
    assert_no_temp_files(shared)


@pytest.mark.parametrize("kind", ["capture", "export", "canon", "mslwriter-api"])
@pytest.mark.parametrize("what", ["dir-link", "fifo-link", "fifo"])
def test_force_never_replaces_a_directory_or_special_file(kind: str, what: str, world: dict[str, object],
                                                         shared: Path) -> None:
    out = shared / f"{kind}.out"
    if what == "dir-link":
        (shared / "d").mkdir()
        out.symlink_to(shared / "d")
    elif what == "fifo-link":
        os.mkfifo(shared / "f")
        out.symlink_to(shared / "f")
    else:
        os.mkfifo(out)
    before = os.lstat(out)
    result = run(command(kind, out, world, force=True))
    assert result.returncode != 0 and str(out) in result.stderr and "Traceback" not in result.stderr
    after = os.lstat(out)
    assert (after.st_ino, after.st_mode) == (before.st_ino, before.st_mode)
    assert_no_temp_files(shared)


# ------------------------------------------------------------------------------------------
# (e) a bad destination fails before any work, naming the path the user typed
# ------------------------------------------------------------------------------------------
BAD_DESTINATIONS = [("./outdir", True, "is a directory"), ("missing/dir/x.out", False, "does not exist"),
                    ("exists.out", False, "exists")]


def _workdir(root: Path) -> Path:
    work = root / "work"
    work.mkdir()
    (work / "outdir").mkdir()
    (work / "exists.out").write_bytes(b"keep me")
    return work


def _no_pid() -> str:
    """A PID no process can have (above pid_max)."""
    return str(int(Path("/proc/sys/kernel/pid_max").read_text()) + 1)


@pytest.mark.parametrize(("typed", "force", "why"), BAD_DESTINATIONS)
def test_capture_checks_the_destination_before_the_target(typed: str, force: bool, why: str, tmp_path: Path,
                                                          world: dict[str, object]) -> None:
    work = _workdir(tmp_path)
    flag = ["-f"] if force else []
    # with a PID no process has, the destination error can only come first if it is checked first
    early = run([*MSL, "capture", _no_pid(), "-o", typed, *flag], cwd=work)
    assert early.returncode == (6 if why == "exists" else 7), early.stderr
    assert typed in early.stderr and why in early.stderr and ".partial" not in early.stderr
    # and with a real target: not stopped, not read, no report, no file made
    report = work / "r.json"
    real = run([*MSL, "capture", str(world["pid"]), "-o", typed, "--report", str(report), *flag], cwd=work)
    assert real.returncode == early.returncode and typed in real.stderr
    assert not report.exists()
    assert sorted(p.name for p in work.iterdir()) == ["exists.out", "outdir"]
    assert (work / "exists.out").read_bytes() == b"keep me" and list((work / "outdir").iterdir()) == []
    assert_target_running(world)


def test_capture_checks_the_report_destination_first(tmp_path: Path, world: dict[str, object]) -> None:
    work = _workdir(tmp_path)
    result = run([*MSL, "capture", _no_pid(), "-o", "new.msl", "--report", "outdir"], cwd=work)
    assert result.returncode == 7 and "outdir is a directory" in result.stderr
    assert sorted(p.name for p in work.iterdir()) == ["exists.out", "outdir"]


@pytest.mark.parametrize("command_name", ["import", "export", "canon", "conformance"])
@pytest.mark.parametrize(("typed", "force", "why"), BAD_DESTINATIONS)
def test_other_writers_check_the_destination_before_reading(command_name: str, typed: str, force: bool, why: str,
                                                            tmp_path: Path) -> None:
    work = _workdir(tmp_path)
    flag = ["-f"] if force else []
    missing = "no-such-input"  # a destination checked first fails on the destination, not on this
    argv = {"import": ["import", "--from", "raw", missing, "-o", typed],
            "export": ["export", missing, "-o", typed],
            "canon": ["canon", missing, "-o", typed],
            "conformance": ["conformance", "run", "--adapter", "reference", "--cases", missing, "--json", typed]}
    result = run([*MSL, *argv[command_name], *flag], cwd=work)
    assert result.returncode == 2, result.stderr
    assert typed in result.stderr and why in result.stderr and missing not in result.stderr
    assert ".partial" not in result.stderr and "Traceback" not in result.stderr
    assert sorted(p.name for p in work.iterdir()) == ["exists.out", "outdir"]


def test_export_into_a_directory_leaves_nothing(tmp_path: Path, world: dict[str, object]) -> None:
    """Today's ``-o DIR --force`` reads the capture, then leaves ``DIR.partial`` behind."""
    work = _workdir(tmp_path)
    result = run([*MSL, "export", str(world["capture"]), "-o", "outdir", "-f"], cwd=work)
    assert result.returncode == 2 and "outdir is a directory" in result.stderr
    assert sorted(p.name for p in work.iterdir()) == ["exists.out", "outdir"]


def test_canon_refuses_to_overwrite_without_force(tmp_path: Path, world: dict[str, object]) -> None:
    out = tmp_path / "c.json"
    out.write_text("keep me")
    refused = run([*MSL, "canon", str(world["capture"]), "-o", str(out)])
    assert refused.returncode == 2 and "--force" in refused.stderr and out.read_text() == "keep me"
    done = run([*MSL, "canon", str(world["capture"]), "-o", str(out), "-f"])
    assert done.returncode == 0 and out.read_text().startswith("{")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_every_writing_command_spells_force_the_same() -> None:
    from memslice.cli.main import build_parser

    parser = build_parser()
    for argv in (["capture", "1", "-o", "x", "-f"], ["import", "x", "-o", "y", "-f"], ["export", "x", "-o", "y", "-f"],
                 ["canon", "x", "-o", "y", "-f"], ["conformance", "run", "--adapter", "a", "-f"],
                 ["conformance", "matrix", "-f"]):
        assert parser.parse_args(argv).force is True
        assert parser.parse_args([*argv[:-1], "--force"]).force is True


# ------------------------------------------------------------------------------------------
# the API
# ------------------------------------------------------------------------------------------
def test_mslwriter_refuses_bad_destinations_at_once(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "e.msl").write_bytes(b"keep")
    for path, overwrite, error in ((tmp_path / "d", True, OutputError), (tmp_path / "no" / "x.msl", True, OutputError),
                                   (tmp_path / "e.msl", False, DestinationExistsError)):
        with pytest.raises(error, match=str(path)):
            MslWriter(path, overwrite=overwrite)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d", "e.msl"]


def test_destination_appearing_meanwhile_is_not_replaced(tmp_path: Path) -> None:
    out = tmp_path / "late.json"
    pending = AtomicFile(out, force=False)
    pending.write(b"mine")
    out.write_bytes(b"theirs")  # someone created the name after the check
    with pytest.raises(DestinationExistsError, match="exists|appeared"):
        pending.commit()
    assert out.read_bytes() == b"theirs" and sorted(tmp_path.iterdir()) == [out]


def test_a_swapped_temporary_file_is_not_put_in_place(tmp_path: Path) -> None:
    """Where others may rename entries (no sticky bit), the file renamed must be the one written."""
    out = tmp_path / "swap.json"
    pending = AtomicFile(out, force=True)
    pending.write(b"mine")
    os.rename(pending.temp_path, tmp_path / "moved")
    pending.temp_path.write_bytes(b"planted")
    with pytest.raises(OutputError, match="moved or replaced"):
        pending.commit()
    assert not out.exists() and (tmp_path / "moved").read_bytes() == b"mine"


def test_complete_capture_is_kept_and_named_when_it_cannot_be_put_in_place(tmp_path: Path) -> None:
    out = tmp_path / "cap.msl"
    w = MslWriter(out, cap_bitmap=CapBitmap.MEMORY_REGIONS, overwrite=False)
    w.add_memory_region(0x1000, "0", b"z" * 4096)
    out.write_bytes(b"theirs")
    with pytest.raises(DestinationExistsError) as caught:
        w.finish()
    kept = Path(caught.value.kept or "")
    assert kept.parent == tmp_path and is_temp_name(kept.name) and str(kept) in str(caught.value)
    assert kept.read_bytes().startswith(b"MEMSLICE") and out.read_bytes() == b"theirs"


def test_temp_names_are_unpredictable_and_private(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        files = [AtomicFile(tmp_path / "x.msl") for _ in range(3)]
    finally:
        os.umask(old)
    names = {f.temp_path.name for f in files}
    assert len(names) == 3 and all(is_temp_name(n) and n.startswith("x.msl.") for n in names)
    assert all(stat.S_IMODE(f.temp_path.stat().st_mode) == 0o600 for f in files)
    for f in files:
        f.discard()
    assert list(tmp_path.iterdir()) == []


def test_check_destination_messages_use_the_typed_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("sub").mkdir()
    for typed, text in (("sub/", "names a directory"), ("./sub", "is a directory"), ("", "empty"),
                        ("nope/x", "directory nope does not exist")):
        with pytest.raises(OutputError) as caught:
            check_destination(typed, force=True)
        assert text in str(caught.value) and (not typed or typed in str(caught.value))
    assert check_destination("sub/new.msl", force=False) == Path("sub/new.msl")


# ------------------------------------------------------------------------------------------
# other writers: conformance copy, codegen
# ------------------------------------------------------------------------------------------
def test_conformance_copy_refuses_a_folder_others_can_write(shared: Path, tmp_path: Path) -> None:
    result = run([*MSL, "conformance", "copy", str(shared), "--run", "header/bad-magic"])
    assert result.returncode == 2 and "writable by other users" in result.stderr
    assert list(shared.iterdir()) == []
    fresh = tmp_path / "copy"
    result = run([*MSL, "conformance", "copy", str(fresh), "--run", "header/bad-magic"])
    assert result.returncode == 0, result.stderr
    for path in fresh.rglob("*"):
        assert stat.S_IMODE(path.lstat().st_mode) == (0o700 if path.is_dir() else 0o600) and not path.is_symlink()
    assert (fresh / "cases" / "header" / "bad-magic").is_dir() and (fresh / "contract.md").is_file()


def test_codegen_does_not_follow_a_planted_link(shared: Path, victim: Path) -> None:
    from memslice.codegen.driver import render_all, run_codegen

    from memslice.resources import installed_spec_dir

    out = shared / "generated"
    files = render_all(installed_spec_dir(), out)
    some = sorted(files)[0]
    some.parent.mkdir(parents=True, exist_ok=True)
    for name in (some.name + ".tmp", some.name + ".partial"):
        os.symlink(victim, some.with_name(name))
    run_codegen(installed_spec_dir(), out)
    assert_victim_untouched(victim)
    assert some.read_text(encoding="utf-8") == files[some] and stat.S_IMODE(some.stat().st_mode) == 0o644


# ------------------------------------------------------------------------------------------
# finding 4: export of a huge sparse capture
# ------------------------------------------------------------------------------------------
@pytest.fixture
def sparse_17_tib(tmp_path: Path) -> Path:
    """A valid capture of 17 TiB of NotResident memory (17 pages of 1 TiB): a 17 TiB sparse core."""
    path = tmp_path / "huge.msl"
    with MslWriter(path, cap_bitmap=CapBitmap.MEMORY_REGIONS, arch_type=int(ArchType.X86_64),
                   os_type=int(OsType.LINUX)) as w:
        w.add_memory_region(1 << 44, "3" * 17, b"", page_size_log2=40, protection=3)
    return path


def _limit_file_size() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 30, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))


def test_export_past_the_file_size_limit_names_the_file(sparse_17_tib: Path, tmp_path: Path) -> None:
    work = tmp_path / "w"
    work.mkdir()
    result = subprocess.run([*MSL, "export", str(sparse_17_tib), "-o", "huge.core"], cwd=work, capture_output=True,
                            text=True, timeout=TIMEOUT, preexec_fn=_limit_file_size)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert "huge.core" in lines[0] and "File too large" in lines[0] and "RLIMIT_FSIZE" in lines[0]
    assert list(work.iterdir()) == []


def test_export_refused_by_the_file_system_names_the_file(sparse_17_tib: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The limit found only when the file is extended (ext4 stops at 16 TiB; a limit stands in for it)."""
    from memslice.acquirer.exporters import elf_core, export_elf_core

    monkeypatch.setattr(elf_core, "check_size", lambda path, size: None)  # as if no limit were known up front
    out = tmp_path / "w" / "huge.core"
    out.parent.mkdir()
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 30, hard))
    try:
        with pytest.raises(OutputError) as caught:
            export_elf_core(sparse_17_tib, out)
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
    assert str(out) in str(caught.value) and "File too large" in str(caught.value)
    assert list(out.parent.iterdir()) == []


def test_write_file_cleans_up_after_a_failed_write(tmp_path: Path) -> None:
    out = tmp_path / "big.json"
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, hard))
    try:
        with pytest.raises(OutputError, match="RLIMIT_FSIZE"):
            write_file(out, b"x" * 10000, force=False)
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
    assert list(tmp_path.iterdir()) == []

