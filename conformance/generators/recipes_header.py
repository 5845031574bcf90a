"""Cases about the file header: magic, Endianness, HeaderSize, Version, reserved bytes."""

from __future__ import annotations

from memslice.conformance.generators import Built, recipe
from memslice.conformance.generators.fixtures import STANDARD_CAPS, add_standard, write_capture
from memslice.conformance.generators.mutate import get, header_field_offset, put, reseal
from memslice.generated.enums import HeaderFlags

STANDARD = "fixtures.add_standard() through MslWriter (format 1.0, little-endian, no compression)"
STANDARD_11 = STANDARD.replace("format 1.0", "format 1.1")


def standard(seed: str, version: str = "1.0", **writer_args: object) -> bytearray:
    """The standard capture of :func:`fixtures.add_standard` as editable bytes.

    Args:
        seed: Case id.
        version: Format version written (``1.0`` unless the case is about a 1.1 rule).
        **writer_args: More ``MslWriter`` arguments.
    """
    return bytearray(write_capture(seed, lambda w: add_standard(w, seed), cap_bitmap=STANDARD_CAPS,
                                   format_version=version, **writer_args))


@recipe("header/bad-magic")
def _bad_magic(seed: str) -> Built:
    data = standard(seed)
    data[7] = ord("X")
    return Built(bytes(data), "The file magic reads MEMSLICX. A consumer MUST reject the file.", "1.0", ["C1"],
                 "required", "invalid", {"generator": STANDARD, "mutation": "byte 0x07 'E' (0x45) -> 'X' (0x58)"},
                 reject="bad-magic")


@recipe("header/empty-file")
def _empty_file(seed: str) -> Built:
    return Built(b"", "A file of zero bytes has no header: a consumer MUST refuse it.", "1.0", ["C1"], "required",
                 "truncated", {"generator": "empty byte string"}, reject="truncated-header")


def _endianness(seed: str, value: int) -> Built:
    data = standard(seed)
    at = header_field_offset("endianness")
    data[at] = value
    return Built(bytes(data), f"Endianness byte 0x{value:02X} (only 0x01 and 0x02 are defined). A consumer MUST "
                 "reject the file.", "1.0", ["C1"], "required", "invalid",
                 {"generator": STANDARD, "mutation": f"byte 0x{at:02X} Endianness 0x01 -> 0x{value:02X}"},
                 reject="bad-endianness")


@recipe("header/bad-endianness-00")
def _endianness_00(seed: str) -> Built:
    return _endianness(seed, 0)


@recipe("header/bad-endianness-03")
def _endianness_03(seed: str) -> Built:
    return _endianness(seed, 3)


@recipe("header/big-endian")
def _big_endian(seed: str) -> Built:
    return Built(bytes(standard(seed, endian=">")),
                 "The standard capture written big-endian (Endianness 0x02): every structural integer is "
                 "big-endian, UUIDs and hashes are not swapped. Valid in 1.0.", "1.0", ["C1", "P2"], "required",
                 "valid", {"generator": STANDARD.replace("little-endian", "big-endian: endian='>'")},
                 features=["big-endian"], expect={"result": "complete", "blocks.#": 7})


@recipe("header/format-1.0")
def _format_10(seed: str) -> Built:
    data = bytes(standard(seed, "1.0"))
    return Built(data, "The standard capture written as strict format 1.0 (Version 0x0100, 48-byte End-of-Capture "
                 "with reserved BlockCount).", "1.0", ["P1", "C2", "C5"], "required", "valid",
                 {"generator": STANDARD},
                 expect={"result": "complete", "header.version": "0x100", "blocks.#": 7})


def _version(seed: str, version: int) -> bytearray:
    data = standard(seed, "1.1")
    put(data, header_field_offset("version"), "H", version)
    reseal(data)
    return data


@recipe("header/unknown-major")
def _unknown_major(seed: str) -> Built:
    data = _version(seed, 0x0201)
    return Built(bytes(data), "Version 0x0201: major version 2 is unknown. A consumer SHOULD reject the file.",
                 "1.0", ["B-3.2-major"], "recommended", "invalid",
                 {"generator": STANDARD_11, "mutation": "bytes 0x0A-0x0B Version 0x0101 -> 0x0201; chain and FileHash "
                  "recomputed (mutate.reseal)"}, reject="unsupported-version")


@recipe("header/unknown-minor")
def _unknown_minor(seed: str) -> Built:
    data = _version(seed, 0x01FF)
    return Built(bytes(data), "Version 0x01FF: an unknown minor of major 1 with the 1.1 layout. A consumer MAY "
                 "parse it (1.0 section 3.2), using HeaderSize to find block 0.", "1.1", ["B-3.2-major", "C2"],
                 "optional", "valid",
                 {"generator": STANDARD_11, "mutation": "bytes 0x0A-0x0B Version 0x0101 -> 0x01FF; chain and FileHash "
                  "recomputed (mutate.reseal)"}, expect={"result": "complete", "header.version": "0x1ff"})


@recipe("header/header-size-small")
def _header_size_small(seed: str) -> Built:
    data = standard(seed)
    at = header_field_offset("header_size")
    data[at] = 0x20
    return Built(bytes(data), "HeaderSize 32 would put block 0 inside the 64-byte header. A consumer SHOULD "
                 "reject the file.", "1.0", ["C2", "B-3-header-size"], "recommended", "invalid",
                 {"generator": STANDARD, "mutation": f"byte 0x{at:02X} HeaderSize 0x40 -> 0x20"},
                 reject="bad-header-size")


