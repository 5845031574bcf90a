"""Fuzzing in every test run: each parser under the address-space, output and time limits.

``python -m fuzz.run`` runs one coverage-guided engine (atheris) per parser for a bounded
time on seeds from the corpus (see fuzz/). A target passes when no input made it raise
anything but an MslError, exceed 1 GiB of address space or 256 MiB of output, or take more
than the per-input time limit. The canaries show that each of those limits bites: a
harness that could not report them would pass everything.

``MEMSLICE_FUZZ_SECONDS`` sets the time per target (default 15); ``make fuzz`` runs the
long version.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SECONDS = float(os.environ.get("MEMSLICE_FUZZ_SECONDS", "15"))


def fuzz(target: str, workdir: Path, *extra: str) -> tuple[int, str, int]:
    proc = subprocess.run([sys.executable, "-m", "fuzz.run", target, "--workdir", str(workdir), *extra],
                          cwd=REPO, capture_output=True, text=True, timeout=SECONDS + 300)
    found = re.search(r"fuzz \S+: \S+, (\d+) inputs", proc.stdout)
    return proc.returncode, proc.stdout + proc.stderr, int(found.group(1)) if found else -1


@pytest.mark.parametrize("target", ["msl", "elf-core", "minidump"])
def test_parser_survives_fuzzing(target: str, tmp_path: Path) -> None:
    code, output, executed = fuzz(target, tmp_path, "--seconds", str(SECONDS))
    assert code == 0, output
    seeds = len(list((tmp_path / "seeds" / target).iterdir()))
    assert executed >= seeds, f"only {executed} inputs ran for {seeds} seeds:\n{output}"


@pytest.mark.parametrize(("canary", "sign"), [
    ("canary-exception", "ValueError: canary"),
    ("canary-memory", "MemoryError"),
    ("canary-hang", "timeout"),
])
def test_harness_reports_every_kind_of_finding(canary: str, sign: str, tmp_path: Path) -> None:
    # a 1 s per-input limit (libFuzzer's smallest) against a canary that sleeps 60 s: the
    # limit bites as surely as with 2 s, and libFuzzer, which checks every limit/2 + 1 s,
    # reports it a second or two sooner
    code, output, _ = fuzz(canary, tmp_path, "--seconds", "10", "--timeout", "1")
    assert code == 1, output
    assert f"fuzz {canary}: finding" in output
    assert sign in output
    assert list((tmp_path / "artifacts" / canary).iterdir()), "the crashing input was not kept"


REGRESSIONS = REPO / "tests" / "fixtures" / "fuzz-regressions"


@pytest.mark.parametrize("path", sorted(REGRESSIONS.glob("*/*")), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_inputs_the_fuzzer_found_stay_fixed(path: Path) -> None:
    """Every input a fuzz run reported is kept and replayed: it must now meet the target's property."""
    from fuzz.targets import TARGETS

    TARGETS[path.parent.name](path.read_bytes())
