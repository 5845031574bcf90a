"""Python backend: emits the ``memslice.generated`` package from the model.

One module per block type (``blocks/<id>.py``), plus ``framing.py`` (file header, block
header), ``enums.py``, ``rules.py``, ``dialects.py``, ``registry.py`` and ``_support.py``.
Each structure becomes a dataclass with ``decode``/``decode_at``, ``encode``/
``encode_parts`` and ``check``; fixed runs of fields are read with one precompiled
``struct.Struct`` per byte order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import jinja2
from memslice.codegen.expressions import strip_outer_parens
from memslice.codegen.model import FIXED_SIZES, BlockType, Field, Spec, Struct

_STRUCT_CHARS = {"u1": "B", "u2": "H", "u4": "I", "u8": "Q", "s1": "b", "s2": "h", "s4": "i", "s8": "q",
                 "uuid": "16s", "hash": "32s"}


def class_name(ident: str) -> str:
    """CamelCase class name of a snake_case id (``module_entry_g0`` -> ``ModuleEntryG0``)."""
    return "".join(part[:1].upper() + part[1:] for part in ident.split("_"))


def banner(spec: Spec, source: str) -> str:
    """The first line of every generated file."""
    return f"# Generated from spec/{source} by `msl codegen`.\n# Do not edit: change the YAML and regenerate."


def _wrap(text: str, indent: str, width: int = 100) -> list[str]:
    words = text.split()
    lines: list[str] = []
    line = ""
    for w in words:
        if line and len(indent) + len(line) + 1 + len(w) > width:
            lines.append(indent + line)
            line = w
        else:
            line = f"{line} {w}" if line else w
    if line:
        lines.append(indent + line)
    return lines


def q(value: object) -> str:
    """A Python literal in the double-quoted style of hand-written code."""
    if isinstance(value, str):
        text = repr(value)
        if text.startswith("'") and '"' not in value:
            text = '"' + text[1:-1].replace("\\'", "'") + '"'
        return text
    if isinstance(value, tuple):
        inner = ", ".join(q(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if isinstance(value, bytes):
        text = repr(value)
        return 'b"' + text[2:-1] + '"' if '"' not in text[2:-1] else text
    return repr(value)


def call_lines(head: str, args: list[str], tail: str = ")", width: int = 112) -> list[str]:
    """``head(args...)`` on one line, or one argument per line when too long."""
    one = head + ", ".join(args) + tail
    if len(one) <= width:
        return [one]
    return [head, *[f"    {a}," for a in args], tail]


def _doc_text(text: str) -> str:
    return " ".join(text.split()).replace('"""', "'''").replace("\\", "\\\\")




def pylong(text: str, indent: int, width: int = 116) -> str:
    """A string literal, split into implicitly joined pieces when the line would be too long."""
    literal = q(text)
    if indent + len(literal) <= width:
        return literal
    words = text.split(" ")
    pieces: list[str] = []
    line = ""
    for w in words:
        candidate = f"{line}{w} "
        if line and indent + 4 + len(q(candidate)) > width:
            pieces.append(line)
            line = f"{w} "
        else:
            line = candidate
    pieces.append(line.rstrip(" "))
    pad = " " * (indent + 4)
    return "(\n" + "\n".join(pad + q(p) for p in pieces) + "\n" + " " * indent + ")"


@dataclass
class _Run:
    """Consecutive fixed fields read with one struct.Struct."""

    fields: list[Field]
    fmt: str
    size: int


