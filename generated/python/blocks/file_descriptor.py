# Generated from spec/blocks/file_descriptor.yaml by `msl codegen`.
# Do not edit: change the YAML and regenerate.
"""File Descriptor (block type 0x0012, spec 4.3, since 1.0, reserved).

An open handle of the process (registry text: "Open handle"). The public spec 1.0 names this
type in its registry (4.3) and gives it a capability bit (8), but defines no payload (erratum
E10), so no conformant producer can emit it. 1.1 reserves it: producers MUST NOT emit it until a
payload is defined (V11-4.3-reserved-types). No producer writes it. memdiver (the pre-1.1 tree
and 1.0.2) carries a guessed decoder (u32 fd at 0, u16 path length at 4, path at 8) that falls
back to a generic block on any error; that guess is not a definition (it is recorded under
`guesses:`, so that `msl spec diff` can say what memdiver makes of a later definition). Readers
skip such blocks by BlockLength (C3).
"""

from __future__ import annotations

BLOCK_TYPE = 0x0012
BLOCK_ID = "file_descriptor"
TITLE = "File Descriptor"
STATUS = "reserved"
NAMESPACE = "capture"
CAP_BIT = "file_descriptors"
PARENT = None
IN_EXTENSION = False



LAYOUTS = ()
"""Payload layouts of this block type, each with the dialects and payload versions it serves."""
