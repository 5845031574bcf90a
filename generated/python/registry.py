# Generated from spec/blocks/*.yaml by `msl codegen`.
# Do not edit: change the YAML and regenerate.
"""The block registry: which layout decodes (block type, dialect, payload version)."""

from __future__ import annotations

from types import ModuleType

from memslice.generated.blocks import (
    analyst_annotation,
    block_index_table,
    connection_table,
    connectivity_table,
    connectivity_table_memdiver,
    diff_result,
    end_of_capture,
    end_of_extension,
    environment_block,
    file_descriptor,
    handle_table,
    import_provenance,
    kernel_module_list,
    kernel_symbol_bundle,
    key_hint,
    memory_region,
    module_build_id_manifest,
    module_entry,
    module_list_index,
    network_connection,
    persistence_manifest,
    physical_memory_map,
    pointer_graph,
    process_identity,
    process_table,
    region_classification,
    region_omission_manifest,
    related_dump,
    scan_signature,
    security_token,
    structure_candidate,
    system_context,
    target_introspection,
    thread_context,
    vas_map,
)

BLOCK_MODULES: tuple[ModuleType, ...] = (
    memory_region,
    module_entry,
    module_list_index,
    thread_context,
    file_descriptor,
    network_connection,
    environment_block,
    security_token,
    key_hint,
    import_provenance,
    process_identity,
    related_dump,
    system_context,
    process_table,
    connection_table,
    handle_table,
    connectivity_table,
    connectivity_table_memdiver,
    kernel_symbol_bundle,
    persistence_manifest,
    kernel_module_list,
    target_introspection,
    physical_memory_map,
    module_build_id_manifest,
    region_omission_manifest,
    end_of_extension,
    end_of_capture,
    block_index_table,
    vas_map,
    region_classification,
    pointer_graph,
    structure_candidate,
    analyst_annotation,
    diff_result,
    scan_signature,
)
"""Every block type module, in code order."""

LAYOUTS: dict[tuple[int, str, int], type] = {}
"""(block type, dialect id, payload version) -> payload class."""

for _module in BLOCK_MODULES:
    for _layout in _module.LAYOUTS:
        for _dialect in _layout.DIALECTS:
            for _version in _layout.PAYLOAD_VERSIONS:
                LAYOUTS[(_module.BLOCK_TYPE, _dialect, _version)] = _layout

BLOCK_NAMES: dict[int, dict[str, str]] = {}
"""Block type -> dialect id (or "*") -> block id; a code may name different blocks per dialect."""

for _module in BLOCK_MODULES:
    _names = BLOCK_NAMES.setdefault(_module.BLOCK_TYPE, {})
    _dialects = {d for layout in _module.LAYOUTS for d in layout.DIALECTS} or {"*"}
    for _dialect in _dialects:
        _names[_dialect] = _module.BLOCK_ID
    _names.setdefault("*", _module.BLOCK_ID)


def layout_for(block_type: int, dialect: str, payload_version: int) -> type | None:
    """The payload class for a block, or None when the spec says to skip it."""
    return LAYOUTS.get((block_type, dialect, payload_version))


def payload_versions(block_type: int, dialect: str) -> tuple[int, ...]:
    """The PayloadVersions the spec defines for a block type in a dialect (empty: no layout)."""
    return tuple(sorted(v for (t, d, v) in LAYOUTS if t == block_type and d == dialect))


def block_id(block_type: int, dialect: str) -> str | None:
    """The block id of a type code in a dialect, or None for an unknown type."""
    names = BLOCK_NAMES.get(block_type)
    if names is None:
        return None
    return names.get(dialect, names["*"])


def module_for(block_id_: str) -> ModuleType:
    """The generated module of a block id."""
    for module in BLOCK_MODULES:
        if module.BLOCK_ID == block_id_:
            return module
    raise KeyError(block_id_)
