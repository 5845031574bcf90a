"""The standard capture cut short at every structural boundary (and inside each structure)."""

from __future__ import annotations

from memslice.conformance.generators import Built, recipe
from memslice.conformance.generators.mutate import block_field_offset, blocks, get, put
from memslice.conformance.generators.recipes_header import STANDARD, standard
from memslice.generated import framing

_HDR = framing.BLOCK_HEADER_SIZE


def _cut(seed: str, at: int, where: str, blocks_left: int | None) -> Built:
    data = bytes(standard(seed))[:at]
    origin = {"generator": STANDARD, "mutation": f"file cut after {at} bytes (0x{at:X}), {where}"}
    if blocks_left is None:
        return Built(data, f"The capture ends after {at} bytes, inside the file header: there is nothing to read. "
                     "A consumer MUST refuse it.", "1.0", ["C1", "C4"], "required", "truncated", origin,
                     reject="truncated-header")
    return Built(data, f"The capture ends after {at} bytes, {where}. The block stream ends there (C4); the "
                 f"{blocks_left} complete block(s) before the cut are read and, with no End-of-Capture, the "
                 "capture is truncated.", "1.0", ["C4", "PS1"], "required", "truncated", origin,
                 expect={"result": "truncated", "blocks.#": blocks_left, "integrity.eoc": "absent"})


def _spans(seed: str) -> list:
    return blocks(standard(seed))


@recipe("truncated/header-1-byte")
def _header_1(seed: str) -> Built:
    return _cut(seed, 1, "inside the magic", None)


@recipe("truncated/header-9-bytes")
def _header_9(seed: str) -> Built:
    return _cut(seed, 9, "after the Endianness byte", None)


@recipe("truncated/header-63-bytes")
def _header_63(seed: str) -> Built:
    return _cut(seed, 63, "one byte short of the 64-byte header", None)


@recipe("truncated/header-only")
def _header_only(seed: str) -> Built:
    return _cut(seed, _spans(seed)[0].offset, "right after the file header", 0)


@recipe("truncated/block-0-header")
def _block_0_header(seed: str) -> Built:
    return _cut(seed, _spans(seed)[0].offset + _HDR // 2,
                "in the middle of block 0's 80-byte header (fewer than 80 bytes remain)", 0)


@recipe("truncated/block-0-payload")
def _block_0_payload(seed: str) -> Built:
    at = _spans(seed)[0].offset + _HDR + 8
    return _cut(seed, at, "8 bytes into block 0's payload (its BlockLength runs past the end)", 0)


def _after(seed: str, index: int) -> Built:
    span = _spans(seed)[index]
    return _cut(seed, span.end, f"right after block {index} (a block boundary)", index + 1)


@recipe("truncated/after-block-0")
def _after_0(seed: str) -> Built:
    return _after(seed, 0)


@recipe("truncated/after-block-1")
def _after_1(seed: str) -> Built:
    return _after(seed, 1)


@recipe("truncated/after-block-2")
def _after_2(seed: str) -> Built:
    return _after(seed, 2)


@recipe("truncated/after-block-3")
def _after_3(seed: str) -> Built:
    return _after(seed, 3)


@recipe("truncated/after-block-4")
def _after_4(seed: str) -> Built:
    return _after(seed, 4)


@recipe("truncated/after-block-5")
def _after_5(seed: str) -> Built:
    return _after(seed, 5)


@recipe("truncated/region-page-data")
def _region_data(seed: str) -> Built:
    span = _spans(seed)[2]
    return _cut(seed, span.offset + span.length // 2, "in the middle of block 2's page data (a Memory Region)", 2)


@recipe("truncated/eoc-header")
def _eoc_header(seed: str) -> Built:
    span = _spans(seed)[-1]
    return _cut(seed, span.offset + _HDR - 1, "one byte short of the End-of-Capture's block header", 6)


@recipe("truncated/eoc-payload")
def _eoc_payload(seed: str) -> Built:
    span = _spans(seed)[-1]
    return _cut(seed, span.end - 1, "one byte short of the End-of-Capture's payload", 6)


@recipe("truncated/block-length-past-eof")
def _length_past_eof(seed: str) -> Built:
    data = standard(seed)
    span = blocks(data)[-1]
    at = span.offset + block_field_offset("block_length")
    put(data, at, "I", get(data, at, "I") + 8)
    return Built(bytes(data), "The End-of-Capture's BlockLength claims 8 bytes more than the file holds. The block "
                 "stream ends before it; the 6 blocks before it are read and the capture is truncated.", "1.0",
                 ["C4", "PS1"], "required", "truncated",
                 {"generator": STANDARD, "mutation": f"End-of-Capture BlockLength += 8 at 0x{at:X}"},
                 expect={"result": "truncated", "blocks.#": 6, "integrity.eoc": "absent"})
