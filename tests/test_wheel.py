"""The installed package works without the source tree (issue 11, section 3).

The wheel is built from a copy of the source tree and installed into a fresh venv in a
temporary folder. Its third-party dependencies come from the dev venv through one ``.pth``
line (nothing is downloaded); the dev venv's editable ``memslice`` cannot leak in, because a
path named in a ``.pth`` file is added without processing the ``.pth`` files inside it (the
first test proves where ``memslice`` is imported from). Every ``msl`` subcommand, enumerated
from the CLI parser, then runs from another directory, with the temporary folder as the
working directory, on captures copied from tests/fixtures (and one capture of a process this
test starts with an empty environment). Nothing may be written into the installation.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pytest

from memslice.cli.main import build_parser
from tests.conftest import FIXTURES, MARKER, SAMPLES

ROOT = Path(__file__).resolve().parents[1]
NOT_COPIED = {".git", ".venv", ".oracle-venvs", "build", "dist", "node_modules", "__pycache__", ".pytest_cache",
              ".ruff_cache", ".hypothesis", "demo-out", "bench-out", "tests", "benchmarks", "fuzz"}
"""What the wheel build does not need (and tests/, which the installed package must not need)."""
PLAIN = "plain.msl"
"""memdiver 1.0.2's own capture: 0x400000 holds the 32-byte marker, over and over (fixtures README)."""
SAMPLE_IDS = (ROOT / "conformance" / "cases" / "IDS").read_text().split()

pytestmark = pytest.mark.xdist_group("wheel")
"""Under pytest-xdist (``make test``) this file runs on one worker, so the module fixture
``installed`` builds and installs the wheel once, not once per worker."""


@dataclass
class Installed:
    """The wheel, installed in ``venv``; commands run in ``work`` with a minimal environment."""

    venv: Path
    site: Path
    work: Path
    env: dict[str, str]

    def msl(self, *args: str | Path, timeout: float = 180) -> subprocess.CompletedProcess[str]:
        """Run the installed ``msl`` in the work folder."""
        out = subprocess.run([str(self.venv / "bin" / "msl"), *map(str, args)], cwd=self.work, env=self.env,
                             capture_output=True, text=True, timeout=timeout, check=False)
        assert "Traceback" not in out.stderr, out.stderr
        return out

    def run_python(self, code: str) -> subprocess.CompletedProcess[str]:
        """Run the venv's Python in the work folder."""
        return subprocess.run([str(self.venv / "bin" / "python"), "-c", code], cwd=self.work, env=self.env,
                              capture_output=True, text=True, timeout=60, check=True)


