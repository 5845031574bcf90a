"""The corpus on disk: one folder per case, ``cases/<area>/<name>/``.

Each folder holds ``input.msl``, ``expected.json`` (optionally ``expected.<feature>.json``
alternatives) and ``case.yaml`` (``schemas/case.schema.json``). The case id is the folder
path relative to the corpus root and is never renamed.
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from memslice.conformance import CASES_DIR
from memslice.conformance.jsonschemas import problems

from memslice.errors import MslError

INPUT = "input.msl"
EXPECTED = "expected.json"
META = "case.yaml"


class CorpusError(MslError):
    """The corpus on disk is malformed (missing file, metadata breaking its schema)."""


@dataclass(frozen=True)
class Alternative:
    """An expected document for adapters that declare ``feature``."""

    feature: str
    expected: str
    note: str


@dataclass(frozen=True)
class Case:
    """One conformance case.

    Attributes:
        id: Stable id, ``<area>/<name>``.
        path: Its folder.
        meta: The parsed ``case.yaml``.
    """

    id: str
    path: Path
    meta: dict[str, Any] = field(repr=False, compare=False)

    @property
    def input(self) -> Path:
        """The capture to read."""
        return self.path / INPUT

    @property
    def secret_args(self) -> list[str]:
        """``read`` options giving an encrypted input's secret file (empty for plain inputs)."""
        secret = self.meta.get("secret")
        if not secret:
            return []
        option = {"key": "--key-file", "passphrase": "--passphrase-file", "identity": "--identity"}[secret["kind"]]
        return [option, str(self.path / secret["file"])]

    @property
    def level(self) -> str:
        """``required``, ``recommended`` or ``optional``."""
        return str(self.meta["level"])

    @property
    def kind(self) -> str:
        """``valid``, ``invalid`` or ``truncated``."""
        return str(self.meta["kind"])

    @property
    def spec(self) -> str:
        """Format version the case belongs to."""
        return str(self.meta["spec"])

    @property
    def rules(self) -> list[str]:
        """Rule ids it exercises."""
        return list(self.meta["rules"])

    @property
    def features(self) -> list[str]:
        """Features an adapter needs for the case to run."""
        return list(self.meta.get("features", []))

    @property
    def dialect(self) -> str | None:
        """Dialect of the input, when it is not the one its Version implies."""
        return self.meta.get("dialect")

    @property
    def alternatives(self) -> list[Alternative]:
        """Feature-specific expectations, first match wins."""
        return [Alternative(**a) for a in self.meta.get("alternatives", [])]

    def expected_for(self, features: Iterable[str]) -> tuple[str, dict[str, Any]]:
        """The expected document for an adapter with ``features`` and its file name."""
        have = set(features)
        name = next((a.expected for a in self.alternatives if a.feature in have), EXPECTED)
        return name, load_json(self.path / name)


def load_json(path: Path) -> Any:
    """Parse a JSON file of the corpus."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CorpusError(f"{path}: {exc}") from None


def load_case(root: Path, folder: Path) -> Case:
    """Load and check one case folder.

    Raises:
        CorpusError: A file is missing or ``case.yaml`` breaks its schema or names
            another id than its folder.
    """
    case_id = folder.relative_to(root).as_posix()
    try:
        meta = yaml.safe_load((folder / META).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CorpusError(f"{case_id}: {META}: {exc}") from None
    found = problems("case", meta)
    if found:
        raise CorpusError(f"{case_id}: {META}: {'; '.join(found)}")
    if meta["id"] != case_id:
        raise CorpusError(f"{case_id}: {META} says id {meta['id']!r}; a case id is its folder and never changes")
    for name in (INPUT, EXPECTED, *(a["expected"] for a in meta.get("alternatives", []))):
        if not (folder / name).is_file():
            raise CorpusError(f"{case_id}: {name} is missing")
    return Case(case_id, folder, meta)


def load_cases(root: Path = CASES_DIR) -> list[Case]:
    """Every case under ``root``, sorted by id."""
    folders = sorted(p.parent for p in root.glob(f"*/*/{META}"))
    return [load_case(root, folder) for folder in folders]


def select(cases: Sequence[Case], run: Sequence[str] = (), skip: Sequence[str] = (),
           spec: str | None = None) -> list[Case]:
    """Filter cases by id globs (``--run`` keeps, ``--skip`` drops) and format version."""
    out = []
    for case in cases:
        if run and not any(fnmatch.fnmatchcase(case.id, pattern) for pattern in run):
            continue
        if any(fnmatch.fnmatchcase(case.id, pattern) for pattern in skip):
            continue
        if spec is not None and case.spec != spec:
            continue
        out.append(case)
    return out