class StructEmitter:
    """Emits the class of one structure.

    Args:
        spec: The model.
        struct: The structure.
        structs: Sub-types visible to it (id -> struct).
        prefix: Module-level name prefix for its precompiled Structs (``_`` and the structure id).
    """

    def __init__(self, spec: Spec, struct: Struct, structs: dict[str, Struct], prefix: str) -> None:
        self.spec = spec
        self.struct = struct
        self.structs = structs
        self.prefix = prefix
        self.name = class_name(struct.id)
        self.runs: list[_Run] = []
        self.derived = self._derived_fields()

    # -- analysis -------------------------------------------------------------------
    def _derived_fields(self) -> dict[str, list[Field]]:
        """Length/count fields that ``encode`` may compute: name -> the fields they size.

        A count may serve alternative fields (one present per ``if:``); the ``size`` of a
        repeated field is a per-element stride the caller chooses, never derived.
        """
        out: dict[str, list[Field]] = {}
        names = {g.id for g in self.struct.seq}
        for f in self.struct.seq:
            exprs = (f.repeat_expr,) if f.repeat else (f.size,)
            for expr in exprs:
                if expr is not None and expr.source.strip() in names:
                    out.setdefault(expr.source.strip(), []).append(f)
        return out

    def _expr(self, expr_source_obj: object, local: str = "f_") -> str:
        from memslice.codegen.expressions import Expr

        assert isinstance(expr_source_obj, Expr)
        instances = self.struct.instances

        def name(n: str) -> str:
            if n in instances:
                return instances[n].value.render(name)
            return f"{local}{n}"

        return strip_outer_parens(expr_source_obj.render(name, attr=lambda o, a: f"item.{a}",
                                            pad8=lambda x: f"pad8({strip_outer_parens(x)})"))

    @staticmethod
    def _is_fixed(f: Field) -> bool:
        return (f.repeat is None and f.cond is None and
                (f.type in _STRUCT_CHARS or (f.type == "bytes" and f.fixed_size is not None and f.pad is None
                                             and f.role is None)))

    def _char(self, f: Field) -> str:
        if f.type in _STRUCT_CHARS:
            return _STRUCT_CHARS[f.type]
        assert f.fixed_size is not None
        return f"{f.fixed_size}s"

    def _kind(self, f: Field) -> str:
        if f.is_int:
            return "int"
        if f.type in ("uuid", "hash", "bytes", "str"):
            return f.type
        if f.type == "switch":
            return "switch"
        return "list" if f.repeat else "struct"

    def _annotation(self, f: Field) -> str:
        optional = f.optional_tail or f.cond is not None or f.id in self.derived
        if f.is_int:
            base = "int"
        elif f.type in ("uuid", "hash"):
            base = "bytes"
        elif f.type == "bytes":
            base = "bytes | memoryview" if f.role == "page_data" else "bytes"
        elif f.type == "str":
            return "str | None"
        elif f.type == "switch":
            base = "Any"
        elif f.repeat:
            base = f"list[{class_name(f.type)}]"
        else:
            base = class_name(f.type)
        return f"{base} | None" if optional else base

    def _default(self, f: Field) -> str:
        if f.optional_tail and f.tail_default == "present" and f.id not in self.derived:
            if f.is_int:
                return "0"
            if f.type in ("bytes", "hash", "uuid"):
                return {"hash": "ZERO_HASH", "uuid": "ZERO_UUID"}.get(f.type, 'b""')
        if f.optional_tail or f.cond is not None or f.id in self.derived or f.type == "str":
            if f.reserved and not f.optional_tail:
                pass
            else:
                return "None"
        if f.contents is not None:
            return repr(f.contents)
        if f.is_int:
            return "0"
        if f.type == "uuid":
            return "ZERO_UUID"
        if f.type == "hash":
            return "ZERO_HASH"
        if f.type == "bytes":
            size = f.size.constant() if f.size is not None else None
            return f"bytes({size})" if size else 'b""'
        if f.repeat:
            return "field(default_factory=list)"
        if f.type == "switch":
            return 'b""'
        return f"field(default_factory={class_name(f.type)})"

    # -- emission -------------------------------------------------------------------
    def module_structs(self) -> list[str]:
        """Module-level precompiled Structs of this class."""
        lines = []
        for i, run in enumerate(self.runs):
            lines.append(f'{self._run_name(i)} = {{"<": Struct("<{run.fmt}"), ">": Struct(">{run.fmt}")}}')
        return lines

    def _run_name(self, k: int) -> str:
        """Name of the k-th precompiled Struct: the structure and the fields it reads."""
        run = self.runs[k].fields
        last = f"_TO_{run[-1].id.upper()}" if len(run) > 1 else ""
        return f"{self.prefix}_{run[0].id.upper()}{last}"

    def emit(self, extra_classvars: list[str]) -> list[str]:
        """The class source, line by line."""
        s = self.struct
        decode_lines = self._decode_body()
        encode_lines = self._encode_body()
        check_lines = self._check_body()
        out = ["@dataclass(slots=True)", f"class {self.name}:"]
        if s.block:
            head = f"Payload layout ``{s.id}`` of block {s.block} (dialects: {', '.join(s.dialects)})."
        else:
            head = f"Structure ``{s.id}``."
        out.append('    """' + head)
        out.append("")
        out += _wrap(_doc_text(s.doc), "    ")
        out.append("")
        out.append(f"    Spec: {s.spec}. Source: {s.path}.")
        out.append("")
        out.append("    Attributes:")
        for f in s.seq:
            where = f"+0x{f.offset:02X}" if f.offset is not None else "variable offset"
            orig = f"{f.orig}, " if f.orig else ""
            text = _doc_text(f"{f.id}: {f.doc} ({orig}{where}, spec {f.spec}.)")
            lines = _wrap(text, "        ")
            out += lines[:1] + ["    " + line for line in lines[1:]]
        out.append('    """')
        out.append("")
        out += [f"    {line}" for line in extra_classvars]
        out.append("    FIELDS: ClassVar[tuple[FieldInfo, ...]] = (")
        for f in s.seq:
            size = f.fixed_size
            args = [f"id={q(f.id)}", f"kind={q(self._kind(f))}"]
            optional = (("format", f.format, "dec"), ("enum", f.enum, None), ("flags", f.flags, None),
                        ("role", f.role, None), ("reserved", f.reserved, False), ("orig", f.orig, None),
                        ("offset", f.offset, None), ("size", size, None), ("since", f.since, None))
            for key, value, default in optional:
                if value != default:
                    args.append(f"{key}=0x{value:02X}" if key == "offset" else f"{key}={q(value)}")
            out += ["        " + x for x in call_lines("FieldInfo(", args, "),", 112)]
        out.append("    )")
        out.append("")
        for f in s.seq:
            out.append(f"    {f.id}: {self._annotation(f)} = {self._default(f)}")
        out.append("")
        out += [
            "    @classmethod",
            f'    def decode(cls, data: bytes | bytearray | memoryview, endian: str = "<") -> {self.name}:',
            f'        """Decode a whole buffer as one {self.name}.',
            "",
            "        Args:",
            "            data: The bytes (a payload, or the structure alone).",
            '            endian: "<" for little-endian files, ">" for big-endian ones.',
            "",
            "        Returns:",
            "            The decoded structure.",
            "",
            "        Raises:",
            "            TruncatedError: The data ends inside the structure.",
            "            ConstraintError: A field has a value a consumer must reject.",
            '        """',
            "        view = memoryview(data)",
            "        obj, _ = cls.decode_at(view, 0, len(view), endian)",
            "        return obj",
            "",
            "    @classmethod",
            f"    def decode_at(cls, view: memoryview, pos: int, end: int, endian: str) -> tuple[{self.name}, int]:",
            '        """Decode at ``pos`` without reading past ``end``; return it and the position after it."""',
        ]
        out += [f"        {line}" if line else "" for line in decode_lines]
        out.append("")
        out += [
            '    def encode(self, endian: str = "<") -> bytes:',
            '        """Encode to bytes (length and count fields left as None are computed)."""',
            '        return b"".join(self.encode_parts(endian))',
            "",
            '    def encode_parts(self, endian: str = "<") -> list[bytes | memoryview]:',
            '        """Encode as a list of byte chunks, without copying large data such as page bytes."""',
        ]
        out += [f"        {line}" if line else "" for line in encode_lines]
        out.append("")
        out += [
            "    def check(self) -> list[Finding]:",
            '        """Constraints from the schema that this value breaks (reserved fields, ranges, ...)."""',
        ]
        out += [f"        {line}" for line in check_lines]
        for inst in s.instances.values():
            out.append("")
            out.append("    @property")
            out.append(f"    def {inst.id}(self) -> int:")
            out.append(f'        """{_doc_text(inst.doc)}"""')
            out.append(f"        return {self._expr(inst.value, 'self.')}")
        return out

    def _decode_body(self) -> list[str]:
        s = self.struct
        lines: list[str] = []
        what = self.name
        i = 0
        seq = s.seq
        tail_open = False
        indent = ""
        assigned: list[str] = []
        while i < len(seq):
            f = seq[i]
            if f.optional_tail and not tail_open:
                tail_open = True
                for g in seq[i:]:
                    lines.append(f"f_{g.id} = None")
                lines.append("if pos < end:")
                indent = "    "
            if self._is_fixed(f):
                run = [f]
                j = i + 1
                while j < len(seq) and self._is_fixed(seq[j]) and seq[j].optional_tail == f.optional_tail:
                    run.append(seq[j])
                    j += 1
                fmt = "".join(self._char(g) for g in run)
                size = sum(FIXED_SIZES.get(g.type, g.fixed_size or 0) for g in run)
                self.runs.append(_Run(run, fmt, size))
                k = len(self.runs) - 1
                names = [f"f_{g.id}" for g in run]
                lines.append(f"{indent}need(view, pos, {size}, end, {q(what + '.' + run[0].id)})")
                if len(names) == 1:
                    lines.append(f"{indent}({names[0]},) = {self._run_name(k)}[endian].unpack_from(view, pos)")
                else:
                    lines += [indent + x for x in call_lines(
                        "(", names, f") = {self._run_name(k)}[endian].unpack_from(view, pos)", 100 - len(indent))]
                for g in run:
                    lines += [indent + x for x in self._decode_checks(g, "pos")]
                lines.append(f"{indent}pos += {size}")
                assigned += [g.id for g in run]
                i = j
                continue
            lines += [indent + x for x in self._decode_var(f)]
            assigned.append(f.id)
            i += 1
        lines += call_lines("obj = cls(", [f"{f.id}=f_{f.id}" for f in seq], ")", 100)
        lines.append("return obj, pos")
        return lines

    def _decode_checks(self, f: Field, pos: str) -> list[str]:
        out = []
        what = f"{self.name}.{f.id}"
        if f.contents is not None:
            out.append(f"if f_{f.id} != {q(f.contents)}:")
            out.append(f"    raise reject({q(what)}, f_{f.id}, {q(f.valid.rule if f.valid else None)}, "
                       f"{q('must be ' + repr(f.contents))}, {pos})")
        v = f.valid
        if v and v.rejects and f.is_int:
            cond, expected = self._constraint(f, v, f"f_{f.id}")
            if cond:
                out.append(f"if {self._violation(v, f'f_{f.id}')}:")
                out += ["    " + x for x in call_lines(
                    "raise reject(", [q(what), f"f_{f.id}", q(v.rule), q(expected), pos], ")", 96)]
        return out

    @staticmethod
    def _constraint(f: Field, v: object, ref: str) -> tuple[str, str]:
        from memslice.codegen.model import Constraint

        assert isinstance(v, Constraint)
        conds, texts = [], []
        if v.min is not None:
            conds.append(f"{ref} >= {v.min}")
            texts.append(f">= {v.min}")
        if v.max is not None:
            conds.append(f"{ref} <= {v.max}")
            texts.append(f"<= {v.max}")
        if v.any_of is not None:
            conds.append(f"{ref} in {tuple(v.any_of)!r}")
            texts.append(f"one of {', '.join(str(x) for x in v.any_of)}")
        if v.eq is not None:
            conds.append(f"{ref} == {v.eq}")
            texts.append(f"== {v.eq}")
        return " and ".join(conds), "must be " + " and ".join(texts)

    @staticmethod
    def _violation(v: object, ref: str) -> str:
        from memslice.codegen.model import Constraint

        assert isinstance(v, Constraint)
        bad = []
        if v.min is not None:
            bad.append(f"{ref} < {v.min}")
        if v.max is not None:
            bad.append(f"{ref} > {v.max}")
        if v.any_of is not None:
            bad.append(f"{ref} not in {tuple(v.any_of)!r}")
        if v.eq is not None:
            bad.append(f"{ref} != {v.eq}")
        return " or ".join(bad)

    def _decode_var(self, f: Field) -> list[str]:
        what = f"{self.name}.{f.id}"
        lines: list[str] = []
        pad = "True" if f.pad == 8 else "False"
        body: list[str] = []
        if f.type in ("bytes", "str", "uuid", "hash") and not f.repeat:
            if f.type in ("uuid", "hash"):
                size = str(FIXED_SIZES[f.type])
            elif f.size_eos:
                size = "end - pos"
            else:
                assert f.size is not None
                size = self._expr(f.size)
            if not re.fullmatch(r"[\w.]+|end - pos", size):
                body.append(f"size = {size}")
                size = "size"
            if f.type == "str":
                body += call_lines(f"f_{f.id}, pos = read_str(",
                                   ["view", "pos", size, "end", pad, q(f.term), q(what)], ")", 108)
            else:
                copy = "False" if f.role == "page_data" else "True"
                body += call_lines(f"f_{f.id}, pos = read_bytes(",
                                   ["view", "pos", size, "end", pad, q(what), f"copy={copy}"], ")", 108)
        elif f.type == "switch":
            assert f.switch_on is not None and f.size is not None
            cases = [f"{k}: {class_name(v)}" for k, v in sorted(f.cases.items())]
            body += [
                f"sub_end = pos + {self._expr(f.size)}",
                f"need(view, pos, sub_end - pos, end, {q(what)})",
                *call_lines("cases: dict[int, Any] = {", cases, "}", 100),
                f"case = cases.get({self._expr(f.switch_on)})",
                "if case is None:",
                f"    f_{f.id} = bytes(view[pos:sub_end])",
                "else:",
                f"    f_{f.id}, _ = case.decode_at(view, pos, sub_end, endian)",
                f"pos = {'sub_end + (-(sub_end - pos) % 8)' if f.pad == 8 else 'sub_end'}",
            ]
        elif f.repeat:
            sub = class_name(f.type)
            min_size = self._min_size(self.structs[f.type])
            body.append(f"f_{f.id} = []")
            if f.repeat == "expr":
                assert f.repeat_expr is not None
                count = self._expr(f.repeat_expr)
                if f.size is not None:
                    stride = self._expr(f.size)
                    body += [f"stride = {stride}",
                             f"check_count({count}, max(stride, {min_size}), pos, end, {q(what)})",
                             f"for _ in range({count}):",
                             f"    need(view, pos, stride, end, {q(what)})",
                             *self._nested(f"item, _ = {sub}.decode_at(view, pos, pos + stride, endian)", f.id),
                             "    pos += stride",
                             f"    f_{f.id}.append(item)"]
                else:
                    body += [f"check_count({count}, {min_size}, pos, end, {q(what)})",
                             f"for _ in range({count}):",
                             *self._nested(f"item, pos = {sub}.decode_at(view, pos, end, endian)", f.id),
                             f"    f_{f.id}.append(item)"]
            elif f.repeat == "eos":
                body += ["while pos < end:",
                         *self._nested(f"item, pos = {sub}.decode_at(view, pos, end, endian)", f.id),
                         f"    f_{f.id}.append(item)"]
            else:
                assert f.repeat_until is not None
                body += [f"while end - pos >= {max(min_size, 1)}:",
                         *self._nested(f"item, pos = {sub}.decode_at(view, pos, end, endian)", f.id),
                         f"    f_{f.id}.append(item)",
                         f"    if {self._expr(f.repeat_until)}:",
                         "        break"]
        else:
            sub = class_name(f.type)
            if f.size is not None:
                body += [f"sub_end = pos + {self._expr(f.size)}",
                         f"need(view, pos, sub_end - pos, end, {q(what)})",
                         f"f_{f.id}, _ = {sub}.decode_at(view, pos, sub_end, endian)",
                         "pos = sub_end"]
            else:
                body.append(f"f_{f.id}, pos = {sub}.decode_at(view, pos, end, endian)")
        if f.cond is not None:
            lines.append(f"f_{f.id} = None")
            lines.append(f"if {self._expr(f.cond)}:")
            lines += ["    " + b for b in body]
        else:
            lines += body
        return lines

    def _nested(self, call: str, field_id: str) -> list[str]:
        """Loop body lines decoding one element, its errors naming ``Struct.field[index]``."""
        path = f"{self.name}.{field_id}"
        return ["    try:", f"        {call}", "    except MslError as exc:",
                f'        raise nest(exc, f"{path}[{{len(f_{field_id})}}]") from None']

    def _min_size(self, struct: Struct) -> int:
        total = 0
        for f in struct.seq:
            if f.optional_tail or f.cond is not None or f.repeat:
                break
            size = f.fixed_size
            if size is None:
                break
            total += size
        return total

    def _encode_body(self) -> list[str]:
        s = self.struct
        lines: list[str] = ["parts: list[bytes | memoryview] = []"]
        # values of every field as locals, computing derived lengths/counts
        for f in s.seq:
            if f.type == "str":
                lines.append(f"raw_{f.id} = encode_str(self.{f.id}, {q(f.term)})")
            elif f.type == "switch":
                lines.append(f"raw_{f.id} = self.{f.id} if isinstance(self.{f.id}, (bytes, bytearray, memoryview)) "
                             f"else self.{f.id}.encode(endian)")
        for f in s.seq:
            targets = self.derived.get(f.id)
            if targets:
                lines += [f"f_{f.id} = self.{f.id}", f"if f_{f.id} is None:"]
                for n, target in enumerate(targets):
                    measure = f"len(raw_{target.id})" if target.type in ("str", "switch") else f"len(self.{target.id})"
                    optional = target.optional_tail or target.cond is not None
                    if len(targets) == 1 and not optional:
                        lines.append(f"    f_{f.id} = {measure}")
                        continue
                    keyword = "if" if n == 0 else "elif"
                    lines += [f"    {keyword} self.{target.id} is not None:", f"        f_{f.id} = {measure}"]
                if len(targets) > 1 or targets[0].optional_tail or targets[0].cond is not None:
                    lines += ["    else:", f"        f_{f.id} = 0"]
            elif f.is_int and f.reserved:
                lines.append(f"f_{f.id} = self.{f.id} or 0")
            elif f.is_int:
                lines.append(f"f_{f.id} = self.{f.id}")
        tail_open = False
        indent = ""
        k = 0
        i = 0
        seq = s.seq
        while i < len(seq):
            f = seq[i]
            if f.optional_tail and not tail_open:
                tail_open = True
                present = [f"self.{g.id} is not None" for g in seq[i:] if not g.reserved]
                lines.append(f"if {' or '.join(present)}:")
                indent = "    "
            if self._is_fixed(f):
                run = self.runs[k].fields
                args = [f"f_{g.id}" if g.is_int else
                        (f"self.{g.id} or bytes({g.fixed_size})" if g.reserved else f"self.{g.id}") for g in run]
                lines += [indent + x for x in call_lines(
                    f"parts.append({self._run_name(k)}[endian].pack(", args, "))", 100 - len(indent))]
                k += 1
                i += len(run)
                continue
            lines += [indent + x for x in self._encode_var(f)]
            i += 1
        lines.append("return parts")
        return lines

    def _encode_var(self, f: Field) -> list[str]:
        what = f"{self.name}.{f.id}"
        body: list[str] = []
        if f.type in ("uuid", "hash"):
            body.append(f"parts.append(sized(self.{f.id}, {FIXED_SIZES[f.type]}, {q(what)}))")
        elif f.type in ("bytes", "str"):
            value = f"raw_{f.id}" if f.type == "str" else f"self.{f.id}"
            if f.size_eos:
                body.append(f"parts.append({value})")
            else:
                assert f.size is not None
                size = self._expr(f.size)
                if not re.fullmatch(r"[\w.]+", size):
                    body.append(f"size = {size}")
                    size = "size"
                body.append(f"parts.append(sized({value}, {size}, {q(what)}))")
                if f.pad == 8:
                    body.append(f"parts.append(padding({size}))")
        elif f.type == "switch":
            assert f.size is not None
            body.append(f"parts.append(sized(raw_{f.id}, {self._expr(f.size)}, {q(what)}))")
            if f.pad == 8:
                body.append(f"parts.append(padding(len(raw_{f.id})))")
        elif f.repeat and f.size is not None:
            body += [f"stride = {self._expr(f.size)}",
                     f"if stride * len(self.{f.id}) > 0xFFFFFFFF:",
                     f'    raise EncodeError(f"{what}: entries of {{stride}} bytes do not fit a block")',
                     f"for item in self.{f.id}:",
                     '    raw = b"".join(item.encode_parts(endian))',
                     "    if len(raw) > stride:",
                     f"        raise EncodeError(f\"{what}: entry of {{len(raw)}} bytes exceeds stride {{stride}}\")",
                     "    parts += [raw, bytes(stride - len(raw))]"]
        elif f.repeat:
            body += [f"for item in self.{f.id}:", "    parts += item.encode_parts(endian)"]
        else:
            body.append(f"parts += self.{f.id}.encode_parts(endian)")
        if f.cond is not None:
            return [f"if {self._expr(f.cond)}:"] + ["    " + b for b in body]
        return body

    def _check_body(self) -> list[str]:
        s = self.struct
        lines = ["found: list[Finding] = []"]
        for f in s.seq:
            ref = f"self.{f.id}"
            guard = f"{ref} is not None and " if (f.optional_tail or f.cond is not None or f.id in self.derived) else ""
            if f.reserved:
                zero = "0" if f.is_int else f"bytes({f.fixed_size})"
                lines.append(f"if {guard}{ref} != {zero}:")
                lines.append(f'    found.append(Finding({q(f.id)}, "P5", "reserved field is not zero"))')
            v = f.valid
            if v and f.is_int:
                cond, expected = self._constraint(f, v, ref)
                if cond:
                    violation = self._violation(v, ref)
                    lines.append(f"if {guard}({violation}):" if guard and " or " in violation
                                 else f"if {guard}{violation}:")
                    lines.append(f"    found.append(Finding({q(f.id)}, {q(v.rule)}, {q(expected)}))")
            if f.repeat and f.type in self.structs:
                lines.append(f"for item in {ref} or ():")
                lines.append("    found += item.check()")
        lines.append("return found")
        return lines


