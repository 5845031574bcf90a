"""Cases about payloads: every block type, byte orders, compression, regions, strings."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from types import ModuleType

from memslice.conformance.generators import Built, recipe
from memslice.conformance.generators.fixtures import (
    PAGE,
    STANDARD_CAPS,
    TIMESTAMP,
    add_standard,
    region_payload,
    uuid4,
    write_capture,
)
from memslice.conformance.generators.mutate import block_field_offset, blocks, field_offset, get, put, reseal
from memslice.conformance.generators.values import build_payload
from memslice.generated import framing
from memslice.generated._support import ZERO_HASH
from memslice.generated.blocks import (
    end_of_capture,
    end_of_extension,
    import_provenance,
    memory_region,
    module_entry,
    module_list_index,
    process_identity,
)
from memslice.generated.dialects import DEFAULT_VERSION
from memslice.generated.enums import BlockFlags, CapBitmap, HeaderFlags
from memslice.generated.registry import block_modules, module_for

from memslice.writer import MslWriter

_HDR = framing.BLOCK_HEADER_SIZE
STANDARD = "fixtures.add_standard() through MslWriter"
#: block types the standard capture already holds, and the terminators the writer emits
IN_STANDARD = {process_identity.BLOCK_ID, module_list_index.BLOCK_ID, memory_region.BLOCK_ID, module_entry.BLOCK_ID,
               "key_hint", end_of_capture.BLOCK_ID, end_of_extension.BLOCK_ID}


def writable_modules() -> list[ModuleType]:
    """Defined block types with a 1.1 layout the writer can emit from generated values."""
    return [m for m in block_modules() if m.STATUS == "defined" and m.BLOCK_ID not in IN_STANDARD
            and any("spec-1.1" in c.DIALECTS for c in m.LAYOUTS)]


def _layout(module: ModuleType) -> type:
    return next(c for c in module.LAYOUTS if "spec-1.1" in c.DIALECTS)


def _cap(*modules: ModuleType) -> int:
    bits = 0
    for module in modules:
        if module.CAP_BIT:
            bits |= CapBitmap[module.CAP_BIT.upper()]
    return bits


def _typed_body(seed: str, targets: list[ModuleType], endian: str,
                compress: str | None) -> tuple[Callable[[MslWriter], None], int, int]:
    """Writer body, CapBitmap and header Flags for a capture holding every ``targets`` type.

    Order: [Import Provenance (block 0 of an imported file, P9)], Process Identity, Module
    List Index (A1, A2), then the targets, each after the parent block its type names.
    """
    system_context = module_for("system_context")
    order = [m for m in targets if m is not import_provenance]
    if any(m.PARENT == system_context.BLOCK_ID for m in order) and system_context not in order:
        order.insert(0, system_context)
    imported = import_provenance in targets

    def body(w: MslWriter) -> None:
        uuids: dict[str, bytes] = {}

        def add(m: ModuleType, payload: object) -> None:
            parent = uuids.get(m.PARENT) if m.PARENT else None
            uuids[m.BLOCK_ID] = w.add(payload, block_uuid=uuid4(seed, m.BLOCK_ID), parent_uuid=parent,
                                      compress=compress)

        if imported:
            add(import_provenance, build_payload(import_provenance, _layout(import_provenance), seed, endian))
        add(process_identity, process_identity.ProcessIdentity(ppid=1, exe_path="/usr/bin/conformance-target",
                                                               cmd_line="conformance-target"))
        add(module_list_index, module_list_index.ModuleListIndex(entries=[]))
        for m in order:
            add(m, build_payload(m, _layout(m), seed, endian))

    flags = (HeaderFlags.IMPORTED if imported else 0) | (HeaderFlags.INVESTIGATION if system_context in order else 0)
    caps = _cap(process_identity, module_list_index, *order, *([import_provenance] if imported else []))
    return body, caps, flags


def _typed_capture(seed: str, targets: list[ModuleType], endian: str = "<", compress: str | None = None) -> bytes:
    body, caps, flags = _typed_body(seed, targets, endian, compress)
    return write_capture(seed, body, cap_bitmap=caps, flags=flags, endian=endian)


def _register_block_type(module: ModuleType) -> None:
    case_id = f"blocktypes/{module.BLOCK_ID.replace('_', '-')}"

    def build(seed: str) -> Built:
        data = _typed_capture(seed, [module])
        return Built(data, f"A capture holding one {module.TITLE} block (type 0x{module.BLOCK_TYPE:04X}) with "
                     "every field filled from the schema.", DEFAULT_VERSION, ["C2", "C3", "C5"],
                     "required" if module.STATUS == "defined" else "optional", "valid",
                     {"generator": f"values.build_payload({module.BLOCK_ID}) through MslWriter.add, after a Process "
                      "Identity and an empty Module List Index (and the parent block the type names)"},
                     expect={"result": "complete", "integrity.chain": "ok", "integrity.file_hash": "ok"})

    recipe(case_id)(build)


for _module in writable_modules():
    _register_block_type(_module)


def _all_types(seed: str, endian: str, compress: str | None) -> bytes:
    return _typed_capture(seed, writable_modules(), endian, compress)


@recipe("byteorder/all-types-big-endian")
def _all_types_be(seed: str) -> Built:
    return Built(_all_types(seed, ">", None), "Every block type of the writer in one big-endian capture "
                 "(Endianness 0x02): every structural integer of every payload is big-endian.", "1.1",
                 ["C1", "P2"], "required", "valid",
                 {"generator": "every values.build_payload() type through MslWriter(endian='>')"},
                 features=["big-endian"], expect={"result": "complete", "integrity.chain": "ok"})


@recipe("byteorder/all-types-little-endian")
def _all_types_le(seed: str) -> Built:
    return Built(_all_types(seed, "<", None), "Every block type of the writer in one little-endian capture, the "
                 "twin of byteorder/all-types-big-endian.", "1.1", ["C1", "P2"], "required", "valid",
                 {"generator": "every values.build_payload() type through MslWriter(endian='<')"},
                 expect={"result": "complete", "integrity.chain": "ok"})


def _compressed(seed: str, codec: str) -> Built:
    data = write_capture(seed, lambda w: add_standard(w, seed, compress=codec), cap_bitmap=STANDARD_CAPS)
    return Built(data, f"The standard capture with its Memory Region {codec}-compressed (u64 UncompressedSize, then "
                 "the codec stream, unpadded).", "1.1", ["V11-C20"], "required", "valid",
                 {"generator": f"{STANDARD}, region compress='{codec}'"}, features=[codec],
                 expect={"result": "complete", "blocks.2.flags.compressed": True})


@recipe("compression/zstd-region")
def _zstd_region(seed: str) -> Built:
    return _compressed(seed, "zstd")


@recipe("compression/lz4-region")
def _lz4_region(seed: str) -> Built:
    return _compressed(seed, "lz4")


def _all_compressed(seed: str, codec: str) -> Built:
    return Built(_all_types(seed, "<", codec), f"Every block type of the writer, every payload {codec}-compressed "
                 "(the terminators excepted).", "1.1", ["V11-C20"], "required", "valid",
                 {"generator": f"every values.build_payload() type through MslWriter.add(compress='{codec}')"},
                 features=[codec], expect={"result": "complete", "integrity.chain": "ok"})


@recipe("compression/zstd-all-types")
def _zstd_all(seed: str) -> Built:
    return _all_compressed(seed, "zstd")


@recipe("compression/lz4-all-types")
def _lz4_all(seed: str) -> Built:
    return _all_compressed(seed, "lz4")


def _size_mismatch(seed: str, codec: str) -> Built:
    data = bytearray(write_capture(seed, lambda w: add_standard(w, seed, compress=codec), cap_bitmap=STANDARD_CAPS))
    at = blocks(data)[2].offset + _HDR
    put(data, at, "Q", get(data, at, "Q") + 8)
    reseal(data)
    return Built(bytes(data), f"The {codec}-compressed Memory Region's UncompressedSize claims 8 bytes more than the "
                 "stream inflates to. A 1.1 consumer MUST reject it.", "1.1", ["V11-C20"], "required", "invalid",
                 {"generator": f"{STANDARD}, region compress='{codec}'",
                  "mutation": f"block 2 UncompressedSize += 8 (u64 at 0x{at:X}); chain and FileHash recomputed"},
                 features=[codec], reject="compression")


@recipe("compression/zstd-size-mismatch")
def _zstd_mismatch(seed: str) -> Built:
    return _size_mismatch(seed, "zstd")


@recipe("compression/lz4-size-mismatch")
def _lz4_mismatch(seed: str) -> Built:
    return _size_mismatch(seed, "lz4")


@recipe("compression/zstd-corrupt-frame")
def _zstd_corrupt(seed: str) -> Built:
    data = bytearray(write_capture(seed, lambda w: add_standard(w, seed, compress="zstd"), cap_bitmap=STANDARD_CAPS))
    at = blocks(data)[2].offset + _HDR + framing.COMPRESSED_SIZE_PREFIX
    data[at:at + 4] = b"\0\0\0\0"
    reseal(data)
    return Built(bytes(data), "The zstd stream of the Memory Region lost its frame magic, so it cannot inflate to "
                 "its UncompressedSize. A 1.1 consumer MUST reject it.", "1.1", ["V11-C20"], "required", "invalid",
                 {"generator": f"{STANDARD}, region compress='zstd'",
                  "mutation": f"zstd frame magic 28 B5 2F FD -> 00 00 00 00 at 0x{at:X}; chain and FileHash "
                  "recomputed"}, features=["zstd"], reject="compression")


def _regions(seed: str, payloads: list[memory_region.MemoryRegion], *, flags: list[int] | None = None,
             chain_parent: bool = False, version: str = "1.0") -> bytes:
    def body(w: MslWriter) -> None:
        add_standard(w, seed, with_key_hint=False)
        first = None
        for i, payload in enumerate(payloads):
            uid = uuid4(seed, "extra-region", i)
            parent = first if chain_parent and i else None
            w.add(payload, block_uuid=uid, parent_uuid=parent, flags=flags[i] if flags else 0)
            first = first or uid

    caps = STANDARD_CAPS & ~CapBitmap.CRYPTO_HINTS
    return write_capture(seed, body, cap_bitmap=caps, format_version=version)


_STATE_NAMES = {"0": "captured", "1": "failed", "2": "unmapped", "3": "not_resident"}
"""Page state digits of the recipes and their names in the canonical form (spec 5.1, 1.1 rule 26)."""
_FIRST_EXTRA = 5
"""Index of the first region :func:`_regions` adds (after the standard capture's five blocks)."""


def _runs(states: str) -> list[list[str]]:
    """Run-length pairs of a page state string, counted here rather than by memslice.pages."""
    out: list[list[str]] = []
    for digit in states:
        name = _STATE_NAMES[digit]
        if out and out[-1][0] == name:
            out[-1][1] = str(int(out[-1][1]) + 1)
        else:
            out.append([name, "1"])
    return out


def region_facts(payloads: list[memory_region.MemoryRegion], states: list[str],
                  first: int = _FIRST_EXTRA) -> dict[str, object]:
    """Exact page-state runs, captured byte count, SHA-256 of the placed page bytes and base per region."""
    facts: dict[str, object] = {}
    for i, (payload, digits) in enumerate(zip(payloads, states, strict=True)):
        at = f"blocks.{first + i}.payload"
        facts[f"{at}.base_addr"] = f"0x{payload.base_addr:x}"
        facts[f"{at}.page_states"] = _runs(digits)
        facts[f"{at}.captured_bytes"] = f"0x{len(payload.page_data):x}"
        facts[f"{at}.captured_sha256"] = hashlib.sha256(bytes(payload.page_data)).hexdigest()
    return facts


@recipe("regions/page-states")
def _page_states(seed: str) -> Built:
    states = "0123" * 3 + "0033"
    payload = region_payload(seed, 0x10_0000, states)
    data = _regions(seed, [payload], version="1.1")
    return Built(data, "A region whose pages are Captured, Failed, Unmapped and NotResident in turn; only the "
                 "Captured pages are stored, NotResident pages are zero-content pages (V11-C26).", "1.1",
                 ["V11-C26", "B-5.1-page-data"], "required", "valid",
                 {"generator": f"{STANDARD} without Key Hint, then a region with states 0123 0123 0123 0033"},
                 features=["regions"],
                 expect={"result": "complete", "blocks.#": 7, **region_facts([payload], [states])})


@recipe("regions/many-pages")
def _many_pages(seed: str) -> Built:
    states = "0" + "2" * 500 + "0" + "1" * 497 + "00"
    payload = region_payload(seed, 0x20_0000, states)
    data = _regions(seed, [payload])
    return Built(data, "A region of 1000 pages (a 250-byte page state map padded to 256) with only 4 pages "
                 "Captured.", "1.0", ["B-5.1-page-data"], "required", "valid",
                 {"generator": f"{STANDARD} without Key Hint, then a 1000-page region"}, features=["regions"],
                 expect={"result": "complete", **region_facts([payload], [states])})


@recipe("regions/page-size-log2-10")
def _log2_10(seed: str) -> Built:
    payload = region_payload(seed, 0x30_0000, "0100", log2=10)
    data = _regions(seed, [payload])
    return Built(data, "A region of 1 KiB pages (PageSizeLog2 10, the smallest allowed).", "1.0", ["C10"], "required",
                 "valid", {"generator": f"{STANDARD} without Key Hint, then a region with PageSizeLog2 10"},
                 features=["regions"], expect={"result": "complete", "blocks.5.payload.page_size_log2": "10",
                                               **region_facts([payload], ["0100"])})


@recipe("regions/page-size-log2-40")
def _log2_40(seed: str) -> Built:
    payload = region_payload(seed, 1 << 40, "1", log2=40)
    data = _regions(seed, [payload])
    return Built(data, "A region of one 1 TiB page (PageSizeLog2 40, the largest allowed) that is Failed, so no "
                 "bytes are stored.", "1.0", ["C10"], "required", "valid",
                 {"generator": f"{STANDARD} without Key Hint, then a region with PageSizeLog2 40"},
                 features=["regions"], expect={"result": "complete", "blocks.5.payload.region_size": "0x10000000000",
                                               **region_facts([payload], ["1"])})


def _bad_log2(seed: str, value: int) -> Built:
    data = bytearray(_regions(seed, [region_payload(seed, 0x40_0000, "00")]))
    span = blocks(data)[-2]
    at = span.offset + _HDR + field_offset(memory_region.MemoryRegion, "page_size_log2")
    data[at] = value
    reseal(data)
    return Built(bytes(data), f"A Memory Region with PageSizeLog2 {value}, outside [10, 40]. A consumer MUST reject "
                 "it.", "1.0", ["C10"], "required", "invalid",
                 {"generator": f"{STANDARD} without Key Hint, then a 2-page region",
                  "mutation": f"PageSizeLog2 12 -> {value} at 0x{at:X}; chain and FileHash recomputed"},
                 features=["regions"], reject="page-size")


@recipe("regions/page-size-log2-9")
def _log2_9(seed: str) -> Built:
    return _bad_log2(seed, 9)


@recipe("regions/page-size-log2-41")
def _log2_41(seed: str) -> Built:
    return _bad_log2(seed, 41)


@recipe("regions/page-size-log2-0")
def _log2_0(seed: str) -> Built:
    return _bad_log2(seed, 0)


@recipe("regions/empty-region")
def _empty_region(seed: str) -> Built:
    payload = region_payload(seed, 0x50_0000, "")
    data = _regions(seed, [payload])
    return Built(data, "A Memory Region of RegionSize 0: no pages, an empty page state map, no page data.", "1.0",
                 ["B-5.1-region-size"], "optional", "valid",
                 {"generator": f"{STANDARD} without Key Hint, then a region of 0 pages"}, features=["regions"],
                 expect={"result": "complete", "blocks.5.payload.region_size": "0x0",
                         **region_facts([payload], [""])})


@recipe("regions/continuation")
def _continuation(seed: str) -> Built:
    states = "0000" + "0110" + "0002"
    payloads = [region_payload(f"{seed}/{i}", 0x60_0000 + 4 * i * PAGE, states[4 * i:4 * i + 4]) for i in range(3)]
    data = _regions(seed, payloads, flags=[BlockFlags.HAS_CHILDREN, BlockFlags.CONTINUATION, BlockFlags.CONTINUATION],
                    chain_parent=True)
    return Built(data, "A 12-page range stored as three Memory Region fragments: the first sets HasChildren, the "
                 "others set Continuation and name the first as ParentUUID. Each fragment is a block of its own.",
                 "1.0", ["B-5.1-continuation", "P12"], "required", "valid",
                 {"generator": f"{STANDARD} without Key Hint, then three fragments written with explicit flags"},
                 features=["continuation"], expect={"result": "complete", "blocks.#": 9,
                                                     **region_facts(payloads, [states[i:i + 4] for i in (0, 4, 8)])})


@recipe("regions/page-data-short")
def _page_data_short(seed: str) -> Built:
    data = bytearray(_regions(seed, [region_payload(seed, 0x70_0000, "000")]))
    span = blocks(data)[-2]
    del data[span.end - PAGE:span.end]
    put(data, span.offset + block_field_offset("block_length"), "I", span.length - PAGE)
    reseal(data)
    return Built(bytes(data), "A Memory Region whose map says 3 Captured pages but whose payload holds only 2 pages "
                 "of data. A consumer SHOULD reject it (PageData must hold every Captured page).", "1.0",
                 ["B-5.1-page-data"], "recommended", "invalid",
                 {"generator": f"{STANDARD} without Key Hint, then a 3-page region",
                  "mutation": "last 4096 bytes of the region removed, its BlockLength reduced to match; chain and "
                  "FileHash recomputed"}, features=["regions"], reject="payload", reject_rule="B-5.1-page-data")


def _strings(seed: str, exe_path: str | None, cmd_line: str | None) -> bytes:
    def body(w: MslWriter) -> None:
        w.add(process_identity.ProcessIdentity(ppid=7, exe_path=exe_path, cmd_line=cmd_line),
              block_uuid=uuid4(seed, "identity"))
        w.add(module_list_index.ModuleListIndex(entries=[]), block_uuid=uuid4(seed, "manifest"))

    return write_capture(seed, body, cap_bitmap=CapBitmap.PROCESS_IDENTITY | CapBitmap.MODULE_LIST,
                         format_version="1.0")


@recipe("strings/empty-and-absent")
def _strings_empty(seed: str) -> Built:
    return Built(_strings(seed, exe_path="", cmd_line=None), "ExePath is an empty string (ExePathLen 1: a lone NUL "
                 "padded to 8) and CmdLine is absent (CmdLineLen 0, no bytes).", "1.0", ["P6"], "required", "valid",
                 {"generator": "Process Identity(exe_path='', cmd_line=None) and an empty Module List Index"},
                 features=["payloads"], expect={"blocks.0.payload.exe_path": "", "blocks.0.payload.len_cmd_line": "0"})


@recipe("strings/maximal")
def _strings_maximal(seed: str) -> Built:
    longest = framing.U16_STRING_MAX
    long = "/" + "m" * (longest - 1)
    return Built(_strings(seed, exe_path=long, cmd_line="x" * longest), "ExePath and CmdLine of 65534 bytes each: "
                 "their length fields hold 65535 (NUL included), the largest u16.", "1.0", ["P6"], "required", "valid",
                 {"generator": "Process Identity with 65534-byte strings and an empty Module List Index"},
                 features=["payloads"], expect={"blocks.0.payload.len_exe_path": "65535"})


@recipe("strings/utf8")
def _strings_utf8(seed: str) -> Built:
    return Built(_strings(seed, exe_path="/opt/\u6f22\u5b57/\u00fcber", cmd_line="\U0001f512 --ключ=\u2713"),
                 "Strings with 2-, 3- and 4-byte UTF-8 sequences.", "1.0", ["P6"], "required", "valid",
                 {"generator": "Process Identity with non-ASCII strings and an empty Module List Index"},
                 features=["payloads"], expect={"blocks.0.payload.exe_path": "/opt/\u6f22\u5b57/\u00fcber"})


@recipe("strings/invalid-utf8")
def _strings_bad_utf8(seed: str) -> Built:
    return Built(_strings(seed, exe_path="/data/\udcff\udcfe", cmd_line="ok"), "ExePath holds the bytes FF FE, which "
                 "are not UTF-8. The canonical form shows undecodable bytes as \\xHH and keeps the rest.", "1.0",
                 ["P6"], "recommended", "valid",
                 {"generator": "Process Identity(exe_path=b'/data/\\xff\\xfe' via surrogateescape)"},
                 features=["payloads"], expect={"blocks.0.payload.exe_path": "/data/\\xff\\xfe"})


def _disk_hash(seed: str, value: bytes) -> bytes:
    def body(w: MslWriter) -> None:
        w.add(process_identity.ProcessIdentity(ppid=1, exe_path="/bin/t", cmd_line=None),
              block_uuid=uuid4(seed, "identity"))
        mid = uuid4(seed, "module")
        w.add(module_list_index.ModuleListIndex(entries=[module_list_index.ModuleManifestEntry(
            module_uuid=mid, base_addr=0x40_0000, module_size=PAGE, path="/bin/t")]), block_uuid=uuid4(seed, "mli"))
        w.add(module_entry.ModuleEntry(base_addr=0x40_0000, module_size=PAGE, path="/bin/t", version=None,
                                       disk_hash=value, native_blob=b""),
              block_uuid=mid, parent_uuid=uuid4(seed, "mli"))

    return write_capture(seed, body, cap_bitmap=CapBitmap.PROCESS_IDENTITY | CapBitmap.MODULE_LIST,
                         format_version="1.0")


@recipe("diskhash/zero")
def _disk_hash_zero(seed: str) -> Built:
    return Built(_disk_hash(seed, ZERO_HASH), "A Module Entry whose DiskHash is 32 zero bytes: the hash is not "
                 "available (C8), shown as null in the canonical form.", "1.0", ["C8", "P13"], "required", "valid",
                 {"generator": "Process Identity, Module List Index, Module Entry(disk_hash=32 zero bytes)"},
                 features=["payloads"], expect={"blocks.2.payload.disk_hash": None})


@recipe("diskhash/present")
def _disk_hash_present(seed: str) -> Built:
    value = bytes(range(1, 33))
    return Built(_disk_hash(seed, value), "A Module Entry with a DiskHash (bytes 01..20): it is shown as hex.", "1.0",
                 ["C8"], "required", "valid",
                 {"generator": "Process Identity, Module List Index, Module Entry(disk_hash=bytes 01..20)"},
                 features=["payloads"], expect={"blocks.2.payload.disk_hash": value.hex()})


@recipe("payloads/process-identity-timestamps")
def _identity_times(seed: str) -> Built:
    def body(w: MslWriter) -> None:
        w.add(process_identity.ProcessIdentity(ppid=0xFFFF_FFFF, session_id=0, start_time=(1 << 64) - 1,
                                               exe_path="/t", cmd_line=None), block_uuid=uuid4(seed, "identity"))
        w.add(module_list_index.ModuleListIndex(entries=[]), block_uuid=uuid4(seed, "manifest"))

    data = write_capture(seed, body, cap_bitmap=CapBitmap.PROCESS_IDENTITY | CapBitmap.MODULE_LIST,
                         timestamp=TIMESTAMP, format_version="1.0")
    return Built(data, "Integers at their largest: PPID 0xFFFFFFFF and StartTime 2^64-1. The canonical form shows "
                 "them as exact decimal strings.", "1.0", ["P2"], "required", "valid",
                 {"generator": "Process Identity with u32 and u64 maxima"}, features=["payloads"],
                 expect={"blocks.0.payload.start_time": str((1 << 64) - 1), "blocks.0.payload.ppid": "4294967295"})
