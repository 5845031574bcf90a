"""Deterministic, schema-driven payload values for every defined block layout.

The field list, constraints, enumerations and sub-types come from ``spec/`` (through the
code generator's loader); the classes come from ``memslice.generated``. A new block type
in ``spec/blocks/`` therefore gets a generated case without code here, and a test fails
when one cannot be built. Values are plain and reviewable in expected.json: small
counters, enumeration members, ASCII text with one non-ASCII character, two list entries.
Optional tail fields with ``tail_default: absent`` (extensions only some producers add, e.g.
memdiver's Related Dump TargetHash) are left out, as a newly built structure leaves them out.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from functools import cache
from types import ModuleType, SimpleNamespace
from typing import Any

from memslice.codegen import Spec, load_spec
from memslice.codegen.expressions import evaluate
from memslice.codegen.model import INT_SIZES, Field
from memslice.codegen.model import Struct as SpecStruct
from memslice.conformance.generators.fixtures import TIMESTAMP, uuid4
from memslice.generated.enums import ENUM_NAMES, FLAG_BITS

from memslice.canon import struct_to_canon
from memslice.errors import MslError
from memslice.resources import spec_dir


class Unbuildable(MslError):
    """The builder cannot fill a layout (a new kind of field: extend this module)."""


@cache
def spec_model() -> Spec:
    """The format as data, loaded from the installed ``spec/`` (or ``$MEMSLICE_SPEC_DIR``, for a changed copy)."""
    return load_spec(spec_dir())


#: layout id -> field values that must be given, not derived (count names shared by two
#: conditional fields are derived wrongly by the encoder; see the issue-4 report)
FIXED: dict[str, dict[str, Any]] = {
    "vas_map": {"len_entry": 0},
}


def _register_roles(payload: Any) -> None:
    """A Thread Context holds at least the PC and SP registers (V11-5.7-pc-sp)."""
    roles = [1 << bit for name, bit, _w, _e in FLAG_BITS["register_role"] if name in ("pc", "sp")]
    for register, role in zip(payload.registers, roles, strict=False):
        register.flags = role


#: layout id -> adjustments a generic instance needs to satisfy a rule the schema cannot express
ADJUST: dict[str, Callable[[Any], None]] = {
    "thread_context": _register_roles,
}


def _camel(type_id: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in type_id.split("_"))


class Builder:
    """Builds one instance of a layout of one block module."""

    def __init__(self, module: ModuleType, seed: str) -> None:
        self.module = module
        self.seed = seed
        self.block = spec_model().block(module.BLOCK_ID)

    def layout(self, layout_id: str) -> SpecStruct:
        """The model of a payload layout."""
        for layout in self.block.layouts:
            if layout.id == layout_id:
                return layout
        raise Unbuildable(f"{self.block.id}: no layout {layout_id}")

    def _sub(self, type_id: str) -> tuple[SpecStruct, type]:
        cls = getattr(self.module, _camel(type_id), None)
        if type_id not in self.block.types or cls is None:
            raise Unbuildable(f"{self.block.id}: sub-type {type_id} has no model or class")
        return self.block.types[type_id], cls

    def _int(self, f: Field, n: int) -> int:
        size = INT_SIZES[f.type]
        v = f.valid
        if v is not None and v.eq is not None:
            return v.eq
        if v is not None and v.any_of:
            return v.any_of[0]
        if f.enum:
            known = sorted(k for k in ENUM_NAMES.get(f.enum, {}) if 0 < k < (1 << (8 * size)))
            return known[n % len(known)] if known else 0
        if f.flags:
            bits = [bit for _bit_id, bit, width, _enum in FLAG_BITS[f.flags] if width == 1 and bit < 8 * size]
            return (1 << bits[0]) if bits else 0
        if f.id.endswith("time") or f.id.startswith("time"):
            return TIMESTAMP + n
        lo = v.min if v is not None and v.min is not None else 0
        hi = v.max if v is not None and v.max is not None else (1 << (8 * size - (1 if f.type[0] == "s" else 0))) - 1
        if f.format == "addr":
            return min(hi, max(lo, 0x7F00_0000_0000 + 0x1000 * n if size == 8 else 0x1000 * n))
        return min(hi, max(lo, 1 + n))

    def build(self, s: SpecStruct, cls: type, n: int = 0) -> Any:
        """An instance of ``cls`` (model ``s``) with every non-reserved field filled."""
        derived: set[str] = set()
        for f in s.seq:
            for expr in (f.size, f.repeat_expr, f.cond, f.switch_on):
                if expr is not None:
                    derived |= expr.names
        fixed = FIXED.get(s.id, {})
        values: dict[str, Any] = dict(fixed)
        env: dict[str, int] = {k: v for k, v in fixed.items() if isinstance(v, int)}
        switch_keys: dict[str, int] = {}
        for f in s.seq:
            if f.type == "switch" and f.switch_on is not None:
                switch_keys[f.switch_on.source.strip()] = sorted(f.cases)[0]
        defaults = {d.name: d.default for d in dataclasses.fields(cls)}
        tail_cut = False
        for i, f in enumerate(s.seq):
            if f.id in fixed:
                continue
            if f.optional_tail and (tail_cut or f.tail_default == "absent"):
                tail_cut = True  # an extension only some producers add: leave it and what follows out
                values[f.id] = None
                continue
            if f.cond is not None and not evaluate(f.cond, {**env, **{k: 0 for k in derived - env.keys()}}):
                values[f.id] = None
                continue
            if f.reserved:
                env[f.id] = 0
                continue
            if f.contents is not None:
                values[f.id] = f.contents
            elif f.is_int:
                if f.id in switch_keys:
                    value: Any = switch_keys[f.id]
                elif f.id in derived and defaults.get(f.id) is None:
                    value = None
                else:
                    value = self._int(f, n + i)
                values[f.id] = value
                env[f.id] = value or 0
            elif f.repeat:
                values[f.id] = self._list(f, n)
            elif f.type == "uuid":
                values[f.id] = uuid4(self.seed, s.id, f.id, n)
            elif f.type == "hash":
                values[f.id] = bytes.fromhex(uuid4(self.seed, f.id, n).hex() * 2)
            elif f.type == "bytes":
                size = f.size.constant() if f.size is not None else None
                values[f.id] = bytes((0x10 + n + k) & 0xFF for k in range(size if size is not None else 6))
            elif f.type == "str":
                values[f.id] = f"{f.id.replace('_', '-')}-{n}-\u00e9"
            elif f.type == "switch":
                sub, sub_cls = self._sub(f.cases[sorted(f.cases)[0]])
                values[f.id] = self.build(sub, sub_cls, n + 1)
            else:
                sub, sub_cls = self._sub(f.type)
                values[f.id] = self.build(sub, sub_cls, n + 1)
        return cls(**values)

    def _list(self, f: Field, n: int) -> list[Any]:
        sub, cls = self._sub(f.type)
        items = [self.build(sub, cls, n * 10 + k + 1) for k in range(2)]
        if f.repeat == "until":
            assert f.repeat_until is not None
            end = cls()
            probe = SimpleNamespace(**{d.name: getattr(end, d.name) or 0 for d in dataclasses.fields(cls)})
            if not evaluate(f.repeat_until, {"_": probe}):  # type: ignore[dict-item]
                raise Unbuildable(f"{f.id}: a default element does not end the list ({f.repeat_until.source})")
            items.append(end)
        return items


def build_payload(module: ModuleType, cls: type, seed: str, endian: str = "<") -> Any:
    """A checked instance of layout ``cls``: it must encode and decode back to itself.

    Raises:
        Unbuildable: The instance does not survive the round trip (an encoder or decoder
            bug, or a field kind this builder does not handle).
    """
    builder = Builder(module, seed)
    obj = builder.build(builder.layout(cls.LAYOUT_ID), cls)
    if cls.LAYOUT_ID in ADJUST:
        ADJUST[cls.LAYOUT_ID](obj)
    back = cls.decode(obj.encode(endian), endian)
    if not _subset(struct_to_canon(obj), struct_to_canon(back)):
        raise Unbuildable(f"{cls.LAYOUT_ID}: the encoded instance does not decode to what was written")
    return obj


def _subset(written: Any, decoded: Any) -> bool:
    """Every value present in ``written`` is equal in ``decoded`` (computed fields aside)."""
    if isinstance(written, dict):
        return isinstance(decoded, dict) and all(k in decoded and _subset(v, decoded[k]) for k, v in written.items())
    if isinstance(written, list):
        return (isinstance(decoded, list) and len(written) == len(decoded)
                and all(_subset(a, b) for a, b in zip(written, decoded, strict=True)))
    return bool(written == decoded)