_SUPPORT_NAMES = ("ZERO_HASH", "ZERO_UUID", "EncodeError", "FieldInfo", "Finding", "MslError", "check_count",
                  "encode_str", "need", "nest", "pad8", "padding", "read_bytes", "read_str", "reject", "sized")


def import_lines(body: str) -> list[str]:
    """The import lines a generated module needs: exactly the names its body uses.

    Args:
        body: The module text after its imports.

    Returns:
        ``from ... import ...`` lines (isort order: stdlib, then ``memslice.generated._support``).
    """
    code = re.sub(r'"""(?s:.*?)"""', "", body)

    def used(name: str) -> bool:
        return re.search(rf"(?<![\w.]){re.escape(name)}" + ("" if name.endswith("(") else r"\b"), code) is not None

    lines = []
    dc = [n for n in ("dataclass", "field") if used(n + ("(" if n == "field" else ""))]
    if dc:
        lines.append(f"from dataclasses import {', '.join(dc)}")
    if used("Struct"):
        lines.append("from struct import Struct")
    typing = [n for n in ("Any", "ClassVar") if used(n)]
    if typing:
        lines.append(f"from typing import {', '.join(typing)}")
    support = sorted((n for n in _SUPPORT_NAMES if used(n)), key=lambda n: (not n.isupper(), n[0].islower(), n))
    if support:
        lines.append("")
        one = f"from memslice.generated._support import {', '.join(support)}"
        lines += [one] if len(one) <= 120 else [
            "from memslice.generated._support import (", *[f"    {n}," for n in support], ")"]
    return lines


