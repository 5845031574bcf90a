"""Cases about integrity: the hash chain, FileHash, BlockCount, HashAlgo, extension segments."""

from __future__ import annotations

from memslice.conformance.generators import Built, recipe
from memslice.conformance.generators.fixtures import (
    ACQ_END,
    STANDARD_CAPS,
    WRITTEN_AT,
    add_standard,
    region_payload,
    uuid4,
    write_capture,
)
from memslice.conformance.generators.mutate import (
    block_field_offset,
    blocks,
    field_offset,
    header_field_offset,
    put,
    reseal,
)
from memslice.conformance.generators.recipes_header import STANDARD, STANDARD_11, standard
from memslice.conformance.generators.recipes_payloads import region_facts
from memslice.generated import framing
from memslice.generated._support import ZERO_HASH, ZERO_UUID
from memslice.generated.blocks import end_of_capture, end_of_extension, key_hint, memory_region, vas_map
from memslice.generated.enums import CapBitmap, HashAlgo, NameSource

from memslice.integrity import digest
from memslice.writer import MslWriter

_HDR = framing.BLOCK_HEADER_SIZE


@recipe("integrity/broken-chain")
def _broken_chain(seed: str) -> Built:
    data = standard(seed)
    span = blocks(data)[4]
    at = data.index(b"libc.so.6", span.offset)
    data[at] ^= 0x20
    return Built(bytes(data), "One byte of block 4 (a Module Entry's path: libc -> Libc) was changed after writing: "
                 "block 5's "
                 "PrevHash no longer matches and neither does the FileHash. A consumer that verifies reports the "
                 "chain broken at block 5 and the FileHash mismatched.", "1.0", ["CS1", "CS2", "P4"], "recommended",
                 "invalid", {"generator": STANDARD, "mutation": f"byte 0x{at:X} XOR 0x20 (no re-sealing)"},
                 features=["verify-chain"],
                 expect={"result": "complete", "integrity.chain": "broken", "integrity.first_bad_block": "5",
                         "integrity.file_hash": "mismatch"})


@recipe("integrity/wrong-file-hash")
def _wrong_file_hash(seed: str) -> Built:
    data = standard(seed)
    span = blocks(data)[-1]
    at = span.offset + _HDR + field_offset(end_of_capture.EndOfCapture, "file_hash")
    data[at] ^= 0xFF
    return Built(bytes(data), "The End-of-Capture FileHash has its first byte inverted; the chain is intact (nothing "
                 "hashes the End-of-Capture). A consumer that verifies reports the FileHash mismatched.", "1.0",
                 ["CS2"], "recommended", "invalid",
                 {"generator": STANDARD, "mutation": f"byte 0x{at:X} XOR 0xFF"}, features=["verify-file-hash"],
                 expect={"result": "complete", "integrity.chain": "ok", "integrity.file_hash": "mismatch"})


@recipe("integrity/block0-prev-hash-zero")
def _block0_zero(seed: str) -> Built:
    data = standard(seed)
    reseal(data, unchained_header=True)
    return Built(bytes(data), "Block 0's PrevHash is 32 zero bytes (as pre-1.1 MemDiver wrote), the rest of the "
                 "chain and the FileHash are consistent. The spec says block 0 hashes the header: the chain is broken "
                 "at block 0.", "1.0", ["CS1", "P4"], "recommended", "invalid",
                 {"generator": STANDARD, "mutation": "block 0 PrevHash zeroed, later PrevHash and FileHash "
                  "recomputed (mutate.reseal(unchained_header=True))"}, features=["verify-chain"],
                 expect={"result": "complete", "integrity.chain": "broken", "integrity.first_bad_block": "0",
                         "integrity.file_hash": "ok"})


def _hash_algo(seed: str, algo: int, name: str) -> Built:
    data = write_capture(seed, lambda w: add_standard(w, seed), cap_bitmap=STANDARD_CAPS, hash_algo=algo)
    return Built(data, f"A capture chained and sealed with HashAlgo 0x{algo:02X} ({name}) instead of BLAKE3.", "1.1",
                 ["CS1", "CS2"], "recommended", "valid",
                 {"generator": f"{STANDARD_11}, hash_algo={algo}"}, features=["verify-chain"],
                 expect={"result": "complete", "integrity.chain": "ok", "integrity.file_hash": "ok"})


