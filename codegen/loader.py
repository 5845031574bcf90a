"""Load ``spec/`` into the model: schema validation, then model building, then checks."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from memslice.codegen.checks import check_spec
from memslice.codegen.errors import SpecError, SpecErrors
from memslice.codegen.expressions import parse_expr
from memslice.codegen.model import (
    BlockType,
    Constant,
    Constraint,
    Dialect,
    Enum,
    EnumValue,
    Erratum,
    ErratumEntry,
    Field,
    FlagBit,
    FlagSet,
    Instance,
    Rule,
    Spec,
    Struct,
    Version,
)


def _read_yaml(path: Path, rel: str, sources: dict[str, str]) -> Any:
    raw = path.read_bytes()
    sources[rel] = hashlib.sha256(raw).hexdigest()
    try:
        return yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        raise SpecError(rel, f"not valid YAML: {exc}") from None


def _validate(doc: Any, schema: dict[str, Any], definition: str, rel: str) -> None:
    validator = jsonschema.Draft202012Validator(
        {"$ref": f"#/$defs/{definition}", "$defs": schema["$defs"]})
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    if errors:
        raise SpecErrors([
            SpecError(rel + ":" + _yaml_path(e.absolute_path), e.message) for e in errors])


def _yaml_path(parts: Any) -> str:
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "(top)"


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
            raise SpecError(f"{rel}:enums.{eid}", "enum id defined twice")
        enums[eid] = Enum(eid, e["doc"].strip(), str(e["spec"]), [
            EnumValue(int(k), v["id"], v["doc"].strip()) for k, v in e["values"].items()])
    for fid, f in (raw.get("flags") or {}).items():
        if fid in flags:
            raise SpecError(f"{rel}:flags.{fid}", "flag set id defined twice")
        flags[fid] = FlagSet(fid, f["doc"].strip(), str(f["spec"]), [
            FlagBit(b["bit"], b["id"], b["doc"].strip(), str(b["since"]), b.get("width", 1),
                    b.get("enum"), tuple(b.get("blocks", ()))) for b in f["bits"]])


def load_spec(spec_dir: Path) -> Spec:
    """Load, validate and check the whole ``spec/`` folder.

    Args:
        spec_dir: The folder holding ``format.yaml`` and friends.

    Returns:
        The checked model.

    Raises:
        SpecError: One problem, located by YAML path.
        SpecErrors: Several problems found by the checker.
    """
    sources: dict[str, str] = {}
    schema = json.loads((spec_dir / "schema.json").read_text())
    fmt = _read_yaml(spec_dir / "format.yaml", "format.yaml", sources)
    _validate(fmt, schema, "format_file", "format.yaml")
    enums_raw = _read_yaml(spec_dir / "enums.yaml", "enums.yaml", sources)
    _validate(enums_raw, schema, "enums_file", "enums.yaml")
    rules_raw = _read_yaml(spec_dir / "rules.yaml", "rules.yaml", sources)
    _validate(rules_raw, schema, "rules_file", "rules.yaml")
    dialects_raw = _read_yaml(spec_dir / "dialects.yaml", "dialects.yaml", sources)
    _validate(dialects_raw, schema, "dialects_file", "dialects.yaml")
    errata_raw = _read_yaml(spec_dir / "errata.yaml", "errata.yaml", sources)
    _validate(errata_raw, schema, "errata_file", "errata.yaml")

    enums: dict[str, Enum] = {}
    flags: dict[str, FlagSet] = {}
    _enums(enums_raw, "enums.yaml", enums, flags)

    blocks: list[BlockType] = []
    for path in sorted((spec_dir / "blocks").glob("*.yaml")):
        rel = f"blocks/{path.name}"
        raw = _read_yaml(path, rel, sources)
        _validate(raw, schema, "block_file", rel)
        if raw["id"] != path.stem:
            raise SpecError(rel + ":id", f"block id {raw['id']!r} must match the file name {path.stem!r}")
        _enums(raw, rel, enums, flags)
        layouts = [
            _struct(lay["id"], lay, f"{rel}:layouts[{i}]", dialects=tuple(lay["dialects"]),
                    payload_versions=tuple(lay.get("payload_versions", [1])), block=raw["id"])
            for i, lay in enumerate(raw.get("layouts") or [])
        ]
        types = {tid: _struct(tid, t, f"{rel}:types.{tid}") for tid, t in (raw.get("types") or {}).items()}
        blocks.append(BlockType(
            id=raw["id"], code=raw["code"], title=raw["title"], doc=raw["doc"].strip(),
            spec=str(raw["spec"]), since=str(raw["since"]), status=raw.get("status", "defined"),
            namespace=raw.get("namespace", "capture"), cap_bit=raw.get("cap_bit"),
            parent=raw.get("parent"), in_extension=bool(raw.get("in_extension", False)),
            layouts=layouts, types=types, path=rel))
    blocks.sort(key=lambda b: (b.code, b.id))

    block_enum_values: list[EnumValue] = []
    for b in blocks:
        block_enum_values.append(EnumValue(b.code, b.id, b.title))
    enums["block_type"] = Enum("block_type", "Block type codes (the block registry).", "4.3",
                               block_enum_values)

    spec = Spec(
        meta=fmt["meta"],
        versions=[Version(v["id"], v["value"], v["doc"].strip(), str(v["spec"])) for v in fmt["versions"]],
        constants={k: Constant(k, v["value"], v["doc"].strip(), str(v["spec"]))
                   for k, v in fmt["constants"].items()},
        framing={k: (v["doc"].strip(), str(v["spec"])) for k, v in fmt["framing"].items()},
        types={tid: _struct(tid, t, f"format.yaml:types.{tid}") for tid, t in fmt["types"].items()},
        blocks=blocks, enums=enums, flags=flags,
        rules={r["id"]: Rule(r["id"], r["level"], r["role"], str(r["since"]), str(r["spec"]), r["text"])
               for r in rules_raw["rules"]},
        dialects=[Dialect(d["id"], d["title"], tuple(d["versions"]), d["doc"].strip(), str(d["spec"]),
                          (d.get("detect") or "").strip() or None) for d in dialects_raw["dialects"]],
        default_write=dialects_raw["default_write"],
        sources=dict(sorted(sources.items())),
        errata=[ErratumEntry(e["id"], e["title"].strip(), e["where"].strip(), e["problem"].strip(),
                             e["choice"].strip(), e["reason"].strip()) for e in errata_raw["errata"]],
    )
    problems = check_spec(spec)
    if problems:
        raise SpecErrors(problems)
    return spec
