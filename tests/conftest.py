"""Shared fixtures (the sample captures copied from the ecosystem's tools) and hypothesis profiles.

Hypothesis profiles, chosen by ``$HYPOTHESIS_PROFILE``, else ``ci`` under ``CI=true``, else ``dev``:

* ``dev``: random seeds, the example counts each test asks for (``examples(n)`` is ``n``).
* ``ci`` (``make test``, ``.ci/run``): a fixed seed (``derandomize``, no example database),
  so two runs of one commit try the same inputs; ``examples(n)`` is ``n``.
* ``long`` (``make test-long``): random seeds and ``LONG_FACTOR`` times the examples.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

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


LONG_FACTOR = 10
"""How many times more examples the ``long`` profile runs than the tests ask for."""

settings.register_profile("dev")
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("long")
PROFILE = os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if in_ci() else "dev")
settings.load_profile(PROFILE)


def examples(count: int) -> int:
    """The ``max_examples`` of a property test that asks for ``count`` under the active profile."""
    return count * LONG_FACTOR if PROFILE == "long" else count
