"""The adapters we ship, run through the runner on the real corpus.

Our reader must pass every case (nothing skipped, no known failures). memslicer 0.5.2 and
memdiver 1.0.2 (in their oracle venvs) and the compiled Kaitai parser run on a
representative part of the corpus here (the whole corpus runs in ``make test`` through
``msl conformance matrix``); their results must be exactly what their known-failure lists
say. The committed matrix must list the corpus.

``make test`` runs the matrix over the whole corpus just before pytest and points
``MEMSLICE_CONFORMANCE_REPORTS`` at the JSON reports it wrote: the tests then judge those
results (every case, every implementation) instead of running the adapters a second time.
Without the variable they run the adapters themselves, as above.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import pytest
from memslice.conformance.adapters.registry import IMPLEMENTATIONS, adapter_for
from memslice.conformance.cases import load_cases, select
from memslice.conformance.runner import Adapter, CaseResult, capabilities, load_known_failures, run
from memslice.conformance.vocabulary import FEATURES

from tests.conformance_helpers import require_implementation

ROOT = Path(__file__).resolve().parents[1]
CASES = load_cases()
ALL_IDS = {c.id for c in CASES}
ORACLE_SUBSET = ["header/*", "truncated/after-block-*", "truncated/header-*", "blocks/unknown-*", "blocks/type-zero",
                 "regions/page-states", "regions/page-size-log2-9", "integrity/broken-chain",
                 "integrity/block0-prev-hash-zero", "extensions/one-segment", "extensions/bad-segment-hash",
                 "real/memdiver-plain", "real/memslicer-tiny-frida-stack-lz4", "compression/lz4-size-mismatch",
                 "strings/invalid-utf8", "regions/page-data-short"]


REPORTS_ENV = "MEMSLICE_CONFORMANCE_REPORTS"


def reference() -> Adapter:
    return adapter_for(IMPLEMENTATIONS["reference"])


def matrix_results(name: str) -> list[CaseResult] | None:
    """The results `msl conformance matrix --reports DIR` wrote for ``name`` in this run, or None.

    None when ``$MEMSLICE_CONFORMANCE_REPORTS`` is unset or the matrix did not run ``name``
    (the caller then runs the adapter itself). A report for another corpus or another
    checkout's adapter is an error, never silently trusted.
    """
    folder = os.environ.get(REPORTS_ENV)
    if not folder:
        return None
    path = Path(folder) / f"conformance-{name}.json"
    if not path.is_file():
        return None
    report = json.loads(path.read_text(encoding="utf-8"))
    assert report["adapter"]["name"] == name, path
    assert report["adapter"]["command"] == adapter_for(IMPLEMENTATIONS[name]).command, f"{path}: another checkout"
    results = [CaseResult(**case) for case in report["cases"]]
    assert sorted(r.id for r in results) == sorted(ALL_IDS), f"{path}: written for another corpus"
    return results


def test_the_reference_adapter_declares_every_reading_feature() -> None:
    caps = capabilities(reference())
    assert set(caps["features"]) == set(FEATURES) - {"write"}


def test_the_reference_adapter_passes_every_case() -> None:
    results = matrix_results("reference")
    if results is None:
        results = run(reference(), CASES, all_ids=ALL_IDS, jobs=2).results
    bad = {r.id: r.detail[:2000] for r in results if r.status != "pass"}
    assert not bad
    assert not load_known_failures(IMPLEMENTATIONS["reference"].known_failures)


def test_the_reference_adapter_prints_a_rejection_with_exit_status_1(tmp_path: Path) -> None:
    from memslice.conformance.runner import execute

    outcome = execute([*reference().command, "read", str(ROOT / "conformance/cases/header/bad-magic/input.msl")],
                      timeout=30)
    assert outcome.exit_code == 1
    assert json.loads(outcome.stdout)["error_class"] == "bad-magic"
    missing = execute([*reference().command, "read", str(tmp_path / "absent.msl")], timeout=30)
    assert missing.exit_code == 2


@pytest.mark.parametrize("name", ["memslicer", "memdiver", "kaitai", "kaitai-js"])
def test_another_implementation_fails_exactly_its_known_failures(name: str) -> None:
    impl = IMPLEMENTATIONS[name]
    require_implementation(impl)
    known = load_known_failures(impl.known_failures)
    assert known and all(len(reason) >= 10 for reason in known.values())
    assert set(known) <= ALL_IDS
    subset = {c.id for c in select(CASES, run=ORACLE_SUBSET)}
    results = matrix_results(name)  # the whole corpus, with the same known failures applied
    if results is None:
        cases = select(CASES, run=ORACLE_SUBSET)
        results = run(adapter_for(impl), cases, all_ids=ALL_IDS, known=known, jobs=2).results
    unexpected = {r.id: (r.status, r.detail[:1500]) for r in results if r.error}
    assert not unexpected
    statuses = {r.status for r in results if r.id in subset}
    assert "pass" in statuses and "expected-fail" in statuses


def test_oracle_adapters_use_only_their_tool_and_the_standard_library() -> None:
    """They run in the oracle venvs: no memslice import may sneak in."""
    for impl in IMPLEMENTATIONS.values():
        if impl.script is None or impl.venv is None:
            continue
        adapters = ROOT / "conformance" / "adapters"
        for path in (adapters / impl.script, adapters / "_contract.py"):
            text = path.read_text(encoding="utf-8")
            assert not re.search(r"^\s*(from|import)\s+memslice\b", text, re.M), path.name


def test_an_unknown_adapter_name_is_a_command(tmp_path: Path) -> None:
    script = tmp_path / "a.py"
    script.write_text("import sys; print('{}'); sys.exit(0)")
    from memslice.cli.cmd_conformance import _adapter

    adapter, known = _adapter(f"{sys.executable} {script}")
    assert adapter.command[-1] == str(script) and known is None


def test_the_committed_matrix_lists_the_corpus() -> None:
    """docs/conformance-matrix.md is regenerated by `msl conformance matrix` whenever cases change."""
    text = (ROOT / "docs" / "conformance-matrix.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `([^`]+)` \|", text, re.M))
    assert listed == ALL_IDS
