"""What changed between two versions of ``spec/``, for implementers (``msl spec diff OLD NEW``).

:func:`diff_specs` compares two checked models: block types, payload layouts, fields, enum
values, rules, versions and dialects added, removed or changed, and offsets moved. Each
change is marked ``compatible`` or ``breaking`` for readers built from the old spec, with
what such a reader does with files written to the new one, and what the known guessed
decoders (the ``guesses:`` of a block file, e.g. memdiver 1.0.2's for 0x0012-0x0015) and
dialects that ignore PayloadVersion (``reads_payload_version: false``) make of it.
:class:`SpecDiff` renders as Markdown or JSON.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from memslice.codegen.errors import SpecError
from memslice.codegen.loader import load_spec
from memslice.codegen.model import INT_SIZES, BlockType, Field, Guess, Spec, Struct

COMPATIBLE = "compatible"
BREAKING = "breaking"


@dataclass
class Change:
    """One difference between the old and the new spec.

    Attributes:
        kind: ``version``, ``dialect``, ``block``, ``layout``, ``field``, ``enum_value`` or ``rule``.
        action: ``added``, ``removed``, ``changed`` or ``moved``.
        subject: What changed (``0x0012 file_descriptor``, ``process_identity/process_identity_v2.cwd``).
        detail: How.
        compat: ``compatible`` or ``breaking`` for readers built from the old spec.
        old_readers: What such a reader does with a file written to the new spec.
        guessed: What known guessed decoders and PayloadVersion-blind dialects make of it.
    """

    kind: str
    action: str
    subject: str
    detail: str
    compat: str
    old_readers: str
    guessed: list[str] = field(default_factory=list)


@dataclass
class SpecDiff:
    """The changes between two specs, in a stable order."""

    old: str
    new: str
    changes: list[Change]

    @property
    def breaking(self) -> list[Change]:
        """The changes that break readers built from the old spec."""
        return [c for c in self.changes if c.compat == BREAKING]

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form (``msl spec diff --json``)."""
        return {"format": "msl-spec-diff/1", "old": self.old, "new": self.new,
                "counts": {COMPATIBLE: len(self.changes) - len(self.breaking), BREAKING: len(self.breaking)},
                "changes": [asdict(c) for c in self.changes]}

    def to_markdown(self) -> str:
        """A changelog page for implementers."""
        lines = [f"# Spec changes: `{self.old}` -> `{self.new}`", ""]
        if not self.changes:
            return "\n".join([*lines, "No changes.", ""])
        lines += [f"{len(self.changes)} change(s): {len(self.changes) - len(self.breaking)} compatible, "
                  f"{len(self.breaking)} breaking for readers built from `{self.old}`.", ""]
        titles = {"version": "Format versions", "dialect": "Dialects", "block": "Block types",
                  "layout": "Payload layouts", "field": "Fields", "enum_value": "Enum values", "rule": "Rules"}
        for kind, title in titles.items():
            rows = [c for c in self.changes if c.kind == kind]
            if not rows:
                continue
            lines += [f"## {title}", "", "| change | what | detail | old readers | guessed decoders |",
                      "|---|---|---|---|---|"]
            for c in rows:
                mark = "**breaking**" if c.compat == BREAKING else COMPATIBLE
                guessed = "<br>".join(_cell(g) for g in c.guessed) or "-"
                lines.append(f"| {c.action} ({mark}) | `{c.subject}` | {_cell(c.detail)} | {_cell(c.old_readers)} "
                             f"| {guessed} |")
            lines.append("")
        return "\n".join(lines)


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _fsize(f: Field) -> int | None:
    return f.fixed_size


def _ftype(f: Field) -> str:
    return f"{f.type}[{f.size.source}]" if f.size is not None else f.type


def _name(f: Field) -> str:
    return f.orig or f.id


# -- what guessed decoders make of a definition ----------------------------------------------------------------


