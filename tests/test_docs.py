"""The docs backend: the reference manual and its byte-layout figures, generated from spec/."""

from __future__ import annotations

import copy
import posixpath
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from memslice.codegen import load_spec
from memslice.codegen.backends.docs import (
    BYTE_W,
    CHAR_W,
    LEFT,
    ROW_H,
    TOP,
    anchor,
    code,
    erratum_anchor,
    generate_docs,
    prose,
    spec_ref,
)
from memslice.codegen.driver import TEMPLATES
from memslice.codegen.model import Spec, Struct

REPO = Path(__file__).resolve().parents[1]
SPEC = REPO / "spec"
SVG = "{http://www.w3.org/2000/svg}"
ERRATUM_ID = re.compile(r"(?<![\w.])([ED]\d{1,2})(?!\w)")


def _render(spec: Spec, root: Path) -> dict[str, str]:
    out = root / "docs"
    return {p.relative_to(out).as_posix(): text for p, text in generate_docs(spec, out, TEMPLATES).items()}


@pytest.fixture(scope="module")
def spec() -> Spec:
    return load_spec(SPEC)


@pytest.fixture(scope="module")
def docs(spec: Spec, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return _render(spec, tmp_path_factory.mktemp("gen"))


def _structs(spec: Spec) -> list[tuple[str, str, str, Struct]]:
    """(page, anchor, figure, struct) for every structure, derived from the model, not the backend."""
    out = [("framing.md", anchor("struct", s.id), f"figures/framing/{s.id}.svg", s) for s in spec.types.values()]
    for b in spec.blocks:
        page = f"blocks/{b.id}.md"
        out += [(page, anchor("layout", s.id), f"figures/blocks/{b.id}/{s.id}.svg", s) for s in b.layouts]
        out += [(page, anchor("type", s.id), f"figures/blocks/{b.id}/{s.id}.svg", s) for s in b.types.values()]
    return out


def _cells(line: str) -> list[str]:
    return [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]


def _tables(text: str) -> list[list[list[str]]]:
    """Every Markdown table of a text: rows of cells, header first, separator dropped."""
    tables: list[list[list[str]]] = []
    current: list[list[str]] = []
    for line in [*text.splitlines(), ""]:
        if line.startswith("|"):
            cells = _cells(line)
            if not all(re.fullmatch(r":?-+:?", c) for c in cells):
                current.append(cells)
        elif current:
            tables.append(current)
            current = []
    return tables


def _section(page: str, anchor_id: str) -> str:
    """The text from the heading carrying ``anchor_id`` to the next heading."""
    lines = page.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("#") and f'<a id="{anchor_id}"></a>' in line)
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("#")), len(lines))
    return "\n".join(lines[start:end])


def _field_table(page: str, anchor_id: str) -> list[list[str]]:
    tables = [t for t in _tables(_section(page, anchor_id)) if t[0][:2] == ["Offset", "Size"]]
    assert len(tables) == 1, anchor_id
    return tables[0]


def _first_code(cell: str) -> str:
    m = re.search(r"`([^`]+)`", cell)
    assert m, cell
    return m.group(1)


# -- pages ----------------------------------------------------------------------------------
def test_every_block_type_has_a_registry_row_and_a_page(spec: Spec, docs: dict[str, str]) -> None:
    registry = _tables(docs["registry.md"])[0]
    assert registry[0][:2] == ["Code", "Block"]
    rows = {(r[0], _first_code(r[2])): r for r in registry[1:]}
    assert len(rows) == len(spec.blocks)
    for b in spec.blocks:
        row = rows[(f"0x{b.code:04X}", b.id)]
        assert f"(blocks/{b.id}.md)" in row[1]
        assert row[3].endswith(b.since) or f"[{b.since}]" in row[3]
        assert row[4] == b.status and row[5] == b.namespace
        assert row[7] == ("yes" if b.in_extension else "no")
        if b.cap_bit:
            bit = next(x.bit for x in spec.flags["cap_bitmap"].bits if x.id == b.cap_bit)
            assert row[6].startswith(f"bit {bit} [{b.cap_bit}]")
        else:
            assert row[6] == "none"
        page = docs[f"blocks/{b.id}.md"]
        assert page.splitlines()[2] == f"# 0x{b.code:04X} {b.title}"
        assert prose(b.doc) in page


