"""Proof that "regenerate the bindings when the spec changes" works, end to end.

A copy of ``spec/`` gets a new block type (``blocks/evidence_note.yaml``: an enum, a pad8
string, a list of sub-structures, an optional tail) and a new field on an existing one
(Process Identity gains an optional ``cwd``). The generator renders a temporary ``generated/``
from it, and then, without touching a hand-written file:

* the new Python bindings, imported in a subprocess as ``memslice.generated``, write the new
  block and the extended Process Identity with ``MslWriter`` and read them back with
  ``MslReader``, field for field;
* the new ``.ksy`` compiles with the real Kaitai compiler and its Python parser reads that
  file exactly as the reader does (canonical JSON);
* the new reference docs, when the docs backend renders any, describe the new block and field.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from memslice.codegen import load_spec
from memslice.codegen.driver import run_codegen
from memslice.conformance.kaitai_canon import KaitaiCanon

from tests.test_kaitai import ROOT, assert_agree, compile_ksy, load_parser, require_toolchain

NEW_BLOCK = """\
id: evidence_note
code: 0x005C
title: Evidence Note
spec: "cat:99.1"
since: "1.1"
namespace: capture
in_extension: true
doc: |
  A note an examiner attaches to a capture, with the evidence items it refers to. Added by
  the spec-evolution test to prove that a new block type needs no hand-written code.
layouts:
  - id: evidence_note
    dialects: [spec-1.1]
    payload_versions: [1]
    doc: Kind, counts, the pad8 text, then the items.
    spec: "cat:99.1"
    seq:
      - {id: kind, type: u2, enum: note_kind, orig: Kind, doc: "What the note is.", spec: "cat:99.1"}
      - {id: len_text, type: u2, orig: TextLen, doc: "Bytes of text with NUL.", spec: "cat:99.1"}
      - {id: num_items, type: u4, orig: ItemCount, doc: "Number of items.", spec: "cat:99.1"}
      - {id: written_at, type: u8, orig: WrittenAt, doc: "Time written (ns).", spec: "cat:99.1"}
      - {id: text, type: str, size: len_text, pad: 8, orig: Text, doc: "The note (UTF-8).", spec: "cat:99.1"}
      - {id: items, type: evidence_item, repeat: expr, repeat_expr: num_items, doc: "Items.", spec: "cat:99.1"}
      - {id: digest, type: hash, optional: tail, orig: Digest, doc: "Optional digest of the note.", spec: "cat:99.1"}
types:
  evidence_item:
    doc: One referenced item (24 bytes).
    spec: "cat:99.1"
    seq:
      - {id: block_uuid, type: uuid, role: uuid_ref, orig: BlockUUID, doc: "Named block.", spec: "cat:99.1"}
      - {id: addr, type: u8, format: addr, orig: Addr, doc: "Address of the item.", spec: "cat:99.1"}
enums:
  note_kind:
    doc: Kind of an Evidence Note.
    spec: "cat:99.1"
    values:
      1: {id: observation, doc: "An observation.", spec: "cat:99.1"}
      2: {id: hypothesis, doc: "A hypothesis.", spec: "cat:99.1"}
"""

NEW_FIELD = """\
      - {id: len_cwd, type: u2, optional: tail, orig: CwdLen, doc: "Bytes of cwd with NUL.", spec: "cat:99.2"}
      - {id: reserved_cwd, type: bytes, size: 6, reserved: true, optional: tail, doc: "Zero.", spec: "cat:99.2"}
      - {id: cwd, type: str, size: len_cwd, pad: 8, optional: tail, orig: Cwd, doc: "Cwd.", spec: "cat:99.2"}
"""

ROUND_TRIP = """\
import importlib.util, json, sys
gen = sys.argv[1]
spec = importlib.util.spec_from_file_location("memslice.generated", gen + "/__init__.py",
                                              submodule_search_locations=[gen])
module = importlib.util.module_from_spec(spec)
sys.modules["memslice.generated"] = module
spec.loader.exec_module(module)
import memslice.generated.blocks.evidence_note as en
import memslice.generated.blocks.process_identity as pi
from memslice import MslReader, MslWriter
from memslice.canon import to_canonical
assert en.__file__.startswith(gen), en.__file__
items = [en.EvidenceItem(block_uuid=bytes(range(16)), addr=0xFFFF_8000_1234_5678),
         en.EvidenceItem(block_uuid=bytes(range(16, 32)), addr=0x7F00_0000_1000)]
note = en.EvidenceNote(kind=2, written_at=0x8000_0000_0000_0001, text="Schlüssel ✓ found", items=items,
                       digest=bytes(range(32)))
ident = pi.ProcessIdentity(ppid=1, session_id=2, start_time=3, exe_path="/usr/bin/ß", cmd_line="x -y",
                           cwd="/home/ü", reserved_cwd=bytes(6))
out = sys.argv[2]
with MslWriter(out, endian=sys.argv[3], cap_bitmap=0x100) as w:
    w.add(ident)
    w.add(note, compress="zstd")
    w.add(note)
