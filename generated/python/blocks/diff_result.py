# Generated from spec/blocks/diff_result.yaml by `msl codegen`.
# Do not edit: change the YAML and regenerate.
"""Diff Result (block type 0x2003, spec 4.3, since G0, withdrawn).

Withdrawn draft type "Diff Result". The early drafts of the specification (SPEC-d1 and SPEC-d2,
2026-03-14/15) listed it; the public spec 1.0 dropped it and no tool ever wrote or read it, so
no payload layout is known. Code 0x2003: 0x2000-0xFFFF is reserved for future specification
versions in 1.0 (4.3), which also says analysis results (structure candidates, annotations, scan
signatures) are outside the format's scope and belong in the analysis tool's own output. Kept so
that the code is not reused by accident; readers skip such a block by BlockLength (C3).
"""

from __future__ import annotations

BLOCK_TYPE = 0x2003
BLOCK_ID = "diff_result"
TITLE = "Diff Result"
STATUS = "withdrawn"
NAMESPACE = "reserved"
CAP_BIT = None
PARENT = None
IN_EXTENSION = False



LAYOUTS = ()
"""Payload layouts of this block type, each with the dialects and payload versions it serves."""
