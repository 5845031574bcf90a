"""Private virtual environments for the oracle tools memslicer and memdiver.

The two released third-party implementations of the Memory Slice format are
used by the tests as independent readers and verifiers of ``.msl`` files.
Each lives in its own venv under ``<repo>/.oracle-venvs/<name>`` so that
neither their dependencies nor their code can leak into ``memslice``, which
must never import them. Tests talk to them only through the reader scripts
next to this module, run with the venv's python.

Usage from a test::

    from venvs import ensure_oracle, failure_reason, run_oracle

    python = ensure_oracle("memslicer")
    if python is None:
        pytest.skip(failure_reason("memslicer"))
    result = run_oracle("memslicer", path, "--passphrase", "secret")

Failure reporting: :func:`ensure_oracle` returns ``None`` when the venv cannot
be built (no network, pip failure, timeout) and keeps the reason, which
:func:`failure_reason` returns. :func:`install_oracle` does the same work but
raises :class:`OracleUnavailable` (whose ``reason`` attribute holds the text)
instead. A failure is remembered for the rest of the process, so a missing
network costs one timeout per process, not one per test.

A successful install writes a marker file (``.oracle-installed``) into the
venv; while it names the same requirement, later calls return at once
without running pip. The environment variable ``MEMSLICE_ORACLE_ROOT``
overrides the default root. Running this file installs the venvs and prints
where they are::

    python tests/oracles/venvs.py [--root DIR] [memslicer] [memdiver]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
DEFAULT_ROOT = REPO / ".oracle-venvs"
ROOT_ENV = "MEMSLICE_ORACLE_ROOT"

#: Oracle name -> the exact requirement installed into its venv.
REQUIREMENTS: dict[str, str] = {
    "memslicer": "memslicer==0.5.2",
    "memdiver": "memdiver==1.0.2",
}

#: Oracle name -> a module whose import proves the install is usable.
PROBE_MODULES: dict[str, str] = {
    "memslicer": "memslicer.msl.verify",
    "memdiver": "memdiver.msl.integrity",
}

#: Oracle name -> its reader script (run with the venv's python).
READER_SCRIPTS: dict[str, Path] = {
    "memslicer": HERE / "memslicer_read.py",
    "memdiver": HERE / "memdiver_read.py",
}

MARKER_NAME = ".oracle-installed"
#: Seconds allowed for venv creation plus pip install (memdiver pulls ~1 GB).
INSTALL_TIMEOUT = 1200.0
#: Seconds allowed for one reader-script run.
READ_TIMEOUT = 900.0

_failures: dict[tuple[str, Path], str] = {}


class OracleUnavailable(RuntimeError):
    """An oracle venv could not be built; ``reason`` says why."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"{name} oracle unavailable: {reason}")
        self.name = name
        self.reason = reason


def default_root() -> Path:
    """The venv root: ``$MEMSLICE_ORACLE_ROOT`` or ``<repo>/.oracle-venvs``."""
    override = os.environ.get(ROOT_ENV)
    return Path(override).resolve() if override else DEFAULT_ROOT


def venv_python(venv: Path) -> Path:
    """The python executable inside ``venv`` (POSIX or Windows layout)."""
    if os.name == "nt":
        return venv / "Scripts" / "python.exe"
    return venv / "bin" / "python"


def _check_name(name: str) -> None:
    if name not in REQUIREMENTS:
        known = ", ".join(sorted(REQUIREMENTS))
        raise ValueError(f"unknown oracle {name!r}; known: {known}")


def _marker_ok(venv: Path, requirement: str) -> bool:
    """Whether ``venv`` holds a finished install of ``requirement``."""
    marker = venv / MARKER_NAME
    if not marker.is_file() or not venv_python(venv).exists():
        return False
    try:
        data = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and data.get("requirement") == requirement


