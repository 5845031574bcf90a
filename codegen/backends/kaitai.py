"""Kaitai Struct backend: emits ``generated/kaitai/memslice.ksy`` from the model.

The definition follows the KSY style guide (block YAML, two-space indent, ``meta`` /
``doc`` / ``doc-ref`` / ``seq`` / ``instances`` / ``types`` / ``enums`` in that order) so that
it can be contributed to the kaitai_struct_formats collection as is. Its shape:

* the top-level type reads the byte-order independent start of the file header (magic,
  Endianness, HeaderSize) and hands the rest to ``body``, whose ``meta/endian`` switches on
  the Endianness byte; every other type is declared inside ``body`` to inherit that order;
* ``body`` selects the file's dialect from the header (and two peeks at block 0) and reads
  the blocks until fewer than 80 bytes remain or the next 4 bytes are not the block magic;
* each block's payload goes through the custom ``process: memslice_codec(...)`` routine
  (compression framing) and is parsed with the layout its type, PayloadVersion and the
  dialect select (``payload_layout``); a block without a layout stays raw bytes;
* page-state maps are ``b2`` arrays (bit-endian ``be``: page 0 in the top bits of byte 0),
  pad8 strings are a string plus a ``*_pad`` field, flag sets are small types with one
  ``value`` and one instance per bit.

The model never changes here: every name, size, offset and constraint comes from it. What
the reader decides in code rather than in ``spec/`` (dialect detection signals, the draft
dialect's flag bit 0, memdiver's legacy compression framing) is expressed with the
dialect ids below and explained in the definition's ``doc``.
"""

from __future__ import annotations

import json
import keyword
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from memslice.codegen.errors import SpecError
from memslice.codegen.expressions import Expr, strip_outer_parens
from memslice.codegen.model import FIXED_SIZES, INT_SIZES, BlockType, Constraint, Field, Spec, Struct

KSY_NAME = "memslice.ksy"
"""File name of the definition under ``generated/kaitai``."""
CODEC = "memslice_codec"
"""Name of the custom ``process:`` routine that undoes the compression framing."""
DRAFT_DIALECT = "g0"
"""Dialect whose block flag bit 0 means HasChildren (no compression) and whose layouts use PayloadVersion 0."""
LEGACY_DIALECT = "memdiver-1.0.2"
"""Dialect recognised by the memdiver signals; its compressed payloads may use the legacy bare framing."""
WRAP = 96
"""Width of wrapped ``doc`` text."""

_YAML_WORDS = {"y", "n", "yes", "no", "true", "false", "on", "off", "null", "~"}
_PLAIN = re.compile(r"[A-Za-z_(][^#\"`]*")


# -- YAML emission ------------------------------------------------------------------------------
class Hex(int):
    """An integer written in hex (enum keys, magic numbers)."""

    digits: int = 2

    def __new__(cls, value: int, digits: int = 2) -> Hex:
        """Build one.

        Args:
            value: The value.
            digits: Minimum number of hex digits.
        """
        obj = super().__new__(cls, value)
        obj.digits = digits
        return obj


@dataclass(frozen=True)
class Literal:
    """A block scalar: ``|`` (kept lines, for docs) or ``>-`` (folded, for long expressions)."""

    lines: tuple[str, ...]
    style: str = "|"


def doc_block(text: str) -> Literal:
    """Prose as a ``|`` block, whitespace collapsed per paragraph and wrapped."""
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text.strip())]
    lines: list[str] = []
    for i, para in enumerate(paragraphs):
        if i:
            lines.append("")
        if para.startswith("* "):
            for item in re.split(r"(?:^|\s)\* ", para)[1:]:
                wrapped = textwrap.wrap(item, WRAP - 2)
                lines += ["* " + wrapped[0], *["  " + w for w in wrapped[1:]]]
        else:
            lines += textwrap.wrap(para, WRAP)
    return Literal(tuple(lines))


