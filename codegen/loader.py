"""Load ``spec/`` into the model: schema validation, then model building, then checks."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from memslice.codegen.checks import check_spec, prune_drafts
from memslice.codegen.errors import SpecError, SpecErrors
from memslice.codegen.expressions import parse_expr
from memslice.codegen.model import (
    BlockType,
    Constant,
    Constraint,
    Dialect,
    DialectSignal,
    Enum,
    EnumValue,
    Erratum,
    ErratumEntry,
    Field,
    FlagBit,
    FlagSet,
    Guess,
    GuessField,
    Instance,
    Rule,
    Spec,
    Struct,
    Version,
)
from memslice.codegen.yamlload import key_text, load_yaml, locate, render_path

if TYPE_CHECKING:
    import jsonschema

#: what a schema ``pattern`` means, for messages that would otherwise print the regex
PATTERN_HELP = {
    "specref": ('is not a spec reference: use a section of the public spec ("5.2"), of a version '
                'format.yaml declares ("1.1:5.7") or of the catalogue ("cat:6.10")'),
    "ident": "is not a valid id: use snake_case (lower-case letters, digits and _, not starting with a digit)",
}


def _read_yaml(path: Path, rel: str, sources: dict[str, str], docs: dict[str, Any]) -> Any:
    raw = path.read_bytes()
    sources[rel] = hashlib.sha256(raw).hexdigest()
    doc = load_yaml(raw, rel)
    docs[rel] = doc
    return doc


def _schema_message(error: jsonschema.ValidationError, schema: dict[str, Any]) -> str:
    if error.validator == "pattern":
        for name, help_text in PATTERN_HELP.items():
            if schema["$defs"].get(name, {}).get("pattern") == error.validator_value:
                return f"{key_text(error.instance)!r} {help_text}"
        return f"{error.instance!r} does not have the expected form"
    return str(error.message)


def _validate(doc: Any, schema: dict[str, Any] | None, definition: str, rel: str) -> None:
    if schema is None:  # load_spec(validate=False)
        return
    import jsonschema  # only here: a reader of an accepted spec does not pay for it

    validator = jsonschema.Draft202012Validator(
        {"$ref": f"#/$defs/{definition}", "$defs": schema["$defs"]})
    errors = sorted(validator.iter_errors(doc), key=lambda e: [str(p) for p in e.absolute_path])
    if errors:
        raise SpecErrors([
            SpecError(rel + ":" + render_path(doc, list(e.absolute_path)), _schema_message(e, schema))
            for e in errors])


def _located(error: SpecError, docs: dict[str, Any]) -> SpecError:
    """``error`` with the line and column of its YAML path, when the file is one we read."""
    if error.line is not None:
        return error
    rel, _, yaml_path = error.path.partition(":")
    if rel not in docs:
        return error
    where = locate(docs[rel], yaml_path)
    return error.at(*where) if where else error


def _field(raw: dict[str, Any], path: str) -> Field:
    valid = None
    if "valid" in raw:
        v = raw["valid"]
        valid = Constraint(min=v.get("min"), max=v.get("max"),
                           any_of=tuple(v["any_of"]) if "any_of" in v else None,
                           eq=v.get("eq"), rule=v.get("rule") or raw.get("rule"))
    elif raw.get("rule"):
        valid = Constraint(rule=raw["rule"])
    ftype = raw["type"]
    switch_on = None
    cases: dict[int, str] = {}
    if isinstance(ftype, dict):
        switch_on = parse_expr(ftype["switch_on"], path + ".type.switch_on")
        cases = {int(k): str(v) for k, v in ftype["cases"].items()}
        ftype = "switch"
    size = raw.get("size")
    erratum = raw.get("erratum")
    contents = raw.get("contents")
    return Field(
        id=raw["id"], type=ftype, doc=raw["doc"].strip(), spec=str(raw["spec"]),
        orig=raw.get("orig"), path=path,
        size=None if size in (None, "eos") else parse_expr(size, path + ".size"),
        size_eos=size == "eos", pad=raw.get("pad"), term=raw.get("term", "nul"),
        enum=raw.get("enum"), flags=raw.get("flags"), reserved=bool(raw.get("reserved")),
        contents=contents.encode("ascii") if isinstance(contents, str) else None,
        valid=valid, repeat=raw.get("repeat"),
        repeat_expr=parse_expr(raw["repeat_expr"], path + ".repeat_expr") if "repeat_expr" in raw else None,
        repeat_until=parse_expr(raw["repeat_until"], path + ".repeat_until") if "repeat_until" in raw else None,
        cond=parse_expr(raw["if"], path + ".if") if "if" in raw else None,
        optional_tail=raw.get("optional") == "tail", tail_default=raw.get("tail_default", "absent"),
        role=raw.get("role"),
        format=raw.get("format", "dec"), since=raw.get("since"),
        erratum=Erratum(str(erratum["id"]), erratum["reason"]) if erratum else None,
        switch_on=switch_on, cases=cases, offset_doc=raw.get("offset"),
        status=raw.get("status", "defined"),
    )


def _struct(sid: str, raw: dict[str, Any], path: str, **extra: Any) -> Struct:
    seq = [_field(f, f"{path}.seq[{i}]") for i, f in enumerate(raw.get("seq", []))]
    instances = {
        iid: Instance(iid, parse_expr(i["value"], f"{path}.instances.{iid}"), i["doc"].strip(), str(i["spec"]))
        for iid, i in (raw.get("instances") or {}).items()
    }
    packed = raw.get("packed")
    return Struct(id=sid, doc=raw["doc"].strip(), spec=str(raw["spec"]), path=path, seq=seq,
                  instances=instances, packed=packed["reason"] if packed else None,
                  size=raw.get("size"), **extra)


def _enums(raw: dict[str, Any], rel: str, enums: dict[str, Enum], flags: dict[str, FlagSet]) -> None:
    for eid, e in (raw.get("enums") or {}).items():
        if eid in enums:
            raise SpecError(f"{rel}:enums.{eid}", f"enum id {eid!r} is already defined in {enums[eid].path}")
        enums[eid] = Enum(eid, e["doc"].strip(), str(e["spec"]), [
            EnumValue(int(k), v["id"], v["doc"].strip(), since=str(v["since"]) if "since" in v else None,
                      status=v.get("status", "defined"), path=f"{rel}:enums.{eid}.values[{key_text(int(k))}]")
            for k, v in e["values"].items()], path=f"{rel}:enums.{eid}")
    for fid, f in (raw.get("flags") or {}).items():
        if fid in flags:
            raise SpecError(f"{rel}:flags.{fid}", "flag set id defined twice")
        flags[fid] = FlagSet(fid, f["doc"].strip(), str(f["spec"]), [
            FlagBit(b["bit"], b["id"], b["doc"].strip(), str(b["since"]), b.get("width", 1),
                    b.get("enum"), tuple(b.get("blocks", ()))) for b in f["bits"]])


def _layouts(raw: dict[str, Any], rel: str) -> list[Struct]:
    """The block's payload layouts, a ``base:`` layout's fields copied in front of its own."""
    layouts: list[Struct] = []
    by_id: dict[str, Struct] = {}
    for i, lay in enumerate(raw.get("layouts") or []):
        path = f"{rel}:layouts[{i}]"
        layout = _struct(lay["id"], lay, path, dialects=tuple(lay["dialects"]),
                         payload_versions=tuple(lay.get("payload_versions", [1])), block=raw["id"],
                         status=lay.get("status", "defined"),
                         since=str(lay["since"]) if "since" in lay else None, base=lay.get("base"))
        if layout.base is not None:
            parent = by_id.get(layout.base)
            if parent is None:
                raise SpecError(path + ".base", (
                    f"base layout {layout.base!r} is not a layout listed before it in this file"))
            layout.seq = [replace(f) for f in parent.seq] + layout.seq
            layout.instances = {**parent.instances, **layout.instances}
        by_id[layout.id] = layout
        layouts.append(layout)
    return layouts


def load_spec(spec_dir: Path, *, drafts: bool = False, validate: bool = True) -> Spec:
    """Load, validate and check the whole ``spec/`` folder.

    Args:
        spec_dir: The folder holding ``format.yaml`` and friends.
        drafts: Keep items with ``status: draft`` in the model (``msl codegen --drafts``);
            by default they are checked, then left out.
        validate: Check every file against ``schema.json``. Only a reader of a spec that
            ``msl codegen --check`` already accepted (the installed one) may pass False, to save
            the schema validation (the slowest step); the model checks run either way.

    Returns:
        The checked model.

    Raises:
        SpecError: One problem, located by file, YAML path, line and column.
        SpecErrors: Several problems found by the checker.
    """
    docs: dict[str, Any] = {}
    try:
        return _load(spec_dir, docs, drafts, validate)
    except SpecError as exc:
        raise _located(exc, docs) from None
    except SpecErrors as exc:
        raise SpecErrors([_located(e, docs) for e in exc.errors]) from None


def _load(spec_dir: Path, docs: dict[str, Any], drafts: bool, validate: bool) -> Spec:
    sources: dict[str, str] = {}
    schema = json.loads((spec_dir / "schema.json").read_text()) if validate else None
    fmt = _read_yaml(spec_dir / "format.yaml", "format.yaml", sources, docs)
    _validate(fmt, schema, "format_file", "format.yaml")
    enums_raw = _read_yaml(spec_dir / "enums.yaml", "enums.yaml", sources, docs)
    _validate(enums_raw, schema, "enums_file", "enums.yaml")
    rules_raw = _read_yaml(spec_dir / "rules.yaml", "rules.yaml", sources, docs)
    _validate(rules_raw, schema, "rules_file", "rules.yaml")
    dialects_raw = _read_yaml(spec_dir / "dialects.yaml", "dialects.yaml", sources, docs)
    _validate(dialects_raw, schema, "dialects_file", "dialects.yaml")
    errata_raw = _read_yaml(spec_dir / "errata.yaml", "errata.yaml", sources, docs)
    _validate(errata_raw, schema, "errata_file", "errata.yaml")

    enums: dict[str, Enum] = {}
    flags: dict[str, FlagSet] = {}
    _enums(enums_raw, "enums.yaml", enums, flags)

    blocks: list[BlockType] = []
    for path in sorted((spec_dir / "blocks").glob("*.yaml")):
        rel = f"blocks/{path.name}"
        raw = _read_yaml(path, rel, sources, docs)
        _validate(raw, schema, "block_file", rel)
        if raw["id"] != path.stem:
            raise SpecError(rel + ":id", f"block id {raw['id']!r} must match the file name {path.stem!r}")
        _enums(raw, rel, enums, flags)
        types = {tid: _struct(tid, t, f"{rel}:types.{tid}") for tid, t in (raw.get("types") or {}).items()}
        blocks.append(BlockType(
            id=raw["id"], code=raw["code"], title=raw["title"], doc=raw["doc"].strip(),
            spec=str(raw["spec"]), since=str(raw["since"]), status=raw.get("status", "defined"),
            namespace=raw.get("namespace", "capture"), cap_bit=raw.get("cap_bit"),
            parent=raw.get("parent"), in_extension=bool(raw.get("in_extension", False)),
            layouts=_layouts(raw, rel), types=types, path=rel,
            guesses=[Guess(g["tool"], g["doc"].strip(), str(g["spec"]),
                           [GuessField(f["id"], f["type"], f["offset"], f.get("size")) for f in g["seq"]])
                     for g in raw.get("guesses") or []]))
    blocks.sort(key=lambda b: (b.code, b.id))

    dialects = [Dialect(d["id"], d["title"], tuple(d["versions"]), d["doc"].strip(), str(d["spec"]),
                        (d.get("detect") or "").strip() or None, extends=d.get("extends"),
                        path=f"dialects.yaml:dialects[{i}]",
                        reads_payload_version=d.get("reads_payload_version", True),
                        signals=_signals(d, f"dialects.yaml:dialects[{i}]", blocks))
                for i, d in enumerate(dialects_raw["dialects"])]
    _inherit_dialects(dialects, blocks)

    spec = Spec(
        meta=fmt["meta"],
        versions=[Version(v["id"], v["value"], v["doc"].strip(), str(v["spec"])) for v in fmt["versions"]],
        constants={k: Constant(k, v["value"], v["doc"].strip(), str(v["spec"]))
                   for k, v in fmt["constants"].items()},
        framing={k: (v["doc"].strip(), str(v["spec"])) for k, v in fmt["framing"].items()},
        types={tid: _struct(tid, t, f"format.yaml:types.{tid}") for tid, t in fmt["types"].items()},
        blocks=blocks, enums=enums, flags=flags,
        rules={r["id"]: Rule(r["id"], r["level"], r["role"], str(r["since"]), str(r["spec"]), r["text"],
                             path=f"rules.yaml:rules[{i}]")
               for i, r in enumerate(rules_raw["rules"])},
        dialects=dialects,
        default_write=dialects_raw["default_write"],
        sources=dict(sorted(sources.items())),
        errata=[ErratumEntry(e["id"], e["title"].strip(), e["where"].strip(), e["problem"].strip(),
                             e["choice"].strip(), e["reason"].strip()) for e in errata_raw["errata"]],
        drafts=drafts,
    )
    problems = check_spec(spec)
    if problems:
        raise SpecErrors(problems)
    if not drafts:
        prune_drafts(spec)
    _add_block_type_enum(spec)
    return spec


def _signals(raw: dict, path: str, blocks: list[BlockType]) -> tuple[DialectSignal, ...]:
    """The ``signals:`` of one dialect, with block ids resolved to codes."""
    codes = {b.id: b.code for b in blocks}
    out = []
    for n, sig in enumerate(raw.get("signals") or ()):
        block = sig.get("block")
        if block is not None and block not in codes:
            raise SpecError(f"{path}.signals[{n}].block", f"unknown block {block!r}")
        needs = {"payload_size": ("block", "size"), "tail_absent": ("block",), "every_payload_version": ("value",)}
        for key in needs.get(sig["kind"], ()):
            if key not in sig:
                raise SpecError(f"{path}.signals[{n}]", f"a {sig['kind']} signal needs {key}:")
        out.append(DialectSignal(sig["kind"], sig["doc"], block, codes.get(block) if block else None,
                                 sig.get("size"), sig.get("value"), sig.get("alone", True)))
    return tuple(out)


def _inherit_dialects(dialects: list[Dialect], blocks: list[BlockType]) -> None:
    """Give each dialect with ``extends:`` its ancestors' layouts, except where it defines its own.

    Inheritance is per (block, payload version): a dialect that adds payload version 2 of a
    block still reads version 1 with its parent's layout.
    """
    by_id = {d.id: d for d in dialects}
    for d in dialects:
        chain, cur = [d.id], d
        while cur.extends is not None:
            if cur.extends not in by_id:
                raise SpecError(cur.path + ".extends", f"unknown dialect {cur.extends!r}")
            if cur.extends in chain:
                raise SpecError(d.path + ".extends", f"dialect inheritance loops: {' -> '.join(chain)}")
            chain.append(cur.extends)
            cur = by_id[cur.extends]
        if len(chain) == 1:
            continue
        for block in blocks:
            own = {pv for lay in block.layouts if d.id in lay.dialects for pv in lay.payload_versions}
            for ancestor in chain[1:]:
                inherited = [lay for lay in block.layouts if ancestor in lay.dialects
                             and not own.intersection(lay.payload_versions)]
                for lay in inherited:
                    lay.dialects = (*lay.dialects, d.id)
                    own.update(lay.payload_versions)


def _add_block_type_enum(spec: Spec) -> None:
    spec.enums["block_type"] = Enum("block_type", "Block type codes (the block registry).", "4.3",
                                    [EnumValue(b.code, b.id, b.title) for b in spec.blocks])
