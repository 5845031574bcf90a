"""The runner, its statuses, known failures, reports and CLI, driven by fake adapters.

The fake adapter (written to a temporary folder) answers every case with the case's own
expected document, or misbehaves on purpose: a changed field, a crash, exit 2, a hang, bad
JSON, a runaway allocation. The cases are copies of real corpus cases.
"""

from __future__ import annotations

import json
import os
import stat
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import yaml
from memslice.conformance import CASES_DIR
from memslice.conformance.cases import load_cases, select
from memslice.conformance.report import to_json, to_junit
from memslice.conformance.runner import (
    Adapter,
    AdapterError,
    RunReport,
    apply_known,
    capabilities,
    load_known_failures,
    run,
    updated_known_failures,
)
from memslice.conformance.view import effective_features, reduce_values, view
from memslice.conformance.vocabulary import FEATURES

from memslice.cli.main import main as msl
from tests.conformance_helpers import copy_cases

PICK = ["header/bad-magic", "blocks/unknown-type-capture", "truncated/after-block-2", "regions/page-states",
        "integrity/wrong-file-hash"]
ALL_FEATURES = ",".join(sorted(set(FEATURES) - {"write"}))

FAKE = r'''
import json, os, sys, time
mode, features = sys.argv[1], sys.argv[2].split(",") if sys.argv[2] else []
if sys.argv[3] == "capabilities":
    caps = {"contract": "msl-conformance/1", "name": "fake", "version": "0", "spec_versions": ["1.0", "1.1"],
            "features": features}
    if mode == "bad-caps":
        caps["features"] = ["telepathy"]
    print(json.dumps(caps))
    sys.exit(0)
path = sys.argv[4]
doc = json.load(open(os.path.join(os.path.dirname(path), "expected.json")))
if mode == "crash":
    print("Error: boom in the parser", file=sys.stderr)
    for i in range(10):
        print(f"    at frame{i} (parser.js:{i})", file=sys.stderr)
    sys.exit(3)
if mode == "bad-canon" and doc["result"] != "rejected":
    doc["canon"] = "msl-canon/0"
    doc["extra"] = 1
if mode == "truncate" and doc["result"] == "complete":
    doc["result"] = "truncated"
    doc["header"]["pid"] = "1"
if mode == "adapter-error":
    print("cannot", file=sys.stderr)
    sys.exit(2)
if mode == "hang":
    time.sleep(60)
if mode == "bad-json":
    print("{")
    sys.exit(0)
if mode == "greedy":
    hog = bytearray(1 << 30)
if mode == "wrong-rule" and doc["result"] == "rejected":
    doc["rule"] = "C99"
if mode == "tamper" and doc.get("blocks"):
    doc["blocks"][0]["offset"] = "0x41"
print(json.dumps(doc))
sys.exit(1 if doc["result"] == "rejected" else 0)
'''


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_cases(tmp_path_factory.mktemp("corpus"), PICK)


@pytest.fixture(scope="module")
def fake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("adapter") / "fake.py"
    path.write_text(FAKE)
    return path


def adapter(fake: Path, mode: str, features: str = ALL_FEATURES) -> Adapter:
    return Adapter("fake", [sys.executable, str(fake), mode, features])


def run_fake(corpus: Path, fake: Path, mode: str, features: str = ALL_FEATURES, **kw: Any) -> RunReport:
    cases = load_cases(corpus)
    return run(adapter(fake, mode, features), cases, all_ids={c.id for c in cases}, jobs=2, **kw)


def statuses(report: RunReport) -> dict[str, str]:
    return {r.id: r.status for r in report.results}


def test_an_adapter_that_prints_the_expected_documents_passes_everything(corpus: Path, fake: Path) -> None:
    report = run_fake(corpus, fake, "echo")
    assert set(statuses(report).values()) == {"pass"}
    assert not report.failed


def test_cases_needing_a_missing_feature_are_skipped_not_failed(corpus: Path, fake: Path) -> None:
    report = run_fake(corpus, fake, "echo", features="verify-chain")
    got = statuses(report)
    assert got["regions/page-states"] == "skipped"
    assert got["integrity/wrong-file-hash"] == "skipped"
    assert got["blocks/unknown-type-capture"] == "pass"
    skipped = next(r for r in report.results if r.id == "regions/page-states")
    assert "regions" in skipped.detail


