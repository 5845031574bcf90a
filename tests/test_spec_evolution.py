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
import os
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


# -- the worked example of spec/README.md: define reserved 0x0012, Process Identity v2, a new ArchType ----------

FD_LAYOUT = """\
layouts:
  - id: file_descriptor
    dialects: [spec-1.2]
    payload_versions: [1]
    since: "1.2"
    doc: One open descriptor of the process.
    spec: "1.2:5.12"
    seq:
      - {id: fd, type: u4, offset: 0x00, orig: FD, doc: "Descriptor number.", spec: "1.2:5.12"}
      - {id: fd_type, type: u2, offset: 0x04, enum: fd_type, orig: FdType, doc: "What it refers to.", spec: "1.2:5.12"}
      - {id: len_path, type: u2, offset: 0x06, orig: PathLen, doc: "Bytes of path with NUL.", spec: "1.2:5.12"}
      - {id: path, type: str, size: len_path, pad: 8, offset: 0x08, orig: Path, doc: "Target.", spec: "1.2:5.12"}
enums:
  fd_type:
    doc: What a File Descriptor refers to.
    spec: "1.2:5.12"
    values:
      0x0001: {id: regular_file, doc: A regular file., since: "1.2"}
      0x0002: {id: socket, doc: A socket., since: "1.2"}
      0x0003: {id: pipe, doc: A pipe or FIFO., since: "1.2"}
"""

PI_V2 = """\
  - id: process_identity_v2
    base: process_identity
    dialects: [spec-1.2]
    payload_versions: [2]
    since: "1.2"
    doc: Payload version 2 adds the working directory after the command line.
    spec: "1.2:5.4"
    seq:
      - {id: len_cwd, type: u2, orig: CwdLen, since: "1.2", doc: "Bytes of cwd with NUL.", spec: "1.2:5.4"}
      - {id: reserved_v2, type: bytes, size: 6, reserved: true, doc: "Zero.", spec: "1.2:5.4"}
      - {id: cwd, type: str, size: len_cwd, pad: 8, orig: Cwd, since: "1.2", doc: "Working directory.", spec: "1.2:5.4"}
      - {id: umask, type: u8, status: draft, orig: Umask, doc: "Draft: the file mode mask.", spec: "1.2:5.4"}
"""

VERSION_12 = """\
  - id: "1.2"
    value: 0x0102
    doc: The worked example of spec/README.md (File Descriptor, Process Identity v2).
    spec: "3"
"""

DIALECT_12 = """\
  - id: spec-1.2
    title: Memory Slice 1.2 (worked example)
    versions: [0x0102]
    extends: spec-1.1
    doc: Everything of 1.1, plus File Descriptor and Process Identity payload version 2.
    spec: "3"
"""


def _apply(spec_dir: Path, *, status: str, declare: bool, fix_prose: bool) -> None:
    """The worked example's edits, as a maintainer makes them (possibly incompletely)."""
    fd = spec_dir / "blocks" / "file_descriptor.yaml"
    text = fd.read_text()
    assert "status: reserved" in text and text.rstrip().endswith("layouts: []")
    text = text.replace("status: reserved", f"status: {status}").replace("layouts: []\n", FD_LAYOUT)
    if fix_prose:
        head, _, _ = text.partition("doc: |")
        text = head + "doc: |\n  An open descriptor of the process: number, kind and target path (defined in 1.2).\n" \
            + FD_LAYOUT
    fd.write_text(text)
    pi = spec_dir / "blocks" / "process_identity.yaml"
    text = pi.read_text()
    assert "\ntypes:" not in text and "\nenums:" not in text
    pi.write_text(text.rstrip("\n") + "\n" + PI_V2)
    enums = spec_dir / "enums.yaml"
    text = enums.read_text()
    anchor = "      0x000B: {id: loongarch64, doc: LoongArch64.}\n"
    assert anchor in text
    text = text.replace(anchor, anchor + '      0x000C: {id: sparc64, doc: SPARC64., since: "1.2"}\n')
    if fix_prose:
        text = text.replace("Target CPU. 0x000C-0x00FF reserved", "Target CPU. 0x000D-0x00FF reserved")
    enums.write_text(text)
    if declare:
        fmt = spec_dir / "format.yaml"
        text = fmt.read_text()
        text = text.replace("\nconstants:", VERSION_12 + "\nconstants:", 1)
        fmt.write_text(text)
        dia = spec_dir / "dialects.yaml"
        text = dia.read_text()
        dia.write_text(text.replace("\ndefault_write:", DIALECT_12 + "\ndefault_write:", 1))
    if fix_prose:
        rules = spec_dir / "rules.yaml"
        text = rules.read_text()
        old = "Block types 0x0012-0x0015 are reserved and not emitted."
        assert old in text
        rules.write_text(text.replace(old, "Block types 0x0013-0x0015 are reserved and not emitted."))


