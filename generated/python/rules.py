# Generated from spec/rules.yaml by `msl codegen`.
# Do not edit: change the YAML and regenerate.
"""Numbered conformance rules, citable by id from errors, validators and conformance cases."""

from __future__ import annotations

from typing import NamedTuple


class Rule(NamedTuple):
    """A conformance rule.

    Attributes:
        id: Stable rule id.
        level: MUST, SHOULD or MAY.
        role: producer, consumer, acquirer or importer.
        since: Format version that states it.
        spec: Where the spec states it.
        text: The rule.
    """

    id: str
    level: str
    role: str
    since: str
    spec: str
    text: str


RULES: dict[str, Rule] = {
    "P1": Rule("P1", "MUST", "producer", "1.0", "12.1(1)",
        "Write a valid header with Magic, Endianness (default 0x01), HeaderSize and Version."),
    "P2": Rule("P2", "MUST", "producer", "1.0", "12.1(2)",
        "Use the byte order given by Endianness for every structural integer."),
    "P3": Rule("P3", "MUST", "producer", "1.0", "12.1(3)",
        "Generate UUIDv4 in RFC 4122 network byte order."),
    "P4": Rule("P4", "MUST", "producer", "1.0", "12.1(4)",
        (
            "Compute PrevHash: block 0 hashes the header, every later block hashes the preceding block's raw "
            "on-disk bytes."
        )),
    "P5": Rule("P5", "MUST", "producer", "1.0", "12.1(5)",
        "Set reserved fields to zero."),
    "P6": Rule("P6", "MUST", "producer", "1.0", "12.1(6)",
        "Pad every variable field to 8 bytes with zero bytes."),
    "P7": Rule("P7", "MUST", "producer", "1.0", "12.1(7)",
        "Never modify written blocks or the header after later data is written."),
    "P8": Rule("P8", "MUST", "producer", "1.0", "12.1(8)",
        "Set CapBitmap accurately: exactly the captured categories."),
    "P9": Rule("P9", "MUST", "producer", "1.0", "12.1(9)",
        "When importing, set header flag Imported and emit Import Provenance as block 0."),
    "P10": Rule("P10", "MUST", "producer", "1.0", "12.1(10)",
        "Set PayloadVersion to 1 for every layout of this specification version."),
    "P11": Rule("P11", "MUST", "producer", "1.0", "12.1(11)",
        "Set CompAlgo bits to 00 when Compressed is not set."),
    "P12": Rule("P12", "MUST", "producer", "1.0", "12.1(12)",
        "Split regions larger than 2^32 - 81 bytes into blocks flagged Continuation."),
    "P13": Rule("P13", "MUST", "producer", "1.0", "12.1(13)",
        "Write 32 zero bytes as DiskHash when the on-disk binary is unavailable."),
    "P14": Rule("P14", "MUST", "producer", "1.0", "12.1(14)",
        "Keep PageSizeLog2 within [10, 40] (the spec says 'reject'; erratum E11)."),
    "A1": Rule("A1", "MUST", "acquirer", "1.0", "12.1",
        "A live acquirer emits Process Identity as block 0."),
    "A2": Rule("A2", "MUST", "acquirer", "1.0", "12.1",
        "A live acquirer emits Module List Index as block 1 with pre-assigned UUIDs for all enumerated modules."),
    "PS1": Rule("PS1", "SHOULD", "producer", "1.0", "12.1",
        "Emit an End-of-Capture block as the final capture-time block."),
    "C1": Rule("C1", "MUST", "consumer", "1.0", "12.2(1)",
        "Reject files with an invalid file magic or Endianness."),
    "C2": Rule("C2", "MUST", "consumer", "1.0", "12.2(2)",
        "Use HeaderSize to locate block 0."),
    "C3": Rule("C3", "MUST", "consumer", "1.0", "12.2(3)",
        "Skip unknown block types via BlockLength."),
    "C4": Rule("C4", "MUST", "consumer", "1.0", "12.2(4)",
        "End the block stream when fewer than 80 bytes remain or the next 4 bytes are not MSLC."),
    "C5": Rule("C5", "MUST", "consumer", "1.0", "12.2(5)",
        "Ignore reserved fields."),
    "C6": Rule("C6", "MUST", "consumer", "1.0", "12.2(6)",
        "Reject block type 0x0000 as invalid."),
    "C7": Rule("C7", "MUST", "consumer", "1.0", "12.2(7)",
        "Skip blocks with an unrecognised PayloadVersion of a known BlockType via BlockLength."),
    "C8": Rule("C8", "MUST", "consumer", "1.0", "12.2(8)",
        "Treat an all-zero DiskHash as 'hash not available'."),
    "C9": Rule("C9", "MUST", "consumer", "1.0", "12.2(9)",
        "Ignore CompAlgo bits when Compressed is not set."),
    "C10": Rule("C10", "MUST", "consumer", "1.0", "12.2(10)",
        "Reject PageSizeLog2 values outside [10, 40]."),
    "CS1": Rule("CS1", "SHOULD", "consumer", "1.0", "12.2",
        "Verify the hash chain from the header through all blocks."),
    "CS2": Rule("CS2", "SHOULD", "consumer", "1.0", "12.2",
        "Verify the End-of-Capture FileHash when an EoC is present."),
    "CS3": Rule("CS3", "SHOULD", "consumer", "1.0", "12.2",
        "Check CapBitmap before searching for specific block types."),
    "B-1.3-pad-zero": Rule("B-1.3-pad-zero", "MUST", "producer", "1.0", "1.3",
        "Padding bytes are zero."),
    "B-1.4-uuid-v4": Rule("B-1.4-uuid-v4", "MUST", "producer", "1.0", "1.4",
        "UUID version bits are 0100 and variant bits 10."),
    "B-3-header-size": Rule("B-3-header-size", "MUST", "producer", "1.0", "3",
        "HeaderSize is 64 (128 with the 1.1 Encrypted flag)."),
    "B-3.2-major": Rule("B-3.2-major", "SHOULD", "consumer", "1.0", "3.2",
        "Reject an unknown major version; an unknown minor of a known major may be parsed."),
    "B-4.1-block-length": Rule("B-4.1-block-length", "MUST", "producer", "1.0", "4.1",
        "BlockLength is at least 80 and covers the header and the on-disk payload."),
    "B-4.3-no-type-zero": Rule("B-4.3-no-type-zero", "MUST", "producer", "1.0", "4.3",
        "Block type 0x0000 never appears in a valid file."),
    "B-5.1-region-size": Rule("B-5.1-region-size", "MUST", "producer", "1.0", "5.1",
        "RegionSize is a multiple of 2^PageSizeLog2."),
    "B-5.1-address-range": Rule("B-5.1-address-range", "MUST", "producer", "1.0", "5.1",
        (
            "A region lies inside the 64-bit address space: BaseAddr + RegionSize does not exceed 2^64 (a consumer "
            "rejects a region whose end wraps)."
        )),
    "B-5.1-page-data": Rule("B-5.1-page-data", "MUST", "producer", "1.0", "5.1",
        "PageData holds exactly PageSize bytes for every Captured page, in page order."),
    "B-5.1-continuation": Rule("B-5.1-continuation", "MUST", "producer", "1.0", "5.1",
        (
            "A continuation fragment sets Continuation and names the first fragment as ParentUUID; the first "
            "fragment sets HasChildren."
        )),
    "B-5.2-parent": Rule("B-5.2-parent", "MUST", "producer", "1.0", "5.2",
        "A Module Entry's ParentUUID is the Module List Index and its BlockUUID the manifest's ModuleUUID."),
    "B-8-cap-exact": Rule("B-8-cap-exact", "MUST", "acquirer", "1.0", "8",
        "An acquirer sets exactly the capability bits of the categories it captured."),
    "B-9.1-one-provenance": Rule("B-9.1-one-provenance", "MUST", "importer", "1.0", "9.1",
        "An importer emits exactly one Import Provenance block, as block 0."),
    "V11-P28": Rule("V11-P28", "MUST", "producer", "1.1", "1.1:14.1(28)",
        (
            "A compressed payload is a u64 UncompressedSize followed by the codec stream, not padded: BlockLength "
            "= 80 + 8 + len(stream)."
        )),
    "V11-P29": Rule("V11-P29", "MUST", "producer", "1.1", "1.1:14.1(29)",
        "zstd writes one frame; lz4 writes one size-prefixed block."),
    "V11-P33": Rule("V11-P33", "MUST", "producer", "1.1", "1.1:14.1(33)",
        "Appending an extension segment never modifies the header, the capture segment or earlier segments."),
    "V11-P34": Rule("V11-P34", "MUST", "producer", "1.1", "1.1:14.1(34)",
        "Each extension segment ends with an End-of-Extension carrying the exact SegmentHash and BlockCount."),
    "V11-P35": Rule("V11-P35", "MUST", "producer", "1.1", "1.1:14.1(35)",
        "An extension segment continues the PrevHash chain from the last block of the file (zero when encrypted)."),
    "V11-P36": Rule("V11-P36", "MUST", "producer", "1.1", "1.1:14.1(36)",
        "Extension segments contain only permitted (non-evidence) block types."),
    "V11-C13": Rule("V11-C13", "MUST", "consumer", "1.1", "1.1:14.2(13)",
        (
            "A non-zero BlockCount (header or EoC) equals the parsed number of capture-segment blocks including "
            "the EoC; else the file is truncated or corrupt."
        )),
    "V11-C14": Rule("V11-C14", "MUST", "consumer", "1.1", "1.1:14.2(14)",
        "Bytes after the last verified segment are trailing data, reported and never presented as MSL."),
    "V11-C15": Rule("V11-C15", "MUST", "consumer", "1.1", "1.1:14.2(15)",
        "With the Encrypted flag, HeaderSize is 128."),
    "V11-C16": Rule("V11-C16", "MUST", "consumer", "1.1", "1.1:14.2(16)",
        "In an encrypted file PrevHash fields are zero and are not verified; the AEAD tag protects the stream."),
    "V11-C20": Rule("V11-C20", "MUST", "consumer", "1.1", "1.1:14.2(20)",
        "The inflated size of a compressed payload equals its UncompressedSize."),
    "V11-C23": Rule("V11-C23", "MUST", "consumer", "1.1", "1.1:14.2(23)",
        "After the EoC, present only verified extension segments (chain, SegmentHash, BlockCount)."),
    "V11-C25": Rule("V11-C25", "MUST", "consumer", "1.1", "1.1:14.2(25)",
        "The last VAS Map in file order supersedes earlier ones."),
    "V11-C26": Rule("V11-C26", "MUST", "consumer", "1.1", "1.1:14.2(26)",
        "Page state 11 (NotResident) is a zero-content page, never a read failure."),
    "V11-3.1-le-only": Rule("V11-3.1-le-only", "MUST", "producer", "1.1", "1.1:3.1",
        "1.1 (as memdiver reads it) requires Endianness 0x01; 1.0 allows 0x02."),
    "V11-4.5-eoc-40": Rule("V11-4.5-eoc-40", "MUST", "consumer", "1.1", "1.1:4.5",
        "Accept a 40-byte legacy End-of-Capture (BlockCount unknown)."),
    "V11-5.7-pc-sp": Rule("V11-5.7-pc-sp", "MUST", "producer", "1.1", "1.1:5.7",
        "A Thread Context holds at least the PC and SP registers."),
    "V11-5.8-no-states": Rule("V11-5.8-no-states", "MUST", "consumer", "1.1", "1.1:5.8",
        "Page states are never derived from a VAS Map."),
    "V11-9-investigation": Rule("V11-9-investigation", "MUST", "producer", "1.1", "1.1:9",
        "The Investigation flag requires capability bit 11 (System Context)."),
    "V11-4.3-reserved-types": Rule("V11-4.3-reserved-types", "MUST", "producer", "1.1", "1.1:4.3",
        "Block types 0x0012-0x0015 are reserved and not emitted."),
    "V11-10.2-aad": Rule("V11-10.2-aad", "MUST", "producer", "1.1", "1.1:10.2",
        (
            "The primary AAD is the 128-byte header with CipherLen zeroed followed by the KEM ciphertext; the "
            "whole block stream is one AEAD message under the header Nonce."
        )),
    "V11-10.2-tag": Rule("V11-10.2-tag", "MUST", "consumer", "1.1", "1.1:10.2",
        (
            "CipherLen 0: the tag is the last 16 bytes of the file and nothing follows it; otherwise the tag "
            "follows exactly CipherLen ciphertext bytes, and a CipherLen past the end of the file is corrupt."
        )),
    "V11-10.2-no-plaintext": Rule("V11-10.2-no-plaintext", "MUST", "consumer", "1.1", "1.1:10.2",
        (
            "No plaintext is presented before the AEAD tag has verified; a wrong key and a tampered byte are both "
            "a tag failure."
        )),
    "V11-10.3-kem": Rule("V11-10.3-kem", "MUST", "consumer", "1.1", "1.1:10.3",
        (
            "KEMCtLen matches KeyEncap (0, 32, 1088, 1568, 1120) and the CEK is HKDF-BLAKE3(shared secret, "
            "DumpUUID, MSL-CEK-v1)."
        )),
    "V11-10.5-argon2-min": Rule("V11-10.5-argon2-min", "MUST", "producer", "1.1", "1.1:10.5",
        "Argon2id parameters are at least time 3, memory 65536 KiB, lanes 4."),
    "V11-10.7-file-hash": Rule("V11-10.7-file-hash", "MUST", "consumer", "1.1", "1.1:10.7",
        (
            "The FileHash of an encrypted file covers the header with CipherLen zeroed, the KEM ciphertext and the "
            "plaintext blocks before the End-of-Capture."
        )),
    "V11-10.8-sealed": Rule("V11-10.8-sealed", "MUST", "consumer", "1.1", "1.1:10.8",
        (
            "Sealed segments exist only when CipherLen is non-zero; each is verified (magic, size, index, length, "
            "tag under its segment key and chained AAD, plaintext one extension segment) and the first failing one "
            "and everything after it are trailing data."
        )),
    "V11-10.6-zero-prev": Rule("V11-10.6-zero-prev", "MUST", "producer", "1.1", "1.1:10.6",
        "Every PrevHash of an encrypted file is zero."),
}
"""Every rule by id, in spec order."""
