"""Encrypted captures across implementations: memslicer 0.5.2 and memdiver 1.0.2 (their own venvs).

- every encrypted sample: our block list (offsets in the decrypted stream), captured page
  bytes and marker counts equal what the tool that wrote it reports;
- our AES-256-GCM + Argon2id files open and verify in both tools; our XChaCha20, raw-key and
  X25519 files open in memdiver (ML-KEM needs liboqs in memdiver's venv: skipped when absent);
- fresh encrypted captures written by memslicer's and memdiver's writers (and a sealed
  segment sealed by memslicer) open and verify in ours with the pages they were given.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from memslice.generated.enums import CapBitmap

from memslice.crypto import kem
from memslice.crypto.producer import EncryptionConfig
from memslice.reader import MslReader
from memslice.verify import verify
from memslice.writer import MslWriter
from tests.conftest import MARKER
from tests.oracles.venvs import ensure_oracle, failure_reason, run_oracle

PASSPHRASE = "mslref-test-passphrase"
RAW_KEY = bytes(range(32))
WRITER = Path(__file__).parent / "oracles" / "write_encrypted.py"


def _python(name: str) -> Path:
    python = ensure_oracle(name)
    if python is None:
        pytest.skip(f"{name} oracle unavailable: {failure_reason(name)}")
    return python


def _ours(reader: MslReader) -> dict[str, Any]:
    start = reader.stream_start
    regions = list(reader.regions())
    pages = [bytes(r.captured_data()) for r in regions]
    return {"blocks": [(r.block_type, r.offset - start, r.length, r.segment) for r in reader.blocks],
            "captured_page_bytes": sum(len(p) for p in pages),
            "per_region_markers": [p.count(MARKER) for p in pages]}


def _compare(result: dict[str, Any], reader: MslReader) -> None:
    assert result["exit_code"] == 0, result.get("error")
    assert result["verify"] == "ok", result.get("verify_detail")
    assert result["encrypted"] is True
    ours = _ours(reader)
    theirs = [(b["type"], b["offset"], b["length"], b["segment"]) for b in result["blocks"]]
    assert theirs == ours["blocks"]
    assert result["captured_page_bytes"] == ours["captured_page_bytes"]
    assert result["per_region_markers"] == ours["per_region_markers"]


SAMPLES = [
    ("memslicer-0.5.2/tiny_gdb_stack_enc.msl", "memslicer", "passphrase"),
    ("memslicer-0.5.2/frida_inv_enc_zstd_64m.msl", "memslicer", "passphrase"),
    ("memdiver-1.0.2/mdw_enc_argon2_zstd.msl", "memdiver", "passphrase"),
    ("memdiver-1.0.2/mdw_enc_rawkey.msl", "memdiver", "key"),
    ("memdiver-1.0.2/mdw_enc_x25519_zstd.msl", "memdiver", "identity"),
]


@pytest.mark.parametrize(("name", "tool", "secret"), SAMPLES)
def test_sample_matches_its_writer(samples: Path, name: str, tool: str, secret: str) -> None:
    _python(tool)
    key_file = samples / "memdiver-1.0.2" / "x25519_recipient.key"
    args = {"passphrase": ["--passphrase", PASSPHRASE], "key": ["--key-hex", RAW_KEY.hex()],
            "identity": ["--kem-key-file", str(key_file)]}[secret]
    opener = {"passphrase": {"passphrase": PASSPHRASE}, "key": {"key": RAW_KEY},
              "identity": {"identity": key_file.read_bytes()}}[secret]
    result = run_oracle(tool, samples / name, *args)
    with MslReader(samples / name, **opener) as reader:
        assert verify(reader).ok
        _compare(result, reader)


def _write_ours(path: Path, config: EncryptionConfig) -> None:
    data = MARKER * (16 * 4096 // len(MARKER))
    with MslWriter(path, cap_bitmap=CapBitmap.MEMORY_REGIONS, compression="zstd", encryption=config) as w:
        w.add_memory_region(0x7F0000000000, "0" * 16, data)
        w.add_memory_region(0x7F0000100000, "0120", data[:2 * 4096])


@pytest.mark.parametrize("tool", ["memslicer", "memdiver"])
def test_our_aes_gcm_argon2id_file_opens_in_tool(tmp_path: Path, tool: str) -> None:
    _python(tool)
    path = tmp_path / "ours.msl"
    _write_ours(path, EncryptionConfig(passphrase=PASSPHRASE.encode()))
    result = run_oracle(tool, path, "--passphrase", PASSPHRASE)
    with MslReader(path, passphrase=PASSPHRASE) as reader:
        _compare(result, reader)
    assert result["per_region_markers"] == [16 * 4096 // len(MARKER), 2 * 4096 // len(MARKER)]
    wrong = run_oracle(tool, path, "--passphrase", "not it")
    assert wrong["verify"] != "ok"


@pytest.mark.parametrize(("cipher", "kem_name"), [
    ("xchacha20-poly1305", None), ("aes-256-gcm", "x25519"), ("xchacha20-poly1305", "x25519"),
    ("aes-256-gcm", "ml-kem-768"), ("aes-256-gcm", "ml-kem-1024"), ("aes-256-gcm", "x25519+ml-kem-768"),
])
def test_our_other_suites_open_in_memdiver(tmp_path: Path, cipher: str, kem_name: str | None) -> None:
    python = _python("memdiver")
    if kem_name and "ml-kem" in kem_name:
        probe = subprocess.run([str(python), "-c", "import oqs"], capture_output=True, text=True, check=False)
        if probe.returncode:
            pytest.skip("memdiver's ML-KEM needs the liboqs C library, absent from its venv here: "
                        + probe.stderr.strip().splitlines()[-1])
    path = tmp_path / "ours.msl"
    if kem_name is None:
        _write_ours(path, EncryptionConfig(cipher=cipher, key=RAW_KEY))
        args = ["--key-hex", RAW_KEY.hex()]
        opener: dict[str, Any] = {"key": RAW_KEY}
    else:
        public, private = kem.generate_keypair(kem.BY_NAME[kem_name])
        (tmp_path / "id.key").write_bytes(private)
        _write_ours(path, EncryptionConfig(cipher=cipher, recipient=public))
        args = ["--kem-key-file", str(tmp_path / "id.key")]
        opener = {"identity": private}
    result = run_oracle("memdiver", path, *args)
    with MslReader(path, **opener) as reader:
        _compare(result, reader)


def _oracle_write(tool: str, out: Path, spec: dict[str, Any]) -> None:
    python = _python(tool)
    spec_file = out.with_suffix(".json")
    spec_file.write_text(json.dumps(spec))
    proc = subprocess.run([str(python), str(WRITER), tool, str(out), str(spec_file)], capture_output=True, text=True,
                          timeout=300, check=False, env={})
    assert proc.returncode == 0, proc.stderr[-2000:]


def _expected_pages(seed: str, pages: int) -> bytes:
    import hashlib

    out = bytearray()
    counter = 0
    while len(out) < pages * 4096:
        out += hashlib.sha256(f"{seed}:{counter}".encode()).digest()
        counter += 1
    return bytes(out[:pages * 4096])


@pytest.mark.parametrize(("tool", "spec", "opener"), [
    ("memslicer", {"passphrase": "fresh-pw", "seal_segment": True}, {"passphrase": "fresh-pw"}),
    ("memdiver", {"passphrase": "fresh-pw"}, {"passphrase": "fresh-pw"}),
    ("memdiver", {"raw_key_hex": RAW_KEY.hex(), "cipher": "xchacha"}, {"key": RAW_KEY}),
])
def test_fresh_tool_capture_opens_in_ours(tmp_path: Path, tool: str, spec: dict[str, Any],
                                          opener: dict[str, Any]) -> None:
    base = 0x10000000
    full = {"base": base, "seed": f"{tool}-fresh", "pages": 12, **spec}
    out = tmp_path / "fresh.msl"
    _oracle_write(tool, out, full)
    with MslReader(out, **opener) as reader:
        report = verify(reader)
        assert report.ok, report.problems
        assert reader.read(base, 12 * 4096)[0].data == _expected_pages(full["seed"], 12)
        if spec.get("seal_segment"):
            assert [(s.index, s.ok) for s in report.sealed] == [(1, True)]
            assert [b.header.block_type for b in report.sealed[0].blocks] == [0x005A, 0x0FFE]


_SEALED_CHECK = """
import json, sys
from memslicer.msl.sealed import open_sealed_segments
data = open(sys.argv[1], "rb").read()
cek = bytes.fromhex(sys.argv[2])
cipher_len = int.from_bytes(data[0x78:0x80], "little")
tag_at = 128 + cipher_len
segments, trailing = open_sealed_segments(cek, data[:128], b"", data[tag_at:tag_at + 16], data, tag_at + 16)
print(json.dumps({"segments": len(segments), "trailing": trailing, "size": len(data)}))
"""


def test_our_sealed_segments_verify_in_memslicer(tmp_path: Path) -> None:
    """Sealed segments we append are opened by memslicer's own sealed-segment reader."""
    from memslice.generated.blocks.module_build_id_manifest import ModuleBuildIdManifest

    from memslice.crypto.sealed_writer import append_sealed_segment

    python = _python("memslicer")
    path = tmp_path / "sealed.msl"
    _write_ours(path, EncryptionConfig(key=RAW_KEY))
    append_sealed_segment(path, [ModuleBuildIdManifest(rows=[])], key=RAW_KEY)
    append_sealed_segment(path, [ModuleBuildIdManifest(rows=[])], key=RAW_KEY)
    proc = subprocess.run([str(python), "-c", _SEALED_CHECK, str(path), RAW_KEY.hex()], capture_output=True,
                          text=True, timeout=120, check=False, env={})
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(proc.stdout)
    assert result == {"segments": 2, "trailing": path.stat().st_size, "size": path.stat().st_size}
