"""The fixed vocabularies of the contract: features, levels, kinds, statuses, error classes.

These names appear in adapter capabilities, ``case.yaml`` files, known-failure lists and
reports. ``schemas/*.schema.json`` repeat them as enums; a test keeps both in step.
"""

from __future__ import annotations

FEATURES: dict[str, str] = {
    "header": "prints every file header field in `header`",
    "big-endian": "reads files whose Endianness byte is 0x02",
    "zstd": "inflates zstd-compressed payloads (CompAlgo 01)",
    "lz4": "inflates LZ4-compressed payloads (CompAlgo 10)",
    "continuation": "reads Memory Region Continuation fragments (block flag bit 5) as blocks",
    "regions": "decodes Memory Region payloads: fields, run-length page states, SHA-256 of the captured pages",
    "payloads": "decodes every other 1.0/1.1 payload with the field ids of spec/blocks, and says which it skipped",
    "dialect-memdiver-1.0.2": "decodes the payload layouts of memdiver 1.0.2 (spec/dialects.yaml)",
    "dialect-g0": "reads pre-1.0 draft (G0) files instead of rejecting their major version 0",
    "verify-chain": "verifies the PrevHash chain (rule CS1)",
    "verify-file-hash": "verifies the End-of-Capture FileHash (rule CS2)",
    "verify-block-count": "checks non-zero header and End-of-Capture BlockCount (rule V11-C13)",
    "extension-segments": "presents only verified 1.1 extension segments, reports trailing bytes (V11-C14, V11-C23)",
    "encryption": "recognises the Encrypted flag: result `encrypted`, the `encryption` header, no blocks",
    "error-class": "prints `error_class` when it rejects a file",
    "error-rule": "prints `rule`, the id in spec/rules.yaml that requires the rejection, when it rejects a file",
    "decryption": "opens encrypted files with the secret the case gives (`read FILE --key-file F | --passphrase-file F"
                  " | --identity F`): verifies the tag first, then reads them like plain files",
    "write": "writes captures (producer side; not exercised by msl-conformance/1)",
}
"""Capability feature -> what an adapter that declares it promises."""

SPEC_VERSIONS = ("1.0", "1.1")
"""Format versions a case can belong to."""

LEVELS: dict[str, str] = {
    "required": "MUST: a failure is an error",
    "recommended": "SHOULD: a failure is a warning, an error with --strict",
    "optional": "MAY: a failure is a warning, an error with --strict",
}
"""Case level -> how the runner weighs a failure."""

KINDS = ("valid", "invalid", "truncated")
"""What the input file is (not what the reader must answer; expected.json says that)."""

RESULTS = ("complete", "truncated", "encrypted", "rejected")
"""Top-level ``result`` of a canonical document (``rejected`` only with exit status 1)."""

ERROR_CLASSES: dict[str, str] = {
    "bad-magic": "the file does not start with MEMSLICE (C1)",
    "bad-endianness": "the Endianness byte is neither 0x01 nor 0x02 (C1)",
    "bad-header-size": "HeaderSize is not one this version defines (B-3-header-size)",
    "truncated-header": "the file ends inside its header",
    "unsupported-version": "the major version is unknown (B-3.2-major)",
    "encryption-header": "the Encrypted flag is set with a 64-byte header (V11-C15)",
    "invalid-block-type": "a block has type 0x0000 (C6)",
    "bad-block-length": "a BlockLength is below 80 (B-4.1-block-length)",
    "page-size": "a PageSizeLog2 outside [10, 40] (C10)",
    "compression": "a compressed payload does not inflate to its UncompressedSize (V11-C20)",
    "payload": "a payload does not decode with its layout",
    "unsupported": "the file needs an algorithm the format leaves undefined (HashAlgo 0xFF, CompAlgo 11)",
    "authentication": "the AEAD tag of an encrypted file does not verify (V11-10.2-no-plaintext)",
    "encryption-container": "an encrypted file's layout is broken: KEMCtLen, CipherLen, data after the tag "
                            "(V11-10.2-tag, V11-10.3-kem)",
    "kdf-limit": "Argon2id parameters above what the reader accepts (hostile header)",
}
"""Error class printed with a rejection (``error_class``) -> meaning."""

REJECTION_RULES: dict[str, str] = {
    "bad-magic": "C1",
    "bad-endianness": "C1",
    "bad-header-size": "B-3-header-size",
    "truncated-header": "C2",
    "unsupported-version": "B-3.2-major",
    "encryption-header": "V11-C15",
    "invalid-block-type": "C6",
    "bad-block-length": "B-4.1-block-length",
    "page-size": "C10",
    "compression": "V11-C20",
    "payload": "B-4.1-block-length",
    "unsupported": "V11-C13",
    "authentication": "V11-10.2-no-plaintext",
    "encryption-container": "V11-10.2-tag",
    "kdf-limit": "V11-10.5-argon2-min",
}
"""Error class -> the rule a rejection of that class cites unless its case names another
(``truncated-header``: HeaderSize bytes are needed to locate block 0, C2; ``payload``: the
BlockLength does not cover the payload's layout, B-4.1-block-length)."""

STATUSES = ("pass", "fail", "expected-fail", "unexpected-pass", "skipped", "errored")
"""Per-case outcome of a run."""

EXIT_ACCEPT = 0
"""Adapter ``read`` exit status: accepted, canonical JSON on stdout."""
EXIT_REJECT = 1
"""Adapter ``read`` exit status: rejected as the spec requires."""
EXIT_ADAPTER_ERROR = 2
"""Adapter ``read`` exit status: the adapter itself failed (never counted as a rejection)."""