@contextlib.contextmanager
def _install_lock(root: Path, name: str) -> Iterator[None]:
    """Serialise installs of one oracle across processes (e.g. xdist workers)."""
    root.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    with open(root / f"{name}.lock", "w", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _run_step(cmd: list[str], deadline: float, what: str, name: str) -> None:
    """Run one install step; raise :class:`OracleUnavailable` if it fails.

    The step runs in its own process group so that a timeout also ends the
    processes it started (``venv`` runs ``ensurepip``, pip runs builds).
    """
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise OracleUnavailable(name, f"timed out before {what}")
    env = {**os.environ, "PIP_NO_INPUT": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    try:
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            start_new_session=os.name == "posix",
        )
    except OSError as exc:
        raise OracleUnavailable(name, f"{what} could not start: {exc}") from exc
    try:
        _stdout, stderr = proc.communicate(timeout=remaining)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        raise OracleUnavailable(name, f"{what} timed out") from None
    if proc.returncode != 0:
        lines = [line for line in stderr.splitlines() if "is ignored: it is neither" not in line]
        tail = "\n".join(lines[-15:]).strip()
        raise OracleUnavailable(name, f"{what} exited {proc.returncode}: {tail}")


def _kill_group(proc: subprocess.Popen[str]) -> None:
    """Kill ``proc`` and, on POSIX, the process group it leads; reap it."""
    if os.name == "posix":
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    else:  # pragma: no cover - Windows
        proc.kill()
    proc.communicate()


def install_oracle(
    name: str,
    root: Path | None = None,
    *,
    timeout: float = INSTALL_TIMEOUT,
    python: str | None = None,
) -> Path:
    """Make sure ``root/<name>`` holds the oracle; return the venv's python.

    Creates the venv with ``python -m venv`` (``python`` defaults to the
    interpreter running this code) and pip-installs the pinned requirement,
    within ``timeout`` seconds overall. A venv without a matching marker
    (interrupted or older install) is deleted and rebuilt.

    Raises:
        ValueError: ``name`` is not a known oracle.
        OracleUnavailable: the venv could not be built (reason attached).
    """
    _check_name(name)
    root = (root or default_root()).resolve()
    requirement = REQUIREMENTS[name]
    venv = root / name
    if _marker_ok(venv, requirement):
        return venv_python(venv)
    key = (name, root)
    if key in _failures:
        raise OracleUnavailable(name, _failures[key])
    try:
        with _install_lock(root, name):
            if _marker_ok(venv, requirement):  # another process finished it
                return venv_python(venv)
            return _build(name, venv, requirement, timeout, python or sys.executable)
    except OracleUnavailable as exc:
        _failures[key] = exc.reason
        raise
    except OSError as exc:
        _failures[key] = f"cannot prepare {venv}: {exc}"
        raise OracleUnavailable(name, _failures[key]) from exc


def _build(name: str, venv: Path, requirement: str, timeout: float, python: str) -> Path:
    """Create the venv, install ``requirement``, probe it, write the marker."""
    started = time.monotonic()
    deadline = started + timeout
    if venv.exists():
        shutil.rmtree(venv)
    py = venv_python(venv)
    try:
        _run_step([python, "-m", "venv", str(venv)], deadline, "venv creation", name)
        _run_step(
            [str(py), "-m", "pip", "install", "--quiet", requirement],
            deadline,
            f"pip install {requirement}",
            name,
        )
        _run_step([str(py), "-c", f"import {PROBE_MODULES[name]}"], deadline, "import probe", name)
    except OracleUnavailable:
        shutil.rmtree(venv, ignore_errors=True)  # never leave a half-built venv behind
        raise
    marker = {
        "requirement": requirement,
        "python": sys.version.split()[0],
        "install_seconds": round(time.monotonic() - started, 1),
        "installed_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    (venv / MARKER_NAME).write_text(json.dumps(marker) + "\n", encoding="utf-8")
    return py


def ensure_oracle(name: str, root: Path | None = None, *, timeout: float = INSTALL_TIMEOUT) -> Path | None:
    """Like :func:`install_oracle`, but return ``None`` instead of raising.

    The reason of a failure is available from :func:`failure_reason`.
    ``root`` defaults to :func:`default_root`. An unknown ``name`` still
    raises ``ValueError``: that is a bug in the caller, not a missing oracle.
    """
    try:
        return install_oracle(name, root, timeout=timeout)
    except OracleUnavailable:
        return None


def failure_reason(name: str, root: Path | None = None) -> str | None:
    """Why the last install of ``name`` under ``root`` failed, or ``None``."""
    return _failures.get((name, (root or default_root()).resolve()))


def run_oracle(
    name: str,
    msl_file: Path | str,
    *args: str,
    root: Path | None = None,
    timeout: float = READ_TIMEOUT,
) -> dict[str, Any]:
    """Run the oracle's reader script on ``msl_file``; return its JSON object.

    ``args`` are passed to the script (``--passphrase P``, ``--verify-only``,
    ...). The script's exit status is added as ``"exit_code"`` (0, or 2 when
    the tool crashed on the file).

    Raises:
        OracleUnavailable: the venv could not be built.
        RuntimeError: the script printed no JSON (its stderr is included).
    """
    python = install_oracle(name, root)
    cmd = [str(python), str(READER_SCRIPTS[name]), str(msl_file), *args]
    proc = subprocess.run(
        cmd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    try:
        result = json.loads(proc.stdout)
    except ValueError:
        raise RuntimeError(f"{name} oracle printed no JSON (exit {proc.returncode}): {proc.stderr[-2000:]}") from None
    result["exit_code"] = proc.returncode
    return result


def main(argv: list[str] | None = None) -> int:
    """Install the named oracles (default: all) and print their pythons."""
    parser = argparse.ArgumentParser(description="Build the oracle venvs.")
    parser.add_argument("names", nargs="*", help=f"oracles to build (default: {' '.join(REQUIREMENTS)})")
    parser.add_argument("--root", type=Path, default=None)
    parser.add_argument("--timeout", type=float, default=INSTALL_TIMEOUT)
    args = parser.parse_args(argv)
    names = args.names or list(REQUIREMENTS)
    unknown = [name for name in names if name not in REQUIREMENTS]
    if unknown:
        parser.error(f"unknown oracle(s): {', '.join(unknown)}")
    status = 0
    for name in names:
        started = time.monotonic()
        try:
            python = install_oracle(name, args.root, timeout=args.timeout)
        except OracleUnavailable as exc:
            print(f"{name}: UNAVAILABLE: {exc.reason}")
            status = 1
            continue
        print(f"{name}: {python} ({time.monotonic() - started:.1f} s)")
    return status


if __name__ == "__main__":
    sys.exit(main())
