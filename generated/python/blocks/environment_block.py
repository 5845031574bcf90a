# Generated from spec/blocks/environment_block.yaml by `msl codegen`.
# Do not edit: change the YAML and regenerate.
"""Environment Block (block type 0x0014, spec 4.3, since 1.0, reserved).

The process environment (registry text: "Env vars"). memslicer carries the environment as Target
Introspection tag 0x001F instead. The public spec 1.0 names this type in its registry (4.3) and
gives it a capability bit (8), but defines no payload (erratum E10), so no conformant producer
can emit it. 1.1 reserves it: producers MUST NOT emit it until a payload is defined
(V11-4.3-reserved-types). No producer writes it. memdiver (the pre-1.1 tree and 1.0.2) carries a
guessed decoder (u32 count at 0, then per pair u16 key length, u16 value length, key pad8, value
pad8, starting at 4) that falls back to a generic block on any error; that guess is not a
definition (it is recorded under `guesses:`, so that `msl spec diff` can say what memdiver makes
of a later definition). Readers skip such blocks by BlockLength (C3).
"""

from __future__ import annotations

BLOCK_TYPE = 0x0014
BLOCK_ID = "environment_block"
TITLE = "Environment Block"
STATUS = "reserved"
NAMESPACE = "capture"
CAP_BIT = "environment_vars"
PARENT = None
IN_EXTENSION = False



LAYOUTS = ()
"""Payload layouts of this block type, each with the dialects and payload versions it serves."""