def test_worked_example_checker_says_what_to_change(tmp_path: Path) -> None:
    from memslice.codegen.errors import SpecErrors

    spec_dir = tmp_path / "spec"
    shutil.copytree(ROOT / "spec", spec_dir)
    _apply(spec_dir, status="reserved", declare=False, fix_prose=False)
    with pytest.raises(SpecErrors) as info:
        load_spec(spec_dir)
    messages = {e.path: e.message for e in info.value.errors}
    assert "has 1 layout(s): set 'status: defined'" in messages["blocks/file_descriptor.yaml:status"]
    assert "since '1.2' is neither a version format.yaml declares" in messages[
        "blocks/file_descriptor.yaml:layouts[0].since"]
    assert "names version 1.2, which format.yaml does not declare" in messages[
        "blocks/file_descriptor.yaml:layouts[0].seq[0].spec"]
    assert all(e.line is not None for e in info.value.errors), [str(e) for e in info.value.errors]

    shutil.rmtree(spec_dir)
    shutil.copytree(ROOT / "spec", spec_dir)
    _apply(spec_dir, status="defined", declare=True, fix_prose=False)
    with pytest.raises(SpecErrors) as info:
        load_spec(spec_dir)
    by_path = {e.path: e for e in info.value.errors}
    rule = next(e for p, e in by_path.items() if p.startswith("rules.yaml:"))
    assert "V11-4.3-reserved-types says 0x0012-0x0015 are reserved" in rule.message
    assert "blocks/file_descriptor.yaml" in rule.message and "change the rule's text" in rule.message
    assert "still says 'defines no payload'" in by_path["blocks/file_descriptor.yaml:doc"].message
    assert "0x000C (sparc64) is defined; narrow the reserved range" in by_path["enums.yaml:enums.arch_type.doc"].message
    assert len(info.value.errors) == 3, str(info.value)


@pytest.fixture(scope="module")
def worked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The worked example applied to a copy of spec/, generated with and without drafts."""
    base = tmp_path_factory.mktemp("worked")
    spec_dir = base / "spec"
    shutil.copytree(ROOT / "spec", spec_dir)
    _apply(spec_dir, status="defined", declare=True, fix_prose=True)
    result = run_codegen(spec_dir, base / "generated")
    assert result.written and not result.stale
    run_codegen(spec_dir, base / "generated-drafts", drafts=True)
    return base


WORKED_WRITE = """\
import importlib.util, json, sys
gen = sys.argv[1]
spec = importlib.util.spec_from_file_location("memslice.generated", gen + "/__init__.py",
                                              submodule_search_locations=[gen])
module = importlib.util.module_from_spec(spec)
sys.modules["memslice.generated"] = module
spec.loader.exec_module(module)
import memslice.generated.blocks.file_descriptor as fdm
import memslice.generated.blocks.process_identity as pim
from memslice.generated.enums import ArchType, CapBitmap, FdType
from memslice import MslReader, MslWriter
from memslice.validate import validate
assert fdm.__file__.startswith(gen)
assert not hasattr(pim.ProcessIdentityV2(), "umask") or sys.argv[3] == "drafts", "draft field generated"
fd = fdm.FileDescriptor(fd=3, fd_type=FdType.SOCKET, path="socket:[4242]")
ident = pim.ProcessIdentityV2(ppid=1, session_id=2, start_time=3, exe_path="/usr/bin/x", cmd_line="x -y",
                              cwd="/home/u", reserved_v2=bytes(6))
old_ident = pim.ProcessIdentity(ppid=1, session_id=2, start_time=3, exe_path="/usr/bin/x", cmd_line="x")
with MslWriter(sys.argv[2], format_version="1.2", arch_type=ArchType.SPARC64,
               cap_bitmap=CapBitmap.PROCESS_IDENTITY | CapBitmap.FILE_DESCRIPTORS) as w:
    w.add(ident)
    w.add(fd)
    w.add(old_ident)
