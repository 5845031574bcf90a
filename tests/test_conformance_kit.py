"""``msl conformance copy``: a kit a third party can pin and use without memslice or YAML."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from memslice.conformance import CASES_DIR
from memslice.conformance.cases import load_cases, select
from memslice.conformance.kit import KitError, write_kit

from memslice.cli.main import main as msl
from memslice.resources import installed_spec_dir


@pytest.fixture(scope="module")
def kit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("kit") / "msl-kit"
    cases = select(load_cases(CASES_DIR), run=["header/*", "golden/key-hint", "regions/page-states"])
    write_kit(target, cases, CASES_DIR, installed_spec_dir())
    return target


def test_the_kit_is_stamped(kit: Path) -> None:
    stamp = json.loads((kit / "STAMP.json").read_text())
    assert stamp["contract"] == "msl-conformance/1" and stamp["canon"] == "msl-canon/1"
    assert stamp["memslice"] and stamp["cases"] == len(load_cases(kit / "cases"))
    assert stamp["commit"] is None or len(stamp["commit"]) == 40
    assert stamp["unknown_rules"] == []


def test_the_kit_lists_every_published_id_and_indexes_its_cases(kit: Path) -> None:
    assert (kit / "cases" / "IDS").read_text() == (CASES_DIR / "IDS").read_text()
    index = json.loads((kit / "cases.json").read_text())
    copied = {c.id: c for c in load_cases(kit / "cases")}
    assert [e["id"] for e in index] == sorted(copied)
    for entry in index:
        case = copied[entry["id"]]
        assert (entry["spec"], entry["level"], entry["kind"], entry["rules"], entry["features"]) == (
            case.spec, case.level, case.kind, case.rules, case.features)
        assert (kit / entry["input"]).is_file() and (kit / entry["expected"]).is_file()
        expected = json.loads((kit / entry["expected"]).read_text())
        assert entry["result"] == expected["result"]
        if entry["result"] == "rejected":
            assert entry["error_class"] == expected["error_class"] and entry["rule"] == expected["rule"]
    golden = next(e for e in index if e["id"] == "golden/key-hint")
    assert golden["facts"]["blocks.3.payload.confidence"] == "2"


def test_the_kit_carries_the_rules_and_spec_files_it_cites(kit: Path) -> None:
    rules = json.loads((kit / "rules.json").read_text())
    index = json.loads((kit / "cases.json").read_text())
    for entry in index:
        for rule in [*entry["rules"], *([entry["rule"]] if entry.get("rule") else [])]:
            assert rules[rule]["cited"] and rules[rule]["text"]
    assert "V11-C14" in rules  # cited by contract.md
    for name in ("format.yaml", "enums.yaml", "rules.yaml", "dialects.yaml"):
        assert (kit / "spec" / name).is_file()
    copied = (kit / "spec" / "blocks" / "key_hint.yaml").read_bytes()
    assert copied == (installed_spec_dir() / "blocks" / "key_hint.yaml").read_bytes()
    assert (kit / "contract.md").is_file() and (kit / "schemas" / "canon.schema.json").is_file()


def test_kit_files_are_private_and_an_existing_folder_is_not_overwritten(kit: Path) -> None:
    for path in [kit, *kit.rglob("*")]:
        mode = stat.S_IMODE(os.stat(path).st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), path
    with pytest.raises(KitError):
        write_kit(kit, [], CASES_DIR, None)


def test_cli_copy_reports_the_stamp(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert msl(["conformance", "copy", str(tmp_path / "k"), "--run", "header/bad-magic"]) == 0
    out = capsys.readouterr().out
    assert "cases/IDS, cases.json, rules.json, spec/" in out and "memslice " in out
    assert msl(["conformance", "copy", str(tmp_path / "k")]) == 2
