"""The schema loader, its checks, and the generator's determinism and drift detection."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from memslice.codegen import load_spec
from memslice.codegen.driver import render_all, run_codegen
from memslice.codegen.errors import SpecError, SpecErrors

REPO = Path(__file__).resolve().parents[1]
SPEC = REPO / "spec"


@pytest.fixture
def spec_copy(tmp_path: Path) -> Path:
    dest = tmp_path / "spec"
    shutil.copytree(SPEC, dest)
    return dest


def _edit_block(spec_dir: Path, block: str, edit) -> None:  # type: ignore[no-untyped-def]
    path = spec_dir / "blocks" / f"{block}.yaml"
    doc = yaml.safe_load(path.read_text())
    edit(doc)
    path.write_text(yaml.safe_dump(doc, sort_keys=False))


def test_spec_loads_and_covers_the_registry() -> None:
    spec = load_spec(SPEC)
    codes = {b.code for b in spec.blocks}
    for code in (0x0001, 0x0002, 0x0010, 0x0011, 0x0012, 0x0015, 0x0020, 0x0030, 0x0040, 0x0041,
                 0x0050, 0x0051, 0x0052, 0x0053, 0x0054, 0x0055, 0x0056, 0x0057, 0x0058, 0x0059,
                 0x005A, 0x005B, 0x0FFE, 0x0FFF, 0x1001, 0x1003):
        assert code in codes, hex(code)
    assert {"P1", "P14", "C1", "C10", "CS1", "A1", "V11-C20"} <= set(spec.rules)
    assert {d.id for d in spec.dialects} == {"spec-1.0", "spec-1.1", "memdiver-1.0.2", "g0"}


def test_every_item_has_doc_and_spec_reference() -> None:
    spec = load_spec(SPEC)
    for block in spec.blocks:
        assert block.doc and block.spec, block.id
        for struct in [*block.layouts, *block.types.values()]:
            assert struct.doc and struct.spec, struct.path
            for f in struct.seq:
                assert f.doc and f.spec, f.path


def test_offsets_are_recomputed() -> None:
    spec = load_spec(SPEC)
    key_hint = spec.block("key_hint").layouts[0]
    assert key_hint.field("note").offset == 0x2C
    assert key_hint.field("note").erratum is not None
    assert spec.types["file_header"].fixed_size == 64
    assert spec.types["block_header"].fixed_size == 80


def test_generation_is_deterministic(tmp_path: Path) -> None:
    first = render_all(SPEC, tmp_path / "a")
    second = render_all(SPEC, tmp_path / "a")
    assert first == second
    for path, text in first.items():
        head = "\n".join(text.splitlines()[:3])
        assert "Do not edit" in head and "msl codegen" in head, path


def test_check_detects_drift(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    run_codegen(SPEC, out)
    assert not run_codegen(SPEC, out, check=True).changed
    victim = out / "python" / "blocks" / "key_hint.py"
    victim.write_text(victim.read_text() + "# hand edit\n")
    (out / "python" / "stray.py").write_text("x = 1\n")
    result = run_codegen(SPEC, out, check=True)
    assert victim in result.changed
    assert out / "python" / "stray.py" in result.stale


def test_wrong_documented_offset_names_yaml_path(spec_copy: Path) -> None:
    def edit(doc: dict) -> None:  # type: ignore[type-arg]
        doc["layouts"][0]["seq"][4]["offset"] = 0x30

    _edit_block(spec_copy, "key_hint", edit)
    with pytest.raises(SpecErrors) as info:
        load_spec(spec_copy)
    assert "blocks/key_hint.yaml:layouts[0].seq[4].offset" in str(info.value)
    assert "0x30" in str(info.value)


def test_misaligned_field_without_erratum_is_rejected(spec_copy: Path) -> None:
    def edit(doc: dict) -> None:  # type: ignore[type-arg]
        for f in doc["layouts"][0]["seq"]:
            f.pop("erratum", None)

    _edit_block(spec_copy, "key_hint", edit)
    with pytest.raises(SpecErrors) as info:
        load_spec(spec_copy)
    assert "8-byte alignment" in str(info.value) and "key_hint.yaml" in str(info.value)


def test_schema_of_the_schema_rejects_unknown_keys(spec_copy: Path) -> None:
    def edit(doc: dict) -> None:  # type: ignore[type-arg]
        doc["layouts"][0]["seq"][0]["colour"] = "red"

    _edit_block(spec_copy, "process_identity", edit)
    with pytest.raises(SpecErrors) as info:
        load_spec(spec_copy)
    assert "blocks/process_identity.yaml:layouts[0].seq[0]" in str(info.value)


def test_unknown_reference_is_rejected(spec_copy: Path) -> None:
    def edit(doc: dict) -> None:  # type: ignore[type-arg]
        doc["layouts"][0]["seq"][0]["enum"] = "no_such_enum"

    _edit_block(spec_copy, "process_identity", edit)
    with pytest.raises((SpecError, SpecErrors)) as info:
        load_spec(spec_copy)
    assert "no_such_enum" in str(info.value)


def test_expression_may_only_read_earlier_fields(spec_copy: Path) -> None:
    def edit(doc: dict) -> None:  # type: ignore[type-arg]
        doc["layouts"][0]["seq"][0]["size"] = "len_cmd_line"
        doc["layouts"][0]["seq"][0]["type"] = "bytes"

    _edit_block(spec_copy, "process_identity", edit)
    with pytest.raises(SpecErrors) as info:
        load_spec(spec_copy)
    assert "not fields read before it" in str(info.value)
