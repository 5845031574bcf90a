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
    assert [e.path for e in info.value.errors] == ["blocks/key_hint.yaml:layouts[0].seq[4].offset"]
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
    assert any(e.path == "blocks/process_identity.yaml:layouts[0].seq[0]" for e in info.value.errors)


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


# -- the strict loader: duplicates, positions, readable messages -------------------------------------


def _line_of(text: str, needle: str, nth: int = 1) -> int:
    """1-based line of the nth line containing ``needle``."""
    hits = [i + 1 for i, line in enumerate(text.splitlines()) if needle in line]
    return hits[nth - 1]


def _errors(exc: BaseException) -> list[SpecError]:
    return exc.errors if isinstance(exc, SpecErrors) else [exc]  # type: ignore[attr-defined,list-item]


def test_duplicate_yaml_key_in_an_enum_is_rejected_with_line_column_and_hex_code(spec_copy: Path) -> None:
    path = spec_copy / "enums.yaml"
    text = path.read_text()
    anchor = "      0x0002: {id: macos, doc: macOS.}\n"
    assert anchor in text
    path.write_text(text.replace(anchor, anchor + "      0x0002: {id: macos_again, doc: Again.}\n", 1))
    with pytest.raises((SpecError, SpecErrors)) as info:
        load_spec(spec_copy)
    (err,) = _errors(info.value)
    first = _line_of(path.read_text(), "0x0002: {id: macos,")
    second = _line_of(path.read_text(), "0x0002: {id: macos_again")
    assert (err.file, err.line, err.column) == ("enums.yaml", second, 7), str(err)
    assert str(err).startswith(f"enums.yaml:{second}:7: ")
    assert "duplicate key 0x0002" in str(err) and f"first at line {first}, column 7" in str(err)


def test_duplicate_enum_value_id_names_the_codes_and_the_line(spec_copy: Path) -> None:
    path = spec_copy / "enums.yaml"
    text = path.read_text()
    path.write_text(text.replace("0x0003: {id: android,", "0x0003: {id: macos,", 1))
    with pytest.raises(SpecErrors) as info:
        load_spec(spec_copy)
    (err,) = [e for e in info.value.errors if "macos" in e.message]
    assert "value 0x0003" in err.message and "already used by 0x0002" in err.message
    assert err.path == "enums.yaml:enums.os_type.values[0x0003].id", err.path
    assert (err.line, err.column) == (_line_of(path.read_text(), "0x0003: {id: macos,"), 16)


def test_duplicate_field_id_is_rejected_before_any_python_is_written(spec_copy: Path, tmp_path: Path) -> None:
    def edit(doc: dict) -> None:  # type: ignore[type-arg]
        doc["layouts"][0]["seq"][1]["id"] = "ppid"

    _edit_block(spec_copy, "process_identity", edit)
    out = tmp_path / "generated"
    with pytest.raises(SpecErrors) as info:
        run_codegen(spec_copy, out)
    (err,) = [e for e in info.value.errors if "field id" in e.message]
    assert err.path == "blocks/process_identity.yaml:layouts[0].seq[1].id"
    text = (spec_copy / "blocks" / "process_identity.yaml").read_text()
    assert err.line == _line_of(text, "id: ppid", 2) and err.line > 1
    assert not out.exists()


def test_block_code_of_a_reserved_type_blames_the_new_file(spec_copy: Path) -> None:
    text = (spec_copy / "blocks" / "file_descriptor.yaml").read_text()
    assert "status: reserved" in text and "code: 0x0012" in text
    (spec_copy / "blocks" / "open_handle.yaml").write_text(
        "id: open_handle\ncode: 0x0012\ntitle: Open Handle\nspec: \"4.3\"\nsince: \"1.1\"\n"
        "doc: A new type on a reserved code.\nlayouts:\n  - id: open_handle\n    dialects: [spec-1.1]\n"
        "    doc: One handle.\n    spec: \"4.3\"\n    seq:\n"
        "      - {id: fd, type: u8, doc: Descriptor., spec: \"4.3\"}\n")
    with pytest.raises(SpecErrors) as info:
        load_spec(spec_copy)
    (err,) = [e for e in info.value.errors if e.path.endswith(":code")]
    assert err.path == "blocks/open_handle.yaml:code" and (err.line, err.column) == (2, 1)
    assert "0x0012" in err.message and "blocks/file_descriptor.yaml" in err.message
    assert "reserved" in err.message


def test_section_reference_of_an_undeclared_version_reads_as_prose(spec_copy: Path) -> None:
    def edit(doc: dict) -> None:  # type: ignore[type-arg]
        doc["layouts"][0]["seq"][0]["spec"] = "1.2:5.4"
        doc["layouts"][0]["seq"][1]["spec"] = "section five"

    _edit_block(spec_copy, "process_identity", edit)
    with pytest.raises(SpecErrors) as info:
        load_spec(spec_copy)
    text = str(info.value)
    assert "^(" not in text and "\\d" not in text, text
    assert "'section five' is not a spec reference" in text
    assert "blocks/process_identity.yaml:" in text


