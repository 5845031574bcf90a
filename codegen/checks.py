"""Semantic checks of the model: references, expressions, offsets and alignment.

The loader calls :func:`check_spec`; every problem names its YAML path.
"""

from __future__ import annotations

import re

from memslice.codegen.errors import SpecError
from memslice.codegen.lifecycle import check_lifecycle, prune_drafts
from memslice.codegen.model import FIXED_SIZES, INT_SIZES, BlockType, Field, Spec, Struct

__all__ = ["check_identities", "check_lifecycle", "check_spec", "prune_drafts"]

_ROLES = {"page_state_map", "page_data", "file_hash", "uuid_ref", "dump_uuid_ref"}
_ERRATUM_ID = re.compile(r"(?<![\w.])([ED]\d+)(?!\w)")


def _check_cap_bits(spec: Spec) -> list[SpecError]:
    """Block <-> capability bit is stated twice (a block's ``cap_bit:``, a bit's ``blocks:``): both must agree.

    Every block with a ``cap_bit:`` must be listed in that bit's ``blocks:``, and every code a
    bit lists that has a block file must name that bit as its ``cap_bit:``.
    """
    if "cap_bitmap" not in spec.flags:
        return []
    problems: list[SpecError] = []
    listed = {b.id: set(b.blocks) for b in spec.flags["cap_bitmap"].bits}
    for block in spec.blocks:
        if block.cap_bit and block.cap_bit in listed and block.code not in listed[block.cap_bit]:
            problems.append(SpecError(block.path + ":cap_bit", (
                f"block 0x{block.code:04X} names capability bit {block.cap_bit!r}, but that bit's blocks: in "
                f"enums.yaml do not list 0x{block.code:04X}")))
    for bit_id, codes in listed.items():
        for code in sorted(codes):
            for block in (b for b in spec.blocks if b.code == code):
                if block.cap_bit != bit_id:
                    problems.append(SpecError(f"enums.yaml:flags.cap_bitmap.{bit_id}.blocks", (
                        f"lists block 0x{code:04X}, but {block.path} names capability bit {block.cap_bit!r}")))
    return problems


def check_spec(spec: Spec) -> list[SpecError]:
    """Check the whole model.

    Args:
        spec: The freshly built model.

    Returns:
        Every problem found (empty when the spec is sound).
    """
    problems: list[SpecError] = []
    dialect_ids = {d.id for d in spec.dialects}
    if spec.default_write not in dialect_ids:
        problems.append(SpecError("dialects.yaml:default_write", f"unknown dialect {spec.default_write!r}"))
    cap_bits = {b.id for b in spec.flags["cap_bitmap"].bits} if "cap_bitmap" in spec.flags else set()
    block_ids = {b.id for b in spec.blocks}
    problems += _check_cap_bits(spec)
    seen_ids: set[str] = set()
    claimed: dict[tuple[int, str], str] = {}
    for block in spec.blocks:
        where = block.path
        if block.id in seen_ids:
            problems.append(SpecError(where, f"block id {block.id!r} defined twice"))
        seen_ids.add(block.id)
        if block.cap_bit and block.cap_bit not in cap_bits:
            problems.append(SpecError(where + ":cap_bit", f"unknown capability bit {block.cap_bit!r}"))
        if block.parent and block.parent not in block_ids:
            problems.append(SpecError(where + ":parent", f"unknown block {block.parent!r}"))
        if block.status == "defined" and not block.layouts:
            problems.append(SpecError(where, "a defined block type needs at least one layout"))
        for layout in block.layouts:
            for d in layout.dialects:
                if d not in dialect_ids:
                    problems.append(SpecError(layout.path + ".dialects", f"unknown dialect {d!r}"))
                for pv in layout.payload_versions:
                    key = (block.code, d, pv)
                    other = claimed.get(key)  # type: ignore[arg-type]
                    if other:
                        problems.append(SpecError(layout.path, (
                            f"code 0x{block.code:04X}, dialect {d}, payload version {pv} is already "
                            f"served by layout {other}")))
                    claimed[key] = layout.id  # type: ignore[index]
        structs = {**spec.types, **block.types}
        for struct in [*block.layouts, *block.types.values()]:
            problems += _check_struct(spec, struct, structs)
    for struct in spec.types.values():
        problems += _check_struct(spec, struct, spec.types)
    problems += _check_errata(spec)
    problems += check_identities(spec)
    problems += check_lifecycle(spec)
    for fs in spec.flags.values():
        used = 0
        for bit in fs.bits:
            if used & bit.mask:
                problems.append(SpecError(f"flags.{fs.id}.{bit.id}", "overlaps another bit"))
            used |= bit.mask
            if bit.enum and bit.enum not in spec.enums:
                problems.append(SpecError(f"flags.{fs.id}.{bit.id}", f"unknown enum {bit.enum!r}"))
    return problems


