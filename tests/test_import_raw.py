"""Raw byte-stream import, bounded memory on large inputs, and the ``msl import`` command."""

from __future__ import annotations

import os
import random
import struct
import tracemalloc
from pathlib import Path

import pytest
from memslice.acquirer.importers import SourceError, import_dump
from memslice.acquirer.importers.source import SourceFile
from memslice.generated.enums import ArchType, CapBitmap, HeaderFlags, OsType, SourceFormat

from memslice.cli.cmd_import import make_progress
from memslice.cli.main import main
from memslice.errors import DestinationExistsError
from memslice.reader import MslReader
from memslice.verify import verify
from tests.targets_import import harness
from tests.test_import_elf import _note, build_core


def random_file(path: Path, size: int, seed: int = 1) -> bytes:
    data = random.Random(seed).randbytes(size)
    path.write_bytes(data)
    return data


def test_raw_import_places_every_whole_page_at_the_base(tmp_path: Path) -> None:
    src = tmp_path / "dump.bin"
    data = random_file(src, 3 * 4096 + 100)
    out = tmp_path / "dump.msl"
    result = import_dump(src, out, source_format="raw", base=0x7F0000000000, pid=77)
    assert (out.stat().st_mode & 0o777) == 0o600
    with MslReader(out) as reader:
        assert verify(reader).ok
        h = reader.header
        assert h.flags & HeaderFlags.IMPORTED and h.cap_bitmap == CapBitmap.MEMORY_REGIONS
        assert (h.os_type, h.arch_type, h.pid) == (OsType.UNKNOWN, ArchType.UNKNOWN, 77)
        prov = reader.decode(reader.blocks[0]).payload
        assert prov.source_format == SourceFormat.RAW and prov.orig_file_size == len(data)
        assert "operating system" in prov.note and "the last 100 bytes" in prov.note
        (region,) = reader.regions()
        assert (region.base, region.size, region.states) == (0x7F0000000000, 4 * 4096, "0001")
        spans = reader.read(0x7F0000000000, 4 * 4096)
        assert [(s.state, s.length) for s in spans] == [("captured", 3 * 4096), ("failed", 4096)]
        assert spans[0].data == data[:3 * 4096]
    assert result.captured_bytes == 3 * 4096 and result.failed_pages == 1
    harness.msl_validate(out)


def test_raw_page_size_option(tmp_path: Path) -> None:
    src = tmp_path / "d.bin"
    data = random_file(src, 5 * 1024)
    out = tmp_path / "d.msl"
    import_dump(src, out, source_format="raw", page_size=1024)
    with MslReader(out) as reader:
        (region,) = reader.regions()
        assert region.page_size == 1024 and region.states == "00000"
        assert reader.read(0, len(data))[0].data == data


@pytest.mark.parametrize("kwargs, message", [
    ({"base": 0x1001}, "not a multiple of the page size"),
    ({"base": (1 << 64) - 4096}, "64-bit address space"),
    ({"page_size": 3000}, "not a power of two"),
    ({"page_size": 512}, "not a power of two in 1 KiB"),
])
def test_raw_bad_options_are_rejected(tmp_path: Path, kwargs: dict, message: str) -> None:
    src = tmp_path / "d.bin"
    random_file(src, 8192)
    with pytest.raises(SourceError, match=message):
        import_dump(src, tmp_path / "d.msl", source_format="raw", **kwargs)
    assert not list(tmp_path.glob("d.msl*"))


def test_empty_and_unknown_sources_are_rejected(tmp_path: Path) -> None:
    empty = tmp_path / "empty.bin"
    empty.write_bytes(b"")
    with pytest.raises(SourceError, match="empty"):
        import_dump(empty, tmp_path / "e.msl", source_format="raw")
    other = tmp_path / "other.bin"
    other.write_bytes(b"PK\x03\x04" + bytes(100))
    with pytest.raises(SourceError, match="cannot tell the format .* --from raw"):
        import_dump(other, tmp_path / "o.msl")


