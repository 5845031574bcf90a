"""The lifecycle of spec items: ``status`` (draft, defined, reserved, withdrawn) and ``since``.

:func:`check_lifecycle` keeps the YAML consistent with itself when a type moves from
reserved to defined (no layout on a reserved type, no rule or prose still calling a defined
type reserved, ``since`` naming a version ``format.yaml`` declares); :func:`prune_drafts`
leaves drafts out of the model unless ``msl codegen --drafts`` asked for them.
"""

from __future__ import annotations

import re

from memslice.codegen.errors import SpecError
from memslice.codegen.model import Spec, Struct

_CODE_RANGE = re.compile(r"0x([0-9A-Fa-f]{1,4})(?:\s*(?:-|\u2013|to)\s*0x([0-9A-Fa-f]{1,4}))?")
_RESERVED_PROSE = re.compile(
    r"MUST NOT emit|MUST NOT be emitted|\breserves it\b|defines no payload|until a payload is defined|"
    r"no payload is defined|type is reserved", re.IGNORECASE)
_SPECREF_VERSION = re.compile(r"^(\d+\.\d+):")


def _known_since(spec: Spec) -> dict[str, str]:
    known = {v.id.lower(): v.id for v in spec.versions}
    known.update({d.id.lower(): d.id for d in spec.dialects})
    return known


def _structs(spec: Spec) -> list[Struct]:
    return [*spec.types.values(), *(s for b in spec.blocks for s in [*b.layouts, *b.types.values()])]


def check_lifecycle(spec: Spec) -> list[SpecError]:
    """Statuses, ``since`` values and the prose and rules that must agree with them.

    Args:
        spec: The model, drafts included.

    Returns:
        Every inconsistency, each saying what to change.
    """
    problems: list[SpecError] = []
    known = _known_since(spec)
    versions = {v.id for v in spec.versions}

    def since(where: str, value: str | None) -> None:
        if value is not None and value.lower() not in known:
            problems.append(SpecError(where, (
                f"since {value!r} is neither a version format.yaml declares ({', '.join(sorted(versions))}) nor a "
                f"dialect ({', '.join(d.id for d in spec.dialects)}); declare the version in format.yaml first")))

    def specref(where: str, ref: str) -> None:
        m = _SPECREF_VERSION.match(ref)
        if m and m.group(1) not in versions:
            problems.append(SpecError(where, (
                f"spec reference {ref!r} names version {m.group(1)}, which format.yaml does not declare "
                f"(declared: {', '.join(sorted(versions))})")))

    served = spec.version_dialects()
    for i, v in enumerate(spec.versions):
        if v.id not in served:
            problems.append(SpecError(f"format.yaml:versions[{i}]", (
                f"version {v.id} (0x{v.value:04X}) is written by no dialect; add one to dialects.yaml "
                f"(e.g. 'extends: {spec.default_write}' with 'versions: [0x{v.value:04X}]')")))
    if spec.default_version() is None:
        problems.append(SpecError("dialects.yaml:default_write", (
            f"default_write {spec.default_write!r} is not the first dialect of any version in format.yaml")))
    for block in spec.blocks:
        since(block.path + ":since", block.since)
        specref(block.path + ":spec", block.spec)
        live = [lay for lay in block.layouts if lay.status != "withdrawn"]
        if block.status == "reserved" and block.layouts:
            problems.append(SpecError(block.path + ":status", (
                f"block type 0x{block.code:04X} is {block.status} but has {len(block.layouts)} layout(s): set "
                "'status: defined' (or 'draft') to define it, or remove the layouts")))
        if block.status in ("defined", "draft") and live:
            m = _RESERVED_PROSE.search(block.doc)
            if m:
                problems.append(SpecError(block.path + ":doc", (
                    f"block type 0x{block.code:04X} is {block.status}, but its doc still says {m.group(0)!r}; "
                    "rewrite the doc to describe the defined payload")))
        if block.status == "draft" and any(lay.status != "draft" for lay in block.layouts):
            problems.append(SpecError(block.path + ":status", (
                "a draft block type can only have draft layouts; mark its layouts 'status: draft' or the block "
                "'status: defined'")))
        for i, lay in enumerate(block.layouts):
            since(lay.path + ".since", lay.since)
            if lay.since in served and served[lay.since] not in lay.dialects:
                problems.append(SpecError(lay.path + ".since", (
                    f"layout {lay.id} is since {lay.since}, but it does not serve dialect {served[lay.since]} "
                    f"(which writes {lay.since}); list that dialect, or correct since")))
            if lay.status == "draft" and block.status == "defined" and i == 0:
                problems.append(SpecError(lay.path + ".status", (
                    "the first layout of a defined block type cannot be a draft: the default bindings would "
                    "have none")))
    for struct in _structs(spec):
        specref(struct.path + ".spec", struct.spec)
        draft_seen = None
        for f in struct.seq:
            since(f.path + ".since", f.since)
            specref(f.path + ".spec", f.spec)
            if f.status == "draft":
                draft_seen = draft_seen or f
            elif draft_seen is not None:
                problems.append(SpecError(draft_seen.path + ".status", (
                    f"draft field {draft_seen.id!r} is followed by field {f.id!r}, which is not a draft; drafts "
                    "are left out of the default bindings, so they must come last")))
                draft_seen = None
    for enum in spec.enums.values():
        reserved_ranges = [(int(a, 16), int(b or a, 16)) for a, b in _CODE_RANGE.findall(enum.doc)] \
            if re.search(r"\breserved\b", enum.doc, re.IGNORECASE) else []
        for v in enum.values:
            since(v.path + ".since", v.since)
            if v.status in ("defined", "draft"):
                for lo, hi in reserved_ranges:
                    if lo <= v.value <= hi and lo != hi:
                        problems.append(SpecError(enum.path + ".doc", (
                            f"enum {enum.id}: the doc says 0x{lo:04X}-0x{hi:04X} are reserved, but value "
                            f"0x{v.value:04X} ({v.id}) is {v.status}; narrow the reserved range in the doc")))
    for fs in spec.flags.values():
        for bit in fs.bits:
            since(f"flags.{fs.id}.{bit.id}.since", bit.since)
    for rule in spec.rules.values():
        since(rule.path + ".since", rule.since)
        specref(rule.path + ".spec", rule.spec)
        if not re.search(r"\breserved\b", rule.text, re.IGNORECASE):
            continue
        for a, b in _CODE_RANGE.findall(rule.text):
            lo, hi = int(a, 16), int(b or a, 16)
            for block in spec.blocks:
                if lo <= block.code <= hi and block.status in ("defined", "draft") and block.layouts:
                    problems.append(SpecError(rule.path + ".text", (
                        f"rule {rule.id} says {_range(lo, hi)} reserved, but {block.path} gives 0x{block.code:04X} "
                        f"({block.title}) a {block.status} layout; change the rule's text to leave it out")))
    return problems


def _range(lo: int, hi: int) -> str:
    return f"0x{lo:04X}-0x{hi:04X} are" if hi != lo else f"0x{lo:04X} is"


def prune_drafts(spec: Spec) -> None:
    """Leave every ``status: draft`` item out of ``spec`` (in place): blocks, layouts, fields, enum values."""
    spec.blocks = [b for b in spec.blocks if b.status != "draft"]
    for b in spec.blocks:
        b.layouts = [lay for lay in b.layouts if lay.status != "draft"]
    for struct in _structs(spec):
        struct.seq = [f for f in struct.seq if f.status != "draft"]
    for enum in spec.enums.values():
        enum.values = [v for v in enum.values if v.status != "draft"]