def test_registry_names_the_layout_of_every_dialect(spec: Spec, docs: dict[str, str]) -> None:
    matrix = next(t for t in _tables(docs["registry.md"]) if t[0][2:] == [d.id for d in spec.dialects])
    assert len(matrix) - 1 == len(spec.blocks)
    for b, row in zip(spec.blocks, matrix[1:], strict=True):
        assert row[0] == f"0x{b.code:04X}" and f"(blocks/{b.id}.md)" in row[1]
        for d, cell in zip(spec.dialects, row[2:], strict=True):
            expected = [lay.id for lay in b.layouts if d.id in lay.dialects]
            assert re.findall(r"\[([a-z0-9_]+)\]\(blocks/", cell) == expected, (b.id, d.id)
            for lay in b.layouts:
                if d.id in lay.dialects:
                    assert f"#{anchor('layout', lay.id)})" in cell
                    assert "(v" + ", v".join(str(v) for v in lay.payload_versions) + ")" in cell


def test_every_structure_has_a_table_with_every_field(spec: Spec, docs: dict[str, str]) -> None:
    structs = _structs(spec)
    assert len(structs) == len(spec.types) + sum(len(b.layouts) + len(b.types) for b in spec.blocks)
    for page, anchor_id, _figure, struct in structs:
        table = _field_table(docs[page], anchor_id)
        assert table[0] == ["Offset", "Size", "Type", "Field", "Meaning", "Constraints", "Spec"]
        assert [_first_code(r[3]) for r in table[1:]] == [f.id for f in struct.seq], anchor_id
        for f, row in zip(struct.seq, table[1:], strict=True):
            assert row[0] == (f"0x{f.offset:02X}" if f.offset is not None else "var."), (struct.id, f.id)
            assert prose(f.doc) in row[4]
            assert row[6] == spec_ref(f.spec)
            if f.orig:
                assert prose(f.orig) in row[3]
            if f.enum and f.enum != "block_type":
                assert f"[{f.enum}](" in row[2]
            if f.flags:
                assert f"[{f.flags}](" in row[2]
            if f.valid is not None and f.valid.rule:
                assert f"[{f.valid.rule}](" in row[5]
            if f.reserved:
                assert "reserved" in row[5]
            if f.erratum is not None:
                assert f"[{f.erratum.id}](" in row[5]


def test_fixed_offsets_in_the_tables_add_up(spec: Spec, docs: dict[str, str]) -> None:
    """Offsets and sizes of the tables agree with each other, independently of the checker."""
    checked = 0
    for page, anchor_id, _figure, _struct in _structs(spec):
        rows = _field_table(docs[page], anchor_id)[1:]
        for here, after in zip(rows, rows[1:], strict=False):
            if here[0] != "var." and here[1].isdigit() and after[0] != "var.":
                assert int(after[0], 16) == int(here[0], 16) + int(here[1]), (anchor_id, here, after)
                checked += 1
    assert checked > 200


def test_fixed_sizes_match_the_declared_sizes(spec: Spec, docs: dict[str, str]) -> None:
    for page, anchor_id, _figure, struct in _structs(spec):
        if struct.size is not None:
            assert f"Fixed size: {struct.size} bytes." in _section(docs[page], anchor_id)


