"""Helpers the conformance tests share: a corpus of picked cases, an implementation that must be there."""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

from memslice.conformance import CASES_DIR
from memslice.conformance.adapters.registry import Implementation, unavailable

from tests.conftest import tool_missing
from tests.oracles.venvs import ensure_oracle, failure_reason


def copy_cases(root: Path, case_ids: Iterable[str]) -> Path:
    """Copy the named corpus cases under ``root`` (a small corpus for a fake adapter) and return it."""
    for case_id in case_ids:
        shutil.copytree(CASES_DIR / case_id, root / case_id)
    return root


def require_implementation(impl: Implementation) -> None:
    """Its oracle venv and build products exist, or the test fails (under CI) or skips, saying why."""
    if impl.venv is not None and ensure_oracle(impl.venv) is None:
        tool_missing(f"{impl.name} oracle unavailable: {failure_reason(impl.venv)}")
    why = unavailable(impl)
    if why is not None:
        tool_missing(f"{impl.name}: {why}")