def guess_reading(guess: Guess, layout: Struct) -> str:
    """What a tool's guessed decoder reads from a payload of ``layout``.

    Args:
        guess: The guessed decoder (``guesses:`` of the block file).
        layout: The newly defined layout.

    Returns:
        One sentence: field by field where the guess and the definition disagree.
    """
    wrong: list[str] = []
    misread: set[str] = set()
    for g in guess.seq:
        at = [f for f in layout.seq if f.offset is not None and f.offset <= g.offset < f.offset + (_fsize(f) or 1)]
        if not at:
            wrong.append(f"reads its {g.id} at 0x{g.offset:02X}, where the definition has no fixed field")
            misread.add(g.id)
            continue
        f = at[0]
        size = INT_SIZES.get(g.type)
        same_shape = f.offset == g.offset and (size is None or _fsize(f) == size) and f.is_int == (size is not None)
        if same_shape and f.id == g.id:
            if g.size in misread:
                wrong.append(f"reads {_name(f)} with the length it took from the wrong field")
            continue
        misread.add(g.id)
        wrong.append(f"reads {_name(f)} ({f.type} at 0x{f.offset:02X}) as its {g.id} ({g.type} at 0x{g.offset:02X})")
    if not wrong:
        return f"{guess.tool}: its guessed decoder reads the definition's fields as the spec does"
    return (f"{guess.tool}: its guessed decoder " + "; ".join(wrong)
            + ": wrong values without an error (it falls back to a generic block only when a read fails)")


def _blind_reading(old: Spec, block: BlockType, layout: Struct) -> list[str]:
    """What dialects that ignore PayloadVersion make of a new payload version of a block."""
    out: list[str] = []
    for d in old.dialects:
        if d.reads_payload_version:
            continue
        try:
            old_block = old.block(block.id)
        except KeyError:
            continue
        theirs = [lay for lay in old_block.layouts if d.id in lay.dialects]
        if not theirs:
            continue
        base = theirs[0]
        prefix = [f.id for f in base.seq]
        new_ids = [f.id for f in layout.seq]
        if new_ids[:len(prefix)] == prefix and all(
                a.type == b.type and a.offset == b.offset for a, b in zip(base.seq, layout.seq, strict=False)):
            dropped = [_name(f) for f in layout.seq[len(prefix):]]
            out.append(f"{d.id}: ignores PayloadVersion and decodes it with its layout {base.id}, silently dropping "
                       f"{', '.join(dropped) or 'nothing'}")
        else:
            out.append(f"{d.id}: ignores PayloadVersion and decodes it with its layout {base.id}, which does not "
                       "match: wrong values or a decode error")
    return out


# -- the comparison -------------------------------------------------------------------------------------------


def diff_specs(old: Spec, new: Spec, *, old_label: str = "old", new_label: str = "new") -> SpecDiff:
    """Compare two checked models.

    Args:
        old: The earlier spec.
        new: The later spec.
        old_label: How the report names the earlier spec.
        new_label: How it names the later one.

    Returns:
        The changes, versions and dialects first, then blocks, layouts, fields, enum values, rules.
    """
    changes: list[Change] = []
    changes += _versions(old, new)
    changes += _blocks(old, new)
    changes += _enums(old, new)
    changes += _rules(old, new)
    return SpecDiff(old_label, new_label, changes)


def _versions(old: Spec, new: Spec) -> list[Change]:
    out: list[Change] = []
    old_v = {v.id: v for v in old.versions}
    for v in new.versions:
        if v.id not in old_v:
            out.append(Change("version", "added", v.id, f"header Version 0x{v.value:04X}", COMPATIBLE,
                              "parse it as an unknown minor of a known major (spec 3.2) with their newest layouts"))
    for v in old.versions:
        if v.id not in {x.id for x in new.versions}:
            out.append(Change("version", "removed", v.id, f"header Version 0x{v.value:04X}", BREAKING,
                              "still write it; new readers may refuse such files"))
    old_d = {d.id: d for d in old.dialects}
    for d in new.dialects:
        if d.id not in old_d:
            ext = f"extends {d.extends}; " if d.extends else ""
            out.append(Change("dialect", "added", d.id, f"{ext}versions {', '.join(f'0x{x:04X}' for x in d.versions)}",
                              COMPATIBLE, "do not know it and detect such files as the nearest dialect they know"))
    for d in old.dialects:
        if d.id not in {x.id for x in new.dialects}:
            out.append(Change("dialect", "removed", d.id, d.title, BREAKING,
                              "still decode it; new readers no longer do"))
    return out