def test_every_enum_value_and_flag_bit(spec: Spec, docs: dict[str, str]) -> None:
    page = docs["enums.md"]
    for e in spec.enums.values():
        rows = _tables(_section(page, anchor("enum", e.id)))[0]
        assert rows[0] == ["Code", "Decimal", "Id", "Meaning"]
        assert [(int(r[0], 16), int(r[1]), _first_code(r[2])) for r in rows[1:]] == [
            (v.value, v.value, v.id) for v in e.values]
        for v, r in zip(e.values, rows[1:], strict=True):
            assert r[3] == prose(v.doc)
    for fs in spec.flags.values():
        rows = _tables(_section(page, anchor("flags", fs.id)))[0]
        assert rows[0][:3] == ["Bit", "Mask", "Id"]
        for bit, r in zip(fs.bits, rows[1:], strict=True):
            assert int(r[1], 16) == ((1 << bit.width) - 1) << bit.bit
            assert _first_code(r[2]) == bit.id and r[3] == prose(bit.since) and r[4] == prose(bit.doc)
            if bit.enum:
                assert f"[{bit.enum}](#{anchor('enum', bit.enum)})" in r[5]
        assert len(rows) - 1 == len(fs.bits)


def test_every_rule_is_numbered_with_its_text(spec: Spec, docs: dict[str, str]) -> None:
    rows = [r for t in _tables(docs["rules.md"]) for r in t if r[0] != "Id"]
    assert len(rows) == len(spec.rules)
    for rule, row in zip(spec.rules.values(), rows, strict=True):
        assert row[0] == f'<a id="{anchor("rule", rule.id)}"></a>**{rule.id}**'
        assert row[1:5] == [rule.level, rule.role, prose(rule.text), spec_ref(rule.spec)]


def test_rules_list_the_fields_that_check_them(spec: Spec, docs: dict[str, str]) -> None:
    rows = {re.sub(r".*\*\*(.+)\*\*", r"\1", r[0]): r for t in _tables(docs["rules.md"]) for r in t}
    for _page, _anchor, _figure, struct in _structs(spec):
        for f in struct.seq:
            if f.valid is not None and f.valid.rule:
                assert f"[{struct.id}.{f.id}](" in rows[f.valid.rule][5]


# -- figures --------------------------------------------------------------------------------
def _fields_of(svg_text: str) -> list[ET.Element]:
    root = ET.fromstring(svg_text.encode())
    assert root.tag == f"{SVG}svg"
    return [g for g in root.iter(f"{SVG}g") if g.get("data-field") is not None]


def test_every_svg_parses_and_has_a_box_per_field(spec: Spec, docs: dict[str, str]) -> None:
    figures = {p for p in docs if p.endswith(".svg")}
    expected = {figure for _page, _anchor, figure, _struct in _structs(spec)}
    assert figures == expected
    for _page, _anchor, figure, struct in _structs(spec):
        groups = _fields_of(docs[figure])
        assert [g.get("data-field") for g in groups] == [f.id for f in struct.seq], figure
        for g in groups:
            assert g.findall(f"{SVG}rect"), (figure, g.get("data-field"))
            assert g.findall(f"{SVG}text"), (figure, g.get("data-field"))