def test_options_that_do_not_fit_the_source(tmp_path: Path) -> None:
    psinfo = struct.pack("<bbbbxxxxQIIiiii", 0, 0, 0, 0, 0, 0, 0, 321, 1, 321, 321) + bytes(96)
    src = tmp_path / "c.core"
    src.write_bytes(build_core([(0x10000, 0x1000, 6, bytes(4096))], _note(b"CORE", 3, psinfo)))
    with pytest.raises(SourceError, match="raw sources only"):
        import_dump(src, tmp_path / "c.msl", base=0x1000)
    with pytest.raises(SourceError, match="PID 999 contradicts the PID 321"):
        import_dump(src, tmp_path / "c.msl", pid=999)
    import_dump(src, tmp_path / "c.msl", pid=321)
    with pytest.raises(SourceError, match="is the source itself"):
        import_dump(src, src, overwrite=True)
    with pytest.raises(DestinationExistsError):
        import_dump(src, tmp_path / "c.msl")


def test_large_input_is_streamed_in_bounded_memory(tmp_path: Path) -> None:
    src = tmp_path / "big.bin"
    size = 48 << 20
    with open(src, "wb") as f:
        for i in range(size >> 20):
            f.write(bytes([i]) * (1 << 20))
    out = tmp_path / "big.msl"
    tracemalloc.start()
    try:
        result = import_dump(src, out, source_format="raw", chunk_bytes=1 << 20)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 12 << 20, f"peak Python allocation {peak} bytes for a {size}-byte source"
    assert result.regions == 48 and result.captured_bytes == size
    with MslReader(out) as reader:
        assert verify(reader).ok
        regions = list(reader.regions())
        assert [r.base for r in regions] == [i << 20 for i in range(48)]
        assert all(bytes(r.captured_data()) == bytes([i]) * (1 << 20) for i, r in enumerate(regions))
        spans = reader.read(size - (2 << 20), 4 << 20)  # across two adjacent blocks and past the end
        assert [(s.state, s.length) for s in spans] == [("captured", 2 << 20), ("absent", 2 << 20)]


def test_failed_write_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "d.bin"
    random_file(src, 8 * 4096)
    calls = {"n": 0}
    real = SourceFile.read_into

    def flaky(self: SourceFile, offset: int, view: memoryview, what: str) -> None:
        calls["n"] += 1
        if calls["n"] > 2:
            raise SourceError(f"{what}: source ended (simulated)", offset=offset)
        real(self, offset, view, what)

    monkeypatch.setattr(SourceFile, "read_into", flaky)
    with pytest.raises(SourceError, match="simulated"):
        import_dump(src, tmp_path / "d.msl", source_format="raw", chunk_bytes=4096, hash_source=False)
    assert not list(tmp_path.glob("d.msl*"))


def test_cli_import(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "d.bin"
    random_file(src, 2 * 4096)
    out = tmp_path / "d.msl"
    assert main(["import", "--from", "raw", "--base", "0x10000", str(src), "-o", str(out)]) == 0
    text = capsys.readouterr().out
    assert "imported raw" in text and "not provided by the source" in text
    assert main(["import", "--from", "raw", str(src), "-o", str(out)]) == 2  # exists
    assert "not overwritten" in capsys.readouterr().err
    assert main(["import", "-q", "-f", "--from", "raw", "--compress", "zstd", str(src), "-o", str(out)]) == 0
    assert capsys.readouterr().out == ""
    with MslReader(out) as reader:
        assert verify(reader).ok and reader.read(0, 8192)[0].data == src.read_bytes()
    assert main(["import", str(tmp_path / "missing.bin"), "-o", str(out)]) == 74  # I/O error
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert os.stat(out).st_mode & 0o777 == 0o600


def test_progress_bar_hooks_run(capsys: pytest.CaptureFixture[str]) -> None:
    bar = make_progress(True)
    bar.phase("hashing source", 10)
    bar.advance(4)
    bar.phase("copying pages", 0)
    bar.done()
    quiet = make_progress(False)
    quiet.phase("x", 1)
    quiet.advance(1)
    quiet.done()