def _blocks(old: Spec, new: Spec) -> list[Change]:
    out: list[Change] = []
    old_b = {b.id: b for b in old.blocks}
    new_b = {b.id: b for b in new.blocks}
    for b in new.blocks:
        was = old_b.get(b.id)
        subject = f"0x{b.code:04X} {b.id}"
        if was is None:
            out.append(Change("block", "added", subject, f"{b.title} ({b.status}, since {b.since})", COMPATIBLE,
                              "skip it by BlockLength: unknown block type (C3)"))
            out += _new_layouts(old, b, b.layouts, guesses=[])
            continue
        if was.code != b.code:
            out.append(Change("block", "changed", subject, f"code 0x{was.code:04X} -> 0x{b.code:04X}", BREAKING,
                              "decode the new code with whatever they had for it, and skip the old code"))
        if was.status != b.status:
            became_defined = was.status in ("reserved", "draft") and b.status == "defined"
            out.append(Change("block", "changed", subject, f"status {was.status} -> {b.status}",
                              COMPATIBLE if became_defined or b.status == "withdrawn" else BREAKING,
                              "skip it by BlockLength: no layout in their registry (C3)" if became_defined
                              else "still decode or skip it as before"))
        old_l = {lay.id: lay for lay in was.layouts}
        added = [lay for lay in b.layouts if lay.id not in old_l]
        out += _new_layouts(old, b, added, guesses=was.guesses or b.guesses)
        for lay in was.layouts:
            if lay.id not in {x.id for x in b.layouts}:
                out.append(Change("layout", "removed", f"{b.id}/{lay.id}", f"dialects {', '.join(lay.dialects)}",
                                  BREAKING, "keep decoding it; files written with it no longer decode with new "
                                  "readers"))
        for lay in b.layouts:
            if lay.id in old_l:
                out += _layout_changes(old_l[lay.id], lay, b, {d.id for d in old.dialects})
    for b in old.blocks:
        if b.id not in new_b:
            out.append(Change("block", "removed", f"0x{b.code:04X} {b.id}", b.title, BREAKING,
                              "keep decoding it; new readers skip it"))
    return out


def _new_layouts(old: Spec, block: BlockType, layouts: list[Struct], *, guesses: list[Guess]) -> list[Change]:
    out: list[Change] = []
    try:
        had = {pv for lay in old.block(block.id).layouts for pv in lay.payload_versions}
    except KeyError:
        had = set()
    for lay in layouts:
        versions = ", ".join(map(str, lay.payload_versions))
        base = f"; extends {lay.base}" if lay.base else ""
        detail = f"dialects {', '.join(lay.dialects)}; payload version(s) {versions}{base}; {len(lay.seq)} fields"
        if had and not set(lay.payload_versions) & had:
            readers = "skip the block: unknown payload version (C7)"
        elif had:
            readers = "decode it with their layout for the same payload version"
        else:
            readers = "skip the block by BlockLength: no layout for it (C3)"
        guessed = [guess_reading(g, lay) for g in guesses] + _blind_reading(old, block, lay)
        out.append(Change("layout", "added", f"{block.id}/{lay.id}", detail, COMPATIBLE, readers, guessed))
    return out


