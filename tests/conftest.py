"""Shared fixtures (the sample captures copied from the ecosystem's tools) and hypothesis profiles.

Hypothesis profiles, chosen by ``$HYPOTHESIS_PROFILE``, else ``ci`` under ``CI=true``, else ``dev``:

* ``dev``: random seeds, the example counts each test asks for (``examples(n)`` is ``n``).
* ``ci`` (``make test``, ``.ci/run``): a fixed seed (``derandomize``, no example database),
  so two runs of one commit try the same inputs; ``examples(n)`` is ``n``.
* ``long`` (``make test-long``): random seeds and ``LONG_FACTOR`` times the examples.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
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


# ----------------------------------------------------------------------------------------
# pytest-xdist (`make test` runs pytest on two workers, `--dist loadgroup`)
# ----------------------------------------------------------------------------------------
XDIST_GROUPS = {
    ("test_import_hostile.py", "million_imports"): "million-imports",
    ("test_spec_evolution.py", "evolved"): "spec-evolved",
    ("test_spec_evolution.py", "worked"): "spec-worked",
    ("test_acquirer_oracles.py", "captures"): "oracle-captures",
}
"""Module fixtures too costly to build once per worker, by (test file, fixture name): the xdist
group that keeps the tests using one on a single worker. ``million_imports`` starts two
million-entry imports (each a minute of CPU); ``evolved`` and ``worked`` copy spec/, run the
code generator and compile the .ksy (about 10 s each); ``captures`` captures a live target
four times (about 10 s). Without a group each worker that runs one of their tests builds its
own. (Files whose every test shares such a fixture say so in their ``pytestmark`` instead:
tests/test_kaitai.py, tests/test_wheel.py.)"""


LOADGROUP_BROKEN = pytest.StashKey[str]()
"""Set on a worker whose grouped tests lost their group: why."""


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> Iterator[None]:
    """Mark the tests that use a fixture of :data:`XDIST_GROUPS` with its group; check the groups took.

    pytest-xdist's own hook (inside this wrapper) appends ``@group`` to a grouped test's node
    id on each worker, and ``--dist loadgroup`` sends a group to one worker by that suffix. With
    pytest 9.2 the suffix is silently lost (pytest-xdist issue #1386): the groups would no
    longer hold, so the grouped tests fail instead (:func:`pytest_runtest_setup`).
    """
    for item in items:
        for (file, fixture), group in XDIST_GROUPS.items():
            if item.path.name == file and fixture in getattr(item, "fixturenames", ()):
                item.add_marker(pytest.mark.xdist_group(group))
    yield
    if getattr(config.option, "loadgroup", False):  # set on the workers of a `--dist loadgroup` run
        lost = [item.nodeid for item in items if item.get_closest_marker("xdist_group") and "@" not in item.nodeid]
        if lost:
            config.stash[LOADGROUP_BROKEN] = (f"--dist loadgroup does not group with this pytest and pytest-xdist "
                                              f"(pytest-xdist issue #1386; the dev extra pins pytest<9.2): "
                                              f"{lost[0]} has no @group suffix")


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Fail a grouped test when its group did not take (see :func:`pytest_collection_modifyitems`)."""
    broken = item.config.stash.get(LOADGROUP_BROKEN, None)
    if broken and item.get_closest_marker("xdist_group"):
        pytest.fail(broken, pytrace=False)