def _block_module(spec: Spec, block: BlockType, env: jinja2.Environment) -> str:
    structs = {**spec.types, **block.types}
    classes: list[list[str]] = []
    module_structs: list[str] = []
    order = list(block.types.values()) + list(block.layouts)
    for struct in order:
        emitter = StructEmitter(spec, struct, structs, "_" + struct.id.upper())
        extra: list[str] = []
        if struct.block:
            extra = [
                f"BLOCK_TYPE: ClassVar[int] = 0x{block.code:04X}",
                f"BLOCK_ID: ClassVar[str] = {q(block.id)}",
                f"LAYOUT_ID: ClassVar[str] = {q(struct.id)}",
                f"DIALECTS: ClassVar[tuple[str, ...]] = {q(struct.dialects)}",
                f"PAYLOAD_VERSIONS: ClassVar[tuple[int, ...]] = {q(struct.payload_versions)}",
            ]
        classes.append(emitter.emit(extra))
        module_structs += emitter.module_structs()
    return _render_with_imports(env.get_template("python_block.py.j2"), dict(
        banner=banner(spec, block.path), block=block, classes=classes, module_structs=module_structs,
        doc=_doc_text(block.doc), title=block.title))


def _render_with_imports(template: jinja2.Template, context: dict[str, object]) -> str:
    """Render a module whose template marks its import block with ``{{ imports }}``."""
    marker = "# -- imports --"
    text = template.render(imports=marker, **context)
    head, _, body = text.partition(marker)
    imports = import_lines(body)
    if not imports:
        body = body.lstrip("\n")
    return (head + "\n".join(imports) + body).rstrip() + "\n"