def _check_struct(spec: Spec, struct: Struct, structs: dict[str, Struct]) -> list[SpecError]:
    problems: list[SpecError] = []
    known: set[str] = set(struct.instances)
    offset: int | None = 0
    phase: int | None = 0  # the current position modulo 8 (known even when the offset is not)
    ended = False
    seen_tail = False
    for f in struct.seq:
        if ended:
            problems.append(SpecError(f.path, "field follows a field that takes the rest of the payload"))
        if seen_tail and not f.optional_tail:
            problems.append(SpecError(f.path, "a required field cannot follow an optional tail field"))
        seen_tail = seen_tail or f.optional_tail
        problems += _check_refs(spec, f, known, structs)
        # offsets
        if f.offset_doc is not None:
            if offset is None:
                problems.append(SpecError(f.path + ".offset", (
                    f"documented offset 0x{f.offset_doc:X} but the computed offset depends on earlier data")))
            elif offset != f.offset_doc:
                problems.append(SpecError(f.path + ".offset", (
                    f"documented offset 0x{f.offset_doc:X} but the fields before it add up to 0x{offset:X}")))
        f.offset = offset
        # alignment: fixed fields on their natural boundary (max 8), variable fields on 8
        natural = min(FIXED_SIZES.get(f.type, 8), 8)
        if f.type in ("bytes", "str") and f.fixed_size is not None and f.pad is None:
            natural = 1
        if f.type in INT_SIZES or f.type in ("uuid", "hash"):
            natural = min(FIXED_SIZES[f.type], 8)
        misaligned = natural > 1 and (phase is None or phase % natural != 0)
        if misaligned and f.erratum is None and struct.packed is None:
            where = f"0x{offset:X}" if offset is not None else "an offset that is not a multiple of 8"
            problems.append(SpecError(f.path, (
                f"field {f.id!r} ({f.type}) sits at {where}, breaking the 8-byte alignment promise "
                "(spec 1.3); mark a known erratum with 'erratum: {id, reason}' or the structure as packed")))
        # advance
        size = f.fixed_size
        if f.size_eos:
            ended = True
        if size is not None:
            if offset is not None:
                offset += size
            phase = None if phase is None else (phase + size) % 8
        else:
            offset = None
            padded = f.pad == 8 or _size_is_padded(f) or (f.type not in ("bytes", "str") and f.type in structs
                                    and _struct_keeps_alignment(structs[f.type]))
            phase = phase if padded else None
        known.add(f.id)
    if struct.size is not None and struct.fixed_size != struct.size:
        problems.append(SpecError(struct.path + ".size", (
            f"declared size {struct.size} but the fields add up to {struct.fixed_size}")))
    for inst in struct.instances.values():
        unknown = inst.value.names - {f.id for f in struct.seq} - set(struct.instances)
        if unknown:
            problems.append(SpecError(f"{struct.path}.instances.{inst.id}", f"unknown names {sorted(unknown)}"))
    return problems