def test_a_wrong_answer_fails_with_a_diff_naming_the_field(corpus: Path, fake: Path) -> None:
    report = run_fake(corpus, fake, "tamper")
    failed = {r.id: r for r in report.results if r.status == "fail"}
    assert "blocks/unknown-type-capture" in failed
    assert '+      "offset": "0x41"' in failed["blocks/unknown-type-capture"].detail
    assert report.failed


@pytest.mark.parametrize(("mode", "what"), [("crash", "crash (exit 3)"), ("adapter-error", "adapter error (exit 2)"),
                                            ("bad-json", "bad JSON")])
def test_crashes_and_garbage_are_errored(corpus: Path, fake: Path, mode: str, what: str) -> None:
    report = run_fake(corpus, fake, mode)
    accepted = [r for r in report.results if r.id != "header/bad-magic"]
    assert {r.status for r in accepted} == {"errored"}
    assert all(what in r.detail for r in accepted)
    assert report.failed


def test_a_hanging_adapter_is_stopped_by_the_timeout(corpus: Path, fake: Path) -> None:
    report = run_fake(corpus, fake, "hang", timeout=1.0)
    assert {r.status for r in report.results} == {"errored"}
    assert {r.detail for r in report.results} == {"timeout"}


def test_the_address_space_limit_stops_a_runaway_adapter(corpus: Path, fake: Path) -> None:
    # one case is enough (the greedy fake fills 1 GiB on every case it reads)
    cases = [c for c in load_cases(corpus) if c.id == "blocks/unknown-type-capture"]
    assert len(cases) == 1
    greedy = adapter(fake, "greedy", ALL_FEATURES)
    unlimited = run(greedy, cases, all_ids={c.id for c in cases}, jobs=1, memory_mb=0)
    limited = run(greedy, cases, all_ids={c.id for c in cases}, jobs=1, memory_mb=256)
    assert statuses(unlimited)["blocks/unknown-type-capture"] == "pass"
    assert statuses(limited)["blocks/unknown-type-capture"] != "pass"


def test_bad_capabilities_are_refused(fake: Path) -> None:
    with pytest.raises(AdapterError, match="capabilities"):
        capabilities(adapter(fake, "bad-caps"))


def test_known_failures_expected_fail_unexpected_pass_and_stale_entries(corpus: Path, fake: Path) -> None:
    known = {"blocks/unknown-type-capture": "offsets are off by one", "header/bad-magic": "thought to fail",
             "nosuch/case": "a case that never existed"}
    report = run_fake(corpus, fake, "tamper", known=known)
    got = statuses(report)
    assert got["blocks/unknown-type-capture"] == "expected-fail"
    assert got["header/bad-magic"] == "unexpected-pass"
    assert report.stale == ["nosuch/case"]
    assert report.failed
    expected_fail = next(r for r in report.results if r.id == "blocks/unknown-type-capture")
    assert expected_fail.reason == "offsets are off by one"


def test_updating_known_failures_makes_the_next_run_clean(corpus: Path, fake: Path, tmp_path: Path) -> None:
    report = run_fake(corpus, fake, "tamper", known={"header/bad-magic": "thought to fail", "nosuch/case": "gone"})
    doc = updated_known_failures(report, {"header/bad-magic": "thought to fail", "nosuch/case": "gone"})
    assert "nosuch/case" not in doc["failures"] and "header/bad-magic" not in doc["failures"]
    path = tmp_path / "fake.yaml"
    path.write_text(yaml.safe_dump(doc))
    again = run_fake(corpus, fake, "tamper", known=load_known_failures(path))
    assert not again.failed
    assert "expected-fail" in statuses(again).values()


def test_recommended_failures_are_warnings_unless_strict(corpus: Path, fake: Path) -> None:
    cases = select(load_cases(corpus), run=["integrity/*"])
    assert cases[0].level == "recommended"
    ids = {c.id for c in cases}
    lenient = run(adapter(fake, "tamper"), cases, all_ids=ids)
    strict = run(adapter(fake, "tamper"), cases, all_ids=ids, strict=True)
    assert statuses(lenient) == {"integrity/wrong-file-hash": "fail"}
    assert not lenient.failed and strict.failed