@recipe("integrity/hash-algo-sha256")
def _sha256(seed: str) -> Built:
    return _hash_algo(seed, HashAlgo.SHA256, "SHA-256")


@recipe("integrity/hash-algo-sha512-256")
def _sha512_256(seed: str) -> Built:
    return _hash_algo(seed, HashAlgo.SHA512_256, "SHA-512/256")


def _header_block_count(seed: str, value: int) -> tuple[bytes, str]:
    data = standard(seed, "1.1")
    at = header_field_offset("block_count")
    put(data, at, "I", value)
    reseal(data)
    return bytes(data), f"header BlockCount 0 -> {value} (u32 at 0x{at:X}); chain and FileHash recomputed"


@recipe("integrity/header-block-count-ok")
def _header_count_ok(seed: str) -> Built:
    data, note = _header_block_count(seed, 7)
    return Built(data, "The header BlockCount is 7, the exact number of capture-segment blocks including the "
                 "End-of-Capture (as memdiver writes it).", "1.1", ["V11-C13"], "required", "valid",
                 {"generator": STANDARD_11, "mutation": note}, features=["verify-block-count"],
                 expect={"result": "complete", "integrity.block_count": "ok"})


@recipe("integrity/header-block-count-mismatch")
def _header_count_bad(seed: str) -> Built:
    data, note = _header_block_count(seed, 9)
    return Built(data, "The header BlockCount says 9 but the capture segment has 7 blocks. A 1.1 consumer MUST "
                 "report the mismatch (truncated or corrupt).", "1.1", ["V11-C13"], "required", "invalid",
                 {"generator": STANDARD_11, "mutation": note}, features=["verify-block-count"],
                 expect={"result": "complete", "integrity.block_count": "mismatch"})


@recipe("integrity/eoc-block-count-mismatch")
def _eoc_count_bad(seed: str) -> Built:
    data = standard(seed, "1.1")
    span = blocks(data)[-1]
    at = span.offset + _HDR + field_offset(end_of_capture.EndOfCapture, "block_count")
    put(data, at, "I", 3)
    return Built(bytes(data), "The End-of-Capture BlockCount says 3 but the capture segment has 7 blocks. A 1.1 "
                 "consumer MUST report the mismatch.", "1.1", ["V11-C13"], "required", "invalid",
                 {"generator": STANDARD_11, "mutation": f"End-of-Capture BlockCount 7 -> 3 (u32 at 0x{at:X}); nothing "
                  "hashes the End-of-Capture, so chain and FileHash stay valid"},
                 features=["verify-block-count"], expect={"result": "complete", "integrity.block_count": "mismatch",
                                                          "integrity.file_hash": "ok"})


@recipe("integrity/eoc-40-bytes")
def _eoc_40(seed: str) -> Built:
    data = bytearray(write_capture(seed, lambda w: add_standard(w, seed), cap_bitmap=STANDARD_CAPS, finish=False))
    payload = end_of_capture.EndOfCapture(file_hash=ZERO_HASH, acq_end=ACQ_END, block_count=None).encode("<")
    header = framing.BlockHeader(block_type=end_of_capture.BLOCK_TYPE, flags=0, block_length=_HDR + len(payload),
                                 payload_version=1, block_uuid=uuid4(seed, "eoc"), parent_uuid=ZERO_UUID,
                                 prev_hash=ZERO_HASH).encode("<")
    data += header + payload
    reseal(data)
    return Built(bytes(data), "The End-of-Capture is the 40-byte legacy form (FileHash and AcqEnd, no BlockCount). A "
                 "1.1 consumer MUST accept it; the FileHash still verifies.", "1.1", ["V11-4.5-eoc-40", "CS2"],
                 "required", "valid",
                 {"generator": f"{STANDARD_11}, closed without End-of-Capture",
                  "mutation": "a 120-byte End-of-Capture block (40-byte payload) appended; PrevHash and FileHash "
                  "computed by mutate.reseal"},
                 expect={"result": "complete", "blocks.6.length": "0x78", "integrity.file_hash": "ok"})