def _size_is_padded(f: Field) -> bool:
    return f.size is not None and f.size.source.replace(" ", "").startswith("pad8(") and f.size.source.endswith(")")


def _struct_keeps_alignment(struct: Struct) -> bool:
    size = struct.fixed_size
    if size is not None:
        return size % 8 == 0
    return struct.packed is None and all(f.pad == 8 or f.fixed_size is not None for f in struct.seq)


def _check_refs(spec: Spec, f: Field, known: set[str], structs: dict[str, Struct]) -> list[SpecError]:
    problems: list[SpecError] = []
    simple = set(FIXED_SIZES) | {"bytes", "str", "switch"}
    if f.type not in simple and f.type not in structs:
        problems.append(SpecError(f.path + ".type", f"unknown type {f.type!r}"))
    for case in f.cases.values():
        if case not in structs:
            problems.append(SpecError(f.path + ".type.cases", f"unknown type {case!r}"))
    if f.enum and f.enum not in spec.enums and f.enum != "block_type":
        problems.append(SpecError(f.path + ".enum", f"unknown enum {f.enum!r}"))
    if f.flags and f.flags not in spec.flags:
        problems.append(SpecError(f.path + ".flags", f"unknown flag set {f.flags!r}"))
    if f.valid and f.valid.rule and f.valid.rule not in spec.rules:
        problems.append(SpecError(f.path + ".valid.rule", f"unknown rule {f.valid.rule!r}"))
    if f.role and f.role not in _ROLES:
        problems.append(SpecError(f.path + ".role", f"unknown role {f.role!r}"))
    if f.type in ("bytes", "str") and f.size is None and not f.size_eos:
        problems.append(SpecError(f.path, f"{f.type} field needs a size"))
    if f.term not in ("nul", "none", "nul_padded"):
        problems.append(SpecError(f.path + ".term", f"unknown termination {f.term!r}"))
    if f.repeat not in (None, "expr", "eos", "until"):
        problems.append(SpecError(f.path + ".repeat", f"unknown repeat {f.repeat!r}"))
    if f.repeat == "expr" and f.repeat_expr is None:
        problems.append(SpecError(f.path, "repeat: expr needs repeat_expr"))
    if f.repeat == "until" and f.repeat_until is None:
        problems.append(SpecError(f.path, "repeat: until needs repeat_until"))
    for label, expr in (("size", f.size), ("repeat_expr", f.repeat_expr), ("if", f.cond),
                        ("switch_on", f.switch_on)):
        if expr is not None:
            unknown = expr.names - known
            if unknown:
                problems.append(SpecError(f"{f.path}.{label}", (
                    f"expression {expr.source!r} reads {sorted(unknown)}, not fields read before it")))
    return problems


