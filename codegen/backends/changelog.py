"""The changelog page of the reference manual (``generated/docs/changelog.md``).

Built from the ``since`` of every item, so it needs nothing but ``spec/`` and is as
deterministic as the rest of ``generated/``: per format version (in ``format.yaml`` order,
then dialect-specific additions), the block types, payload layouts, fields, enum values, flag
bits and rules it introduced. For the exact difference between two revisions of ``spec/``
(offsets moved, compatibility, what guessed decoders make of it) use ``msl spec diff OLD NEW``.
"""

from __future__ import annotations

from memslice.codegen.model import Spec


def _md(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def changelog_page(spec: Spec, banner: str) -> str:
    """Render ``changelog.md``.

    Args:
        spec: The checked model.
        banner: The generated-file banner.

    Returns:
        The page.
    """
    order = [v.id for v in spec.versions] + [d.id for d in spec.dialects]
    rows: dict[str, list[tuple[str, str, str]]] = {}

    def add(since: str | None, kind: str, what: str, doc: str) -> None:
        if since is None:
            return
        key = next((o for o in order if o.lower() == since.lower()), since)
        rows.setdefault(key, []).append((kind, what, doc))

    for b in spec.blocks:
        add(b.since, "block type", f"0x{b.code:04X} {b.id}", f"{b.title} ({b.status})")
        for lay in b.layouts:
            base = f", extends {lay.base}" if lay.base else ""
            add(lay.since, "layout", f"{b.id}/{lay.id}",
                f"payload version(s) {', '.join(map(str, lay.payload_versions))}; dialects "
                f"{', '.join(lay.dialects)}{base}")
            for f in lay.seq:
                add(f.since, "field", f"{b.id}/{lay.id}.{f.id}", f.doc)
    for e in spec.enums.values():
        for v in e.values:
            add(v.since, "enum value", f"{e.id}.{v.id} = 0x{v.value:04X}", v.doc)
    for fs in spec.flags.values():
        for bit in fs.bits:
            add(bit.since, "flag bit", f"{fs.id}.{bit.id}", bit.doc)
    for r in spec.rules.values():
        add(r.since, "rule", r.id, r.text)
    lines = [banner, "# Changelog", "",
             "[Index](README.md) · [Block registry](registry.md) · [Enumerations](enums.md) · [Rules](rules.md)", "",
             "What each format version (and each dialect) introduced, from the `since` of every item in",
             "`spec/`. For the exact difference between two revisions, with offsets moved, compatibility",
             "for old readers and what known guessed decoders make of it, run `msl spec diff OLD NEW`.", ""]
    for key in [*order, *sorted(k for k in rows if k not in order)]:
        items = rows.get(key)
        if not items:
            continue
        lines += [f"## {key}", "", f"{len(items)} item(s).", "", "| kind | item | description |", "|---|---|---|"]
        lines += [f"| {kind} | `{what}` | {_md(doc)} |" for kind, what, doc in items]
        lines.append("")
    return "\n".join(lines)
