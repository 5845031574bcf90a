"""Peak RSS, time and CPU time of importing a core with a million PT_LOAD segments and a
minidump with a million memory ranges, beside the same imports by the code of another
revision (default: where this branch left main), measured in the same run.

Usage:
    .venv/bin/python benchmarks/import_rss.py [--segments N] [--baseline REF | --no-baseline]

Both sources are built here (tests/targets_import/hostile.py). Every import runs in its
own child process under an address-space limit; peak RSS is the child's ru_maxrss (VmHWM),
time is wall-clock, CPU time the child's user + system time (steadier than wall time on a
shared machine). The baseline revision is taken with ``git archive`` into a temporary
directory and run with ``python -S`` so that this checkout's editable install does not
shadow it; nothing in the working tree is touched.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tarfile
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.targets_import.hostile import write_core, write_minidump  # noqa: E402

CHILD = r"""
import json, sys
from memslice.acquirer.importers import SourceError, import_dump
kwargs = json.loads(sys.argv[3])
try:
    r = import_dump(sys.argv[1], sys.argv[2], hash_source=False, **kwargs)
except TypeError:  # an older revision without the keyword
    r = import_dump(sys.argv[1], sys.argv[2], hash_source=False)
print(json.dumps({"regions": r.regions, "blocks": r.blocks}))
"""
AS_LIMIT = 3 << 30


def add_baseline_options(parser: argparse.ArgumentParser) -> None:
    """``--baseline REF`` and ``--no-baseline`` (see :func:`baseline_ref`)."""
    parser.add_argument("--baseline", default=None, help="git revision to compare with (default: merge-base "
                                                          "of HEAD and main)")
    parser.add_argument("--no-baseline", action="store_true", help="measure this checkout only")


def baseline_ref(args: argparse.Namespace) -> str | None:
    """The revision to compare with: ``--baseline``, else the merge-base of HEAD and main (None: ``--no-baseline``)."""
    if args.baseline is not None or args.no_baseline:
        return args.baseline
    return subprocess.run(["git", "-C", str(ROOT), "merge-base", "HEAD", "main"], capture_output=True, text=True,
                          check=True).stdout.strip()


def baseline_root(ref: str, work: Path) -> Path:
    """A directory from which ``import memslice`` loads revision ``ref`` (package-dir layout of its pyproject)."""
    src = work / "src"
    src.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref], capture_output=True, check=True).stdout
    tar_path = work / "rev.tar"
    tar_path.write_bytes(archive)
    with tarfile.open(tar_path) as tar:
        tar.extractall(src, filter="data")
    dirs = tomllib.loads((src / "pyproject.toml").read_text())["tool"]["setuptools"]["package-dir"]
    root = work / "root"
    for package, folder in sorted(dirs.items(), key=lambda kv: kv[0].count(".")):
        target = root.joinpath(*package.split("."))
        if package.count(".") == 0:
            target.parent.mkdir(parents=True, exist_ok=True)
            # copy the top package so sub-packages mapped elsewhere can be linked inside it
            subprocess.run(["cp", "-r", str(src / folder), str(target)], check=True)
        elif not target.exists():
            os.symlink(src / folder, target)
    return root


def run(src: Path, out: Path, kwargs: dict, root: Path | None) -> dict:
    """One import in a child: wall time, peak RSS, what it wrote."""
    env = dict(os.environ)
    cmd = [sys.executable]
    if root is not None:
        purelib = subprocess.run([sys.executable, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                 capture_output=True, text=True, check=True).stdout.strip()
        env["PYTHONPATH"] = f"{root}{os.pathsep}{purelib}"
        cmd.append("-S")
    cmd += ["-c", CHILD, str(src), str(out), json.dumps(kwargs)]

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (AS_LIMIT, AS_LIMIT))

    with tempfile.TemporaryFile() as so, tempfile.TemporaryFile() as se:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=so, stderr=se, env=env, preexec_fn=limit, cwd=out.parent)
        _pid, status, usage = os.wait4(proc.pid, 0)  # the child's own ru_maxrss (its VmHWM)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        so.seek(0)
        se.seek(0)
        stdout, stderr = so.read(), se.read()
    return {"seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024,
            "ok": proc.returncode == 0,
            "out": stdout.decode().strip(), "err": stderr.decode()[-300:],
            "output_mb": out.stat().st_size / 2**20 if out.exists() else 0}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--segments", type=int, default=1 << 20, help="segments / ranges (default 2^20)")
    add_baseline_options(parser)
    args = parser.parse_args()
    n = args.segments
    ref = baseline_ref(args)
    with tempfile.TemporaryDirectory(prefix="import-rss-") as tmp:
        work = Path(tmp)
        core, dump = work / "many.core", work / "many.dmp"
        write_core(core, ((0x10000000 + i * 0x2000, 0, 0, 0x1000) for i in range(n)), n)
        write_minidump(dump, ((0x10000000 + i * 0x2000, 16) for i in range(n)), n, data=bytes(16 * n))
        root = None
        if ref and not args.no_baseline:
            (work / "base").mkdir()
            root = baseline_root(ref, work / "base")
        print(f"import of {n} segments / ranges; peak RSS (ru_maxrss of the child), wall time and CPU time "
              "(user + system of the child), same run")
        print(f"{'source':<34} {'size MB':>8} {'this: s':>8} {'CPU s':>7} {'RSS MB':>8} {'out MB':>8}"
              + (f" {'base: s':>8} {'CPU s':>7} {'RSS MB':>8} {'RSS ratio':>9} {'time ratio':>10} {'CPU ratio':>9}"
                 if root else ""))
        for label, src, kwargs in (("ELF core, PT_LOAD each 1 page", core, {}),
                                   ("minidump, Memory64List 16 B each", dump, {"accept_loss": True})):
            ours = run(src, work / "ours.msl", kwargs, None)
            line = (f"{label:<34} {src.stat().st_size / 2**20:>8.1f} {ours['seconds']:>8.1f} {ours['cpu']:>7.1f} "
                    f"{ours['rss_mb']:>8.1f} {ours['output_mb']:>8.1f}")
            if not ours["ok"]:
                line += f"  (failed: {ours['err']})"
            (work / "ours.msl").unlink(missing_ok=True)
            if root is not None:
                base = run(src, work / "base.msl", kwargs, root)
                line += (f" {base['seconds']:>8.1f} {base['cpu']:>7.1f} {base['rss_mb']:>8.1f} "
                         f"{base['rss_mb'] / ours['rss_mb']:>8.1f}x {base['seconds'] / ours['seconds']:>9.2f}x "
                         f"{base['cpu'] / max(ours['cpu'], 1e-9):>8.2f}x")
                if not base["ok"]:
                    line += f"  (baseline failed: {base['err']})"
                (work / "base.msl").unlink(missing_ok=True)
            print(line, flush=True)
        if root is not None:
            print(f"baseline: {ref}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