def scalar(value: object) -> str:
    """One YAML scalar: plain when unambiguous, else double-quoted."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Hex):
        return f"0x{int(value):0{value.digits}x}"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if (_PLAIN.fullmatch(text) and ": " not in text and not text.endswith((":", " ")) and " #" not in text
            and text.lower() not in _YAML_WORDS):
        return text
    return json.dumps(text, ensure_ascii=False)


def emit(node: dict[Any, Any], indent: int = 0) -> list[str]:
    """A mapping as block-style YAML lines."""
    pad = " " * indent
    out: list[str] = []
    for key, value in node.items():
        k = scalar(key)
        if isinstance(value, dict):
            out += [f"{pad}{k}:", *emit(value, indent + 2)] if value else [f"{pad}{k}: {{}}"]
        elif isinstance(value, list):
            out.append(f"{pad}{k}:")
            for item in value:
                if isinstance(item, dict):
                    lines = emit(item, indent + 4)
                    out.append(f"{pad}  - " + lines[0].lstrip())
                    out += lines[1:]
                else:
                    out.append(f"{pad}  - {scalar(item)}")
        elif isinstance(value, Literal):
            out.append(f"{pad}{k}: {value.style}")
            out += [f"{pad}  {line}" if line else "" for line in value.lines]
        else:
            out.append(f"{pad}{k}: {scalar(value)}")
    return out


# -- names and expressions ----------------------------------------------------------------------
def kid(text: str) -> str:
    """A Kaitai identifier for a model id (``spec-1.1`` -> ``spec_1_1``, ``import`` -> ``import_``).

    Python keeps enum value names as written, so a Python keyword gets a trailing underscore.
    """
    ident = re.sub(r"[^a-z0-9_]+", "_", text.lower()).strip("_")
    ident = ident if ident[:1].isalpha() else f"v_{ident}"
    return f"{ident}_" if keyword.iskeyword(ident) or keyword.issoftkeyword(ident) else ident




def spec_ref(spec: Spec, ref: str) -> str:
    """A ``doc-ref`` for a spec reference of the schema (``1.1:5.7``, ``cat:6.10``, ``5.2``)."""
    refs = spec.meta.get("references") or {}
    assert isinstance(refs, dict)
    source, _, section = ref.rpartition(":")
    key = {"": "spec-1.0", "1.1": "spec-1.1", "cat": "cat"}.get(source, source)
    name = str(refs.get(key, key)).split(" (")[0]
    return f"{name}, section {section}"


@dataclass
class Scope:
    """Names visible to an expression: the structure's fields and, for ``_``, an element type."""

    struct: Struct
    element: Struct | None = None

    def ref(self, f: Field | None, text: str) -> str:
        """How an expression reads a field: enums as integers, flag sets through their value."""
        if f is not None and f.enum:
            return f"{text}.to_i"
        if f is not None and f.flags:
            return f"{text}.value"
        return text


def render(expr: Expr, scope: Scope) -> str:
    """A schema expression in Kaitai syntax (``//`` -> ``/``, ``pad8(x)`` spelled out)."""
    fields = {f.id: f for f in scope.struct.seq}
    element = {f.id: f for f in scope.element.seq} if scope.element else {}
    return strip_outer_parens(expr.render(
        lambda n: scope.ref(fields.get(n), n),
        floordiv="/",
        pad8=lambda x: f"(({strip_outer_parens(x)} + 7) / 8 * 8)",
        attr=lambda obj, a: scope.ref(element.get(a), f"{obj}.{a}")))


def ternary(branches: list[tuple[str, str]], default: str) -> Literal:
    """``c1 ? v1 : c2 ? v2 : default`` as a folded block, one branch per line pair."""
    lines: list[str] = []
    for i, (cond, value) in enumerate(branches):
        lines += [("" if i == 0 else ": ") + cond, f"? {value}"]
    lines.append(f": {default}")
    return Literal(tuple(lines), ">-")


