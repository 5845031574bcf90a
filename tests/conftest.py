"""Shared fixtures: the sample captures copied from the ecosystem's tools."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLES = FIXTURES / "samples"
MARKER = b"<MSLREF:MARKER:0123456789ABCDEF>"


@pytest.fixture(scope="session")
def samples() -> Path:
    """Folder of the sample captures (memslicer-0.5.2/, memdiver-1.0.2/, legacy/)."""
    return SAMPLES


def in_ci() -> bool:
    """True when the environment says this is CI (``CI`` set to anything but empty/0/false/no)."""
    import os

    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def tool_missing(reason: str) -> None:
    """Skip a test whose tool (oracle venv, Kaitai compiler, JDK) is missing; under CI, fail.

    CI must run everything, so there a missing tool is an error, reported in one line.
    """
    if in_ci():
        pytest.fail(f"CI=true but a required tool is missing: {reason}", pytrace=False)
    pytest.skip(reason)
