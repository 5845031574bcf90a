"""Encrypted captures: verify and write speed and memory, against the plain ones and the peers.

On one capture of ``--size-gib`` GiB (``read_verify.py``'s synthetic capture: random 4 KiB
pages in 64 MiB uncompressed regions, cached in ``bench-out/``), encrypted by us with
AES-256-GCM + Argon2id (t=3, m=64 MiB, p=4), measures in the same run:

* writing: our copy of the capture to a plain file vs to an encrypted one (same reader, same
  block stream; ``memslice.crypto.convert``), wall time and peak RSS of each child;
* verifying: our ``verify()`` of the plain file vs of the encrypted one (open = Argon2id +
  one authenticating pass, then FileHash over the plaintext decrypted range by range), time
  and peak RSS of each child;
* memdiver 1.0.2's and memslicer 0.5.2's decrypt + verify of the encrypted file (their oracle
  scripts' ``--verify-only``, which times open/decryption plus the chain check), with their
  peak RSS;
* the limits of this machine: one streaming AES-256-GCM pass of ``cryptography`` over the
  same number of bytes, and one Argon2id derivation.

Memory is the sampled peak RssAnon of each child (what the process allocates; ru_maxrss would
also count the page cache of the mmap-ed input, like the plain reader's).

Targets (issue 12): encrypted verify <= 1.5 x (plain verify + one AES-GCM pass); peak RSS
under 150 MB for any size; encrypted write <= 1.3 x plain write.

Usage::

    .venv/bin/python benchmarks/encrypted.py [--size-gib 1] [--out bench-out] [--repeat 1]
"""

from __future__ import annotations

import argparse
import json
import mmap
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

sys.path.insert(0, str(Path(__file__).resolve().parent))
import read_verify  # noqa: E402  (the shared synthetic capture)

REPO = Path(__file__).resolve().parents[1]
ORACLES = REPO / "tests" / "oracles"
PASSPHRASE = "bench-passphrase"
MiB = 1 << 20
GiB = 1 << 30

_CONVERT = textwrap.dedent("""
    import json, sys, time
    from memslice.crypto.convert import convert
    from memslice.crypto.producer import EncryptionConfig
    from memslice.reader import MslReader
    src, dst, mode = sys.argv[1], sys.argv[2], sys.argv[3]
    config = EncryptionConfig(passphrase=sys.argv[4].encode()) if mode == "encrypted" else None
    started = time.perf_counter()
    with MslReader(src) as reader:
        convert(reader, dst, encryption=config, overwrite=True, check=False)
    print(json.dumps({"seconds": time.perf_counter() - started}))
""")

_VERIFY = textwrap.dedent("""
    import json, sys, time
    from memslice.reader import MslReader
    from memslice.verify import verify
    path, passphrase = sys.argv[1], sys.argv[2] or None
    started = time.perf_counter()
    with MslReader(path, passphrase=passphrase) as reader:
        opened = time.perf_counter()
        report = verify(reader)
        done = time.perf_counter()
    print(json.dumps({"ok": report.ok, "seconds": done - started, "open_seconds": opened - started,
                      "problems": report.problems[:3]}))
""")


def run_child(cmd: list[str]) -> dict:
    """Run ``cmd``; its last stdout line is JSON; add wall time, ru_maxrss and sampled peak RssAnon."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO)
    peak_anon = 0
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        peak_anon = max(peak_anon, read_verify._proc_status(proc.pid).get("RssAnon", 0))
        time.sleep(0.005)
    wall = time.perf_counter() - started
    stdout, stderr = proc.communicate()
    code = os.waitstatus_to_exitcode(status)
    lines = stdout.decode().strip().splitlines()
    if not lines:
        raise RuntimeError(f"{cmd[:3]} failed ({code}): {stderr.decode()[-2000:]}")
    result = json.loads(lines[-1])
    result.update(wall=wall, maxrss=usage.ru_maxrss * 1024, peak_anon=peak_anon, exit=code)
    return result


def best(runs: list[dict], key: str = "seconds") -> dict:
    return min(runs, key=lambda r: r.get(key) or r["wall"])


def aes_gcm_pass(path: Path) -> float:
    """One streaming AES-256-GCM encryption pass of cryptography over the file's bytes (1 MiB steps)."""
    enc = Cipher(algorithms.AES(os.urandom(32)), modes.GCM(os.urandom(12))).encryptor()
    buf = bytearray(MiB + 15)
    with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        view = memoryview(mm)
        started = time.perf_counter()
        for pos in range(0, len(view), MiB):
            enc.update_into(view[pos:pos + MiB], buf)
        enc.finalize()
        elapsed = time.perf_counter() - started
        view.release()
    return elapsed


def argon2id_once() -> float:
    from memslice.crypto.kdf import Argon2Params, argon2id

    started = time.perf_counter()
    argon2id(PASSPHRASE.encode(), os.urandom(16), Argon2Params())
    return time.perf_counter() - started


