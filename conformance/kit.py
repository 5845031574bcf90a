"""The conformance kit a third party pins: ``msl conformance copy DIR``.

A copy is self-contained: the selected cases, ``cases/IDS``, ``cases.json`` (an index of
every copied case, so that no YAML parser is needed), ``rules.json`` (every rule id the
cases and the contract cite, with its text), the ``spec/*.yaml`` files the contract cites,
the JSON Schemas, ``contract.md`` and ``STAMP.json`` (contract and canon versions, the
memslice version and the git commit the corpus was copied from).
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import stat
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from memslice.conformance import CONTRACT_VERSION, PACKAGE_DIR
from memslice.conformance.cases import EXPECTED, Case, load_json
from memslice.conformance.generators.build import IDS_FILE
from memslice.generated.rules import RULES

from memslice.atomic_output import write_file
from memslice.errors import MslError

STAMP = "STAMP.json"
INDEX = "cases.json"
RULES_FILE = "rules.json"
SPEC_FILES = ("format.yaml", "enums.yaml", "rules.yaml", "dialects.yaml", "errata.yaml", "README.md")
"""Files of ``spec/`` the contract cites (and ``spec/blocks/*.yaml``)."""


class KitError(MslError):
    """The kit cannot be written (destination not empty, source missing)."""


def _commit(source: Path) -> dict[str, Any]:
    """The git commit of ``source`` and whether the tree differs from it (None outside git)."""
    try:
        head = subprocess.run(["git", "-C", str(source), "rev-parse", "HEAD"], capture_output=True, text=True,
                              timeout=10, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(source), "status", "--porcelain", "--", "."], capture_output=True,
                               text=True, timeout=30, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}
    return {"commit": head, "dirty": bool(dirty)}


def index_entry(case: Case) -> dict[str, Any]:
    """One ``cases.json`` entry: everything ``case.yaml`` says, plus the expected verdict."""
    expected = load_json(case.path / EXPECTED)
    entry: dict[str, Any] = {
        "id": case.id, "spec": case.spec, "level": case.level, "kind": case.kind, "rules": case.rules,
        "features": case.features, "dialect": case.dialect, "description": case.meta["description"],
        "input": f"cases/{case.id}/input.msl", "input_sha256": case.meta["input_sha256"],
        "expected": f"cases/{case.id}/{EXPECTED}", "result": expected.get("result"),
        "alternatives": [{"feature": a.feature, "expected": f"cases/{case.id}/{a.expected}", "note": a.note}
                         for a in case.alternatives],
    }
    if expected.get("result") == "rejected":
        entry["error_class"] = expected.get("error_class")
        entry["rule"] = expected.get("rule")
    if case.meta.get("facts"):
        entry["facts"] = case.meta["facts"]
    return entry


def write_kit(target: Path, cases: Sequence[Case], corpus: Path, spec_dir: Path | None) -> dict[str, Any]:
    """Copy ``cases`` and everything needed to use them without memslice into ``target``.

    Args:
        target: An absent or empty folder.
        cases: The cases to copy.
        corpus: Their corpus root (for ``IDS``).
        spec_dir: The ``spec/`` folder, or None when it is not installed.

    Returns:
        The stamp written to ``STAMP.json``.

    Raises:
        KitError: ``target`` exists and is not empty.
    """
    why = _usable_target(target)
    if why is not None:
        raise KitError(why)
    # everything below is created inside the 0700 folder just checked: nobody else can plant there
    for case in cases:
        folder = target
        for part in ("cases", *Path(case.id).parts[:-1]):
            folder = folder / part
            if not folder.is_dir():
                os.mkdir(folder, 0o700)
        _copy_tree(case.path, folder / Path(case.id).name)
    if not (target / "cases").is_dir():
        os.mkdir(target / "cases", 0o700)
    if (corpus / IDS_FILE).is_file():
        write_file(target / "cases" / IDS_FILE, (corpus / IDS_FILE).read_bytes(), force=False)
    _copy_tree(PACKAGE_DIR / "schemas", target / "schemas")
    write_file(target / "contract.md", (PACKAGE_DIR / "contract.md").read_bytes(), force=False)
    write_file(target / "README-suite.md", (PACKAGE_DIR / "README.md").read_bytes(), force=False)
    if spec_dir is not None and spec_dir.is_dir():
        os.mkdir(target / "spec", 0o700)
        os.mkdir(target / "spec" / "blocks", 0o700)
        for name in SPEC_FILES:
            if (spec_dir / name).is_file():
                write_file(target / "spec" / name, (spec_dir / name).read_bytes(), force=False)
        for path in sorted((spec_dir / "blocks").glob("*.yaml")):
            write_file(target / "spec" / "blocks" / path.name, path.read_bytes(), force=False)
    cited = sorted({r for c in cases for r in c.rules} | {str(index_entry(c).get("rule")) for c in cases} - {"None"})
    rules = {rid: {"level": RULES[rid].level, "role": RULES[rid].role, "since": RULES[rid].since,
                   "spec": RULES[rid].spec, "text": RULES[rid].text, "cited": rid in cited} for rid in RULES}
    _write(target / RULES_FILE, rules)
    _write(target / INDEX, [index_entry(c) for c in cases])
    try:
        version = importlib.metadata.version("memslice")
    except importlib.metadata.PackageNotFoundError:
        version = None
    stamp = {"contract": CONTRACT_VERSION, "canon": "msl-canon/1", "memslice": version, **_commit(PACKAGE_DIR),
             "cases": len(cases), "rules_cited": [r for r in cited if r in RULES],
             "unknown_rules": [r for r in cited if r not in RULES],
             "spec_files": spec_dir is not None and spec_dir.is_dir()}
    _write(target / STAMP, stamp)
    return stamp


def _write(path: Path, data: Any) -> None:
    write_file(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n", force=False)


def _usable_target(target: Path) -> str | None:
    """Create ``target`` (0700), or accept an empty folder only this user can write; else why not."""
    try:
        target.mkdir(mode=0o700, parents=True)
        return None
    except FileExistsError:
        pass
    st = target.lstat()
    if not stat.S_ISDIR(st.st_mode):
        return f"{target} exists and is not a directory"
    if any(target.iterdir()):
        return f"{target} exists and is not empty"
    if st.st_uid != os.geteuid() or st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return f"{target} is writable by other users; give a new folder"
    return None


def _copy_tree(src: Path, dst: Path) -> None:
    """Copy a folder of regular files into the new folder ``dst`` (0700), files 0600, links skipped."""
    os.mkdir(dst, 0o700)
    for entry in sorted(src.iterdir()):
        if entry.is_symlink() or entry.name.endswith(".partial") or entry.name == "__pycache__":
            continue
        if entry.is_dir():
            _copy_tree(entry, dst / entry.name)
        elif entry.is_file():
            write_file(dst / entry.name, entry.read_bytes(), force=False)
