"""Oracle: write a small encrypted capture with memslicer 0.5.2 or memdiver 1.0.2.

Run with the tool's oracle venv python::

    <venv>/bin/python tests/oracles/write_encrypted.py memslicer|memdiver OUT SPEC.json

SPEC.json: {"base": int, "data_hex_seed": str, "pages": int, "passphrase": str | null,
"raw_key_hex": str | null, "recipient_file": str | null, "cipher": "aes"|"xchacha",
"seal_segment": bool}. The page data is SHA-256 counter-mode of the seed, so the test can
recompute it. Uses only the tools' public writer APIs; prints nothing on success.
"""

from __future__ import annotations

import hashlib
import io
import json
import sys
from pathlib import Path


def page_bytes(seed: str, pages: int) -> bytes:
    """Deterministic page content (pages * 4096 bytes)."""
    out = bytearray()
    counter = 0
    while len(out) < pages * 4096:
        out += hashlib.sha256(f"{seed}:{counter}".encode()).digest()
        counter += 1
    return bytes(out[:pages * 4096])


def write_memslicer(out: Path, spec: dict) -> None:
    from memslicer.msl.constants import PageState
    from memslicer.msl.encryption import EncryptionParams, derive_key
    from memslicer.msl.types import FileHeader, MemoryRegion
    from memslicer.msl.writer import MSLWriter

    params = EncryptionParams()
    key = derive_key(spec["passphrase"], params)
    data = page_bytes(spec["seed"], spec["pages"])
    from memslicer.msl.constants import FLAG_ENCRYPTED

    header = FileHeader(pid=4242, cap_bitmap=1, flags=FLAG_ENCRYPTED)
    with open(out, "w+b") as fh:
        w = MSLWriter(fh, header, encryption_key=key, encryption_params=params)
        w.write_memory_region(MemoryRegion(base_addr=spec["base"], region_size=len(data), protection=3,
                                           page_states=[PageState.CAPTURED] * spec["pages"],
                                           page_data_chunks=[data]))
        w.finalize()
    if spec.get("seal_segment"):
        from memslicer.msl.sealed import seal_segment
        from memslicer.msl.types import ModuleBuildIdManifest

        raw = out.read_bytes()
        buf = io.BytesIO()
        sw = MSLWriter.for_sealed_segment(buf, header)
        sw.begin_extension()
        sw.write_module_build_id_manifest(ModuleBuildIdManifest())
        sw.finalize_extension("oracle-sealed")
        blob = seal_segment(key, raw[:128], b"", raw[-16:], 1, buf.getvalue())
        with open(out, "ab") as fh:
            fh.write(blob)


def write_memdiver(out: Path, spec: dict) -> None:
    from memdiver.msl.enums import EncAlgo, KdfType, KeyEncap
    from memdiver.msl.writer import MslEncryptionConfig, MslWriter

    algo = EncAlgo.XCHACHA20_POLY1305 if spec.get("cipher") == "xchacha" else EncAlgo.AES_256_GCM
    if spec.get("recipient_file"):
        cfg = MslEncryptionConfig(enc_algo=algo, key_encap=KeyEncap.X25519,
                                  recipient_public=Path(spec["recipient_file"]).read_bytes())
    elif spec.get("raw_key_hex"):
        cfg = MslEncryptionConfig(enc_algo=algo, raw_key=bytes.fromhex(spec["raw_key_hex"]))
    else:
        cfg = MslEncryptionConfig(enc_algo=algo, kdf_type=KdfType.ARGON2ID, passphrase=spec["passphrase"].encode())
    w = MslWriter(out, pid=4242, imported=False, encryption=cfg)
    w.add_process_identity(ppid=1)
    w.add_memory_region(spec["base"], page_bytes(spec["seed"], spec["pages"]))
    w.add_end_of_capture()
    w.write()


def main() -> int:
    tool, out, spec_file = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    spec = json.loads(spec_file.read_text())
    (write_memslicer if tool == "memslicer" else write_memdiver)(out, spec)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
