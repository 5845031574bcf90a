"""Encrypted captures inside the shared CLI rules: one exit-code table, multi-file checks, atomic output.

Expectations come from outside the code checked: the exit-code numbers are the ones the
README documents, the files are the memdiver 1.0.2 samples (raw key ``bytes(range(32))``,
from the samples' README), and the "before the key derivation" checks replace the key
derivation with a function that fails the test if it is reached.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from memslice.acquirer import errors as acquirer_errors

import memslice.crypto.producer
from memslice.cli.common import EXIT_CODES, SEVERITY, worst
from memslice.cli.main import main
from memslice.crypto.producer import EncryptionConfig
from memslice.errors import AuthenticationError, ContainerError, DestinationExistsError, KdfLimitError, SecretError
from memslice.writer import MslWriter

REPO = Path(__file__).resolve().parents[1]
RAW_KEY = bytes(range(32))
MD = "memdiver-1.0.2"
MS = "memslicer-0.5.2"


@pytest.fixture
def files(samples: Path, tmp_path: Path) -> dict[str, Path]:
    enc = tmp_path / "enc.msl"
    shutil.copyfile(samples / MD / "mdw_enc_rawkey.msl", enc)
    plain = tmp_path / "plain.msl"
    shutil.copyfile(samples / MS / "tiny_gdb_stack_none.msl", plain)
    key = tmp_path / "key"
    key.write_bytes(RAW_KEY)
    bad = tmp_path / "bad"
    bad.write_bytes(bytes(32))
    return {"enc": enc, "plain": plain, "key": key, "bad": bad}


def _json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, dict]:
    code = main(argv)
    return code, json.loads(capsys.readouterr().out)


def test_one_table_no_number_twice() -> None:
    codes = [code for code, _ in EXIT_CODES]
    assert len(codes) == len(set(codes)) and set(codes) == set(SEVERITY)
    crypto = {SecretError.exit_code: "secret", AuthenticationError.exit_code: "authentication",
              ContainerError.exit_code: "container", KdfLimitError.exit_code: "argon2id"}
    assert sorted(crypto) == [11, 12, 13, 14]
    capture_codes = {cls.exit_code for cls in vars(acquirer_errors).values()
                     if isinstance(cls, type) and issubclass(cls, acquirer_errors.AcquireError)} - {1}
    assert capture_codes == set(range(3, 10)) and not capture_codes & set(codes)
    readme = (REPO / "README.md").read_text()
    for code, word in crypto.items():
        assert code in codes
        assert re.search(rf"^\|\s*{code}\s*\|.*{word}", readme, re.M | re.I), code
    # "not checked" is milder than a failed check, a failed decryption worse than an invalid file
    assert worst([0, 10]) == 10 and worst([10, 1]) == 1 and worst([1, 12]) == 12 and worst([12, 74]) == 74


def test_verify_several_files_with_a_secret(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    enc, plain, key, bad = (str(files[k]) for k in ("enc", "plain", "key", "bad"))
    code, doc = _json(capsys, ["verify", enc, plain, "--key-file", key, "--json"])
    assert code == 0 and [f["verdict"] for f in doc["result"]["files"]] == ["VALID", "VALID"]
    assert doc["result"]["files"][0]["tag"] == "ok"
    code, doc = _json(capsys, ["verify", enc, plain, "--json"])  # no secret: not checked, not invalid
    assert code == 10 and [f["verdict"] for f in doc["result"]["files"]] == ["NOT CHECKED", "VALID"]
    code, doc = _json(capsys, ["verify", plain, enc, "--key-file", bad, "--json"])  # carries on past the bad one
    assert code == 12 and [f["verdict"] for f in doc["result"]["files"]] == ["VALID", "NOT DECRYPTED"]
    assert doc["result"]["summary"]["NOT DECRYPTED"] == 1 and doc["exit_code"] == 12


def test_info_and_validate_several_files_with_a_secret(files: dict[str, Path],
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    enc, plain, key = (str(files[k]) for k in ("enc", "plain", "key"))
    code, doc = _json(capsys, ["info", enc, plain, "--key-file", key, "--json"])
    assert code == 0
    first, second = doc["result"]
    assert first["encryption"]["opened"] is True and first["encryption"]["cipher"] == "AES-256-GCM"
    assert first["blocks"] and second["encryption"] is None
    code, doc = _json(capsys, ["info", enc, "--json"])
    assert code == 0 and doc["result"]["encryption"]["opened"] is False and doc["result"]["blocks"] == []
    # decrypted, memdiver's file breaks P10 in its Module List (memdiver leaves out module_entry's tail
    # fields): a finding only a decrypted block list can show (header only would be NOT CHECKED)
    code, doc = _json(capsys, ["validate", enc, plain, "--key-file", key, "--json"])
    assert code == 1 and [f["verdict"] for f in doc["result"]["files"]] == ["FAIL", "PASS"]
    assert {f["rule"] for f in doc["result"]["files"][0]["findings"]} == {"P10"}
    code, doc = _json(capsys, ["validate", enc, plain, "--json"])
    assert code == 10 and [f["verdict"] for f in doc["result"]["files"]] == ["NOT CHECKED", "PASS"]


def test_encrypted_output_refused_before_the_key_derivation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_derivation(*args: object, **kwargs: object) -> None:
        raise AssertionError("key derivation ran before the destination was checked")

    monkeypatch.setattr(memslice.crypto.producer, "StreamSealer", no_derivation)
    out = tmp_path / "out.msl"
    out.write_bytes(b"keep me")
    with pytest.raises(DestinationExistsError):
        MslWriter(out, format_version="1.1", overwrite=False, encryption=EncryptionConfig(key=RAW_KEY))
    assert out.read_bytes() == b"keep me" and sorted(p.name for p in tmp_path.iterdir()) == ["out.msl"]


def test_encrypted_writer_temp_name_is_unpredictable_and_private(tmp_path: Path) -> None:
    out = tmp_path / "out.msl"
    names = []
    for _ in range(2):
        w = MslWriter(out, format_version="1.1", encryption=EncryptionConfig(key=RAW_KEY))
        names.append(Path(w.partial).name)
        assert (Path(w.partial).stat().st_mode & 0o777) == 0o600 and not out.exists()
        w.abort()
    assert names[0] != names[1] and all(re.fullmatch(r"out\.msl\.[0-9a-f]{16}\.partial", n) for n in names)
    assert list(tmp_path.iterdir()) == []


def test_msl_encrypt_and_keygen_refuse_an_existing_output(files: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "out.msl"
    out.write_bytes(b"keep me")
    argv = ["encrypt", str(files["plain"]), "-o", str(out), "--key-file", str(files["key"])]
    assert main(argv) == 2 and out.read_bytes() == b"keep me"
    assert main([*argv, "-f"]) == 0 and main(["verify", str(out), "--key-file", str(files["key"])]) == 0
    pub = tmp_path / "k.pub"
    pub.write_bytes(b"keep me")
    assert main(["keygen", "--kem", "x25519", "-o", str(tmp_path / "k")]) == 2
    assert not (tmp_path / "k.key").exists() and pub.read_bytes() == b"keep me"


def test_examiner_commands_read_an_encrypted_capture_with_its_secret(files: dict[str, Path], samples: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    from memslice.reader import MslReader
    from tests.conftest import MARKER

    with MslReader(samples / MD / "mdw_plain.msl") as plain:  # the same capture, unencrypted (samples README)
        expected = sum(bytes(r.captured_data()).count(MARKER) for r in plain.regions())
    assert expected > 0
    enc, key = str(files["enc"]), str(files["key"])
    assert main(["search", enc, MARKER.decode(), "-c", "--key-file", key]) == 0
    assert str(expected) in capsys.readouterr().out
    assert main(["search", enc, MARKER.decode(), "-c"]) == 10  # no secret: not checked
    assert main(["regions", enc, "--key-file", str(files["bad"])]) == 12
