"""Sanity of the conformance corpus itself (the JSON-Schema-Test-Suite model).

Every case folder is complete and its metadata validates; every expected document
validates against the canonical-output schema; every consumer MUST has a case; every
defined block layout appears decoded in some case; the corpus is exactly what the recipes
generate (``msl conformance generate --verify``); the vocabularies of code and schemas
agree.
"""

from __future__ import annotations

import hashlib
import inspect
import json
from pathlib import Path

import pytest
from memslice.conformance import CASES_DIR
from memslice.conformance.cases import Case, CorpusError, load_case, load_cases
from memslice.conformance.generators.build import IDS_FILE, generate
from memslice.conformance.jsonschemas import problems, validator
from memslice.conformance.normalize import RESERVED_FIELD_IDS
from memslice.conformance.view import reduce_values
from memslice.conformance.vocabulary import ERROR_CLASSES, FEATURES
from memslice.generated import framing
from memslice.generated.registry import BLOCK_MODULES
from memslice.generated.rules import RULES

CASES = load_cases()
CONSUMER_MUSTS = sorted(r.id for r in RULES.values() if r.role == "consumer" and r.level == "MUST")


def test_the_corpus_is_not_empty_and_ids_are_unique() -> None:
    ids = [c.id for c in CASES]
    assert len(ids) > 100
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize("rule", CONSUMER_MUSTS)
def test_every_consumer_must_has_a_case(rule: str) -> None:
    citing = [c.id for c in CASES if rule in c.rules]
    assert citing, f"consumer MUST {rule} ({RULES[rule].text}) has no conformance case"


def test_the_numbered_consumer_musts_are_all_covered() -> None:
    """C1..C10 and every V11-C* rule, as the issue names them (a second, explicit net)."""
    wanted = [f"C{n}" for n in range(1, 11)] + sorted(r for r in RULES if r.startswith("V11-C"))
    cited = {rule for c in CASES for rule in c.rules}
    assert not [r for r in wanted if r not in cited]


def test_every_cited_rule_exists() -> None:
    unknown = sorted({(c.id, r) for c in CASES for r in c.rules if r not in RULES})
    assert not unknown


def test_every_case_folder_is_complete_and_its_input_matches_its_digest() -> None:
    for case in CASES:
        assert hashlib.sha256(case.input.read_bytes()).hexdigest() == case.meta["input_sha256"], case.id


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_expected_documents_validate_against_the_canon_schema(case: Case) -> None:
    for path in sorted(case.path.glob("expected*.json")):
        found = problems("canon", json.loads(path.read_text(encoding="utf-8")))
        assert not found, f"{path.name}: {found}"


def test_the_canon_schema_rejects_numbers_and_unknown_results() -> None:
    assert problems("canon", {"canon": "msl-canon/1", "result": "complete", "blocks": [], "x": 1})
    assert problems("canon", {"canon": "msl-canon/1", "result": "maybe", "blocks": []})
    assert not problems("canon", {"canon": "msl-canon/1", "result": "rejected", "error_class": "bad-magic"})


def test_a_case_whose_metadata_breaks_its_schema_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "area" / "name"
    folder.mkdir(parents=True)
    (folder / "input.msl").write_bytes(b"")
    (folder / "expected.json").write_text("{}")
    meta = CASES[0].path.joinpath("case.yaml").read_text(encoding="utf-8")
    meta = meta.replace(f"id: {CASES[0].id}", "id: area/name")
    (folder / "case.yaml").write_text(meta.replace(f"level: {CASES[0].level}", "level: sometimes"))
    with pytest.raises(CorpusError, match="level"):
        load_case(tmp_path, folder)


def test_a_case_id_is_its_folder(tmp_path: Path) -> None:
    source = CASES[0]
    folder = tmp_path / "other" / "place"
    folder.mkdir(parents=True)
    for f in source.path.iterdir():
        (folder / f.name).write_bytes(f.read_bytes())
    with pytest.raises(CorpusError, match="never changes"):
        load_case(tmp_path, folder)


def test_every_defined_layout_of_a_normative_dialect_is_decoded_somewhere() -> None:
    decoded: set[str] = set()
    for case in CASES:
        for path in case.path.glob("expected*.json"):
            for block in json.loads(path.read_text(encoding="utf-8")).get("blocks", []):
                if "payload" in block:
                    decoded.add(block["type"])
    missing = [m.BLOCK_ID for m in BLOCK_MODULES if m.STATUS == "defined"
               and any({"spec-1.0", "spec-1.1"} & set(c.DIALECTS) for c in m.LAYOUTS)
               and f"0x{m.BLOCK_TYPE:04x}" not in decoded]
    assert not missing


def test_both_byte_orders_and_every_codec_are_covered() -> None:
    features = {f for c in CASES if c.kind == "valid" for f in c.features}
    assert {"big-endian", "zstd", "lz4", "continuation", "extension-segments"} <= features


def test_the_corpus_is_what_the_recipes_generate() -> None:
    """``msl conformance generate --verify``: no case outdated, missing, unexpected or retired."""
    statuses = generate(CASES_DIR, verify=True)
    bad = [(s.id, s.status, s.detail) for s in statuses if s.status != "ok"]
    assert not bad


def test_the_ids_file_lists_every_case() -> None:
    listed = set((CASES_DIR / IDS_FILE).read_text(encoding="utf-8").split())
    assert {c.id for c in CASES} <= listed


def test_vocabularies_agree_with_the_schemas() -> None:
    caps = validator("capabilities").schema
    canon = validator("canon").schema
    assert set(caps["$defs"]["feature"]["enum"]) == set(FEATURES)
    assert set(canon["$defs"]["rejection"]["properties"]["error_class"]["enum"]) == set(ERROR_CLASSES)


def test_the_canon_schema_header_lists_every_header_field() -> None:
    fields = {f.id for f in framing.FileHeader.FIELDS if not f.reserved}
    assert set(validator("canon").schema["$defs"]["header"]["required"]) == fields


def _structures() -> list[type]:
    out = []
    for module in (*BLOCK_MODULES, framing):
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if hasattr(cls, "FIELDS") and cls.__module__ == module.__name__:
                out.append(cls)
    return out


def test_reserved_field_ids_are_never_data_fields() -> None:
    """normalize.py drops reserved fields by id: an id must not be reserved in one place only."""
    clash = sorted({(cls.__name__, f.id) for cls in _structures() for f in cls.FIELDS
                    if f.id in RESERVED_FIELD_IDS and not f.reserved})
    assert RESERVED_FIELD_IDS and not clash


def test_the_compared_view_never_collapses_a_structure() -> None:
    """view.reduce_values turns {value, name} into value: no structure may look like that."""
    for cls in _structures():
        keys = {f.id for f in cls.FIELDS if not f.reserved}
        sample = {k: "x" for k in keys}
        assert reduce_values(sample) == sample, cls.__name__