# -- the builder --------------------------------------------------------------------------------
@dataclass
class KsyBuilder:
    """Builds the definition from the model.

    Args:
        spec: The checked model.
    """

    spec: Spec
    structs: dict[str, Struct] = field(default_factory=dict)
    owners: dict[str, BlockType] = field(default_factory=dict)

    def __post_init__(self) -> None:
        taken = {"body", "block", "page_state_map"} | set(self.spec.flags)
        for s in self.spec.types.values():
            self._claim(s, None, taken)
        for b in self.spec.blocks:
            for s in [*b.layouts, *b.types.values()]:
                self._claim(s, b, taken)
        self.dialect_ids = [d.id for d in self.spec.dialects]

    def _claim(self, s: Struct, block: BlockType | None, taken: set[str]) -> None:
        if s.id in taken:
            raise SpecError(s.path, f"Kaitai type name {s.id!r} is used twice in the definition")
        taken.add(s.id)
        self.structs[s.id] = s
        if block is not None:
            self.owners[s.id] = block

    def refs(self, ref: str) -> str:
        """``doc-ref`` text of a spec reference."""
        return spec_ref(self.spec, ref)

    # -- fields ---------------------------------------------------------------------------------
    def valid(self, f: Field, s: Struct) -> dict[str, Any] | None:
        """``valid:`` for a value a consumer rejects (``C`` rules) or that framing cannot do without."""
        v = f.valid
        if v is None or not f.is_int or not (v.rejects or s.id in self.spec.types):
            return None
        if f.enum:
            names = {e.value: e.id for e in self.spec.enums[f.enum].values}
            if v.any_of is not None and all(x in names for x in v.any_of):
                return {"any-of": [f"{f.enum}::{names[x]}" for x in v.any_of]}
            return {"expr": " and ".join(self._checks(v, "_.to_i"))}
        out: dict[str, Any] = {}
        if v.min is not None:
            out["min"] = v.min
        if v.max is not None:
            out["max"] = v.max
        if v.any_of is not None:
            out["any-of"] = list(v.any_of)
        if v.eq is not None:
            out["eq"] = v.eq
        return out

    @staticmethod
    def _checks(v: Constraint, ref: str) -> list[str]:
        checks = []
        if v.min is not None:
            checks.append(f"{ref} >= {v.min}")
        if v.max is not None:
            checks.append(f"{ref} <= {v.max}")
        if v.any_of is not None:
            checks.append("(" + " or ".join(f"{ref} == {x}" for x in v.any_of) + ")")
        if v.eq is not None:
            checks.append(f"{ref} == {v.eq}")
        return checks

    def field_doc(self, f: Field, s: Struct) -> Literal:
        """Doc of a field: the spec's own name, the prose, the constraints Kaitai does not check."""
        text = f.doc
        if f.reserved:
            text = "Reserved: producers write zero, consumers ignore it (rules P5, C5)." if text.strip() in (
                "Reserved; zero.", "Zero.") else f"{text} Producers write zero, consumers ignore it (rules P5, C5)."
        parts = [f"{f.orig}: {text}" if f.orig else text]
        v = f.valid
        if f.contents is not None:
            parts.append(f"Consumers reject other bytes (rule {v.rule if v and v.rule else 'C1'}).")
        elif v is not None and self.valid(f, s) is None:
            parts.append(f"Producers keep it {', '.join(self._checks(v, 'the value'))} (rule {v.rule or 'none'}); "
                         "consumers accept other values, so this definition does not check it.")
        if f.optional_tail:
            parts.append("Optional tail: present only when the payload has bytes left.")
        if f.erratum is not None:
            parts.append(f"Alignment exception {f.erratum.id}: {f.erratum.reason}")
        return doc_block(" ".join(parts))

    def size_of(self, f: Field, scope: Scope) -> str | int | None:
        """The ``size:`` of a field, or None."""
        if f.size is None:
            return None
        const = f.size.constant()
        return const if const is not None else render(f.size, scope)

    def attrs(self, f: Field, s: Struct) -> list[dict[str, Any]]:
        """The attribute(s) of one field: the field itself and, for ``pad: 8``, its padding."""
        scope = Scope(s, self.structs.get(f.type))
        a: dict[str, Any] = {"id": f.id}
        size = self.size_of(f, scope)
        if f.contents is not None:
            a["contents"] = f.contents.decode("ascii")
        elif f.is_int:
            a["type"] = f.flags if f.flags else f.type
            if f.enum:
                a["enum"] = f.enum
            valid = self.valid(f, s)
            if valid:
                a["valid"] = valid
        elif f.type in ("uuid", "hash"):
            a["size"] = FIXED_SIZES[f.type]
        elif f.type == "bytes":
            if f.size_eos:
                a["size-eos"] = True
            else:
                a["size"] = size
            if f.role == "page_state_map":
                a["type"] = f"page_state_map({self._num_pages(s)})"
        elif f.type == "str":
            a["type"] = "strz" if f.term == "nul" else "str"
            if f.size_eos:
                a["size-eos"] = True
            else:
                a["size"] = size
            if f.term == "nul_padded":
                a["pad-right"] = 0
        elif f.type == "switch":
            a["size"] = size
            a["type"] = self.switch(f, s)
        else:
            a["type"] = f.type
            if size is not None:
                a["size"] = size
            elif f.size_eos:
                a["size-eos"] = True
        if f.repeat == "expr":
            assert f.repeat_expr is not None
            a["repeat"] = "expr"
            a["repeat-expr"] = render(f.repeat_expr, scope)
        elif f.repeat == "eos":
            a["repeat"] = "eos"
        elif f.repeat == "until":
            assert f.repeat_until is not None
            least = max(self.min_size(self.structs[f.type]), 1)
            a["repeat"] = "until"
            a["repeat-until"] = f"{render(f.repeat_until, scope)} or _io.size - _io.pos < {least}"
        conds = []
        if f.repeat == "until":
            conds.append(f"_io.size - _io.pos >= {max(self.min_size(self.structs[f.type]), 1)}")
        if f.cond is not None:
            conds.append(render(f.cond, scope))
        if f.optional_tail:
            conds.append("tail_present")
        if conds:
            a["if"] = " and ".join(f"({c})" if " or " in c else c for c in conds)
        a["doc"] = self.field_doc(f, s)
        a["doc-ref"] = self.refs(f.spec)
        out = [a]
        if f.pad == 8 and size is not None:
            pad: dict[str, Any] = {"id": f"{f.id}_pad",
                                   "size": f"(8 - {size} % 8) % 8" if isinstance(size, str) and " " not in size
                                   else f"(8 - ({size}) % 8) % 8" if isinstance(size, str) else (-size) % 8}
            if "if" in a:
                pad["if"] = a["if"]
            pad["doc"] = doc_block(f"Zero bytes that pad {f.id} to a multiple of 8 (rule P6; not checked here).")
            out.append(pad)
        return out

    def _num_pages(self, s: Struct) -> str:
        if "num_pages" in s.instances or any(g.id == "num_pages" for g in s.seq):
            return "num_pages"
        raise SpecError(s.path, "a page_state_map field needs a num_pages field or instance")

    def switch(self, f: Field, s: Struct) -> dict[str, Any]:
        """``type: switch-on`` of a ``switch`` field, with enum case keys when the selector is an enum."""
        assert f.switch_on is not None
        selector = f.switch_on.source.strip()
        sel_field = next((g for g in s.seq if g.id == selector), None)
        if sel_field is not None and sel_field.enum:
            names = {e.value: e.id for e in self.spec.enums[sel_field.enum].values}
            if all(k in names for k in f.cases):
                return {"switch-on": selector,
                        "cases": {f"{sel_field.enum}::{names[k]}": v for k, v in sorted(f.cases.items())}}
        return {"switch-on": render(f.switch_on, Scope(s)), "cases": {Hex(k): v for k, v in sorted(f.cases.items())}}

    def min_size(self, s: Struct) -> int:
        """Bytes of the fixed head of a structure (what the reader requires before one more element)."""
        total = 0
        for f in s.seq:
            if f.optional_tail or f.cond is not None or f.repeat or f.fixed_size is None:
                break
            total += f.fixed_size
        return total

    # -- structures -----------------------------------------------------------------------------
    def struct_doc(self, s: Struct) -> Literal:
        """Doc of a structure: its prose, and for a payload layout where it applies."""
        text = s.doc
        block = self.owners.get(s.id)
        if s.block and block is not None:
            text = (f"Payload layout of {block.title} (block type 0x{block.code:04X}) in dialects "
                    f"{', '.join(s.dialects)}, PayloadVersion {', '.join(str(v) for v in s.payload_versions)}. "
                    + text)
        elif block is not None:
            text = f"{text} (Part of {block.title}.)"
        if s.packed:
            text += f" Packed: {s.packed}"
        return doc_block(text)

    def struct_type(self, s: Struct) -> dict[str, Any]:
        """A structure of the model as a Kaitai type."""
        t: dict[str, Any] = {"doc": self.struct_doc(s), "doc-ref": self.refs(s.spec)}
        t["seq"] = [a for f in s.seq for a in self.attrs(f, s)]
        instances: dict[str, Any] = {}
        if any(f.optional_tail for f in s.seq):
            instances["tail_present"] = {
                "value": "not _io.eof",
                "doc": doc_block("Whether the optional tail fields are present: evaluated once, by the first "
                                 "of them, when the payload still has bytes left at that point."),
            }
        for inst in s.instances.values():
            instances[inst.id] = {"value": render(inst.value, Scope(s)), "doc": doc_block(inst.doc),
                                  "doc-ref": self.refs(inst.spec)}
        if instances:
            t["instances"] = instances
        return t

    def flag_type(self, flag_id: str, int_type: str) -> dict[str, Any]:
        """A flag set as a type: the integer and one instance per bit (or enum-valued bit field)."""
        fs = self.spec.flags[flag_id]
        width = 8 * INT_SIZES[int_type]
        full = (1 << width) - 1
        instances: dict[str, Any] = {}
        known = 0
        for bit in fs.bits:
            if bit.bit + bit.width > width:
                continue
            known |= bit.mask
            if bit.width == 1:
                inst: dict[str, Any] = {"value": f"(value & 0x{bit.mask:x}) != 0"}
            else:
                inst = {"value": f"(value >> {bit.bit}) & 0x{(1 << bit.width) - 1:x}"}
                if bit.enum:
                    inst["enum"] = bit.enum
            inst["doc"] = doc_block(f"Bit {bit.bit}" + (f"-{bit.bit + bit.width - 1}" if bit.width > 1 else "")
                                    + f" (since {bit.since}): {bit.doc}")
            instances[bit.id] = inst
        instances["unknown_bits"] = {
            "value": f"value & 0x{full & ~known:x}",
            "doc": doc_block("Bits this definition does not name (0 in a file that uses only known bits)."),
        }
        return {
            "doc": doc_block(fs.doc),
            "doc-ref": self.refs(fs.spec),
            "seq": [{"id": "value", "type": int_type, "doc": doc_block("The flags as stored.")}],
            "instances": instances,
        }

    def flag_widths(self) -> dict[str, str]:
        """Flag set id -> the integer type every field using it has."""
        widths: dict[str, str] = {}
        for s in self.structs.values():
            for f in s.seq:
                if f.flags:
                    if widths.setdefault(f.flags, f.type) != f.type:
                        raise SpecError(f.path, f"flag set {f.flags} is used as {widths[f.flags]} and {f.type}")
        return widths

    # -- framing: body, block, dialect ----------------------------------------------------------
    def dialect_ref(self, dialect_id: str) -> str:
        """``dialect::x`` of a dialect id."""
        return f"dialect::{kid(dialect_id)}"

    def split_header(self) -> tuple[list[Field], list[Field]]:
        """The file header's byte-order independent head (read by the top level) and the rest."""
        seq = self.spec.types["file_header"].seq
        n = 0
        while n < len(seq) and (seq[n].type in ("bytes", "u1", "s1") and seq[n].repeat is None):
            n += 1
        if not any(f.enum == "endianness" for f in seq[:n]):
            raise SpecError("format.yaml:types.file_header", "the Endianness byte must precede every wider field")
        return seq[:n], seq[n:]

    def file_header_rest(self) -> dict[str, Any]:
        """The file header from the first byte-order dependent field on."""
        head, rest = self.split_header()
        s = self.spec.types["file_header"]
        part = Struct(s.id, s.doc, s.spec, s.path, rest, s.instances)
        t = self.struct_type(part)
        t["doc"] = doc_block(
            f"{s.doc} This type holds the fields from {rest[0].orig or rest[0].id} on; "
            f"{', '.join(f.orig or f.id for f in head)} are read by the top-level type because they decide "
            "the byte order.")
        return t

    def dialect_value(self) -> Literal:
        """How the file's dialect is chosen (mirrors the reader where Kaitai can express it)."""
        branches: list[tuple[str, str]] = []
        by_version: dict[int, list[str]] = {}
        for d in self.spec.dialects:
            for v in d.versions:
                by_version.setdefault(v, []).append(d.id)
        for v, ds in by_version.items():
            if len(ds) == 1:
                branches.append((f"header.version == 0x{v:04x}", self.dialect_ref(ds[0])))
        if DRAFT_DIALECT in self.dialect_ids:
            branches.append(("has_blocks and block0_payload_version == 0", self.dialect_ref(DRAFT_DIALECT)))
        if LEGACY_DIALECT in self.dialect_ids:
            signals = ["has_blocks and block0_prev_hash_zero"]
            if any(f.id == "block_count" for f in self.spec.types["file_header"].seq):
                signals.insert(0, "header.block_count != 0")
            branches.append((" or ".join(f"({s})" if " and " in s else s for s in signals),
                             self.dialect_ref(LEGACY_DIALECT)))
        return ternary(branches, self.dialect_ref(self.spec.default_write))

    def layout_value(self) -> Literal:
        """Which payload layout decodes a block: block type, PayloadVersion and dialect."""
        codes: dict[int, int] = {}
        for b in self.spec.blocks:
            codes[b.code] = codes.get(b.code, 0) + 1
        block_names = self.block_type_names()
        branches = []
        for b in self.spec.blocks:
            for layout in b.layouts:
                conds = [f"header.block_type.to_i == 0x{b.code:04x}" if codes[b.code] > 1
                         else f"header.block_type == block_type::{block_names[b.code]}"]
                pvs = layout.payload_versions
                conds.append(" or ".join(f"header.payload_version == {v}" for v in pvs))
                if set(layout.dialects) != set(self.dialect_ids):
                    conds.append(" or ".join(f"_parent.dialect == {self.dialect_ref(d)}" for d in layout.dialects))
                branches.append((" and ".join(f"({c})" if " or " in c else c for c in conds),
                                 f"payload_layout::{layout.id}"))
        return ternary(branches, "payload_layout::none")

    def block_type_names(self) -> dict[int, str]:
        """Code -> the enum name Kaitai uses (a shared code takes the default dialect's block)."""
        names: dict[int, str] = {}
        for b in self.spec.blocks:
            if b.code not in names or self.spec.default_write in b.dialects:
                names[b.code] = b.id
        return names

    def block_type(self) -> dict[str, Any]:
        """One block: the 80-byte header, then the payload through the codec and the layout switch."""
        header_size = self.spec.types["block_header"].fixed_size
        magic = int.from_bytes(str(self.spec.constants["block_magic"].value).encode("ascii"), "big")
        cases = {f"payload_layout::{lay.id}": lay.id for b in self.spec.blocks for lay in b.layouts}
        comp = ["header.flags.compressed", "layout != payload_layout::none"]
        if DRAFT_DIALECT in self.dialect_ids:
            comp.insert(1, f"_parent.dialect != {self.dialect_ref(DRAFT_DIALECT)}")
        legacy = (f"_parent.dialect == {self.dialect_ref(LEGACY_DIALECT)}" if LEGACY_DIALECT in self.dialect_ids
                  else "false")
        return {
            "doc": doc_block(
                f"One block: the {header_size}-byte block header, then BlockLength - {header_size} payload bytes "
                "on disk. The payload is inflated by the custom process routine memslice_codec when the block "
                "is compressed and has a layout here (it gets: compressed?, CompAlgo, little-endian?, legacy "
                "framing allowed?), then parsed with the layout chosen by `layout`; a block whose type, "
                "PayloadVersion or dialect has no layout keeps its raw bytes and is skipped by BlockLength "
                "(rules C3, C7)."),
            "doc-ref": self.refs("4"),
            "params": [{"id": "ofs_block", "type": "u8",
                        "doc": doc_block("File offset of the block (the position it is read from).")}],
            "seq": [
                {"id": "header", "type": "block_header", "doc": doc_block("The block header.")},
                {"id": "payload", "size": f"header.block_length - {header_size}",
                 "process": f"{CODEC}(is_compressed, header.flags.comp_algo.to_i, "
                            f"_root.endianness == endianness::little, {legacy})",
                 "type": {"switch-on": "layout", "cases": cases},
                 "doc": doc_block(
                     "The payload, decoded with its layout. Compressed payloads on disk are a u64 "
                     "UncompressedSize in the file's byte order and one zstd frame (CompAlgo 1) or one LZ4 block "
                     "with a 4-byte little-endian size prefix (CompAlgo 2); memdiver's legacy files hold a bare "
                     "zstd frame or LZ4 frame. The routine checks the inflated size against UncompressedSize "
                     "(rule V11-C20)."),
                 "doc-ref": self.refs("1.1:4.2.1")},
            ],
            "instances": {
                "layout": {"value": self.layout_value(), "enum": "payload_layout",
                           "doc": doc_block("The payload layout for this block type, PayloadVersion and the file's "
                                            "dialect (none: skip the block by BlockLength).")},
                "is_compressed": {
                    "value": " and ".join(comp),
                    "doc": doc_block("The payload is inflated before parsing: flag Compressed is set, the block has a "
                                     "layout, and the file is not of the draft dialect (where flag bit 0 means "
                                     "HasChildren)."),
                },
                "ofs_end": {"value": "ofs_block + header.block_length",
                            "doc": doc_block("File offset just past this block.")},
                "next_magic": {
                    "pos": "ofs_end", "type": "u4be", "if": "_io.size - ofs_end >= 4",
                    "doc": doc_block("The 4 bytes after this block (a peek)."),
                },
                "has_successor": {
                    "value": f"_io.size - ofs_end >= {header_size} and next_magic == 0x{magic:08x}",
                    "doc": doc_block(
                        f"Another block follows: at least {header_size} bytes remain after this one and they "
                        "start with the block magic (rule C4)."),
                    "doc-ref": self.refs("12.2(4)"),
                },
            },
        }

    def body_type(self, types: dict[str, Any]) -> dict[str, Any]:
        """Everything after the first bytes of the header, in the file's byte order."""
        magic = int.from_bytes(str(self.spec.constants["block_magic"].value).encode("ascii"), "big")
        block_size = self.spec.types["block_header"].fixed_size
        bh = self.spec.types["block_header"]
        pv_ofs = bh.field("payload_version").offset
        prev_ofs = bh.field("prev_hash").offset
        enc_size = self.spec.constants["header_size_encrypted"].value
        encrypted_bit = next(b for b in self.spec.flags["header_flags"].bits if b.id == "encrypted")
        seq: list[dict[str, Any]] = [
            {"id": "header", "type": "file_header", "doc": doc_block("The rest of the file header.")},
            {"id": "encryption", "type": "encryption_header", "if": f"_root.header_size == {enc_size}",
             "doc": doc_block("The encryption extension of a 128-byte header."),
             "doc-ref": self.refs("1.1:10.1")},
            {"id": "kem_ciphertext", "size": "encryption.len_kem_ct", "if": "is_encrypted",
             "doc": doc_block("KEM ciphertext of an encrypted file (KEMCtLen bytes)."),
             "doc-ref": self.refs("1.1:10.3")},
            {"id": "sealed_stream", "size-eos": True, "if": "is_encrypted",
             "doc": doc_block("The AEAD ciphertext of the block stream and its 16-byte tag. Kaitai Struct cannot "
                              "decrypt it: decrypt it outside and parse the plaintext blocks with the block type."),
             "doc-ref": self.refs("1.1:10.2")},
            {"id": "blocks", "type": "block(_io.pos)", "repeat": "until", "repeat-until": "not _.has_successor",
             "if": "has_blocks",
             "doc": doc_block("The blocks: the capture segment (up to End-of-Capture), extension segments (each "
                              "closed by End-of-Extension) and blocks of no closed segment, in file order. The "
                              "list ends when fewer than 80 bytes remain or the next 4 bytes are not the block "
                              "magic (rule C4).")},
            {"id": "trailing", "size-eos": True, "if": "not is_encrypted",
             "doc": doc_block("Bytes after the last block: trailing data, never presented as blocks (V11-C14)."),
             "doc-ref": self.refs("1.1:14.2(14)")},
        ]
        instances: dict[str, Any] = {
            "is_encrypted": {"value": "header.flags.encrypted",
                             "doc": doc_block(f"Header flag Encrypted (bit {encrypted_bit.bit}): the block stream "
                                              "is sealed.")},
            "has_blocks": {
                "value": f"not is_encrypted and _io.size - _root.header_size >= {block_size} "
                         f"and block0_magic == 0x{magic:08x}",
                "doc": doc_block("Block 0 is present at HeaderSize (rules C2, C4)."),
            },
            "block0_magic": {"pos": "_root.header_size", "type": "u4be",
                             "doc": doc_block("The first 4 bytes at HeaderSize (peek).")},
            "block0_payload_version": {"pos": f"_root.header_size + {pv_ofs}", "type": "u2",
                                       "doc": doc_block("PayloadVersion of block 0 (peek, for the dialect).")},
            "block0_prev_hash": {"pos": f"_root.header_size + {prev_ofs}", "size": FIXED_SIZES["hash"],
                                 "doc": doc_block("PrevHash of block 0 (peek, for the dialect).")},
            "block0_prev_hash_zero": {"value": "block0_prev_hash == [" + ", ".join(["0"] * FIXED_SIZES["hash"]) + "]",
                                      "doc": doc_block("Block 0's PrevHash is all zero (pre-1.1 MemDiver).")},
            "dialect": {
                "value": self.dialect_value(), "enum": "dialect",
                "doc": doc_block(
                    "The file's dialect, which picks payload layouts: by header Version where only one dialect "
                    "uses it; for the shared Version, the draft layout when block 0 has PayloadVersion 0, "
                    "memdiver when the header BlockCount is set or block 0's PrevHash is all zero, else the "
                    "default. The memslice reader also looks at every block (legacy compression framing, "
                    "unpadded payloads, 56-byte Related Dump, Module Entry ending at DiskHash, PayloadVersion 0 "
                    "throughout); Kaitai cannot aggregate over blocks, so files recognised only by those "
                    "signals are read with the default dialect here."),
                "doc-ref": self.refs("cat:1"),
            },
        }
        return {
            "meta": {"endian": {"switch-on": "_root.endianness",
                                "cases": {"endianness::little": "le", "endianness::big": "be"}}},
            "doc": doc_block("The file after its byte-order independent start, in the byte order the "
                             "Endianness byte gives (rules C1, P2)."),
            "doc-ref": self.refs("3.1"),
            "seq": seq,
            "instances": instances,
            "types": types,
        }

    def page_state_map_type(self) -> dict[str, Any]:
        """The 2-bit page states, page 0 in the two most significant bits of byte 0."""
        doc, ref = self.spec.framing.get("page_state_map", ("2 bits per page.", "6"))
        return {
            "meta": {"bit-endian": "be"},
            "doc": doc_block(doc),
            "doc-ref": self.refs(ref),
            "params": [{"id": "num_pages", "type": "u8", "doc": doc_block("Number of pages of the region.")}],
            "seq": [{"id": "states", "type": "b2", "enum": "page_state", "repeat": "expr",
                     "repeat-expr": "num_pages", "doc": doc_block("State of each page, page 0 first.")}],
        }

    # -- enums ----------------------------------------------------------------------------------
    def enums(self) -> dict[str, Any]:
        """Every enumeration, plus the dialects and the payload layouts."""
        out: dict[str, Any] = {}
        for e in self.spec.enums.values():
            values: dict[Any, Any] = {}
            names = self.block_type_names() if e.id == "block_type" else None
            digits = max(2, max((len(f"{v.value:x}") for v in e.values), default=2))
            digits = 4 if digits == 3 else digits
            for v in e.values:
                if names is not None and names.get(v.value) != v.id:
                    continue
                doc = v.doc
                if names is not None:
                    aliases = [b for b in self.spec.blocks if b.code == v.value and b.id != v.id]
                    if aliases:
                        doc += " Same code: " + "; ".join(
                            f"{b.id} in dialect(s) {', '.join(b.dialects) or 'none'}" for b in aliases) + "."
                values[Hex(v.value, digits)] = {"id": kid(v.id), "doc": doc_block(doc)}
            out[e.id] = values
        out["dialect"] = {Hex(i + 1): {"id": kid(d.id), "doc": doc_block(f"{d.title}. {d.doc}")}
                          for i, d in enumerate(self.spec.dialects)}
        layouts: dict[Any, Any] = {Hex(0): {"id": "none", "doc": doc_block("No layout: the block is skipped.")}}
        n = 0
        for b in self.spec.blocks:
            for lay in b.layouts:
                n += 1
                layouts[Hex(n)] = {"id": lay.id, "doc": doc_block(
                    f"{b.title} (0x{b.code:04X}), dialects {', '.join(lay.dialects)}, "
                    f"PayloadVersion {', '.join(str(v) for v in lay.payload_versions)}.")}
        out["payload_layout"] = layouts
        return out

    # -- the whole definition -------------------------------------------------------------------
    def types(self) -> dict[str, Any]:
        """Every type declared inside ``body``."""
        types: dict[str, Any] = {"file_header": self.file_header_rest()}
        for s in self.spec.types.values():
            if s.id != "file_header":
                types[s.id] = self.struct_type(s)
        types["block"] = self.block_type()
        for flag_id, int_type in self.flag_widths().items():
            types[flag_id] = self.flag_type(flag_id, int_type)
        types["page_state_map"] = self.page_state_map_type()
        for b in self.spec.blocks:
            for s in [*b.layouts, *b.types.values()]:
                types[s.id] = self.struct_type(s)
        return types

    def top(self) -> dict[str, Any]:
        """The top-level type (without ``meta`` and ``doc``, which the template writes)."""
        head, _ = self.split_header()
        s = self.spec.types["file_header"]
        seq = [a for f in head for a in self.attrs(f, s)]
        seq.append({"id": "body", "type": "body",
                    "doc": doc_block("The rest of the file, in the byte order given by endianness.")})
        return {"seq": seq, "types": {"body": self.body_type(self.types())}, "enums": self.enums()}

    def cannot_express(self) -> list[str]:
        """What this definition leaves to host code."""
        return [
            "Integrity: the PrevHash chain, the End-of-Capture FileHash, End-of-Extension SegmentHash and "
            "DiskHash need hash functions (BLAKE3, SHA-256, SHA-512/256), which the expression language "
            "lacks (rules P4, CS1, CS2).",
            "Decryption: the sealed stream of an encrypted file (AEAD, Argon2id, KEM) is kept as bytes.",
            "Segments: which blocks form the capture segment and which extension segment is verified and "
            "terminated (V11-C23) needs counting End-of-Capture / End-of-Extension blocks; so do the "
            "BlockCount checks (V11-C13, V11-P34). Blocks are listed in file order and the definition stops "
            "exactly where the end-of-blocks rule C4 says (fewer than 80 bytes left or no block magic), so "
            "trailing data is kept as bytes instead of failing the parse.",
            "Dialect detection signals that need all blocks (see body.dialect).",
            "Page data per page: the PageData offset of page i is the number of Captured pages before it (a "
            "prefix sum), Continuation fragments are reassembled by ParentUUID, and UUID references (Key Hint "
            "to Memory Region, Module Entry to Module List Index) are lookups: all host code.",
            "Text: strings are UTF-8 and cut at the first NUL (strz); the memslice reader keeps bytes up to "
            "the final NUL and shows invalid UTF-8 as escapes, where Kaitai runtimes raise.",
            "Producer rules (reserved fields and padding are zero, P5/P6; lengths and counts in range) are "
            "documented on the fields but not checked, because consumers must accept such files; valid: is "
            "used only for values a consumer must reject (C1, C6, C10) and for framing the parse depends on.",
            "The custom process routine memslice_codec (zstd and LZ4) must be supplied for each target "
            "language; memslice ships it for Python, JavaScript and Java under tools/kaitai/.",
        ]


