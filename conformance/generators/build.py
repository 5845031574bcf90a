"""Turn recipes into case folders, or check that the folders are what the recipes make.

``generate(root)`` writes every case; ``generate(root, verify=True)`` writes nothing and
reports each case as ``ok``, ``outdated`` (a file differs), ``missing`` (no folder),
``unexpected`` (a folder no recipe makes) or ``retired`` (an id of ``IDS`` that no recipe
makes any more: ids are never renamed or dropped).
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from memslice.conformance.cases import EXPECTED, INPUT, META
from memslice.conformance.generators import Built, all_recipes
from memslice.conformance.normalize import contract_document, rejection
from memslice.conformance.view import reduce_values
from memslice.conformance.vocabulary import EXIT_ACCEPT, REJECTION_RULES
from memslice.generated import framing
from memslice.generated.dialects import VERSIONS
from memslice.generated.enums import Endianness

from memslice.atomic_output import write_file
from memslice.canon import dumps
from memslice.errors import MslError
from memslice.reader import MslReader

IDS_FILE = "IDS"
"""Append-only list of every case id ever published, one per line, in the corpus root."""


class GenerationError(MslError):
    """A recipe's output contradicts what the recipe says the spec requires."""


@dataclass
class CaseStatus:
    """Outcome of generating or verifying one case."""

    id: str
    status: str
    detail: str = ""


def reference_document(data: bytes, dialect: str = "auto",
                       secret: tuple[str, bytes] | None = None) -> tuple[int, dict[str, Any]]:
    """What the reference adapter prints for ``data`` (status, document), in process."""
    options = {secret[0]: secret[1].decode() if secret[0] == "passphrase" else secret[1]} if secret else {}
    try:
        reader = MslReader(data, dialect=dialect, **options)
    except MslError as exc:
        return 1, rejection(exc, in_header=True)
    with reader:
        try:
            status, doc = contract_document(reader)
        except MslError as exc:
            return 1, rejection(exc)
    if isinstance(doc.get("error"), dict):
        doc["error"].pop("message", None)  # wording is not part of the contract
    return status, doc


def lookup(doc: Any, path: str) -> Any:
    """Follow a dotted path (``blocks.2.skipped``; ``#`` = length of a list)."""
    node = doc
    for part in path.split("."):
        if part == "#":
            return len(node)
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def fact_problems(doc: Any, facts: dict[str, Any]) -> list[str]:
    """The facts ``doc`` contradicts, one line each (empty when it shows all of them).

    An enumeration or flag set is compared by its ``value`` string (``view.reduce_values``),
    so a fact states ``"5"`` for ``{"value": "5", "name": "..."}``.
    """
    out = []
    for path, want in facts.items():
        try:
            got = reduce_values(lookup(doc, path))
        except (KeyError, IndexError, TypeError, ValueError):
            got = "<absent>"
        if got != want:
            out.append(f"{path} is {got!r}; the recipe says {want!r}")
    return out


def expected_documents(case_id: str, built: Built) -> dict[str, dict[str, Any]]:
    """File name -> expected document for one recipe's output.

    Raises:
        GenerationError: The reference document contradicts the recipe's ``expect`` facts
            or rejects a file the recipe says is readable.
    """
    docs: dict[str, dict[str, Any]] = {}
    if built.reject:
        docs[EXPECTED] = {"canon": "msl-canon/1", "result": "rejected", "error_class": built.reject,
                          "rule": built.reject_rule or REJECTION_RULES[built.reject]}
    else:
        status, doc = reference_document(built.data, built.read_as, built.secret)
        if status != EXIT_ACCEPT:
            raise GenerationError(f"{case_id}: the reference reader rejects the file ({doc.get('error_class')}: "
                                  f"{doc.get('message')}) but the recipe expects it to be read")
        wrong = fact_problems(doc, built.expect)
        if wrong:
            raise GenerationError(f"{case_id}: the reference document contradicts the recipe: {'; '.join(wrong)}")
        docs[EXPECTED] = doc
    for alt in built.alternatives:
        _status, doc = reference_document(built.data, alt.dialect, built.secret)
        docs[f"expected.{alt.feature}.json"] = doc
    return docs


def case_meta(case_id: str, built: Built) -> dict[str, Any]:
    """The ``case.yaml`` content of one recipe's output."""
    meta: dict[str, Any] = {"id": case_id, "description": built.description, "spec": built.spec,
                            "rules": list(built.rules), "level": built.level, "kind": built.kind,
                            "features": list(built.features)}
    if built.dialect:
        meta["dialect"] = built.dialect
    meta["origin"] = dict(built.origin)
    meta["input_sha256"] = hashlib.sha256(built.data).hexdigest()
    if built.alternatives:
        meta["alternatives"] = [{"feature": a.feature, "expected": f"expected.{a.feature}.json", "note": a.note}
                                for a in built.alternatives]
    if built.notes:
        meta["notes"] = built.notes
    if built.expect and not built.reject:
        meta["facts"] = dict(built.expect)
    if built.secret:
        meta["secret"] = {"kind": built.secret[0], "file": SECRET_FILES[built.secret[0]]}
    return meta