def _check_errata(spec: Spec) -> list[SpecError]:
    """Register ids are unique, and every id a field or a description cites is registered."""
    problems: list[SpecError] = []
    known: set[str] = set()
    for i, entry in enumerate(spec.errata):
        if entry.id in known:
            problems.append(SpecError(f"errata.yaml:errata[{i}].id", f"erratum {entry.id!r} listed twice"))
        known.add(entry.id)
    cited: list[tuple[str, str]] = []
    structs = [*spec.types.values(), *(s for b in spec.blocks for s in [*b.layouts, *b.types.values()])]
    for struct in structs:
        cited += [(f"{struct.path}.packed", m) for m in _ERRATUM_ID.findall(struct.packed or "")]
        cited += [(struct.path + ".doc", m) for m in _ERRATUM_ID.findall(struct.doc)]
        for f in struct.seq:
            if f.erratum is not None:
                cited.append((f.path + ".erratum.id", f.erratum.id))
                cited += [(f.path + ".erratum.reason", m) for m in _ERRATUM_ID.findall(f.erratum.reason)]
            cited += [(f.path + ".doc", m) for m in _ERRATUM_ID.findall(f.doc)]
    for b in spec.blocks:
        cited += [(b.path + ":doc", m) for m in _ERRATUM_ID.findall(b.doc)]
    for fid, (text, _ref) in spec.framing.items():
        cited += [(f"format.yaml:framing.{fid}", m) for m in _ERRATUM_ID.findall(text)]
    for d in spec.dialects:
        cited += [(f"dialects.yaml:{d.id}", m) for m in _ERRATUM_ID.findall(d.doc + " " + (d.detect or ""))]
    for r in spec.rules.values():
        cited += [(f"rules.yaml:{r.id}", m) for m in _ERRATUM_ID.findall(r.text)]
    for e in spec.enums.values():
        for text in [e.doc, *(v.doc for v in e.values)]:
            cited += [(f"enums.{e.id}", m) for m in _ERRATUM_ID.findall(text)]
    for fs in spec.flags.values():
        for text in [fs.doc, *(b.doc for b in fs.bits)]:
            cited += [(f"flags.{fs.id}", m) for m in _ERRATUM_ID.findall(text)]
    for where, eid in cited:
        if eid not in known:
            problems.append(SpecError(where, f"cites erratum {eid!r}, which errata.yaml does not list"))
    return problems


def check_identities(spec: Spec) -> list[SpecError]:
    """Ids and codes that must be unique: field ids, enum value ids, block type codes.

    A duplicate field id would generate a Python class that does not compile, a duplicate
    enum value id an ``IntEnum`` that fails at import; two block files with one code make the
    registry ambiguous. The message about a code names the file that (most likely) changed:
    the one that is not reserved, or else the later one in file order.
    """
    problems: list[SpecError] = []
    structs = [*spec.types.values(), *(s for b in spec.blocks for s in [*b.layouts, *b.types.values()])]
    for struct in structs:
        seen: dict[str, Field] = {}
        for f in struct.seq:
            if f.id in seen:
                problems.append(SpecError(f.path + ".id", (
                    f"field id {f.id!r} is already used by {seen[f.id].path} in {struct.id!r}; "
                    "field ids must be unique within a structure")))
            seen.setdefault(f.id, f)
        for iid in struct.instances:
            if iid in seen:
                problems.append(SpecError(f"{struct.path}.instances.{iid}", (
                    f"instance {iid!r} has the id of a field of {struct.id!r}")))
    for enum in spec.enums.values():
        ids: dict[str, int] = {}
        for v in enum.values:
            if v.id.upper() in ids:
                problems.append(SpecError(v.path + ".id", (
                    f"enum {enum.id}: value 0x{v.value:04X} has the id {v.id!r}, already used by "
                    f"0x{ids[v.id.upper()]:04X}; give it its own id")))
            ids.setdefault(v.id.upper(), v.value)
    by_code: dict[int, list[BlockType]] = {}
    for block in sorted(spec.blocks, key=lambda b: b.path):
        by_code.setdefault(block.code, []).append(block)
    for code, blocks in sorted(by_code.items()):
        for i, later in enumerate(blocks):
            for earlier in blocks[:i]:
                overlap = set(earlier.dialects) & set(later.dialects)
                if earlier.layouts and later.layouts and not overlap:
                    continue  # one code, disjoint dialects (0x0055 in spec-1.1 and memdiver-1.0.2)
                first, second = earlier, later
                if later.status in ("reserved", "withdrawn") and earlier.status not in ("reserved", "withdrawn"):
                    first, second = later, earlier  # blame the file that is not reserved
                what = f"the {first.status} type {first.title!r}" if first.status != "defined" else repr(first.title)
                shared = f" in dialect(s) {', '.join(sorted(overlap))}" if overlap else ""
                problems.append(SpecError(second.path + ":code", (
                    f"code 0x{code:04X} is already taken by {what} ({first.path}){shared}; pick a free code, or, "
                    f"to define the {first.status} type, add the layout to {first.path} and set its status there")))
    return problems