with MslReader(sys.argv[2]) as r:
    assert r.version == 0x0102 and r.dialect == "spec-1.2", (hex(r.version), r.dialect)
    blocks = list(r.iter_blocks())
    assert [b.block_id for b in blocks] == ["process_identity", "file_descriptor", "process_identity",
                                            "end_of_capture"], blocks
    assert [b.record.header.payload_version for b in blocks[:3]] == [2, 1, 1]
    assert blocks[0].payload.cwd == "/home/u" and blocks[1].payload.fd_type == FdType.SOCKET
    assert blocks[1].payload.path == "socket:[4242]" and blocks[2].payload.cmd_line == "x"
report = validate(sys.argv[2])
print(json.dumps([f.rule + ": " + f.message for f in report.findings]))
"""

OLD_READ = """\
import json, sys
from memslice import MslReader, verify
with MslReader(sys.argv[1]) as r:
    out = {"dialect": r.dialect, "ok": verify(r).ok,
           "blocks": [[b.block_id, b.skipped, b.payload is None] for b in r.iter_blocks()]}
print(json.dumps(out))
"""


def test_worked_example_bindings_write_read_and_validate(worked: Path) -> None:
    before = snapshot()
    for flavour in ("generated", "generated-drafts"):
        out = worked / f"{flavour}.msl"
        proc = subprocess.run([sys.executable, "-c", WORKED_WRITE, str(worked / flavour / "python"), str(out),
                               "drafts" if "drafts" in flavour else "plain"],
                              capture_output=True, text=True, timeout=300, cwd=worked)
        assert proc.returncode == 0, proc.stderr
        findings = json.loads(proc.stdout)
        assert not [f for f in findings if f.startswith(("P10", "P1:", "V11-4.3"))], findings
    drafts_py = (worked / "generated-drafts" / "python" / "blocks" / "process_identity.py").read_text()
    plain_py = (worked / "generated" / "python" / "blocks" / "process_identity.py").read_text()
    assert "umask" in drafts_py and "umask" not in plain_py
    assert snapshot() == before, "a file of the checkout changed"


def test_worked_example_old_reader_skips_the_new_blocks_cleanly(worked: Path) -> None:
    test_worked_example_bindings_write_read_and_validate(worked)
    proc = subprocess.run([sys.executable, "-c", OLD_READ, str(worked / "generated.msl")], capture_output=True,
                          text=True, timeout=300, cwd=worked)
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout)
    assert got["ok"] and got["dialect"] == "spec-1.1"
    assert got["blocks"] == [["process_identity", "unknown-payload-version", True],
                             ["file_descriptor", "no-layout", True],
                             ["process_identity", None, False],
                             ["end_of_capture", None, False]], got


def test_worked_example_ksy_and_docs(worked: Path) -> None:
    ksy = (worked / "generated" / "kaitai" / "memslice.ksy").read_text()
    assert "file_descriptor" in ksy and "cwd" in ksy and "sparc64" in ksy
    docs = "\n".join(p.read_text() for p in (worked / "generated" / "docs").rglob("*.md"))
    assert "FdType" in docs and "sparc64" in docs and "process_identity_v2" in docs
    assert "Extends layout `process_identity`" in docs and "Lifecycle: since 1.2" in docs
    assert "| `sparc64` | SPARC64. (since 1.2) |" in docs
    drafts = (worked / "generated-drafts" / "docs" / "blocks" / "process_identity.md").read_text()
    assert "umask" not in docs and "Status: draft" in drafts
    require_toolchain()
    compile_ksy(worked / "generated" / "kaitai" / "memslice.ksy", worked / "build", ("python",))
    test_worked_example_bindings_write_read_and_validate(worked)
    parser = load_parser(worked / "build" / "python" / "memslice.py", "memslice_kaitai_worked")
    doc = KaitaiCanon(load_spec(worked / "spec")).document(parser.Memslice.from_file(str(worked / "generated.msl")))
    names = [b["type_name"] for b in doc["blocks"]]
    assert names == ["process_identity", "file_descriptor", "process_identity", "end_of_capture"], names
    assert doc["blocks"][1]["payload"]["path"] == "socket:[4242]"
    assert doc["blocks"][0]["payload"]["cwd"] == "/home/u"


def test_worked_example_changelog(worked: Path) -> None:
    from memslice.codegen.diff import BREAKING, diff_specs

    result = diff_specs(load_spec(ROOT / "spec"), load_spec(worked / "spec"), old_label="spec", new_label="worked")
    by = {(c.kind, c.action, c.subject): c for c in result.changes}
    assert not result.breaking, [c for c in result.changes if c.compat == BREAKING]
    assert by[("block", "changed", "0x0012 file_descriptor")].detail == "status reserved -> defined"
    fd = by[("layout", "added", "file_descriptor/file_descriptor")]
    assert "C3" in fd.old_readers
    (guess,) = fd.guessed
    assert guess.startswith("memdiver-1.0.2") and "reads FdType (u2 at 0x04) as its len_path" in guess
    v2 = by[("layout", "added", "process_identity/process_identity_v2")]
    assert "unknown payload version (C7)" in v2.old_readers
    assert any("silently dropping CwdLen, reserved_v2, Cwd" in g for g in v2.guessed), v2.guessed
    assert ("enum_value", "added", "arch_type.sparc64") in by and ("version", "added", "1.2") in by
    assert ("dialect", "added", "spec-1.2") in by and ("rule", "changed", "V11-4.3-reserved-types") in by
    assert not any(c.subject.startswith("process_identity/process_identity_v2.umask") for c in result.changes)
    page = (worked / "generated" / "docs" / "changelog.md").read_text()
    section = page[page.index("## 1.2"):]
    for item in ("file_descriptor/file_descriptor", "process_identity/process_identity_v2",
                 "arch_type.sparc64 = 0x000C", "fd_type.socket = 0x0002", "process_identity_v2.cwd"):
        assert item in section, item


MEMDIVER_READ = """\
import json, sys
from pathlib import Path
from memdiver.msl.reader import MslReader
r = MslReader(Path(sys.argv[1]))
r.open()
print(json.dumps({"fds": [[p.fd, p.path] for p in r.collect_file_descriptors()],
                  "idents": [sorted(vars(p)) for p in r.collect_process_identity()]}))