with MslReader(out) as r:
    blocks = list(r.iter_blocks())
    assert [b.block_id for b in blocks] == ["process_identity", "evidence_note", "evidence_note", "end_of_capture"]
    got = blocks[1].payload
    assert got.text == note.text and got.items == items and got.digest == note.digest and got.kind == 2, got
    assert blocks[2].payload == blocks[1].payload
    assert blocks[0].payload.cwd == "/home/ü" and blocks[0].payload.cmd_line == "x -y"
    doc = to_canonical(r, check_integrity=True)
assert doc["integrity"]["chain"] == "ok" and doc["result"] == "complete", doc["integrity"]
doc.pop("integrity")
print(json.dumps(doc))
"""

#: what a regeneration could touch if it ignored its arguments: the schema, the generated code,
#: the generator's templates and the Kaitai tools (the runtime imports only generated/)
WATCHED = ("spec", "generated", "codegen", "tools/kaitai/python", "tools/kaitai/js", "tools/kaitai/java",
           "tools/kaitai/ksc.js", "tools/kaitai/package.json")


def snapshot() -> dict[str, str]:
    """SHA-256 of every watched file of the checkout."""
    out = {}
    for top in WATCHED:
        root = ROOT / top
        for path in sorted([root] if root.is_file() else root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                out[str(path.relative_to(ROOT))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


@pytest.fixture(scope="module")
def evolved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A changed copy of spec/ and the generated/ it renders to."""
    base = tmp_path_factory.mktemp("evolution")
    spec_dir = base / "spec"
    shutil.copytree(ROOT / "spec", spec_dir)
    (spec_dir / "blocks" / "evidence_note.yaml").write_text(NEW_BLOCK)
    pi = spec_dir / "blocks" / "process_identity.yaml"
    text = pi.read_text()
    anchor = '      - {id: cmd_line, type: str, size: len_cmd_line, pad: 8, orig: CmdLine,'
    assert anchor in text, "process_identity.yaml changed; update the test's anchor"
    lines = text.splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith(anchor))
    lines.insert(at + 1, NEW_FIELD)
    pi.write_text("".join(lines))
    result = run_codegen(spec_dir, base / "generated")
    assert result.written and not result.stale
    return base


def test_regenerated_python_bindings_round_trip_the_new_block(evolved: Path) -> None:
    before = snapshot()
    for endian in ("<", ">"):
        out = evolved / f"new-{'le' if endian == '<' else 'be'}.msl"
        proc = subprocess.run([sys.executable, "-c", ROUND_TRIP, str(evolved / "generated" / "python"), str(out),
                               endian], capture_output=True, text=True, timeout=300, cwd=evolved)
        assert proc.returncode == 0, proc.stderr
        (evolved / f"{out.name}.json").write_text(proc.stdout)
    assert snapshot() == before, "a file of the checkout changed"


def test_regenerated_ksy_compiles_and_parses_the_new_block(evolved: Path) -> None:
    require_toolchain()
    test_regenerated_python_bindings_round_trip_the_new_block(evolved)
    before = snapshot()
    ksy = evolved / "generated" / "kaitai" / "memslice.ksy"
    assert "evidence_note" in ksy.read_text() and "id: cwd" in ksy.read_text()
    compile_ksy(ksy, evolved / "build", ("python",))
    parser = load_parser(evolved / "build" / "python" / "memslice.py", "memslice_kaitai_evolved")
    canon = KaitaiCanon(load_spec(evolved / "spec"))
    for name in ("new-le.msl", "new-be.msl"):
        ours = json.loads((evolved / f"{name}.json").read_text())
        kaitai = canon.document(parser.Memslice.from_file(str(evolved / name)))
        assert [b["type_name"] for b in kaitai["blocks"]] == [
            "process_identity", "evidence_note", "evidence_note", "end_of_capture"]
        assert kaitai["blocks"][0]["payload"]["cwd"] == "/home/ü"
        assert kaitai["blocks"][1]["payload"]["kind"] == {"value": "2", "name": "hypothesis"}
        assert_agree(kaitai, ours)
    assert snapshot() == before, "a file of the checkout changed"


def test_regenerated_docs_describe_the_new_block(evolved: Path) -> None:
    docs = evolved / "generated" / "docs"
    if not docs.is_dir() or not any(docs.rglob("*.md")):
        pytest.skip("the docs backend rendered no files (generated/docs not written yet)")
    pages = {p.relative_to(docs).as_posix(): p.read_text() for p in docs.rglob("*.md")}
    text = "\n".join(pages.values())
    assert "Evidence Note" in text and "evidence_note" in text, "the new block is not in the docs"
    assert any("evidence_note" in name for name in pages), sorted(pages)
    assert "cwd" in text and "CwdLen" in text, "the new field is not in the docs"
    figures = list(docs.rglob("*evidence_note*.svg"))
    print(textwrap.shorten(f"docs: {len(pages)} pages; new block pages: "
                           f"{[n for n in pages if 'evidence_note' in n]}; figures: {len(figures)}", 300))