def test_section_reference_names_a_declared_version(spec_copy: Path) -> None:
    def edit(doc: dict) -> None:  # type: ignore[type-arg]
        doc["layouts"][0]["seq"][0]["spec"] = "1.2:5.4"

    _edit_block(spec_copy, "process_identity", edit)
    with pytest.raises(SpecErrors) as info:
        load_spec(spec_copy)
    (err,) = info.value.errors
    assert "version 1.2, which format.yaml does not declare" in err.message
    assert err.path == "blocks/process_identity.yaml:layouts[0].seq[0].spec" and err.line is not None


def test_located_errors_carry_line_and_column(spec_copy: Path) -> None:
    def edit(doc: dict) -> None:  # type: ignore[type-arg]
        doc["layouts"][0]["seq"][4]["offset"] = 0x30

    _edit_block(spec_copy, "key_hint", edit)
    with pytest.raises(SpecErrors) as info:
        load_spec(spec_copy)
    (err,) = info.value.errors
    text = (spec_copy / "blocks" / "key_hint.yaml").read_text()
    assert err.line == _line_of(text, "offset: 48") and str(err).startswith(f"blocks/key_hint.yaml:{err.line}:")


BLOCK_GENERATED = """
import sys
from importlib.abc import MetaPathFinder

class Block(MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name == "memslice.generated" or name.startswith("memslice.generated."):
            raise ImportError("generated/ is broken (simulated): " + name)
        return None

sys.meta_path.insert(0, Block())
from memslice.cli.main import main
rc = main(["codegen", "--spec", sys.argv[1], "--out", sys.argv[2]])
assert not [m for m in sys.modules if m.startswith("memslice.generated")]
raise SystemExit(rc)
"""


def test_msl_codegen_runs_when_generated_cannot_be_imported(tmp_path: Path) -> None:
    import subprocess
    import sys

    out = tmp_path / "generated"
    proc = subprocess.run([sys.executable, "-c", BLOCK_GENERATED, str(SPEC), str(out)], capture_output=True,
                          text=True, timeout=600, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (out / "python" / "enums.py").is_file()


def test_generated_python_that_does_not_import_leaves_generated_unchanged(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from memslice.codegen import driver

    out = tmp_path / "generated"
    run_codegen(SPEC, out)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    real = dict(driver.BACKENDS)

    def broken(spec, out_dir, templates):  # type: ignore[no-untyped-def]
        files = real["python"](spec, out_dir, templates)
        enums = out_dir / "enums.py"
        files[enums] = files[enums].replace("class OsType(IntEnum):", "class OsType(IntEnum):\n    A = 1\n    A = 2\n"
                                            "\n\nclass Unused(IntEnum):", 1)
        assert files[enums] != real["python"](spec, out_dir, templates)[enums]
        return files

    monkeypatch.setitem(driver.BACKENDS, "python", broken)
    monkeypatch.setitem(driver.BACKENDS, "docs", lambda spec, out_dir, templates: {out_dir / "x.md": "changed\n"})
    with pytest.raises(SpecError) as info:
        run_codegen(SPEC, out)
    assert "does not import" in str(info.value) and "'A' already defined" in str(info.value)
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_generated_python_that_does_not_compile_is_caught(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from memslice.codegen import driver

    out = tmp_path / "generated"
    real = dict(driver.BACKENDS)

    def broken(spec, out_dir, templates):  # type: ignore[no-untyped-def]
        files = real["python"](spec, out_dir, templates)
        files[out_dir / "rules.py"] += "def f(a, a):\n    pass\n"
        return files

    monkeypatch.setitem(driver.BACKENDS, "python", broken)
    with pytest.raises(SpecError) as info:
        run_codegen(SPEC, out)
    assert "generated/python/rules.py" in str(info.value) and "does not compile" in str(info.value)
    assert not out.exists()


def test_drafts_never_overwrite_the_committed_generated(capsys: pytest.CaptureFixture[str]) -> None:
    from memslice.cli.main import main

    before = (REPO / "generated" / "python" / "enums.py").read_bytes()
    assert main(["codegen", "--drafts"]) == 2
    assert "--drafts never writes the committed generated/" in capsys.readouterr().err
    assert (REPO / "generated" / "python" / "enums.py").read_bytes() == before


def test_draft_block_is_checked_but_generated_only_on_request(spec_copy: Path, tmp_path: Path) -> None:
    def edit(doc: dict) -> None:  # type: ignore[type-arg]
        doc.update(status="draft", doc="Draft: an open descriptor.", layouts=[{
            "id": "file_descriptor", "status": "draft", "dialects": ["spec-1.1"], "doc": "Draft.", "spec": "4.3",
            "seq": [{"id": "fd", "type": "u8", "doc": "Descriptor.", "spec": "4.3"}]}])

    _edit_block(spec_copy, "file_descriptor", edit)
    rules = spec_copy / "rules.yaml"
    rules.write_text(rules.read_text().replace("Block types 0x0012-0x0015 are reserved",
                                               "Block types 0x0013-0x0015 are reserved"))
    assert "file_descriptor" not in {b.id for b in load_spec(spec_copy).blocks}
    drafted = load_spec(spec_copy, drafts=True)
    assert drafted.block("file_descriptor").status == "draft"
    assert [f.id for f in drafted.block("file_descriptor").layouts[0].seq] == ["fd"]
    files = render_all(spec_copy, tmp_path / "g", drafts=True)
    assert tmp_path / "g" / "python" / "blocks" / "file_descriptor.py" in files
    assert tmp_path / "g" / "python" / "blocks" / "file_descriptor.py" not in render_all(spec_copy, tmp_path / "g")
