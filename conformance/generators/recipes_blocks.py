"""Cases about the block stream: unknown types and versions, type 0, reserved bits, its end."""

from __future__ import annotations

from collections.abc import Callable

from memslice.conformance.generators import Built, recipe
from memslice.conformance.generators.fixtures import STANDARD_CAPS, add_standard, uuid4, write_capture
from memslice.conformance.generators.mutate import block_field_offset, blocks, field_offset, get, put, reseal
from memslice.conformance.generators.recipes_header import STANDARD, STANDARD_11
from memslice.generated import framing
from memslice.generated.blocks import process_identity
from memslice.generated.enums import BLOCK_FLAGS_COMP_ALGO_SHIFT, BlockFlags, CompAlgo

from memslice.writer import MslWriter

EXTRA_PAYLOAD = bytes(range(0x30, 0x48))
"""24 payload bytes of the blocks that readers are expected to skip."""


def with_extra(seed: str, extra: Callable[[MslWriter], None], *, finish: bool = True,
               version: str = "1.0") -> bytearray:
    """The standard capture with ``extra`` written just before the End-of-Capture (block 6)."""

    def body(w: MslWriter) -> None:
        add_standard(w, seed)
        extra(w)

    return bytearray(write_capture(seed, body, cap_bitmap=STANDARD_CAPS, finish=finish, format_version=version))


def _raw_block(seed: str, block_type: int, payload_version: int = 1) -> Callable[[MslWriter], None]:
    def extra(w: MslWriter) -> None:
        w.write_block(block_type, [EXTRA_PAYLOAD], block_uuid=uuid4(seed, "extra"), payload_version=payload_version)

    return extra


def _unknown_type(seed: str, code: int, where: str) -> Built:
    data = with_extra(seed, _raw_block(seed, code))
    return Built(bytes(data), f"Block 6 has type 0x{code:04X}, {where}. A consumer MUST skip it by BlockLength and "
                 "read the End-of-Capture after it.", "1.0", ["C3"], "required", "valid",
                 {"generator": f"{STANDARD}, then write_block(0x{code:04X}, 24 bytes) before the End-of-Capture"},
                 expect={"result": "complete", "blocks.#": 8, "blocks.6.skipped": "unknown-type",
                         "integrity.chain": "ok", "integrity.file_hash": "ok"})


@recipe("blocks/unknown-type-capture")
def _unknown_capture(seed: str) -> Built:
    return _unknown_type(seed, 0x0777, "an unassigned code of the capture-time namespace")


@recipe("blocks/unknown-type-structural")
def _unknown_structural(seed: str) -> Built:
    return _unknown_type(seed, 0x1777, "an unassigned code of the structural namespace")


@recipe("blocks/unknown-type-reserved-range")
def _unknown_reserved(seed: str) -> Built:
    return _unknown_type(seed, 0x7777, "a code of the reserved range 0x2000-0xFFFF")


def _set_compressed_garbage(data: bytearray, index: int) -> str:
    span = blocks(data)[index]
    at = span.offset + block_field_offset("flags")
    put(data, at, "H", BlockFlags.COMPRESSED | (CompAlgo.ZSTD << BLOCK_FLAGS_COMP_ALGO_SHIFT))
    reseal(data)
    return (f"block {index} Flags 0x0000 -> 0x0003 (Compressed, zstd) at 0x{at:X}; its 24-byte payload is not a zstd "
            "stream; chain and FileHash recomputed (mutate.reseal)")


@recipe("blocks/unknown-type-compressed")
def _unknown_compressed(seed: str) -> Built:
    data = with_extra(seed, _raw_block(seed, 0x0777))
    note = _set_compressed_garbage(data, 6)
    return Built(bytes(data), "Block 6 has the unknown type 0x0777 and claims a zstd-compressed payload that is not "
                 "one. A consumer MUST skip it by BlockLength without inflating it.", "1.0", ["C3"], "required",
                 "valid", {"generator": f"{STANDARD}, then write_block(0x0777, 24 bytes)", "mutation": note},
                 expect={"result": "complete", "blocks.#": 8, "blocks.6.skipped": "unknown-type"})