def test_figures_draw_the_fixed_head_to_scale(spec: Spec, docs: dict[str, str]) -> None:
    """Each fixed field covers exactly its bytes: rows of 8 from its offset, no overlaps."""
    drawn = 0
    for _page, _anchor, figure, struct in _structs(spec):
        taken: set[tuple[int, int]] = set()
        for f, g in zip(struct.seq, _fields_of(docs[figure]), strict=True):
            if f.offset is None or f.fixed_size is None:
                break
            cells: set[tuple[int, int]] = set()
            for rect in g.findall(f"{SVG}rect"):
                x, y, w, h = (int(rect.get(k, "0")) for k in ("x", "y", "width", "height"))
                assert (x - LEFT) % BYTE_W == 0 and w % BYTE_W == 0 and (y - TOP) % ROW_H == 0 and h % ROW_H == 0
                for row in range((y - TOP) // ROW_H, (y - TOP + h) // ROW_H):
                    for col in range((x - LEFT) // BYTE_W, (x - LEFT + w) // BYTE_W):
                        cells.add((row, col))
            assert cells == {divmod(b, 8) for b in range(f.offset, f.offset + f.fixed_size)}, (figure, f.id)
            assert not cells & taken, (figure, f.id)
            taken |= cells
            drawn += 1
    assert drawn > 250


def test_figure_labels_fit_their_boxes(spec: Spec, docs: dict[str, str]) -> None:
    for _page, _anchor, figure, struct in _structs(spec):
        for f, g in zip(struct.seq, _fields_of(docs[figure]), strict=True):
            rects = g.findall(f"{SVG}rect")
            texts = g.findall(f"{SVG}text")
            widest = max(int(r.get("width", "0")) for r in rects)
            for t in texts:
                assert len(t.text or "") * float(t.get("font-size", "0")) * CHAR_W <= widest, (figure, t.text)
            bold = "".join(t.text or "" for t in texts if t.get("font-weight") == "bold")
            if bold:
                assert bold == f.id or (bold.endswith("…") and f.id.startswith(bold[:-1])), (figure, bold)
            else:
                assert (texts[0].text or "").startswith(f"{f.id} · "), (figure, texts[0].text)


def test_figures_are_embedded(spec: Spec, docs: dict[str, str]) -> None:
    embedded: set[str] = set()
    for page, text in docs.items():
        if page.endswith(".md"):
            for target in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text):
                path = posixpath.normpath(posixpath.join(posixpath.dirname(page), target))
                assert path in docs, (page, target)
                embedded.add(path)
    assert embedded == {p for p in docs if p.endswith(".svg")}
    for page, anchor_id, figure, struct in _structs(spec):
        rel = posixpath.relpath(figure, posixpath.dirname(page) or ".")
        assert f"![Byte layout of {struct.id}]({rel})" in _section(docs[page], anchor_id)


# -- links, tables, determinism ---------------------------------------------------------------
def test_every_link_and_anchor_resolves(docs: dict[str, str]) -> None:
    anchors = {page: set(re.findall(r'<a id="([^"]+)"></a>', text)) for page, text in docs.items()}
    count = 0
    for page, text in docs.items():
        if not page.endswith(".md"):
            continue
        for target in re.findall(r"(?<!!)\[[^\]]*\]\(([^)]+)\)", text):
            path, _, frag = target.partition("#")
            dest = posixpath.normpath(posixpath.join(posixpath.dirname(page), path)) if path else page
            assert dest in docs, (page, target)
            if frag:
                assert frag in anchors[dest], (page, target)
            count += 1
    assert count > 1000


def test_tables_are_well_formed(docs: dict[str, str]) -> None:
    for page, text in docs.items():
        if page.endswith(".md"):
            for table in _tables(text):
                assert all(len(row) == len(table[0]) for row in table), (page, table[0])


def test_output_is_deterministic(tmp_path: Path) -> None:
    first = _render(load_spec(SPEC), tmp_path / "a")
    second = _render(load_spec(SPEC), tmp_path / "b")
    assert first == second
    assert list(first) == list(second)


def test_every_file_says_it_is_generated_and_how_to_regenerate(docs: dict[str, str]) -> None:
    for page, text in docs.items():
        assert "Do not edit" in text.splitlines()[1], page
    index = docs["README.md"]
    assert "run `msl codegen`" in index
    assert "`msl codegen --check` (run by `make test`)" in index


# -- errata ---------------------------------------------------------------------------------
def test_errata_page_lists_every_field_erratum(spec: Spec, docs: dict[str, str]) -> None:
    page = docs["errata.md"]
    table = next(t for t in _tables(page) if t[0] == ["Erratum", "Structure", "Field", "Offset", "Type", "Reason"])
    expected = [(f.erratum.id, s.id, f.id, f.offset, f.erratum.reason)
                for _p, _a, _f, s in _structs(spec) for f in s.seq if f.erratum is not None]
    assert len(expected) >= 10
    assert len(table) - 1 == len(expected)
    for (eid, sid, fid, offset, reason), row in zip(expected, table[1:], strict=True):
        assert row[0] == f"[{eid}](#{erratum_anchor(eid)})"
        assert row[1].startswith(f"[{sid}](") and row[2] == code(fid)
        assert row[3] == (f"0x{offset:02X}" if offset is not None else "var.")
        assert row[5] == prose(reason)
        assert prose(reason) in _section(page, erratum_anchor(eid))


def test_errata_page_has_every_id_the_yaml_cites(docs: dict[str, str]) -> None:
    """Scans the YAML text itself, so a citation the model walk misses still fails the test."""
    cited = set()
    for path in SPEC.rglob("*.yaml"):
        if path.name != "errata.yaml":
            cited |= {m.group(1) for m in ERRATUM_ID.finditer(path.read_text())}
    assert {"E1", "E4", "D8", "D16"} <= cited
    page = docs["errata.md"]
    for eid in cited:
        section = _section(page, erratum_anchor(eid))
        assert section.startswith(f'### <a id="{erratum_anchor(eid)}"></a>{eid}')
        assert _tables(section), eid


def test_errata_page_has_every_register_entry(spec: Spec, docs: dict[str, str]) -> None:
    register = getattr(spec, "errata", None) or []  # spec/errata.yaml, once the model has it
    page = docs["errata.md"]
    for entry in register:
        section = _section(page, erratum_anchor(entry.id))
        assert section.startswith(f'### <a id="{erratum_anchor(entry.id)}"></a>{entry.id}: {prose(entry.title)}')
        for label, text in (("Where", entry.where), ("Problem", entry.problem), ("Schema's choice", entry.choice),
                            ("Reason", entry.reason)):
            assert f"**{label}:** {prose(text)}" in section


def test_errata_page_lists_packed_structures(spec: Spec, docs: dict[str, str]) -> None:
    table = next(t for t in _tables(docs["errata.md"]) if t[0] == ["Structure", "Block", "Reason"])
    packed = [s for _p, _a, _f, s in _structs(spec) if s.packed]
    assert [r[0].split("]")[0][1:] for r in table[1:]] == [s.id for s in packed]
    assert [r[2] for r in table[1:]] == [prose(s.packed or "") for s in packed]


def test_errata_register_is_rendered_when_the_model_has_one(spec: Spec, tmp_path: Path) -> None:
    with_register = copy.copy(spec)
    with_register.errata = [  # type: ignore[attr-defined]
        SimpleNamespace(id="E1", title="Key Hint Note off the 8-byte grid", where="1.0 §5.6",
                        problem="The Note starts at +0x2C.", choice="Note at +0x2C.", reason="Every tool does."),
        SimpleNamespace(id="D99", title="Made-up deviation", where="nowhere", problem="p|q", choice="c",
                        reason="r"),
    ]
    page = _render(with_register, tmp_path)["errata.md"]
    e1 = _section(page, "e1")
    assert e1.startswith('### <a id="e1"></a>E1: Key Hint Note off the 8-byte grid')
    assert "**Schema's choice:** Note at +0x2C." in e1 and "**Reason:** Every tool does." in e1
    assert "**Where:** 1.0 §5.6" in e1 and "**Problem:** The Note starts at +0x2C." in e1
    assert "[key_hint.note](blocks/key_hint.md#layout-key-hint)" in e1
    d99 = _section(page, "d99")
    assert "**Problem:** p\\|q" in d99 and "Not cited elsewhere in the schema." in d99
    assert "| [D99](#d99) Made-up deviation | no |" in page


# -- text helpers ---------------------------------------------------------------------------
def test_prose_and_code_escape_markdown() -> None:
    assert prose("a | b <human string> RTF_* x\n  y") == "a \\| b &lt;human string> RTF\\_\\* x y"
    assert prose("len_path and page_size_log2") == "len_path and page_size_log2"
    assert code("(flags & 1) | 2") == "`(flags & 1) \\| 2`"
    assert spec_ref("5.2") == "1.0 §5.2"
    assert spec_ref("1.1:14.1(28)") == "1.1 §14.1(28)"
    assert spec_ref("cat:6.10") == "cat. §6.10"


# -- a spec change reaches the docs ---------------------------------------------------------
def test_a_new_block_type_and_field_reach_the_docs(tmp_path: Path) -> None:
    spec_dir = tmp_path / "spec"
    shutil.copytree(SPEC, spec_dir)
    (spec_dir / "blocks" / "test_probe.yaml").write_text(yaml.safe_dump({
        "id": "test_probe", "code": 0x7E01, "title": "Test Probe", "spec": "cat:1", "since": "1.1",
        "doc": "A block type that exists only in this test.",
        "layouts": [{
            "id": "test_probe", "dialects": ["spec-1.1"], "doc": "Probe layout.", "spec": "cat:1",
            "seq": [
                {"id": "probe_value", "type": "u8", "doc": "A value.", "spec": "cat:1"},
                {"id": "probe_kind", "type": "u2", "enum": "os_type", "doc": "A kind.", "spec": "cat:1"},
                {"id": "reserved", "type": "bytes", "size": 6, "reserved": True, "doc": "Zero.", "spec": "cat:1"},
                {"id": "len_probe_name", "type": "u4", "doc": "Name length.", "spec": "cat:1"},
                {"id": "probe_count", "type": "u4", "doc": "Misplaced on purpose.", "spec": "cat:1",
                 "erratum": {"id": "D77", "reason": "Test erratum reason."}},
                {"id": "probe_name", "type": "str", "size": "len_probe_name", "pad": 8, "doc": "Name.",
                 "spec": "cat:1"},
            ]}],
    }, sort_keys=False))
    register = spec_dir / "errata.yaml"
    if register.exists():  # the checker requires every cited erratum id to be registered there
        raw = yaml.safe_load(register.read_text())
        raw["errata"].append({"id": "D77", "title": "Test", "where": "here", "problem": "p", "choice": "c",
                              "reason": "r"})
        register.write_text(yaml.safe_dump(raw, sort_keys=False))
    identity = spec_dir / "blocks" / "process_identity.yaml"
    raw = yaml.safe_load(identity.read_text())
    raw["layouts"][0]["seq"].append({"id": "probe_tail", "type": "u4", "optional": "tail",
                                     "doc": "A new trailing field.", "spec": "cat:1"})
    identity.write_text(yaml.safe_dump(raw, sort_keys=False))

    docs = _render(load_spec(spec_dir), tmp_path / "out")
    page = docs["blocks/test_probe.md"]
    assert page.splitlines()[2] == "# 0x7E01 Test Probe"
    rows = _field_table(page, anchor("layout", "test_probe"))
    assert [_first_code(r[3]) for r in rows[1:]] == [
        "probe_value", "probe_kind", "reserved", "len_probe_name", "probe_count", "probe_name"]
    assert [r[0] for r in rows[1:]] == ["0x00", "0x08", "0x0A", "0x10", "0x14", "0x18"]
    groups = _fields_of(docs["figures/blocks/test_probe/test_probe.svg"])
    assert [g.get("data-field") for g in groups][-1] == "probe_name"
    assert "[Test Probe](blocks/test_probe.md)" in docs["registry.md"]
    assert "[test_probe.probe_kind](blocks/test_probe.md#layout-test-probe)" in docs["enums.md"]
    assert "Test erratum reason." in _section(docs["errata.md"], "d77")
    identity_rows = _field_table(docs["blocks/process_identity.md"], anchor("layout", "process_identity"))
    assert _first_code(identity_rows[-1][3]) == "probe_tail"
    assert "probe_tail" in docs["figures/blocks/process_identity/process_identity.svg"]
