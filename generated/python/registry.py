# Generated from spec/blocks/*.yaml by `msl codegen`.
# Do not edit: change the YAML and regenerate.
"""The block registry: which layout decodes (block type, dialect, payload version).

The tables are plain data written by the generator, so importing the registry imports no block
module: a block's module is imported the first time its layout or module is asked for, and a
reader that meets three block types loads three modules.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any, NamedTuple

_BLOCK_PACKAGE = "memslice.generated.blocks"


class BlockEntry(NamedTuple):
    """What the registry knows of a block type without importing its module.

    Attributes:
        code: The BlockType code.
        status: ``defined``, ``reserved``, ``withdrawn`` (or ``draft``).
        in_extension: The block may appear inside an extension segment.
    """

    code: int
    status: str
    in_extension: bool


BLOCKS: dict[str, BlockEntry] = {
    "memory_region": BlockEntry(0x0001, "defined", False),
    "module_entry": BlockEntry(0x0002, "defined", False),
    "module_list_index": BlockEntry(0x0010, "defined", False),
    "thread_context": BlockEntry(0x0011, "defined", False),
    "file_descriptor": BlockEntry(0x0012, "reserved", False),
    "network_connection": BlockEntry(0x0013, "reserved", False),
    "environment_block": BlockEntry(0x0014, "reserved", False),
    "security_token": BlockEntry(0x0015, "reserved", False),
    "key_hint": BlockEntry(0x0020, "defined", True),
    "import_provenance": BlockEntry(0x0030, "defined", False),
    "process_identity": BlockEntry(0x0040, "defined", False),
    "related_dump": BlockEntry(0x0041, "defined", True),
    "system_context": BlockEntry(0x0050, "defined", False),
    "process_table": BlockEntry(0x0051, "defined", False),
    "connection_table": BlockEntry(0x0052, "defined", False),
    "handle_table": BlockEntry(0x0053, "defined", False),
    "connectivity_table": BlockEntry(0x0054, "defined", False),
    "connectivity_table_memdiver": BlockEntry(0x0055, "defined", False),
    "kernel_symbol_bundle": BlockEntry(0x0055, "defined", False),
    "persistence_manifest": BlockEntry(0x0056, "defined", False),
    "kernel_module_list": BlockEntry(0x0057, "defined", False),
    "target_introspection": BlockEntry(0x0058, "defined", False),
    "physical_memory_map": BlockEntry(0x0059, "defined", True),
    "module_build_id_manifest": BlockEntry(0x005A, "defined", True),
    "region_omission_manifest": BlockEntry(0x005B, "defined", True),
    "end_of_extension": BlockEntry(0x0FFE, "defined", True),
    "end_of_capture": BlockEntry(0x0FFF, "defined", False),
    "block_index_table": BlockEntry(0x1000, "withdrawn", True),
    "vas_map": BlockEntry(0x1001, "defined", True),
    "region_classification": BlockEntry(0x1002, "withdrawn", True),
    "pointer_graph": BlockEntry(0x1003, "defined", True),
    "structure_candidate": BlockEntry(0x2001, "withdrawn", False),
    "analyst_annotation": BlockEntry(0x2002, "withdrawn", False),
    "diff_result": BlockEntry(0x2003, "withdrawn", False),
    "scan_signature": BlockEntry(0x2004, "withdrawn", False),
}
"""Block id -> code, status and extension rule, in code order; the module is ``blocks.<id>``."""

LAYOUT_CLASSES: dict[tuple[int, str, int], tuple[str, str]] = {
    (0x0001, "spec-1.0", 1): ("memory_region", "MemoryRegion"),
    (0x0001, "spec-1.1", 1): ("memory_region", "MemoryRegion"),
    (0x0001, "memdiver-1.0.2", 1): ("memory_region", "MemoryRegion"),
    (0x0001, "g0", 0): ("memory_region", "MemoryRegionG0"),
    (0x0002, "spec-1.0", 1): ("module_entry", "ModuleEntry"),
    (0x0002, "spec-1.1", 1): ("module_entry", "ModuleEntry"),
    (0x0002, "memdiver-1.0.2", 1): ("module_entry", "ModuleEntry"),
    (0x0002, "g0", 0): ("module_entry", "ModuleEntryG0"),
    (0x0010, "spec-1.0", 1): ("module_list_index", "ModuleListIndex"),
    (0x0010, "spec-1.1", 1): ("module_list_index", "ModuleListIndex"),
    (0x0010, "memdiver-1.0.2", 1): ("module_list_index", "ModuleListIndex"),
    (0x0010, "g0", 0): ("module_list_index", "ModuleListIndexG0"),
    (0x0011, "spec-1.1", 1): ("thread_context", "ThreadContext"),
    (0x0011, "memdiver-1.0.2", 1): ("thread_context", "ThreadContext"),
    (0x0020, "spec-1.0", 1): ("key_hint", "KeyHint"),
    (0x0020, "spec-1.1", 1): ("key_hint", "KeyHint"),
    (0x0020, "memdiver-1.0.2", 1): ("key_hint", "KeyHint"),
    (0x0030, "spec-1.0", 1): ("import_provenance", "ImportProvenance"),
    (0x0030, "spec-1.1", 1): ("import_provenance", "ImportProvenance"),
    (0x0030, "memdiver-1.0.2", 1): ("import_provenance", "ImportProvenance"),
    (0x0040, "spec-1.0", 1): ("process_identity", "ProcessIdentity"),
    (0x0040, "spec-1.1", 1): ("process_identity", "ProcessIdentity"),
    (0x0040, "memdiver-1.0.2", 1): ("process_identity", "ProcessIdentity"),
    (0x0041, "spec-1.0", 1): ("related_dump", "RelatedDump"),
    (0x0041, "spec-1.1", 1): ("related_dump", "RelatedDump"),
    (0x0041, "memdiver-1.0.2", 1): ("related_dump", "RelatedDump"),
    (0x0050, "spec-1.0", 1): ("system_context", "SystemContext"),
    (0x0050, "spec-1.1", 1): ("system_context", "SystemContext"),
    (0x0050, "memdiver-1.0.2", 1): ("system_context", "SystemContextMemdiver"),
    (0x0051, "spec-1.0", 1): ("process_table", "ProcessTable"),
    (0x0051, "spec-1.1", 1): ("process_table", "ProcessTable"),
    (0x0051, "memdiver-1.0.2", 1): ("process_table", "ProcessTable"),
    (0x0052, "spec-1.0", 1): ("connection_table", "ConnectionTable"),
    (0x0052, "spec-1.1", 1): ("connection_table", "ConnectionTable"),
    (0x0052, "memdiver-1.0.2", 1): ("connection_table", "ConnectionTable"),
    (0x0053, "spec-1.0", 1): ("handle_table", "HandleTable"),
    (0x0053, "spec-1.1", 1): ("handle_table", "HandleTable"),
    (0x0053, "memdiver-1.0.2", 1): ("handle_table", "HandleTableMemdiver"),
    (0x0054, "spec-1.0", 1): ("connectivity_table", "ConnectivityTable"),
    (0x0054, "spec-1.1", 1): ("connectivity_table", "ConnectivityTable"),
    (0x0055, "memdiver-1.0.2", 1): ("connectivity_table_memdiver", "ConnectivityTableMemdiver"),
    (0x0055, "spec-1.0", 1): ("kernel_symbol_bundle", "KernelSymbolBundle"),
    (0x0055, "spec-1.1", 1): ("kernel_symbol_bundle", "KernelSymbolBundle"),
    (0x0056, "spec-1.0", 1): ("persistence_manifest", "PersistenceManifest"),
    (0x0056, "spec-1.1", 1): ("persistence_manifest", "PersistenceManifest"),
    (0x0057, "spec-1.0", 1): ("kernel_module_list", "KernelModuleList"),
    (0x0057, "spec-1.1", 1): ("kernel_module_list", "KernelModuleList"),
    (0x0058, "spec-1.0", 1): ("target_introspection", "TargetIntrospection"),
    (0x0058, "spec-1.1", 1): ("target_introspection", "TargetIntrospection"),
    (0x0059, "spec-1.0", 1): ("physical_memory_map", "PhysicalMemoryMap"),
    (0x0059, "spec-1.1", 1): ("physical_memory_map", "PhysicalMemoryMap"),
    (0x005A, "spec-1.0", 1): ("module_build_id_manifest", "ModuleBuildIdManifest"),
    (0x005A, "spec-1.1", 1): ("module_build_id_manifest", "ModuleBuildIdManifest"),
    (0x005B, "spec-1.1", 1): ("region_omission_manifest", "RegionOmissionManifest"),
    (0x0FFE, "spec-1.1", 1): ("end_of_extension", "EndOfExtension"),
    (0x0FFE, "memdiver-1.0.2", 1): ("end_of_extension", "EndOfExtension"),
    (0x0FFF, "spec-1.0", 0): ("end_of_capture", "EndOfCapture"),
    (0x0FFF, "spec-1.0", 1): ("end_of_capture", "EndOfCapture"),
    (0x0FFF, "spec-1.1", 0): ("end_of_capture", "EndOfCapture"),
    (0x0FFF, "spec-1.1", 1): ("end_of_capture", "EndOfCapture"),
    (0x0FFF, "memdiver-1.0.2", 0): ("end_of_capture", "EndOfCapture"),
    (0x0FFF, "memdiver-1.0.2", 1): ("end_of_capture", "EndOfCapture"),
    (0x0FFF, "g0", 0): ("end_of_capture", "EndOfCapture"),
    (0x0FFF, "g0", 1): ("end_of_capture", "EndOfCapture"),
    (0x1000, "spec-1.0", 1): ("block_index_table", "BlockIndexTable"),
    (0x1001, "spec-1.1", 1): ("vas_map", "VasMap"),
    (0x1001, "memdiver-1.0.2", 1): ("vas_map", "VasMap"),
    (0x1003, "memdiver-1.0.2", 1): ("pointer_graph", "PointerGraph"),
}
"""(block type, dialect id, payload version) -> (block id, class name) of the payload class."""

BLOCK_NAMES: dict[int, dict[str, str]] = {
    0x0001: {
        "spec-1.0": "memory_region", "spec-1.1": "memory_region", "memdiver-1.0.2": "memory_region",
        "g0": "memory_region", "*": "memory_region",
    },
    0x0002: {
        "spec-1.0": "module_entry", "spec-1.1": "module_entry", "memdiver-1.0.2": "module_entry", "g0": "module_entry",
        "*": "module_entry",
    },
    0x0010: {
        "spec-1.0": "module_list_index", "spec-1.1": "module_list_index", "memdiver-1.0.2": "module_list_index",
        "g0": "module_list_index", "*": "module_list_index",
    },
    0x0011: {"spec-1.1": "thread_context", "memdiver-1.0.2": "thread_context", "*": "thread_context"},
    0x0012: {"*": "file_descriptor"},
    0x0013: {"*": "network_connection"},
    0x0014: {"*": "environment_block"},
    0x0015: {"*": "security_token"},
    0x0020: {"spec-1.0": "key_hint", "spec-1.1": "key_hint", "memdiver-1.0.2": "key_hint", "*": "key_hint"},
    0x0030: {
        "spec-1.0": "import_provenance", "spec-1.1": "import_provenance", "memdiver-1.0.2": "import_provenance",
        "*": "import_provenance",
    },
    0x0040: {
        "spec-1.0": "process_identity", "spec-1.1": "process_identity", "memdiver-1.0.2": "process_identity",
        "*": "process_identity",
    },
    0x0041: {
        "spec-1.0": "related_dump", "spec-1.1": "related_dump", "memdiver-1.0.2": "related_dump", "*": "related_dump",
    },
    0x0050: {
        "spec-1.0": "system_context", "spec-1.1": "system_context", "memdiver-1.0.2": "system_context",
        "*": "system_context",
    },
    0x0051: {
        "spec-1.0": "process_table", "spec-1.1": "process_table", "memdiver-1.0.2": "process_table",
        "*": "process_table",
    },
    0x0052: {
        "spec-1.0": "connection_table", "spec-1.1": "connection_table", "memdiver-1.0.2": "connection_table",
        "*": "connection_table",
    },
    0x0053: {
        "spec-1.0": "handle_table", "spec-1.1": "handle_table", "memdiver-1.0.2": "handle_table", "*": "handle_table",
    },
    0x0054: {"spec-1.0": "connectivity_table", "spec-1.1": "connectivity_table", "*": "connectivity_table"},
    0x0055: {
        "memdiver-1.0.2": "connectivity_table_memdiver", "*": "connectivity_table_memdiver",
        "spec-1.0": "kernel_symbol_bundle", "spec-1.1": "kernel_symbol_bundle",
    },
    0x0056: {"spec-1.0": "persistence_manifest", "spec-1.1": "persistence_manifest", "*": "persistence_manifest"},
    0x0057: {"spec-1.0": "kernel_module_list", "spec-1.1": "kernel_module_list", "*": "kernel_module_list"},
    0x0058: {"spec-1.0": "target_introspection", "spec-1.1": "target_introspection", "*": "target_introspection"},
    0x0059: {"spec-1.0": "physical_memory_map", "spec-1.1": "physical_memory_map", "*": "physical_memory_map"},
    0x005A: {
        "spec-1.0": "module_build_id_manifest", "spec-1.1": "module_build_id_manifest", "*": "module_build_id_manifest",
    },
    0x005B: {"spec-1.1": "region_omission_manifest", "*": "region_omission_manifest"},
    0x0FFE: {"spec-1.1": "end_of_extension", "memdiver-1.0.2": "end_of_extension", "*": "end_of_extension"},
    0x0FFF: {
        "spec-1.0": "end_of_capture", "spec-1.1": "end_of_capture", "memdiver-1.0.2": "end_of_capture",
        "g0": "end_of_capture", "*": "end_of_capture",
    },
    0x1000: {"spec-1.0": "block_index_table", "*": "block_index_table"},
    0x1001: {"spec-1.1": "vas_map", "memdiver-1.0.2": "vas_map", "*": "vas_map"},
    0x1002: {"*": "region_classification"},
    0x1003: {"memdiver-1.0.2": "pointer_graph", "*": "pointer_graph"},
    0x2001: {"*": "structure_candidate"},
    0x2002: {"*": "analyst_annotation"},
    0x2003: {"*": "diff_result"},
    0x2004: {"*": "scan_signature"},
}
"""Block type -> dialect id (or "*") -> block id; a code may name different blocks per dialect."""

RESERVED_FIELD_IDS: frozenset[str] = frozenset({
    "reserved", "reserved1", "reserved2", "reserved3", "reserved_tail",
})
"""Ids of the fields the schema marks reserved, in any structure (framing included)."""

_LAYOUT_CACHE: dict[tuple[int, str, int], type] = {}


def module_for(block_id_: str) -> ModuleType:
    """The generated module of a block id (imported on first use).

    Raises:
        KeyError: No block has that id.
    """
    if block_id_ not in BLOCKS:
        raise KeyError(block_id_)
    return importlib.import_module(f"{_BLOCK_PACKAGE}.{block_id_}")


def layout_for(block_type: int, dialect: str, payload_version: int) -> type | None:
    """The payload class for a block, or None when the spec says to skip it."""
    key = (block_type, dialect, payload_version)
    layout = _LAYOUT_CACHE.get(key)
    if layout is None:
        where = LAYOUT_CLASSES.get(key)
        if where is None:
            return None
        layout = _LAYOUT_CACHE[key] = getattr(module_for(where[0]), where[1])
    return layout


def payload_versions(block_type: int, dialect: str) -> tuple[int, ...]:
    """The PayloadVersions the spec defines for a block type in a dialect (empty: no layout)."""
    return tuple(sorted(v for (t, d, v) in LAYOUT_CLASSES if t == block_type and d == dialect))


def block_id(block_type: int, dialect: str) -> str | None:
    """The block id of a type code in a dialect, or None for an unknown type."""
    names = BLOCK_NAMES.get(block_type)
    if names is None:
        return None
    return names.get(dialect, names["*"])


def block_modules() -> tuple[ModuleType, ...]:
    """Every block type module, in code order (imports them all)."""
    return tuple(module_for(name) for name in BLOCKS)


def __getattr__(name: str) -> Any:
    """``BLOCK_MODULES`` and ``LAYOUTS``, the tables of loaded objects, built on first use.

    ``BLOCK_MODULES``: every block type module, in code order. ``LAYOUTS``: (block type,
    dialect id, payload version) -> payload class. Both import every block module; code that
    needs one block asks :func:`module_for` or :func:`layout_for` instead.
    """
    if name == "BLOCK_MODULES":
        value: Any = block_modules()
    elif name == "LAYOUTS":
        value = {key: layout_for(*key) for key in LAYOUT_CLASSES}
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value