@recipe("blocks/unknown-payload-version")
def _unknown_version(seed: str) -> Built:
    data = with_extra(seed, _raw_block(seed, process_identity.BLOCK_TYPE, payload_version=2))
    return Built(bytes(data), "Block 6 is a Process Identity with PayloadVersion 2, which no spec version defines; "
                 "its 24 bytes are not a version-1 payload. A consumer MUST skip it by BlockLength.", "1.0",
                 ["C7"], "required", "valid",
                 {"generator": f"{STANDARD}, then write_block(0x0040, 24 bytes, payload_version=2)"},
                 expect={"result": "complete", "blocks.#": 8, "blocks.6.skipped": "unknown-payload-version"})


@recipe("blocks/unknown-payload-version-compressed")
def _unknown_version_compressed(seed: str) -> Built:
    data = with_extra(seed, _raw_block(seed, process_identity.BLOCK_TYPE, payload_version=9))
    note = _set_compressed_garbage(data, 6)
    return Built(bytes(data), "Block 6 is a Process Identity with PayloadVersion 9 and a Compressed flag over bytes "
                 "that are not a zstd stream. A consumer MUST skip it by BlockLength without inflating it.", "1.0",
                 ["C7"], "required", "valid",
                 {"generator": f"{STANDARD}, then write_block(0x0040, 24 bytes, payload_version=9)", "mutation": note},
                 expect={"result": "complete", "blocks.#": 8, "blocks.6.skipped": "unknown-payload-version"})


@recipe("blocks/type-zero")
def _type_zero(seed: str) -> Built:
    data = with_extra(seed, _raw_block(seed, 0x0777))
    span = blocks(data)[6]
    at = span.offset + block_field_offset("block_type")
    put(data, at, "H", 0)
    reseal(data)
    return Built(bytes(data), "Block 6 has BlockType 0x0000, which never appears in a valid file. A consumer MUST "
                 "reject the file.", "1.0", ["C6", "B-4.3-no-type-zero"], "required", "invalid",
                 {"generator": f"{STANDARD}, then write_block(0x0777, 24 bytes)",
                  "mutation": f"block 6 BlockType 0x0777 -> 0x0000 at 0x{at:X}; chain and FileHash recomputed"},
                 reject="invalid-block-type")


@recipe("blocks/reserved-nonzero")
def _reserved_nonzero(seed: str) -> Built:
    data = with_extra(seed, lambda w: None)
    reserved = block_field_offset("reserved")
    payload_reserved = framing.BLOCK_HEADER_SIZE + field_offset(process_identity.ProcessIdentity, "reserved")
    for span in blocks(data):
        put(data, span.offset + reserved, "H", 0xA55A)
    put(data, blocks(data)[0].offset + payload_reserved, "I", 0xDEADBEEF)
    reseal(data)
    return Built(bytes(data), "Every block header's reserved u16 is 0xA55A and the Process Identity's reserved u32 is "
                 "0xDEADBEEF. A consumer MUST ignore reserved fields.", "1.0", ["C5"], "required", "valid",
                 {"generator": STANDARD, "mutation": f"u16 at +0x{reserved:02X} of every block -> 0xA55A; u32 at "
                  f"+0x{payload_reserved:02X} of block 0 -> 0xDEADBEEF; chain and FileHash recomputed"},
                 expect={"result": "complete", "blocks.#": 7, "blocks.0.payload.ppid": "1"})


@recipe("blocks/flags-reserved-bits")
def _flags_reserved(seed: str) -> Built:
    data = with_extra(seed, lambda w: None)
    at = blocks(data)[0].offset + block_field_offset("flags")
    put(data, at, "H", get(data, at, "H") | 0x8040)
    reseal(data)
    return Built(bytes(data), "Block 0's flags have the reserved bits 6 and 15 set. A consumer MUST ignore them.",
                 "1.0", ["C5"], "required", "valid",
                 {"generator": STANDARD, "mutation": f"block 0 Flags |= 0x8040 at 0x{at:X}; chain and FileHash "
                  "recomputed"}, expect={"result": "complete", "blocks.0.flags.value": "0x8040"})