def _layout_changes(was: Struct, now: Struct, block: BlockType, was_dialects: set[str]) -> list[Change]:
    out: list[Change] = []
    subject = f"{block.id}/{now.id}"
    # a dialect that did not exist before is reported once, as a new dialect, not on every layout it inherits
    now_dialects = tuple(d for d in now.dialects if d in was_dialects)
    if set(was.payload_versions) != set(now.payload_versions) or set(was.dialects) != set(now_dialects):
        out.append(Change("layout", "changed", subject,
                          f"dialects {', '.join(was.dialects)} -> {', '.join(now_dialects)}; payload versions "
                          f"{was.payload_versions} -> {now.payload_versions}",
                          BREAKING if not set(was.payload_versions) <= set(now.payload_versions) else COMPATIBLE,
                          "decode only the payload versions and dialects they knew"))
    old_f = {f.id: f for f in was.seq}
    new_ids = [f.id for f in now.seq]
    old_ids = [f.id for f in was.seq]
    for i, f in enumerate(now.seq):
        if f.id in old_f:
            continue
        at_tail = all(x not in old_f for x in new_ids[i:])
        where = f"0x{f.offset:02X}" if f.offset is not None else "a variable offset"
        detail = f"{_name(f)}: {_ftype(f)} at {where}" + (" (optional tail)" if f.optional_tail else "")
        if at_tail:
            out.append(Change("field", "added", f"{subject}.{f.id}", detail, COMPATIBLE,
                              "read the fields they know and ignore the bytes after them"))
        else:
            later = [x for x in new_ids[i + 1:] if x in old_f]
            out.append(Change("field", "added", f"{subject}.{f.id}", detail, BREAKING,
                              f"read the old fields at the old offsets and so misread {', '.join(later)}"))
    for f in was.seq:
        if f.id not in {x.id for x in now.seq}:
            out.append(Change("field", "removed", f"{subject}.{f.id}", f"{_name(f)}: {_ftype(f)}", BREAKING,
                              "expect the field and misread what follows it"))
    for f in now.seq:
        prev = old_f.get(f.id)
        if prev is None:
            continue
        if _ftype(prev) != _ftype(f) or prev.repeat != f.repeat or (prev.cond is None) != (f.cond is None):
            out.append(Change("field", "changed", f"{subject}.{f.id}", f"{_ftype(prev)} -> {_ftype(f)}", BREAKING,
                              "read it with the old type"))
        elif prev.offset != f.offset and prev.offset is not None and f.offset is not None:
            out.append(Change("field", "moved", f"{subject}.{f.id}", f"offset 0x{prev.offset:02X} -> 0x{f.offset:02X}",
                              BREAKING, f"read {_name(f)} at 0x{prev.offset:02X}"))
        elif prev.enum != f.enum or prev.flags != f.flags:
            out.append(Change("field", "changed", f"{subject}.{f.id}",
                              f"enum/flags {prev.enum or prev.flags} -> {f.enum or f.flags}", COMPATIBLE,
                              "render the number with the old names"))
    if old_ids != [x for x in new_ids if x in old_f] and not any(c.action == "moved" for c in out):
        out.append(Change("layout", "changed", subject, "fields reordered", BREAKING, "misread the reordered fields"))
    return out


def _enums(old: Spec, new: Spec) -> list[Change]:
    out: list[Change] = []
    for eid, e in new.enums.items():
        if eid == "block_type":
            continue
        was = old.enums.get(eid)
        before = {v.value: v for v in (was.values if was else [])}
        for v in e.values:
            prev = before.get(v.value)
            since = f" (since {v.since})" if v.since else ""
            if prev is None:
                out.append(Change("enum_value", "added", f"{eid}.{v.id}", f"0x{v.value:04X}{since}: {v.doc}",
                                  COMPATIBLE, "show the number without a name"))
            elif prev.id != v.id:
                out.append(Change("enum_value", "changed", f"{eid}.{v.id}",
                                  f"0x{v.value:04X} renamed {prev.id} -> {v.id}", COMPATIBLE,
                                  "show the old name (canonical JSON differs)"))
            elif prev.status != v.status:
                out.append(Change("enum_value", "changed", f"{eid}.{v.id}",
                                  f"0x{v.value:04X} status {prev.status} -> {v.status}", COMPATIBLE,
                                  "name the value as before"))
        for v in (was.values if was else []):
            if v.value not in {x.value for x in e.values}:
                out.append(Change("enum_value", "removed", f"{eid}.{v.id}", f"0x{v.value:04X}", BREAKING,
                                  "still accept the value; new readers show it without a name"))
    for eid, e in old.enums.items():
        if eid not in new.enums:
            out.append(Change("enum_value", "removed", f"{eid}.*", f"enum {eid} ({len(e.values)} values)", BREAKING,
                              "still name its values"))
    return out


