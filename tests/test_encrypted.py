"""Encrypted containers: the samples, every suite/KDF/KEM we write, and every failure mode.

Expectations come from outside the code under test: the sample README (marker counts),
PyNaCl's one-shot XChaCha20-Poly1305 and ``cryptography``'s one-shot AES-GCM (whole-message
decryption of our files), ``cryptography``'s ML-KEM (seed keys) against kyber-py's expanded
keys, and byte edits made by hand.
"""

from __future__ import annotations

import os
import shutil
import struct
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import mlkem
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from memslice.generated.enums import CapBitmap

from memslice.cli.main import main
from memslice.crypto import kem
from memslice.crypto.kdf import Argon2Params, KdfLimits
from memslice.crypto.producer import EncryptionConfig
from memslice.crypto.suites import Suite
from memslice.errors import AuthenticationError, ContainerError, KdfLimitError, SecretError, TruncatedError
from memslice.reader import MslReader
from memslice.verify import verify
from memslice.writer import MslWriter
from tests.conftest import MARKER

PASSPHRASE = "mslref-test-passphrase"
RAW_KEY = bytes(range(32))
MS = "memslicer-0.5.2"
MD = "memdiver-1.0.2"


def _markers(reader: MslReader) -> tuple[int, int]:
    total = 0
    count = 0
    for region in reader.regions():
        data = bytes(region.captured_data())
        total += len(data)
        count += data.count(MARKER)
    return total, count


def _identity(samples: Path) -> bytes:
    return (samples / MD / "x25519_recipient.key").read_bytes()


# -- the samples ----------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "secret", "markers"), [
    (f"{MS}/tiny_gdb_stack_enc.msl", "passphrase", None),
    (f"{MS}/frida_inv_enc_zstd_64m.msl", "passphrase", 2_097_158),
    (f"{MD}/mdw_enc_argon2_zstd.msl", "passphrase", None),
    (f"{MD}/mdw_enc_rawkey.msl", "key", None),
    (f"{MD}/mdw_enc_x25519_zstd.msl", "identity", None),
])
def test_sample_decrypts_and_verifies(samples: Path, name: str, secret: str, markers: int | None) -> None:
    kwargs = {"passphrase": {"passphrase": PASSPHRASE}, "key": {"key": RAW_KEY},
              "identity": {"identity": _identity(samples)}}[secret]
    with MslReader(samples / name, **kwargs) as reader:
        report = verify(reader)
        assert report.ok, report.problems
        assert report.tag == "ok" and report.file_hash == "ok" and report.block_count == "ok"
        assert reader.blocks[-1].block_type in (0x0FFF, 0x0FFE)
        _, count = _markers(reader)
        if markers is not None:
            assert count == markers  # the samples README
    with MslReader(samples / name) as locked:
        assert locked.blocks == []
        assert verify(locked).ok is False


def test_memdiver_samples_hold_the_plain_samples_blocks(samples: Path) -> None:
    """mdw_enc_rawkey holds mdw_plain's capture encrypted: same blocks, same marker pages.

    (Each memdiver sample has one page of fresh random bytes, so only the marker pages match.)"""
    with MslReader(samples / MD / "mdw_plain.msl") as plain, \
            MslReader(samples / MD / "mdw_enc_rawkey.msl", key=RAW_KEY) as enc:
        assert [(r.block_type, r.length, r.segment) for r in enc.blocks] == \
               [(r.block_type, r.length, r.segment) for r in plain.blocks]
        assert [bytes(r.captured_data())[:8192] for r in enc.regions()] == \
               [bytes(r.captured_data())[:8192] for r in plain.regions()]


