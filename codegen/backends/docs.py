"""Docs backend: the reference manual under ``generated/docs/``, rendered from the model only.

Pages (Markdown): ``README.md`` (index, versions, dialects, constants, how to regenerate),
``framing.md`` (file header, block header and the framing rules), ``registry.md`` (the block
registry by version and dialect), ``blocks/<id>.md`` (one page per block type: every payload
layout and sub-type as a field table), ``enums.md`` (enumerations and flag sets),
``rules.md`` (numbered conformance rules), ``errata.md`` (where the public spec, the 1.1
tools and this schema differ) and ``changelog.md`` (what each version introduced).
Figures (SVG): one byte-layout figure per structure under
``figures/``, drawn to scale for the fixed head (rows of 8 bytes), embedded in the pages.

Everything is a pure function of the model, so the output is byte-identical across runs
and ``msl codegen --check`` covers it like the generated code.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from memslice.codegen.backends.changelog import changelog_page
from memslice.codegen.model import FIXED_SIZES, INT_SIZES, BlockType, Field, Spec, Struct

# -- figure geometry (pixels) ---------------------------------------------------------------
BYTE_W = 88
"""Width of one byte column."""
ROW_H = 52
"""Height of one 8-byte row of the fixed head."""
VAR_H = 30
"""Height of a row standing for a variable-size or variable-offset field (not to scale)."""
LEFT = 58
"""Left margin holding the row offsets."""
TOP = 46
"""Top margin holding the caption and the byte ruler."""
RIGHT = 14
"""Right margin."""
CHAR_W = 0.6
"""Advance width of the monospace font, in em (DejaVu Sans Mono, Menlo and Consolas: 0.6)."""
FONT = "DejaVu Sans Mono, Menlo, Consolas, Liberation Mono, monospace"
"""Font stack of the figures; every label is fitted assuming a 0.6 em advance."""

STYLES: dict[str, dict[str, str]] = {
    "field": {"fill": "#ffffff", "stroke": "#34495e", "dash": "", "text": "#1b2631", "label": "field"},
    "reserved": {"fill": "#e5e8e8", "stroke": "#7f8c8d", "dash": "", "text": "#566573",
                 "label": "reserved (write 0, ignore)"},
    "contents": {"fill": "#d6eaf8", "stroke": "#2e86c1", "dash": "", "text": "#1b2631", "label": "fixed contents"},
    "erratum": {"fill": "#fdebd0", "stroke": "#d35400", "dash": "", "text": "#1b2631",
                "label": "breaks 8-byte alignment (erratum)"},
    "optional": {"fill": "#ffffff", "stroke": "#34495e", "dash": "5 3", "text": "#1b2631",
                 "label": "optional tail"},
    "variable": {"fill": "#f4f6f7", "stroke": "#7f8c8d", "dash": "6 4", "text": "#1b2631",
                 "label": "variable offset or size (not to scale)"},
}
"""Box styles of the figures, with their legend text."""

_ERRATUM_ID = re.compile(r"(?<![\w.])([ED])(\d{1,2})(?!\w)")
_SCHEMA_RULES = {"reserved": ("P5", "C5"), "pad": ("P6",)}
"""Rules the schema language ties to ``reserved: true`` and ``pad: 8`` (spec/README.md)."""
_TERM = {"nul": "NUL-terminated", "none": "unterminated", "nul_padded": "NUL-padded"}
_ROLES = {
    "page_state_map": "Role: the page-state map (2 bits per page).",
    "page_data": "Role: the page data (PageSize bytes per Captured page).",
    "file_hash": "Role: the file hash (of every byte before this block).",
    "uuid_ref": "Role: names another block by its BlockUUID.",
    "dump_uuid_ref": "Role: names another dump by its DumpUUID.",
}
_SPEC_NAMES = {"": "1.0", "1.1": "1.1", "cat": "cat."}


# -- text helpers ---------------------------------------------------------------------------
def prose(text: str) -> str:
    r"""Prose of the YAML as one Markdown line, safe inside a table cell.

    Whitespace collapses to single spaces; ``|`` and ``\\`` are escaped, ``<`` becomes
    ``&lt;`` (so ``<human string>`` is not taken for HTML) and ``*``/``_`` that could start
    emphasis are escaped.

    Args:
        text: Plain text from the model.

    Returns:
        The Markdown text.
    """
    out = " ".join(text.split())
    out = out.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace("*", "\\*")
    out = re.sub(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])", r"\\_", out)
    return out


def code(text: str) -> str:
    """A Markdown code span, safe inside a table cell.

    Args:
        text: The literal text.

    Returns:
        The code span.
    """
    text = " ".join(text.split()).replace("|", "\\|")
    fence = "``" if "`" in text else "`"
    pad = " " if fence == "``" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def spec_ref(ref: str) -> str:
    """A spec reference of the schema as readers know it (``1.1:5.7`` -> ``1.1 §5.7``).

    Args:
        ref: ``"5.2"`` (public spec 1.0.0), ``"1.1:5.7"`` (unpublished 1.1) or ``"cat:6.10"``
            (the format catalogue).

    Returns:
        The reference text.
    """
    source, _, section = ref.rpartition(":")
    return f"{_SPEC_NAMES.get(source, source)} §{section}"


def hex_code(value: int, digits: int) -> str:
    """``0x`` and upper-case hex digits, zero-filled to ``digits``.

    Args:
        value: The value.
        digits: Minimum number of hex digits.

    Returns:
        The text.
    """
    return f"0x{value:0{digits}X}" if value >= 0 else f"-0x{-value:0{digits}X}"


def anchor(kind: str, ident: str) -> str:
    """A stable HTML id (lower case, ``[a-z0-9-]``) for headings and links.

    Args:
        kind: Prefix (``layout``, ``type``, ``enum``, ``flags``, ``rule``, ``dialect``...).
        ident: The item's id.

    Returns:
        The anchor id.
    """
    return kind + "-" + re.sub(r"[^a-z0-9]+", "-", ident.lower()).strip("-")


def erratum_anchor(eid: str) -> str:
    """Anchor of an erratum id on the errata page (``E4`` -> ``e4``)."""
    return re.sub(r"[^a-z0-9]+", "-", eid.lower())


def erratum_sort_key(eid: str) -> tuple[int, int, str]:
    """Order of erratum ids: spec errata (E) first, then deviations (D), numerically."""
    m = re.fullmatch(r"([A-Z]+)(\d+)", eid)
    if not m:
        return (2, 0, eid)
    return (0 if m.group(1) == "E" else 1, int(m.group(2)), eid)


def erratum_ids(text: str) -> list[str]:
    """Erratum ids (``E1``, ``D16``) a text mentions, in order of first mention."""
    seen: list[str] = []
    for m in _ERRATUM_ID.finditer(text):
        eid = m.group(1) + m.group(2)
        if eid not in seen:
            seen.append(eid)
    return seen


def _sentences_with(text: str, eid: str) -> str:
    """The sentences of ``text`` that mention ``eid``."""
    flat = " ".join(text.split())
    parts = re.split(r"(?<=[.;])\s+(?=[A-Z(\"'])", flat)
    hits = [p for p in parts if eid in erratum_ids(p)]
    return " ".join(hits) if hits else flat


# -- page links -----------------------------------------------------------------------------
def rel_link(from_page: str, target: str) -> str:
    """A relative link from one generated page to another (``target`` may carry ``#anchor``).

    Args:
        from_page: Path of the linking page, relative to ``generated/docs``.
        target: ``page.md#anchor`` relative to ``generated/docs``, or ``#anchor``.

    Returns:
        The href.
    """
    path, _, frag = target.partition("#")
    if not path or path == from_page:
        return f"#{frag}"
    href = posixpath.relpath(path, posixpath.dirname(from_page) or ".")
    return f"{href}#{frag}" if frag else href


def block_page(block: BlockType) -> str:
    """Page of a block type, relative to ``generated/docs``."""
    return f"blocks/{block.id}.md"


# -- structures -----------------------------------------------------------------------------
@dataclass
class StructDoc:
    """A structure as the manual presents it.

    Attributes:
        struct: The model's structure.
        kind: ``framing`` (file header and friends), ``layout`` (a payload layout) or
            ``type`` (a sub-type of a block).
        page: The page it is described on.
        anchor: Its anchor on that page.
        figure: Path of its SVG figure, relative to ``generated/docs``.
        source: The YAML file it comes from (relative to ``spec/``).
        structs: Sub-types visible to it (id -> structure).
        owner: The block type it belongs to, or None for framing structures.
    """

    struct: Struct
    kind: str
    page: str
    anchor: str
    figure: str
    source: str
    structs: dict[str, Struct]
    owner: BlockType | None = None

    @property
    def title(self) -> str:
        """Heading text."""
        word = {"framing": "Structure", "layout": "Payload layout", "type": "Sub-type"}[self.kind]
        return f"{word} `{self.struct.id}`"


def struct_docs(spec: Spec) -> list[StructDoc]:
    """Every structure of the model, framing first, then each block's layouts and sub-types.

    Args:
        spec: The model.

    Returns:
        One entry per structure, in manual order.
    """
    out = [StructDoc(s, "framing", "framing.md", anchor("struct", s.id), f"figures/framing/{s.id}.svg",
                     "format.yaml", spec.types) for s in spec.types.values()]
    for block in spec.blocks:
        structs = {**spec.types, **block.types}
        for layout in block.layouts:
            out.append(StructDoc(layout, "layout", block_page(block), anchor("layout", layout.id),
                                 f"figures/blocks/{block.id}/{layout.id}.svg", block.path, structs, block))
        for sub in block.types.values():
            out.append(StructDoc(sub, "type", block_page(block), anchor("type", sub.id),
                                 f"figures/blocks/{block.id}/{sub.id}.svg", block.path, structs, block))
    return out


def head_fields(struct: Struct) -> list[Field]:
    """The fixed head: the leading fields with a constant offset and a constant size.

    Args:
        struct: The structure.

    Returns:
        The fields drawn to scale in the figure (optional tail fields included).
    """
    head: list[Field] = []
    for f in struct.seq:
        if f.offset is None or f.fixed_size is None:
            break
        head.append(f)
    return head


def element_size(f: Field, structs: dict[str, Struct]) -> int | None:
    """Size of one element of a repeated or sub-type field when it does not depend on data."""
    sub = structs.get(f.type)
    return sub.fixed_size if sub is not None else None


def size_text(f: Field, structs: dict[str, Struct], *, markdown: bool = True) -> str:
    """The Size column: bytes, or the expression that gives them.

    Args:
        f: The field.
        structs: Sub-types visible to it.
        markdown: Markdown (expressions as code spans) or plain text with units (figures).

    Returns:
        The text.
    """
    def expr(text: str) -> str:
        return code(text) if markdown else text

    unit = "" if markdown else " bytes"
    if f.size_eos:
        base = "rest of payload"
    elif f.size is not None:
        const = f.size.constant()
        if const is not None:
            base = str((const + 7) & ~7 if f.pad else const) + unit
        else:
            base = expr(f"pad8({f.size.source})" if f.pad else f.size.source) + unit
    elif f.type in FIXED_SIZES:
        base = str(FIXED_SIZES[f.type]) + unit
    else:
        elem = element_size(f, structs)
        base = str(elem) + unit if elem is not None else "variable"
    if f.repeat == "expr" and f.repeat_expr is not None:
        return f"{expr(f.repeat_expr.source)} × {base}"
    if f.repeat == "eos":
        return f"{base} each, repeated to the end of the payload"
    if f.repeat == "until" and f.repeat_until is not None:
        return f"{base} each, repeated until {expr(f.repeat_until.source)}"
    return base


def type_text(f: Field, doc: StructDoc) -> str:
    """The Type column, with links to enums, flag sets and sub-types.

    Args:
        f: The field.
        doc: The structure it belongs to.

    Returns:
        Markdown text.
    """
    page = doc.page
    if f.type == "switch":
        return "switch on " + code(f.switch_on.source if f.switch_on else "?")
    if f.type in doc.structs:
        return f"[{f.type}]({rel_link(page, _struct_target(f.type, doc))})"
    text = f.type
    if f.type == "str":
        text = f"str ({_TERM.get(f.term, f.term)})"
    if f.enum:
        target = "registry.md" if f.enum == "block_type" else f"enums.md#{anchor('enum', f.enum)}"
        text += f" enum [{f.enum}]({rel_link(page, target)})"
    if f.flags:
        text += f" flags [{f.flags}]({rel_link(page, 'enums.md#' + anchor('flags', f.flags))})"
    return text


def _struct_target(type_id: str, doc: StructDoc) -> str:
    if doc.owner is not None and type_id in doc.owner.types:
        return f"{block_page(doc.owner)}#{anchor('type', type_id)}"
    return f"framing.md#{anchor('struct', type_id)}"


def _value_text(value: int, f: Field) -> str:
    return hex_code(value, 2) if f.format in ("hex", "addr") or value > 0xFFFF else str(value)


def constraint_text(f: Field, spec: Spec, page: str) -> str:
    """The Constraints column: fixed contents, ``valid`` ranges, reserved, padding, presence.

    Args:
        f: The field.
        spec: The model (to link rules).
        page: The page the table is on.

    Returns:
        Markdown text, parts separated by ``<br>``.
    """
    def rule(rid: str) -> str:
        return f"[{rid}]({rel_link(page, 'rules.md#' + anchor('rule', rid))})" if rid in spec.rules else rid

    parts: list[str] = []
    if f.contents is not None:
        parts.append("= " + code('"' + f.contents.decode("ascii") + '"'))
    v = f.valid
    if v is not None:
        checks: list[str] = []
        if v.eq is not None:
            checks.append("= " + _value_text(v.eq, f))
        if v.min is not None:
            checks.append("≥ " + _value_text(v.min, f))
        if v.max is not None:
            checks.append("≤ " + _value_text(v.max, f))
        if v.any_of is not None:
            checks.append("one of " + ", ".join(_value_text(x, f) for x in v.any_of))
        reject = "; a consumer MUST reject a violation" if v.rejects else ""
        if checks and v.rule:
            parts.append(", ".join(checks) + f" (rule {rule(v.rule)}{reject})")
        elif checks:
            parts.append(", ".join(checks))
        elif v.rule:
            parts.append(f"rule {rule(v.rule)}{reject}")
    if f.reserved:
        rules = [rule(r) for r in _SCHEMA_RULES["reserved"] if r in spec.rules]
        parts.append("reserved: producers write zero, consumers ignore" + (f" ({', '.join(rules)})" if rules else ""))
    if f.pad:
        rules = [rule(r) for r in _SCHEMA_RULES["pad"] if r in spec.rules]
        parts.append(f"zero-padded to a multiple of {f.pad}" + (f" ({', '.join(rules)})" if rules else ""))
    if f.cond is not None:
        parts.append("present only if " + code(f.cond.source))
    if f.optional_tail:
        parts.append("optional tail: present only when the payload has bytes left")
    if f.erratum is not None:
        target = "errata.md#" + erratum_anchor(f.erratum.id)
        parts.append(f"alignment exception: [{f.erratum.id}]({rel_link(page, target)})")
    return "<br>".join(parts)


def meaning_text(f: Field, doc: StructDoc, spec: Spec) -> str:
    """The Meaning column: the field's doc, its origin, role, switch cases.

    Args:
        f: The field.
        doc: The structure it belongs to.
        spec: The model.

    Returns:
        Markdown text.
    """
    parts = [prose(f.doc)]
    if f.since:
        parts.append(f"Since {prose(f.since)}.")
    if f.status != "defined":
        parts.append(f"Status: {f.status}" + (" (generated only with `msl codegen --drafts`)." if f.status == "draft"
                                              else "."))
    if f.role:
        parts.append(prose(_ROLES.get(f.role, f"Role {f.role}.")))
    if f.format == "addr":
        parts.append("Shown as an address (hex).")
    if f.type == "switch" and f.cases:
        selector = f.switch_on.source.strip() if f.switch_on else ""
        enum = None
        if selector in {g.id for g in doc.struct.seq}:
            enum = spec.enums.get(doc.struct.field(selector).enum or "")
        names = {v.value: v.id for v in enum.values} if enum else {}
        cases = []
        for value, target in f.cases.items():
            label = f"{value} ({names[value]})" if value in names else str(value)
            cases.append(f"{label} → [{target}]({rel_link(doc.page, _struct_target(target, doc))})")
        parts.append(f"Sub-type by {code(selector)}: " + ", ".join(cases) + ".")
    return " ".join(parts)


def field_rows(doc: StructDoc, spec: Spec) -> list[list[str]]:
    """The rows of a structure's field table.

    Columns: offset, size, type, field, meaning, constraints, spec section.

    Args:
        doc: The structure.
        spec: The model.

    Returns:
        One list of seven cells per field.
    """
    rows = []
    for f in doc.struct.seq:
        offset = hex_code(f.offset, 2) if f.offset is not None else "var."
        name = code(f.id) + (f"<br>{prose(f.orig)}" if f.orig else "")
        rows.append([offset, size_text(f, doc.structs), type_text(f, doc), name,
                     meaning_text(f, doc, spec), constraint_text(f, spec, doc.page), spec_ref(f.spec)])
    return rows


def head_extent(struct: Struct) -> tuple[int, int, bool]:
    """Where the fixed head ends.

    Args:
        struct: The structure.

    Returns:
        (end of the head, end of its required part, True when fields follow the head).
    """
    head = head_fields(struct)
    end = required = 0
    for f in head:
        assert f.offset is not None and f.fixed_size is not None
        end = max(end, f.offset + f.fixed_size)
        if not f.optional_tail:
            required = max(required, f.offset + f.fixed_size)
    return end, required, len(head) < len(struct.seq)


def struct_summary(doc: StructDoc) -> str:
    """One line on the size of a structure (fixed size, optional tail, or fixed head)."""
    s = doc.struct
    total = s.fixed_size
    if total is not None:
        return f"Fixed size: {total} bytes."
    end, required, more = head_extent(s)
    if end == 0:
        return "No fixed head: the first field already has a variable size."
    if not more:
        return (f"{required} bytes, or {end} when the optional tail is present "
                f"({hex_code(required, 2)}-{hex_code(end - 1, 2)}).")
    return f"Fixed head: {end} bytes (0x00-{hex_code(end - 1, 2)}), then variable-length data."


# -- figures --------------------------------------------------------------------------------
@dataclass
class Box:
    """One rectangle of a figure (a field may need several when it spans rows)."""

    x: int
    y: int
    w: int
    h: int


@dataclass
class Label:
    """One line of text of a figure."""

    x: float
    y: float
    size: int
    text: str
    color: str
    anchor: str = "middle"
    weight: str = "normal"


@dataclass
class FigureField:
    """A field of a figure: its boxes, its labels and its style."""

    id: str
    offset: str
    size: str
    style: str
    tooltip: str
    dash: str = ""
    boxes: list[Box] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)


def _wrap_ident(ident: str, width: int) -> list[str] | None:
    """Split an identifier after underscores into lines of at most ``width`` characters."""
    parts = re.findall(r"[^_]*_|[^_]+$", ident) or [ident]
    lines: list[str] = []
    line = ""
    for part in parts:
        if len(part) > width:
            return None
        if line and len(line) + len(part) > width:
            lines.append(line)
            line = part
        else:
            line += part
    if line:
        lines.append(line)
    return lines


def fit_label(name: str, sub: str, w: int, h: int) -> tuple[list[str], int, str, int]:
    """Fit a field name (and a second line of offset and type) into a box.

    Tries font sizes 12 down to 9, wrapping the name after underscores; drops the second line
    when it does not fit; at worst truncates the name with an ellipsis.

    Args:
        name: The field id.
        sub: The second line (offset and type), or empty.
        w: Box width in pixels.
        h: Box height in pixels.

    Returns:
        (name lines, name font size, second line or empty, its font size).
    """
    room_w = w - 8
    room_h = h - 6
    for size in (12, 11, 10, 9):
        chars = int(room_w // (size * CHAR_W))
        lines = _wrap_ident(name, chars)
        if lines is None:
            continue
        used = len(lines) * round(size * 1.2)
        if used > room_h:
            continue
        sub_size = 9
        if sub and len(sub) * sub_size * CHAR_W <= room_w and used + round(sub_size * 1.3) <= room_h:
            return lines, size, sub, sub_size
        return lines, size, "", sub_size
    chars = max(1, int(room_w // (9 * CHAR_W)))
    text = name if len(name) <= chars else name[: max(1, chars - 1)] + "…"
    return [text], 9, "", 9


def _segments(start: int, end: int) -> list[tuple[int, int, int, int]]:
    """Split the byte range [start, end) into (row, first column, end column, rows) pieces."""
    segs: list[tuple[int, int, int, int]] = []
    pos = start
    while pos < end:
        row, col = divmod(pos, 8)
        if col == 0 and end - pos >= 8:
            rows = (end - pos) // 8
            segs.append((row, 0, 8, rows))
            pos += rows * 8
        else:
            stop = min(end, (row + 1) * 8)
            segs.append((row, col, stop - row * 8, 1))
            pos = stop
    return segs


def _short_type(f: Field) -> str:
    if f.type in ("bytes", "str") and f.fixed_size is not None:
        return f"{f.type}[{f.fixed_size}]"
    return f.type


def _place_labels(ff: FigureField, box: Box, name: str, sub: str, color: str, weight: str = "bold") -> None:
    lines, size, sub_line, sub_size = fit_label(name, sub, box.w, box.h)
    line_h = round(size * 1.2)
    sub_h = round(sub_size * 1.3) if sub_line else 0
    total = len(lines) * line_h + sub_h
    cx = box.x + box.w / 2
    y = box.y + (box.h - total) / 2
    for line in lines:
        y += line_h
        ff.labels.append(Label(cx, round(y - line_h * 0.22, 1), size, line, color, weight=weight))
    if sub_line:
        y += sub_h
        ff.labels.append(Label(cx, round(y - sub_h * 0.25, 1), sub_size, sub_line, "#566573"))


def _field_style(f: Field) -> str:
    if f.erratum is not None:
        return "erratum"
    if f.reserved:
        return "reserved"
    if f.contents is not None:
        return "contents"
    return "field"


def _tooltip(f: Field, doc: StructDoc) -> str:
    where = hex_code(f.offset, 2) if f.offset is not None else "variable offset"
    size = size_text(f, doc.structs, markdown=False)
    return f"{f.id} ({f.orig or f.id}): {f.type} at {where}, size {size}. {' '.join(f.doc.split())}"


def _head_figure(doc: StructDoc, head: list[Field]) -> list[FigureField]:
    """Boxes of the fixed head, to scale: one box per row run of each field."""
    fields: list[FigureField] = []
    for f in head:
        assert f.offset is not None and f.fixed_size is not None
        style = _field_style(f)
        ff = FigureField(f.id, str(f.offset), str(f.fixed_size), style, _tooltip(f, doc),
                         STYLES["optional"]["dash"] if f.optional_tail else STYLES[style]["dash"])
        for row, col, stop, rows in _segments(f.offset, f.offset + f.fixed_size):
            ff.boxes.append(Box(LEFT + col * BYTE_W, TOP + row * ROW_H, (stop - col) * BYTE_W, rows * ROW_H))
        main = max(range(len(ff.boxes)), key=lambda i: (ff.boxes[i].w * ff.boxes[i].h, -i))
        sub = f"{hex_code(f.offset, 2)} {_short_type(f)}"
        if f.contents is not None:
            sub = f'{hex_code(f.offset, 2)} "{f.contents.decode("ascii")}"'
        for i, box in enumerate(ff.boxes):
            if i == main:
                _place_labels(ff, box, f.id, sub, STYLES[style]["text"])
            else:
                _place_labels(ff, box, f"({f.id})", "", "#7f8c8d", weight="normal")
        fields.append(ff)
    return fields


def _tail_figure(doc: StructDoc, tail: list[Field], head_rows: int,
                 row_labels: list[Label]) -> tuple[list[FigureField], int]:
    """Dashed boxes for the fields after the head (one row each); returns them and the next y."""
    fields: list[FigureField] = []
    y = TOP + head_rows * ROW_H
    for n, f in enumerate(tail):
        ff = FigureField(f.id, str(f.offset) if f.offset is not None else "", "", "variable", _tooltip(f, doc),
                         STYLES["variable"]["dash"])
        desc = f"{f.id} · {f.type} · {size_text(f, doc.structs, markdown=False)}"
        if f.cond is not None:
            desc += f", if {f.cond.source}"
        if f.optional_tail:
            desc += ", optional tail"
        if f.erratum is not None:
            desc += f", erratum {f.erratum.id}"
        if n == 0 and f.offset is not None and f.offset % 8 and f.offset // 8 == head_rows - 1:
            col = f.offset % 8
            box = Box(LEFT + col * BYTE_W, TOP + (head_rows - 1) * ROW_H, (8 - col) * BYTE_W, ROW_H)
            ff.boxes.append(box)
            _place_labels(ff, box, f.id, f"{hex_code(f.offset, 2)} {f.type}, variable", STYLES["variable"]["text"])
        else:
            box = Box(LEFT, y, 8 * BYTE_W, VAR_H)
            ff.boxes.append(box)
            room = int((box.w - 12) // (11 * CHAR_W))
            text = desc if len(desc) <= room else desc[: room - 1] + "…"
            ff.labels.append(Label(LEFT + 8, y + VAR_H / 2 + 4, 11, text, STYLES["variable"]["text"], anchor="start"))
            where = hex_code(f.offset, 2) if f.offset is not None else "…"
            row_labels.append(Label(LEFT - 8, y + VAR_H / 2 + 4, 11, where, "#566573", anchor="end"))
            y += VAR_H
        fields.append(ff)
    return fields, y


def _legend(keys: list[str], y: int) -> tuple[list[dict[str, Any]], int]:
    """Legend entries for the styles used, wrapped to the figure width; returns them and the height."""
    legend: list[dict[str, Any]] = []
    lx, ly = LEFT, y + 24
    for key in keys:
        text = STYLES[key]["label"]
        width = 14 + 6 + round(len(text) * 10 * CHAR_W) + 18
        if lx + width > LEFT + 8 * BYTE_W:
            lx, ly = LEFT, ly + 20
        legend.append({"style": STYLES[key], "x": lx, "y": ly, "text": text})
        lx += width
    return legend, (ly + 24 if legend else y + 12)


def figure_model(doc: StructDoc) -> dict[str, Any]:
    """Geometry of a structure's byte-layout figure (rendered by ``docs_figure.svg.j2``).

    The fixed head is drawn to scale in rows of 8 bytes, a field spanning rows as one box
    per row run; every later field (variable size or offset) gets a dashed box, one row
    each, not to scale; a variable field that starts inside a row of the head begins as a
    dashed box at its real column.

    Args:
        doc: The structure.

    Returns:
        The template's context: size, caption, ruler, rows, fields, legend.
    """
    s = doc.struct
    head = head_fields(s)
    head_end, required, more = head_extent(s)
    head_rows = (head_end + 7) // 8
    row_labels = [Label(LEFT - 8, TOP + r * ROW_H + ROW_H / 2 + 4, 11, hex_code(r * 8, 2), "#566573", anchor="end")
                  for r in range(head_rows)]
    fields = _head_figure(doc, head)
    tail_fields, y = _tail_figure(doc, s.seq[len(head):], head_rows, row_labels)
    fields += tail_fields
    optional = any(f.optional_tail for f in head)
    legend, height = _legend(
        [k for k in STYLES if any(ff.style == k for ff in fields) or (k == "optional" and optional)], y)
    what = {"layout": "payload layout", "type": "sub-type"}.get(doc.kind, "structure")
    if s.packed:
        what += ", packed"
    if s.fixed_size is not None:
        caption = f"{s.id} ({what}): {s.fixed_size} bytes"
    elif head and not more:
        caption = f"{s.id} ({what}): {required} bytes, {head_end} with the optional tail"
    elif head:
        caption = f"{s.id} ({what}): fixed head of {head_end} bytes, then variable"
    else:
        caption = f"{s.id} ({what}): no fixed head"
    ruler = [Label(LEFT + c * BYTE_W + BYTE_W / 2, TOP - 7, 10, f"+{c}", "#566573")
             for c in range(8)] if head_rows else []
    return {
        "width": LEFT + 8 * BYTE_W + RIGHT,
        "height": height,
        "caption": Label(LEFT, 18, 13, caption, "#1b2631", anchor="start", weight="bold"),
        "ruler": ruler,
        "row_labels": row_labels,
        "grid_top": TOP,
        "columns": [LEFT + c * BYTE_W for c in range(9)] if head_rows else [],
        "fields": fields,
        "styles": STYLES,
        "legend": legend,
        "font": FONT,
        "title": f"Byte layout of {s.id}",
        "source": doc.source,
    }


# -- errata ---------------------------------------------------------------------------------
@dataclass
class ErratumPlace:
    """One place where the schema records or mentions an erratum or deviation.

    Attributes:
        id: ``E1``..``E14`` (public spec errata) or ``D1``..``D18`` (implementation deviations).
        where: Markdown link to the item.
        what: What the schema records there (the reason, or the sentences naming the id).
        kind: ``field`` (a field excused from the alignment check), ``packed`` (a structure
            exempt from alignment), or ``doc`` (named in a description).
    """

    id: str
    where: str
    what: str
    kind: str


def _doc_items(spec: Spec, docs: list[StructDoc]) -> Iterator[tuple[str, str, str]]:
    """(link target relative to the docs root, label, text) of every description in the model."""
    yield "README.md", "format overview", str(spec.meta.get("doc", ""))
    for v in spec.versions:
        yield "README.md#" + anchor("version", v.id), f"version {v.id}", v.doc
    for c in spec.constants.values():
        yield "README.md#" + anchor("constant", c.id), f"constant {c.id}", c.doc
    for fid, (text, _ref) in spec.framing.items():
        yield "framing.md#" + anchor("framing", fid), f"framing: {fid.replace('_', ' ')}", text
    for d in spec.dialects:
        yield "README.md#" + anchor("dialect", d.id), f"dialect {d.id}", d.doc + " " + (d.detect or "")
    for e in spec.enums.values():
        yield "enums.md#" + anchor("enum", e.id), f"enum {e.id}", " ".join([e.doc, *(v.doc for v in e.values)])
    for fs in spec.flags.values():
        yield "enums.md#" + anchor("flags", fs.id), f"flags {fs.id}", " ".join([fs.doc, *(b.doc for b in fs.bits)])
    for r in spec.rules.values():
        yield "rules.md#" + anchor("rule", r.id), f"rule {r.id}", r.text
    for b in spec.blocks:
        yield block_page(b), f"block {b.title} ({hex_code(b.code, 4)})", b.doc
    for d in docs:
        target = f"{d.page}#{d.anchor}"
        yield target, d.struct.id, d.struct.doc
        for f in d.struct.seq:
            yield target, f"{d.struct.id}.{f.id}", f.doc
        for inst in d.struct.instances.values():
            yield target, f"{d.struct.id}.{inst.id}", inst.doc


def errata_places(spec: Spec, docs: list[StructDoc]) -> list[ErratumPlace]:
    """Every place the model records or names an erratum or deviation id.

    Args:
        spec: The model.
        docs: The structures (from :func:`struct_docs`).

    Returns:
        Places sorted by id, then in manual order.
    """
    places: list[ErratumPlace] = []
    for d in docs:
        for f in d.struct.seq:
            if f.erratum is not None:
                where = f"[{d.struct.id}.{f.id}]({rel_link('errata.md', d.page + '#' + d.anchor)})"
                places.append(ErratumPlace(f.erratum.id, where, prose(f.erratum.reason), "field"))
        if d.struct.packed:
            for eid in erratum_ids(d.struct.packed):
                where = f"[{d.struct.id}]({rel_link('errata.md', d.page + '#' + d.anchor)})"
                places.append(ErratumPlace(eid, where, prose(_sentences_with(d.struct.packed, eid)), "packed"))
    seen: set[tuple[str, str, str]] = set()
    for target, label, text in _doc_items(spec, docs):
        for eid in erratum_ids(text):
            key = (eid, target, _sentences_with(text, eid))
            if key in seen:
                continue
            seen.add(key)
            where = f"[{prose(label)}]({rel_link('errata.md', target)})"
            places.append(ErratumPlace(eid, where, prose(key[2]), "doc"))
    order = {"field": 0, "packed": 1, "doc": 2}
    return sorted(places, key=lambda p: (erratum_sort_key(p.id), order[p.kind]))


def _register(spec: Spec) -> list[Any]:
    """The errata register of the model (``spec.errata``), when the model has one."""
    entries = getattr(spec, "errata", None) or []
    return sorted(entries, key=lambda e: erratum_sort_key(str(e.id)))


# -- pages ----------------------------------------------------------------------------------
def _lifecycle(item: Any) -> str:
    """`` (since 1.2; draft)`` for an item whose ``since`` or non-default ``status`` the YAML gives, else ``""``."""
    parts = [f"since {item.since}"] if getattr(item, "since", None) else []
    if getattr(item, "status", "defined") != "defined":
        parts.append(item.status)
    return f" ({'; '.join(parts)})" if parts else ""


def _banner(source: str) -> str:
    return (f"<!-- Generated from spec/{source} by `msl codegen`. -->\n"
            "<!-- Do not edit: change the YAML and regenerate; `msl codegen --check` verifies this file. -->")


def _svg_text(value: object) -> str:
    text = str(value)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _num(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _cap_bits(spec: Spec) -> dict[str, int]:
    fs = spec.flags.get("cap_bitmap")
    return {b.id: b.bit for b in fs.bits} if fs else {}


def _enum_digits(spec: Spec, enum_id: str, docs: list[StructDoc]) -> int:
    sizes = [INT_SIZES[f.type] for d in docs for f in d.struct.seq if f.enum == enum_id and f.type in INT_SIZES]
    if sizes:
        return 2 * max(sizes)
    top = max((v.value for v in spec.enums[enum_id].values), default=0)
    return 2 if top <= 0xFF else 4 if top <= 0xFFFF else 8


def _flag_digits(spec: Spec, flags_id: str, docs: list[StructDoc]) -> int:
    sizes = [INT_SIZES[f.type] for d in docs for f in d.struct.seq if f.flags == flags_id and f.type in INT_SIZES]
    if sizes:
        return 2 * max(sizes)
    top = max((b.mask for b in spec.flags[flags_id].bits), default=0)
    return 2 if top <= 0xFF else 4 if top <= 0xFFFF else 8 if top <= 0xFFFFFFFF else 16


def _usage(docs: list[StructDoc], attr: str, from_page: str) -> dict[str, list[str]]:
    """Enum or flag-set id -> links to the fields that use it."""
    out: dict[str, list[str]] = {}
    for d in docs:
        for f in d.struct.seq:
            key = getattr(f, attr)
            if key:
                link = f"[{d.struct.id}.{f.id}]({rel_link(from_page, d.page + '#' + d.anchor)})"
                if link not in out.setdefault(key, []):
                    out[key].append(link)
    return out


def _blocks_by_code(spec: Spec, from_page: str) -> dict[int, str]:
    out: dict[int, list[str]] = {}
    for b in spec.blocks:
        link = f"[{hex_code(b.code, 4)} {prose(b.title)}]({rel_link(from_page, block_page(b))})"
        out.setdefault(b.code, []).append(link)
    return {code_: " / ".join(links) for code_, links in out.items()}


def _rule_users(docs: list[StructDoc]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for d in docs:
        for f in d.struct.seq:
            if f.valid is not None and f.valid.rule:
                link = f"[{d.struct.id}.{f.id}]({rel_link('rules.md', d.page + '#' + d.anchor)})"
                if link not in out.setdefault(f.valid.rule, []):
                    out[f.valid.rule].append(link)
    return out


class _Renderer:
    """Renders every page of the manual from the model."""

    def __init__(self, spec: Spec, templates: Path) -> None:
        self.spec = spec
        # Markdown and SVG, not HTML: values are escaped by the prose/code/svgtext filters.
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(templates)), keep_trailing_newline=True,
            undefined=jinja2.StrictUndefined, autoescape=False,  # noqa: S701
            trim_blocks=True, lstrip_blocks=True)
        self.env.filters.update(prose=prose, code=code, specref=spec_ref, hex=hex_code, anchor=anchor,
                                svgtext=_svg_text, num=_num, eanchor=erratum_anchor)
        self.docs = struct_docs(spec)
        self.dialects = [d.id for d in spec.dialects]

    def render(self, template: str, **context: Any) -> str:
        text = self.env.get_template(template).render(**context)
        return re.sub(r"\n{3,}", "\n\n", text).rstrip() + "\n"

    # pieces shared by several pages
    def struct_context(self, doc: StructDoc) -> dict[str, Any]:
        s = doc.struct
        instances = [[code(i.id), code(i.value.source), prose(i.doc), spec_ref(i.spec)] for i in s.instances.values()]
        meta: list[str] = []
        if doc.kind == "layout":
            meta.append("Dialects: " + ", ".join(
                f"[{d}]({rel_link(doc.page, 'README.md#' + anchor('dialect', d))})" for d in s.dialects))
            meta.append("PayloadVersion: " + ", ".join(str(v) for v in s.payload_versions))
            if s.base:
                meta.append(f"Extends layout `{s.base}`: its fields first, then the new ones at the tail")
            if s.since or s.status != "defined":
                meta.append("Lifecycle:" + _lifecycle(s).strip(" ()").join([" ", ""]))
        meta.append(struct_summary(doc))
        if s.packed:
            meta.append("Packed (exempt from the 8-byte alignment promise): " + prose(s.packed))
        figure = rel_link(doc.page, doc.figure)
        return {"doc": doc, "title": doc.title, "anchor": doc.anchor, "text": prose(s.doc), "spec": spec_ref(s.spec),
                "meta": meta, "figure": figure, "rows": field_rows(doc, self.spec), "instances": instances}

    def block_summary(self, block: BlockType, from_page: str) -> dict[str, str]:
        cap_bits = _cap_bits(self.spec)
        if block.cap_bit:
            bit = cap_bits.get(block.cap_bit)
            cap = f"[{block.cap_bit}]({rel_link(from_page, 'enums.md#' + anchor('flags', 'cap_bitmap'))})"
            cap = f"bit {bit} {cap}" if bit is not None else cap
        else:
            cap = "none"
        parent = "none"
        if block.parent:
            pb = self.spec.block(block.parent)
            parent = f"[{pb.title}]({rel_link(from_page, block_page(pb))})"
        since = block.since
        if since in self.dialects:
            since = f"[{since}]({rel_link(from_page, 'README.md#' + anchor('dialect', since))})"
        return {"code": hex_code(block.code, 4), "id": code(block.id), "title": prose(block.title),
                "link": f"[{prose(block.title)}]({rel_link(from_page, block_page(block))})",
                "since": since, "status": block.status, "namespace": block.namespace, "cap": cap,
                "parent": parent, "in_extension": "yes" if block.in_extension else "no",
                "spec": spec_ref(block.spec)}

    def layouts_by_dialect(self, block: BlockType, from_page: str) -> list[str]:
        cells = []
        for d in self.dialects:
            hits = [lay for lay in block.layouts if d in lay.dialects]
            cells.append("<br>".join(
                f"[{lay.id}]({rel_link(from_page, block_page(block) + '#' + anchor('layout', lay.id))}) "
                f"(v{', v'.join(str(v) for v in lay.payload_versions)})" for lay in hits))
        return cells

    # pages
    def index(self) -> str:
        spec = self.spec
        counts = {"blocks": len(spec.blocks), "layouts": sum(len(b.layouts) for b in spec.blocks),
                  "structures": len(self.docs), "fields": sum(len(d.struct.seq) for d in self.docs),
                  "enums": len(spec.enums), "flags": len(spec.flags), "rules": len(spec.rules),
                  "figures": len(self.docs)}
        references = spec.meta.get("references") or {}
        assert isinstance(references, dict)
        return self.render(
            "docs_index.md.j2", banner=_banner("*.yaml"), meta=spec.meta, spec=spec, counts=counts,
            references=[(k, prose(str(v))) for k, v in references.items()],
            versions=[(v.id, hex_code(v.value, 4), prose(v.doc), spec_ref(v.spec)) for v in spec.versions],
            dialects=spec.dialects, default_write=spec.default_write,
            constants=[(c.id, hex_code(c.value, 2) if isinstance(c.value, int) and c.value > 0xFFFF else c.value,
                        prose(c.doc), spec_ref(c.spec)) for c in spec.constants.values()],
            sources=list(spec.sources.items()),
            byte_strings=[(t, n) for t, n in FIXED_SIZES.items() if t not in INT_SIZES],
            blocks=[self.block_summary(b, "README.md") for b in spec.blocks])

    def framing(self) -> str:
        sections = [(fid, prose(text), spec_ref(ref)) for fid, (text, ref) in self.spec.framing.items()]
        structs = [self.struct_context(d) for d in self.docs if d.kind == "framing"]
        return self.render("docs_framing.md.j2", banner=_banner("format.yaml"), sections=sections, structs=structs)

    def registry(self) -> str:
        rows = []
        for b in self.spec.blocks:
            rows.append({**self.block_summary(b, "registry.md"), "layouts": self.layouts_by_dialect(b, "registry.md")})
        shared: dict[int, list[BlockType]] = {}
        for b in self.spec.blocks:
            shared.setdefault(b.code, []).append(b)
        clashes = []
        for code_, blocks in shared.items():
            if len(blocks) > 1:
                clashes.append((hex_code(code_, 4), [
                    (f"[{prose(b.title)}]({block_page(b)})", ", ".join(b.dialects) or "none") for b in blocks]))
        return self.render("docs_registry.md.j2", banner=_banner("blocks/*.yaml and dialects.yaml"), rows=rows,
                           dialects=self.spec.dialects, clashes=clashes)

    def block(self, block: BlockType) -> str:
        page = block_page(block)
        docs = [d for d in self.docs if d.owner is block]
        return self.render(
            "docs_block.md.j2", banner=_banner(block.path), block=block, summary=self.block_summary(block, page),
            text=prose(block.doc), dialects=self.dialects, layouts_by_dialect=self.layouts_by_dialect(block, page),
            layouts=[self.struct_context(d) for d in docs if d.kind == "layout"],
            types=[self.struct_context(d) for d in docs if d.kind == "type"],
            up=rel_link(page, "README.md"), registry=rel_link(page, "registry.md"))

    def enums(self) -> str:
        spec = self.spec
        enum_use = _usage(self.docs, "enum", "enums.md")
        flag_use = _usage(self.docs, "flags", "enums.md")
        for fs in spec.flags.values():
            for bit in fs.bits:
                if bit.enum:
                    link = f"[{fs.id}.{bit.id}](#{anchor('flags', fs.id)})"
                    if link not in enum_use.setdefault(bit.enum, []):
                        enum_use[bit.enum].append(link)
        by_code = _blocks_by_code(spec, "enums.md")
        enums = []
        for e in spec.enums.values():
            digits = _enum_digits(spec, e.id, self.docs)
            enums.append({"id": e.id, "text": prose(e.doc), "spec": spec_ref(e.spec), "used": enum_use.get(e.id, []),
                          "rows": [(hex_code(v.value, digits), str(v.value), code(v.id), prose(v.doc + _lifecycle(v)))
                                     for v in e.values]})
        flags = []
        for fs in spec.flags.values():
            digits = _flag_digits(spec, fs.id, self.docs)
            bits = []
            for b in fs.bits:
                span = str(b.bit) if b.width == 1 else f"{b.bit}-{b.bit + b.width - 1}"
                extra = []
                if b.enum:
                    extra.append(f"values: [{b.enum}](#{anchor('enum', b.enum)})")
                if b.blocks:
                    extra.append("blocks: " + ", ".join(by_code.get(c, hex_code(c, 4)) for c in b.blocks))
                bits.append((span, hex_code(b.mask, digits), code(b.id), prose(b.since), prose(b.doc),
                             "<br>".join(extra)))
            flags.append({"id": fs.id, "text": prose(fs.doc), "spec": spec_ref(fs.spec),
                          "used": flag_use.get(fs.id, []), "bits": bits})
        return self.render("docs_enums.md.j2", banner=_banner("enums.yaml and blocks/*.yaml"), enums=enums,
                           flags=flags)

    def rules(self) -> str:
        users = _rule_users(self.docs)
        groups: dict[str, list[dict[str, str]]] = {}
        for r in self.spec.rules.values():
            groups.setdefault(r.since, []).append({
                "id": r.id, "anchor": anchor("rule", r.id), "level": r.level, "role": r.role,
                "spec": spec_ref(r.spec), "text": prose(r.text), "users": ", ".join(users.get(r.id, []))})
        return self.render("docs_rules.md.j2", banner=_banner("rules.yaml"), groups=list(groups.items()),
                           total=len(self.spec.rules))

    def errata(self) -> str:
        spec = self.spec
        places = errata_places(spec, self.docs)
        register = _register(spec)
        ids = sorted({p.id for p in places} | {str(e.id) for e in register}, key=erratum_sort_key)
        by_id = {eid: [p for p in places if p.id == eid] for eid in ids}
        entries = {str(e.id): e for e in register}
        field_errata = []
        for d in self.docs:
            for f in d.struct.seq:
                if f.erratum is not None:
                    field_errata.append((
                        f"[{f.erratum.id}](#{erratum_anchor(f.erratum.id)})",
                        f"[{d.struct.id}]({rel_link('errata.md', d.page + '#' + d.anchor)})", code(f.id),
                        hex_code(f.offset, 2) if f.offset is not None else "var.", f.type, prose(f.erratum.reason)))
        packed = [(f"[{d.struct.id}]({rel_link('errata.md', d.page + '#' + d.anchor)})",
                   prose(d.owner.title) if d.owner else "framing", prose(d.struct.packed or ""))
                  for d in self.docs if d.struct.packed]
        differing = []
        for b in spec.blocks:
            if len(b.layouts) > 1:
                for lay in b.layouts:
                    differing.append((
                        f"[{prose(b.title)}]({block_page(b)})",
                        f"[{lay.id}]({block_page(b)}#{anchor('layout', lay.id)})",
                        ", ".join(lay.dialects), prose(lay.doc)))
        outside = [(f"[{prose(b.title)}]({block_page(b)})", hex_code(b.code, 4), prose(b.since), b.status,
                    ", ".join(b.dialects) or "none") for b in spec.blocks if b.since != "1.0" or b.status != "defined"]
        return self.render(
            "docs_errata.md.j2", banner=_banner("*.yaml"), ids=ids, by_id=by_id, entries=entries,
            field_errata=field_errata, packed=packed, differing=differing, outside=outside,
            dialects=[(d.id, prose(d.title), prose(d.doc)) for d in spec.dialects], has_register=bool(register))

    def figure(self, doc: StructDoc) -> str:
        return self.render("docs_figure.svg.j2", **figure_model(doc))


def _all_pages(r: _Renderer) -> Iterable[tuple[str, str]]:
    yield "README.md", r.index()
    yield "framing.md", r.framing()
    yield "registry.md", r.registry()
    for block in r.spec.blocks:
        yield block_page(block), r.block(block)
    yield "enums.md", r.enums()
    yield "rules.md", r.rules()
    yield "errata.md", r.errata()
    yield "changelog.md", changelog_page(r.spec, _banner("*.yaml"))
    for doc in r.docs:
        yield doc.figure, r.figure(doc)


def generate_docs(spec: Spec, out_dir: Path, templates: Path) -> dict[Path, str]:
    """Render the reference manual: Markdown pages and SVG byte-layout figures.

    Args:
        spec: The checked model.
        out_dir: The ``generated/docs`` folder (paths of the result are under it).
        templates: Folder of the jinja2 templates (``docs_*.j2``).

    Returns:
        Path -> file text, for the caller to write or compare.
    """
    renderer = _Renderer(spec, templates)
    return {out_dir / rel: text for rel, text in _all_pages(renderer)}