def generate_python(spec: Spec, out_dir: Path, templates: Path) -> dict[Path, str]:
    """Render every file of the Python package.

    Args:
        spec: The checked model.
        out_dir: The ``generated/python`` folder (paths of the result are under it).
        templates: Folder of the jinja2 templates.

    Returns:
        Path -> file text, for the caller to write or compare.
    """
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates)), keep_trailing_newline=True,
                             undefined=jinja2.StrictUndefined, autoescape=False)  # noqa: S701 (Python source, not HTML)
    env.filters["cls"] = class_name
    env.filters["doctext"] = _doc_text
    env.filters["pyrepr"] = q
    env.filters["pylong"] = pylong
    env.filters["docwrap"] = _docstring
    files: dict[Path, str] = {}
    files[out_dir / "_support.py"] = env.get_template("python_support.py.j2").render(
        banner=banner(spec, "format.yaml (support template)"), uuid_size=FIXED_SIZES["uuid"],
        hash_size=spec.constants["hash_size"].value, alignment=spec.constants["alignment"].value)
    files[out_dir / "enums.py"] = env.get_template("python_enums.py.j2").render(
        banner=banner(spec, "enums.yaml and blocks/*.yaml"), enums=spec.enums, flags=spec.flags,
        ident=_py_ident)
    files[out_dir / "rules.py"] = env.get_template("python_rules.py.j2").render(
        banner=banner(spec, "rules.yaml"), rules=list(spec.rules.values()))
    files[out_dir / "dialects.py"] = env.get_template("python_dialects.py.j2").render(
        banner=banner(spec, "dialects.yaml and format.yaml"), dialects=spec.dialects,
        versions=spec.versions, default_write=spec.default_write, version_dialects=spec.version_dialects(),
        known_versions=sorted({v for d in spec.dialects for v in d.versions}),
        version_value_dialects={v.value: spec.version_dialects()[v.id] for v in spec.versions
                                if v.id in spec.version_dialects()},
        default_version=spec.default_version())
    # framing structures
    classes: list[list[str]] = []
    module_structs: list[str] = []
    for struct in spec.types.values():
        emitter = StructEmitter(spec, struct, spec.types, "_" + struct.id.upper())
        extra = [f"SIZE: ClassVar[int] = {struct.fixed_size}"] if struct.fixed_size else []
        classes.append(emitter.emit(extra))
        module_structs += emitter.module_structs()
    files[out_dir / "framing.py"] = _render_with_imports(env.get_template("python_framing.py.j2"), dict(
        banner=banner(spec, "format.yaml"), classes=classes, module_structs=module_structs,
        constants=list(spec.constants.values()), framing=spec.framing))
    for block in spec.blocks:
        files[out_dir / "blocks" / f"{block.id}.py"] = _block_module(spec, block, env)
    files[out_dir / "blocks" / "__init__.py"] = env.get_template("python_blocks_init.py.j2").render(
        banner=banner(spec, "blocks/*.yaml"), blocks=spec.blocks)
    files[out_dir / "registry.py"] = env.get_template("python_registry.py.j2").render(
        banner=banner(spec, "blocks/*.yaml"), blocks=spec.blocks, **_registry_tables(spec))
    files[out_dir / "__init__.py"] = env.get_template("python_init.py.j2").render(
        banner=banner(spec, ""), meta=spec.meta, sources=spec.sources)
    return files