def test_random_access_matches_one_shot_aes_gcm(samples: Path) -> None:
    """Ranges decrypted at their counter equal cryptography's one-shot AES-GCM plaintext."""
    path = samples / MD / "mdw_enc_rawkey.msl"
    raw = path.read_bytes()
    ct_len = struct.unpack_from("<Q", raw, 0x78)[0]
    aad = raw[:0x78] + bytes(8)
    whole = AESGCM(RAW_KEY).decrypt(raw[0x50:0x5C], raw[128:128 + ct_len + 16], aad)
    with MslReader(path, key=RAW_KEY) as reader:
        view = reader.data
        for start, stop in [(128, 129), (128 + 15, 128 + 17), (200, 5000), (128 + ct_len - 33, 128 + ct_len)]:
            assert bytes(view[start:stop]) == whole[start - 128:stop - 128]


# -- what we write ------------------------------------------------------------------------
def _write(path: Path, config: EncryptionConfig, *, compression: str = "zstd", pages: int = 64) -> bytes:
    data = MARKER * (pages * 4096 // len(MARKER))
    with MslWriter(path, cap_bitmap=CapBitmap.MEMORY_REGIONS, compression=compression, encryption=config) as w:
        w.add_memory_region(0x7F0000000000, "0" * pages, data)
        w.add_memory_region(0x7F0000100000, "0120", data[:2 * 4096])
        w.finish_capture()
        w.begin_extension()
        w.end_extension()
    return data


KEMS = ["x25519", "ml-kem-768", "ml-kem-1024", "x25519+ml-kem-768"]


@pytest.mark.parametrize("cipher", ["aes-256-gcm", "xchacha20-poly1305"])
@pytest.mark.parametrize("kem_name", [None, *KEMS])
def test_we_write_every_suite_and_read_it_back(tmp_path: Path, cipher: str, kem_name: str | None) -> None:
    path = tmp_path / "enc.msl"
    if kem_name is None:
        config = EncryptionConfig(cipher=cipher, key=RAW_KEY)
        opener = {"key": RAW_KEY}
    else:
        public, private = kem.generate_keypair(kem.BY_NAME[kem_name])
        config = EncryptionConfig(cipher=cipher, recipient=public)
        opener = {"identity": private}
    data = _write(path, config)
    raw = path.read_bytes()
    assert MARKER not in raw  # plaintext never reaches the disk
    with MslReader(path, **opener) as reader:
        report = verify(reader)
        assert report.ok, report.problems
        assert all(bytes(r.header.prev_hash) == bytes(32) for r in reader.blocks)
        assert [r.segment for r in reader.blocks] == [0, 0, 0, 1]
        assert reader.read(0x7F0000000000, len(data))[0].data == data
        assert [s.state for s in reader.read(0x7F0000100000, 4 * 4096)] == ["captured", "failed", "unmapped",
                                                                            "captured"]
    if cipher == "xchacha20-poly1305" and kem_name is None:
        nacl = pytest.importorskip("nacl.bindings")
        cipher_len = struct.unpack_from("<Q", raw, 0x78)[0]
        whole = nacl.crypto_aead_xchacha20poly1305_ietf_decrypt(raw[128:128 + cipher_len + 16],
                                                                raw[:0x78] + bytes(8), raw[0x50:0x68], RAW_KEY)
        with MslReader(path, key=RAW_KEY) as reader:
            assert bytes(reader.data[128:len(reader.data)]) == whole


def test_argon2id_file_and_wrong_passphrase(tmp_path: Path) -> None:
    path = tmp_path / "pw.msl"
    _write(path, EncryptionConfig(passphrase=b"correct horse"))
    raw = path.read_bytes()
    assert struct.unpack_from("<IIB", raw, 0x44) == (3, 65536, 4)  # spec minimums by default
    with MslReader(path, passphrase="correct horse") as reader:
        assert verify(reader).ok
    with pytest.raises(AuthenticationError):
        MslReader(path, passphrase="battery staple")


def test_argon2id_below_minimum_is_refused(tmp_path: Path) -> None:
    from memslice.errors import EncodeError

    with pytest.raises(EncodeError, match="KDFMemory"):
        MslWriter(tmp_path / "weak.msl", encryption=EncryptionConfig(passphrase=b"x", argon2=Argon2Params(3, 1024, 4)))
    assert not list(tmp_path.iterdir())


def test_ml_kem_keys_agree_with_cryptography() -> None:
    """kyber-py expanded keys (memdiver's key file format) match cryptography's seed-based ML-KEM."""
    seed = os.urandom(64)
    from kyber_py.ml_kem import ML_KEM_768

    public, private = ML_KEM_768.key_derive(seed)
    ours = mlkem.MLKEM768PrivateKey.from_seed_bytes(seed)
    assert ours.public_key().public_bytes_raw() == public
    ct, shared = kem.encapsulate(kem.BY_NAME["ml-kem-768"], public)
    assert ours.decapsulate(ct) == shared
    assert kem.decapsulate(kem.BY_NAME["ml-kem-768"], private, ct) == shared


def test_xchacha_suite_matches_pynacl() -> None:
    nacl = pytest.importorskip("nacl.bindings")
    key, nonce, aad = os.urandom(32), os.urandom(24), b"header"
    message = os.urandom(1000)
    suite = Suite(2, key, nonce)
    enc = suite.encryptor(aad)
    ct = enc.update(message[:333]) + enc.update(message[333:])
    tag = enc.finalize()
    assert ct + tag == nacl.crypto_aead_xchacha20poly1305_ietf_encrypt(message, aad, nonce, key)
    assert suite.decrypt_range(517, memoryview(ct)[517:900]) == message[517:900]


# -- hostile and broken files -------------------------------------------------------------
@pytest.fixture
def rawkey_file(samples: Path, tmp_path: Path) -> Path:
    dst = tmp_path / "enc.msl"
    shutil.copyfile(samples / MD / "mdw_enc_rawkey.msl", dst)
    return dst


def _patch(path: Path, offset: int, data: bytes) -> None:
    raw = bytearray(path.read_bytes())
    raw[offset:offset + len(data)] = data
    path.write_bytes(bytes(raw))


@pytest.mark.parametrize("offset", [0x18, 0x50, 0x100, -20, -1])
def test_any_modified_byte_fails_the_tag(rawkey_file: Path, offset: int) -> None:
    raw = rawkey_file.read_bytes()
    at = offset % len(raw)
    _patch(rawkey_file, at, bytes([raw[at] ^ 0x01]))
    with pytest.raises(AuthenticationError, match="does not verify"):
        MslReader(rawkey_file, key=RAW_KEY)


def test_wrong_raw_key_and_wrong_kind_of_secret(rawkey_file: Path) -> None:
    with pytest.raises(AuthenticationError):
        MslReader(rawkey_file, key=bytes(32))
    with pytest.raises(SecretError, match="32"):
        MslReader(rawkey_file, key=b"short")
    with pytest.raises(SecretError, match="raw key"):
        MslReader(rawkey_file, passphrase="pw")


def test_cipher_len_past_end_and_truncated_tag(rawkey_file: Path) -> None:
    raw = rawkey_file.read_bytes()
    rawkey_file.write_bytes(raw[:-8])  # the tag is cut
    with pytest.raises(ContainerError, match="CipherLen .* runs past the end"):
        MslReader(rawkey_file, key=RAW_KEY)
    rawkey_file.write_bytes(raw[:128 + 10])
    with pytest.raises(TruncatedError, match="no room"):
        MslReader(rawkey_file, key=RAW_KEY)


def test_cipher_len_zero_then_tag_last_and_nothing_after(rawkey_file: Path) -> None:
    # CipherLen is not authenticated (AAD zeroes it), so 0 still verifies ...
    _patch(rawkey_file, 0x78, bytes(8))
    with MslReader(rawkey_file, key=RAW_KEY) as reader:
        assert verify(reader).ok
    # ... but then nothing may follow the tag
    rawkey_file.write_bytes(rawkey_file.read_bytes() + b"APPENDED DATA AFTER THE TAG")
    with pytest.raises(ContainerError, match="CipherLen is 0, so the tag must be the last"):
        MslReader(rawkey_file, key=RAW_KEY)


def test_kem_ct_len_must_match_the_mechanism(samples: Path, tmp_path: Path) -> None:
    path = tmp_path / "kem.msl"
    shutil.copyfile(samples / MD / "mdw_enc_x25519_zstd.msl", path)
    _patch(path, 0x4E, struct.pack("<H", 31))
    with pytest.raises(ContainerError, match="KEMCtLen is 31"):
        MslReader(path, identity=_identity(samples))


def test_hostile_argon2_memory_is_refused_before_allocation(samples: Path, tmp_path: Path) -> None:
    path = tmp_path / "bomb.msl"
    shutil.copyfile(samples / MS / "tiny_gdb_stack_enc.msl", path)
    _patch(path, 0x48, struct.pack("<I", 0xFFFFFFFF))
    with pytest.raises(KdfLimitError, match="KDFMemory is 4294967295"):
        MslReader(path, passphrase=PASSPHRASE)
    _patch(path, 0x48, struct.pack("<I", 65536))
    _patch(path, 0x44, struct.pack("<I", 1_000_000))
    with pytest.raises(KdfLimitError, match="KDFTime"):
        MslReader(path, passphrase=PASSPHRASE)
    _patch(path, 0x44, struct.pack("<I", 3))
    with pytest.raises(KdfLimitError, match="limit of 1024"):
        MslReader(path, passphrase=PASSPHRASE, kdf_limits=KdfLimits(max_memory_kib=1024))


# -- sealed segments ----------------------------------------------------------------------
def test_sealed_segment_append_read_and_tamper(tmp_path: Path) -> None:
    from memslice.generated.blocks.module_build_id_manifest import ModuleBuildIdManifest

    from memslice.crypto.sealed_writer import append_sealed_segment

    path = tmp_path / "s.msl"
    _write(path, EncryptionConfig(key=RAW_KEY))
    append_sealed_segment(path, [ModuleBuildIdManifest(rows=[])], key=RAW_KEY)
    append_sealed_segment(path, [ModuleBuildIdManifest(rows=[])], key=RAW_KEY)
    with MslReader(path, key=RAW_KEY) as reader:
        report = verify(reader)
        assert report.ok, report.problems
        assert [(s.index, s.ok, [b.header.block_type for b in s.blocks]) for s in report.sealed] == \
               [(1, True, [0x005A, 0x0FFE]), (2, True, [0x005A, 0x0FFE])]
    raw = path.read_bytes()
    _patch(path, len(raw) - 3, bytes([raw[-3] ^ 0x80]))  # inside the second segment's tag
    with MslReader(path, key=RAW_KEY) as reader:
        report = verify(reader)
        assert not report.ok
        assert [(s.index, s.ok) for s in report.sealed] == [(1, True), (2, False)]
        assert report.sealed[1].blocks == []
        assert report.trailing_bytes == len(raw) - report.sealed[1].offset


# -- command line -------------------------------------------------------------------------
def test_cli_exit_codes(rawkey_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key = tmp_path / "key"
    key.write_bytes(RAW_KEY)
    bad = tmp_path / "bad"
    bad.write_bytes(bytes(32))
    assert main(["verify", str(rawkey_file), "--key-file", str(key)]) == 0
    assert main(["verify", str(rawkey_file), "--key-file", str(bad)]) == 12
    assert main(["verify", str(rawkey_file), "--identity", str(key)]) == 11
    assert main(["info", str(rawkey_file)]) == 0
    out = capsys.readouterr().out
    assert "AES-256-GCM, KDF none (raw key), KEM none" in out and "--key-file" in out
    rawkey_file.write_bytes(rawkey_file.read_bytes()[:-8])
    assert main(["verify", str(rawkey_file), "--key-file", str(key)]) == 13
    err = capsys.readouterr().err
    assert "Traceback" not in err and "CipherLen" in err


def test_cli_passphrase_from_environment(samples: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("MSL_PASSPHRASE", PASSPHRASE)
    assert main(["verify", str(samples / MD / "mdw_enc_argon2_zstd.msl")]) == 0
    assert "VALID" in capsys.readouterr().out


def test_cli_encrypt_decrypt_roundtrip(samples: Path, tmp_path: Path) -> None:
    key = tmp_path / "key"
    key.write_bytes(RAW_KEY)
    src = samples / MS / "tiny_gdb_stack_none.msl"
    enc = tmp_path / "enc.msl"
    dec = tmp_path / "dec.msl"
    assert main(["encrypt", str(src), "-o", str(enc), "--key-file", str(key), "--cipher", "xchacha20-poly1305"]) == 0
    assert main(["verify", str(enc), "--key-file", str(key)]) == 0
    assert main(["decrypt", str(enc), "-o", str(dec), "--key-file", str(key)]) == 0
    assert main(["verify", str(dec)]) == 0
    with MslReader(src) as a, MslReader(dec) as b:
        assert [(r.block_type, r.length) for r in a.blocks] == [(r.block_type, r.length) for r in b.blocks]
        assert [bytes(r.captured_data()) for r in a.regions()] == [bytes(r.captured_data()) for r in b.regions()]
    assert oct(enc.stat().st_mode & 0o777) == "0o600"


def test_cli_keygen(tmp_path: Path) -> None:
    for name in KEMS:
        out = tmp_path / name.replace("+", "_")
        assert main(["keygen", "--kem", name, "-o", str(out)]) == 0
        private = Path(str(out) + ".key")
        public = Path(str(out) + ".pub")
        assert oct(private.stat().st_mode & 0o777) == "0o600"
        info = kem.MECHANISMS[kem.BY_NAME[name]]
        assert (len(public.read_bytes()), len(private.read_bytes())) == (info.public, info.private)
        ct, shared = kem.encapsulate(kem.BY_NAME[name], public.read_bytes())
        assert kem.decapsulate(kem.BY_NAME[name], private.read_bytes(), ct) == shared


def test_validate_opens_encrypted_files_with_their_secret(samples: Path) -> None:
    from memslice.validate import validate

    locked = validate(samples / MS / "tiny_gdb_stack_enc.msl")
    assert locked.header_only
    opened = validate(samples / MS / "tiny_gdb_stack_enc.msl", passphrase=PASSPHRASE)
    assert not opened.header_only
    assert [f.rule for f in opened.findings] == []


def test_capture_encrypt_keeps_plaintext_off_the_disk(tmp_path: Path) -> None:
    """``msl capture --encrypt`` of a process the test starts: the file verifies with the key, holds no marker."""
    from tests.targets.harness import MARKER as TARGET_MARKER
    from tests.targets.harness import capture, target

    key = tmp_path / "key"
    key.write_bytes(RAW_KEY)
    with target("--markers", "8", "--random", "1") as t:
        addr, size = t.area("markers")
        out = tmp_path / "enc.msl"
        result = capture(str(t.pid), "-o", str(out), "-c", "zstd", "--encrypt", "--key-file", str(key),
                         "--cipher", "xchacha20-poly1305", "-q")
        assert result.returncode == 0, result.stderr
    raw = out.read_bytes()
    assert TARGET_MARKER not in raw and b"MSLC" not in raw[128:]
    assert not list(tmp_path.glob("*.partial"))
    with MslReader(out, key=RAW_KEY) as reader:
        assert verify(reader).ok
        assert all(bytes(r.header.prev_hash) == bytes(32) for r in reader.blocks)
        data = b"".join(s.data or b"" for s in reader.read(addr, size))
    assert data == TARGET_MARKER * (size // len(TARGET_MARKER))