"""


def test_worked_example_changelog_matches_what_memdiver_really_does(worked: Path) -> None:
    """The changelog's claims about memdiver 1.0.2, checked against memdiver 1.0.2 itself."""
    from memslice.codegen.diff import diff_specs

    from tests.oracles.venvs import ensure_oracle, failure_reason

    python = ensure_oracle("memdiver")
    if python is None:
        pytest.skip(failure_reason("memdiver") or "memdiver oracle unavailable")
    test_worked_example_bindings_write_read_and_validate(worked)
    proc = subprocess.run([str(python), "-c", MEMDIVER_READ, str(worked / "generated.msl")], capture_output=True,
                          text=True, timeout=300, cwd=worked)
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout)
    result = diff_specs(load_spec(ROOT / "spec"), load_spec(worked / "spec"))
    claims = " ".join(g for c in result.changes for g in c.guessed)
    # the diff says the guess reads FdType (SOCKET = 2) as the path length: memdiver returns 2 bytes of the path
    assert "reads FdType (u2 at 0x04) as its len_path" in claims
    assert got["fds"] == [[3, "socket:[4242]"[:2]]], got
    # the diff says memdiver decodes payload version 2 with its v1 layout, dropping Cwd: no cwd, no error
    assert "silently dropping CwdLen, reserved_v2, Cwd" in claims
    assert len(got["idents"]) == 2 and not any("cwd" in keys for keys in got["idents"]), got


WORKED_CORPUS = """\
import importlib.util, json, sys
gen = sys.argv[1]
spec = importlib.util.spec_from_file_location("memslice.generated", gen + "/__init__.py",
                                              submodule_search_locations=[gen])
module = importlib.util.module_from_spec(spec)
sys.modules["memslice.generated"] = module
spec.loader.exec_module(module)
from memslice.conformance.generators import all_recipes
from memslice import MslReader
recipes = all_recipes()
built = recipes["blocktypes/file-descriptor"]("blocktypes/file-descriptor")
with MslReader(built.data) as r:
    names = [b.block_id for b in r.iter_blocks()]
    version, dialect = r.version, r.dialect
print(json.dumps({"spec": built.spec, "level": built.level, "version": version, "dialect": dialect,
                  "names": names, "pi_spec": recipes["blocktypes/system-context"]("x").spec}))
"""


def test_worked_example_corpus_case_carries_the_yaml_version(worked: Path) -> None:
    env = {**os.environ, "MEMSLICE_SPEC_DIR": str(worked / "spec")}
    proc = subprocess.run([sys.executable, "-c", WORKED_CORPUS, str(worked / "generated" / "python")],
                          capture_output=True, text=True, timeout=600, cwd=worked, env=env)
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout)
    assert (got["spec"], got["level"], got["version"], got["dialect"]) == ("1.2", "required", 0x0102, "spec-1.2")
    assert got["names"] == ["process_identity", "module_list_index", "file_descriptor", "end_of_capture"]
    assert got["pi_spec"] == "1.1"  # the default-dialect cases keep the version the writer writes by default