@recipe("blocks/compalgo-without-compressed")
def _compalgo_plain(seed: str) -> Built:
    data = with_extra(seed, lambda w: None)
    at = blocks(data)[0].offset + block_field_offset("flags")
    put(data, at, "H", CompAlgo.ZSTD << BLOCK_FLAGS_COMP_ALGO_SHIFT)
    reseal(data)
    return Built(bytes(data), "Block 0 (Process Identity) has CompAlgo bits 01 (zstd) but not the Compressed flag: "
                 "its payload is plain. A consumer MUST ignore CompAlgo and decode it as is.", "1.0", ["C9"],
                 "required", "valid",
                 {"generator": STANDARD, "mutation": f"block 0 Flags 0x0000 -> 0x0002 at 0x{at:X}; chain and FileHash "
                  "recomputed"}, expect={"result": "complete", "blocks.0.payload.ppid": "1"})


def _junk_after(seed: str, junk: bytes, *, finish: bool, version: str = "1.0") -> bytearray:
    return bytearray(bytes(with_extra(seed, lambda w: None, finish=finish, version=version)) + junk)


@recipe("blocks/end-short-tail")
def _end_short_tail(seed: str) -> Built:
    data = _junk_after(seed, bytes(79), finish=True, version="1.1")
    return Built(bytes(data), "79 zero bytes follow the End-of-Capture: fewer than 80 bytes cannot hold a block, so "
                 "the block stream ends (C4); a 1.1 consumer reports them as trailing bytes (V11-C14).", "1.1",
                 ["C4", "V11-C14"], "required", "valid",
                 {"generator": STANDARD_11, "mutation": "79 zero bytes appended"},
                 expect={"result": "complete", "blocks.#": 7, "integrity.trailing_bytes": "0x4f"})


@recipe("blocks/end-bad-magic")
def _end_bad_magic(seed: str) -> Built:
    data = _junk_after(seed, b"JUNK" * 24, finish=True, version="1.1")
    return Built(bytes(data), "96 bytes that do not start with MSLC follow the End-of-Capture: the block stream ends "
                 "(C4); a 1.1 consumer reports them as trailing bytes (V11-C14).", "1.1", ["C4", "V11-C14"],
                 "required", "valid", {"generator": STANDARD_11, "mutation": "b'JUNK' * 24 appended"},
                 expect={"result": "complete", "blocks.#": 7, "integrity.trailing_bytes": "0x60"})


@recipe("blocks/end-bad-magic-no-eoc")
def _end_bad_magic_no_eoc(seed: str) -> Built:
    data = _junk_after(seed, b"JUNK" * 24, finish=False)
    return Built(bytes(data), "A capture without End-of-Capture followed by 96 bytes that do not start with MSLC: "
                 "the block stream ends there (C4) and, with no End-of-Capture, the capture is truncated (PS1).",
                 "1.0", ["C4", "PS1"], "required", "truncated",
                 {"generator": f"{STANDARD}, closed without End-of-Capture", "mutation": "b'JUNK' * 24 appended"},
                 expect={"result": "truncated", "blocks.#": 6, "integrity.eoc": "absent"})


def _block_length(seed: str, value: int) -> Built:
    data = with_extra(seed, lambda w: None)
    at = blocks(data)[2].offset + block_field_offset("block_length")
    put(data, at, "I", value)
    return Built(bytes(data), f"Block 2's BlockLength is {value}, less than its own 80-byte header. A consumer SHOULD "
                 "reject the file (and must not loop or read backwards).", "1.0", ["B-4.1-block-length", "C4"],
                 "recommended", "invalid",
                 {"generator": STANDARD, "mutation": f"block 2 BlockLength -> {value} at 0x{at:X}"},
                 reject="bad-block-length")


@recipe("blocks/block-length-zero")
def _block_length_zero(seed: str) -> Built:
    return _block_length(seed, 0)


@recipe("blocks/block-length-79")
def _block_length_79(seed: str) -> Built:
    return _block_length(seed, 79)