def _registry_tables(spec: Spec) -> dict[str, object]:
    """The registry's tables, computed here so that the generated module imports no block module.

    Returns:
        ``layouts``: ((type, dialect, version), (block id, class name)) pairs, later blocks
        winning a shared key; ``block_name_lines`` and ``reserved_lines``: the entries of
        ``BLOCK_NAMES`` (code -> dialect or "*" -> block id) and the reserved field ids as
        source lines, wrapped like hand-written code.
    """
    layouts: dict[tuple[int, str, int], tuple[str, str]] = {}
    names: dict[int, dict[str, str]] = {}
    for block in spec.blocks:
        for layout in block.layouts:
            for dialect in layout.dialects:
                for version in layout.payload_versions:
                    layouts[(block.code, dialect, version)] = (block.id, class_name(layout.id))
        served = names.setdefault(block.code, {})
        for dialect in block.dialects or ("*",):
            served[dialect] = block.id
        served.setdefault("*", block.id)
    structs = [*spec.types.values()]
    for block in spec.blocks:
        structs += [*block.types.values(), *block.layouts]
    reserved = sorted({f.id for s in structs for f in s.seq if f.reserved})
    lines: list[str] = []
    for item in (f"{q(r)}," for r in reserved):
        if lines and len(lines[-1]) + 1 + len(item) <= 112:
            lines[-1] += " " + item
        else:
            lines.append(item)
    name_lines: list[str] = []
    for code, served in names.items():
        items = [f"{q(dialect)}: {q(name)}," for dialect, name in served.items()]
        one = f"0x{code:04X}: {{{' '.join(items)[:-1]}}},"
        if len(one) <= 116:
            name_lines.append(one)
            continue
        name_lines.append(f"0x{code:04X}: {{")
        for item in items:
            if name_lines[-1].startswith("    ") and len(name_lines[-1]) + 1 + len(item) <= 116:
                name_lines[-1] += " " + item
            else:
                name_lines.append("    " + item)
        name_lines.append("},")
    return dict(layouts=list(layouts.items()), block_name_lines=name_lines, reserved_lines=lines)


def _docstring(text: str, indent: int) -> str:
    """Docstring body: wrapped, with the closing quotes on their own line when it spans lines."""
    body = "\n".join(_wrap(_doc_text(text), " " * indent)).lstrip()
    return body + "\n" + " " * indent if "\n" in body else body


def _py_ident(text: str) -> str:
    ident = re.sub(r"\W", "_", text).upper()
    return f"V_{ident}" if ident[:1].isdigit() else ident