def _segments(seed: str, count: int, *, terminate: bool = True) -> bytes:
    def body(w: MslWriter) -> None:
        ids = add_standard(w, seed)
        w.finish_capture(acq_end=ACQ_END)
        for n in range(count):
            if terminate:
                w.begin_extension()
            w.add(key_hint.KeyHint(region_uuid=ids.regions[0], region_offset=0x100 * (n + 1), len_key=16, key_type=3,
                                   protocol=7, confidence=1, key_state=1, note=f"added by segment {n + 1}"),
                  block_uuid=uuid4(seed, "segment", n))
            if terminate:
                w.end_extension(producer="conformance-generator", written_at=WRITTEN_AT + n)

    return write_capture(seed, body, cap_bitmap=STANDARD_CAPS)


SEGMENTS = f"{STANDARD_11}, End-of-Capture, then begin_extension / Key Hint / end_extension"


@recipe("extensions/one-segment")
def _one_segment(seed: str) -> Built:
    return Built(_segments(seed, 1), "The standard capture followed by one extension segment: a Key Hint and its "
                 "End-of-Extension (SegmentHash, BlockCount 2). A 1.1 consumer verifies and presents it.", "1.1",
                 ["V11-C23", "V11-P34", "V11-P35"], "required", "valid", {"generator": SEGMENTS},
                 features=["extension-segments"],
                 expect={"result": "complete", "blocks.#": 9, "blocks.8.segment": "1",
                         "integrity.trailing_bytes": "0x0"})


@recipe("extensions/two-segments")
def _two_segments(seed: str) -> Built:
    return Built(_segments(seed, 2), "Two extension segments after the End-of-Capture, each a Key Hint and its "
                 "End-of-Extension; the chain runs through both.", "1.1", ["V11-C23", "V11-P34", "V11-P35"],
                 "required", "valid", {"generator": SEGMENTS + " (twice)"}, features=["extension-segments"],
                 expect={"result": "complete", "blocks.#": 11, "blocks.10.segment": "2"})


@recipe("extensions/unterminated")
def _unterminated(seed: str) -> Built:
    data = _segments(seed, 1, terminate=False)
    return Built(data, "A Key Hint block follows the End-of-Capture without an End-of-Extension. It is not a "
                 "verified segment: trailing bytes, never presented as blocks.", "1.1", ["V11-C14", "V11-C23"],
                 "required", "invalid", {"generator": f"{STANDARD_11}, End-of-Capture, then a Key Hint alone"},
                 features=["extension-segments"],
                 expect={"result": "complete", "blocks.#": 7, "integrity.segments.#": 0})


@recipe("extensions/unterminated-after-segment")
def _unterminated_after_segment(seed: str) -> Built:
    def body(w: MslWriter) -> None:
        ids = add_standard(w, seed)
        w.finish_capture(acq_end=ACQ_END)
        w.begin_extension()
        w.add(key_hint.KeyHint(region_uuid=ids.regions[0], region_offset=0x100, len_key=16, key_type=3, protocol=7,
                               confidence=1, key_state=1, note="added by segment 1"), block_uuid=uuid4(seed, "seg"))
        w.end_extension(producer="conformance-generator", written_at=WRITTEN_AT)
        w.add(key_hint.KeyHint(region_uuid=ids.regions[0], region_offset=0x200, len_key=16, key_type=3, protocol=7,
                               confidence=1, key_state=1, note="never terminated"), block_uuid=uuid4(seed, "tail"))

    data = write_capture(seed, body, cap_bitmap=STANDARD_CAPS)
    spans = blocks(data)
    tail = len(data) - spans[-2].end
    return Built(data, "One verified extension segment, then a Key Hint block with no End-of-Extension after it. The "
                 "block belongs to no closed segment: it is trailing data (its bytes counted in trailing_bytes), "
                 "never presented as a block.", "1.1", ["V11-C14", "V11-C23"], "required", "invalid",
                 {"generator": f"{SEGMENTS}, then one more Key Hint without begin_extension / end_extension"},
                 features=["extension-segments"],
                 expect={"result": "complete", "blocks.#": 9, "integrity.segments.#": 1,
                         "integrity.trailing_bytes": f"0x{tail:x}"})


