"""``msl spec diff``: the changelog between two versions of spec/ (codegen/diff.py, cmd_spec.py)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from memslice.codegen import load_spec
from memslice.codegen.diff import BREAKING, COMPATIBLE, diff_specs, spec_at

from memslice.cli.main import main

REPO = Path(__file__).resolve().parents[1]
SPEC = REPO / "spec"


@pytest.fixture(scope="module")
def current():  # type: ignore[no-untyped-def]
    return load_spec(SPEC)


def _copy(tmp_path: Path) -> Path:
    dest = tmp_path / "spec"
    shutil.copytree(SPEC, dest)
    return dest


def _edit_block(spec_dir: Path, block: str, edit) -> None:  # type: ignore[no-untyped-def]
    path = spec_dir / "blocks" / f"{block}.yaml"
    doc = yaml.safe_load(path.read_text())
    edit(doc)
    path.write_text(yaml.safe_dump(doc, sort_keys=False))


def test_identical_specs_have_no_changes(current, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = diff_specs(current, load_spec(_copy(tmp_path)))
    assert result.changes == []
    assert "No changes." in result.to_markdown()


def test_field_inserted_in_the_middle_is_breaking_and_moves_offsets(current, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    def edit(doc: dict) -> None:  # type: ignore[type-arg]
        seq = doc["layouts"][0]["seq"]
        seq.insert(2, {"id": "uid", "type": "u8", "orig": "UID", "doc": "User id.", "spec": "5.4"})
        for f in seq:
            f.pop("offset", None)

    spec_dir = _copy(tmp_path)
    _edit_block(spec_dir, "process_identity", edit)
    result = diff_specs(current, load_spec(spec_dir))
    by = {(c.kind, c.action, c.subject): c for c in result.changes}
    added = by[("field", "added", "process_identity/process_identity.uid")]
    assert added.compat == BREAKING and "start_time" in added.old_readers
    moved = by[("field", "moved", "process_identity/process_identity.start_time")]
    assert moved.compat == BREAKING and moved.detail == "offset 0x08 -> 0x10"
    assert by[("field", "moved", "process_identity/process_identity.len_exe_path")].detail == "offset 0x10 -> 0x18"
    doc = result.to_json()
    assert doc["counts"][BREAKING] == len(result.breaking) >= 3
    assert "**breaking**" in result.to_markdown()


def test_removed_field_and_enum_value_are_breaking_added_tail_field_is_compatible(
        current, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    spec_dir = _copy(tmp_path)

    def edit(doc: dict) -> None:  # type: ignore[type-arg]
        doc["layouts"][0]["seq"].append({"id": "cwd_hash", "type": "hash", "optional": "tail", "doc": "Hash.",
                                         "spec": "5.4"})

    _edit_block(spec_dir, "process_identity", edit)
    enums = spec_dir / "enums.yaml"
    enums.write_text(enums.read_text().replace("      0x0009: {id: fuchsia, doc: Fuchsia.}\n", "", 1))
    result = diff_specs(current, load_spec(spec_dir))
    by = {(c.kind, c.action, c.subject): c for c in result.changes}
    assert by[("field", "added", "process_identity/process_identity.cwd_hash")].compat == COMPATIBLE
    assert by[("enum_value", "removed", "os_type.fuchsia")].compat == BREAKING
    assert len(result.changes) == 2


def test_git_revision_and_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec, label = spec_at("HEAD", REPO, tmp_path / "rev")
    assert label == "HEAD" and spec.blocks and (tmp_path / "rev" / "spec" / "format.yaml").is_file()
    spec_dir = _copy(tmp_path)
    enums = spec_dir / "enums.yaml"
    enums.write_text(enums.read_text().replace("      0xFFFF: {id: unknown, doc: Unknown.}\n",
                                               "      0x000A: {id: haiku, doc: Haiku.}\n"
                                               "      0xFFFF: {id: unknown, doc: Unknown.}\n", 1)
                     .replace("0x000A-0x00FF reserved", "0x000B-0x00FF reserved", 1))
    assert main(["spec", "diff", str(SPEC), str(spec_dir), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["format"] == "msl-spec-diff/1"
    assert [(c["kind"], c["action"], c["subject"]) for c in doc["changes"]] == [
        ("enum_value", "added", "os_type.haiku")]
    assert main(["spec", "diff", str(SPEC), "no-such-revision-or-folder"]) == 2
    assert "neither a spec folder nor a git revision" in capsys.readouterr().err
    assert main(["spec", "diff", "--", str(SPEC), f"--output={tmp_path / 'x.tar'}"]) == 2
    assert not (tmp_path / "x.tar").exists()