def test_json_and_junit_reports(corpus: Path, fake: Path) -> None:
    report = run_fake(corpus, fake, "tamper", known={"nosuch/case": "gone"})
    data = to_json(report)
    assert data["summary"]["fail"] == sum(1 for r in report.results if r.status == "fail")
    assert data["stale_known_failures"] == ["nosuch/case"]
    suite = ET.fromstring(to_junit(report)).find("testsuite")
    assert suite is not None
    assert len(suite.findall("testcase")) == len(report.results) + 1
    failures = [tc for tc in suite.findall("testcase") if tc.find("failure") is not None]
    assert len(failures) == data["summary"]["fail"] + data["summary"]["unexpected-pass"] + 1


def test_failure_headline_names_results_and_the_first_differing_path(corpus: Path, fake: Path) -> None:
    report = run_fake(corpus, fake, "tamper")
    bad = next(r for r in report.results if r.id == "blocks/unknown-type-capture")
    assert bad.headline == "expected complete, got complete; first difference at blocks[0].offset"
    assert bad.description == yaml.safe_load((corpus / bad.id / "case.yaml").read_text())["description"]
    assert bad.input.endswith("blocks/unknown-type-capture/input.msl")
    cut = run_fake(corpus, fake, "truncate")
    root = next(r for r in cut.results if r.id == "regions/page-states")
    assert root.headline == "expected complete, got truncated; first difference at result"
    changed = [line for line in root.diff.splitlines()[2:] if line[:1] in "+-"]
    assert changed[:2] == ['-  "result": "complete",', '+  "result": "truncated",']  # the root cause comes first


def test_output_breaking_the_canon_schema_fails(corpus: Path, fake: Path) -> None:
    report = run_fake(corpus, fake, "bad-canon")
    for r in report.results:
        if r.id != "header/bad-magic":
            assert r.status == "fail" and "canon.schema.json" in r.headline, r.id
            assert "msl-canon/1" in r.detail and "extra" in r.detail


def test_a_crash_shows_the_first_stderr_lines(corpus: Path, fake: Path) -> None:
    report = run_fake(corpus, fake, "crash")
    assert all("Error: boom in the parser" in r.detail for r in report.results)