SECRET_FILES = {"key": "secret.key", "passphrase": "secret.passphrase", "identity": "secret.identity"}
"""Secret kind -> its file in the case folder."""


_SPEC_OF_VERSION = {value: version_id for version_id, value in VERSIONS.items()}
_BYTE_ORDER = {Endianness.LITTLE: "little", Endianness.BIG: "big"}
_HEADER = {f.id: f for f in framing.FileHeader.FIELDS}


def _check_spec(case_id: str, built: Built) -> None:
    """A case tagged with a format version must hold a file of that version (when it says one)."""
    magic, order, version_at = _HEADER["magic"], _HEADER["endianness"], _HEADER["version"]
    data = built.data
    if len(data) < version_at.offset + version_at.size or data[:magic.size] != framing.FILE_MAGIC \
            or data[order.offset] not in _BYTE_ORDER:
        return
    version = int.from_bytes(data[version_at.offset:version_at.offset + version_at.size],
                             _BYTE_ORDER[data[order.offset]])  # type: ignore[arg-type]
    said = _SPEC_OF_VERSION.get(version)
    if said is not None and said != built.spec:
        raise GenerationError(f"{case_id}: tagged spec {built.spec} but the file's Version is 0x{version:04X}")


def render_case(case_id: str, built: Built) -> dict[str, bytes]:
    """File name -> bytes of one case folder."""
    _check_spec(case_id, built)
    files = {INPUT: built.data,
             META: yaml.safe_dump(case_meta(case_id, built), sort_keys=False, allow_unicode=True, width=110).encode()}
    for name, doc in expected_documents(case_id, built).items():
        files[name] = dumps(doc).encode("utf-8")
    if built.secret:
        files[SECRET_FILES[built.secret[0]]] = built.secret[1]
    return files


def _write_atomic(path: Path, data: bytes) -> None:
    """Replace one corpus file (regenerating the corpus rewrites it by design)."""
    write_file(path, data, force=True)


def _existing(root: Path) -> set[str]:
    return {p.parent.relative_to(root).as_posix() for p in root.glob(f"*/*/{META}")}


def _ids(root: Path) -> list[str]:
    path = root / IDS_FILE
    if not path.is_file():
        return []
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def generate(root: Path, *, verify: bool = False, select: Iterable[str] | None = None,
             progress: Callable[[str], None] | None = None) -> list[CaseStatus]:
    """Write the corpus under ``root`` or check it.

    Args:
        root: Corpus root (``conformance/cases``).
        verify: Only compare; write nothing.
        select: Case ids to handle (default: every recipe).
        progress: Called with each case id before it is built.

    Returns:
        One status per case, plus ``unexpected`` and ``retired`` entries.
    """
    recipes = all_recipes()
    wanted = list(recipes) if select is None else [c for c in select if c in recipes]
    out: list[CaseStatus] = []
    for case_id in wanted:
        if progress is not None:
            progress(case_id)
        try:
            files = render_case(case_id, recipes[case_id](case_id))
        except MslError as exc:
            out.append(CaseStatus(case_id, "error", str(exc)))
            continue
        folder = root / case_id
        if verify:
            out.append(_compare(case_id, folder, files))
            continue
        folder.mkdir(parents=True, exist_ok=True)
        for stale in set(p.name for p in folder.iterdir()) - set(files):
            (folder / stale).unlink()
        for name, data in files.items():
            if not (folder / name).is_file() or (folder / name).read_bytes() != data:
                _write_atomic(folder / name, data)
        out.append(CaseStatus(case_id, "written"))
    if select is None:
        for case_id in sorted(_existing(root) - set(recipes)):
            out.append(CaseStatus(case_id, "unexpected", "a case folder that no recipe makes"))
            if not verify:
                shutil.rmtree(root / case_id)
        published = _ids(root)
        for case_id in published:
            if case_id not in recipes:
                out.append(CaseStatus(case_id, "retired", f"listed in {IDS_FILE} but no recipe makes it"))
        if not verify:
            ids = sorted(set(published) | set(recipes))
            _write_atomic(root / IDS_FILE, ("\n".join(ids) + "\n").encode())
        elif sorted(set(published) | set(recipes)) != published:
            new = sorted(set(recipes) - set(published))
            out.append(CaseStatus(IDS_FILE, "outdated", f"ids not yet listed: {', '.join(new)}"))
    return out


def _compare(case_id: str, folder: Path, files: dict[str, bytes]) -> CaseStatus:
    if not folder.is_dir():
        return CaseStatus(case_id, "missing", "no case folder")
    on_disk = {p.name for p in folder.iterdir() if p.is_file()}
    differ = sorted(name for name, data in files.items()
                    if name not in on_disk or (folder / name).read_bytes() != data)
    extra = sorted(on_disk - set(files))
    if differ or extra:
        detail = ", ".join([*(f"{n} differs" for n in differ), *(f"{n} is not generated" for n in extra)])
        return CaseStatus(case_id, "outdated", detail)
    return CaseStatus(case_id, "ok")
