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