def test_cli_names_the_adapter_after_its_capabilities_and_summarises_warnings(
        corpus: Path, fake: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tampered = f"{sys.executable} {fake} tamper {ALL_FEATURES}"
    out_json, known = tmp_path / "r.json", tmp_path / "known.yaml"
    args = ["conformance", "run", "--adapter", tampered, "--cases", str(corpus), "--run", "integrity/*"]
    assert msl([*args, "--json", str(out_json)]) == 0  # a recommended failure alone is a warning
    out = capsys.readouterr().out
    assert "1 recommended case(s) failed (warnings; --strict makes them fatal): integrity/wrong-file-hash" in out
    assert "first difference at blocks[0].offset" in out and "rules CS2" in out
    data = json.loads(out_json.read_text())
    assert data["adapter"]["name"] == "fake"
    case = data["cases"][0]
    assert case["diff"] and "more diff lines" not in case["diff"] and case["headline"]
    assert msl([*args, "--strict"]) == 1
    assert msl([*args, "--known-failures", str(known), "--update-known-failures"]) == 0
    written = yaml.safe_load(known.read_text())
    assert written["adapter"] == "fake"
    reason = written["failures"]["integrity/wrong-file-hash"]["reason"]
    assert "first difference at blocks[0].offset" in reason and "---" not in reason


def test_a_missing_tool_skips_locally_and_fails_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.conftest import tool_missing

    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        tool_missing("the memdiver oracle venv is missing")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true but a required tool is missing: the memdiver"):
        tool_missing("the memdiver oracle venv is missing")


def test_matrix_fails_in_ci_when_an_implementation_cannot_run(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("CI", "true")
    monkeypatch.setenv("MEMSLICE_ORACLE_ROOT", str(tmp_path / "no-oracles"))
    code = msl(["conformance", "matrix", "--only", "memdiver", "--run", "header/bad-magic",
                "-o", str(tmp_path / "m.md")])
    assert code == 1
    assert "CI=true but not run: memdiver" in capsys.readouterr().err


def test_rejections_are_compared_by_rule_id_with_error_rule(corpus: Path, fake: Path) -> None:
    strict = run_fake(corpus, fake, "wrong-rule")
    bad = next(r for r in strict.results if r.id == "header/bad-magic")
    assert bad.status == "fail" and "'C99'" in bad.detail and "'C1'" in bad.detail
    lenient = run_fake(corpus, fake, "wrong-rule", features=",".join(sorted(set(FEATURES) - {"write", "error-rule"})))
    assert statuses(lenient)["header/bad-magic"] == "pass"


def test_every_rejection_case_cites_a_rule_of_the_spec() -> None:
    from memslice.generated.rules import RULES

    for case in load_cases(CASES_DIR):
        expected = json.loads((case.path / "expected.json").read_text())
        if expected["result"] == "rejected":
            assert expected.get("rule") in RULES, case.id


def test_apply_known_leaves_unlisted_results_alone(corpus: Path, fake: Path) -> None:
    report = run_fake(corpus, fake, "echo")
    result = report.results[0]
    assert apply_known(result, {}).status == "pass"


def test_the_view_reduces_enumerations_and_flags() -> None:
    assert reduce_values({"value": "0x3", "read": True, "write": True}) == "0x3"
    assert reduce_values({"value": "1", "name": "heap"}) == "1"
    assert reduce_values({"value": "ab", "len_value": "1"}) == {"value": "ab", "len_value": "1"}


def test_payload_views_need_the_dialect_feature() -> None:
    assert "payloads" not in effective_features({"payloads"}, "memdiver-1.0.2")
    assert "payloads" in effective_features({"payloads", "dialect-memdiver-1.0.2"}, "memdiver-1.0.2")
    assert "regions" not in effective_features({"regions"}, "g0")
    doc = {"result": "rejected", "error_class": "bad-magic", "message": "whatever"}
    assert view(doc, {"error-class"}) == {"result": "rejected", "error_class": "bad-magic"}
    assert view(doc, set()) == {"result": "rejected"}


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_cli_list_copy_and_run(corpus: Path, fake: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert msl(["conformance", "list", "--cases", str(corpus)]) == 0
    assert "header/bad-magic" in capsys.readouterr().out
    copy = tmp_path / "copy"
    assert msl(["conformance", "copy", str(copy), "--cases", str(corpus)]) == 0
    assert (copy / "contract.md").is_file() and (copy / "schemas" / "canon.schema.json").is_file()
    assert len(load_cases(copy / "cases")) == len(PICK)
    assert msl(["conformance", "copy", str(copy), "--cases", str(corpus)]) == 2  # not over a non-empty folder
    command = f"{sys.executable} {fake} echo {ALL_FEATURES}"
    report, junit = tmp_path / "r.json", tmp_path / "r.xml"
    code = msl(["conformance", "run", "--adapter", command, "--cases", str(copy / "cases"), "--json", str(report),
                "--junit", str(junit)])
    assert code == 0
    assert json.loads(report.read_text())["summary"]["pass"] == len(PICK)
    assert _mode(report) == 0o600 and _mode(junit) == 0o600
    tampered = f"{sys.executable} {fake} tamper {ALL_FEATURES}"
    assert msl(["conformance", "run", "--adapter", tampered, "--cases", str(copy / "cases")]) == 1
    out = capsys.readouterr().out
    assert "FAIL blocks/unknown-type-capture" in out


def test_cli_update_known_failures_writes_the_file(corpus: Path, fake: Path, tmp_path: Path) -> None:
    known = tmp_path / "known.yaml"
    known.write_text(yaml.safe_dump({"adapter": "fake", "failures": {"nosuch/case": {"reason": "a stale entry"}}}))
    tampered = f"{sys.executable} {fake} tamper {ALL_FEATURES}"
    args = ["conformance", "run", "--adapter", tampered, "--cases", str(corpus), "--known-failures", str(known)]
    assert msl(args) == 1
    assert msl([*args, "--update-known-failures"]) == 0
    assert msl(args) == 0
    assert "nosuch/case" not in known.read_text()


def test_cli_reports_an_unusable_adapter_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert msl(["conformance", "run", "--adapter", "/nonexistent/adapter"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