def _banner(spec: Spec) -> list[str]:
    return [
        "# Generated from spec/ by `msl codegen` (memslice). Do not edit: change spec/ and regenerate.",
        "# Compile with kaitai-struct-compiler 0.11; the process routine memslice_codec is in tools/kaitai/.",
    ]


def generate_kaitai(spec: Spec, out_dir: Path, templates: Path) -> dict[Path, str]:
    """Render the Kaitai Struct definition of the whole format.

    Args:
        spec: The checked model.
        out_dir: The ``generated/kaitai`` folder (paths of the result are under it).
        templates: Folder of the jinja2 templates (``kaitai_*.j2``).

    Returns:
        Path -> file text, for the caller to write or compare.
    """
    builder = KsyBuilder(spec)
    top = builder.top()
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates)), keep_trailing_newline=True,
                             undefined=jinja2.StrictUndefined, autoescape=False)  # noqa: S701 (YAML, not HTML)
    meta = {
        "id": str(spec.meta["id"]),
        "title": str(spec.meta["title"]),
        "application": ["memslicer", "memdiver", "memslice"],
        "file-extension": str(spec.meta["file_extension"]),
        "license": str(spec.meta["license"]),
        "ks-version": "0.11",
        "encoding": "UTF-8",
    }
    refs = spec.meta.get("references") or {}
    assert isinstance(refs, dict)
    doc = doc_block("\n\n".join([
        str(spec.meta["doc"]),
        "Byte order: the Endianness byte at offset 8 selects little- or big-endian for every structural "
        "integer after the first 10 bytes; UUIDs and hashes are byte strings.",
        "Dialects: besides the public specification 1.0.0 and the unpublished 1.1 written by memslicer 0.5.2, "
        "files from memdiver 1.0.2 and from the pre-1.0 draft differ in some payload layouts; body.dialect "
        "picks the dialect and block.layout the layout (see their docs).",
        "What Kaitai Struct cannot express here, and is left to host code:",
        "\n".join("* " + line for line in builder.cannot_express()),
    ]))
    text = env.get_template("kaitai_memslice.ksy.j2").render(
        banner=_banner(spec),
        meta=emit({"meta": meta}),
        doc=emit({"doc": doc, "doc-ref": [str(v) for v in refs.values()]}),
        body=emit(top),
    )
    return {out_dir / KSY_NAME: text}


__all__: list[str] = ["CODEC", "KSY_NAME", "generate_kaitai"]