@recipe("header/header-size-128-plain")
def _header_size_128(seed: str) -> Built:
    base = standard(seed, "1.1")
    at = header_field_offset("header_size")
    data = bytearray(base[:64] + bytes(64) + base[64:])
    data[at] = 128
    reseal(data)
    return Built(bytes(data), "A 1.1 file whose header is 128 bytes although the Encrypted flag is clear (64 "
                 "zero bytes after the 64-byte header). Block 0 is where HeaderSize says, at 0x80.", "1.1", ["C2"],
                 "optional", "valid",
                 {"generator": STANDARD_11, "mutation": f"64 zero bytes inserted at 0x40, byte 0x{at:02X} HeaderSize "
                  "0x40 -> 0x80; chain and FileHash recomputed (mutate.reseal)"},
                 expect={"result": "complete", "blocks.0.offset": "0x80", "integrity.chain": "ok"})


@recipe("header/encrypted-flag-header-64")
def _encrypted_small(seed: str) -> Built:
    data = standard(seed, "1.1")
    at = header_field_offset("flags")
    put(data, at, "I", get(data, at, "I") | HeaderFlags.ENCRYPTED)
    return Built(bytes(data), "Flags has the Encrypted bit but HeaderSize is 64. A 1.1 consumer MUST reject the "
                 "file (an encrypted header is 128 bytes).", "1.1", ["V11-C15"], "required", "invalid",
                 {"generator": STANDARD_11,
                  "mutation": f"bytes 0x{at:02X}-0x{at + 3:02X} Flags 0x0 -> 0x4 (Encrypted)"},
                 reject="encryption-header")


def _reserved_nonzero(seed: str, what: str) -> tuple[bytearray, str]:
    data = standard(seed)
    if what == "bytes":
        at = header_field_offset("reserved")
        data[at:at + 2] = b"\xa5\x5a"
        note = f"bytes 0x{at:02X}-0x{at + 1:02X} Reserved 00 00 -> A5 5A"
    else:
        at = header_field_offset("flags")
        put(data, at, "I", get(data, at, "I") | 0x8000_0000)
        note = f"bytes 0x{at:02X}-0x{at + 3:02X} Flags: reserved bit 31 set"
    reseal(data)
    return data, note + "; chain and FileHash recomputed (mutate.reseal)"


@recipe("header/reserved-bytes-nonzero")
def _reserved_bytes(seed: str) -> Built:
    data, note = _reserved_nonzero(seed, "bytes")
    return Built(bytes(data), "The header's reserved bytes 0x3E-0x3F are not zero. A consumer MUST ignore them and "
                 "read the file normally.", "1.0", ["C5"], "required", "valid",
                 {"generator": STANDARD, "mutation": note},
                 expect={"result": "complete", "blocks.#": 7, "integrity.chain": "ok"})


@recipe("header/reserved-flag-bits-nonzero")
def _reserved_flags(seed: str) -> Built:
    data, note = _reserved_nonzero(seed, "flags")
    return Built(bytes(data), "Header Flags has reserved bit 31 set. A consumer MUST ignore it and read the file "
                 "normally.", "1.0", ["C5"], "required", "valid", {"generator": STANDARD, "mutation": note},
                 expect={"result": "complete", "blocks.#": 7, "integrity.chain": "ok"})


@recipe("header/v10-reserved-count-and-hash-algo")
def _v10_reserved_11_fields(seed: str) -> Built:
    from memslice.conformance.generators.recipes_golden import chain_facts

    data = standard(seed)
    count_at, algo_at = header_field_offset("block_count"), header_field_offset("hash_algo")
    put(data, count_at, "I", 99)
    data[algo_at] = 0x01
    reseal(data, algo=0)
    facts = chain_facts(bytes(data), "blake3")
    return Built(bytes(data), "A 1.0 file whose reserved header bytes 0x39-0x3C hold 99 and 0x3D holds 0x01 (where 1.1 "
                 "puts BlockCount and HashAlgo). In 1.0 they are reserved: a consumer MUST ignore them (C5), so the "
                 "chain is BLAKE3 (spec 4.4) and no BlockCount is checked.", "1.0", ["C5", "CS1"], "required", "valid",
                 {"generator": STANDARD, "mutation": f"u32 at 0x{count_at:02X} = 99, byte 0x{algo_at:02X} = 0x01; "
                  "chain and FileHash recomputed with BLAKE3", "expectation": "facts: BLAKE3 chain recomputed outside "
                  "memslice (recipes_golden.chain_facts)"},
                 features=["verify-chain", "verify-block-count"],
                 expect={"result": "complete", "blocks.#": 7, "integrity.chain": "ok", "integrity.file_hash": "ok",
                         "integrity.block_count": "n/a", **facts})


@recipe("header/v10-flag-bit-2")
def _v10_flag_bit2(seed: str) -> Built:
    data = standard(seed)
    at = header_field_offset("flags")
    put(data, at, "I", get(data, at, "I") | 0x4)
    reseal(data, algo=0)
    return Built(bytes(data), "A 1.0 file with header Flags bit 2 set (the bit 1.1 calls Encrypted) and a 64-byte "
                 "header. In 1.0 Flags bits 1-31 are reserved: a consumer MUST ignore the bit (C5) and read the file "
                 "as it is, not reject it under the 1.1 rule V11-C15.", "1.0", ["C5"], "required", "valid",
                 {"generator": STANDARD, "mutation": f"bytes 0x{at:02X}-0x{at + 3:02X} Flags |= 0x4; chain and "
                  "FileHash recomputed"},
                 expect={"result": "complete", "blocks.#": 7, "integrity.chain": "ok", "header.flags": "0x4"})