def _rules(old: Spec, new: Spec) -> list[Change]:
    out: list[Change] = []
    for rid, r in new.rules.items():
        prev = old.rules.get(rid)
        if prev is None:
            out.append(Change("rule", "added", rid, f"{r.level} ({r.role}): {r.text}", COMPATIBLE,
                              "unaffected (a rule for producers and new readers)"))
        elif (prev.text, prev.level, prev.role) != (r.text, r.level, r.role):
            detail = f"{prev.level} -> {r.level}: " if prev.level != r.level else ""
            out.append(Change("rule", "changed", rid, f"{detail}{prev.text} -> {r.text}", COMPATIBLE,
                              "unaffected (validators built from the old spec apply the old text)"))
    for rid in old.rules:
        if rid not in new.rules:
            out.append(Change("rule", "removed", rid, old.rules[rid].text, COMPATIBLE,
                              "unaffected (old validators still apply it)"))
    return out


# -- loading either side ----------------------------------------------------------------------------------------


def spec_at(where: str, repo: Path, scratch: Path) -> tuple[Spec, str]:
    """Load a spec from a folder, or from a git revision of ``repo``.

    Args:
        where: A folder holding ``format.yaml`` (or one holding ``spec/``), or a git revision.
        repo: The repository for revisions.
        scratch: An empty folder to unpack a revision's ``spec/`` into.

    Returns:
        The checked model and a label for the report.

    Raises:
        SpecError: Neither a spec folder nor a revision with ``spec/``, or the spec is invalid.
    """
    path = Path(where)
    if path.is_dir():
        folder = path / "spec" if (path / "spec" / "format.yaml").is_file() else path
        return load_spec(folder), where
    if where.startswith("-"):
        raise SpecError(where, "neither a spec folder nor a git revision (a revision cannot start with '-')")
    try:
        rev = subprocess.run(["git", "-C", str(repo), "rev-parse", "--verify", "--quiet", "--end-of-options",
                              f"{where}^{{commit}}"], capture_output=True, timeout=60, check=False)
        proc = subprocess.run(["git", "-C", str(repo), "archive", "--format=tar", rev.stdout.decode().strip(), "spec"],
                              capture_output=True, timeout=120, check=False) if rev.returncode == 0 else rev
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SpecError(where, f"not a folder, and git could not be run: {exc}") from None
    if proc.returncode != 0:
        raise SpecError(where, "neither a spec folder nor a git revision with spec/ "
                        f"({proc.stderr.decode(errors='replace').strip() or 'unknown revision'})")
    with tarfile.open(fileobj=io.BytesIO(proc.stdout)) as tar:
        safe = [m for m in tar.getmembers() if (m.isfile() or m.isdir()) and not m.name.startswith("/")
                and ".." not in m.name.split("/")]
        if hasattr(tarfile, "data_filter"):  # 3.11.4+: the library refuses links and paths outside scratch too
            tar.extractall(scratch, members=safe, filter="data")
        else:  # older 3.11: only plain files and folders inside scratch
            tar.extractall(scratch, members=safe)  # noqa: S202 - members filtered above
    return load_spec(scratch / "spec"), where
