# Generated from spec/blocks/region_classification.yaml by `msl codegen`.
# Do not edit: change the YAML and regenerate.
"""Region Classification (block type 0x1002, spec cat:5, since G0, withdrawn).

Withdrawn draft type "Region Classification". The early drafts of the specification (SPEC-d1 and
SPEC-d2, 2026-03-14/15) listed it; the public spec 1.0 dropped it and no tool ever wrote or read
it, so no payload layout is known. Code 0x1002: 0x1000-0x1FFF is the structural namespace
(analysis tools), allowed in extension segments (1.1 4.6). Kept so that the code is not reused
by accident; readers skip such a block by BlockLength (C3).
"""

from __future__ import annotations

BLOCK_TYPE = 0x1002
BLOCK_ID = "region_classification"
TITLE = "Region Classification"
STATUS = "withdrawn"
NAMESPACE = "structural"
CAP_BIT = None
PARENT = None
IN_EXTENSION = True



LAYOUTS = ()
"""Payload layouts of this block type, each with the dialects and payload versions it serves."""
