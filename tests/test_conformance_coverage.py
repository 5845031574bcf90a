"""Corpus coverage per layout, payload version and enum value (conformance/coverage.py)."""

from __future__ import annotations

import json
from pathlib import Path

from memslice.conformance.coverage import corpus_coverage
from memslice.generated.blocks import process_identity
from memslice.generated.enums import ENUM_NAMES


def _case(root: Path, case_id: str, doc: dict) -> None:  # type: ignore[type-arg]
    folder = root / case_id
    folder.mkdir(parents=True)
    (folder / "expected.json").write_text(json.dumps(doc))


def test_coverage_counts_decoded_blocks_and_named_values(tmp_path: Path) -> None:
    block = {"type": f"0x{process_identity.BLOCK_TYPE:04x}", "payload_version": "1", "payload": {"ppid": "1"},
             "type_name": "process_identity"}
    _case(tmp_path, "a/one", {"dialect": "spec-1.1", "header": {"arch_type": {"name": "x86_64", "value": "1"}},
                              "blocks": [block]})
    # skipped payloads and unknown payload versions do not count
    _case(tmp_path, "a/two", {"dialect": "spec-1.1", "blocks": [
        {**block, "type": "0x0020", "payload": None}, {**block, "payload_version": "7"}]})
    cov = corpus_coverage(tmp_path)
    assert ("process_identity", "process_identity", 1) in cov.layouts
    assert ("key_hint", "key_hint", 1) in cov.missing_layouts
    assert ("arch_type", "x86_64") in cov.enum_values
    assert ("arch_type", "x86") in cov.missing_enum_values
    total = sum(len(v) for k, v in ENUM_NAMES.items() if k != "block_type")
    assert len(cov.enum_values) + len(cov.missing_enum_values) == total
    lines = cov.lines()
    assert lines[0].startswith("coverage: 1 of ") and "1 of " in lines[0]
    assert any(line.startswith("missing    layout key_hint/key_hint payload version 1") for line in lines)
    assert any(line.startswith("missing    enum arch_type: x86, ") for line in lines)
    assert any("enum os_type: no case shows any of its" in line for line in lines)
