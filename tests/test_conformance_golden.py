"""Golden payloads: hand-packed bytes and hand-written values judge the generated code.

The golden cases (``conformance/generators/recipes_golden.py``) pack every payload with
plain ``struct.pack`` from the prose spec's tables; their ``facts`` are the decoded values
written by hand. These tests read them with a fresh reader (so a wrong offset in
``spec/`` fails here even before the corpus is regenerated), check that every case's
``expected.json`` agrees with its facts, and show that a swapped offset in
``spec/blocks/key_hint.yaml`` is caught.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import sys
from pathlib import Path

import pytest
from memslice.codegen.driver import run_codegen
from memslice.conformance import CASES_DIR
from memslice.conformance.cases import load_cases, load_json
from memslice.conformance.generators import Built, all_recipes
from memslice.conformance.generators import recipes_golden as golden
from memslice.conformance.generators.build import GenerationError, expected_documents, fact_problems

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("name", sorted(golden.GOLDEN_CASES))
def test_golden_payload_reads_as_written_by_hand(name: str) -> None:
    data, facts, types = golden.build_golden(name)
    built = Built(data, "golden", "1.1", ["C2"], "required", "valid", {"generator": "test"}, expect=facts)
    docs = expected_documents(f"golden/{name}", built)  # raises GenerationError on any contradicted fact
    assert fact_problems(docs["expected.json"], facts) == []
    assert len(docs["expected.json"]["blocks"]) == len(types) + 1


def test_every_defined_layout_with_a_prose_table_has_a_golden_case() -> None:
    codes = {golden.GOLDEN_CASES[n].make().type_code for n in golden.GOLDEN_CASES}
    # spec 1.0.0 sections 5.1-5.6 and 9.1, and the 1.1 tables of the catalogue (section 6)
    want = {0x0001, 0x0002, 0x0010, 0x0011, 0x0020, 0x0030, 0x0040, 0x0041, 0x0050, 0x0051, 0x0052, 0x0053,
            0x0056, 0x0057, 0x0059, 0x005A, 0x005B, 0x1001}
    assert want <= codes


def test_a_contradicted_fact_fails_generation() -> None:
    data, facts, _ = golden.build_golden("key-hint")
    path = next(p for p in facts if p.endswith(".confidence"))
    wrong = {**facts, path: "1"}
    built = Built(data, "golden", "1.1", ["C2"], "required", "valid", {"generator": "test"}, expect=wrong)
    with pytest.raises(GenerationError, match="confidence"):
        expected_documents("golden/key-hint", built)


def test_every_case_on_disk_agrees_with_its_facts() -> None:
    cases = [c for c in load_cases(CASES_DIR) if c.meta.get("facts")]
    assert len([c for c in cases if c.id.startswith("golden/")]) == len(golden.GOLDEN_CASES) + len(golden.KNOWN_ANSWERS)
    for case in cases:
        assert fact_problems(load_json(case.path / "expected.json"), case.meta["facts"]) == [], case.id


def test_golden_cases_are_published() -> None:
    recipes = all_recipes()
    for name in golden.GOLDEN_CASES:
        assert f"golden/{name}" in recipes
        assert (CASES_DIR / "golden" / name / "case.yaml").is_file()


def _load_generated(path: Path, name: str) -> object:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[name]
    return module


def test_swapped_key_hint_offsets_in_spec_fail_a_golden_fact(tmp_path: Path) -> None:
    """The mutation of issue 10: Confidence and KeyState swapped in spec/blocks/key_hint.yaml."""
    spec_dir = tmp_path / "spec"
    shutil.copytree(ROOT / "spec", spec_dir)
    yaml_path = spec_dir / "blocks" / "key_hint.yaml"
    text = yaml_path.read_text()
    swapped = re.sub(r"(id: confidence,.*?offset: )0x20", r"\g<1>0x21", text)
    swapped = re.sub(r"(id: key_state,.*?offset: )0x21", r"\g<1>0x20", swapped)
    assert swapped != text
    # the swapped order of the seq list must also follow the offsets
    lines = swapped.splitlines(keepends=True)
    i = next(n for n, line in enumerate(lines) if "id: confidence," in line)
    lines[i], lines[i + 1] = lines[i + 1], lines[i]
    yaml_path.write_text("".join(lines))
    out = tmp_path / "generated"
    run_codegen(spec_dir, out)
    mutant = _load_generated(out / "python" / "blocks" / "key_hint.py", "mutant_key_hint")
    g = golden.key_hint()
    decoded = mutant.KeyHint.decode(g.payload)  # type: ignore[attr-defined]
    got = {"confidence": str(int(decoded.confidence)), "key_state": str(int(decoded.key_state))}
    want = {k: g.facts[k] for k in got}
    assert want == {"confidence": "2", "key_state": "1"}
    assert got != want, "the swapped spec still decodes the golden Key Hint as written by hand"
    # and the unmutated generated code decodes it as written by hand
    from memslice.generated.blocks import key_hint

    ok = key_hint.KeyHint.decode(g.payload)
    assert {"confidence": str(int(ok.confidence)), "key_state": str(int(ok.key_state))} == want


@pytest.mark.parametrize("name", sorted(golden.KNOWN_ANSWERS))
def test_memslice_hashes_give_the_published_known_answers(name: str) -> None:
    from memslice.integrity import digest, hasher_factory

    code = golden.HASH_ALGO_CODES[name]
    for message, want in golden.KNOWN_ANSWERS[name]:
        assert digest(message, code).hex() == want, (name, len(message))
        h = hasher_factory(code)()
        for i in range(0, len(message), 7):  # streamed in odd chunks, as the chain hashes blocks
            h.update(message[i:i + 7])
        assert h.digest().hex() == want


def test_every_hash_algo_has_a_known_answer_case() -> None:
    for name in golden.KNOWN_ANSWERS:
        case = CASES_DIR / "golden" / f"hash-{name.replace('_', '-')}"
        facts = __import__("yaml").safe_load((case / "case.yaml").read_text())["facts"]
        assert sum(1 for p in facts if p.endswith(".prev_hash")) == 4
        assert any(p.endswith(".file_hash") for p in facts)


def test_every_readable_region_case_states_runs_bytes_and_sha256() -> None:
    for case in load_cases(CASES_DIR):
        if not case.id.startswith("regions/") or load_json(case.path / "expected.json")["result"] == "rejected":
            continue
        facts = case.meta.get("facts", {})
        for suffix in ("page_states", "captured_bytes", "captured_sha256", "base_addr"):
            assert any(p.endswith(f".payload.{suffix}") for p in facts), (case.id, suffix)