def _bad_segment(seed: str, field: str, note: str) -> Built:
    data = bytearray(_segments(seed, 1))
    span = blocks(data)[-1]
    at = span.offset + _HDR + field_offset(end_of_extension.EndOfExtension, field)
    data[at] ^= 0x01
    return Built(bytes(data), f"The only extension segment's End-of-Extension has a wrong {note}. The segment fails "
                 "verification: its bytes are trailing data and its blocks are not presented.", "1.1",
                 ["V11-C23", "V11-C14"], "required", "invalid",
                 {"generator": SEGMENTS, "mutation": f"End-of-Extension {note}: byte 0x{at:X} XOR 0x01"},
                 features=["extension-segments"],
                 expect={"result": "complete", "blocks.#": 7, "integrity.segments.#": 0})


@recipe("extensions/bad-segment-hash")
def _bad_segment_hash(seed: str) -> Built:
    return _bad_segment(seed, "segment_hash", "SegmentHash")


@recipe("extensions/bad-segment-block-count")
def _bad_segment_count(seed: str) -> Built:
    return _bad_segment(seed, "block_count", "BlockCount")


@recipe("extensions/trailing-after-segment")
def _trailing_after(seed: str) -> Built:
    data = _segments(seed, 1) + b"\xee" * 50
    return Built(data, "One verified extension segment, then 50 bytes of 0xEE: they are reported as trailing "
                 "bytes and never presented as blocks.", "1.1", ["V11-C14", "V11-C23"], "required", "valid",
                 {"generator": SEGMENTS, "mutation": "50 bytes of 0xEE appended"}, features=["extension-segments"],
                 expect={"result": "complete", "blocks.#": 9, "integrity.trailing_bytes": "0x32"})


def _vas(ranges: list[tuple[int, int, str]]) -> vas_map.VasMap:
    """A VAS Map of anonymous read-write mappings whose names are live (NameSource 1)."""
    entries = [vas_map.VasEntry(base_addr=base, region_size=size, protection=0b011, region_type=5,
                                name_source=NameSource.LIVE, mapped_path=name) for base, size, name in ranges]
    return vas_map.VasMap(len_entry=0, entries=entries)


@recipe("extensions/vas-map-superseded")
def _vas_map_superseded(seed: str) -> Built:
    def body(w: MslWriter) -> None:
        add_standard(w, seed, with_key_hint=False)
        w.add(_vas([(0x7FFD_0000_0000, 0x7000, "[stack]")]), block_uuid=uuid4(seed, "vas", 0))
        w.finish_capture(acq_end=ACQ_END)
        w.begin_extension()
        w.add(_vas([(0x7FFD_0000_0000, 0x7000, "[stack]"), (0x5555_5555_4000, 0x3000, "/usr/bin/t")]),
              block_uuid=uuid4(seed, "vas", 1))
        w.end_extension(producer="conformance-generator", written_at=WRITTEN_AT)

    data = write_capture(seed, body, cap_bitmap=STANDARD_CAPS & ~CapBitmap.CRYPTO_HINTS)
    return Built(data, "A VAS Map before the End-of-Capture and a second one in a verified extension segment: the "
                 "last one in file order is in force (effective.vas_map names it).", "1.1", ["V11-C25", "V11-C23"],
                 "required", "valid",
                 {"generator": f"{STANDARD_11} without Key Hint, a VAS Map, End-of-Capture, then an extension "
                  "segment with a second VAS Map"}, features=["payloads", "extension-segments"],
                 expect={"result": "complete", "effective.vas_map": "7", "blocks.#": 9})


@recipe("regions/vas-map-gives-no-page-states")
def _vas_map_no_states(seed: str) -> Built:
    def body(w: MslWriter) -> None:
        add_standard(w, seed, with_key_hint=False)
        w.add(_vas([(0x7FFD_0000_0000, 0x7000, "[stack]"), (0x1000_0000, 0x10_0000, "[anon:unread]")]),
              block_uuid=uuid4(seed, "vas"))

    data = write_capture(seed, body, cap_bitmap=STANDARD_CAPS & ~CapBitmap.CRYPTO_HINTS)
    return Built(data, "A VAS Map lists a 1 MiB range that no Memory Region captured: no page states exist for it "
                 "(they are never derived from a VAS Map); the only page states are the Memory Region's.", "1.1",
                 ["V11-5.8-no-states", "V11-C25"], "required", "valid",
                 {"generator": f"{STANDARD_11} without Key Hint, then a VAS Map with one uncaptured range"},
                 features=["payloads", "regions"],
                 expect={"result": "complete", "effective.vas_map": "5", "blocks.#": 7,
                         **region_facts([region_payload(seed, 0x7FFD_0000_0000, "0010200")], ["0010200"], first=2)})