def _checkout_msl(work: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    """The same command through the checkout's (editable) install: the installed one must agree."""
    return subprocess.run([sys.executable, "-m", "memslice.cli.main", *map(str, args)], cwd=work,
                          capture_output=True, text=True, timeout=180, check=False)


def _ignore(folder: str, names: list[str]) -> set[str]:
    here = Path(folder)
    skipped = {n for n in names if n in NOT_COPIED or n.endswith(".egg-info")}
    if here == ROOT / "tools" / "kaitai":
        skipped |= set(names)
    return skipped


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    base = tmp_path_factory.mktemp("wheel")
    src, dist, venv, work = base / "src", base / "dist", base / "venv", base / "work"
    shutil.copytree(ROOT, src, ignore=_ignore)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input", "-q"]
    # the build backend of the dev venv (setuptools>=77, a dev dependency): no download, seconds
    setuptools = tuple(int(p) for p in metadata.version("setuptools").split(".")[:1])
    if setuptools < (77,):
        pytest.fail(f"setuptools {metadata.version('setuptools')} in the dev venv cannot build the wheel: run "
                    "`make setup` (the dev extra needs setuptools>=77)", pytrace=False)
    built = subprocess.run([*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", dist, src],
                           capture_output=True, text=True, timeout=300, check=False)
    assert built.returncode == 0, built.stderr[-3000:]
    wheels = list(dist.glob("memslice-*.whl"))
    assert len(wheels) == 1, wheels
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True, timeout=120)
    venv_site = Path(subprocess.run([venv / "bin" / "python", "-c",
                                     "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                    capture_output=True, text=True, check=True).stdout.strip())
    deps = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    (venv_site / "_dev_venv_dependencies.pth").write_text("".join(f"{p}\n" for p in deps))
    done = subprocess.run([*pip, "--python", venv / "bin" / "python", "install", "--no-deps", "--no-index",
                           "--no-compile", wheels[0]], capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    work.mkdir()
    shutil.copyfile(SAMPLES / "memdiver-1.0.2" / "mdw_plain.msl", work / PLAIN)
    shutil.copyfile(SAMPLES / "memdiver-1.0.2" / "mdw_zstd.msl", work / "zstd.msl")
    shutil.copyfile(FIXTURES / "minidump" / "linux-mini.dmp", work / "linux-mini.dmp")
    shutil.copytree(ROOT / "spec", work / "spec")
    home = base / "home"
    home.mkdir()
    env = {"PATH": f"{venv / 'bin'}:/usr/local/bin:/usr/bin:/bin", "HOME": str(home), "LC_ALL": "C.UTF-8",
           "TMPDIR": str(base)}
    yield Installed(venv, venv_site, work, env)


def test_every_python_package_is_in_the_wheel() -> None:
    """A package folder missing from pyproject's ``packages`` is missing from the wheel (quick, no build)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    for package, folder in config["package-dir"].items():
        for init in (ROOT / folder).rglob("__init__.py"):
            name = ".".join((package, *init.parent.relative_to(ROOT / folder).parts))
            assert name in listed, f"{name} ({init.parent}) is not in pyproject's packages: the wheel lacks it"


def _tree(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts}


def test_the_installed_memslice_is_the_wheel(installed: Installed) -> None:
    out = installed.run_python(
        "import json, sys, importlib.metadata, memslice, memslice.resources as r\n"
        "print(json.dumps({'file': memslice.__file__, 'dist': str(importlib.metadata.distribution('memslice')"
        ".locate_file('memslice')), 'finders': [repr(f) for f in sys.meta_path], 'checkout': "
        "str(r.checkout_root()), 'spec': str(r.installed_spec_dir())}))")
    doc = json.loads(out.stdout)
    venv = str(installed.venv.resolve())
    assert doc["file"].startswith(venv) and doc["dist"].startswith(venv), doc
    assert not any("editable" in f.lower() for f in doc["finders"]), doc["finders"]
    assert doc["checkout"] == "None"
    assert doc["spec"].startswith(venv) and (Path(doc["spec"]) / "schema.json").is_file()
    assert (Path(doc["spec"]) / "format.yaml").read_bytes() == (ROOT / "spec" / "format.yaml").read_bytes()


def _subcommands() -> list[str]:
    """Every subcommand of ``msl``, nested ones as ``"conformance run"``."""
    parser = build_parser()
    names: list[str] = []
    sub = next(a for a in parser._actions if a.dest == "command")
    for name, command in sub.choices.items():  # type: ignore[union-attr]
        nested = [a for a in command._actions if a.__class__.__name__ == "_SubParsersAction"]
        names += [f"{name} {child}" for child in nested[0].choices] if nested else [name]
    return names


# ---- one scenario per subcommand: realistic arguments, exit code and output checked ----------------------


def _same_as_checkout(inst: Installed, *args: str) -> subprocess.CompletedProcess[str]:
    out = inst.msl(*args)
    ref = _checkout_msl(inst.work, *args)
    assert (out.returncode, out.stdout) == (ref.returncode, ref.stdout), (out.stderr, ref.stderr)
    return out


def _info(inst: Installed) -> None:
    out = _same_as_checkout(inst, "info", PLAIN)
    assert out.returncode == 0 and "dialect" in out.stdout and "pid: " in out.stdout


def _verify(inst: Installed) -> None:
    out = _same_as_checkout(inst, "verify", "--deep", PLAIN, "zstd.msl")
    assert out.returncode == 0, out.stderr


def _validate(inst: Installed) -> None:
    out = inst.msl("validate", "--json", PLAIN, "zstd.msl")
    assert out.returncode in (0, 1) and len(json.loads(out.stdout)["captures"]) == 2


def _canon(inst: Installed) -> None:
    out = inst.msl("canon", PLAIN, "-o", "canon.json")
    assert out.returncode == 0, out.stderr
    ref = _checkout_msl(inst.work, "canon", PLAIN)
    assert (inst.work / "canon.json").read_text() == ref.stdout
    assert json.loads(ref.stdout)["canon"] == "msl-canon/1"


def _regions(inst: Installed) -> None:
    out = inst.msl("regions", PLAIN)
    assert out.returncode == 0 and "0x0000000000400000" in out.stdout and "/usr/bin/mslref-target" in out.stdout


def _read(inst: Installed) -> None:
    out = inst.msl("read", PLAIN, "0x400000", str(2 * len(MARKER)), "-o", "read.bin")
    assert out.returncode == 0, out.stderr
    assert (inst.work / "read.bin").read_bytes() == MARKER * 2


def _search(inst: Installed) -> None:
    out = inst.msl("search", "-c", PLAIN, MARKER.decode())
    assert out.returncode == 0 and int(out.stdout.split()[0]) > 0, out.stdout


def _strings(inst: Installed) -> None:
    out = inst.msl("strings", "-n", "32", PLAIN)
    assert out.returncode == 0 and out.stdout.startswith("0x0000000000400000 " + MARKER.decode())


def _yara(inst: Installed) -> None:
    (inst.work / "marker.yar").write_text('rule mslref_marker { strings: $m = "<MSLREF:MARKER:" condition: $m }\n')
    out = inst.msl("yara", "marker.yar", PLAIN)
    assert out.returncode == 0 and "mslref_marker" in out.stdout


def _diff(inst: Installed) -> None:
    out = inst.msl("diff", "--json", PLAIN, "zstd.msl")
    assert out.returncode in (0, 1) and json.loads(out.stdout)["command"] == "diff"


def _extract(inst: Installed) -> None:
    out = inst.msl("extract", "--region", "0x400000", "-o", "extracted", PLAIN)
    assert out.returncode == 0, out.stderr
    files = list((inst.work / "extracted").iterdir())
    assert files and any(f.read_bytes().startswith(MARKER) for f in files)


def _export(inst: Installed) -> None:
    out = inst.msl("export", PLAIN, "-o", "plain.core")
    assert out.returncode == 0, out.stderr
    assert (inst.work / "plain.core").read_bytes()[:4] == b"\x7fELF"


def _import(inst: Installed) -> None:
    out = inst.msl("import", "linux-mini.dmp", "-o", "imported.msl", "--accept-loss")
    assert out.returncode == 0, out.stderr
    assert inst.msl("verify", "imported.msl").returncode == 0


def _keygen(inst: Installed, name: str = "keygen") -> None:
    out = inst.msl("keygen", "--kem", "x25519", "-o", name, "-f")
    assert out.returncode == 0, out.stderr
    assert (inst.work / f"{name}.key").stat().st_mode & 0o777 == 0o600 and (inst.work / f"{name}.pub").is_file()


def _encrypt(inst: Installed) -> None:
    _keygen(inst, "recipient")
    out = inst.msl("encrypt", PLAIN, "-o", "sealed.msl", "-f", "--recipient", "recipient.pub")
    assert out.returncode == 0, out.stderr
    assert MARKER not in (inst.work / "sealed.msl").read_bytes()
    assert inst.msl("verify", "sealed.msl").returncode == 10  # not checked without the secret


def _decrypt(inst: Installed) -> None:
    if not (inst.work / "sealed.msl").exists():  # msl encrypt's scenario ran first unless deselected
        _encrypt(inst)
    out = inst.msl("decrypt", "sealed.msl", "-o", "opened.msl", "--identity", "recipient.key")
    assert out.returncode == 0, out.stderr
    assert inst.msl("read", "opened.msl", "0x400000", str(len(MARKER))).stdout.encode() == MARKER


def _live(inst: Installed) -> int:
    """Capture the marker area of a process this test starts (empty environment) into live.msl; its address."""
    from tests.targets.harness import target

    with target("--markers", "1") as t:
        addr, size = t.area("markers")
        out = inst.msl("capture", str(t.pid), "-o", "live.msl", "-f", "-c", "zstd", "--filter-addr",
                       f"{addr:#x}-{addr + size:#x}")
    assert out.returncode == 0, out.stderr
    return addr


def _capture(inst: Installed) -> None:
    addr = _live(inst)
    assert inst.msl("verify", "live.msl").returncode == 0
    read = inst.msl("read", "live.msl", f"{addr:#x}", str(len(MARKER)))
    assert read.returncode == 0 and read.stdout.encode() == MARKER


def _enrich(inst: Installed) -> None:
    if not (inst.work / "live.msl").exists():  # msl capture's scenario ran first unless deselected
        _live(inst)
    shutil.copyfile(inst.work / "live.msl", inst.work / "enriched.msl")
    out = inst.msl("enrich", "--build-ids", "enriched.msl")
    assert out.returncode == 0, out.stderr
    assert inst.msl("verify", "enriched.msl").returncode == 0
    assert (inst.work / "enriched.msl").stat().st_size > (inst.work / "live.msl").stat().st_size


def _codegen(inst: Installed) -> None:
    out = inst.msl("codegen", "--check")  # the installed bindings against the installed spec
    assert out.returncode == 0 and "installed bindings" in out.stdout, out.stderr
    refused = inst.msl("codegen")  # no generated/ to regenerate: one line, nothing written
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1 and "source checkout" in refused.stderr
    refused = inst.msl("codegen", "--spec", "spec", "--check")  # never compared with site-packages
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1 and "--out" in refused.stderr
    refused = inst.msl("codegen", "--spec", "spec", "--out", inst.site / "memslice" / "generated")
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1 and "installed package" in refused.stderr
    shutil.copytree(ROOT / "generated", inst.work / "generated", dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__"))
    (inst.work / "generated" / "python" / "enums.py").write_text("# changed\n")
    drift = inst.msl("codegen", "--spec", "spec", "--out", "generated", "--check")  # the folder it is given
    assert drift.returncode == 1 and drift.stderr.startswith("differs: generated/python/enums.py\n"), drift.stderr
    assert "1 file(s) out of date in generated" in drift.stderr


def _spec_diff(inst: Installed) -> None:
    out = inst.msl("spec", "diff", "--json", "spec", str(ROOT / "spec"))
    assert out.returncode == 0 and json.loads(out.stdout)["changes"] == []


def _conformance_run(inst: Installed) -> None:
    expected = ["header/bad-magic", "header/big-endian", "real/memdiver-plain"]
    out = inst.msl("conformance", "run", "--adapter", "reference", *(f"--run={c}" for c in expected),
                   "--json", "report.json", "-f")
    assert out.returncode == 0, out.stdout + out.stderr
    report = json.loads((inst.work / "report.json").read_text())
    assert sorted(c["id"] for c in report["cases"]) == sorted(expected)
    assert f"reference: {len(expected)} pass -> ok" in out.stdout


def _conformance_list(inst: Installed) -> None:
    out = inst.msl("conformance", "list", "--json")
    assert out.returncode == 0
    assert [c["id"] for c in json.loads(out.stdout)["result"]["cases"]] == SAMPLE_IDS


def _conformance_copy(inst: Installed) -> None:
    out = inst.msl("conformance", "copy", "kit", "--run", "header/bad-magic", "--run", "real/memdiver-plain")
    assert out.returncode == 0, out.stderr
    kit = inst.work / "kit"
    assert (kit / "spec" / "format.yaml").read_bytes() == (ROOT / "spec" / "format.yaml").read_bytes()
    for case in ("header/bad-magic", "real/memdiver-plain"):
        original = ROOT / "conformance" / "cases" / case / "input.msl"
        assert hashlib.sha256((kit / "cases" / case / "input.msl").read_bytes()).digest() == \
            hashlib.sha256(original.read_bytes()).digest()


def _conformance_matrix(inst: Installed) -> None:
    out = inst.msl("conformance", "matrix", "--only", "reference", "--only", "kaitai", "--run", "header/bad-magic",
                   "-o", "matrix.md")
    assert out.returncode == 0, out.stderr
    assert "kaitai: not run (needs a source checkout" in out.stdout
    assert "reference" in (inst.work / "matrix.md").read_text()


def _conformance_generate(inst: Installed) -> None:
    out = inst.msl("conformance", "generate", "--verify")  # every recipe against the installed corpus
    assert out.returncode == 0, out.stdout + out.stderr
    assert f"{len(SAMPLE_IDS)} case(s) up to date, 0 problem(s)" in out.stdout
    refused = inst.msl("conformance", "generate")  # would rewrite the installed corpus
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1 and "source checkout" in refused.stderr


def _conformance_capabilities(inst: Installed) -> None:
    out = inst.msl("conformance", "capabilities", "--adapter", "reference")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["contract"] == "msl-conformance/1"


SCENARIOS: dict[str, Callable[[Installed], None]] = {
    "canon": _canon, "capture": _capture, "codegen": _codegen, "decrypt": _decrypt, "diff": _diff,
    "encrypt": _encrypt, "enrich": _enrich, "export": _export, "extract": _extract, "import": _import,
    "info": _info, "keygen": _keygen, "read": _read, "regions": _regions, "search": _search,
    "strings": _strings, "validate": _validate, "verify": _verify, "yara": _yara, "spec diff": _spec_diff,
    "conformance run": _conformance_run, "conformance list": _conformance_list,
    "conformance copy": _conformance_copy, "conformance matrix": _conformance_matrix,
    "conformance generate": _conformance_generate, "conformance capabilities": _conformance_capabilities,
}


def test_the_installed_msl_offers_every_subcommand(installed: Installed) -> None:
    out = installed.msl("--help")
    assert out.returncode == 0
    listed = out.stdout.split("{", 1)[1].split("}", 1)[0].split(",")
    assert sorted(listed) == sorted({name.split()[0] for name in _subcommands()})


@pytest.mark.parametrize("command", _subcommands())
def test_subcommand_works_from_the_wheel(installed: Installed, command: str) -> None:
    scenario = SCENARIOS.get(command)
    assert scenario is not None, f"msl {command}: add a scenario to tests/test_wheel.py"
    before = _tree(installed.site)
    scenario(installed)
    assert _tree(installed.site) == before, f"msl {command} wrote into the installation"
