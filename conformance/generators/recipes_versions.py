"""Block-type cases for layouts that only a later format version (or a draft) defines.

``recipes_payloads`` writes one ``blocktypes/<id>`` case per block type of the default write
dialect. A block type whose layouts serve only the dialect of another version declared in
``spec/format.yaml`` (File Descriptor once 1.2 defines it, say) gets its case here, written
as a file of that version and labelled with it (``spec: "1.2"``), so that adapters that do
not claim the version skip it instead of failing it; its level is ``required`` for a defined
type and ``optional`` for a draft (bindings generated with ``msl codegen --drafts``).
The current spec has no such type, so this module adds no case to the committed corpus.
"""

from __future__ import annotations

from types import ModuleType

from memslice.conformance.generators import Built, recipe
from memslice.conformance.generators.fixtures import uuid4, write_capture
from memslice.conformance.generators.values import build_payload
from memslice.generated.blocks import module_list_index, process_identity
from memslice.generated.dialects import DEFAULT_WRITE, VERSION_DIALECTS
from memslice.generated.enums import CapBitmap
from memslice.generated.registry import block_modules

from memslice.writer import MslWriter


def later_modules() -> list[tuple[ModuleType, str]]:
    """(block module, format version id) for each defined or draft type the default dialect lacks."""
    out: list[tuple[ModuleType, str]] = []
    for module in block_modules():
        served = {d for layout in module.LAYOUTS for d in layout.DIALECTS}
        if module.STATUS not in ("defined", "draft") or DEFAULT_WRITE in served or module.PARENT:
            continue
        version = next((v for v, d in VERSION_DIALECTS.items() if d in served), None)
        if version is not None:
            out.append((module, version))
    return out


def _cap(*modules: ModuleType) -> int:
    bits = 0
    for module in modules:
        if module.CAP_BIT:
            bits |= CapBitmap[module.CAP_BIT.upper()]
    return bits


def _register(module: ModuleType, version: str) -> None:
    dialect = VERSION_DIALECTS[version]
    layout = next(c for c in module.LAYOUTS if dialect in c.DIALECTS)
    case_id = f"blocktypes/{module.BLOCK_ID.replace('_', '-')}"

    def build(seed: str) -> Built:
        def body(w: MslWriter) -> None:
            w.add(process_identity.ProcessIdentity(ppid=1, exe_path="/usr/bin/conformance-target",
                                                   cmd_line="conformance-target"),
                  block_uuid=uuid4(seed, process_identity.BLOCK_ID))
            w.add(module_list_index.ModuleListIndex(entries=[]), block_uuid=uuid4(seed, module_list_index.BLOCK_ID))
            w.add(build_payload(module, layout, seed), block_uuid=uuid4(seed, module.BLOCK_ID))

        data = write_capture(seed, body, format_version=version,
                             cap_bitmap=_cap(process_identity, module_list_index, module))
        return Built(data, f"A format {version} capture holding one {module.TITLE} block (type "
                     f"0x{module.BLOCK_TYPE:04X}, {module.STATUS} in {version}) with every field filled from the "
                     "schema.", version, ["C2", "C3", "C5"], "required" if module.STATUS == "defined" else "optional",
                     "valid", {"generator": f"values.build_payload({module.BLOCK_ID}) through "
                               f"MslWriter(format_version={version!r}).add"},
                     expect={"result": "complete", "integrity.chain": "ok", "integrity.file_hash": "ok"})

    recipe(case_id)(build)


for _module, _version in later_modules():
    _register(_module, _version)