@recipe("extensions/broken-chain-in-segment")
def _broken_chain_in_segment(seed: str) -> Built:
    data = bytearray(_segments(seed, 1))
    spans = blocks(data)
    hint, eox = spans[-2], spans[-1]
    prev_at = block_field_offset("prev_hash")
    data[hint.offset + prev_at:hint.offset + prev_at + framing.HASH_SIZE] = ZERO_HASH
    hint_bytes = bytes(data[hint.offset:hint.end])
    data[eox.offset + prev_at:eox.offset + prev_at + 32] = digest(hint_bytes)
    seg_at = eox.offset + _HDR + field_offset(end_of_extension.EndOfExtension, "segment_hash")
    data[seg_at:seg_at + 32] = digest(hint_bytes)
    return Built(bytes(data), "The extension segment's Key Hint has an all-zero PrevHash instead of the hash of the "
                 "End-of-Capture; its SegmentHash and BlockCount are right. The chain does not continue (V11-P35): "
                 "the segment is not verified, so it is trailing data and not presented.", "1.1",
                 ["V11-C23", "V11-P35", "V11-C14"], "required", "invalid",
                 {"generator": SEGMENTS, "mutation": f"Key Hint (block {hint.index}) PrevHash zeroed; the "
                  "End-of-Extension's PrevHash and SegmentHash recomputed over the changed Key Hint"},
                 features=["extension-segments", "verify-chain"],
                 expect={"result": "complete", "blocks.#": 7, "integrity.segments.#": 0, "integrity.chain": "broken",
                         "integrity.first_bad_block": str(hint.index)})


def _hash_algo_undefined(seed: str, code: int, what: str) -> Built:
    data = bytearray(write_capture(seed, lambda w: add_standard(w, seed), cap_bitmap=STANDARD_CAPS))
    at = header_field_offset("hash_algo")
    data[at] = code
    return Built(bytes(data), f"A 1.1 capture whose HashAlgo is 0x{code:02X} ({what}): no algorithm is defined to "
                 "verify its chain. A verifying consumer MUST refuse it as `unsupported` rather than report a broken "
                 "chain.", "1.1", ["V11-C13", "CS1"], "required", "invalid",
                 {"generator": STANDARD_11, "mutation": f"byte 0x{at:02X} HashAlgo 0x00 -> 0x{code:02X} (chain left "
                  "as BLAKE3)"}, features=["verify-chain"], reject="unsupported")


@recipe("integrity/hash-algo-ff")
def _hash_algo_ff(seed: str) -> Built:
    return _hash_algo_undefined(seed, 0xFF, "Other")


@recipe("integrity/hash-algo-unknown")
def _hash_algo_unknown(seed: str) -> Built:
    return _hash_algo_undefined(seed, 0x07, "no code of the registry")


@recipe("blocks/precedence-walk-before-payload")
def _precedence(seed: str) -> Built:
    data = bytearray(write_capture(seed, lambda w: add_standard(w, seed), cap_bitmap=STANDARD_CAPS,
                                   format_version="1.0"))
    spans = blocks(data)
    region, late = spans[2], spans[4]
    log2_at = region.offset + _HDR + field_offset(memory_region.MemoryRegion, "page_size_log2")
    data[log2_at] = 9
    length_at = late.offset + block_field_offset("block_length")
    reseal(data)
    put(data, length_at, "I", 79)
    return Built(bytes(data), "Two faults: block 2's PageSizeLog2 is 9 (C10) and block 4's BlockLength is 79. The "
                 "block walk comes before any payload (contract 2.6, precedence), so the file is rejected as "
                 "bad-block-length, not page-size.", "1.0", ["B-4.1-block-length", "C10"], "recommended", "invalid",
                 {"generator": STANDARD, "mutation": f"byte 0x{log2_at:X} PageSizeLog2 12 -> 9, chain and FileHash "
                  f"recomputed, then u32 at 0x{length_at:X} BlockLength -> 79"},
                 features=["regions"], reject="bad-block-length")