def oracle_cmd(name: str, path: Path) -> list[str] | None:
    sys.path.insert(0, str(ORACLES))
    try:
        import venvs
    finally:
        sys.path.pop(0)
    venv = venvs.default_root() / name
    if not (venv / venvs.MARKER_NAME).is_file():
        return None
    return [str(venv / "bin" / "python"), str(venvs.READER_SCRIPTS[name]), "", "--passphrase", PASSPHRASE,
            "--verify-only"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-gib", type=float, default=1.0)
    parser.add_argument("--out", type=Path, default=REPO / "bench-out")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--skip-peers", action="store_true")
    args = parser.parse_args(argv)
    src = read_verify.ensure_capture(args.out, args.size_gib)
    size = src.stat().st_size
    plain = args.out / "enc_bench_plain.msl"
    enc = args.out / "enc_bench_aesgcm_argon2id.msl"
    py = sys.executable

    writes = {mode: best([run_child([py, "-c", _CONVERT, str(src), str(dst), mode, PASSPHRASE])
                          for _ in range(args.repeat)])
              for mode, dst in (("plain", plain), ("encrypted", enc))}
    verifies = {mode: best([run_child([py, "-c", _VERIFY, str(path), pw]) for _ in range(args.repeat)])
                for mode, path, pw in (("plain", plain, ""), ("encrypted", enc, PASSPHRASE))}
    for mode, r in verifies.items():
        if not r.get("ok"):
            raise SystemExit(f"our {mode} verify failed: {r}")
    aes = min(aes_gcm_pass(plain) for _ in range(args.repeat))
    kdf = argon2id_once()
    peers: dict[str, dict | str] = {}
    for name in ("memdiver", "memslicer"):
        cmd = oracle_cmd(name, enc)
        if args.skip_peers or cmd is None:
            peers[name] = "skipped (venv not built or --skip-peers)"
            continue
        cmd[2] = str(enc)
        peers[name] = run_child(cmd)

    def mbps(seconds: float) -> str:
        return f"{size / seconds / MiB:8.0f} MiB/s"

    print(f"\ncapture: {size / GiB:.3f} GiB ({src.name}), AES-256-GCM + Argon2id t=3 m=64MiB p=4; "
          f"{os.cpu_count()} CPUs\n")
    print(f"{'measurement':48s} {'seconds':>9s} {'throughput':>14s} {'peak anon':>10s}")
    rows = [("write plain (convert)", writes["plain"]["seconds"], writes["plain"]["peak_anon"]),
            ("write encrypted (convert)", writes["encrypted"]["seconds"], writes["encrypted"]["peak_anon"]),
            ("verify plain (ours)", verifies["plain"]["seconds"], verifies["plain"]["peak_anon"]),
            ("verify encrypted (ours; open incl. Argon2id)", verifies["encrypted"]["seconds"],
             verifies["encrypted"]["peak_anon"]),
            ("  of which open (Argon2id + tag pass)", verifies["encrypted"]["open_seconds"], None)]
    for name in ("memdiver", "memslicer"):
        r = peers[name]
        if isinstance(r, dict):
            rows.append((f"{name} decrypt + verify (--verify-only)", r.get("seconds") or r["wall"], r["peak_anon"]))
    rows += [("AES-256-GCM one pass (cryptography, streaming)", aes, None), ("Argon2id once (t3 m64MiB p4)", kdf, None)]
    for label, seconds, rss in rows:
        print(f"{label:48s} {seconds:9.3f} {mbps(seconds):>14s} {'' if rss is None else f'{rss / MiB:7.0f} MB':>10s}")
    for name, r in peers.items():
        if isinstance(r, str):
            print(f"{name}: {r}")
        elif r.get("verify") != "ok":
            print(f"{name}: verdict {r.get('verify')} {r.get('verify_detail') or r.get('error')}")
    enc_v = verifies["encrypted"]["seconds"]
    target_v = 1.5 * (verifies["plain"]["seconds"] + aes)
    print("\nratios")
    print(f"  encrypted verify / (plain verify + AES pass)  {enc_v / (verifies['plain']['seconds'] + aes):6.2f}  "
          f"(target <= 1.5: {'met' if enc_v <= target_v else 'NOT met'})")
    print(f"  encrypted verify without Argon2id / (plain + AES)  "
          f"{(enc_v - kdf) / (verifies['plain']['seconds'] + aes):6.2f}")
    ratio_w = writes["encrypted"]["seconds"] / writes["plain"]["seconds"]
    print(f"  encrypted write / plain write                 {ratio_w:6.2f}  "
          f"(target <= 1.3: {'met' if ratio_w <= 1.3 else 'NOT met'})")
    peak = max(verifies["encrypted"]["peak_anon"], writes["encrypted"]["peak_anon"])
    print(f"  our peak anonymous RSS (encrypted verify / write)  {peak / MiB:6.0f} MB  "
          f"(target < 150 MB: {'met' if peak < 150 * MiB else 'NOT met'})")
    for name in ("memdiver", "memslicer"):
        r = peers[name]
        if isinstance(r, dict):
            t = r.get("seconds") or r["wall"]
            print(f"  {name} decrypt+verify / ours encrypted verify  {t / enc_v:6.2f}  "
                  f"(their peak anonymous RSS {r['peak_anon'] / MiB:.0f} MB)")
    print("  (peak anon = sampled RssAnon: heap, excluding the page cache of mapped input files; "
          "ru_maxrss also counts those)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
