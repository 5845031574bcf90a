# Generated from spec/blocks/security_token.yaml by `msl codegen`.
# Do not edit: change the YAML and regenerate.
"""Security Token (block type 0x0015, spec 4.3, since 1.0, reserved).

The process credentials (registry text: "Credentials"). The public spec 1.0 names this type in
its registry (4.3) and gives it a capability bit (8), but defines no payload (erratum E10), so
no conformant producer can emit it. 1.1 reserves it: producers MUST NOT emit it until a payload
is defined (V11-4.3-reserved-types). No producer writes it. memdiver (the pre-1.1 tree and
1.0.2) carries a guessed decoder (u16 token type at 0, token bytes from 4) that falls back to a
generic block on any error; that guess is not a definition (it is recorded under `guesses:`, so
that `msl spec diff` can say what memdiver makes of a later definition). Readers skip such
blocks by BlockLength (C3).
"""

from __future__ import annotations

BLOCK_TYPE = 0x0015
BLOCK_ID = "security_token"
TITLE = "Security Token"
STATUS = "reserved"
NAMESPACE = "capture"
CAP_BIT = "security_context"
PARENT = None
IN_EXTENSION = False



LAYOUTS = ()
"""Payload layouts of this block type, each with the dialects and payload versions it serves."""
